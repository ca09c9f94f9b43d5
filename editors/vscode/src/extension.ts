// The Decorum extension: starts `decorum lsp` for drafts (Markdown, plain text) and
// policy files (`.decorum`), shows a status bar item, and offers "Decorum: Check
// Workspace", which runs `decorum check` over the workspace and fills the Problems panel.
//
// VS Code activates the extension when any document opens (drafts may be of any language
// through `decorum.drafts.globs`), but the server and the status bar item wait until a
// document the server reads is open, or the workspace holds a decorum.toml: a workspace
// that has nothing to do with Decorum gets neither.

import * as vscode from "vscode";
import {
  CloseAction,
  DidChangeConfigurationNotification,
  ErrorAction,
  LanguageClient,
  State,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";

import { checkWorkspace } from "./checkWorkspace";
import { INSTALL_HINT, programVersion, resolveExecutable, type Resolution } from "./executable";
import { SerialQueue } from "./serial";
import { documentSelector, serverArguments, serverSettings } from "./settings";
import { DecorumStatus } from "./statusBar";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: DecorumStatus;
let workspaceFindings: vscode.DiagnosticCollection;
/** Starts, stops and restarts of the client, one at a time. */
const lifecycle = new SerialQueue();
/** Whether this workspace uses Decorum: the server runs (or tried to) from then on. */
let engaged = false;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  engaged = false;
  output = vscode.window.createOutputChannel("Decorum");
  workspaceFindings = vscode.languages.createDiagnosticCollection("decorum-workspace");
  status = new DecorumStatus();
  context.subscriptions.push(output, workspaceFindings, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("decorum.checkWorkspace", () => runWorkspaceCheck()),
    vscode.commands.registerCommand("decorum.restartServer", () => (engaged ? restart() : engage())),
    vscode.commands.registerCommand("decorum.showOutput", () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!engaged) {
        // New draft languages or globs may take in a document already open.
        if (event.affectsConfiguration("decorum.drafts") && openDocumentIsForServer()) void engage();
        return;
      }
      // The command line and the documents sent are fixed when the client starts.
      if (event.affectsConfiguration("decorum.server") || event.affectsConfiguration("decorum.drafts")) {
        void restart();
      } else if (event.affectsConfiguration("decorum")) {
        void pushSettings();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (engaged) void restart();
    }),
    vscode.workspace.onDidOpenTextDocument((document) => {
      if (!engaged && isForServer(document)) void engage();
    }),
  );

  if (openDocumentIsForServer() || (await holdsConfiguration())) await engage();
}

/** Shows the status bar item and starts the server, once. */
async function engage(): Promise<void> {
  if (engaged) return;
  engaged = true;
  status.show();
  await lifecycle.run(start);
}

/** Whether the client would send `document` to the server (a draft or a policy file). */
function isForServer(document: vscode.TextDocument): boolean {
  const selector = documentSelector(serverSettings(vscode.workspace.getConfiguration("decorum")));
  return vscode.languages.match(selector, document) > 0;
}

function openDocumentIsForServer(): boolean {
  return vscode.workspace.textDocuments.some(isForServer);
}

/** Whether a workspace folder holds a decorum.toml (its warnings show unopened). */
async function holdsConfiguration(): Promise<boolean> {
  if ((vscode.workspace.workspaceFolders ?? []).length === 0) return false;
  try {
    const found = await vscode.workspace.findFiles("**/decorum.toml", "**/{node_modules,.git}/**", 1);
    return found.length > 0;
  } catch {
    return false;
  }
}

export async function deactivate(): Promise<void> {
  await lifecycle.run(stop);
}

/** The program the settings point at, without trusting an untrusted workspace's choice. */
function findProgram(): Resolution {
  const config = vscode.workspace.getConfiguration("decorum");
  // In an untrusted workspace VS Code already hides the workspace's value of a
  // restricted setting, so `get` returns the user's; inspect makes that explicit.
  const inspected = config.inspect<string>("server.path");
  const setting = vscode.workspace.isTrusted
    ? config.get<string>("server.path", "")
    : (inspected?.globalValue ?? "");
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return resolveExecutable(setting, folder, process.env);
}

