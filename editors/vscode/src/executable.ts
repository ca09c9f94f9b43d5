// Finds the `decorum` program: the `decorum.server.path` setting, else `decorum` on PATH.
// Pure Node (no `vscode` import), so the unit tests can exercise it.

import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";

/** How to install Decorum, shown whenever the program cannot be found or run. */
export const INSTALL_HINT =
  "Install it from a Decorum checkout with `cargo install --path crates/decorum-cli` " +
  "(this puts `decorum` in ~/.cargo/bin), or set `decorum.server.path` to the program.";

/** Where the program was found, or why not. */
export type Resolution =
  | { found: true; path: string; from: "setting" | "PATH" }
  | { found: false; reason: string };

function isExecutableFile(candidate: string): boolean {
  try {
    if (!statSync(candidate).isFile()) return false;
    accessSync(candidate, process.platform === "win32" ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks a program name up on a PATH string, as a shell would. */
export function searchPath(name: string, pathVariable: string | undefined, pathExt?: string): string | undefined {
  const extensions = process.platform === "win32" ? ["", ...(pathExt ?? ".EXE;.CMD;.BAT").split(";")] : [""];
  for (const dir of (pathVariable ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    for (const extension of extensions) {
      const candidate = path.join(dir, name + extension);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/**
 * Resolves the configured path: `~` means the home folder, `${workspaceFolder}` the
 * first workspace folder, and a relative path is relative to that folder.
 */
export function resolveExecutable(setting: string, workspaceFolder: string | undefined, env: NodeJS.ProcessEnv): Resolution {
  const configured = setting.trim();
  if (configured === "") {
    const onPath = searchPath("decorum", env.PATH, env.PATHEXT);
    if (onPath !== undefined) return { found: true, path: onPath, from: "PATH" };
    return { found: false, reason: "`decorum` is not on PATH and `decorum.server.path` is not set." };
  }
  let expanded = configured.replace(/^~(?=$|[\\/])/, homedir());
  if (workspaceFolder !== undefined) {
    expanded = expanded.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
    if (!path.isAbsolute(expanded)) expanded = path.resolve(workspaceFolder, expanded);
  }
  if (isExecutableFile(expanded)) return { found: true, path: expanded, from: "setting" };
  return { found: false, reason: `\`decorum.server.path\` is set to ${configured}, which is not an executable file.` };
}

/** Runs `decorum --version`; resolves to its first line or rejects with why it failed. */
export function programVersion(program: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(program, ["--version"], { timeout: 10_000 }, (error, stdout) => {
      if (error) {
        reject(new Error(error.message));
        return;
      }
      resolve(stdout.split("\n")[0]?.trim() ?? "");
    });
  });
}
