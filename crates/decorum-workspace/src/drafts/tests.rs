//! Draft collection and reading over throwaway folders.

use std::fmt::Write as _;
use std::path::PathBuf;

use decorum_draft::{DraftFormat, MetaValue};
use expect_test::{Expect, expect};

use super::{
    MAX_DRAFT_BYTES, collect_in, line_and_column, nearer_configs_in, read_draft_in,
    read_stdin_draft,
};
use crate::config::Config;
use crate::test_support::Workspace;

/// Collects `args` (relative to the workspace, which is also the current directory) and
/// renders the files and errors with paths relative to the workspace.
fn collect(ws: &Workspace, args: &[&str]) -> String {
    let config = ws.config();
    let args: Vec<PathBuf> = args.iter().map(|a| ws.path(a)).collect();
    let collected = collect_in(&args, &config, &ws.root());
    let mut out = String::new();
    for file in &collected.files {
        let _ = writeln!(out, "{}", file.strip_prefix(ws.root()).unwrap().display());
    }
    for error in &collected.errors {
        let _ = writeln!(out, "error: {error}");
    }
    for empty in &collected.empty_folders {
        let _ = writeln!(out, "note: {empty}");
    }
    ws.redact(&out)
}

fn check(files: &[(&str, &str)], args: &[&str], expect: Expect) {
    let ws = Workspace::new(files);
    expect.assert_eq(&collect(&ws, args));
}

const TREE: &[(&str, &str)] = &[
    ("b.md", ""),
    ("a.md", ""),
    ("notes.txt", ""),
    ("long.markdown", ""),
    ("image.png", ""),
    ("posts/2025/01.md", ""),
    ("posts/2025/02.MD", ""),
    ("posts/draft.md", ""),
    ("build/out.md", ""),
    ("node_modules/pkg/readme.md", ""),
    (".hidden/x.md", ""),
    (".secret.md", ""),
    ("ignored/x.md", ""),
    ("also-ignored.md", ""),
    ("sub/.ignore", "local.md\n"),
    ("sub/local.md", ""),
    ("sub/kept.md", ""),
    (".gitignore", "ignored/\nalso-ignored.md\n"),
];

