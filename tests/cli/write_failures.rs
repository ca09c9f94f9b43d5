//! A report that cannot be written is an error, not a clean run: with standard output on
//! a full device every command that writes a report says so on standard error and exits
//! 2. A reader that closes the pipe early (`decorum check | head -1`) is not an error: the
//! run ends quietly with the exit code it decided.

use crate::support::Workspace;

/// Sets up a workspace for one command.
type Setup = fn(&Workspace);

fn nothing(_: &Workspace) {}

fn clean_draft(ws: &Workspace) {
    ws.file(
        "clean.md",
        "Flu shots are in. Walk in any weekday, 8 to 6.\n",
    );
}

fn policy(ws: &Workspace) {
    ws.fixture("policies/acme-social.decorum", "policy/acme.decorum");
    ws.file("decorum.toml", "policies = [\"policy\"]\n");
}

fn labelled_corpus(ws: &Workspace) {
    ws.file("corpus/a.md", "---\nexpect: []\n---\nFlu shots are in.\n");
}

/// A policy as `decorum fmt -` writes it back.
const FORMATTED: &str = "decorum 1\npolicy acme.social\n";

/// Every command that writes a report to standard output, with what it needs.
const COMMANDS: &[(&[&str], Setup)] = &[
    (&["check", "clean.md"], clean_draft),
    (&["check", "--format", "json", "clean.md"], clean_draft),
    (&["check", "--format", "sarif", "clean.md"], clean_draft),
    (&["explain", "client-story"], nothing),
    (&["test"], policy),
    (&["eval", "corpus"], labelled_corpus),
    (&["eval", "--format", "json", "corpus"], labelled_corpus),
    (&["audit"], nothing),
    (&["audit", "--format", "json"], nothing),
    (&["fmt"], policy),
    (&["fmt", "-"], nothing),
    (&["lock"], policy),
    (&["init"], nothing),
    (&["--help"], nothing),
    (&["--version"], nothing),
];

#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_exits_2_and_says_so() {
    for (args, setup) in COMMANDS {
        // A command that wrote nothing would exit as usual: the check is not vacuous.
        let ws = Workspace::new();
        setup(&ws);
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("open /dev/full");
        let run = ws.run(args).stdout_to(full);
        let out = if args == &["fmt", "-"] {
            run.stdin(FORMATTED).output()
        } else {
            run.output()
        };
        assert_eq!(
            out.code,
            2,
            "decorum {args:?} > /dev/full:\n{}",
            out.render()
        );
        assert!(
            out.stderr.contains(
                "error: cannot write the report to standard output: No space left on device"
            ),
            "decorum {args:?} > /dev/full:\n{}",
            out.render()
        );
    }
}

#[test]
fn a_closed_pipe_ends_the_report_quietly_with_the_runs_exit_code() {
    let ws = Workspace::new();
    // More findings than a pipe holds, so that the writes fail whenever the pipe closes.
    ws.file("tea.md", "This tea cures anxiety.\n\n".repeat(500));
    for format in ["human", "json", "sarif"] {
        let out = ws
            .check(&["--format", format, "tea.md"])
            .stdout_closed()
            .output();
        assert_eq!(out.code, 1, "{format}:\n{}", out.render());
        assert_eq!(out.stderr, "", "{format}:\n{}", out.render());
    }
    let clean = ws
        .run(&["explain", "client-story"])
        .stdout_closed()
        .output();
    assert_eq!(
        (clean.code, clean.stderr.as_str()),
        (0, ""),
        "{}",
        clean.render()
    );
}
