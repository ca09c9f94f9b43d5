// Unit tests of the position conversion and report reading used by "Check Workspace":
// CLI columns count Unicode scalar values, VS Code counts UTF-16 code units.

import assert from "node:assert/strict";
import { test } from "node:test";

import { LineTable } from "../../src/positions";
import { parseReport, reportDiagnostics, type CheckReport, type PlainDiagnostic } from "../../src/report";

test("ASCII columns map one to one", () => {
  const table = new LineTable("Our new herbal tea cures anxiety in a week.\n");
  assert.deepEqual(table.toUtf16({ line: 1, column: 20 }), { line: 0, character: 19 });
});

test("an emoji is one column but two UTF-16 code units", () => {
  const table = new LineTable("# Clinic news 🎉\n🎉🎉 cures\n");
  // "cures" starts at column 4 of line 2: after two emoji and a space.
  assert.deepEqual(table.toUtf16({ line: 2, column: 4 }), { line: 1, character: 5 });
});

test("accented letters written as one character are one column", () => {
  const table = new LineTable("Café “tea” cures");
  assert.deepEqual(table.toUtf16({ line: 1, column: 12 }), { line: 0, character: 11 });
});

test("a byte-order mark is not counted and CRLF ends a line", () => {
  const table = new LineTable("\uFEFFfirst\r\nsecond 🎉 cures\r\n");
  assert.deepEqual(table.toUtf16({ line: 1, column: 1 }), { line: 0, character: 0 });
  assert.deepEqual(table.toUtf16({ line: 2, column: 10 }), { line: 1, character: 10 });
  // The exclusive end just after the last character of a line.
  assert.deepEqual(table.toUtf16({ line: 1, column: 6 }), { line: 0, character: 5 });
});

test("a lone CR ends a line, as in the CLI and VS Code", () => {
  const table = new LineTable("Hello from the clinic.\rOur tea cures anxiety.\rSee you soon.\n");
  assert.equal(table.lineCount, 4);
  // "cures" on line 2, columns 9 to 14.
  assert.deepEqual(table.toUtf16({ line: 2, column: 9 }), { line: 1, character: 8 });
  assert.deepEqual(table.toUtf16({ line: 2, column: 14 }), { line: 1, character: 13 });
  assert.deepEqual(table.toUtf16({ line: 3, column: 99 }), { line: 2, character: 13 });
  // Mixed endings: CRLF is one ending, LF after a lone CR is another.
  const mixed = new LineTable("a\r\nb\r\nc\n\rd");
  assert.equal(mixed.lineCount, 5);
  assert.deepEqual(mixed.toUtf16({ line: 5, column: 2 }), { line: 4, character: 1 });
});

test("positions past the end are clamped", () => {
  const table = new LineTable("short\n");
  assert.deepEqual(table.toUtf16({ line: 1, column: 99 }), { line: 0, character: 5 });
  assert.deepEqual(table.toUtf16({ line: 9, column: 3 }), { line: 1, character: 0 });
});

const report: CheckReport = {
  version: 1,
  findings: [
    {
      rule: "hc.marketing.guarantee-claim",
      title: "A health claim promises a guaranteed outcome",
      severity: "error",
      file: "posts/tea.md",
      start: { line: 1, column: 7, offset: 9 },
      end: { line: 1, column: 12, offset: 14 },
      message: "“cures” promises an outcome no treatment can guarantee.",
      link: "https://example.org/guidance",
      related: [{ file: "posts/tea.md", start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 2, offset: 4 }, label: "together with this" }],
    },
    {
      rule: "hc.privacy.client-story",
      title: "A client story can identify the client",
      severity: "error",
      file: "gone.md",
      start: { line: 1, column: 1, offset: 0 },
      end: { line: 1, column: 2, offset: 1 },
      message: "unplaced",
      link: null,
      related: [],
    },
  ],
  problems: [
    { level: "error", code: "syntax", file: "policy/acme.decorum", line: 3, column: 7, message: "expected `{`", help: null },
    { level: "warning", code: "input", file: "big.md", line: null, column: null, message: "skipped", help: null },
  ],
  summary: { files: 2, errors: 2, warnings: 0, infos: 0, hints: 0 },
};

test("findings and policy problems become diagnostics in UTF-16", () => {
  const files: Record<string, string> = {
    "posts/tea.md": "🎉 Tea cures all.\n",
    "policy/acme.decorum": "decorum 1\npolicy acme\nrule x flag\n",
  };
  const { diagnostics, unplaced } = reportDiagnostics(report, (file) => files[file]);
  assert.equal(diagnostics.length, 2);
  const [finding, problem] = diagnostics as [PlainDiagnostic, PlainDiagnostic];
  assert.deepEqual(finding.range, { start: { line: 0, character: 7 }, end: { line: 0, character: 12 } });
  assert.equal(finding.code, "hc.marketing.guarantee-claim");
  assert.equal(finding.source, "decorum");
  assert.deepEqual(finding.related[0]?.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } });
  assert.deepEqual(problem.range, { start: { line: 2, character: 6 }, end: { line: 2, character: 6 } });
  assert.equal(problem.source, "decorum-policy");
  assert.equal(problem.code, "policy.syntax");
  assert.equal(unplaced.length, 2);
});

test("a report of another version is refused", () => {
  assert.throws(() => parseReport('{"version": 2, "findings": [], "problems": []}'), /unknown shape/);
  assert.equal(parseReport(JSON.stringify(report)).findings.length, 2);
});
