// The snippets expand, with their default texts, into a policy that `decorum test`
// accepts and whose examples pass: a snippet never teaches a policy author a mistake.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { test } from "node:test";

interface Snippet {
  prefix: string;
  body: string[];
}

/** Expands a VS Code snippet body as accepting every default would. */
export function expand(body: string): string {
  let out = "";
  let i = 0;
  const readUntilClose = (): string => {
    // The default text of a placeholder, which may itself hold placeholders.
    let depth = 1;
    let text = "";
    while (i < body.length) {
      const c = body.charAt(i);
      if (c === "\\" && i + 1 < body.length) {
        text += body.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === "$" && body.charAt(i + 1) === "{") depth += 1;
      if (c === "}") {
        depth -= 1;
        if (depth === 0) {
          i += 1;
          return text;
        }
      }
      text += c;
      i += 1;
    }
    throw new Error(`unclosed placeholder in ${body}`);
  };
  while (i < body.length) {
    const c = body.charAt(i);
    if (c === "\\" && i + 1 < body.length) {
      out += body.charAt(i + 1);
      i += 2;
    } else if (c === "$" && body.charAt(i + 1) === "{") {
      i += 2;
      const inner = readUntilClose();
      const choice = /^\d+\|([^,|]*)/.exec(inner);
      const placeholder = /^\d+:([\s\S]*)$/.exec(inner);
      if (choice) out += choice[1] ?? "";
      else if (placeholder) out += expand(placeholder[1] ?? "");
    } else if (c === "$" && /\d/.test(body.charAt(i + 1))) {
      i += 1;
      while (/\d/.test(body.charAt(i))) i += 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

const snippets = JSON.parse(readFileSync(path.join(__dirname, "../../../snippets/decorum.json"), "utf8")) as Record<
  string,
  Snippet
>;

function snippet(name: string): string {
  const found = snippets[name];
  assert.ok(found, `no snippet named ${name}`);
  return expand(found.body.join("\n"));
}

test("the expander keeps defaults, first choices and escaped braces", () => {
  assert.equal(expand("rule ${1:name} {\n  severity ${2|warning,error|}\n}$0"), "rule name {\n  severity warning\n}");
  assert.equal(expand('message "${4:“{match\\}” is wrong}"'), 'message "“{match}” is wrong"');
});

test("the snippets expand into a policy whose examples pass", (t) => {
  const decorum = process.env.DECORUM_BIN;
  if (decorum === undefined) {
    t.skip("set DECORUM_BIN to the decorum binary");
    return;
  }
  const policy = [
    snippet("Policy file"),
    snippet("Term set"),
    snippet("Term set with options"),
    snippet("Use an imported rule"),
    snippet("Disable an imported rule"),
    snippet("Rule"),
    "rule uses-the-set {",
    "  flag when contains name",
    `  ${snippet("Example that flags")}`,
    `  ${snippet("Example that passes")}`,
    "}",
    "",
  ].join("\n");
  const dir = mkdtempSync(path.join(tmpdir(), "decorum-snippets-"));
  try {
    const file = path.join(dir, "snippets.decorum");
    writeFileSync(file, policy);
    const output = execFileSync(decorum, ["test", file], { cwd: dir, encoding: "utf8" });
    // Two examples from the rule snippet, two from the example snippets.
    assert.match(output, /^decorum test: 4 of 4 examples passed$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
