//! The sandbox over a throwaway workspace with libraries inside it, one beside it and one
//! nested in another: what a relative import of each kind of file may lead to.

use std::path::{Path, PathBuf};

use super::{Refusal, Sandbox};
use crate::config::{Config, load_config};
use crate::paths::normalize;
use crate::test_support::Workspace;

/// `vendor/care` holds the library `care`, with the library `forms` declared inside its
/// folder; `shared` (beside the workspace `ws`) holds the library `shared`.
fn workspace() -> (Workspace, Config) {
    let ws = Workspace::new(&[
        (
            "ws/decorum.toml",
            "[libraries]\ncare = { path = \"vendor/care\" }\nforms = { path = \"vendor/care/forms\" }\nshared = { path = \"../shared\" }\n",
        ),
        ("ws/policy/main.decorum", "decorum 1\n"),
        ("ws/policy/team/tone.decorum", "decorum 1\n"),
        ("ws/vendor/care/privacy.decorum", "decorum 1\n"),
        ("ws/vendor/care/inner/consent.decorum", "decorum 1\n"),
        ("ws/vendor/care/forms/intake.decorum", "decorum 1\n"),
        ("shared/net.decorum", "decorum 1\n"),
        ("outside/secret.decorum", "decorum 1\n"),
    ]);
    let config = load_config(&ws.path("ws/decorum.toml")).unwrap();
    (ws, config)
}

/// Where the relative import `spec` of the file `from` leads, from the workspace's root.
fn import(sandbox: &Sandbox, ws: &Workspace, from: &str, spec: &str) -> Result<PathBuf, Refusal> {
    let from = ws.path(from);
    let named = normalize(&from.parent().unwrap().join(spec));
    sandbox.relative_import(&from, &named)
}

fn library(name: &str) -> Option<&str> {
    Some(name)
}

