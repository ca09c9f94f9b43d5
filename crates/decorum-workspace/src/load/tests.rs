//! Policy loading over throwaway workspaces: each test renders what was loaded and how
//! every import resolved, and compares it with an inline snapshot.

use std::fmt::Write as _;
use std::path::Path;

use decorum_engine::ImportResolution;
use expect_test::{Expect, expect};

use super::{LoadedPolicies, load_with};
use crate::stdlib::StdFile;
use crate::test_support::{LATIN1, Workspace};

/// A small stand-in for the embedded library, so these tests do not depend on the
/// policies written in `policies/std`.
const STD: &[StdFile] = &[
    StdFile {
        path: "std/healthcare/privacy",
        text: "decorum 1\npolicy hc.privacy\nimport \"./tone/venting\"\n",
    },
    StdFile {
        path: "std/healthcare/tone/venting",
        text: "decorum 1\npolicy hc.tone.venting\n",
    },
    StdFile {
        path: "std/platform",
        text: "decorum 1\nimport \"../escape\"\nimport \"acme\"\nimport \"./healthcare/\"\n",
    },
];

/// Loads the workspace's policies (or `explicit`) and renders the result.
fn render(ws: &Workspace, explicit: Option<&Path>, std: &[StdFile]) -> String {
    let loaded = load_with(&ws.config(), explicit, std, &ws.root());
    ws.redact(&render_loaded(&loaded))
}

fn render_loaded(loaded: &LoadedPolicies) -> String {
    let mut out = String::new();
    for (index, source) in loaded.inputs.sources.iter().enumerate() {
        let id = decorum_engine::SourceId(index as u32);
        let root = if loaded.inputs.roots.contains(&id) {
            " (root)"
        } else {
            ""
        };
        let builtin = if source.builtin { " (builtin)" } else { "" };
        let errors = source.parse.errors.len();
        let _ = writeln!(
            out,
            "#{index} {}{root}{builtin} syntax-errors={errors}",
            source.path
        );
        let specs = source.parse.file.imports().map(|i| i.source.value.clone());
        for (spec, resolution) in specs.zip(&source.imports) {
            let shown = match resolution {
                ImportResolution::File(id) => format!("#{}", id.0),
                ImportResolution::Folder(modules) => {
                    let parts: Vec<String> = modules
                        .iter()
                        .map(|(m, id)| format!("{m}=#{}", id.0))
                        .collect();
                    format!("folder {{{}}}", parts.join(", "))
                }
                ImportResolution::Failed { message, help } => match help {
                    Some(help) => format!("FAILED {message}\n      help: {help}"),
                    None => format!("FAILED {message}"),
                },
            };
            let _ = writeln!(out, "    import \"{spec}\" -> {shown}");
        }
        assert_eq!(
            source.parse.file.imports().count(),
            source.imports.len(),
            "one resolution per import"
        );
    }
    for error in &loaded.errors {
        let _ = writeln!(out, "error: {error}");
        if let Some(help) = &error.help {
            let _ = writeln!(out, "    help: {help}");
        }
        // Where decorum.toml names the root, when it does.
        if let Some(place) = &error.entry {
            let _ = writeln!(out, "    at: decorum.toml:{}:{}", place.line, place.column);
        }
    }
    out
}

fn check(files: &[(&str, &str)], expect: Expect) {
    let ws = Workspace::new(files);
    ws.pin(&ws.config());
    expect.assert_eq(&render(&ws, None, STD));
}

const CONFIG: &str = "policies = [\"policy/acme\"]\n";

