// Unit tests of how the extension finds the `decorum` program.

import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";

import { INSTALL_HINT, resolveExecutable } from "../../src/executable";

function withFakeProgram(run: (dir: string, program: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), "decorum-exe-"));
  const program = path.join(dir, "decorum");
  writeFileSync(program, "#!/bin/sh\necho 'decorum 0.0.0'\n");
  chmodSync(program, 0o755);
  try {
    run(dir, program);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("the setting wins, relative to the workspace folder", () => {
  withFakeProgram((dir, program) => {
    assert.deepEqual(resolveExecutable("decorum", dir, { PATH: "" }), { found: true, path: program, from: "setting" });
    assert.deepEqual(resolveExecutable("${workspaceFolder}/decorum", dir, { PATH: "" }), {
      found: true,
      path: program,
      from: "setting",
    });
  });
});

test("without a setting, decorum is looked up on PATH", () => {
  withFakeProgram((dir, program) => {
    const result = resolveExecutable("", undefined, { PATH: ["/nonexistent", dir].join(path.delimiter) });
    assert.deepEqual(result, { found: true, path: program, from: "PATH" });
  });
});

test("not found says why, and the hint says how to install", () => {
  assert.deepEqual(resolveExecutable("", undefined, { PATH: "/nonexistent" }), {
    found: false,
    reason: "`decorum` is not on PATH and `decorum.server.path` is not set.",
  });
  assert.deepEqual(resolveExecutable("/nonexistent/decorum", undefined, { PATH: "" }), {
    found: false,
    reason: "`decorum.server.path` is set to /nonexistent/decorum, which is not an executable file.",
  });
  assert.match(INSTALL_HINT, /cargo install --path crates\/decorum-cli/);
});
