//! What the commands say beyond their main output: the warning about a declared library
//! folder that does not exist (every command gives it), what `decorum lock` kept or
//! could not find, `decorum eval`'s labels, advice on a path that is not there, and
//! control characters in the paths `decorum lock` and `decorum eval` print.

use expect_test::expect;

use crate::support::Workspace;

const LIBRARY_MANIFEST: &str = "[library]\nname = \"net\"\nversion = \"0.1.0\"\nlanguage = 1\nexports = [\n  \"privacy\",\n  \"both\",\n]\n";

/// A workspace declaring library `net` at vendor/net, which does not exist.
fn missing_library() -> Workspace {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "policies = [\"std/healthcare\"]\n\n[libraries]\nnet = { path = \"vendor/net\" }\n",
    )
    .file("post.md", "Open on Saturdays from 9 to 1.\n");
    ws
}

const MISSING_WARNING: &str = "warning: library \"net\": its folder `vendor/net` does not exist\n --> decorum.toml:4:1\n  |\n4 | net = { path = \"vendor/net\" }\n  | ^^^\n";

#[test]
fn explain_audit_and_eval_warn_about_a_missing_library_folder_too() {
    let ws = missing_library();
    ws.file("corpus/a.md", "---\nexpect: []\n---\nOpen on Saturdays.\n");
    for args in [
        vec!["explain", "hc.privacy.client-story"],
        vec!["audit", "post.md"],
        vec!["eval", "corpus", "--color", "never"],
    ] {
        let out = ws.run(&args).output();
        assert_eq!(out.code, 0, "{args:?}: {}", out.render());
        assert!(
            out.stderr.starts_with(MISSING_WARNING),
            "{args:?}: {}",
            out.render()
        );
    }
}

