// Maps the extension's `decorum.*` settings to `decorum lsp`'s command line, to the
// settings object the server reads (initializationOptions, and the `decorum` section
// of workspace/configuration: see crates/decorum-lsp/src/settings.rs), and to the
// documents the client sends. Type-only `vscode` import: unit tests use a fake reader.

import type { WorkspaceConfiguration } from "vscode";

/** The part of `WorkspaceConfiguration` this module reads. */
export type SettingsReader = Pick<WorkspaceConfiguration, "get">;

/** The languages whose documents are drafts when the settings say nothing. */
export const DEFAULT_DRAFT_LANGUAGES = ["markdown", "plaintext"];

/** `decorum lsp` and its flags; the log level only matters with a log file. */
export function serverArguments(config: SettingsReader): string[] {
  const args = ["lsp"];
  const logFile = (config.get<string>("server.logFile") ?? "").trim();
  if (logFile !== "") {
    args.push("--log-file", logFile);
    const logLevel = config.get<string>("server.logLevel");
    if (logLevel !== undefined && logLevel !== "") args.push("--log-level", logLevel);
  }
  return args;
}

/** The server's settings object, with the keys `decorum lsp` reads. */
export interface ServerSettings {
  enable: boolean;
  minimumSeverity: string;
  drafts: { languageIds: string[]; globs: string[] };
}

export function serverSettings(config: SettingsReader): ServerSettings {
  return {
    enable: config.get<boolean>("enable") ?? true,
    minimumSeverity: config.get<string>("minimumSeverity") ?? "hint",
    drafts: {
      languageIds: config.get<string[]>("drafts.languageIds") ?? DEFAULT_DRAFT_LANGUAGES,
      globs: config.get<string[]>("drafts.globs") ?? [],
    },
  };
}

/** A document filter in the shape vscode-languageclient takes. */
export interface DocumentFilter {
  scheme: string;
  language?: string;
  pattern?: string;
}

/**
 * The documents the client sends to the server: drafts by language id or glob, and
 * policy files. The server decides what a document is; sending a few more is harmless.
 */
export function documentSelector(settings: ServerSettings): DocumentFilter[] {
  const languages = new Set([...settings.drafts.languageIds, "decorum"]);
  const filters: DocumentFilter[] = [];
  for (const language of languages) {
    filters.push({ scheme: "file", language }, { scheme: "untitled", language });
  }
  for (const written of settings.drafts.globs) {
    // Read as the server reads them (docs/lsp.md): a leading `./` and any other `.`
    // segment are the folder they are in, and a glob the server refuses (empty, starting with `/`, or with a `..` segment)
    // selects nothing. Globs are relative to a folder; a filter's pattern is matched
    // against the whole path.
    const glob = relativeGlob(written);
    if (glob === undefined) {
      continue;
    }
    const anywhere = (pattern: string): string => (pattern.startsWith("**/") ? pattern : `**/${pattern}`);
    // A glob that names a folder (`posts`, `posts/`) matches every file below it.
    const folder = namesFolder(glob) ? glob.replace(/\/\*\*$/, "").replace(/\/+$/, "") : undefined;
    if (folder === undefined || (!glob.endsWith("/") && !glob.endsWith("/**"))) {
      filters.push({ scheme: "file", pattern: anywhere(glob) });
    }
    if (folder !== undefined && folder !== "" && folder !== "**") {
      filters.push({ scheme: "file", pattern: anywhere(`${folder}/**`) });
    }
  }
  return filters;
}

/**
 * Whether a glob names a folder whose files it stands for, as the server reads it
 * (`names_folder` in decorum-workspace's config.rs): it ends with `/` or `/**`, or its
 * last part has no wildcard (`posts`, `drafts/old`; not `*.md`).
 */
export function namesFolder(glob: string): boolean {
  if (glob.endsWith("/") || glob.endsWith("/**")) return true;
  const last = glob.split("/").pop() ?? "";
  return last !== "" && !/[*?[{\\]/.test(last);
}

/**
 * A `drafts.globs` entry without its leading `./` and its other `.` segments, or undefined
 * when the server refuses it (`relative_glob` in decorum-workspace's config.rs).
 */
function relativeGlob(written: string): string | undefined {
  let glob = written;
  while (glob.startsWith("./")) {
    glob = glob.slice(2).replace(/^\/+/, "");
  }
  if (!glob.startsWith("/") && glob.split("/").includes(".")) {
    glob = glob
      .split("/")
      .filter((segment) => segment !== ".")
      .join("/");
  }
  if (glob === "" || glob.startsWith("/") || glob.split("/").includes("..")) {
    return undefined;
  }
  return glob;
}
