// Unit tests of how the extension's settings reach `decorum lsp`: its flags, the
// settings object (the keys crates/decorum-lsp/src/settings.rs reads) and the documents
// the client sends.

import assert from "node:assert/strict";
import { test } from "node:test";

import { documentSelector, serverArguments, serverSettings, type SettingsReader } from "../../src/settings";

function reader(values: Record<string, unknown>): SettingsReader {
  const settings = new Map(Object.entries(values));
  return { get: (key: string) => settings.get(key) };
}

test("log settings become lsp flags, the level only with a file", () => {
  assert.deepEqual(serverArguments(reader({ "server.logFile": " /tmp/decorum.log ", "server.logLevel": "debug" })), [
    "lsp",
    "--log-file",
    "/tmp/decorum.log",
    "--log-level",
    "debug",
  ]);
  assert.deepEqual(serverArguments(reader({ "server.logFile": "", "server.logLevel": "debug" })), ["lsp"]);
});

test("the server's settings use its keys and defaults", () => {
  assert.deepEqual(serverSettings(reader({})), {
    enable: true,
    minimumSeverity: "hint",
    drafts: { languageIds: ["markdown", "plaintext"], globs: [] },
  });
  assert.deepEqual(
    serverSettings(
      reader({ enable: false, minimumSeverity: "warning", "drafts.languageIds": ["markdown"], "drafts.globs": ["posts/**/*.html"] }),
    ),
    { enable: false, minimumSeverity: "warning", drafts: { languageIds: ["markdown"], globs: ["posts/**/*.html"] } },
  );
});

test("the client sends drafts by language or glob, and policy files", () => {
  const selector = documentSelector({
    enable: true,
    minimumSeverity: "hint",
    drafts: {
      languageIds: ["markdown"],
      globs: [
        "posts/**/*.html",
        "**/*.txt",
        ".//notes/*.md",
        "",
        "/abs/*.md",
        "posts/../x/*.md",
        "..draft/*.md",
        "a/./b/*.md",
        "./.",
        "pages",
        "web/",
        "blog/**",
      ],
    },
  });
  assert.deepEqual(selector, [
    { scheme: "file", language: "markdown" },
    { scheme: "untitled", language: "markdown" },
    { scheme: "file", language: "decorum" },
    { scheme: "untitled", language: "decorum" },
    { scheme: "file", pattern: "**/posts/**/*.html" },
    { scheme: "file", pattern: "**/*.txt" },
    { scheme: "file", pattern: "**/notes/*.md" },
    { scheme: "file", pattern: "**/..draft/*.md" },
    { scheme: "file", pattern: "**/a/b/*.md" },
    // A folder's glob takes the files below it, as the server reads it.
    { scheme: "file", pattern: "**/pages" },
    { scheme: "file", pattern: "**/pages/**" },
    { scheme: "file", pattern: "**/web/**" },
    { scheme: "file", pattern: "**/blog/**" },
  ]);
});
