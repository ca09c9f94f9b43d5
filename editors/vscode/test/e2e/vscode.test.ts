// End-to-end test of the packaged extension in a real VS Code: code-server (from npm)
// with the .vsix installed, driven through headless Chromium by playwright-core.
// editors/test.sh installs the tools and runs this with:
//
//   CODE_SERVER   code-server's launcher (node_modules/.bin/code-server)
//   VSIX          the packaged extension
//   DECORUM_BIN   the decorum binary the extension runs
//   CHROMIUM      the browser (default /usr/bin/chromium)
//   E2E_ROOT      a scratch folder (user data, extensions, the workspace, screenshots)
//
// Every check looks at what a person would see: the DOM of the workbench.

import assert from "node:assert/strict";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";

const CODE_SERVER = required("CODE_SERVER");
const VSIX = required("VSIX");
const DECORUM_BIN = required("DECORUM_BIN");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const ROOT = process.env.E2E_ROOT ?? mkdtempSync(path.join(tmpdir(), "decorum-e2e-"));

const RULE = "hc.marketing.guarantee-claim";
const FIX = "Remove the flagged words";
const DRAFT = "Our new herbal tea cures anxiety in a week.";
const FIXED = "Our new herbal tea anxiety in a week.";
const STEP = 60_000;

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`set ${name} (editors/test.sh does)`);
  return value;
}

const workspace = path.join(ROOT, "ws");
const userData = path.join(ROOT, "user-data");
const extensions = path.join(ROOT, "extensions");

function writeWorkspace(): void {
  rmSync(workspace, { recursive: true, force: true });
  const files: Record<string, string> = {
    "posts/tea.md": `${DRAFT}\n`,
    "posts/unopened.md": "Book now: our detox cures fatigue, guaranteed!\n",
    // A draft only `decorum.drafts.globs` makes one (VS Code reads it as HTML).
    "posts/page.html": "<p>Our detox cures fatigue, guaranteed!</p>\n",
    "policy/acme.decorum": [
      "decorum 1",
      'policy acme.social "Acme Family Clinic\'s policy."',
      "",
      'import "std/healthcare" as hc',
      "",
      "rule no-competitor-names {",
      "  severity error",
      '  flag when contains ["Brightsmile Dental"]',
      '  example flags "Cheaper than Brightsmile Dental!" at "Brightsmile Dental"',
      "}",
      "",
    ].join("\n"),
    "policy/broken.decorum": ["decorum 1", "policy acme.broken", "", "rule oops {", "  severity eror", "}", ""].join("\n"),
  };
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(workspace, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

function writeUserSettings(extra: Record<string, unknown> = {}): void {
  mkdirSync(path.join(userData, "User"), { recursive: true });
  const settings = {
    "workbench.startupEditor": "none",
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "workbench.enableExperiments": false,
    "workbench.tips.enabled": false,
    "chat.disableAIFeatures": true,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "editor.hover.delay": 300,
    "git.enabled": false,
    "git.openRepositoryInParentFolders": "never",
    "decorum.server.path": DECORUM_BIN,
    "decorum.drafts.globs": ["posts/**/*.html"],
    ...extra,
  };
  writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify(settings, null, 2));
  // code-server is a remote window: settings of machine scope (decorum.server.path is
  // machine-overridable) come from the remote's settings, not the user's.
  mkdirSync(path.join(userData, "Machine"), { recursive: true });
  writeFileSync(path.join(userData, "Machine", "settings.json"), JSON.stringify(settings, null, 2));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + STEP;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer ${url}`);
}

let server: ChildProcess | undefined;
let profile: string | undefined;
let context: BrowserContext | undefined;
let page: Page;
let shots = 0;

/** Saves a screenshot, named after the step, for a person to look at when a step fails. */
async function screenshot(name: string): Promise<string> {
  shots += 1;
  const file = path.join(ROOT, `${String(shots).padStart(2, "0")}-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Runs a step; on failure, adds a screenshot's path to the error. */
async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const file = await screenshot(`failed-${name}`).catch(() => "(no screenshot)");
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}\nscreenshot: ${file}`);
  }
}

async function runCommand(title: string): Promise<void> {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: STEP });
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ timeout: STEP });
  await page.keyboard.press("Enter");
}

async function openFile(relative: string): Promise<void> {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: STEP });
  await input.fill(relative);
  const name = path.basename(relative);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor({ timeout: STEP });
  await page.keyboard.press("Enter");
  await page.locator(".tab.active", { hasText: name }).waitFor({ timeout: STEP });
  await page.locator(".monaco-editor .view-lines").first().waitFor({ timeout: STEP });
}

function activeEditor(): Locator {
  return page.locator(".editor-group-container.active .monaco-editor").first();
}

async function showProblems(): Promise<Locator> {
  await runCommand("Problems: Focus on Problems View");
  const panel = page.locator(".markers-panel");
  await panel.waitFor({ state: "visible", timeout: STEP });
  return panel;
}

async function problemsText(): Promise<string> {
  return (await page.locator(".markers-panel").innerText().catch(() => "")) || "";
}

async function waitForText(locator: () => Promise<string>, needle: string, what: string): Promise<string> {
  const deadline = Date.now() + STEP;
  let last = "";
  while (Date.now() < deadline) {
    last = await locator();
    if (last.includes(needle)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: "${needle}" did not appear; last text:\n${last}`);
}

