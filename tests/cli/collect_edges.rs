//! The last silent or surprising cases of collecting drafts, with the real binary:
//!
//! - `decorum eval` and `decorum audit` say, as `decorum check` does, when a folder
//!   named to them holds no draft (they used to walk it without a word), and every
//!   format says it on standard error: `--format json` and `sarif` used to say nothing
//!   at all, while standard output stays the document alone;
//! - a corpus file `decorum eval` cannot read (UTF-16, binary, a broken link) stops
//!   the run, as a label it cannot read does, and says it cannot be scored, where the
//!   error used to say "skipped" while nothing was;
//! - a FIFO named on the command line (process substitution) is read;
//! - `exclude = ["**/old"]` still prunes `drafts/old/x/old` under `decorum check
//!   drafts/old`, where the whole glob used to be dropped inside the named folder.
//!
//! All names and stories are invented.

use expect_test::expect;

use crate::support::Workspace;

/// The note for a folder of pictures.
const PICS: &str = "decorum: pics holds no draft (drafts are files ending in .md, .markdown or .txt, in any letter case; see docs/configuration.md)\n";

/// A clean labelled draft.
const CLEAN: &str = "---\nexpect: []\n---\nOpen on Saturdays.\n";

fn workspace() -> Workspace {
    let ws = Workspace::new();
    ws.file("decorum.toml", "")
        .file("pics/x.png", [0x89, b'P', b'N', b'G'])
        .file("corpus/a.md", CLEAN);
    ws
}

/// `decorum check` in every format: the note on standard error, the document alone on
/// standard output.
#[test]
fn every_format_of_check_notes_an_empty_named_folder() {
    let ws = workspace();
    let (out, json) = ws.check_json(&["pics"]);
    assert_eq!(out.code, 0, "{}", out.render());
    assert_eq!(json["summary"]["files"], 0);
    assert_eq!(out.stderr, PICS);
    let (out, sarif) = ws.check_sarif(&["pics"]);
    assert_eq!(out.code, 0, "{}", out.render());
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(out.stderr, PICS);
    // With no path nothing is named, in any format.
    let (out, _) = ws.check_json_in("pics", &[]);
    assert_eq!(out.stderr, "");
}

/// `decorum eval` and `decorum audit` say it as `decorum check` does.
#[test]
fn eval_and_audit_note_an_empty_named_folder() {
    let ws = workspace();
    let out = ws
        .run(&["eval", "pics", "corpus", "--color", "never"])
        .output();
    assert_eq!(out.code, 0, "{}", out.render());
    assert_eq!(out.stderr, PICS);
    let out = ws
        .run(&["eval", "pics", "corpus", "--format", "json"])
        .output();
    assert_eq!(out.stderr, PICS, "{}", out.render());
    assert!(serde_json::from_str::<serde_json::Value>(&out.stdout).is_ok());
    // Only the empty folder: the note says why, then the error.
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        decorum: pics holds no draft (drafts are files ending in .md, .markdown or .txt, in any letter case; see docs/configuration.md)
        error: no labelled drafts found
          --> pics
           = help: give a folder of drafts, each labelled with `expect: [FAMILY, ...]` in its front matter (see tests/corpus/README.md)

    "#]]
    .assert_eq(&ws.run(&["eval", "pics", "--color", "never"]).output().render());
    for format in ["human", "json"] {
        let out = ws
            .run(&["audit", "pics", "corpus", "--format", format])
            .output();
        assert_eq!(out.code, 0, "{}", out.render());
        assert_eq!(out.stderr, PICS, "{format}");
    }
    // With no path, audit names no folder: nothing said.
    let out = ws.run(&["audit"]).in_dir("pics").output();
    assert_eq!(out.stderr, "", "{}", out.render());
}

/// A corpus file that cannot be read stops the run and says it cannot be scored; the
/// message never quotes it.
#[test]
fn a_corpus_file_eval_cannot_read_stops_the_run() {
    let ws = workspace();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "---\nexpect: []\n---\nPatient Jane Doe\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    ws.file("corpus/wide.md", utf16)
        .file("corpus/pic.md", [0x89, b'P', 0, b'G']);
    let out = ws.run(&["eval", "corpus", "--color", "never"]).output();
    expect![[r#"
        exit: 2
        --- stdout: (empty)
        --- stderr
        error: cannot be scored: the file looks binary (it contains NUL bytes)
          --> corpus/pic.md
           = help: drafts are text files: leave it out, or exclude it in the [drafts] table of decorum.toml

        error: cannot be scored: the file is UTF-16 text (it starts with a UTF-16 byte-order mark)
          --> corpus/wide.md
           = help: save the file as UTF-8 text

    "#]]
    .assert_eq(&out.render());
    out.assert_stderr_free_of("Jane");
}

/// A FIFO named on the command line is read, once its writer has written: what process
/// substitution, `decorum check <(command)`, names. The run is
/// watched: were it never to end, the test kills it and fails instead of hanging.
#[cfg(unix)]
#[test]
fn a_named_fifo_is_read() {
    use std::io::Write as _;
    let ws = workspace();
    let status = std::process::Command::new("mkfifo")
        .arg(ws.path("pipe.md"))
        .status()
        .unwrap();
    assert!(status.success());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_decorum"))
        .args(["check", "pipe.md", "corpus", "--color", "never"])
        .current_dir(ws.path(""))
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The writer waits for a reader to open the FIFO: on a thread of its own, so that
    // a run that never opens it (or ends early) fails the test instead of hanging it.
    let fifo = ws.path("pipe.md");
    std::thread::spawn(move || {
        if let Ok(mut writer) = std::fs::OpenOptions::new().write(true).open(fifo) {
            let _ = writer.write_all(b"Open on Saturdays.\n");
        }
    });
    // Not a speed goal: a bound far above any run, that only a wait for ever exceeds.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("decorum check never ended");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8(out.stderr).unwrap(), "");
    expect![[r#"
        decorum: no findings (2 drafts checked)
    "#]]
    .assert_eq(&String::from_utf8(out.stdout).unwrap());
}

/// `**/old` names the named folder and the folders called `old` below it alike: inside
/// `decorum check drafts/old`, it still prunes those below.
#[test]
fn a_glob_naming_the_named_folder_still_prunes_below_it() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "[drafts]\nexclude = [\"**/old\"]\n")
        .file("drafts/old/a.md", "Open on Saturdays.\n")
        .file("drafts/old/x/c.md", "Open on Saturdays.\n")
        .file("drafts/old/x/old/b.md", "Open on Saturdays.\n");
    let (out, json) = ws.check_json(&["drafts/old"]);
    assert_eq!(out.code, 0, "{}", out.render());
    assert_eq!(json["summary"]["files"], 2, "{}", out.render());
    // Named itself, the folder below is checked.
    let (_, json) = ws.check_json(&["drafts/old/x/old"]);
    assert_eq!(json["summary"]["files"], 1);
}
