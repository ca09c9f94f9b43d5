//! `decorum audit` collects drafts as `decorum check` does: with no path, the folder it
//! runs in is not named, so every `exclude` glob applies in it (it used to pass `.` as
//! a named folder, and audited the waivers of drafts that `decorum check` leaves out);
//! and a file a walk leaves out with a warning (a link out of the workspace) keeps the
//! exit code. All names and stories are invented.

use crate::support::Workspace;

/// A waiver with its reason, in a draft of a folder `exclude` leaves out.
const WAIVED: &str = "<!-- decorum-allow hc.privacy.client-story: consent on file, form 12 -->\nMy client Ana Pereira, a 45-year-old teacher, quit smoking.\n";

#[test]
fn audit_with_no_path_in_an_excluded_folder_audits_what_check_checks() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "[drafts]\nexclude = [\"old\"]\n")
        .file("old/p.md", WAIVED);
    let check = ws.check(&["--format", "json"]).in_dir("old").output();
    let json: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(json["summary"]["files"], 0, "{}", check.render());
    let audit = ws
        .run(&["audit", "--format", "json"])
        .in_dir("old")
        .output();
    assert_eq!(audit.code, 0, "{}", audit.render());
    let doc: serde_json::Value = serde_json::from_str(&audit.stdout).unwrap();
    assert_eq!(doc["waivers"], serde_json::json!([]), "{}", audit.render());
    // Named, the folder is audited, as `decorum check old` checks it.
    let audit = ws.run(&["audit", "--format", "json", "old"]).output();
    let doc: serde_json::Value = serde_json::from_str(&audit.stdout).unwrap();
    assert_eq!(
        doc["waivers"].as_array().map(Vec::len),
        Some(1),
        "{}",
        audit.render()
    );
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_workspace_is_a_warning_in_an_audit() {
    let elsewhere = Workspace::new();
    elsewhere.file("note.md", WAIVED);
    let ws = Workspace::new();
    ws.file("decorum.toml", "").file("drafts/p.md", WAIVED);
    std::os::unix::fs::symlink(elsewhere.path("note.md"), ws.path("drafts/x.md")).unwrap();
    let audit = ws.run(&["audit", "drafts"]).output();
    assert_eq!(audit.code, 0, "{}", audit.render());
    assert!(
        audit.stderr.contains(
            "warning: drafts/x.md: skipped: a symbolic link to a place outside the workspace"
        ),
        "{}",
        audit.render()
    );
}
