//! Every example written in the embedded standard library passes, every std file
//! compiles without warnings, and each fix of a flagged example removes its finding.

use decorum_workspace::{Config, load_policies};

#[test]
fn standard_library_examples_pass() {
    let root = std::env::temp_dir();
    let config = Config::default_for(&root);
    let loaded = load_policies(&config, None);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let compiled = decorum_engine::compile(&loaded.inputs);
    let problems: Vec<String> = compiled
        .problems
        .iter()
        .map(|p| {
            let path = loaded
                .inputs
                .source(p.source)
                .map(|s| s.path.clone())
                .unwrap_or_default();
            format!("{path} @{:?}: {:?} {}", p.range, p.level, p.message)
        })
        .collect();
    assert!(
        problems.is_empty(),
        "the standard library has problems:\n{}",
        problems.join("\n")
    );
    let set = compiled.policy_set.expect("std compiles");
    let results = set.run_examples();
    assert!(
        results.len() >= 20,
        "expected the std examples, found {}",
        results.len()
    );
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !r.passed)
        .map(|r| {
            format!(
                "{} example #{}: {:?}; fired {:?}",
                r.rule.id,
                r.index + 1,
                r.failure,
                r.fired
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
