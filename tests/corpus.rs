//! The standard library's measured accuracy: `decorum eval tests/corpus` on the labelled
//! corpus must meet the targets (per-family precision and recall, and at most 5%
//! of clean drafts flagged at warning or above). The figures are recorded in
//! docs/accuracy.md; `decorum eval tests/corpus --misses` lists the drafts the rules get
//! wrong.

// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `decorum eval tests/corpus` from the repository's root (so no decorum.toml of a
/// parent folder applies and the embedded standard library is used).
fn eval(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_decorum"))
        .current_dir(repo_root())
        .arg("eval")
        .arg("tests/corpus")
        .args(args)
        .output()
        .expect("run decorum eval");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_corpus_meets_the_accuracy_targets() {
    let (code, stdout, stderr) = eval(&["--color", "never", "--misses"]);
    assert_eq!(code, 0, "decorum eval missed a target:\n{stdout}\n{stderr}");
    assert!(stdout.contains("all targets met"), "{stdout}");
}

#[test]
fn the_corpus_is_large_and_mostly_near_misses() {
    let (code, stdout, stderr) = eval(&["--format", "json"]);
    assert!(code == 0 || code == 1, "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let drafts = doc["drafts"].as_u64().unwrap();
    let clean = doc["clean"]["drafts"].as_u64().unwrap();
    assert!(
        drafts >= 250,
        "the corpus has {drafts} drafts; it needs at least 250"
    );
    let share = clean as f64 / drafts as f64;
    assert!(
        (0.35..=0.55).contains(&share),
        "{clean} of {drafts} drafts are clean ({:.0}%); aim for about 45%",
        share * 100.0
    );
    // Every family the standard library tags is represented in the corpus.
    for family in doc["families"].as_array().unwrap() {
        let name = family["family"].as_str().unwrap();
        let labelled = family["labelled"].as_u64().unwrap();
        assert!(
            labelled >= 5,
            "only {labelled} drafts are labelled `{name}`"
        );
    }
}

#[test]
fn eval_rejects_unknown_families_and_unlabelled_drafts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("typo.md"),
        "---\nexpect: [phi-identifer]\n---\nMy patient Jane.\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("unlabelled.md"), "Flu shots today.\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_decorum"))
        .current_dir(dir.path())
        .args(["eval", ".", "--color", "never"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("did you mean `phi-identifier`"), "{stderr}");
    assert!(stderr.contains("no `expect`"), "{stderr}");
    // Errors about drafts never quote them.
    assert!(
        !stderr.contains("Jane") && !stderr.contains("Flu shots"),
        "{stderr}"
    );
}

#[test]
fn eval_scores_a_small_corpus_and_enforces_targets() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "story.md",
        "---\nexpect: [client-story]\n---\nMy patient, a 45-year-old teacher, quit smoking today.\n",
    );
    write(
        "clean.md",
        "---\nexpect: []\n---\nAdults 65+ should ask about the RSV vaccine.\n",
    );
    // Labelled venting, but nothing vents: recall 0 misses the target.
    write(
        "missed.md",
        "---\nexpect: [venting]\n---\nOur clinic opens at 8 on Saturdays.\n",
    );
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_decorum"))
            .current_dir(dir.path())
            .args(["eval", ".", "--format", "json"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let family = |name: &str| {
        doc["families"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["family"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(family("client-story")["true_positives"], 1);
    assert_eq!(family("client-story")["precision"], 1.0);
    assert_eq!(family("venting")["false_negatives"], 1);
    assert_eq!(family("venting")["met"], false);
    assert_eq!(doc["clean"]["drafts"], 1);
    assert_eq!(doc["clean"]["flagged_at_warning"], 0);
    assert_eq!(doc["met"], false);
    // Reporting only: the same figures, exit 0.
    assert_eq!(run(&["--thresholds", "false"]).status.code(), Some(0));
}
