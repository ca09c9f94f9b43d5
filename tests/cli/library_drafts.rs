//! A library's folder holds policies and their docs, never drafts: `decorum check` of a
//! folder above it leaves it out however decorum.toml writes its path (`..`, a trailing
//! slash, through a symbolic link) and however the run reaches the workspace (through a
//! symbolic link to it), as the policy loader's sandbox reads the same folders. Nor does a
//! run through such a link take the decorum.toml in use for a nearer one that it does
//! not apply.

use std::os::unix::fs::symlink;

use crate::fs::copy_dir;
use crate::support::{Outcome, Workspace, repo_root};

/// The worked example (examples/dental-practice) in `site/` of a temporary folder, with
/// every Markdown file a draft, a README in the library that a rule flags, and the
/// library declared at `path` (pinned by `decorum lock`).
fn site_with_library_at(path: &str) -> Workspace {
    let ws = Workspace::new();
    copy_dir(
        &repo_root().join("examples/dental-practice"),
        &ws.path("site"),
    );
    let config = std::fs::read_to_string(ws.path("site/decorum.toml")).unwrap();
    let config = config
        .replace(
            r#"include = ["drafts/**/*.md"]"#,
            r#"include = ["**/*.md"]"#,
        )
        .replace(
            r#"dental-network = { path = "vendor/dental-network" }"#,
            &format!("dental-network = {{ path = \"{path}\" }}"),
        );
    assert!(config.contains(path), "{config}");
    ws.file("site/decorum.toml", config);
    ws.file(
        "site/vendor/dental-network/README.md",
        "# Dental network rules\n\nExample of a breach: my patient from Millbrook, 45.\n",
    );
    symlink(ws.path("site/vendor"), ws.path("site/vendor-link")).unwrap();
    symlink(ws.path("site"), ws.path("site-link")).unwrap();
    let lock = ws.run(&["lock"]).in_dir("site").output();
    assert_eq!(lock.code, 0, "{}", lock.render());
    ws
}

/// True when the run checked the three drafts of the example and not the library's
/// README, under the one decorum.toml of the example.
fn drafts_only(out: &Outcome) -> bool {
    out.stdout.contains("of 3 drafts checked")
        && !out.stdout.contains("README")
        && !out.stderr.contains("does not apply")
}

fn assert_drafts_only(out: &Outcome, how: &str) {
    assert!(drafts_only(out), "{how}: {}", out.render());
}

#[test]
fn a_library_folder_written_with_dots_or_a_trailing_slash_holds_no_drafts() {
    for path in [
        "./vendor/../vendor/dental-network/",
        "vendor/dental-network/.",
    ] {
        let ws = site_with_library_at(path);
        let out = ws.check(&["."]).in_dir("site").output();
        assert_drafts_only(&out, path);
    }
}

/// A named folder that holds only a library says so, not that it holds no file.
#[test]
fn a_folder_holding_only_a_library_says_why_it_holds_no_draft() {
    let ws = site_with_library_at("vendor/dental-network");
    let out = ws.check(&["vendor"]).in_dir("site").output();
    assert!(
        out.stderr.contains(
            "vendor holds no draft (it holds only shared libraries of decorum.toml's [libraries]"
        ),
        "{}",
        out.render()
    );
}

#[test]
fn a_library_folder_declared_through_a_symbolic_link_holds_no_drafts() {
    let ws = site_with_library_at("vendor-link/dental-network");
    let out = ws.check(&["."]).in_dir("site").output();
    assert_drafts_only(&out, "vendor-link/dental-network");
}

#[test]
fn a_workspace_reached_through_a_symbolic_link_holds_no_drafts_in_its_libraries() {
    let ws = site_with_library_at("vendor/dental-network");
    let link = ws.path("site-link");
    let link = link.to_str().unwrap();
    // The folder named through the link, the configuration found in the current folder.
    let named = ws.check(&[link]).in_dir("site").output();
    // The configuration named through the link, the folder as the current folder.
    let config = format!("{link}/decorum.toml");
    let configured = ws
        .check(&["--config", &config, "."])
        .in_dir("site")
        .output();
    let runs = [
        ("check site-link", named),
        ("check --config site-link/decorum.toml .", configured),
    ];
    let wrong: Vec<String> = runs
        .iter()
        .filter(|(_, out)| !drafts_only(out))
        .map(|(how, out)| format!("{how}: {}", out.render()))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
