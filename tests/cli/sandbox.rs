//! The policy sandbox seen from outside: policies cannot read a file outside the
//! workspace and the declared library folders, whatever `decorum.toml`, a library's
//! manifest or a symbolic link says, and no command prints such a file's text.

#![cfg(unix)]

use std::os::unix::fs::symlink;

use crate::support::{Outcome, Workspace};

/// Asserts that neither output of any run holds `secret`, the text of an outside file.
fn never_shows(secret: &str, outcomes: &[&Outcome]) {
    for out in outcomes {
        assert!(
            !out.stdout.contains(secret) && !out.stderr.contains(secret),
            "the outside file's text was printed:\n{}",
            out.render()
        );
    }
}

/// A workspace whose policy imports "lib/pub" of the library in vendor/lib, which has
/// `manifest` as its decorum-library.toml unless that is `None`.
fn workspace_with_library(manifest: Option<&str>) -> Workspace {
    let ws = Workspace::new();
    ws.file("drafts/a.md", "Hello.\n")
        .file(
            "decorum.toml",
            "policies = [\"policy/main\"]\n\n[libraries]\nlib = { path = \"vendor/lib\" }\n",
        )
        .file("vendor/lib/pub.decorum", "decorum 1\npolicy lib.pub\n")
        .file(
            "vendor/lib/hidden.decorum",
            "decorum 1\npolicy lib.hidden\n",
        )
        .file(
            "policy/main.decorum",
            "decorum 1\npolicy me.main\nimport \"lib/pub\" as p\n",
        );
    if let Some(manifest) = manifest {
        ws.file("vendor/lib/decorum-library.toml", manifest);
    }
    ws
}

const MANIFEST: &str =
    "[library]\nname = \"lib\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"pub\"]\n";

#[test]
fn a_library_manifest_that_is_a_symbolic_link_is_refused_unread() {
    let outside = Workspace::new();
    outside.file(
        "manifest.toml",
        format!("{MANIFEST}CANARY_SECRET_8842 = 1\n"),
    );
    let ws = workspace_with_library(None);
    symlink(
        outside.path("manifest.toml"),
        ws.path("vendor/lib/decorum-library.toml"),
    )
    .unwrap();
    let lock = ws.run(&["lock"]).output();
    let check = ws.check(&["drafts"]).output();
    let audit = ws.run(&["audit"]).output();
    for out in [&lock, &check, &audit] {
        assert_eq!(out.code, 2, "{}", out.render());
        assert!(
            out.stderr
                .contains("the manifest of library \"lib\", vendor/lib/decorum-library.toml, is a symbolic link")
                && out
                    .stderr
                    .contains("copy the file into the library instead of linking it"),
            "{}",
            out.render()
        );
    }
    assert!(
        check.stderr.contains("policy/main.decorum:3:8"),
        "{}",
        check.render()
    );
    // `decorum lock` puts a failing library's name before a message that does not name
    // it; this one does, so the name comes once.
    assert!(
        lock.stderr
            .starts_with("error: the manifest of library \"lib\", vendor/lib/"),
        "{}",
        lock.render()
    );
    never_shows("CANARY_SECRET_8842", &[&lock, &check, &audit]);
}

#[test]
fn the_lock_pins_the_content_of_a_library_manifest() {
    let ws = workspace_with_library(Some(MANIFEST));
    assert_eq!(ws.run(&["lock"]).output().code, 0);
    ws.file(
        "vendor/lib/decorum-library.toml",
        MANIFEST.replace("[\"pub\"]", "[\"pub\", \"hidden\"]"),
    );
    let lock = ws.run(&["lock", "--check"]).output();
    assert_eq!(lock.code, 1, "{}", lock.render());
    let check = ws.check(&["drafts"]).output();
    assert_eq!(check.code, 2, "{}", check.render());
    assert!(
        check
            .stderr
            .contains("vendor/lib/decorum-library.toml changed"),
        "{}",
        check.render()
    );
}

