//! A glob of decorum.toml that names a folder stands for every file below it in the
//! editor as in `decorum check`: `files = "clinic"` gives its metadata to a draft under
//! `clinic/`, and `exclude = ["drafts/old"]` makes a document under `drafts/old/` no draft.

use crate::Workspace;
use crate::client::codes;

#[test]
fn a_folder_in_files_or_exclude_stands_for_the_files_below_it() {
    let ws = Workspace::empty();
    for folder in ["clinic/2025", "drafts/old"] {
        std::fs::create_dir_all(ws.root().join(folder)).unwrap();
    }
    ws.write(
        "decorum.toml",
        "[drafts]\nexclude = [\"drafts/old\"]\n\n[[drafts.metadata]]\nfiles = \"clinic\"\nchannel = \"x\"\n",
    );
    let post = "Flu shots are in at our clinic this week. ".repeat(10);
    let text = format!("{}\n", &post.trim_end()[..400]);
    let mut server = ws.start();
    // A document below `drafts/old/` is no draft: a text too long for X, with the channel
    // written in it, has no diagnostic.
    let old = ws.uri("drafts/old/b.md");
    server.open(
        &old,
        "markdown",
        1,
        &format!("---\nchannel: x\n---\n{text}"),
    );
    assert_eq!(codes(&server.diagnostics_at(&old, 1)), Vec::<String>::new());
    // The X limit applies to a draft below `clinic/`.
    let clinic = ws.uri("clinic/2025/a.md");
    server.open(&clinic, "markdown", 1, &text);
    assert_eq!(
        codes(&server.diagnostics_at(&clinic, 1)),
        ["hc.platform.length"]
    );
    server.stop();
}