#[test]
fn std_files_and_folders() {
    check(
        &[
            ("decorum.toml", CONFIG),
            (
                "policy/acme.decorum",
                r#"decorum 1
policy acme.social
import "std/healthcare" as hc
import "std/healthcare/privacy"
import "std/healthcare/privacy.decorum"
import "std/healthcare/"
import "std/healtcare/privacy"
import "std/platform"
"#,
            ),
        ],
        expect![[r#"
            #0 policy/acme.decorum (root) syntax-errors=0
                import "std/healthcare" -> folder {privacy=#1, tone.venting=#2}
                import "std/healthcare/privacy" -> #1
                import "std/healthcare/privacy.decorum" -> #1
                import "std/healthcare/" -> folder {privacy=#1, tone.venting=#2}
                import "std/healtcare/privacy" -> FAILED no standard library policy "std/healtcare/privacy"
                  help: did you mean "std/healthcare/privacy"?
                import "std/platform" -> #3
            #1 std/healthcare/privacy.decorum (builtin) syntax-errors=0
                import "./tone/venting" -> #2
            #2 std/healthcare/tone/venting.decorum (builtin) syntax-errors=0
            #3 std/platform.decorum (builtin) syntax-errors=0
                import "../escape" -> FAILED `../escape` points outside the standard library
                import "acme" -> FAILED the standard library cannot import the library "acme"
                import "./healthcare/" -> folder {privacy=#1, tone.venting=#2}
        "#]],
    );
}

#[test]
fn std_roots_and_an_empty_library() {
    // No decorum.toml: the default policy is the `std/healthcare` folder.
    let ws = Workspace::new(&[]);
    expect![[r#"
        #0 std/healthcare/privacy.decorum (root) (builtin) syntax-errors=0
            import "./tone/venting" -> #1
        #1 std/healthcare/tone/venting.decorum (root) (builtin) syntax-errors=0
    "#]]
    .assert_eq(&render(&ws, None, STD));
    // A build without standard-library policies says so instead of failing silently.
    expect![[r#"
        error: std/healthcare: no standard library policy "std/healthcare"
            help: this build of decorum has no standard library policies
    "#]]
    .assert_eq(&render(&ws, None, &[]));
    // `--policy std/...` names the standard library when no such file exists.
    expect![[r#"
        #0 std/healthcare/tone/venting.decorum (root) (builtin) syntax-errors=0
    "#]]
    .assert_eq(&render(
        &ws,
        Some(Path::new("std/healthcare/tone/venting")),
        STD,
    ));
}

#[test]
fn relative_files_folders_and_missing_paths() {
    check(
        &[
            ("decorum.toml", CONFIG),
            (
                "policy/acme.decorum",
                r#"decorum 1
import "./shared/common" as common
import "./shared/common.decorum"
import "../rules"
import "./nowhere"
import "./nowhere.decorum"
import "./nowhere/"
import "./both"
import "./empty"
import "./latin1"
import "./notes.txt"
import "./shared/comon"
import "./bth.decorum"
import "./shred/"
"#,
            ),
            ("policy/notes.txt", "decorum 1\n"),
            (
                "policy/shared/common.decorum",
                "decorum 1\npolicy acme.common\n",
            ),
            ("rules/a.decorum", "decorum 1\n"),
            ("rules/sub/b.decorum", "decorum 1\nimport \"../a\"\n"),
            ("rules/notes.txt", "not a policy"),
            ("rules/.hidden.decorum", "decorum 1\n"),
            ("policy/both.decorum", "decorum 1\n"),
            ("policy/both/x.decorum", "decorum 1\n"),
            ("policy/empty/readme.md", "nothing here"),
        ],
        expect![[r##"
            #0 policy/acme.decorum (root) syntax-errors=0
                import "./shared/common" -> #1
                import "./shared/common.decorum" -> #1
                import "../rules" -> folder {a=#2, sub.b=#3}
                import "./nowhere" -> FAILED no policy file or folder at `./nowhere` (looked for ./nowhere.decorum and ./nowhere/)
                  help: check the path: it is relative to this file's folder
                import "./nowhere.decorum" -> FAILED no policy file at `./nowhere.decorum`
                  help: check the path: it is relative to this file's folder
                import "./nowhere/" -> FAILED no policy folder at `./nowhere/`
                  help: check the path: it is relative to this file's folder
                import "./both" -> FAILED `./both` is ambiguous: both ./both.decorum and ./both/ exist
                  help: write the file with its extension (`./both.decorum`) or the folder with a trailing slash (`./both/`)
                import "./empty" -> FAILED no .decorum files in `./empty/`
                  help: name a folder that holds policy files (`.decorum`), or one policy file
                import "./latin1" -> FAILED no policy file or folder at `./latin1` (looked for ./latin1.decorum and ./latin1/)
                  help: check the path: it is relative to this file's folder
                import "./notes.txt" -> FAILED `./notes.txt` is a file, but not a policy file: policy files end in `.decorum`
                  help: rename it to `notes.decorum` and name that, or name a folder of policy files
                import "./shared/comon" -> FAILED no policy file or folder at `./shared/comon` (looked for ./shared/comon.decorum and ./shared/comon/)
                  help: did you mean `./shared/common`?
                import "./bth.decorum" -> FAILED no policy file at `./bth.decorum`
                  help: did you mean `./both.decorum`?
                import "./shred/" -> FAILED no policy folder at `./shred/`
                  help: did you mean `./shared/`?
            #1 policy/shared/common.decorum syntax-errors=0
            #2 rules/a.decorum syntax-errors=0
            #3 rules/sub/b.decorum syntax-errors=0
                import "../a" -> #2
        "##]],
    );
}

#[test]
fn files_that_are_not_utf8_fail_without_panicking() {
    let ws = Workspace::new(&[
        (
            "decorum.toml",
            "policies = [\"policy/acme\", \"policy/latin1\"]\n",
        ),
        (
            "policy/acme.decorum",
            "decorum 1\nimport \"./latin1\"\nimport \"./folder\"\n",
        ),
        ("policy/folder/ok.decorum", "decorum 1\n"),
    ]);
    ws.write("policy/latin1.decorum", LATIN1);
    ws.write("policy/folder/bad.decorum", LATIN1);
    expect![[r##"
        #0 policy/acme.decorum (root) syntax-errors=0
            import "./latin1" -> FAILED `policy/latin1.decorum` is not valid UTF-8 text: its first invalid byte is on line 2, column 11
              help: save the file as UTF-8
            import "./folder" -> FAILED `policy/folder/bad.decorum` is not valid UTF-8 text: its first invalid byte is on line 2, column 11
              help: save the file as UTF-8
        error: $WS/policy/latin1: `policy/latin1.decorum` is not valid UTF-8 text: its first invalid byte is on line 2, column 11
            help: save the file as UTF-8
            at: decorum.toml:1:28
    "##]]
    .assert_eq(&render(&ws, None, STD));
}

#[test]
fn libraries() {
    check(
        &[
            (
                "decorum.toml",
                r#"policies = ["policy/acme"]
[libraries]
dental-network = { path = "vendor/dental-network" }
gone = { path = "vendor/gone" }
"#,
            ),
            (
                "policy/acme.decorum",
                r#"decorum 1
import "dental-network/privacy"
import "dental-network"
import "dental-network/../../secrets"
import "dental-netwrk/privacy"
import "pharmacy"
import "gone/x"
"#,
            ),
            (
                "vendor/dental-network/decorum-library.toml",
                "[library]\nname = \"dental-network\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"privacy\", \"tone/x\"]\n",
            ),
            (
                "vendor/dental-network/privacy.decorum",
                "decorum 1\nimport \"./tone/x\"\nimport \"./.shadow/common\"\n",
            ),
            ("vendor/dental-network/tone/x.decorum", "decorum 1\n"),
            // Not pinned by decorum.lock (hidden), so not loadable.
            (
                "vendor/dental-network/.shadow/common.decorum",
                "decorum 1\n",
            ),
        ],
        expect![[r##"
            #0 policy/acme.decorum (root) syntax-errors=0
                import "dental-network/privacy" -> #1
                import "dental-network" -> folder {privacy=#1, tone.x=#2}
                import "dental-network/../../secrets" -> FAILED `dental-network/../../secrets` leaves the folder of library "dental-network"
                import "dental-netwrk/privacy" -> FAILED unknown library "dental-netwrk"
                  help: did you mean "dental-network"?
                import "pharmacy" -> FAILED unknown library "pharmacy"
                  help: declare it in decorum.toml under [libraries]: pharmacy = { path = "vendor/pharmacy" }
                import "gone/x" -> FAILED the folder of library "gone" (`vendor/gone`) does not exist
                  help: check its path under [libraries] in decorum.toml; if the library is a git submodule, fetch it with `git submodule update --init` (in CI, clone with `--recurse-submodules`)
            #1 vendor/dental-network/privacy.decorum syntax-errors=0
                import "./tone/x" -> #2
                import "./.shadow/common" -> FAILED `.shadow/common.decorum` is hidden inside the library "dental-network": decorum.lock does not pin hidden files, so a library cannot use them
                  help: move the file to a folder whose name does not start with a dot, then run `decorum lock`
            #2 vendor/dental-network/tone/x.decorum syntax-errors=0
        "##]],
    );
}

#[cfg(unix)]
#[test]
fn paths_do_not_cross_a_librarys_folder() {
    // Reaching into a library by path would skip decorum.lock and its exports; a library
    // reaching out (by `..` or a symbolic link) would read what the lock does not pin.
    let ws = Workspace::new(&[
        (
            "decorum.toml",
            "policies = [\"policy/acme\", \"vendor/dental-network/privacy\"]\n[libraries]\ndental-network = { path = \"vendor/dental-network\" }\n",
        ),
        (
            "policy/acme.decorum",
            "decorum 1\nimport \"dental-network/privacy\"\nimport \"../vendor/dental-network/privacy\"\nimport \"../vendor/dental-network/internal/common\"\nimport \"../vendor/dental-network\"\nimport \"./shared/common\"\n",
        ),
        ("policy/shared/common.decorum", "decorum 1\n"),
        (
            "vendor/dental-network/decorum-library.toml",
            "[library]\nname = \"dental-network\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"privacy\"]\n",
        ),
        (
            "vendor/dental-network/privacy.decorum",
            "decorum 1\nimport \"./internal/common\"\nimport \"../../policy/shared/common\"\n",
        ),
        (
            "vendor/dental-network/internal/common.decorum",
            "decorum 1\n",
        ),
    ]);
    std::os::unix::fs::symlink(
        ws.path("policy/shared/common.decorum"),
        ws.path("vendor/dental-network/linked.decorum"),
    )
    .unwrap();
    let mut privacy =
        std::fs::read_to_string(ws.path("vendor/dental-network/privacy.decorum")).unwrap();
    privacy.push_str("import \"./linked\"\n");
    std::fs::write(ws.path("vendor/dental-network/privacy.decorum"), privacy).unwrap();
    let config = crate::load_config(&ws.path("decorum.toml")).unwrap();
    ws.pin(&config);
    expect![[r##"
        #0 policy/acme.decorum (root) syntax-errors=0
            import "dental-network/privacy" -> #1
            import "../vendor/dental-network/privacy" -> FAILED `../vendor/dental-network/privacy` reaches into the library "dental-network" by its path
              help: import it by name (`import "dental-network/privacy"`), so that decorum.lock pins it and only what the library exports is used
            import "../vendor/dental-network/internal/common" -> FAILED `../vendor/dental-network/internal/common` reaches into the library "dental-network" by its path
              help: the library does not export "internal/common"; import by name what it exports (`import "dental-network/privacy"`), so that decorum.lock pins it
            import "../vendor/dental-network" -> FAILED `../vendor/dental-network` reaches into the library "dental-network" by its path
              help: import it by name (`import "dental-network"`), so that decorum.lock pins it and only what the library exports is used
            import "./shared/common" -> #2
        #1 vendor/dental-network/privacy.decorum syntax-errors=0
            import "./internal/common" -> #3
            import "../../policy/shared/common" -> FAILED `../../policy/shared/common` leads out of the library "dental-network" (`policy/shared/common.decorum` is not in its folder)
              help: a library's files import each other, other libraries by name and `std/...`; decorum.lock pins nothing else
            import "./linked" -> FAILED `./linked` leads out of the library "dental-network" (`policy/shared/common.decorum` is not in its folder)
              help: a library's files import each other, other libraries by name and `std/...`; decorum.lock pins nothing else
        #2 policy/shared/common.decorum syntax-errors=0
        #3 vendor/dental-network/internal/common.decorum syntax-errors=0
        error: $WS/vendor/dental-network/privacy: `vendor/dental-network/privacy` is in the folder of the library "dental-network"
            help: list a policy of your own here that imports it by name (`import "dental-network/privacy"`), so that decorum.lock pins it
            at: decorum.toml:1:28
    "##]]
    .assert_eq(&render(&ws, None, STD));
}

/// A path written through a library's folder is judged by where it leads, like every
/// path: one that leads back out to the workspace's own files stays on the workspace's
/// side (the language server's import completion, asking the same `Sandbox`, offers it).
#[cfg(unix)]
#[test]
fn a_path_through_a_librarys_folder_is_judged_by_where_it_leads() {
    let ws = Workspace::new(&[
        (
            "decorum.toml",
            "policies = [\"policy/acme\"]\n[libraries]\nlib = { path = \"vendor/lib\" }\n",
        ),
        (
            "policy/acme.decorum",
            "decorum 1\nimport \"../vendor/lib/back/common\"\n",
        ),
        ("policy/shared/common.decorum", "decorum 1\n"),
        ("vendor/lib/rules.decorum", "decorum 1\n"),
    ]);
    std::os::unix::fs::symlink(ws.path("policy/shared"), ws.path("vendor/lib/back")).unwrap();
    expect![[r##"
        #0 policy/acme.decorum (root) syntax-errors=0
            import "../vendor/lib/back/common" -> #1
        #1 policy/shared/common.decorum syntax-errors=0
    "##]]
    .assert_eq(&render(&ws, None, STD));
}

#[test]
fn a_policy_folder_leaves_out_the_libraries_vendored_inside_it() {
    // `policies = ["policy"]` with the library under policy/vendor: its files are
    // reached by the library's name, as an import, not as files of the folder (which
    // used to refuse the whole folder).
    let ws = Workspace::new(&[
        (
            "decorum.toml",
            "policies = [\"policy\"]\n[libraries]\ndental-network = { path = \"policy/vendor/dental-network\" }\n",
        ),
        (
            "policy/acme.decorum",
            "decorum 1\nimport \"dental-network/privacy\"\n",
        ),
        ("policy/shared/common.decorum", "decorum 1\n"),
        (
            "policy/vendor/dental-network/decorum-library.toml",
            "[library]\nname = \"dental-network\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"privacy\"]\n",
        ),
        (
            "policy/vendor/dental-network/privacy.decorum",
            "decorum 1\nimport \"./internal/common\"\n",
        ),
        (
            "policy/vendor/dental-network/internal/common.decorum",
            "decorum 1\n",
        ),
    ]);
    let config = crate::load_config(&ws.path("decorum.toml")).unwrap();
    ws.pin(&config);
    expect![[r##"
        #0 policy/acme.decorum (root) syntax-errors=0
            import "dental-network/privacy" -> #2
        #1 policy/shared/common.decorum (root) syntax-errors=0
        #2 policy/vendor/dental-network/privacy.decorum syntax-errors=0
            import "./internal/common" -> #3
        #3 policy/vendor/dental-network/internal/common.decorum syntax-errors=0
    "##]]
    .assert_eq(&render(&ws, None, STD));
}

#[test]
fn a_folder_import_leaves_out_the_libraries_vendored_inside_it() {
    // `import "./policy"` of a folder that holds a declared library: the folder's own
    // files are imported, the library's are not (they are reached by its name, pinned
    // by the lock), as for a policy folder.
    let ws = Workspace::new(&[
        (
            "decorum.toml",
            "policies = [\"acme.decorum\"]\n[libraries]\ndental-network = { path = \"policy/vendor/dental-network\" }\n",
        ),
        ("acme.decorum", "decorum 1\nimport \"./policy\"\n"),
        ("policy/shared/common.decorum", "decorum 1\n"),
        (
            "policy/vendor/dental-network/decorum-library.toml",
            "[library]\nname = \"dental-network\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"privacy\"]\n",
        ),
        (
            "policy/vendor/dental-network/privacy.decorum",
            "decorum 1\n",
        ),
    ]);
    let config = crate::load_config(&ws.path("decorum.toml")).unwrap();
    ws.pin(&config);
    expect![[r##"
        #0 acme.decorum (root) syntax-errors=0
            import "./policy" -> folder {shared.common=#1}
        #1 policy/shared/common.decorum syntax-errors=0
    "##]]
    .assert_eq(&render(&ws, None, STD));
}

/// An export that is both a file and a folder: the help says how to write the import,
/// not the library's paths on disk, which no import may name.
#[test]
fn an_ambiguous_library_export_says_how_to_import_each() {
    let ws = Workspace::new(&[
        (
            "vendor/net/decorum-library.toml",
            "[library]\nname = \"net\"\nversion = \"0.1.0\"\nlanguage = 1\nexports = [\"both\"]\n",
        ),
        ("vendor/net/both.decorum", "decorum 1\n"),
        ("vendor/net/both/x.decorum", "decorum 1\n"),
        (
            "decorum.toml",
            "policies = [\"acme.decorum\"]\n[libraries]\nnet = { path = \"vendor/net\" }\n",
        ),
        ("acme.decorum", "decorum 1\nimport \"net/both\"\n"),
    ]);
    let config = crate::load_config(&ws.path("decorum.toml")).unwrap();
    ws.pin(&config);
    expect![[r##"
        #0 acme.decorum (root) syntax-errors=0
            import "net/both" -> FAILED `net/both` is ambiguous: both vendor/net/both.decorum and vendor/net/both/ exist
              help: write the file with its extension (`net/both.decorum`) or the folder with a trailing slash (`net/both/`)
    "##]].assert_eq(&render(&ws, None, STD));
}

#[test]
fn a_library_outside_the_workspace_is_readable_but_only_inside() {
    let outer = Workspace::new(&[
        (
            "shared/lib/privacy.decorum",
            "decorum 1\nimport \"../../private/x\"\n",
        ),
        (
            "shared/lib/decorum-library.toml",
            "[library]\nname = \"shared\"\nversion = \"0.1.0\"\nlanguage = 1\nexports = [\"privacy\"]\n",
        ),
        ("private/x.decorum", "decorum 1\n"),
        (
            "ws/decorum.toml",
            "policies = [\"acme.decorum\"]\n[libraries]\nshared = { path = \"../shared/lib\" }\n",
        ),
        ("ws/acme.decorum", "decorum 1\nimport \"shared/privacy\"\n"),
    ]);
    let config = crate::load_config(&outer.path("ws/decorum.toml")).unwrap();
    outer.pin(&config);
    let loaded = load_with(&config, None, STD, &outer.root());
    expect![[r#"
        #0 acme.decorum (root) syntax-errors=0
            import "shared/privacy" -> #1
        #1 ../shared/lib/privacy.decorum syntax-errors=0
            import "../../private/x" -> FAILED `../../private/x` points to a place outside the workspace; policies can only read files inside `$WS/ws` and the libraries declared in decorum.toml
              help: copy the policy into the workspace, or declare its folder under [libraries] in decorum.toml
    "#]]
    .assert_eq(&outer.redact(&render_loaded(&loaded)));
}

#[test]
fn escapes_are_refused() {
    let ws = Workspace::new(&[
        ("decorum.toml", CONFIG),
        (
            "policy/acme.decorum",
            r#"decorum 1
import "../../../../../../../../etc/passwd"
import "../../outside"
import "/etc/passwd"
import "./link"
import "./linked-folder"
import "C:\\Windows\\x"
import ""
import "./linked-folder/secrt"
"#,
        ),
    ]);
    // Something outside the workspace (the temporary folder's parent is not ours, so
    // make a sibling workspace to point at).
    let elsewhere = Workspace::new(&[
        ("secret.decorum", "decorum 1\n"),
        ("dir/s.decorum", "decorum 1\n"),
        ("dir/secret.decorum", "decorum 1\n"),
    ]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            elsewhere.path("secret.decorum"),
            ws.path("policy/link.decorum"),
        )
        .unwrap();
        std::os::unix::fs::symlink(elsewhere.path("dir"), ws.path("policy/linked-folder")).unwrap();
    }
    let rendered = render(&ws, None, STD);
    let rendered = elsewhere.redact(&rendered);
    expect![[r##"
        #0 policy/acme.decorum (root) syntax-errors=0
            import "../../../../../../../../etc/passwd" -> FAILED `../../../../../../../../etc/passwd` points to a place outside the workspace; policies can only read files inside `$WS` and the libraries declared in decorum.toml
              help: copy the policy into the workspace, or declare its folder under [libraries] in decorum.toml
            import "../../outside" -> FAILED `../../outside` points to a place outside the workspace; policies can only read files inside `$WS` and the libraries declared in decorum.toml
              help: copy the policy into the workspace, or declare its folder under [libraries] in decorum.toml
            import "/etc/passwd" -> FAILED `/etc/passwd` is an absolute path
              help: write `std/...`, a path starting with `./` or `../`, or a library name
            import "./link" -> FAILED `./link` leads through a symbolic link to a place outside the workspace; policies can only read files inside `$WS` and the libraries declared in decorum.toml
              help: copy the policy into the workspace, or declare its folder under [libraries] in decorum.toml
            import "./linked-folder" -> FAILED `./linked-folder` leads through a symbolic link to a place outside the workspace; policies can only read files inside `$WS` and the libraries declared in decorum.toml
              help: copy the policy into the workspace, or declare its folder under [libraries] in decorum.toml
            import "C:\Windows\x" -> FAILED `C:\Windows\x` contains a backslash
              help: write paths with `/`, which works on every system
            import "" -> FAILED the import path is empty
              help: write `std/...`, a path starting with `./` or `../`, or a library name
            import "./linked-folder/secrt" -> FAILED no policy file or folder at `./linked-folder/secrt` (looked for ./linked-folder/secrt.decorum and ./linked-folder/secrt/)
              help: check the path: it is relative to this file's folder
    "##]]
    .assert_eq(&rendered);
}

#[test]
fn cycles_load_each_file_once() {
    check(
        &[
            ("decorum.toml", "policies = [\"a\", \"b.decorum\", \"a\"]\n"),
            ("a.decorum", "decorum 1\nimport \"./b\"\nimport \"./a\"\n"),
            (
                "b.decorum",
                "decorum 1\nimport \"./a\"\nimport \"./sub/../a.decorum\"\n",
            ),
        ],
        expect![[r#"
            #0 a.decorum (root) syntax-errors=0
                import "./b" -> #1
                import "./a" -> #0
            #1 b.decorum (root) syntax-errors=0
                import "./a" -> #0
                import "./sub/../a.decorum" -> #0
        "#]],
    );
}

#[test]
fn unreadable_roots_are_errors() {
    check(
        &[(
            "decorum.toml",
            // `../up` and `/etc/passwd` are refused by `load_config` already, at their
            // line (see the CLI's sandbox tests).
            "policies = [\"policy/missing\", \"std/nope\"]\n",
        )],
        expect![[r#"
            error: $WS/policy/missing: no policy file or folder at `policy/missing` (looked for policy/missing.decorum and policy/missing/)
                help: check `policies` in decorum.toml
                at: decorum.toml:1:13
            error: std/nope: no standard library policy "std/nope"
                help: the standard library has: std, std/healthcare, std/healthcare/privacy, std/healthcare/tone, std/healthcare/tone/venting, std/platform
                at: decorum.toml:1:31
        "#]],
    );
}

#[test]
fn explicit_policy_roots() {
    let ws = Workspace::new(&[
        ("decorum.toml", CONFIG),
        ("policy/acme.decorum", "decorum 1\n"),
        ("other/p.decorum", "decorum 1\nimport \"./q\"\n"),
        ("other/q.decorum", "decorum 1\n"),
        ("dir/x.decorum", "decorum 1\n"),
        ("dir/y.decorum", "decorum 1\n"),
    ]);
    let cwd = ws.root();
    let result = load_with(&ws.config(), Some(Path::new("other/p.decorum")), STD, &cwd);
    let q = result
        .source_at(&ws.path("other/../other/q.decorum"))
        .unwrap();
    assert_eq!(result.disk_path(q), Some(&*ws.path("other/q.decorum")));
    let std_only = load_with(&ws.config(), Some(Path::new("std/platform")), STD, &cwd);
    assert_eq!(
        std_only.disk_paths,
        [None, None, None],
        "std/platform imports two more"
    );

    let loaded = |path: &str| {
        ws.redact(&render_loaded(&load_with(
            &ws.config(),
            Some(Path::new(path)),
            STD,
            &cwd,
        )))
    };
    expect![[r#"
        #0 other/p.decorum (root) syntax-errors=0
            import "./q" -> #1
        #1 other/q.decorum syntax-errors=0
    "#]]
    .assert_eq(&loaded("other/p.decorum"));
    expect![[r#"
        #0 dir/x.decorum (root) syntax-errors=0
        #1 dir/y.decorum (root) syntax-errors=0
    "#]]
    .assert_eq(&loaded("dir"));
    expect![[r#"
        error: missing.decorum: no policy file at `missing.decorum`
            help: check the path: it is relative to the current folder
    "#]]
    .assert_eq(&loaded("missing.decorum"));

    // A `--policy` outside the workspace may import its neighbours, shown as given.
    let elsewhere = Workspace::new(&[
        ("p.decorum", "decorum 1\nimport \"./q\"\n"),
        ("q.decorum", "decorum 1\n"),
    ]);
    let given = elsewhere.path("p.decorum");
    let rendered = render_loaded(&load_with(&ws.config(), Some(&given), STD, &cwd));
    expect![[r#"
        #0 $OTHER/p.decorum (root) syntax-errors=0
            import "./q" -> #1
        #1 $OTHER/q.decorum syntax-errors=0
    "#]]
    .assert_eq(&rendered.replace(&elsewhere.root().display().to_string(), "$OTHER"));
}

#[test]
fn the_embedded_library_loads_and_its_imports_resolve() {
    let ws = Workspace::new(&[]);
    let loaded = super::load_policies(&ws.config(), None);
    if crate::stdlib::folder(crate::DEFAULT_POLICY).is_empty() {
        assert_eq!(loaded.errors.len(), 1, "{:?}", loaded.errors);
        return;
    }
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(!loaded.inputs.roots.is_empty());
    for source in &loaded.inputs.sources {
        assert!(
            source.builtin && source.path.starts_with("std/"),
            "{}",
            source.path
        );
        for import in &source.imports {
            assert!(
                !matches!(import, ImportResolution::Failed { .. }),
                "{}: {import:?}",
                source.path
            );
        }
    }
}

#[test]
fn overlays_stand_in_for_files_on_disk_and_their_imports_follow_the_overlay() {
    let ws = Workspace::new(&[
        ("decorum.toml", "policies = [\"a.decorum\"]\n"),
        ("a.decorum", "decorum 1\nimport \"./b\"\n"),
        ("b.decorum", "decorum 1\n"),
        ("c.decorum", "decorum 1\n"),
    ]);
    let a = std::fs::canonicalize(ws.root().join("a.decorum")).unwrap();
    let mut overlays = super::Overlays::new();
    overlays.insert(a, "decorum 1\nimport \"./c\"\nrule {\n".into());
    let loaded = super::load_with_overlays(&ws.config(), None, STD, &ws.root(), &overlays);
    expect![[r#"
        #0 a.decorum (root) syntax-errors=1
            import "./c" -> #1
        #1 c.decorum syntax-errors=0
    "#]]
    .assert_eq(&ws.redact(&render_loaded(&loaded)));
}

#[test]
fn an_unsaved_new_file_is_imported_by_path_and_by_folder_from_its_buffer() {
    // `rules/new.decorum` and `rules/deep/newer.decorum` exist only as editor buffers.
    let ws = Workspace::new(&[
        ("decorum.toml", "policies = [\"a.decorum\"]\n"),
        (
            "a.decorum",
            "decorum 1\nimport \"./rules/new\"\nimport \"./rules/\"\n",
        ),
        ("rules/old.decorum", "decorum 1\n"),
        ("rules/deep/.keep", ""),
    ]);
    let mut overlays = super::Overlays::new();
    overlays.insert(ws.path("rules/new.decorum"), "decorum 1\nrule {\n".into());
    overlays.insert(ws.path("rules/deep/newer.decorum"), "decorum 1\n".into());
    // Not a policy file, and hidden: neither belongs to the folder's policies.
    overlays.insert(ws.path("rules/notes.txt"), "decorum 1\n".into());
    overlays.insert(ws.path("rules/.draft.decorum"), "decorum 1\n".into());
    let loaded = super::load_with_overlays(&ws.config(), None, STD, &ws.root(), &overlays);
    expect![[r#"
        #0 a.decorum (root) syntax-errors=0
            import "./rules/new" -> #1
            import "./rules/" -> folder {deep.newer=#2, new=#1, old=#3}
        #1 rules/new.decorum syntax-errors=1
        #2 rules/deep/newer.decorum syntax-errors=0
        #3 rules/old.decorum syntax-errors=0
    "#]]
    .assert_eq(&ws.redact(&render_loaded(&loaded)));
}

#[test]
fn an_unsaved_buffer_counts_as_a_policy_file_of_its_folder_until_it_is_saved() {
    let ws = Workspace::new(&[("rules/old.decorum", "decorum 1\n")]);
    let stem = |name: &str| super::unsaved_policy_stem(&ws.path(name)).map(str::to_owned);
    assert_eq!(stem("rules/new.decorum").as_deref(), Some("new"));
    assert_eq!(stem("rules/care.v2.decorum").as_deref(), Some("care.v2"));
    assert_eq!(stem("not-yet-a-folder/new.decorum").as_deref(), Some("new"));
    // On disk, hidden, or not a policy file: the loader reads none of them as a buffer
    // of the folder.
    assert_eq!(stem("rules/old.decorum"), None);
    assert_eq!(stem("rules/.draft.decorum"), None);
    assert_eq!(stem("rules/notes.txt"), None);
    assert_eq!(stem("rules/new.decorum.bak"), None);
}

#[test]
fn an_unsaved_file_outside_the_workspace_stays_out_of_reach() {
    // The sandbox holds for buffers: one beside the workspace, and one in a folder that a
    // symbolic link inside the workspace leads out to, are refused like files would be.
    let outside = Workspace::new(&[("elsewhere/.keep", "")]);
    let ws = Workspace::new(&[
        ("decorum.toml", "policies = [\"a.decorum\"]\n"),
        (
            "a.decorum",
            "decorum 1\nimport \"../elsewhere/secret\"\nimport \"./linked/secret\"\n",
        ),
    ]);
    std::os::unix::fs::symlink(outside.path("elsewhere"), ws.path("linked")).unwrap();
    let beside = ws.root().parent().unwrap().join("elsewhere/secret.decorum");
    let mut overlays = super::Overlays::new();
    overlays.insert(
        outside.path("elsewhere/secret.decorum"),
        "decorum 1\n".into(),
    );
    overlays.insert(beside, "decorum 1\n".into());
    let loaded = super::load_with_overlays(&ws.config(), None, STD, &ws.root(), &overlays);
    assert_eq!(loaded.disk_paths.len(), 1, "{}", render_loaded(&loaded));
    let messages: Vec<&str> = loaded.inputs.sources[0]
        .imports
        .iter()
        .map(|import| match import {
            ImportResolution::Failed { message, .. } => message.as_str(),
            _ => "loaded",
        })
        .collect();
    assert!(
        messages[0].starts_with("`../elsewhere/secret` points to a place outside the workspace")
            && messages[1].starts_with(
                "`./linked/secret` leads through a symbolic link to a place outside the workspace"
            ),
        "{messages:?}"
    );
}

#[test]
fn a_library_folder_that_holds_the_workspace_opens_nothing() {
    // `load_config` refuses such a declaration; a configuration built otherwise (by a
    // caller of this crate) must not open the workspace's parent either.
    let ws = Workspace::new(&[
        (
            "ws/policy/main.decorum",
            "decorum 1\npolicy me.main\nimport \"../../private/notes\" as p\nimport \"shared/private/notes\" as q\n",
        ),
        ("private/notes.decorum", "decorum 1\npolicy x.private\n"),
    ]);
    let cwd = ws.path("ws");
    let mut config = crate::config::Config::default_for(&cwd);
    config.libraries.insert("shared".into(), ws.root());
    let loaded = load_with(&config, Some(Path::new("policy/main.decorum")), STD, &cwd);
    assert_eq!(loaded.disk_paths.len(), 1, "{}", render_loaded(&loaded));
    let messages: Vec<&str> = loaded.inputs.sources[0]
        .imports
        .iter()
        .map(|import| match import {
            ImportResolution::Failed { message, .. } => message.as_str(),
            _ => "loaded",
        })
        .collect();
    assert!(
        messages[0].starts_with("`../../private/notes` points to a place outside the workspace")
            && messages[1].contains("holds the workspace"),
        "{messages:?}"
    );
}

/// The same through a root reached by a symbolic link: the folder holds the workspace as
/// written (`..` of the link), though not once links are resolved; the loader refuses
/// it by the rule `load_config` uses, not by a rule of its own.
#[cfg(unix)]
#[test]
fn a_library_folder_that_holds_the_workspace_as_written_opens_nothing() {
    let ws = Workspace::new(&[
        (
            "ws/policy/main.decorum",
            "decorum 1\npolicy me.main\nimport \"up/notes\" as p\n",
        ),
        ("links/notes.decorum", "decorum 1\npolicy x.private\n"),
        (
            "links/decorum-library.toml",
            "[library]\nname = \"up\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"notes\"]\n",
        ),
    ]);
    std::os::unix::fs::symlink(ws.path("ws"), ws.path("links/ws")).unwrap();
    let mut config = crate::config::Config::default_for(&ws.path("links/ws"));
    config.libraries.insert("up".into(), ws.path("links"));
    // The current folder is canonical, as the operating system reports it.
    let cwd = ws.path("ws");
    let loaded = load_with(&config, Some(Path::new("policy/main.decorum")), STD, &cwd);
    expect![[r#"
        #0 policy/main.decorum (root) syntax-errors=0
            import "up/notes" -> FAILED the folder of library "up" (`..`) holds the workspace
              help: a library is a folder of its own, not one that holds the workspace: check [libraries] in decorum.toml (there is none yet)
    "#]]
    .assert_eq(&ws.redact(&render_loaded(&loaded)));
}

/// A library declared inside another's folder is its own: an import by the outer
/// library's name does not reach into it (the sandbox's `library_of` says whose a path
/// is, as for relative imports), and a file of the inner library imports only what the
/// outer one exports, like any other importer.
#[test]
fn an_import_by_name_stays_out_of_a_library_nested_in_it() {
    let ws = Workspace::new(&[
        (
            "decorum.toml",
            "policies = [\"policy/acme\"]\n[libraries]\ncare = { path = \"vendor/care\" }\nforms = { path = \"vendor/care/forms\" }\n",
        ),
        (
            "policy/acme.decorum",
            "decorum 1\nimport \"care/forms/intake\"\nimport \"care/forms\"\nimport \"forms/intake\"\n",
        ),
        (
            "vendor/care/decorum-library.toml",
            "[library]\nname = \"care\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"privacy\", \"forms/intake\", \"forms\"]\n",
        ),
        ("vendor/care/privacy.decorum", "decorum 1\n"),
        ("vendor/care/internal.decorum", "decorum 1\n"),
        (
            "vendor/care/forms/decorum-library.toml",
            "[library]\nname = \"forms\"\nversion = \"1.0.0\"\nlanguage = 1\nexports = [\"intake\"]\n",
        ),
        (
            "vendor/care/forms/intake.decorum",
            "decorum 1\nimport \"care/privacy\"\nimport \"care/internal\"\n",
        ),
    ]);
    let config = crate::load_config(&ws.path("decorum.toml")).unwrap();
    ws.pin(&config);
    expect![[r##"
        #0 policy/acme.decorum (root) syntax-errors=0
            import "care/forms/intake" -> FAILED `care/forms/intake` reaches into the library "forms"
              help: import it by name (`import "forms/intake"`), so that decorum.lock pins it and only what the library exports is used
            import "care/forms" -> FAILED `care/forms` reaches into the library "forms"
              help: import it by name (`import "forms"`), so that decorum.lock pins it and only what the library exports is used
            import "forms/intake" -> #1
        #1 vendor/care/forms/intake.decorum syntax-errors=0
            import "care/privacy" -> #2
            import "care/internal" -> FAILED library "care" does not export "internal"
              help: it exports: privacy, forms/intake, forms
        #2 vendor/care/privacy.decorum syntax-errors=0
    "##]].assert_eq(&render(&ws, None, STD));
}
