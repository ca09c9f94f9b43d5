//! A folder named on the command line is checked like a named file: `exclude` prunes
//! what a walk finds, not what the user names (as ruff does without `--force-exclude`).
//! With `exclude = ["drafts/old"]`, `decorum check drafts/old` checks the drafts in it,
//! as `decorum check drafts/old/a.md` checks that one, where it used to check nothing
//! and exit 0; a glob about something below the named folder still prunes, and
//! `decorum check .` is unchanged. A named folder that yields no draft says so on
//! standard error (in every format), and the run still exits 0.

use expect_test::expect;
use serde_json::Value;

use crate::support::Workspace;

/// A rule that flags every post, so that the findings list the drafts checked.
const POLICY: &str = "decorum 1\npolicy nf.p\n\nrule checked {\n  severity info\n  message \"checked\"\n  flag when words > 0\n}\n";

/// The files of a JSON report's findings, one line each.
fn checked(json: &Value) -> String {
    let list = json["findings"].as_array().cloned().unwrap_or_default();
    list.iter()
        .map(|f| f["file"].as_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A workspace whose decorum.toml has `[drafts]` `exclude` set to `exclude` (TOML
/// array items), with drafts in, beside and below `drafts/old`.
fn workspace(exclude: &str) -> Workspace {
    let ws = Workspace::new();
    ws.file("p.decorum", POLICY)
        .file(
            "decorum.toml",
            format!("policies = [\"p.decorum\"]\n\n[drafts]\nexclude = [{exclude}]\n"),
        )
        .file("drafts/new.md", "Open on Saturdays.\n")
        .file("drafts/old/a.md", "Open on Saturdays.\n")
        .file("drafts/old/2025/b.md", "Open on Saturdays.\n")
        .file("drafts/old/scratch/s.md", "Open on Saturdays.\n");
    ws
}

/// The case that was silent: the excluded folder, named, is checked whole, however the
/// glob names it, as naming one of its drafts checks that draft.
#[test]
fn an_excluded_folder_named_on_the_command_line_is_checked() {
    for exclude in ["\"drafts/old\"", "\"drafts/old/\"", "\"drafts/old/**\""] {
        let ws = workspace(exclude);
        let (out, json) = ws.check_json(&["drafts/old"]);
        assert_eq!(out.code, 0, "{exclude}: {}", out.render());
        assert_eq!(out.stderr, "", "{exclude}");
        assert_eq!(
            checked(&json),
            "drafts/old/2025/b.md\ndrafts/old/a.md\ndrafts/old/scratch/s.md",
            "{exclude}"
        );
        // Written with a final `/`, the folder is the same.
        let (_, json) = ws.check_json(&["drafts/old/"]);
        assert_eq!(json["summary"]["files"], 3, "{exclude}");
    }
    let ws = workspace("\"drafts/old\"");
    let (_, json) = ws.check_json(&["drafts/old/a.md"]);
    assert_eq!(checked(&json), "drafts/old/a.md");
    // A glob that stands for every file of a folder above it does not apply either.
    let ws = workspace("\"drafts/**\"");
    let (_, json) = ws.check_json(&["drafts/old"]);
    assert_eq!(json["summary"]["files"], 3);
}

/// Inside the named folder, a glob that names something below it still prunes.
#[test]
fn an_exclude_glob_below_the_named_folder_still_prunes() {
    let ws = workspace("\"drafts/old\", \"drafts/old/scratch\", \"**/b.md\"");
    let (_, json) = ws.check_json(&["drafts/old"]);
    expect![[r#"drafts/old/a.md"#]].assert_eq(&checked(&json));
    // Named itself, the scratch folder is checked.
    let (_, json) = ws.check_json(&["drafts/old/scratch"]);
    expect![[r#"drafts/old/scratch/s.md"#]].assert_eq(&checked(&json));
}

/// `decorum check .` and `decorum check` walk the workspace as before: the excluded
/// folder is left out, and nothing is said about it; so is a folder above it.
#[test]
fn the_workspace_root_and_a_folder_above_are_walked_as_before() {
    let ws = workspace("\"drafts/old\"");
    for args in [&["."][..], &[], &["drafts"]] {
        let (out, json) = ws.check_json(args);
        assert_eq!(out.stderr, "", "{args:?}");
        assert_eq!(checked(&json), "drafts/new.md", "{args:?}");
    }
    // Run in the excluded folder, `decorum check` names no folder: the globs apply in
    // full, as before; `decorum check .` names it.
    let (out, json) = ws.check_json_in("drafts/old", &[]);
    assert_eq!(out.stderr, "");
    assert_eq!(json["summary"]["files"], 0);
    let (_, json) = ws.check_json_in("drafts/old", &["."]);
    assert_eq!(json["summary"]["files"], 3);
}

/// `include` does not leave a named folder out either: when none of its globs can reach
/// the folder, the kinds of file they name are taken there.
#[test]
fn a_named_folder_out_of_include_takes_the_kinds_of_file_it_names() {
    let ws = Workspace::new();
    ws.file("p.decorum", POLICY)
        .file(
            "decorum.toml",
            "policies = [\"p.decorum\"]\n\n[drafts]\ninclude = [\"posts/**/*.md\"]\n",
        )
        .file("posts/p.md", "Open on Saturdays.\n")
        .file("drafts/old/a.md", "Open on Saturdays.\n")
        .file("drafts/old/b.txt", "Open on Saturdays.\n");
    let (_, json) = ws.check_json(&["drafts/old"]);
    expect![[r#"drafts/old/a.md"#]].assert_eq(&checked(&json));
    let (_, json) = ws.check_json(&["."]);
    expect![[r#"posts/p.md"#]].assert_eq(&checked(&json));
}

/// A named folder that yields no draft says so, with why, on standard error; the run
/// exits 0 and keeps its summary. Not for `decorum check` with no path, which names no
/// folder.
#[test]
fn a_named_folder_without_drafts_says_so() {
    let ws = Workspace::new();
    ws.file("pics/x.png", [0x89, b'P', b'N', b'G'])
        .file("drafts/old/a.md", "Open on Saturdays.\n")
        .file(
            "decorum.toml",
            "[drafts]\nexclude = [\"drafts/old/*.md\"]\n",
        )
        .folder("empty");
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (0 drafts checked)
        --- stderr
        decorum: pics holds no draft (drafts are files ending in .md, .markdown or .txt, in any letter case; see docs/configuration.md)
        decorum: empty holds no draft (it holds no file, apart from hidden ones and those .gitignore or .ignore leave out)
        decorum: drafts/old holds no draft (the [drafts] exclude globs of decorum.toml leave out what it holds; see docs/configuration.md)
    "#]]
    .assert_eq(&ws.check(&["pics", "empty", "drafts/old"]).output().render());
    // JSON says it on standard error too, its document alone on standard output.
    let (out, json) = ws.check_json(&["pics"]);
    assert_eq!(out.code, 0, "{}", out.render());
    assert_eq!(json["summary"]["files"], 0);
    assert_eq!(
        out.stderr,
        "decorum: pics holds no draft (drafts are files ending in .md, .markdown or .txt, in any letter case; see docs/configuration.md)\n"
    );
    // Run in a folder without drafts, with no path: the summary alone, as before.
    expect![[r#"
        exit: 0
        --- stdout
        decorum: no findings (0 drafts checked)
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.check(&[]).in_dir("pics").output().render());
}

/// `.gitignore` applies as it did: a folder it leaves out is walked when named (the
/// walk starts there), and is pruned from a walk of the workspace.
#[test]
fn gitignore_applies_to_a_named_folder_as_before() {
    let ws = Workspace::new();
    ws.file("p.decorum", POLICY)
        .file("decorum.toml", "policies = [\"p.decorum\"]\n")
        .file(".gitignore", "old/\nscratch/\n")
        .file("old/a.md", "Open on Saturdays.\n")
        .file("old/scratch/s.md", "Open on Saturdays.\n")
        .file("new.md", "Open on Saturdays.\n");
    let (_, json) = ws.check_json(&["old"]);
    expect![[r#"old/a.md"#]].assert_eq(&checked(&json));
    let (_, json) = ws.check_json(&["."]);
    expect![[r#"new.md"#]].assert_eq(&checked(&json));
}
