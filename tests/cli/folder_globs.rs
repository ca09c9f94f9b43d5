//! A glob of decorum.toml that names a folder stands for every file below it, as in
//! .gitignore: `files = "clinic"` gives its metadata to the drafts under `clinic/`, and
//! `exclude = ["drafts/old"]` leaves out the drafts under `drafts/old/`, written with or
//! without a final `/` or `/**`. Globs stay anchored at the folder of decorum.toml.

use expect_test::expect;
use serde_json::Value;

use crate::support::Workspace;

/// A rule that says every post's channel and limit.
const POLICY: &str = "decorum 1\npolicy ch.p\n\nrule says {\n  severity info\n  message \"channel is {channel}, limit {limit}\"\n  flag when words > 0\n}\n";

/// The findings of a JSON report, one line each: `file rule: message`.
fn findings(json: &Value) -> String {
    let list = json["findings"].as_array().cloned().unwrap_or_default();
    list.iter()
        .map(|f| {
            format!(
                "{} {}: {}",
                f["file"].as_str().unwrap_or_default(),
                f["rule"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The case that was silent: 400 characters under `clinic/`, with `files = "clinic"`
/// setting the channel to X, checked by naming the draft. The X limit applies.
#[test]
fn a_folder_in_files_gives_its_metadata_to_the_drafts_below_it() {
    let post = "Flu shots are in at our clinic this week. ".repeat(10);
    let post = &post.trim_end()[..400];
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "[[drafts.metadata]]\nfiles = \"clinic\"\nchannel = \"x\"\n",
    )
    .file("clinic/a.md", format!("{post}\n"));
    let (_, json) = ws.check_json(&["clinic/a.md"]);
    expect![[r#"
        clinic/a.md hc.platform.length: This post is 400 characters as x counts them; the limit is 280."#]]
    .assert_eq(&findings(&json));
}

/// Every way of writing a folder, for a draft named on the command line or found in a
/// folder, at any depth below it; a glob is still matched from the folder of
/// decorum.toml, so `clinic` is not `team/clinic`, and a file name is matched whole.
#[test]
fn every_way_of_writing_a_folder_matches_the_drafts_below_it() {
    let ws = Workspace::new();
    ws.file("p.decorum", POLICY)
        .file(
            "decorum.toml",
            "policies = [\"p.decorum\"]\n\n[[drafts.metadata]]\nfiles = \"clinic\"\nchannel = \"x\"\n\n[[drafts.metadata]]\nfiles = \"./team/\"\nchannel = \"linkedin\"\n\n[[drafts.metadata]]\nfiles = [\"shop/**\", \"notes/today\"]\nchannel = \"instagram\"\n",
        )
        .file("clinic/a.md", "Open on Saturdays.\n")
        .file("clinic/2025/june/b.md", "Open on Saturdays.\n")
        .file("team/c.md", "Open on Saturdays.\n")
        .file("team/clinic/d.md", "Open on Saturdays.\n")
        .file("shop/e.md", "Open on Saturdays.\n")
        .file("notes/today.md", "Open on Saturdays.\n")
        .file("clinic.md", "Open on Saturdays.\n");
    let (_, json) = ws.check_json(&["."]);
    expect![[r#"
        clinic/2025/june/b.md ch.p.says: channel is x, limit 280
        clinic/a.md ch.p.says: channel is x, limit 280
        clinic.md ch.p.says: channel is an unspecified channel, limit no limit
        notes/today.md ch.p.says: channel is an unspecified channel, limit no limit
        shop/e.md ch.p.says: channel is instagram, limit 2200
        team/c.md ch.p.says: channel is linkedin, limit 3000
        team/clinic/d.md ch.p.says: channel is linkedin, limit 3000"#]]
    .assert_eq(&findings(&json));
    // Named one by one, the drafts get the same metadata.
    let (_, json) = ws.check_json(&["clinic/2025/june/b.md", "team/clinic/d.md"]);
    expect![[r#"
        clinic/2025/june/b.md ch.p.says: channel is x, limit 280
        team/clinic/d.md ch.p.says: channel is linkedin, limit 3000"#]]
    .assert_eq(&findings(&json));
}

/// `include` and `exclude` read a folder the same way: `include = ["posts"]` takes the
/// drafts below `posts/`, and `exclude = ["posts/old"]` leaves out those below
/// `posts/old/`.
#[test]
fn include_and_exclude_read_a_folder_the_same_way() {
    let ws = Workspace::new();
    ws.file("p.decorum", POLICY)
        .file(
            "decorum.toml",
            "policies = [\"p.decorum\"]\n\n[drafts]\ninclude = [\"posts\"]\nexclude = [\"posts/old\"]\n",
        )
        .file("posts/a.md", "Open on Saturdays.\n")
        .file("posts/2025/b.txt", "Open on Saturdays.\n")
        .file("posts/old/c.md", "Open on Saturdays.\n")
        .file("posts/older/d.md", "Open on Saturdays.\n")
        .file("e.md", "Open on Saturdays.\n");
    let (_, json) = ws.check_json(&["."]);
    expect![[r#"
        posts/2025/b.txt ch.p.says: channel is an unspecified channel, limit no limit
        posts/a.md ch.p.says: channel is an unspecified channel, limit no limit
        posts/older/d.md ch.p.says: channel is an unspecified channel, limit no limit"#]]
    .assert_eq(&findings(&json));
}

/// Only a glob that names a folder (no wildcard in its last part, or a final `/` or
/// `/**`) stands for the files below a folder: the default `include` (`**/*.md`, ...)
/// does not take the files of a folder that happens to be called `notes.md` or
/// `export.txt`, and `files = "*"` matches the top-level drafts only.
#[test]
fn a_glob_of_file_names_does_not_take_a_folder_named_like_a_file() {
    let ws = Workspace::new();
    ws.file("p.decorum", POLICY)
        .file(
            "decorum.toml",
            "policies = [\"p.decorum\"]\n\n[[drafts.metadata]]\nfiles = \"*\"\nchannel = \"x\"\n",
        )
        .file("top.md", "Open on Saturdays.\n")
        .file("notes.md/data.json", "{\"open\": \"Saturdays\"}\n")
        .file("notes.md/inner.md", "Open on Saturdays.\n")
        .file("export.txt/list.csv", "open,saturdays\n");
    let (_, json) = ws.check_json(&["."]);
    expect![[r#"
        notes.md/inner.md ch.p.says: channel is an unspecified channel, limit no limit
        top.md ch.p.says: channel is x, limit 280"#]]
    .assert_eq(&findings(&json));
}