#[test]
fn folders_honour_ignore_files_and_default_globs() {
    // Not a git repository: .gitignore is honoured all the same.
    check(
        TREE,
        &["."],
        expect![[r#"
            a.md
            b.md
            build/out.md
            long.markdown
            node_modules/pkg/readme.md
            notes.txt
            posts/2025/01.md
            posts/2025/02.MD
            posts/draft.md
            sub/kept.md
        "#]],
    );
}

#[test]
fn include_and_exclude_globs() {
    let mut files = TREE.to_vec();
    files.push((
        "decorum.toml",
        "[drafts]\ninclude = [\"**/*.md\", \"*.txt\"]\nexclude = [\"node_modules/**\", \"build\", \"posts/*.md\"]\n",
    ));
    check(
        &files,
        &["."],
        expect![[r#"
            a.md
            b.md
            notes.txt
            posts/2025/01.md
            sub/kept.md
        "#]],
    );
    // Globs are relative to the configuration root, also when walking a subfolder.
    check(
        &files,
        &["posts"],
        expect![[r#"
            posts/2025/01.md
        "#]],
    );
}

/// A folder named on the command line is walked whatever `exclude` says about it or a
/// folder above it; an `exclude` glob about something below it still prunes, and the
/// root (`.`) is walked as before.
#[test]
fn a_named_folder_is_walked_though_excluded() {
    let files: &[(&str, &str)] = &[
        (
            "decorum.toml",
            "[drafts]\nexclude = [\"drafts/old\", \"drafts/old/scratch\", \"**/*.tmp.md\"]\n",
        ),
        ("drafts/new.md", ""),
        ("drafts/old/a.md", ""),
        ("drafts/old/b.tmp.md", ""),
        ("drafts/old/scratch/s.md", ""),
        ("drafts/old/2025/c.md", ""),
    ];
    let ws = Workspace::new(files);
    // However the folder is written.
    for named in ["drafts/old", "drafts/old/", "./drafts/old"] {
        assert_eq!(
            collect(&ws, &[named]),
            "drafts/old/2025/c.md\ndrafts/old/a.md\n",
            "{named}"
        );
    }
    // A folder below the excluded one, named, is walked too.
    check(
        files,
        &["drafts/old/2025"],
        expect![[r#"
            drafts/old/2025/c.md
        "#]],
    );
    // Named above, the excluded folder is pruned as any other.
    check(
        files,
        &["drafts"],
        expect![[r#"
            drafts/new.md
        "#]],
    );
    check(
        files,
        &["."],
        expect![[r#"
            drafts/new.md
        "#]],
    );
    // Named itself, the scratch folder is walked too.
    check(
        files,
        &["drafts/old/scratch"],
        expect![[r#"
            drafts/old/scratch/s.md
        "#]],
    );
}

/// With no path named, the current folder is walked as a walk finds a folder: in an
/// excluded one, every glob applies and nothing is collected, as before.
#[test]
fn the_current_folder_unnamed_keeps_every_glob() {
    let ws = Workspace::new(&[
        ("decorum.toml", "[drafts]\nexclude = [\"drafts/old\"]\n"),
        ("drafts/old/a.md", ""),
    ]);
    let config = ws.config();
    let here = ws.path("drafts/old");
    // The walk reads a relative path from the process's folder: the test names it whole.
    let dot = [here.clone()];
    let unnamed = super::collect_with(&dot, &config, &here, false);
    assert!(unnamed.files.is_empty());
    let named = super::collect_with(&dot, &config, &here, true);
    assert_eq!(named.files, [here.join("a.md")]);
}

/// A glob that stands for every file below a folder above the named one (`drafts/**`,
/// `drafts/`) does not apply inside it; one that names a sibling or the files by kind
/// does.
#[test]
fn exclude_globs_above_a_named_folder_do_not_apply_inside_it() {
    let files: &[(&str, &str)] = &[
        (
            "decorum.toml",
            "[drafts]\nexclude = [\"drafts/**\", \"drafts/new\", \"drafts/*/*.txt\"]\n",
        ),
        ("drafts/old/a.md", ""),
        ("drafts/old/b.txt", ""),
        ("drafts/new/n.md", ""),
    ];
    check(
        files,
        &["drafts/old"],
        expect![[r#"
            drafts/old/a.md
        "#]],
    );
    // `drafts/**` names `drafts` itself: named, it is walked, and the others apply.
    check(
        files,
        &["drafts"],
        expect![[r#"
            drafts/old/a.md
        "#]],
    );
    check(
        files,
        &["."],
        expect![[r#"
        note: . holds no draft (drafts are files ending in .md, .markdown or .txt, in any letter case, and the [drafts] exclude globs of decorum.toml leave out the rest; see docs/configuration.md)
    "#]],
    );
}

/// When no `include` glob can reach the named folder, the kinds of file they name apply
/// there; when one can, the globs apply as written.
#[test]
fn a_named_folder_out_of_include_takes_its_kinds_of_file() {
    let tree: &[(&str, &str)] = &[
        ("drafts/old/a.md", ""),
        ("drafts/old/b.txt", ""),
        ("drafts/old/keep/k.md", ""),
        ("drafts/old/pic.png", ""),
    ];
    let with = |toml: &'static str| {
        let mut files = tree.to_vec();
        files.push(("decorum.toml", toml));
        files
    };
    check(
        &with("[drafts]\ninclude = [\"posts/**/*.md\"]\n"),
        &["drafts/old"],
        expect![[r#"
            drafts/old/a.md
            drafts/old/keep/k.md
        "#]],
    );
    // Every glob names a folder: the default kinds.
    check(
        &with("[drafts]\ninclude = [\"posts\"]\n"),
        &["drafts/old"],
        expect![[r#"
            drafts/old/a.md
            drafts/old/b.txt
            drafts/old/keep/k.md
        "#]],
    );
    // A glob below the named folder reaches it: the globs apply as written.
    check(
        &with("[drafts]\ninclude = [\"drafts/old/keep/*.md\", \"posts/**/*.txt\"]\n"),
        &["drafts/old"],
        expect![[r#"
            drafts/old/keep/k.md
        "#]],
    );
    // From the root, nothing changes.
    check(
        &with("[drafts]\ninclude = [\"posts/**/*.md\"]\n"),
        &["."],
        expect![[r#"
            note: . holds no draft (none of its files matches the [drafts] include globs of decorum.toml; see docs/configuration.md)
        "#]],
    );
}

#[test]
fn include_globs_reach_a_folder_by_their_literal_start() {
    for (pattern, reaches) in [
        ("**/*.md", true),
        ("*.md", true),
        ("drafts/**", true),
        ("drafts/old/keep/*.md", true),
        ("drafts/o*/x.md", true),
        ("drafts/ol[d]/x.md", true),
        ("posts/**/*.md", false),
        ("drafts/new/**", false),
        ("drafts/olden", false),
    ] {
        assert_eq!(super::reaches(pattern, "drafts/old"), reaches, "{pattern}");
    }
}

/// Each folder named that yields no draft is reported once, with why.
#[test]
fn empty_named_folders_say_why() {
    let ws = Workspace::new(&[
        (
            "decorum.toml",
            "[drafts]\nexclude = [\"**/*.tmp.md\", \"old/gone\"]\n",
        ),
        ("pics/x.png", ""),
        ("hidden/.x.md", ""),
        ("tmp/a.tmp.md", ""),
        ("old/gone/g.md", ""),
        ("posts/p.md", ""),
    ]);
    std::fs::create_dir(ws.path("empty")).unwrap();
    expect![[r#"
        posts/p.md
        note: pics holds no draft (drafts are files ending in .md, .markdown or .txt, in any letter case; see docs/configuration.md)
        note: hidden holds no draft (it holds no file, apart from hidden ones and those .gitignore or .ignore leave out)
        note: empty holds no draft (it holds no file, apart from hidden ones and those .gitignore or .ignore leave out)
        note: tmp holds no draft (the [drafts] exclude globs of decorum.toml leave out what it holds; see docs/configuration.md)
        note: old holds no draft (the [drafts] exclude globs of decorum.toml leave out what it holds; see docs/configuration.md)
    "#]]
    .assert_eq(&collect(
        &ws,
        &["pics", "hidden", "empty", "tmp", "old", "posts", "posts"],
    ));
}

#[test]
fn the_default_extensions_are_read_from_the_default_globs() {
    assert_eq!(super::default_extensions(), ".md, .markdown or .txt");
}

#[test]
fn explicit_files_missing_paths_and_duplicates() {
    let mut files = TREE.to_vec();
    files.push(("decorum.toml", "[drafts]\nexclude = [\"build/**\"]\n"));
    check(
        &files,
        &[
            "image.png",
            "build/out.md",
            "missing.md",
            "posts",
            "posts/draft.md",
            "ignored/x.md",
        ],
        expect![[r#"
            image.png
            build/out.md
            posts/2025/01.md
            posts/2025/02.MD
            posts/draft.md
            ignored/x.md
            error: $WS/missing.md: no such file or directory
        "#]],
    );
}

#[test]
fn folders_outside_the_root_match_relative_to_themselves() {
    let ws = Workspace::new(&[
        ("ws/decorum.toml", "[drafts]\ninclude = [\"*.md\"]\n"),
        ("out/a.md", ""),
        ("out/sub/b.md", ""),
    ]);
    let config = crate::load_config(&ws.path("ws/decorum.toml")).unwrap();
    let collected = collect_in(&[ws.path("out")], &config, &ws.path("ws"));
    assert_eq!(collected.files, [ws.path("out/a.md")]);
    assert!(collected.errors.is_empty());
}

/// A named folder outside the root keeps every `exclude` glob, matched relative to
/// itself, as before: the rule for named folders is about folders inside the root.
#[test]
fn a_named_folder_outside_the_root_keeps_its_excludes() {
    let ws = Workspace::new(&[
        ("ws/decorum.toml", "[drafts]\nexclude = [\"sub\"]\n"),
        ("out/a.md", ""),
        ("out/sub/b.md", ""),
    ]);
    let config = crate::load_config(&ws.path("ws/decorum.toml")).unwrap();
    let collected = collect_in(&[ws.path("out")], &config, &ws.path("ws"));
    assert_eq!(collected.files, [ws.path("out/a.md")]);
}

#[test]
fn a_folder_holding_the_root_is_walked_for_the_roots_drafts_only() {
    // `decorum check . --config site/decorum.toml`: the globs are the root's, so
    // `site/posts/in.md` is a draft, and `posts/out.md` beside the root is not one of its
    // drafts (it used to be the only one collected, matched relative to `.`).
    let ws = Workspace::new(&[
        (
            "site/decorum.toml",
            "[drafts]\ninclude = [\"posts/**/*.md\"]\n",
        ),
        ("site/posts/in.md", ""),
        ("site/notes/no.md", ""),
        ("posts/out.md", ""),
        ("other/posts/out.md", ""),
    ]);
    let config = crate::load_config(&ws.path("site/decorum.toml")).unwrap();
    let collected = collect_in(&[ws.path(".")], &config, &ws.root());
    assert_eq!(collected.files, [ws.path("site/posts/in.md")]);
    assert!(collected.errors.is_empty());
}

/// Without a `decorum.toml` the root is the folder the run started in: `decorum check
/// ../..` from `a/b` checks every draft below `../..`, not only those below `a/b`.
#[test]
fn without_a_config_a_folder_holding_the_start_is_walked_whole() {
    let ws = Workspace::new(&[("post.md", ""), ("a/b/here.md", ""), ("a/other.md", "")]);
    let start = ws.path("a/b");
    let config = Config::default_for(&start);
    let collected = collect_in(&[start.join("../..")], &config, &start);
    let mut files: Vec<_> = collected
        .files
        .iter()
        .map(|f| crate::paths::normalize(f))
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            ws.path("a/b/here.md"),
            ws.path("a/other.md"),
            ws.path("post.md")
        ]
    );
    assert!(collected.errors.is_empty());
}

/// A hidden folder holding the root (`decorum check . --config .site/decorum.toml`) is
/// walked too: the walk leaves hidden folders out, but not the root it was asked for.
#[test]
fn a_hidden_config_root_below_the_folder_is_walked() {
    let ws = Workspace::new(&[
        (
            ".site/decorum.toml",
            "[drafts]\ninclude = [\"posts/**/*.md\"]\n",
        ),
        (".site/posts/in.md", ""),
        ("posts/out.md", ""),
    ]);
    let config = crate::load_config(&ws.path(".site/decorum.toml")).unwrap();
    let collected = collect_in(&[ws.path(".")], &config, &ws.root());
    assert_eq!(collected.files, [ws.path(".site/posts/in.md")]);
    assert!(collected.errors.is_empty());
}

#[test]
fn bad_globs_set_programmatically_are_errors() {
    let ws = Workspace::new(&[("a.md", "")]);
    let mut config = Config::default_for(&ws.root());
    config.exclude.push("[".to_owned());
    let collected = collect_in(&[ws.root()], &config, &ws.root());
    assert!(collected.files.is_empty());
    let errors: Vec<String> = collected
        .errors
        .iter()
        .map(|e| ws.redact(&e.to_string()))
        .collect();
    assert_eq!(
        errors,
        [r#"$WS: invalid glob "[": unclosed character class; missing ']'"#]
    );
}

/// Reads `name` from the workspace with a small size limit and renders the outcome.
fn read(ws: &Workspace, name: &str, limit: u64) -> String {
    match read_draft_in(&ws.path(name), &ws.config(), &ws.root(), limit) {
        Ok(loaded) => format!("ok {} {:?}", loaded.display, loaded.draft.format),
        Err(err) => ws.redact(&err.to_string()),
    }
}

#[test]
fn unreadable_drafts_are_errors_without_content() {
    let ws = Workspace::new(&[
        ("ok.md", "Patient Jane Doe, 45\n"),
        ("big.txt", "0123456789A"),
    ]);
    ws.write("latin1.md", b"Patient Ren\xe9e Doe\n");
    let mut binary = b"Patient Jane Doe".to_vec();
    binary.push(0);
    ws.write("binary.md", &binary);
    // A NUL byte past the first 8 KiB does not make a file binary.
    let mut late_nul = vec![b'a'; 9000];
    late_nul.push(0);
    ws.write("late-nul.txt", &late_nul);
    ws.write("utf16le.md", b"\xFF\xFEP\0a\0t\0");
    ws.write("utf16be.md", b"\xFE\xFF\0P\0a\0t");
    ws.write("utf32le.md", b"\xFF\xFE\0\0P\0\0\0");
    let results: Vec<String> = [
        "ok.md",
        "big.txt",
        "latin1.md",
        "binary.md",
        "utf16le.md",
        "utf16be.md",
        "utf32le.md",
        "late-nul.txt",
        "missing.md",
        ".",
    ]
    .iter()
    .map(|name| read(&ws, name, 10_000))
    .chain([read(&ws, "big.txt", 10)])
    .collect();
    expect![[r#"
        ok ok.md Markdown
        ok big.txt PlainText
        $WS/latin1.md: skipped: the file is not valid UTF-8 text (its first invalid byte is on line 1, column 12)
        $WS/binary.md: skipped: the file looks binary (it contains NUL bytes)
        $WS/utf16le.md: skipped: the file is UTF-16 text (it starts with a UTF-16 byte-order mark)
        $WS/utf16be.md: skipped: the file is UTF-16 text (it starts with a UTF-16 byte-order mark)
        $WS/utf32le.md: skipped: the file is UTF-32 text (it starts with a UTF-32 byte-order mark)
        ok late-nul.txt PlainText
        $WS/missing.md: no such file or directory
        $WS/.: skipped: this is a folder, not a draft file
        $WS/big.txt: skipped: the file is larger than 10 bytes"#]]
    .assert_eq(&results.join("\n"));
    for result in &results {
        assert!(
            !result.contains("Jane") && !result.contains("Ren"),
            "draft text leaked: {result}"
        );
    }
    assert_eq!(MAX_DRAFT_BYTES, 64 * 1024 * 1024);
}

#[test]
fn drafts_get_their_format_metadata_and_display() {
    let ws = Workspace::new(&[
        (
            "decorum.toml",
            "[[drafts.metadata]]\nfiles = \"calendar/x/**\"\nchannel = \"x\"\n",
        ),
        ("calendar/x/post.md", "---\ntype: event\n---\nHello\n"),
        ("notes.rtf", "hello"),
    ]);
    let loaded = read_draft_in(
        &ws.path("calendar/x/post.md"),
        &ws.config(),
        &ws.root(),
        MAX_DRAFT_BYTES,
    )
    .unwrap();
    assert_eq!(loaded.display, "calendar/x/post.md");
    assert_eq!(loaded.draft.format, DraftFormat::Markdown);
    let meta = &loaded.draft.posts[0].meta;
    assert_eq!(meta.get("channel"), Some(&MetaValue::Str("x".to_owned())));
    assert_eq!(meta.get("type"), Some(&MetaValue::Str("event".to_owned())));

    // Unknown extensions are plain text; display is relative to the current directory,
    // and a path outside it is shown as given, not relative to the configuration root.
    let loaded = read_draft_in(
        &ws.path("notes.rtf"),
        &ws.config(),
        &ws.path("calendar"),
        MAX_DRAFT_BYTES,
    )
    .unwrap();
    assert_eq!(loaded.draft.format, DraftFormat::PlainText);
    assert_eq!(loaded.display, ws.path("notes.rtf").display().to_string());
    let loaded = read_draft_in(
        &ws.path("calendar/x/post.md"),
        &ws.config(),
        &ws.path("calendar"),
        MAX_DRAFT_BYTES,
    )
    .unwrap();
    assert_eq!(loaded.display, "x/post.md");
    // Outside both the current directory and the root, the path is shown as given too.
    let elsewhere = Workspace::new(&[("post.md", "Hello")]);
    let loaded = read_draft_in(
        &elsewhere.path("post.md"),
        &ws.config(),
        &ws.root(),
        MAX_DRAFT_BYTES,
    )
    .unwrap();
    assert_eq!(
        loaded.display,
        elsewhere.path("post.md").display().to_string()
    );
    assert!(loaded.draft.posts[0].meta.is_empty());

    let stdin = read_stdin_draft("# Hi\n".as_bytes()).unwrap();
    assert_eq!(stdin.display, "<stdin>");
    assert_eq!(stdin.draft.format, DraftFormat::Markdown);
}

/// The decorum.toml files nearer to the collected drafts than the one in use, rendered
/// relative to the workspace with their number of drafts.
fn nearer(ws: &Workspace, config: &crate::config::Config, args: &[&str]) -> String {
    let args: Vec<PathBuf> = args.iter().map(|a| ws.path(a)).collect();
    let collected = collect_in(&args, config, &ws.root());
    let mut out = String::new();
    for (file, n) in nearer_configs_in(&collected.files, config, &ws.root()) {
        let _ = writeln!(
            out,
            "{} ({n})",
            file.strip_prefix(ws.root()).unwrap().display()
        );
    }
    out
}

#[test]
fn nested_configurations_nearer_to_drafts_are_reported() {
    let ws = Workspace::new(&[
        ("decorum.toml", "policies = [\"std/healthcare\"]\n"),
        ("top.md", ""),
        ("clinic/decorum.toml", "policies = [\"std/healthcare\"]\n"),
        ("clinic/drafts/a.md", ""),
        ("clinic/drafts/b.md", ""),
        (
            "clinic/deeper/decorum.toml",
            "policies = [\"std/healthcare\"]\n",
        ),
        ("clinic/deeper/c.md", ""),
        ("plain/d.md", ""),
    ]);
    // From the workspace's own configuration: the two nested ones, each with its drafts.
    expect![[r#"
        clinic/deeper/decorum.toml (1)
        clinic/decorum.toml (2)
    "#]]
    .assert_eq(&nearer(&ws, &ws.config(), &["."]));
    // From the clinic's: only the deeper one; drafts outside the clinic's folder that sit
    // below the workspace's decorum.toml are governed by that one.
    let clinic = crate::config::load_config(&ws.path("clinic/decorum.toml")).unwrap();
    expect![[r#"
        clinic/deeper/decorum.toml (1)
        decorum.toml (2)
    "#]]
    .assert_eq(&nearer(&ws, &clinic, &["clinic", "top.md", "plain"]));
    // Without any configuration in use (the defaults rooted at `plain`), drafts below it
    // have none nearer; others do.
    let defaults = crate::config::Config::default_for(&ws.path("plain"));
    expect![[r#"
        decorum.toml (1)
    "#]]
    .assert_eq(&nearer(&ws, &defaults, &["plain", "top.md"]));
}

/// Drafts named through a symbolic link to the workspace: the decorum.toml in use,
/// reached through the link, is not one nearer to them; a nested one still is.
#[cfg(unix)]
#[test]
fn the_configuration_in_use_reached_through_a_link_is_not_a_nearer_one() {
    let ws = Workspace::new(&[
        ("ws/decorum.toml", "policies = [\"std/healthcare\"]\n"),
        ("ws/drafts/a.md", ""),
        ("ws/drafts/b.md", ""),
        (
            "ws/clinic/decorum.toml",
            "policies = [\"std/healthcare\"]\n",
        ),
        ("ws/clinic/c.md", ""),
    ]);
    std::os::unix::fs::symlink(ws.path("ws"), ws.path("link")).unwrap();
    let config = crate::config::load_config(&ws.path("ws/decorum.toml")).unwrap();
    expect![[r#"
        link/clinic/decorum.toml (1)
    "#]]
    .assert_eq(&nearer(&ws, &config, &["link/drafts", "link/clinic"]));
}

/// The place of the first invalid byte: lines counted by line feeds, columns in
/// characters, both from 1.
#[test]
fn an_invalid_byte_is_placed_by_line_and_character() {
    let text = b"Flu shots\r\nCaf\xc3\xa9 \xe9 today";
    let at = text.iter().position(|&b| b == 0xe9).unwrap();
    assert_eq!(line_and_column(text, at), (2, 6));
    assert_eq!(line_and_column(b"\xff", 0), (1, 1));
    assert_eq!(line_and_column(b"\n\n\xff", 2), (3, 1));
    // Past the end (never asked for): the end of the text.
    assert_eq!(line_and_column(b"ab", 9), (1, 3));
    // Lines and columns as the reports count them: a lone CR ends a line, a byte-order
    // mark is no column.
    assert_eq!(line_and_column(b"one\rtwo \xff", 8), (2, 5));
    assert_eq!(line_and_column(b"\xef\xbb\xbfab\xff", 5), (1, 3));
}

/// Collects `args` from the workspace and renders files, then each problem with its
/// level and help.
fn collect_with_help(ws: &Workspace, args: &[&str]) -> String {
    let config = ws.config();
    let args: Vec<PathBuf> = args.iter().map(|a| ws.path(a)).collect();
    let collected = collect_in(&args, &config, &ws.root());
    let mut out = String::new();
    for file in &collected.files {
        let _ = writeln!(out, "{}", file.strip_prefix(ws.root()).unwrap().display());
    }
    for error in &collected.errors {
        let level = if error.skipped { "warning" } else { "error" };
        let _ = writeln!(out, "{level}: {error}\n  help: {}", error.help);
    }
    ws.redact(&out)
}

#[cfg(unix)]
fn link(ws: &Workspace, target: &str, link: &str) {
    let link = ws.path(link);
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

#[cfg(unix)]
#[test]
fn a_walk_follows_links_inside_the_workspace_and_warns_about_the_rest() {
    let outside = Workspace::new(&[("secret.md", "Patient Jane Doe\n"), ("dir/x.md", "")]);
    let ws = Workspace::new(&[
        ("a/2020/p.md", ""),
        ("n/real.md", ""),
        ("n/sub/q.md", ""),
        (
            ".git/config",
            "[http] extraheader = AUTHORIZATION: basic c2VjcmV0\n",
        ),
        ("decorum.toml", ""),
    ]);
    link(&ws, "../.git/config", "n/creds.md");
    link(&ws, "../a/2020", "n/2020");
    link(&ws, "../a/2020/p.md", "n/link.md");
    link(&ws, "sub", "n/again");
    link(&ws, "self.md", "n/self.md");
    link(&ws, "missing.md", "n/gone.md");
    link(&ws, "..", "n/sub/up");
    link(
        &ws,
        &outside.path("secret.md").display().to_string(),
        "n/leak.md",
    );
    link(
        &ws,
        &outside.path("secret.md").display().to_string(),
        "n/leak.png",
    );
    link(&ws, &outside.path("dir").display().to_string(), "n/outdir");
    let status = std::process::Command::new("mkfifo")
        .arg(ws.path("n/pipe.md"))
        .status()
        .unwrap();
    assert!(status.success());
    expect![[r#"
        n/2020/p.md
        n/real.md
        n/sub/q.md
        warning: $WS/n/creds.md: skipped: a symbolic link to a hidden file or folder
          help: a walk never collects hidden files (names starting with `.`), through a link or not; name the target on the command line to check it
        warning: $WS/n/gone.md: skipped: a broken symbolic link (what it points to does not exist)
          help: fix the link or remove it
        warning: $WS/n/leak.md: skipped: a symbolic link to a place outside the workspace
          help: a walk follows links only inside the workspace; name its target on the command line to check it
        warning: $WS/n/outdir: skipped: a symbolic link to a place outside the workspace
          help: a walk follows links only inside the workspace; name its target on the command line to check it
        warning: $WS/n/pipe.md: skipped: a named pipe (FIFO), not a regular file
          help: drafts are regular files: leave it out, or exclude it in the [drafts] table of decorum.toml
        warning: $WS/n/self.md: skipped: a symbolic link loop (it leads back to itself)
          help: remove the link, or leave it out with an exclude glob in the [drafts] table of decorum.toml
        warning: $WS/n/sub/up: skipped: a symbolic link to a folder that holds it (a loop)
          help: remove the link, or leave it out with an exclude glob in the [drafts] table of decorum.toml
    "#]]
    .assert_eq(&collect_with_help(&ws, &["n"]));
    // The folder and a link to it: each draft once, under the path named first.
    expect![[r#"
        a/2020/p.md
    "#]]
    .assert_eq(&collect_with_help(&ws, &["a", "n/2020", "n/link.md"]));
}

/// A hidden folder the user names is walked, and a link inside it to its own files is
/// followed (the target is hidden only below the workspace, not below the folder named).
#[cfg(unix)]
#[test]
fn a_named_hidden_folder_follows_its_own_links() {
    let ws = Workspace::new(&[(".drafts/a.md", ""), ("decorum.toml", "")]);
    link(&ws, "a.md", ".drafts/b.md");
    expect![[r#"
        .drafts/a.md
    "#]]
    .assert_eq(&collect_with_help(&ws, &[".drafts"]));
}

#[cfg(unix)]
#[test]
fn a_walk_without_a_config_follows_links_inside_the_folder_walked() {
    // No decorum.toml: the root is the folder the run started in (the workspace), and
    // a folder named outside it may link inside itself.
    let ws = Workspace::new(&[
        ("out/archive/2026/p.md", ""),
        ("start/x", ""),
        ("other/y.md", ""),
    ]);
    link(&ws, "2026", "out/archive/current");
    link(&ws, "../../start/x", "out/archive/x.md");
    link(&ws, "../../other/y.md", "out/archive/y.md");
    let config = Config::default_for(&ws.path("start"));
    let collected = collect_in(&[ws.path("out/archive")], &config, &ws.path("start"));
    let mut out = String::new();
    for file in &collected.files {
        let _ = writeln!(out, "{}", file.strip_prefix(ws.root()).unwrap().display());
    }
    for error in &collected.errors {
        let _ = writeln!(out, "{error}");
    }
    expect![[r#"
        out/archive/2026/p.md
        out/archive/x.md
        $WS/out/archive/y.md: skipped: a symbolic link to a place outside the workspace
    "#]]
    .assert_eq(&ws.redact(&out));
}

#[cfg(unix)]
#[test]
fn named_links_that_lead_nowhere_say_so() {
    let ws = Workspace::new(&[]);
    link(&ws, "loop.md", "loop.md");
    link(&ws, "gone.md", "broken.md");
    expect![[r#"
        error: $WS/loop.md: a symbolic link loop: it leads back to itself
          help: fix the link, or name the file it should point to
        error: $WS/broken.md: a broken symbolic link: what it points to does not exist
          help: fix the link, or name the file it should point to
    "#]]
    .assert_eq(&collect_with_help(&ws, &["loop.md", "broken.md"]));
    let results: Vec<String> = ["loop.md", "broken.md"]
        .iter()
        .map(|name| read(&ws, name, 10_000))
        .collect();
    expect![[r#"
        $WS/loop.md: a symbolic link loop: it leads back to itself
        $WS/broken.md: a broken symbolic link: what it points to does not exist"#]]
    .assert_eq(&results.join("\n"));
}

/// A glob that names the named folder and folders below it alike (`**/old` for
/// `drafts/old`) does not apply to the folder itself, and still prunes a folder it
/// names below it, as a glob about what is below should.
#[test]
fn a_glob_naming_the_named_folder_still_prunes_below_it() {
    let tree = |exclude: &str| {
        vec![
            (
                "decorum.toml".to_owned(),
                format!("[drafts]\nexclude = [{exclude}]\n"),
            ),
            ("drafts/old/a.md".to_owned(), String::new()),
            ("drafts/old/x/c.md".to_owned(), String::new()),
            ("drafts/old/x/old/b.md".to_owned(), String::new()),
            ("drafts/old/y/old".to_owned(), String::new()),
        ]
    };
    let run = |exclude: &str| {
        let files = tree(exclude);
        let files: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let ws = Workspace::new(&files);
        collect(&ws, &["drafts/old"])
    };
    // Every way of writing a glob for the folders called `old`: the one below goes.
    for exclude in [
        "\"**/old\"",
        "\"**/old/\"",
        "\"**/old/**\"",
        "\"drafts/**/old\"",
    ] {
        expect![[r#"
            drafts/old/a.md
            drafts/old/x/c.md
        "#]]
        .assert_eq(&run(exclude));
    }
    // A glob that names only the folder or one above it prunes nothing below.
    for exclude in [
        "\"drafts/old\"",
        "\"drafts/**\"",
        "\"drafts/**/\"",
        "\"drafts/old/**\"",
    ] {
        expect![[r#"
            drafts/old/a.md
            drafts/old/x/c.md
            drafts/old/x/old/b.md
        "#]]
        .assert_eq(&run(exclude));
    }
}

/// A glob that names folders, kept for below a named folder, prunes folders only: not a
/// file whose name it matches (`archive-notes.md` under `**/archive*/`), and `**/` prunes
/// the folders below the named one, not its own files.
#[test]
fn a_folder_glob_kept_below_a_named_folder_prunes_no_file() {
    let run = |exclude: &str| {
        let config = format!("[drafts]\nexclude = [{exclude}]\n");
        let ws = Workspace::new(&[
            ("decorum.toml", config.as_str()),
            ("drafts/archive-2024/post.md", ""),
            ("drafts/archive-2024/archive-notes.md", ""),
            ("drafts/archive-2024/x/archive-old/b.md", ""),
            ("drafts/archive-2024/x/c.md", ""),
        ]);
        collect(&ws, &["drafts/archive-2024"])
    };
    expect![[r#"
        drafts/archive-2024/archive-notes.md
        drafts/archive-2024/post.md
        drafts/archive-2024/x/c.md
    "#]]
    .assert_eq(&run("\"**/archive*/\""));
    expect![[r#"
        drafts/archive-2024/archive-notes.md
        drafts/archive-2024/post.md
    "#]]
    .assert_eq(&run("\"**/\""));
}

#[test]
fn the_folders_a_glob_names() {
    for (glob, folders) in [
        ("drafts/**", "drafts"),
        ("**/old/", "**/old"),
        ("**/old/**/", "**/old"),
        ("drafts/old", "drafts/old"),
        ("**/", "**"),
        ("**", "**"),
    ] {
        assert_eq!(super::named_folders(glob), folders, "{glob}");
    }
}

/// A link found in a walk whose target the walk leaves out where it lies (an `exclude`
/// glob, `.gitignore`, `.ignore`) is skipped with a warning: a link must not bring in
/// what the walk would not collect itself. A target the walk collects is followed.
#[cfg(unix)]
#[test]
fn a_link_to_what_a_walk_leaves_out_where_it_lies_is_skipped() {
    let ws = Workspace::new(&[
        (
            "decorum.toml",
            "[drafts]\nexclude = [\"private\", \"**/*.tmp.md\"]\n",
        ),
        (".gitignore", "ignored/\nlone.md\n"),
        ("private/notes.md", ""),
        ("ignored/notes.md", ""),
        ("lone.md", ""),
        ("kept/sub/.ignore", "quiet.md\n"),
        ("kept/sub/quiet.md", ""),
        ("kept/ok.md", ""),
        ("kept/draft.tmp.md", ""),
        ("drafts/a.md", ""),
    ]);
    link(&ws, "../private/notes.md", "drafts/excluded.md");
    link(&ws, "../private", "drafts/excluded-folder");
    link(&ws, "../ignored/notes.md", "drafts/ignored.md");
    link(&ws, "../ignored", "drafts/ignored-folder");
    link(&ws, "../lone.md", "drafts/lone-link.md");
    link(&ws, "../kept/sub/quiet.md", "drafts/quiet.md");
    link(&ws, "../kept/draft.tmp.md", "drafts/tmp.md");
    link(&ws, "../kept/ok.md", "drafts/ok.md");
    link(&ws, "../kept", "drafts/kept");
    expect![[r#"
        drafts/a.md
        drafts/kept/ok.md
        warning: $WS/drafts/excluded-folder: skipped: a symbolic link to a folder that the [drafts] exclude globs of decorum.toml leave out where it lies
          help: a walk does not bring in through a link what it leaves out where it lies; name the target on the command line to check it, or remove the link
        warning: $WS/drafts/excluded.md: skipped: a symbolic link to a file that the [drafts] exclude globs of decorum.toml leave out where it lies
          help: a walk does not bring in through a link what it leaves out where it lies; name the target on the command line to check it, or remove the link
        warning: $WS/drafts/ignored-folder: skipped: a symbolic link to a folder that .gitignore or .ignore leaves out where it lies
          help: a walk does not bring in through a link what it leaves out where it lies; name the target on the command line to check it, or remove the link
        warning: $WS/drafts/ignored.md: skipped: a symbolic link to a file that .gitignore or .ignore leaves out where it lies
          help: a walk does not bring in through a link what it leaves out where it lies; name the target on the command line to check it, or remove the link
        warning: $WS/drafts/lone-link.md: skipped: a symbolic link to a file that .gitignore or .ignore leaves out where it lies
          help: a walk does not bring in through a link what it leaves out where it lies; name the target on the command line to check it, or remove the link
        warning: $WS/drafts/quiet.md: skipped: a symbolic link to a file that .gitignore or .ignore leaves out where it lies
          help: a walk does not bring in through a link what it leaves out where it lies; name the target on the command line to check it, or remove the link
        warning: $WS/drafts/tmp.md: skipped: a symbolic link to a file that the [drafts] exclude globs of decorum.toml leave out where it lies
          help: a walk does not bring in through a link what it leaves out where it lies; name the target on the command line to check it, or remove the link
    "#]]
    .assert_eq(&collect_with_help(&ws, &["drafts"]));
    // Named, the excluded folder is walked, and a link inside it to its own files is
    // followed: where the target lies, the walk of the named folder takes it.
    link(&ws, "notes.md", "private/again.md");
    expect![[r#"
        private/notes.md
    "#]]
    .assert_eq(&collect_with_help(&ws, &["private"]));
    // A folder that holds only links to what is left out says why it yields no draft.
    let ws = Workspace::new(&[
        ("decorum.toml", "[drafts]\nexclude = [\"private\"]\n"),
        ("private/notes.md", ""),
    ]);
    link(&ws, "../private/notes.md", "drafts/x.md");
    expect![[r#"
        error: $WS/drafts/x.md: skipped: a symbolic link to a file that the [drafts] exclude globs of decorum.toml leave out where it lies
        note: drafts holds no draft (the [drafts] exclude globs of decorum.toml leave out what it holds; see docs/configuration.md)
    "#]]
    .assert_eq(&collect(&ws, &["drafts"]));
}

/// A FIFO named as a draft (what process substitution, `decorum check <(command)`,
/// names) is read, once its writer has written. Watched: the writer waits on a thread
/// of its own, and the bound only ends a wait for ever.
#[cfg(unix)]
#[test]
fn a_named_fifo_is_read() {
    use std::io::Write as _;
    let ws = Workspace::new(&[("decorum.toml", "")]);
    let status = std::process::Command::new("mkfifo")
        .arg(ws.path("pipe.md"))
        .status()
        .unwrap();
    assert!(status.success());
    link(&ws, "pipe.md", "link.md");
    for name in ["pipe.md", "link.md"] {
        let (path, config, root) = (ws.path(name), ws.config(), ws.root());
        let (send, receive) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let _ = send.send(read_draft_in(&path, &config, &root, MAX_DRAFT_BYTES));
        });
        // The writer waits for a reader to open the FIFO: on a thread of its own, so
        // that a read that never opens it fails the test below instead of hanging it.
        let fifo = ws.path(name);
        std::thread::spawn(move || {
            if let Ok(mut writer) = std::fs::OpenOptions::new().write(true).open(fifo) {
                let _ = writer.write_all(b"Open on Saturdays.\n");
            }
        });
        // Not a speed goal: a bound far above any read, that only a wait for ever
        // exceeds.
        let read = receive
            .recv_timeout(std::time::Duration::from_secs(120))
            .unwrap_or_else(|_| panic!("{name}: the read never ended"));
        let _ = reader.join();
        let draft = read.unwrap_or_else(|err| panic!("{name}: {err:?}"));
        assert_eq!(draft.draft.text, "Open on Saturdays.\n", "{name}");
    }
}
