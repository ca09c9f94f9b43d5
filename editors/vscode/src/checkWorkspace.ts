// "Decorum: Check Workspace": runs `decorum check --format json` in each workspace folder
// and puts the findings and policy problems into a diagnostic collection (the Problems
// panel). Documents that the language server already checks live are left to it.

import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";

import { parseReport, reportDiagnostics, type PlainDiagnostic, type ReportSeverity, type Utf16Range } from "./report";

const SEVERITY: Record<ReportSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

function toRange(range: Utf16Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function toDiagnostic(plain: PlainDiagnostic, folder: string): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(plain.range), plain.message, SEVERITY[plain.severity]);
  diagnostic.source = plain.source;
  diagnostic.code = plain.link === null ? plain.code : { value: plain.code, target: vscode.Uri.parse(plain.link) };
  diagnostic.relatedInformation = plain.related.map(
    (related) =>
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(vscode.Uri.file(path.resolve(folder, related.file)), toRange(related.range)),
        related.label,
      ),
  );
  return diagnostic;
}

/** Runs the check in one folder; resolves to the report's JSON text. */
function runCheck(program: string, folder: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      program,
      ["check", "--format", "json", "--fail-on", "never", "."],
      { cwd: folder, maxBuffer: 256 * 1024 * 1024, timeout: 10 * 60 * 1000 },
      (error, stdout, stderr) => {
        // Exit code 2 (a policy error) still comes with a report that names the problem.
        if (stdout.trim() !== "") {
          resolve(stdout);
          return;
        }
        reject(new Error(stderr.trim() || (error?.message ?? "decorum check wrote nothing")));
      },
    );
  });
}

/**
 * Checks every folder and replaces the collection's contents. Returns a one-line summary.
 * `liveDocuments` holds the URIs the language server is checking; they are skipped.
 */
export async function checkWorkspace(
  program: string,
  folders: readonly vscode.WorkspaceFolder[],
  collection: vscode.DiagnosticCollection,
  liveDocuments: ReadonlySet<string>,
  output: vscode.OutputChannel,
): Promise<string> {
  collection.clear();
  let findings = 0;
  let drafts = 0;
  let problems = 0;
  for (const folder of folders) {
    const root = folder.uri.fsPath;
    let json: string;
    try {
      json = await runCheck(program, root);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      output.appendLine(`Decorum: checking ${root} failed: ${reason}`);
      void vscode.window.showErrorMessage(`Decorum: checking ${folder.name} failed: ${reason}`);
      continue;
    }
    const report = parseReport(json);
    findings += report.findings.length;
    problems += report.problems.filter((problem) => problem.level === "error").length;
    drafts += report.summary.files;
    const { diagnostics, unplaced } = reportDiagnostics(report, (file) => {
      try {
        return readFileSync(path.resolve(root, file), "utf8");
      } catch {
        return undefined;
      }
    });
    for (const line of unplaced) output.appendLine(`Decorum: ${line}`);

    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const plain of diagnostics) {
      const uri = vscode.Uri.file(path.resolve(root, plain.file)).toString();
      if (liveDocuments.has(uri)) continue;
      const list = byFile.get(uri) ?? [];
      list.push(toDiagnostic(plain, root));
      byFile.set(uri, list);
    }
    for (const [uri, list] of byFile) collection.set(vscode.Uri.parse(uri), list);
  }
  const findingWord = findings === 1 ? "finding" : "findings";
  const draftWord = drafts === 1 ? "draft" : "drafts";
  const problemPart = problems === 0 ? "" : `, ${problems} policy ${problems === 1 ? "error" : "errors"}`;
  return `${findings} ${findingWord} in ${drafts} ${draftWord} checked${problemPart}.`;
}
