//! Which files of a folder are drafts by their extension, in any letter case, and how
//! the extension decides whether a draft is read as Markdown or as plain text.

use serde_json::Value;

use crate::support::Workspace;

/// A draft the std library flags twice as plain text, and once as Markdown, which reads
/// the second sentence as code.
const FLAGGED_OUTSIDE_CODE: &str = "This tea cures anxiety.\n\n`This tea cures anxiety.`\n";

/// Each finding's file and 1-based line, in order.
fn finding_lines(json: &Value) -> Vec<(String, u64)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// Drafts named with the extensions of the default globs in other letter cases, and
/// files that are no drafts. No two names differ only in case, so that the test means
/// the same on a file system that ignores case.
fn drafts_in_any_case(ws: &Workspace) {
    ws.file("posts/NOTES.MD", FLAGGED_OUTSIDE_CODE)
        .file("posts/Post.Md", FLAGGED_OUTSIDE_CODE)
        .file("posts/Blog.MarkDown", FLAGGED_OUTSIDE_CODE)
        .file("posts/README.TXT", FLAGGED_OUTSIDE_CODE)
        .file("posts/caption.txt", FLAGGED_OUTSIDE_CODE)
        .file("posts/page.HTML", FLAGGED_OUTSIDE_CODE)
        .file("posts/NOTES.MD.BAK", FLAGGED_OUTSIDE_CODE);
}

/// Every draft of [`drafts_in_any_case`], each read in its format: Markdown ones flagged
/// on line 1 only, plain-text ones on lines 1 and 3.
const ALL_DRAFTS: [(&str, u64); 7] = [
    ("posts/Blog.MarkDown", 1),
    ("posts/NOTES.MD", 1),
    ("posts/Post.Md", 1),
    ("posts/README.TXT", 1),
    ("posts/README.TXT", 3),
    ("posts/caption.txt", 1),
    ("posts/caption.txt", 3),
];

fn all_drafts() -> Vec<(String, u64)> {
    ALL_DRAFTS
        .iter()
        .map(|&(file, line)| (file.to_owned(), line))
        .collect()
}

#[test]
fn a_folder_without_decorum_toml_takes_draft_extensions_in_any_letter_case() {
    // NOTES.MD, saved so on macOS or Windows, was left out: "0 drafts checked", exit 0.
    let ws = Workspace::new();
    drafts_in_any_case(&ws);
    let (out, json) = ws.check_json(&["posts"]);
    assert_eq!(out.code, 1, "{}", out.render());
    assert_eq!(finding_lines(&json), all_drafts());
    assert_eq!(json["summary"]["files"], 5);
}

#[test]
fn the_decorum_toml_of_decorum_init_takes_the_same_drafts_as_none() {
    let ws = Workspace::new();
    let init = ws.run(&["init"]).output();
    assert_eq!(init.code, 0, "{}", init.render());
    drafts_in_any_case(&ws);
    let (_, json) = ws.check_json(&["posts"]);
    assert_eq!(finding_lines(&json), all_drafts());
}

#[test]
fn a_glob_written_in_decorum_toml_matches_letters_in_the_case_written() {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "[drafts]\ninclude = [\"**/*.md\", \"**/*.txt\"]\n",
    );
    drafts_in_any_case(&ws);
    let (_, json) = ws.check_json(&["posts"]);
    assert_eq!(
        finding_lines(&json),
        [
            ("posts/caption.txt".to_owned(), 1),
            ("posts/caption.txt".to_owned(), 3)
        ]
    );
    // Named on the command line, a file is a draft whatever its extension, and its
    // format comes from the extension in any case.
    let (_, json) = ws.check_json(&["posts/NOTES.MD", "posts/README.TXT"]);
    assert_eq!(
        finding_lines(&json),
        [
            ("posts/NOTES.MD".to_owned(), 1),
            ("posts/README.TXT".to_owned(), 1),
            ("posts/README.TXT".to_owned(), 3)
        ]
    );
}