#[test]
fn a_library_folder_that_holds_the_workspace_is_refused_at_its_line() {
    let outer = Workspace::new();
    outer.file(
        "private/notes.decorum",
        "decorum 1\npolicy x.private\nCANARY-SECRET-7731 not policy syntax\n",
    );
    outer.file("ws/drafts/a.md", "Hello.\n").file(
        "ws/policy/main.decorum",
        "decorum 1\npolicy me.main\nimport \"../../private/notes\" as p\n",
    );
    let root = outer.path("");
    // The output shows the workspace's parent as `[WS]` (see `Outcome::render`).
    for (path, shown) in [("..", ".."), ("/", "/"), (root.to_str().unwrap(), "[WS]/")] {
        outer.file(
            "ws/decorum.toml",
            format!("[libraries]\nshared = {{ path = \"{path}\" }}\n"),
        );
        let check = outer
            .check(&["--policy", "policy/main.decorum", "drafts"])
            .in_dir("ws")
            .output();
        let test = outer.test(&["policy/main.decorum"]).in_dir("ws").output();
        let lock = outer.run(&["lock"]).in_dir("ws").output();
        for out in [&check, &test, &lock] {
            assert_eq!(out.code, 2, "{path}: {}", out.render());
            assert!(
                out.stderr.contains(&format!(
                    "the folder of library \"shared\" (`{shown}`) holds the workspace"
                )) && out.stderr.contains("decorum.toml:2:19")
                    && out.stderr.contains("a library is a folder of its own"),
                "{path}: {}",
                out.render()
            );
        }
        never_shows("CANARY-SECRET-7731", &[&check, &test, &lock]);
    }
    // Through a symbolic link to the workspace's parent too.
    symlink(outer.path(""), outer.path("ws/up")).unwrap();
    outer.file(
        "ws/decorum.toml",
        "[libraries]\nshared = { path = \"up\" }\n",
    );
    let check = outer
        .check(&["--policy", "policy/main.decorum", "drafts"])
        .in_dir("ws")
        .output();
    assert_eq!(check.code, 2, "{}", check.render());
    assert!(
        check.stderr.contains("decorum.toml:2:19"),
        "{}",
        check.render()
    );
    never_shows("CANARY-SECRET-7731", &[&check]);
}

#[test]
fn refused_policies_entries_are_reported_at_their_line_in_decorum_toml() {
    let outer = Workspace::new();
    outer.file("outside/secret.decorum", "CANARY-SECRET-5150\n");
    outer
        .file("ws/policy/main.decorum", "decorum 1\npolicy me.main\n")
        .file("ws/drafts/a.md", "Hello.\n")
        .folder("ws/sub")
        .file(
            "ws/decorum.toml",
            "policies = [\n  \"policy/main\",\n  \"../outside/secret\",\n  \"policy/link\",\n  \"/etc/passwd\",\n]\n",
        );
    symlink(
        outer.path("outside/secret.decorum"),
        outer.path("ws/policy/link.decorum"),
    )
    .unwrap();
    for dir in ["ws", "ws/sub"] {
        let out = outer.check(&[]).in_dir(dir).output();
        assert_eq!(out.code, 2, "{}", out.render());
        assert!(
            out.stderr.contains(
                "`../outside/secret` points to a place outside the workspace (the folder of decorum.toml)\n --> "
            ) && out.stderr.contains("decorum.toml:3:3")
                && out.stderr.contains(
                    "`policy/link` leads through a symbolic link to a place outside the workspace"
                )
                && out.stderr.contains("decorum.toml:4:3")
                && out.stderr.contains("`/etc/passwd` is an absolute path")
                && out.stderr.contains("decorum.toml:5:3")
                && out.stderr.contains("= help: `policies` in decorum.toml"),
            "{dir}: {}",
            out.render()
        );
        assert!(!out.stderr.contains("outside/secret\n"), "{}", out.render());
        never_shows("CANARY-SECRET-5150", &[&out]);
    }
}

#[test]
fn a_folder_with_a_file_that_links_outside_names_the_file() {
    let outside = Workspace::new();
    outside.file("secret.decorum", "CANARY-SECRET-2718\n");
    let ws = Workspace::new();
    ws.file("drafts/a.md", "Hello.\n")
        .file("decorum.toml", "policies = [\"policy/\"]\n")
        .file("policy/main.decorum", "decorum 1\npolicy me.main\n");
    symlink(
        outside.path("secret.decorum"),
        ws.path("policy/evil.decorum"),
    )
    .unwrap();
    let out = ws.check(&["drafts"]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr.contains(
            "`policy/evil.decorum` leads through a symbolic link to a place outside the workspace"
        ),
        "{}",
        out.render()
    );
    never_shows("CANARY-SECRET-2718", &[&out]);
}

#[test]
fn a_library_file_that_links_outside_is_told_to_copy_it_into_the_library() {
    let outside = Workspace::new();
    outside.file("secret.decorum", "CANARY-SECRET-3141\n");
    let ws = workspace_with_library(Some(MANIFEST));
    std::fs::remove_file(ws.path("vendor/lib/pub.decorum")).unwrap();
    symlink(
        outside.path("secret.decorum"),
        ws.path("vendor/lib/pub.decorum"),
    )
    .unwrap();
    assert_eq!(ws.run(&["lock"]).output().code, 0);
    let out = ws.check(&["drafts"]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr
            .contains("`lib/pub` leads through a symbolic link out of the library \"lib\"")
            && out.stderr.contains("policy/main.decorum:3:8")
            && out
                .stderr
                .contains("copy the file into the library instead of linking it")
            && !out.stderr.contains("[libraries]"),
        "{}",
        out.render()
    );
    never_shows("CANARY-SECRET-3141", &[&out]);
}