/** The first paragraph of the rule's explanation, as `decorum explain` prints it. */
function explanationStart(): string {
  const text = execFileSync(DECORUM_BIN, ["explain", RULE], { cwd: workspace, encoding: "utf8" });
  const paragraph = text.split(/\n\s*\n/)[2] ?? "";
  return paragraph.split(/\s+/).slice(0, 5).join(" ");
}

describe("the Decorum extension in code-server", { timeout: 5 * 60_000 }, () => {
  before(async () => {
    mkdirSync(ROOT, { recursive: true });
    for (const old of readdirSync(ROOT).filter((name) => name.endsWith(".png"))) rmSync(path.join(ROOT, old));
    rmSync(userData, { recursive: true, force: true });
    rmSync(extensions, { recursive: true, force: true });
    writeWorkspace();
    writeUserSettings();
    const env = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(ROOT, "xdg", "config"),
      XDG_DATA_HOME: path.join(ROOT, "xdg", "data"),
    };
    execFileSync(CODE_SERVER, ["--user-data-dir", userData, "--extensions-dir", extensions, "--install-extension", VSIX], {
      env,
      stdio: "pipe",
    });
    const port = await freePort();
    server = spawn(
      CODE_SERVER,
      [
        "--bind-addr",
        `127.0.0.1:${port}`,
        "--auth",
        "none",
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-workspace-trust",
        "--disable-getting-started-override",
        "--user-data-dir",
        userData,
        "--extensions-dir",
        extensions,
        workspace,
      ],
      { env, stdio: ["ignore", "ignore", "ignore"] },
    );
    await waitForHealth(`http://127.0.0.1:${port}/healthz`);
    profile = mkdtempSync(path.join(ROOT, "chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: STEP });
    await page.locator(".explorer-folders-view .monaco-list-row").first().waitFor({ timeout: STEP });
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
    if (server?.pid !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    }
  });

  // First: nothing else has started the extension. A draft of a language that is not a
  // draft language, taken in by `decorum.drafts.globs`, starts the server by itself.
  test("a draft matched only by a glob, opened first, gets its findings", async () => {
    await step("glob-draft", async () => {
      await openFile("posts/page.html");
      await showProblems();
      const text = await waitForText(problemsText, "page.html", "Problems panel");
      assert.ok(text.includes(RULE), `no ${RULE} in the Problems panel:\n${text}`);
      // Closed, its findings leave (the status bar's count below is tea.md's alone).
      await runCommand("View: Close Editor");
      const deadline = Date.now() + STEP;
      while ((await problemsText()).includes("page.html") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(!(await problemsText()).includes("page.html"), "page.html left the Problems panel");
    });
  });

  test("a .decorum file gets the Decorum language and highlighting", async () => {
    await step("highlighting", async () => {
      await openFile("policy/acme.decorum");
      await page.locator(".statusbar-item", { hasText: "Decorum" }).first().waitFor({ timeout: STEP });
      // The language mode in the status bar says the file is a Decorum file.
      await page.locator(".statusbar-item", { hasText: /^Decorum$/ }).first().waitFor({ timeout: STEP });
      const line = activeEditor().locator(".view-line", { hasText: "rule no-competitor-names" }).first();
      await line.waitFor({ timeout: STEP });
      // With the grammar, `rule` and the rule's name are tokens of different colours.
      const deadline = Date.now() + STEP;
      let classes: string[] = [];
      while (Date.now() < deadline) {
        classes = await line
          .locator("span > span")
          .evaluateAll<string[], undefined, HTMLElement>((spans) => spans.map((span) => span.getAttribute("class") ?? ""));
        if (new Set(classes).size >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(new Set(classes).size >= 2, `one colour for the whole line: ${classes.join(" ")}`);
    });
  });

  test("Decorum: Check Workspace fills the Problems panel", async () => {
    await step("check-workspace", async () => {
      await runCommand("Decorum: Check Workspace");
      await showProblems();
      const text = await waitForText(problemsText, "unopened.md", "Problems panel");
      assert.ok(text.includes(RULE), `no ${RULE} in the Problems panel:\n${text}`);
      await page.locator(".notifications-toasts", { hasText: "Decorum:" }).first().waitFor({ timeout: STEP });
    });
  });

  test("a draft with a violation shows a squiggle and the rule in the Problems panel", async () => {
    await step("squiggle", async () => {
      await openFile("posts/tea.md");
      await activeEditor().locator(".squiggly-error").first().waitFor({ timeout: STEP });
      await showProblems();
      await waitForText(problemsText, "tea.md", "Problems panel");
      await waitForText(problemsText, RULE, "Problems panel");
      await page.locator(".statusbar-item", { hasText: /Decorum\s+1/ }).first().waitFor({ timeout: STEP });
    });
  });

  test("hovering the finding shows the rule's explanation", async () => {
    await step("hover", async () => {
      const expected = explanationStart();
      assert.ok(expected.length > 10, "decorum explain printed an explanation");
      const squiggle = activeEditor().locator(".squiggly-error").first();
      const box = await squiggle.boundingBox();
      assert.ok(box, "the squiggle has a position");
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 4);
      const hover = page.locator(".monaco-hover:not(.hidden)").first();
      await hover.waitFor({ state: "visible", timeout: STEP });
      await waitForText(() => hover.innerText(), expected, "hover");
      await screenshot("hover");
      await page.mouse.move(5, 5);
      await page.keyboard.press("Escape");
    });
  });

  test("the quick fix removes the words and the diagnostic disappears", async () => {
    await step("quick-fix", async () => {
      const squiggle = activeEditor().locator(".squiggly-error").first();
      const box = await squiggle.boundingBox();
      assert.ok(box, "the squiggle has a position");
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2 - 4);
      await page.keyboard.press("Control+.");
      const action = page.locator(".action-widget .monaco-list-row", { hasText: FIX }).first();
      await action.waitFor({ timeout: STEP });
      await screenshot("code-actions");
      await action.click();
      await activeEditor().locator(".view-line", { hasText: FIXED }).first().waitFor({ timeout: STEP });
      await activeEditor().locator(".squiggly-error").first().waitFor({ state: "detached", timeout: STEP });
      const deadline = Date.now() + STEP;
      while ((await problemsText()).includes("tea.md") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(!(await problemsText()).includes("tea.md"), "tea.md left the Problems panel");
    });
  });

  test("a .decorum file with an error shows its diagnostic", async () => {
    await step("policy-error", async () => {
      await openFile("policy/broken.decorum");
      await activeEditor().locator(".squiggly-error").first().waitFor({ timeout: STEP });
      await showProblems();
      await waitForText(problemsText, "broken.decorum", "Problems panel");
      await waitForText(problemsText, "decorum-syntax", "Problems panel");
    });
  });

  test("a missing decorum program is reported with install instructions", async () => {
    await step("not-found", async () => {
      writeUserSettings({ "decorum.server.path": path.join(ROOT, "no-such-decorum") });
      const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "no-such-decorum" });
      await toast.first().waitFor({ timeout: STEP });
      const text = await toast.first().innerText();
      assert.match(text, /not an executable file/);
      assert.match(text, /cargo install --path crates\/decorum-cli/);
      await page.locator(".statusbar-item", { hasText: "Decorum" }).first().waitFor({ timeout: STEP });
      await screenshot("not-found");
    });
  });
});