#[test]
fn inside_the_workspace_and_out_of_it() {
    let (ws, config) = workspace();
    let sandbox = Sandbox::new(&config);
    assert_eq!(sandbox.root(), ws.path("ws"));
    let main = "ws/policy/main.decorum";
    assert_eq!(
        import(&sandbox, &ws, main, "./team/tone.decorum"),
        Ok(ws.path("ws/policy/team/tone.decorum"))
    );
    assert_eq!(import(&sandbox, &ws, main, "../"), Ok(ws.path("ws")));
    // Out by `..`: refused as written, before the file system is asked, so a missing
    // file is refused the same way as one that exists.
    assert_eq!(
        import(&sandbox, &ws, main, "../../outside/secret.decorum"),
        Err(Refusal::Outside)
    );
    assert_eq!(
        import(&sandbox, &ws, main, "../../outside/missing.decorum"),
        Err(Refusal::Outside)
    );
    // Named from outside, but the path never leaves the workspace.
    assert_eq!(
        import(&sandbox, &ws, main, "../../ws/policy/team/"),
        Ok(ws.path("ws/policy/team"))
    );
    assert_eq!(
        import(&sandbox, &ws, main, "./missing.decorum"),
        Err(Refusal::Unresolved)
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_judged_by_where_they_lead() {
    use std::os::unix::fs::symlink;
    let (ws, config) = workspace();
    symlink(ws.path("outside"), ws.path("ws/policy/out")).unwrap();
    symlink(ws.path("ws/policy/team"), ws.path("ws/policy/in")).unwrap();
    symlink(ws.path("outside"), ws.path("ws/vendor/care/escape")).unwrap();
    symlink(ws.path("ws/policy"), ws.path("ws/vendor/care/back")).unwrap();
    symlink(ws.path("ws"), ws.path("outside/back")).unwrap();
    let sandbox = Sandbox::new(&config);
    let main = "ws/policy/main.decorum";
    assert_eq!(
        import(&sandbox, &ws, main, "./in/"),
        Ok(ws.path("ws/policy/team"))
    );
    assert_eq!(
        import(&sandbox, &ws, main, "./out/secret.decorum"),
        Err(Refusal::LinkLeadsOutside)
    );
    // Leads back inside, but through a folder outside: refused as written.
    assert_eq!(
        import(&sandbox, &ws, main, "../../outside/back/policy/"),
        Err(Refusal::Outside)
    );
    // Written in a library's folder, resolved outside every readable folder.
    let privacy = "ws/vendor/care/privacy.decorum";
    assert_eq!(
        import(&sandbox, &ws, privacy, "./escape/"),
        Err(Refusal::LinkLeavesLibrary("care".to_owned()))
    );
    // Resolved inside the workspace, but out of the library.
    assert_eq!(
        import(&sandbox, &ws, privacy, "./back/"),
        Err(Refusal::OutOfLibrary("care".to_owned()))
    );
    // Written through a library's folder from outside it, resolved back outside the
    // library: judged by where it leads, as the loader judges it.
    assert_eq!(
        import(&sandbox, &ws, main, "../vendor/care/back/team/"),
        Ok(ws.path("ws/policy/team"))
    );
}

#[test]
fn a_relative_import_stays_on_its_side_of_every_library() {
    let (ws, config) = workspace();
    let sandbox = Sandbox::new(&config);
    let into = |name: &str| Err(Refusal::IntoLibrary(name.to_owned()));
    let out_of = |name: &str| Err(Refusal::OutOfLibrary(name.to_owned()));
    // Into a library from outside it: by its name only.
    let main = "ws/policy/main.decorum";
    assert_eq!(
        import(&sandbox, &ws, main, "../vendor/care/privacy.decorum"),
        into("care")
    );
    assert_eq!(import(&sandbox, &ws, main, "../vendor/care/"), into("care"));
    assert_eq!(
        import(&sandbox, &ws, main, "../../shared/net.decorum"),
        into("shared")
    );
    // From a library into itself.
    let privacy = "ws/vendor/care/privacy.decorum";
    assert_eq!(
        import(&sandbox, &ws, privacy, "./inner/consent.decorum"),
        Ok(ws.path("ws/vendor/care/inner/consent.decorum"))
    );
    // Out of a library, into the workspace or into another library.
    assert_eq!(
        import(&sandbox, &ws, privacy, "../../policy/"),
        out_of("care")
    );
    assert_eq!(
        import(&sandbox, &ws, privacy, "../../../shared/"),
        into("shared")
    );
    let net = "shared/net.decorum";
    assert_eq!(
        import(&sandbox, &ws, net, "../ws/vendor/care/"),
        into("care")
    );
    assert_eq!(
        import(&sandbox, &ws, net, "../ws/policy/"),
        out_of("shared")
    );
    assert_eq!(import(&sandbox, &ws, net, "./"), Ok(ws.path("shared")));
}

#[test]
fn nested_libraries_are_each_their_own_side() {
    let (ws, config) = workspace();
    let sandbox = Sandbox::new(&config);
    let intake = ws.path("ws/vendor/care/forms/intake.decorum");
    assert_eq!(sandbox.library_of(&intake), library("forms"));
    assert_eq!(
        sandbox.library_of(&ws.path("ws/vendor/care/inner")),
        library("care")
    );
    assert_eq!(sandbox.library_of(&ws.path("ws/policy")), None);
    let privacy = "ws/vendor/care/privacy.decorum";
    assert_eq!(
        import(&sandbox, &ws, privacy, "./forms/intake.decorum"),
        Err(Refusal::IntoLibrary("forms".to_owned()))
    );
    let intake = "ws/vendor/care/forms/intake.decorum";
    assert_eq!(
        import(&sandbox, &ws, intake, "../privacy.decorum"),
        Err(Refusal::IntoLibrary("care".to_owned()))
    );
    assert_eq!(
        import(&sandbox, &ws, intake, "./"),
        Ok(ws.path("ws/vendor/care/forms"))
    );
}

#[test]
fn an_explicit_root_opens_its_own_folder() {
    let (ws, config) = workspace();
    let secret = ws.path("outside/secret.decorum");
    let sandbox = Sandbox::new(&config);
    assert!(!sandbox.allows(&secret));
    let sandbox = sandbox.with_explicit_root(&secret);
    assert!(sandbox.allows(&secret));
    assert_eq!(
        import(&sandbox, &ws, "outside/secret.decorum", "./"),
        Ok(ws.path("outside"))
    );
    // A folder given as the root opens itself, not its parent.
    let sandbox = Sandbox::new(&config).with_explicit_root(&ws.path("outside"));
    assert!(sandbox.allows(&secret));
    assert!(!sandbox.allows(&ws.path("shared-elsewhere")));
}

#[test]
fn a_library_folder_that_holds_the_workspace_is_no_library() {
    let ws = Workspace::new(&[("ws/policy/main.decorum", "decorum 1\n")]);
    let mut config = Config::default_for(&ws.path("ws"));
    config.libraries.insert("all".into(), ws.root());
    config.libraries.insert("me".into(), ws.path("ws"));
    let sandbox = Sandbox::new(&config);
    assert!(sandbox.libraries().is_empty());
    assert!(!sandbox.allows(Path::new("/")));
    assert!(!sandbox.allows(&ws.root()));
    assert_eq!(sandbox.library_of(&ws.path("ws/policy")), None);
}

/// The rule `load_config` refuses a declaration by: a folder that holds the workspace as
/// written (`..` from a root reached through a symbolic link) is no library either, even
/// where, once links are resolved, it holds nothing of the workspace.
#[cfg(unix)]
#[test]
fn a_library_folder_that_holds_the_workspace_as_written_is_no_library() {
    let ws = Workspace::new(&[("ws/policy/main.decorum", "decorum 1\n")]);
    std::fs::create_dir(ws.path("links")).unwrap();
    std::os::unix::fs::symlink(ws.path("ws"), ws.path("links/ws")).unwrap();
    let mut config = Config::default_for(&ws.path("links/ws"));
    config.libraries.insert("up".into(), ws.path("links"));
    let sandbox = Sandbox::new(&config);
    assert_eq!(sandbox.root(), ws.path("ws"));
    assert!(sandbox.libraries().is_empty(), "{sandbox:?}");
    assert!(!sandbox.allows(&ws.path("links")));
}
