//! Grammar fixtures: every `grammar/tests/*.decorum` file is parsed and its tree and
//! errors compared with the `.tree` file beside it. Run with `UPDATE_EXPECT=1` to
//! rewrite the `.tree` files after an intended change, then review the diff.

use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../grammar/tests")
}

#[test]
fn grammar_fixtures_match_their_trees() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .expect("grammar/tests exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "decorum"))
        .collect();
    fixtures.sort();
    assert!(
        fixtures.len() >= 10,
        "expected the grammar fixtures, found {}",
        fixtures.len()
    );
    let mut failures = Vec::new();
    for path in &fixtures {
        let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
        let actual = decorum_syntax::debug_tree(&decorum_syntax::parse(&text));
        let tree = path.with_extension("tree");
        let expected = std::fs::read_to_string(&tree).unwrap_or_default();
        if actual != expected {
            if update {
                std::fs::write(&tree, &actual).expect("write .tree");
            } else {
                failures.push(format!(
                    "{}: tree differs (run with UPDATE_EXPECT=1 and review the diff)\n--- expected\n{expected}\n--- actual\n{actual}",
                    path.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
