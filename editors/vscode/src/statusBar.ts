// The status bar item: whether Decorum runs, and how many Decorum findings the open
// documents have, counted here from the diagnostics VS Code holds so that it agrees
// with the Problems panel. (`decorum lsp` does not report the active policy; when it
// does, it belongs in the label.)

import * as vscode from "vscode";

/** The `source` of diagnostics about drafts, from the server and from "Check Workspace". */
export const FINDING_SOURCE = "decorum";
/**
 * The prefix of the `source` of diagnostics about policy files: `decorum-syntax`,
 * `decorum-policy` (validation, and "Check Workspace") and `decorum-examples`.
 */
export const POLICY_SOURCE_PREFIX = "decorum-";

export class DecorumStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly listeners: vscode.Disposable[];
  private problem: string | undefined;
  private serverVersion: string | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem("decorum.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = "Decorum";
    this.listeners = [
      vscode.languages.onDidChangeDiagnostics(() => this.refresh()),
      vscode.workspace.onDidOpenTextDocument(() => this.refresh()),
      vscode.workspace.onDidCloseTextDocument(() => this.refresh()),
    ];
    this.refresh();
  }

  /** Shows the item: from when the workspace uses Decorum (extension.ts's `engage`). */
  show(): void {
    this.item.show();
  }

  /** The server runs; `version` is what it said in `serverInfo`. */
  showRunning(version: string | undefined): void {
    this.problem = undefined;
    this.serverVersion = version;
    this.refresh();
  }

  /** The server cannot run, and why. */
  showProblem(reason: string): void {
    this.problem = reason;
    this.refresh();
  }

  refresh(): void {
    if (this.problem !== undefined) {
      this.item.text = "$(error) Decorum";
      this.item.tooltip = `Decorum is not running: ${this.problem}\nClick to show Decorum's output.`;
      this.item.command = "decorum.showOutput";
      return;
    }
    let findings = 0;
    let policyErrors = 0;
    for (const document of vscode.workspace.textDocuments) {
      for (const diagnostic of vscode.languages.getDiagnostics(document.uri)) {
        if (diagnostic.source === FINDING_SOURCE) findings += 1;
        else if (diagnostic.source?.startsWith(POLICY_SOURCE_PREFIX)) policyErrors += 1;
      }
    }
    const icon = findings + policyErrors === 0 ? "$(check)" : "$(warning)";
    this.item.text = `${icon} Decorum ${findings}`;
    const lines = [
      `${findings} ${findings === 1 ? "finding" : "findings"} in open drafts`,
      ...(policyErrors > 0 ? [`${policyErrors} ${policyErrors === 1 ? "problem" : "problems"} in open policy files`] : []),
      ...(this.serverVersion === undefined ? [] : [`decorum lsp ${this.serverVersion}`]),
      "Click to check the whole workspace.",
    ];
    this.item.tooltip = lines.join("\n");
    this.item.command = "decorum.checkWorkspace";
  }

  dispose(): void {
    for (const listener of this.listeners) listener.dispose();
    this.item.dispose();
  }
}