async function start(): Promise<void> {
  const program = findProgram();
  if (!program.found) {
    status.showProblem(program.reason);
    output.appendLine(`Decorum: ${program.reason}`);
    void showInstallHelp(`Decorum could not find its language server. ${program.reason} ${INSTALL_HINT}`);
    return;
  }

  let version: string;
  try {
    version = await programVersion(program.path);
  } catch (error) {
    const reason = `${program.path} did not run: ${String(error)}`;
    status.showProblem(reason);
    output.appendLine(`Decorum: ${reason}`);
    void showInstallHelp(`Decorum could not run ${program.path}. ${INSTALL_HINT}`);
    return;
  }
  output.appendLine(`Decorum: using ${program.path} (${version}, from ${program.from})`);

  const config = vscode.workspace.getConfiguration("decorum");
  const settings = serverSettings(config);
  // No `transport`: with TransportKind.stdio the client would append `--stdio`.
  const executable = { command: program.path, args: serverArguments(config) };
  const serverOptions: ServerOptions = { run: executable, debug: executable };
  // Restarts within the last three minutes; a server that keeps crashing stays down, and
  // one that never started is not restarted at all (start() below says why).
  const crashes: number[] = [];
  let everRan = false;
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(settings),
    initializationOptions: settings,
    outputChannel: output,
    // One clear message (from start() below, or here) instead of the client's own toasts.
    initializationFailedHandler: (error) => {
      output.appendLine(`Decorum: initialize failed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    },
    errorHandler: {
      error: (_error, _message, count) => ({
        action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
        handled: true,
      }),
      closed: () => {
        if (!everRan) return { action: CloseAction.DoNotRestart, handled: true };
        const now = Date.now();
        crashes.push(now);
        while (crashes.length > 0 && (crashes[0] ?? now) < now - 3 * 60_000) crashes.shift();
        if (crashes.length <= 4) return { action: CloseAction.Restart, handled: true };
        status.showProblem("the language server keeps stopping; see Decorum's output");
        void showInstallHelp("Decorum's language server stopped 5 times in 3 minutes and was not restarted.");
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    },
    // Once the server speaks for a document, the results of an earlier "Check
    // Workspace" for it are stale: drop them so Problems shows each finding once. The
    // server pushes diagnostics or, with clients that pull, answers for each document.
    middleware: {
      handleDiagnostics: (uri, diagnostics, next) => {
        workspaceFindings.delete(uri);
        next(uri, diagnostics);
      },
      provideDiagnostics: (document, previousResultId, token, next) => {
        workspaceFindings.delete(document instanceof vscode.Uri ? document : document.uri);
        return next(document, previousResultId, token);
      },
    },
  };

  const started = new LanguageClient("decorum", "Decorum", serverOptions, clientOptions);
  client = started;
  started.onDidChangeState((event) => {
    if (event.newState === State.Stopped) status.showProblem("the language server stopped; see Decorum's output");
    if (event.newState === State.Running) {
      everRan = true;
      status.showRunning(started.initializeResult?.serverInfo?.version);
    }
  });
  try {
    await started.start();
  } catch (error) {
    client = undefined;
    void started.dispose().catch(() => undefined);
    const reason = `\`${program.path} lsp\` did not start: ${String(error)}`;
    status.showProblem(reason);
    output.appendLine(`Decorum: ${reason}`);
    void showInstallHelp(
      `Decorum's language server did not start (${version}). A \`decorum\` without \`lsp\` is too old. ${INSTALL_HINT}`,
    );
    return;
  }
  status.showRunning(started.initializeResult?.serverInfo?.version);
}

/** Tells a running server that the settings changed (it may also pull them itself). */
async function pushSettings(): Promise<void> {
  if (client?.state !== State.Running) return;
  const settings = serverSettings(vscode.workspace.getConfiguration("decorum"));
  await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { decorum: settings } });
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running === undefined) return;
  try {
    await running.stop();
  } catch (error) {
    output.appendLine(`Decorum: stopping the language server failed: ${String(error)}`);
  }
}

/** Stops the client and starts it again, after any start, stop or restart under way. */
function restart(): Promise<void> {
  return lifecycle.run(async () => {
    await stop();
    await start();
  });
}

async function showInstallHelp(message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Output");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "decorum.server.path");
  } else if (choice === "Show Output") {
    output.show(true);
  }
}

async function runWorkspaceCheck(): Promise<void> {
  status.show();
  const program = findProgram();
  if (!program.found) {
    void showInstallHelp(`Decorum cannot check the workspace. ${program.reason} ${INSTALL_HINT}`);
    return;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showInformationMessage("Decorum: open a folder to check its drafts.");
    return;
  }
  const selector = documentSelector(serverSettings(vscode.workspace.getConfiguration("decorum")));
  const openByServer = new Set(
    client?.state === State.Running
      ? vscode.workspace.textDocuments
          .filter((document) => vscode.languages.match(selector, document) > 0)
          .map((document) => document.uri.toString())
      : [],
  );
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "Decorum: checking the workspace…" },
    async () => {
      const summary = await checkWorkspace(program.path, folders, workspaceFindings, openByServer, output);
      status.refresh();
      // Focus (not toggle) the Problems view.
      await vscode.commands.executeCommand("workbench.panel.markers.view.focus");
      const message = `Decorum: ${summary}`;
      output.appendLine(message);
      void vscode.window.showInformationMessage(message);
    },
  );
}
