// The document `decorum check --format json` writes (docs/output.md and
// docs/schema/check-output.schema.json), and its conversion into editor-neutral
// diagnostics. Pure: no `vscode` import, so the unit tests run under plain Node.

import { LineTable, type ScalarPosition, type Utf16Position } from "./positions";

/** A place in a draft: 1-based line and column, 0-based byte offset. */
export interface ReportPosition extends ScalarPosition {
  offset: number;
}

export type ReportSeverity = "error" | "warning" | "info" | "hint";

export interface ReportRelated {
  file: string;
  start: ReportPosition;
  end: ReportPosition;
  label: string;
}

export interface ReportFinding {
  rule: string;
  title: string;
  severity: ReportSeverity;
  file: string;
  start: ReportPosition;
  end: ReportPosition;
  message: string;
  link: string | null;
  related: ReportRelated[];
}

export interface ReportProblem {
  level: "error" | "warning";
  code: string;
  file: string;
  line: number | null;
  column: number | null;
  message: string;
  help: string | null;
}

export interface CheckReport {
  version: number;
  findings: ReportFinding[];
  problems: ReportProblem[];
  summary: { files: number; errors: number; warnings: number; infos: number; hints: number };
}

/** Reads the JSON document, refusing anything that is not version 1 of the report. */
export function parseReport(json: string): CheckReport {
  const value: unknown = JSON.parse(json);
  if (typeof value !== "object" || value === null) {
    throw new Error("decorum check did not write a JSON object");
  }
  const report = value as Partial<CheckReport>;
  if (report.version !== 1 || !Array.isArray(report.findings) || !Array.isArray(report.problems)) {
    throw new Error(`decorum check wrote a report of an unknown shape (version ${String(report.version)})`);
  }
  return report as CheckReport;
}

/** A range in VS Code's units. */
export interface Utf16Range {
  start: Utf16Position;
  end: Utf16Position;
}

/** One diagnostic, not yet a `vscode.Diagnostic`. */
export interface PlainDiagnostic {
  /** The file, as the report names it (relative to the folder that was checked). */
  file: string;
  range: Utf16Range;
  severity: ReportSeverity;
  message: string;
  /** The rule id for findings, `policy.<code>` for policy problems. */
  code: string;
  link: string | null;
  /** `decorum` for findings in drafts, `decorum-policy` for problems in policy files. */
  source: "decorum" | "decorum-policy";
  related: { file: string; range: Utf16Range; label: string }[];
}

/**
 * Turns a report into diagnostics. `readText` returns a file's text (the text the check
 * read) or `undefined` when the file cannot be read; such files are skipped, as are
 * problems without a line (they concern a whole file or the run) and problems in
 * embedded `std/...` policies, which are not files in the workspace.
 */
export function reportDiagnostics(
  report: CheckReport,
  readText: (file: string) => string | undefined,
): { diagnostics: PlainDiagnostic[]; unplaced: string[] } {
  const tables = new Map<string, LineTable | undefined>();
  const table = (file: string): LineTable | undefined => {
    if (!tables.has(file)) {
      const text = readText(file);
      tables.set(file, text === undefined ? undefined : new LineTable(text));
    }
    return tables.get(file);
  };
  const diagnostics: PlainDiagnostic[] = [];
  const unplaced: string[] = [];

  for (const finding of report.findings) {
    const lines = table(finding.file);
    if (lines === undefined) {
      unplaced.push(`${finding.file}: [${finding.rule}] ${finding.message}`);
      continue;
    }
    const related = [];
    for (const evidence of finding.related) {
      const evidenceLines = table(evidence.file);
      if (evidenceLines === undefined) continue;
      related.push({
        file: evidence.file,
        range: { start: evidenceLines.toUtf16(evidence.start), end: evidenceLines.toUtf16(evidence.end) },
        label: evidence.label,
      });
    }
    diagnostics.push({
      file: finding.file,
      range: { start: lines.toUtf16(finding.start), end: lines.toUtf16(finding.end) },
      severity: finding.severity,
      message: finding.message,
      code: finding.rule,
      link: finding.link,
      source: "decorum",
      related,
    });
  }

  for (const problem of report.problems) {
    const lines = problem.line === null || problem.file.startsWith("std/") ? undefined : table(problem.file);
    if (lines === undefined || problem.line === null) {
      unplaced.push(`${problem.file}: ${problem.level}: ${problem.message}`);
      continue;
    }
    const start = lines.toUtf16({ line: problem.line, column: problem.column ?? 1 });
    const help = problem.help === null ? "" : `\nhelp: ${problem.help}`;
    diagnostics.push({
      file: problem.file,
      // A problem has a point, not a range; VS Code underlines the word at an empty range.
      range: { start, end: start },
      severity: problem.level,
      message: problem.message + help,
      code: `policy.${problem.code}`,
      link: null,
      source: "decorum-policy",
      related: [],
    });
  }
  return { diagnostics, unplaced };
}