#[test]
fn lock_says_it_kept_the_pin_of_a_library_whose_folder_is_missing() {
    let ws = missing_library();
    ws.file("vendor/net/decorum-library.toml", LIBRARY_MANIFEST)
        .file(
            "vendor/net/privacy.decorum",
            "decorum 1\npolicy net.privacy\n",
        )
        .file("vendor/net/both.decorum", "decorum 1\npolicy net.both\n")
        .file("vendor/net/both/x.decorum", "decorum 1\npolicy net.x\n");
    let out = ws.run(&["lock"]).output();
    // The warning names the manifest's line that lists the export.
    expect![[r#"
        exit: 0
        --- stdout
        wrote decorum.lock (for decorum.toml)
          pinned  net 0.1.0
        --- stderr
        warning: library "net" exports "both", which is both both.decorum and a folder both/
          --> vendor/net/decorum-library.toml:7
           = help: importing "net/both" will fail as ambiguous; tell the library's publisher
    "#]]
    .assert_eq(&out.render());
    std::fs::rename(ws.path("vendor"), ws.path("elsewhere")).unwrap();
    for args in [vec!["lock"], vec!["lock", "--check"]] {
        let out = ws.run(&args).output();
        assert_eq!(out.code, 0, "{args:?}: {}", out.render());
        assert_eq!(
            out.stdout,
            "decorum.lock is up to date (1 library; kept the pin of \"net\", whose folder is missing)\n",
            "{args:?}: {}",
            out.render()
        );
    }
}

#[test]
fn lock_check_without_a_lock_says_it_is_missing_or_not_needed() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "policies = [\"std/healthcare\"]\n");
    expect![[r#"
        exit: 0
        --- stdout
        decorum.lock is not needed: decorum.toml declares no [libraries]
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.run(&["lock", "--check"]).output().render());

    let ws = missing_library();
    expect![[r#"
        exit: 1
        --- stdout: (empty)
        --- stderr
        warning: library "net": its folder `vendor/net` does not exist
         --> decorum.toml:4:1
          |
        4 | net = { path = "vendor/net" }
          | ^^^
          |
           = help: fix its path under [libraries] in decorum.toml, or remove the entry; if the library is a git submodule, fetch it with `git submodule update --init`

        decorum.lock is missing, and no declared library has its folder here to pin
          = help: fix the library paths the warnings above name, then run `decorum lock`
    "#]]
    .assert_eq(&ws.run(&["lock", "--check"]).output().render());

    ws.file("vendor/net/decorum-library.toml", LIBRARY_MANIFEST)
        .file(
            "vendor/net/privacy.decorum",
            "decorum 1\npolicy net.privacy\n",
        )
        .file("vendor/net/both.decorum", "decorum 1\npolicy net.both\n");
    let out = ws.run(&["lock", "--check"]).output();
    assert_eq!(out.code, 1, "{}", out.render());
    assert!(
        out.stderr
            .starts_with("decorum.lock is missing:\n  pinned  net 0.1.0\n"),
        "{}",
        out.render()
    );
}

#[test]
fn eval_refuses_an_expect_without_a_value_and_says_why_labels_cannot_be_read() {
    let ws = Workspace::new();
    ws.file(
        "corpus/a-empty.md",
        "---\nchannel: x\nexpect:\n---\nOpen on Saturdays.\n",
    )
    .file(
        "corpus/b-unclosed.md",
        "---\nexpect: []\nOpen on Saturdays.\n",
    )
    // The YAML goes wrong after `expect`: the error points where, not at `expect`.
    .file(
        "corpus/c-yaml.md",
        "---\nexpect: []\nnote: [near miss\n---\nOpen on Saturdays.\n",
    );
    let out = ws.run(&["eval", "corpus", "--color", "never"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: `expect` has no value; label the draft with `expect: [FAMILY, ...]`, or `expect: []` when it is clean
          --> corpus/a-empty.md:3:1

        error: the labels cannot be read: the `---` on line 1 opens front matter that is never closed, so its metadata does not apply; end the block with a `---` line
          --> corpus/b-unclosed.md:1:1

        error: the labels cannot be read: invalid YAML in front matter: while parsing a flow sequence, expected ',' or ']'
          --> corpus/c-yaml.md:4:1

    "#]]
    .assert_eq(&out.render());
}

#[test]
fn a_path_that_is_not_there_gets_advice() {
    let ws = Workspace::new();
    ws.file("post.md", "Open on Saturdays.\n");
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: no such file or directory
          --> nope
           = help: check the path; `decorum eval` takes folders and files of labelled drafts (see tests/corpus/README.md)

    "#]]
    .assert_eq(&ws.run(&["eval", "nope", "--color", "never"]).output().render());
    let audit = ws.run(&["audit", "nope"]).output();
    assert_eq!(audit.code, 2, "{}", audit.render());
    assert!(
        audit.stderr.starts_with(
            "error: nope: no such file or directory\n  = help: check the path; `decorum audit` takes files and folders of drafts\n"
        ),
        "{}",
        audit.render()
    );
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: cannot read the configuration: No such file or directory (os error 2)
          --> nope.toml
           = help: check the path: it names no file (a relative path starts at the current folder)

    "#]]
    .assert_eq(&ws.check(&["--config", "nope.toml"]).output().render());
}

/// `decorum lock` shows the paths it prints as every report does: a line break or tab
/// in a file or folder name as its code point, never raw on the terminal.
#[cfg(unix)]
#[test]
fn lock_shows_control_characters_in_paths_as_code_points() {
    let ws = Workspace::new();
    ws.file(
        "site\none/decorum.toml",
        "policies = [\"std/healthcare\"]\n\n[libraries]\nnet = { path = \"vendor/net\" }\n",
    )
    .file(
        "site\none/vendor/net/decorum-library.toml",
        LIBRARY_MANIFEST,
    )
    .file(
        "site\none/vendor/net/privacy.decorum",
        "decorum 1\npolicy net.privacy\n",
    )
    .file(
        "site\none/vendor/net/both.decorum",
        "decorum 1\npolicy net.both\n",
    )
    .file(
        "site\none/vendor/net/both/x.decorum",
        "decorum 1\npolicy net.x\n",
    );
    let config = "site\none/decorum.toml";
    let out = ws.run(&["lock", "--config", config]).output();
    expect![[r#"
        exit: 0
        --- stdout
        wrote site<U+000A>one/decorum.lock (for decorum.toml)
          pinned  net 0.1.0
        --- stderr
        warning: library "net" exports "both", which is both both.decorum and a folder both/
          --> vendor/net/decorum-library.toml:7
           = help: importing "net/both" will fail as ambiguous; tell the library's publisher
    "#]]
    .assert_eq(&out.render());

    // A file of the library with a tab in its name, and the library moved to a folder
    // with one.
    ws.file("site\none/vendor/net/read\tme.md", "Pinned too.\n");
    let out = ws.run(&["lock", "--config", config]).output();
    expect![[r#"
        exit: 0
        --- stdout
        wrote site<U+000A>one/decorum.lock (for decorum.toml)
          updated net 0.1.0: read<U+0009>me.md
        --- stderr
        warning: library "net" exports "both", which is both both.decorum and a folder both/
          --> vendor/net/decorum-library.toml:7
           = help: importing "net/both" will fail as ambiguous; tell the library's publisher
    "#]]
    .assert_eq(&out.render());
    std::fs::rename(
        ws.path("site\none/vendor/net"),
        ws.path("site\none/vendor/n\tet"),
    )
    .unwrap();
    ws.file(
        "site\none/decorum.toml",
        "policies = [\"std/healthcare\"]\n\n[libraries]\nnet = { path = \"vendor/n\\tet\" }\n",
    );
    let out = ws.run(&["lock", "--config", config]).output();
    expect![[r#"
        exit: 0
        --- stdout
        wrote site<U+000A>one/decorum.lock (for decorum.toml)
          moved   net: vendor/net -> vendor/n<U+0009>et
        --- stderr
        warning: library "net" exports "both", which is both both.decorum and a folder both/
          --> vendor/n<U+0009>et/decorum-library.toml:7
           = help: importing "net/both" will fail as ambiguous; tell the library's publisher
    "#]]
    .assert_eq(&out.render());

    // An error names the library's folder as decorum.toml writes it: an escape in it
    // is its code point too.
    ws.file(
        "site\none/vendor/n\u{1b}[2Jet/read-me.md",
        "No manifest here.\n",
    );
    ws.file(
        "site\none/decorum.toml",
        "policies = [\"std/healthcare\"]\n\n[libraries]\nnet = { path = \"vendor/n\\u001b[2Jet\" }\n",
    );
    let out = ws.run(&["lock", "--config", config]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: library "net" has no readable decorum-library.toml in `vendor/n<U+001B>[2Jet`
          = help: a library's folder starts with a decorum-library.toml naming it, its version, language version and exports (see docs/libraries.md)
    "#]].assert_eq(&out.render());
}

/// `decorum eval` shows the folders it was given and the drafts it missed as every
/// report shows a path: a line break or tab in a name as its code point.
#[cfg(unix)]
#[test]
fn eval_shows_control_characters_in_paths_as_code_points() {
    let ws = Workspace::new();
    ws.file(
        "corpus\tone/a\nb.md",
        "---\nexpect: []\n---\nThis tea cures anxiety.\n",
    );
    let out = ws
        .run(&["eval", "corpus\tone", "--misses", "--color", "never"])
        .output();
    // The clean draft is flagged: a target is missed.
    assert_eq!(out.code, 1, "{}", out.render());
    for shown in [
        "1 draft in corpus<U+0009>one (",
        "\n  corpus<U+0009>one/a<U+000A>b.md\n",
    ] {
        assert!(out.stdout.contains(shown), "{shown:?} in:\n{}", out.stdout);
    }
}
