//! Shared libraries on the worked example (examples/dental-practice): a clean run,
//! a tampered library, re-pinning, cycles and missing exports, and the audit.

use expect_test::expect;

use crate::fs::copy_dir;
use crate::support::{Workspace, repo_root};

/// A copy of examples/dental-practice in a temporary workspace.
fn dental_practice() -> Workspace {
    let ws = Workspace::new();
    let example = repo_root().join("examples/dental-practice");
    copy_dir(&example, &ws.path(""));
    ws
}

#[test]
fn the_worked_example_checks_clean_and_its_examples_pass() {
    let ws = dental_practice();
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    assert!(out.stdout.contains("waivers used:"), "{}", out.render());
    let test = ws.run(&["test", "--color", "never"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        decorum test: 4 of 4 examples passed
        --- stderr: (empty)
    "#]]
    .assert_eq(&test.render());
    // The vendored library's own examples, as its publisher runs them.
    let library = ws
        .run(&["test", "--color", "never", "vendor/dental-network"])
        .output();
    expect![[r#"
        exit: 0
        --- stdout
        decorum test: 11 of 11 examples passed
        --- stderr: (empty)
    "#]]
    .assert_eq(&library.render());
}

#[test]
fn the_examples_of_own_files_the_policy_imports_run_but_not_the_librarys() {
    let ws = dental_practice();
    // A helper file of the practice's own, imported by its policy: its rule's example
    // and the example in its `use` block are the practice's tests, and both fail here.
    ws.file(
        "policy/helper.decorum",
        "decorum 1\npolicy smilefamily.helper\nimport \"dental-network/marketing\" as m\n\
         use m.pain-free-claim { example passes \"No drills, no fuss.\" }\n\
         rule whitening { flag when contains [\"whiter\"]\n  example passes \"Whiter teeth!\" }\n",
    );
    let root = std::fs::read_to_string(ws.path("policy/smile-family.decorum")).expect("read");
    ws.file(
        "policy/smile-family.decorum",
        root.replacen(
            "import \"std/healthcare\" as hc\n",
            "import \"std/healthcare\" as hc\nimport \"./helper\" as helper\n",
            1,
        ),
    );
    let test = ws.run(&["test", "--color", "never"]).output();
    expect![[r#"
        exit: 1
        --- stdout
        FAIL smilefamily.helper.whitening example #1 (policy/helper.decorum:6)
          text:     “Whiter teeth!”
          expected: passes
          fired:    at “Whiter”: whitening
        FAIL dental.marketing.pain-free-claim example #1 (policy/helper.decorum:4)
          text:     “No drills, no fuss.”
          expected: passes
          fired:    at “No drills”: “No drills” promises an experience no dentist can guarantee.
        decorum test: 4 of 6 examples passed
        --- stderr: (empty)
    "#]]
    .assert_eq(&test.render());
}

#[test]
fn a_library_beside_the_workspace_is_locked_by_a_relative_path_and_a_move_is_a_change() {
    // Several practices in one repository share a library folder beside theirs.
    let ws = Workspace::new();
    copy_dir(
        &repo_root().join("examples/dental-practice"),
        &ws.path("practice"),
    );
    ws.folder("shared");
    std::fs::rename(
        ws.path("practice/vendor/dental-network"),
        ws.path("shared/dental-network"),
    )
    .expect("move the library");
    let toml = std::fs::read_to_string(ws.path("practice/decorum.toml")).expect("read");
    let beside = toml.replace("vendor/dental-network", "../shared/dental-network");
    ws.file("practice/decorum.toml", &beside);
    let lock = ws.run(&["lock"]).in_dir("practice").output();
    assert_eq!(lock.code, 0, "{}", lock.render());
    let text = std::fs::read_to_string(ws.path("practice/decorum.lock")).expect("read");
    assert!(
        text.contains("path = \"../shared/dental-network\""),
        "the lock holds no machine's absolute path:\n{text}"
    );
    let audit = ws.run(&["audit"]).in_dir("practice").output();
    assert!(
        audit
            .stdout
            .contains("dental-network 1.2.0  ../shared/dental-network  sha256:"),
        "{}",
        audit.render()
    );
    // Its rules are shown by that path too, never by this machine's absolute one.
    let explain = ws
        .run(&["explain", "smile-photo-consent"])
        .in_dir("practice")
        .output();
    let machine = ws.path("").display().to_string();
    for out in [&audit, &explain] {
        assert!(
            out.stdout
                .contains("../shared/dental-network/privacy.decorum:7")
                && !out.stdout.contains(&machine),
            "{}",
            out.render()
        );
    }
    // The same content in another folder: `lock --check` says the lock is out of date.
    std::fs::rename(ws.path("shared"), ws.path("common")).expect("move");
    ws.file(
        "practice/decorum.toml",
        beside.replace("../shared/", "../common/"),
    );
    let check = ws.run(&["lock", "--check"]).in_dir("practice").output();
    expect![[r#"
        exit: 1
        --- stdout: (empty)
        --- stderr
        decorum.lock is out of date:
          moved   dental-network: ../shared/dental-network -> ../common/dental-network
          = help: run `decorum lock` to pin the libraries as they are now
    "#]]
    .assert_eq(&check.render());
}

#[test]
fn a_library_folder_holds_no_drafts() {
    // A library's README matches `**/*.md` (the include `decorum init` writes), but it
    // documents policies.
    let ws = dental_practice();
    let config = std::fs::read_to_string(ws.path("decorum.toml")).unwrap();
    ws.file(
        "decorum.toml",
        config.replace(
            r#"include = ["drafts/**/*.md"]"#,
            r#"include = ["**/*.md"]"#,
        ),
    );
    ws.file(
        "vendor/dental-network/README.md",
        "# Dental network rules\n\nExample of a breach: my patient from Millbrook, 45.\n",
    );
    assert_eq!(ws.run(&["lock"]).output().code, 0);
    let out = ws.check(&[]).output();
    assert!(
        out.stdout.contains("in 1 of 3 drafts checked"),
        "{}",
        out.render()
    );
    // Named on the command line, it is checked as asked.
    let out = ws.check(&["vendor/dental-network/README.md"]).output();
    assert!(out.stdout.contains("1 draft checked"), "{}", out.render());
    assert!(out.stdout.contains("client-story"), "{}", out.render());
}

#[test]
fn a_declared_library_whose_folder_is_missing_is_reported() {
    // A typo in a library's path went unnoticed by check and audit until an import.
    let ws = dental_practice();
    let config = std::fs::read_to_string(ws.path("decorum.toml")).unwrap();
    ws.file(
        "decorum.toml",
        format!("{config}\n[libraries.ghost]\npath = \"vendor/ghots\"\n"),
    );
    let out = ws.check(&[]).output();
    assert_eq!(
        out.code,
        0,
        "a warning does not fail the run: {}",
        out.render()
    );
    // At the line of its table, `[libraries.ghost]`, after the blank line appended.
    let line = config.lines().count() + 2;
    // The snippet's gutter is as wide as the line number.
    let pad = " ".repeat(line.to_string().len());
    assert!(
        out.stderr.contains(&format!(
            "warning: library \"ghost\": its folder `vendor/ghots` does not exist\n{pad}--> decorum.toml:{line}:12\n"
        )),
        "{}",
        out.render()
    );
    let audit = ws.run(&["audit"]).output();
    assert!(
        audit.stdout.contains(
            "  ghost  vendor/ghots  (declared in decorum.toml, but the folder does not exist)"
        ),
        "{}",
        audit.render()
    );
    // `decorum lock` gives the same warning and pins the other libraries all the same.
    std::fs::remove_file(ws.path("decorum.lock")).expect("remove the lock");
    let lock = ws.run(&["lock"]).output();
    assert_eq!(lock.code, 0, "{}", lock.render());
    assert!(
        lock.stderr.starts_with(&format!(
            "warning: library \"ghost\": its folder `vendor/ghots` does not exist\n{pad}--> decorum.toml:{line}:12\n"
        )),
        "{}",
        lock.render()
    );
    assert!(
        lock.stdout.contains("pinned  dental-network 1.2.0"),
        "{}",
        lock.render()
    );
    assert_eq!(ws.check(&[]).output().code, 0);
}

/// `decorum test` of several policy files shows a warning they share once, not once per
/// file.
#[test]
fn decorum_test_of_two_roots_shows_a_shared_warning_once() {
    let ws = dental_practice();
    let config = std::fs::read_to_string(ws.path("decorum.toml")).unwrap();
    ws.file(
        "decorum.toml",
        format!("{config}\n[libraries.ghost]\npath = \"vendor/ghots\"\n"),
    );
    ws.file(
        "policy/extra.decorum",
        "decorum 1\npolicy smilefamily.extra\n",
    );
    let out = ws
        .run(&[
            "test",
            "policy/smile-family.decorum",
            "policy/extra.decorum",
        ])
        .output();
    assert_eq!(
        out.stderr.matches("library \"ghost\": its folder").count(),
        1,
        "{}",
        out.render()
    );
}

#[test]
fn a_tampered_library_is_refused_until_it_is_pinned_again() {
    let ws = dental_practice();
    let file = ws.path("vendor/dental-network/marketing.decorum");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("\"zero pain\", ", "")).unwrap();
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr.contains("library \"dental-network\" does not match its entry in decorum.lock:6: vendor/dental-network/marketing.decorum changed"),
        "{}",
        out.render()
    );
    assert!(
        out.stderr.contains("run `decorum lock`"),
        "{}",
        out.render()
    );
    let test = ws.run(&["test", "--color", "never"]).output();
    assert_eq!(
        test.code,
        2,
        "decorum test refuses it too: {}",
        test.render()
    );

    let lock = ws.run(&["lock", "--check"]).output();
    assert_eq!(lock.code, 1, "{}", lock.render());
    let lock = ws.run(&["lock"]).output();
    expect![[r#"
        exit: 0
        --- stdout
        wrote decorum.lock (for decorum.toml)
          updated dental-network 1.2.0: marketing.decorum
        --- stderr: (empty)
    "#]]
    .assert_eq(&lock.render());
    assert_eq!(ws.check(&[]).output().code, 0);
    let again = ws.run(&["lock"]).output();
    assert!(again.stdout.contains("is up to date"), "{}", again.render());
}

/// `decorum.lock` edited by hand: `from` replaced by `to` once.
fn edit_lock(ws: &Workspace, from: &str, to: &str) {
    let text = std::fs::read_to_string(ws.path("decorum.lock")).unwrap();
    assert!(text.contains(from), "{from:?} is not in the lock:\n{text}");
    ws.file("decorum.lock", text.replacen(from, to, 1));
}

#[test]
fn a_lock_of_a_format_version_this_build_does_not_read_is_refused() {
    // Accepted silently before: a newer Decorum's lock may pin more than this build
    // checks.
    let ws = dental_practice();
    edit_lock(&ws, "version = 1\n", "version = 2\n");
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr.contains(
            "error[policy.import]: decorum.lock:4: lock format version 2 is not one this Decorum reads (it reads version 1)\n"
        ),
        "{}",
        out.render()
    );
    assert!(
        out.stderr.contains("= help: a newer Decorum wrote it: upgrade Decorum, or run `decorum lock` to write it again in version 1\n"),
        "{}",
        out.render()
    );
    expect![[r#"
        exit: 1
        --- stdout: (empty)
        --- stderr
        error: decorum.lock:4: lock format version 2 is not one this Decorum reads (it reads version 1)
          = help: a newer Decorum wrote it: upgrade Decorum, or run `decorum lock` to write it again in version 1
    "#]]
    .assert_eq(&ws.run(&["lock", "--check"]).output().render());
    expect![[r#"
        exit: 0
        --- stdout
        wrote decorum.lock (for decorum.toml)
          pinned  dental-network 1.2.0
        --- stderr
        warning: decorum.lock:4: lock format version 2 is not one this Decorum reads (it reads version 1); writing it anew
    "#]]
    .assert_eq(&ws.run(&["lock"]).output().render());
    assert_eq!(ws.check(&[]).output().code, 0);
}

/// A lock that is not text was not written by `decorum lock`, which is what to run, not
/// "check the file's permissions".
#[test]
fn a_lock_that_is_not_text_is_refused_with_the_command_that_rewrites_it() {
    let ws = dental_practice();
    ws.file("decorum.lock", b"\x89PNG\r\n\x1a\n\x00\xff".as_slice());
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr.contains(
            "decorum.lock is not valid UTF-8 text, so it was not written by `decorum lock`"
        ),
        "{}",
        out.render()
    );
    assert!(
        out.stderr.contains(
            "= help: run `decorum lock` to write decorum.lock anew from the libraries as they are\n"
        ),
        "{}",
        out.render()
    );
    let lock = ws.run(&["lock"]).output();
    assert_eq!(lock.code, 0, "{}", lock.render());
    assert_eq!(ws.check(&[]).output().code, 0);
}

#[test]
fn a_library_pinned_twice_in_the_lock_is_refused() {
    let ws = dental_practice();
    let text = std::fs::read_to_string(ws.path("decorum.lock")).unwrap();
    let entry = &text[text.find("[[library]]").unwrap()..];
    ws.file("decorum.lock", format!("{text}\n{entry}"));
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    expect![[r#"
        exit: 1
        --- stdout: (empty)
        --- stderr
        error: decorum.lock:18: library "dental-network" is pinned twice (first at line 6); a lock pins each library once
          = help: run `decorum lock` to write it again from the libraries decorum.toml declares
    "#]]
    .assert_eq(&ws.run(&["lock", "--check"]).output().render());
    assert!(
        out.stderr.contains("error[policy.import]: decorum.lock:18: library \"dental-network\" is pinned twice (first at line 6)"),
        "{}",
        out.render()
    );
    assert_eq!(ws.run(&["lock"]).output().code, 0);
    assert_eq!(
        std::fs::read_to_string(ws.path("decorum.lock")).unwrap(),
        text,
        "`decorum lock` writes each library once"
    );
}

#[test]
fn a_file_hash_edited_in_the_lock_is_named() {
    // The overall hash still pins the content, but the lock no longer says truly
    // what each file is.
    let ws = dental_practice();
    let text = std::fs::read_to_string(ws.path("decorum.lock")).unwrap();
    edit_lock(
        &ws,
        "\"marketing.decorum\" = \"0",
        "\"marketing.decorum\" = \"1",
    );
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr.contains("library \"dental-network\": decorum.lock:6 holds a sha256 for vendor/dental-network/marketing.decorum that is not the file's, though its overall sha256 matches the library: the lock was edited by hand\n"),
        "{}",
        out.render()
    );
    expect![[r#"
        exit: 1
        --- stdout: (empty)
        --- stderr
        decorum.lock is out of date:
          updated dental-network 1.2.0: the sha256 of marketing.decorum in decorum.lock
          = help: run `decorum lock` to pin the libraries as they are now
    "#]]
    .assert_eq(&ws.run(&["lock", "--check"]).output().render());
    assert_eq!(ws.run(&["lock"]).output().code, 0);
    assert_eq!(
        std::fs::read_to_string(ws.path("decorum.lock")).unwrap(),
        text,
        "`decorum lock` writes the true hash again"
    );
    assert_eq!(ws.check(&[]).output().code, 0);
}

#[test]
fn a_version_edited_in_the_lock_is_refused() {
    // Passed before: the hashes pin the files, manifest included, so a lock whose
    // version is not the manifest's tells a reviewer or an auditor of a version that is
    // not the one in use.
    let ws = dental_practice();
    let text = std::fs::read_to_string(ws.path("decorum.lock")).unwrap();
    edit_lock(&ws, "version = \"1.2.0\"", "version = \"1.3.0\"");
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    expect![[r#"
        error[policy.import]: library "dental-network": decorum.lock:6 holds version 1.3.0, though vendor/dental-network/decorum-library.toml says 1.2.0 and the library's files match: the lock was edited by hand
         --> policy/smile-family.decorum:5:8
          |
        5 | import "dental-network/privacy" as dn_privacy
          |        ^^^^^^^^^^^^^^^^^^^^^^^^
          |
           = help: run `decorum lock` to write it again from the library's files"#]].assert_eq(out.stderr.split("\n\n").next().unwrap_or_default());
    let test = ws.run(&["test", "--color", "never"]).output();
    assert_eq!(
        test.code,
        2,
        "decorum test refuses it too: {}",
        test.render()
    );
    expect![[r#"
        exit: 1
        --- stdout: (empty)
        --- stderr
        decorum.lock is out of date:
          updated dental-network 1.3.0 -> 1.2.0: the version in decorum.lock
          = help: run `decorum lock` to pin the libraries as they are now
    "#]]
    .assert_eq(&ws.run(&["lock", "--check"]).output().render());
    assert_eq!(ws.run(&["lock"]).output().code, 0);
    assert_eq!(
        std::fs::read_to_string(ws.path("decorum.lock")).unwrap(),
        text,
        "`decorum lock` writes the manifest's version again"
    );
    assert_eq!(ws.check(&[]).output().code, 0);
}

#[test]
fn one_folder_declared_as_two_libraries_is_refused_by_name() {
    // It was refused as "leads through a symbolic link", which sent people looking
    // for a link that does not exist.
    let ws = dental_practice();
    let config = std::fs::read_to_string(ws.path("decorum.toml")).unwrap();
    let line = "dental-network = { path = \"vendor/dental-network\" }\n";
    ws.file(
        "decorum.toml",
        config.replace(
            line,
            &format!("{line}dn = {{ path = \"vendor/dental-network/\" }}\n"),
        ),
    );
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(!out.stderr.contains("symbolic link"), "{}", out.render());
    assert!(
        out.stderr.contains("error[policy.import]: decorum.toml:10: libraries \"dental-network\" (line 9) and \"dn\" are the same folder, `vendor/dental-network`; a library is declared once, under one name\n"),
        "{}",
        out.render()
    );
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: decorum.toml:10: libraries "dental-network" (line 9) and "dn" are the same folder, `vendor/dental-network`; a library is declared once, under one name
          = help: remove one of the two from [libraries], and import the library by the name that stays
    "#]]
    .assert_eq(&ws.run(&["lock"]).output().render());
}

#[test]
fn an_export_that_names_no_policy_is_a_warning_when_pinned() {
    // Importing it would fail in every practice that vendors the library; the lock is
    // where a practice takes a new release in, so that is where it hears of it.
    let ws = dental_practice();
    let manifest = ws.path("vendor/dental-network/decorum-library.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replace("exports = [", "exports = [\"billing\", "),
    )
    .unwrap();
    // And a folder beside privacy.decorum makes "privacy" ambiguous.
    ws.file(
        "vendor/dental-network/privacy/extra.decorum",
        "decorum 1\npolicy dental.extra\n",
    );
    expect![[r#"
        exit: 0
        --- stdout
        wrote decorum.lock (for decorum.toml)
          updated dental-network 1.2.0: decorum-library.toml, privacy/extra.decorum
        --- stderr
        warning: library "dental-network" exports "billing", but holds no billing.decorum nor a folder billing/ of policies
          --> vendor/dental-network/decorum-library.toml:7
           = help: importing "dental-network/billing" will fail; tell the library's publisher, or check that the folder was copied whole
        warning: library "dental-network" exports "privacy", which is both privacy.decorum and a folder privacy/
          --> vendor/dental-network/decorum-library.toml:7
           = help: importing "dental-network/privacy" will fail as ambiguous; tell the library's publisher
    "#]]
    .assert_eq(&ws.run(&["lock"]).output().render());
}

#[test]
fn an_export_written_with_its_extension_names_the_module() {
    // Importing "privacy" was refused with the help to import "privacy.decorum", which
    // was refused the same way.
    let ws = dental_practice();
    let manifest = ws.path("vendor/dental-network/decorum-library.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let exports = "exports = [\"privacy\", \"marketing\"]";
    assert!(text.contains(exports), "{text}");
    std::fs::write(
        &manifest,
        text.replace(exports, "exports = [\"privacy.decorum\", \"marketing/\"]"),
    )
    .unwrap();
    expect![[r#"
        exit: 0
        --- stdout
        wrote decorum.lock (for decorum.toml)
          updated dental-network 1.2.0: decorum-library.toml
        --- stderr: (empty)
    "#]]
    .assert_eq(&ws.run(&["lock"]).output().render());
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 0, "{}", out.render());
    // Written either way in the import too.
    let policy = ws.path("policy/smile-family.decorum");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(
        &policy,
        text.replace(
            "\"dental-network/privacy\"",
            "\"dental-network/privacy.decorum\"",
        ),
    )
    .unwrap();
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 0, "{}", out.render());
}

#[test]
fn an_unpinned_library_and_an_added_file_are_refused() {
    let ws = dental_practice();
    ws.file(
        "vendor/dental-network/notes.decorum",
        "decorum 1\npolicy dental.notes\n",
    );
    let out = ws.check(&[]).output();
    assert!(
        out.stderr
            .contains("vendor/dental-network/notes.decorum was added"),
        "{}",
        out.render()
    );
    std::fs::remove_file(ws.path("decorum.lock")).unwrap();
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("library \"dental-network\" is not pinned in decorum.lock"),
        "{}",
        out.render()
    );
}

#[test]
fn imports_of_unexported_policies_and_cycles_across_libraries_are_errors() {
    let ws = dental_practice();
    ws.file(
        "policy/smile-family.decorum",
        "decorum 1\npolicy smilefamily.social\nimport \"dental-network/internal/common\" as common\nimport \"dental-network/privcy\" as p\n",
    );
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr
            .contains("library \"dental-network\" does not export \"internal/common\""),
        "{}",
        out.render()
    );
    assert!(
        out.stderr
            .contains("did you mean \"dental-network/privacy\"?"),
        "{}",
        out.render()
    );

    // Two libraries that import each other.
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "policies = [\"org.decorum\"]\n[libraries]\nalpha = { path = \"vendor/alpha\" }\nbeta = { path = \"vendor/beta\" }\n",
    )
    .file("org.decorum", "decorum 1\npolicy org\nimport \"alpha/a\"\n")
    .file("vendor/alpha/decorum-library.toml", "[library]\nname = \"alpha\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"a\"]\n")
    .file("vendor/alpha/a.decorum", "decorum 1\npolicy alpha.a\nimport \"beta/b\"\n")
    .file("vendor/beta/decorum-library.toml", "[library]\nname = \"beta\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"b\"]\n")
    .file("vendor/beta/b.decorum", "decorum 1\npolicy beta.b\nimport \"alpha/a\"\n");
    assert_eq!(ws.run(&["lock"]).output().code, 0);
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr.contains(
            "import cycle: vendor/alpha/a.decorum → vendor/beta/b.decorum → vendor/alpha/a.decorum"
        ),
        "{}",
        out.render()
    );
}

#[test]
fn a_library_needing_a_newer_language_is_refused() {
    let ws = dental_practice();
    let manifest = ws.path("vendor/dental-network/decorum-library.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("language = 1", "language = 2")).unwrap();
    assert_eq!(ws.run(&["lock"]).output().code, 0);
    let out = ws.check(&[]).output();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("library \"dental-network\" 1.2.0 needs policy-language version 2, but this Decorum understands version 1"),
        "{}",
        out.render()
    );
}

/// The audit without what depends on the growing standard library: its rule count and
/// its own locked rules.
fn stable(text: &str) -> String {
    text.lines()
        .filter(|l| !(l.contains("std/healthcare") && l.starts_with("  hc.")))
        .map(|l| match l.strip_prefix("Decorum audit: ") {
            Some(rest) => format!("Decorum audit: [N]{}", &rest[rest.find(' ').unwrap_or(0)..]),
            // How many std findings the waiver silences depends on the std rules too.
            None => match l.find("(silenced ") {
                Some(at) => format!("{}(silenced [N])", &l[..at]),
                None => l.to_string(),
            },
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[test]
fn the_audit_lists_libraries_overrides_disables_locked_rules_and_waivers() {
    let ws = dental_practice();
    let out = ws.run(&["audit"]).output();
    let sha = out
        .stdout
        .split("sha256:")
        .nth(1)
        .map(|s| s[..64].to_string())
        .unwrap_or_default();
    expect![[r#"
        exit: 0
        --- stdout
        Decorum audit: [N] active rules from policy/smile-family.decorum

        Libraries
          dental-network 1.2.0  vendor/dental-network  sha256:[SHA]

        Overrides
          hc.marketing.advert-share: param max_share 20% -> 15%  (policy/smile-family.decorum:17)
          dental.marketing.pain-free-claim: severity warning -> error  (policy/smile-family.decorum:11)

        Disabled rules
          hc.platform.hashtags: "Instagram campaign SF-2026-04 is approved for up to 10 hashtags (practice manager, 2026-04-02)"  (policy/smile-family.decorum:23)

        Extended term sets
          dental.marketing.pain_claims += ["no drills"]  (policy/smile-family.decorum:20)

        Locked rules
          dental.privacy.smile-photo-consent (error)  (vendor/dental-network/privacy.decorum:7)

        Waivers in drafts (3 drafts checked)
          drafts/patient-story.md:4: dental.privacy.procedure-story, hc.privacy: "the patient approved this story in writing, form SF-0042" (silenced [N])
        --- stderr: (empty)
    "#]]
    .assert_eq(&stable(&out.render().replace(&sha, "[SHA]")));
    let json = ws.run(&["audit", "--format", "json"]).output();
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["libraries"][0]["sha256"], sha.as_str());
    assert_eq!(value["disabled"][0]["rule"], "hc.platform.hashtags");
    assert!(value["waivers"][0]["silenced"].as_u64().unwrap() >= 1);
}

#[test]
fn the_audit_says_which_overrides_have_no_effect() {
    let ws = crate::support::Workspace::new();
    ws.file("decorum.toml", "policies = [\"policy/org.decorum\"]\n");
    ws.file(
        "policy/org.decorum",
        "decorum 1\npolicy org\nimport \"std/healthcare\" as hc\n\
         use hc.marketing.advert-share { max_share = 20% }\n\
         use hc.tone.venting { severity info }\n\
         disable hc.tone.venting because \"our union's page allows it\"\n\
         use hc.tone.profanity { severity error }\n",
    );
    let audit = ws.run(&["audit"]).output();
    assert_eq!(audit.code, 0, "{}", audit.render());
    for line in [
        "  hc.marketing.advert-share: param max_share 20% -> 20%  (policy/org.decorum:4)  [no effect: no change]\n",
        "  hc.tone.venting: severity warning -> info  (policy/org.decorum:5)  [no effect: the rule is disabled]\n",
        "  hc.tone.profanity: severity warning -> error  (policy/org.decorum:7)\n",
    ] {
        assert!(
            audit.stdout.contains(line),
            "{line:?} in {}",
            audit.render()
        );
    }
    let json = ws.run(&["audit", "--format", "json"]).output();
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let effects: Vec<&serde_json::Value> = doc["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["no_effect"])
        .collect();
    assert_eq!(
        effects,
        [
            &serde_json::json!("no change"),
            &serde_json::json!("the rule is disabled"),
            &serde_json::Value::Null
        ]
    );
}

#[test]
fn a_missing_library_folder_is_named_at_its_line_beside_policy_errors() {
    let ws = crate::support::Workspace::new();
    ws.file(
        "decorum.toml",
        "policies = [\"policy\"]\n\n[libraries]\nghost = { path = \"vendor/ghost\" }\n",
    );
    std::fs::create_dir_all(ws.path("policy")).unwrap();
    ws.file("post.md", "Flu shots are in.\n");
    let out = ws.check(&["post.md"]).output();
    assert_eq!(out.code, 2, "{}", out.render());
    assert!(
        out.stderr.contains("error: no .decorum files in `policy/`"),
        "{}",
        out.render()
    );
    assert!(
        out.stderr
            .contains("its folder `vendor/ghost` does not exist\n --> decorum.toml:4:1"),
        "{}",
        out.render()
    );
}
