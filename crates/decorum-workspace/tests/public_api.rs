//! The crate's public entry points as the CLI and language server call them, over a
//! small workspace on disk with absolute paths (so the test does not depend on, or
//! change, the process's current directory).

use std::path::PathBuf;

use decorum_engine::ImportResolution;
use decorum_workspace::{
    Config, atomic_write, collect_drafts, find_config, load_config, load_policies, read_draft,
};

#[test]
fn a_workspace_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        atomic_write(&path, text).unwrap();
    };
    write(
        "decorum.toml",
        "policies = [\"policy/acme\"]\n\n[[drafts.metadata]]\nfiles = \"posts/**\"\nchannel = \"x\"\n",
    );
    write(
        "policy/acme.decorum",
        "decorum 1\npolicy acme\nimport \"./shared\" as shared\n",
    );
    write(
        "policy/shared/common.decorum",
        "decorum 1\npolicy acme.common\n",
    );
    write("posts/one.md", "Hello from the clinic.\n");
    write("posts/skip.bin", "x");

    let config_path = find_config(&root.join("posts")).unwrap();
    assert_eq!(config_path, root.join("decorum.toml"));
    let config = load_config(&config_path).unwrap();

    let loaded = load_policies(&config, None);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let paths: Vec<&str> = loaded
        .inputs
        .sources
        .iter()
        .map(|s| s.path.as_str())
        .collect();
    assert_eq!(
        paths,
        ["policy/acme.decorum", "policy/shared/common.decorum"]
    );
    assert_eq!(
        loaded.inputs.sources[0].imports,
        [ImportResolution::Folder(vec![(
            "common".to_owned(),
            decorum_engine::SourceId(1)
        )])]
    );

    let collected = collect_drafts(std::slice::from_ref(&root), &config);
    assert!(collected.errors.is_empty(), "{:?}", collected.errors);
    assert_eq!(collected.files, [root.join("posts/one.md")]);
    let draft = read_draft(&collected.files[0], &config).unwrap();
    assert_eq!(draft.path, root.join("posts/one.md"));
    assert_eq!(
        draft.draft.posts[0]
            .meta
            .get("channel")
            .and_then(|v| v.as_str()),
        Some("x")
    );

    let missing = collect_drafts(
        &[PathBuf::from("/definitely/not/here.md")],
        &Config::default_for(&root),
    );
    assert_eq!(
        missing.errors[0].to_string(),
        "/definitely/not/here.md: no such file or directory"
    );
}
