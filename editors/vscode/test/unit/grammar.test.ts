// The TextMate grammar over every real policy in the repository (the standard library,
// the examples): no token is marked invalid, and every top-level item starts at top
// level, so no string, regex or term list runs on past where it ends.
// (test/grammar/ holds the scope-by-scope fixtures for vscode-tmgrammar-test.)

import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import * as oniguruma from "vscode-oniguruma";
import { INITIAL, Registry, parseRawGrammar, type IGrammar } from "vscode-textmate";

const EXTENSION = path.join(__dirname, "../../..");
const REPO = path.join(EXTENSION, "../..");

async function loadGrammar(): Promise<IGrammar> {
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: (scopeName: string) => {
      if (scopeName !== "source.decorum") return Promise.resolve(null);
      const file = path.join(EXTENSION, "syntaxes/decorum.tmLanguage.json");
      return Promise.resolve(parseRawGrammar(readFileSync(file, "utf8"), file));
    },
  });
  const grammar = await registry.loadGrammar("source.decorum");
  assert.ok(grammar, "the grammar loads");
  return grammar;
}

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".decorum"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const ITEM_SCOPES: Record<string, string> = {
  decorum: "keyword.other.header.decorum",
  policy: "storage.type.policy.decorum",
  import: "keyword.control.import.decorum",
  terms: "storage.type.terms.decorum",
  rule: "storage.type.rule.decorum",
  use: "keyword.other.use.decorum",
  extend: "keyword.other.extend.decorum",
  disable: "keyword.other.disable.decorum",
};

test("every policy in the repository tokenizes cleanly", async () => {
  const grammar = await loadGrammar();
  const files = [...policyFiles(path.join(REPO, "policies")), ...policyFiles(path.join(REPO, "examples"))];
  assert.ok(files.length >= 5, `found ${files.length} policy files`);
  let items = 0;
  for (const file of files) {
    let state = INITIAL;
    const lines = readFileSync(file, "utf8").split(/\r?\n/);
    lines.forEach((line, index) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      const where = `${path.relative(REPO, file)}:${index + 1}`;
      for (const token of result.tokens) {
        const invalid = token.scopes.find((scope) => scope.startsWith("invalid"));
        assert.equal(invalid, undefined, `${where}: ${invalid ?? ""} at column ${token.startIndex + 1}`);
      }
      const keyword = /^(decorum|policy|import|terms|rule|use|extend|disable)(?![\w-])/.exec(line)?.[1];
      if (keyword !== undefined) {
        items += 1;
        const first = result.tokens[0];
        assert.deepEqual(first?.scopes, ["source.decorum", ITEM_SCOPES[keyword]], `${where}: an item starts at top level`);
      }
    });
  }
  assert.ok(items > 50, `checked ${items} items`);
});
