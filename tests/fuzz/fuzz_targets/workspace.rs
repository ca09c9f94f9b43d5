//! A workspace: a `decorum.toml` and a policy file next to it, split from the input at
//! the first NUL byte and written to a scratch folder. Reading the configuration,
//! loading the policy file with its imports (the embedded std library, relative paths,
//! folders, libraries the configuration declares, anything the input names), compiling
//! it and checking a draft never panics; an error in the configuration names a line and
//! column inside it.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use decorum_draft::{DraftFormat, Metadata};
use decorum_engine::compile;
use decorum_workspace::{load_config, load_policies};
use libfuzzer_sys::fuzz_target;

const DRAFT: &str = "---\nchannel: x\n---\nMy patient, a 45-year-old from Millbrook, is cured! \
Call 555-0142. #ad\n";

/// The scratch folder, one per process: a `policy/` subfolder holds the policy, so
/// that imports of `./x`, `../decorum.toml` or `*` have somewhere to go.
fn folder() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("decorum-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("policy")).expect("a scratch folder");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let (toml, policy) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b""[..]),
    };
    let dir = folder();
    let config_path = dir.join("decorum.toml");
    let policy_path = dir.join("policy").join("main.decorum");
    if std::fs::write(&config_path, toml).is_err() || std::fs::write(&policy_path, policy).is_err()
    {
        return;
    }
    let config = match load_config(&config_path) {
        Ok(config) => config,
        Err(errors) => {
            assert!(!errors.is_empty(), "an error without a problem");
            let text = std::str::from_utf8(toml).ok();
            for (err, text) in errors.iter().filter_map(|e| Some((e, text?))) {
                let lines = text.split('\n').count();
                assert!(
                    err.line as usize <= lines,
                    "line {} of {lines}: {}",
                    err.line,
                    err.message
                );
                let line_chars = text
                    .split('\n')
                    .nth((err.line as usize).saturating_sub(1))
                    .map_or(0, |l| l.chars().count());
                assert!(
                    err.column as usize <= line_chars + 1,
                    "column {} of {line_chars}: {}",
                    err.column,
                    err.message
                );
            }
            decorum_workspace::Config::default_for(dir)
        }
    };
    // Compiling the std library takes tens of milliseconds in a release build and
    // seconds in this instrumented one (measured: about 3.5 s for the `draft` target's
    // first run), which left this target two runs a second: a policy that imports it is
    // loaded (its imports resolved, `std` parsed) but only a policy made of the input's
    // own files is compiled.
    let loaded = load_policies(&config, Some(&policy_path));
    if loaded.inputs.sources.iter().any(|s| s.builtin) {
        return;
    }
    if let Some(set) = compile(&loaded.inputs).policy_set {
        let draft = decorum_draft::parse(DRAFT, DraftFormat::Markdown, &Metadata::default());
        let _ = set.check(&draft);
    }
});
