//! `decorum test` runs and counts each example once, however often the command line
//! reaches its file.

use crate::support::Workspace;

/// Two policies that both import ./common; every file has one example.
fn shared_import() -> Workspace {
    let ws = Workspace::new();
    ws.file(
        "decorum.toml",
        "policies = [\"policy/a.decorum\", \"policy/b.decorum\"]\n",
    )
    .file(
        "policy/a.decorum",
        "decorum 1\npolicy a.x\nimport \"./common\" as c\nrule a { flag when contains [\"aaq\"]\n example flags \"aaq\" at \"aaq\" }\n",
    )
    .file(
        "policy/b.decorum",
        "decorum 1\npolicy b.x\nimport \"./common\" as c\nrule b { flag when contains [\"bbq\"]\n example flags \"bbq\" at \"bbq\" }\n",
    )
    .file(
        "policy/common.decorum",
        "decorum 1\npolicy common.x\nrule c { flag when contains [\"zzq\"]\n example passes \"zzq\" }\n",
    );
    ws
}

#[test]
fn a_file_reached_twice_has_its_examples_run_once() {
    let ws = Workspace::new();
    ws.file(
        "policy/x.decorum",
        "decorum 1\npolicy x\nrule r { flag when contains [\"qq\"]\n example flags \"qq\" at \"qq\"\n example passes \"no\" }\n",
    );
    for args in [
        vec!["policy/x.decorum", "policy/x.decorum"],
        vec!["policy", "policy/x.decorum"],
        vec!["policy/x.decorum", "./policy/x.decorum"],
    ] {
        let out = ws.test(&args).output();
        assert_eq!(out.code, 0, "{args:?}: {}", out.render());
        assert!(
            out.stdout
                .ends_with("decorum test: 2 of 2 examples passed\n"),
            "{args:?}: {}",
            out.render()
        );
    }
}

#[test]
fn a_failing_example_of_a_shared_import_is_reported_and_counted_once() {
    let ws = shared_import();
    let out = ws.test(&["policy/a.decorum", "policy/b.decorum"]).output();
    assert_eq!(out.code, 1, "{}", out.render());
    assert_eq!(
        out.stdout.matches("FAIL common.x.c").count(),
        1,
        "{}",
        out.render()
    );
    assert!(
        out.stdout
            .ends_with("decorum test: 2 of 3 examples passed\n"),
        "{}",
        out.render()
    );
}
