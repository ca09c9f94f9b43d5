//! The standard library's rules as documentation: every rule carries exactly one family
//! tag and the metadata a writer needs (title, message, explanation, link, examples),
//! and docs/rules/ holds one generated page per rule plus an index.
//!
//! The pages are generated from the compiled standard library, not written by hand, so
//! they cannot drift from the rules. When a rule changes, this test fails until the pages
//! are regenerated:
//!
//! ```sh
//! UPDATE_EXPECT=1 cargo test -p decorum-cli --test rule_docs
//! ```

// Test code: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use decorum_draft::{DraftFormat, Metadata};
use decorum_engine::{ExpectedOutcome, PolicySet, RuleInfo, apply_edits};
use decorum_workspace::{Config, load_policies};

#[allow(dead_code)]
#[path = "../crates/decorum-cli/src/families.rs"]
mod families;

/// The standard library has at least this many rules (the issue asks for 35).
const MIN_RULES: usize = 35;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The embedded standard library, compiled without problems.
fn standard_library() -> PolicySet {
    let config = Config::default_for(&std::env::temp_dir());
    let loaded = load_policies(&config, None);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let compiled = decorum_engine::compile(&loaded.inputs);
    assert!(
        compiled.problems.is_empty(),
        "the standard library has problems: {:?}",
        compiled
            .problems
            .iter()
            .map(|p| &p.message)
            .collect::<Vec<_>>()
    );
    compiled.policy_set.expect("the standard library compiles")
}

/// The rule's short name: `client-story` for `hc.privacy.client-story`.
fn short_name(rule: &RuleInfo) -> &str {
    rule.id.rsplit('.').next().unwrap_or(&rule.id)
}

/// The theme a rule belongs to: `privacy` for `hc.privacy.client-story`.
fn theme(rule: &RuleInfo) -> &str {
    rule.id.split('.').nth(1).unwrap_or("")
}

fn family_tags(rule: &RuleInfo) -> Vec<&str> {
    rule.tags
        .iter()
        .map(String::as_str)
        .filter(|t| families::family(t).is_some())
        .collect()
}

#[test]
fn every_std_rule_has_one_family_and_full_metadata() {
    let set = standard_library();
    let rules = set.rules();
    assert!(
        rules.len() >= MIN_RULES,
        "the standard library has {} rules; it should have at least {MIN_RULES}",
        rules.len()
    );
    let mut problems = Vec::new();
    for rule in rules {
        let id = &rule.id;
        let fams = family_tags(rule);
        if fams.len() != 1 {
            problems.push(format!(
                "{id}: needs exactly one family tag (one of {}), has {fams:?}",
                families::FAMILIES
                    .iter()
                    .map(|f| f.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if rule.title.trim().is_empty() || rule.title == short_name(rule) {
            problems.push(format!("{id}: no `title`"));
        }
        if rule
            .message_template
            .as_deref()
            .is_none_or(|m| m.trim().is_empty())
        {
            problems.push(format!("{id}: no `message`"));
        }
        if rule.explain.as_deref().is_none_or(|e| e.trim().len() < 80) {
            problems.push(format!(
                "{id}: `explain` is missing or too short to say why and what to write instead"
            ));
        }
        if !rule
            .link
            .as_deref()
            .is_some_and(|l| l.starts_with("https://"))
        {
            problems.push(format!("{id}: `link` to the primary source is missing"));
        }
        let flags = rule
            .examples
            .iter()
            .filter(|e| matches!(e.expect, ExpectedOutcome::Flags(_)))
            .count();
        let passes = rule.examples.len() - flags;
        if flags < 3 || passes < 3 {
            problems.push(format!(
                "{id}: needs at least 3 `example flags` and 3 `example passes` (has {flags} and {passes})"
            ));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

#[test]
fn rule_pages_are_up_to_date() {
    let set = standard_library();
    let mut rules: Vec<&Arc<RuleInfo>> = set.rules().iter().collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));

    let mut pages: BTreeMap<String, String> = BTreeMap::new();
    for rule in &rules {
        pages.insert(format!("{}.md", rule.id), page(&set, rule));
    }
    pages.insert("README.md".into(), index(&rules));

    let dir = repo_root().join("docs/rules");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let on_disk: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();

    if update {
        std::fs::create_dir_all(&dir).unwrap();
        for name in &on_disk {
            if !pages.contains_key(name) {
                std::fs::remove_file(dir.join(name)).unwrap();
            }
        }
        for (name, text) in &pages {
            let path = dir.join(name);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                std::fs::write(&path, text).unwrap();
            }
        }
        return;
    }

    let mut stale = Vec::new();
    for (name, text) in &pages {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(found) if found == *text => {}
            Ok(_) => stale.push(format!("docs/rules/{name} is out of date")),
            Err(_) => stale.push(format!("docs/rules/{name} is missing")),
        }
    }
    for name in &on_disk {
        if !pages.contains_key(name) {
            stale.push(format!("docs/rules/{name} documents no rule"));
        }
    }
    assert!(
        stale.is_empty(),
        "{}\nregenerate with: UPDATE_EXPECT=1 cargo test -p decorum-cli --test rule_docs",
        stale.join("\n")
    );
}

const GENERATED: &str = "<!-- Generated from the standard library by tests/rule_docs.rs. Do not edit: change the rule, then run `UPDATE_EXPECT=1 cargo test -p decorum-cli --test rule_docs`. -->\n";

/// One rule's page.
fn page(set: &PolicySet, rule: &RuleInfo) -> String {
    let mut out = String::from(GENERATED);
    let family = family_tags(rule).first().copied().unwrap_or("(none)");
    let _ = writeln!(out, "\n# {}\n", rule.title);
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| id | `{}` |", rule.id);
    let _ = writeln!(out, "| family | `{family}` |");
    let locked = if rule.locked {
        " (locked: importers may raise it, never lower or disable it)"
    } else {
        ""
    };
    let _ = writeln!(out, "| severity | {}{locked} |", rule.severity.as_str());
    if rule.batch {
        let _ = writeln!(
            out,
            "| applies to | a batch of posts (a calendar, or all files of a run) |"
        );
    }
    if let Some(link) = &rule.link {
        let _ = writeln!(out, "| source | <{link}> |");
    }
    let _ = writeln!(
        out,
        "| policy file | [`policies/std/healthcare/{}.decorum`](../../policies/std/healthcare/{}.decorum) |",
        theme(rule),
        theme(rule)
    );
    out.push('\n');
    if let Some(explain) = &rule.explain {
        out.push_str("## Why it matters and what to write instead\n\n");
        out.push_str(explain.trim_end());
        out.push_str("\n\n");
    }
    if let Some(message) = &rule.message_template {
        let _ = writeln!(out, "## What the writer sees\n\n> {message}\n");
    }

    let mut fixes: Vec<String> = Vec::new();
    out.push_str("## Examples\n\n");
    for example in &rule.examples {
        match &example.expect {
            ExpectedOutcome::Flags(at) => {
                match at {
                    Some(span) => {
                        let _ = writeln!(out, "Flagged at {}:\n", inline_code(span));
                    }
                    None => out.push_str("Flagged:\n\n"),
                }
                fenced(&mut out, &example.text);
                if let Some((title, fixed)) = first_fix(set, rule, &example.text, at.as_deref()) {
                    let _ = writeln!(out, "Fix “{title}” gives:\n");
                    fenced(&mut out, &fixed);
                    if !fixes.contains(&title) {
                        fixes.push(title);
                    }
                }
            }
            ExpectedOutcome::Passes => {
                out.push_str("Not flagged:\n\n");
                fenced(&mut out, &example.text);
            }
        }
    }
    out.push_str("## Fix\n\n");
    if fixes.is_empty() {
        out.push_str("No automatic fix: rewrite the post as the explanation suggests.\n");
    } else {
        for f in &fixes {
            let _ = writeln!(out, "- {f}");
        }
    }
    out.push_str("\n## Adjusting it\n\n```decorum\n");
    let _ = writeln!(out, "import \"std/healthcare\" as hc");
    if rule.locked {
        let _ = writeln!(
            out,
            "use {} {{ severity error }}   # locked: it can only be raised",
            rule.id
        );
    } else {
        let _ = writeln!(out, "use {} {{ severity info }}", rule.id);
        let _ = writeln!(
            out,
            "disable {} because \"reason, shown in audits\"",
            rule.id
        );
    }
    out.push_str("```\n\nSee [the policy language](../language.md#modules) for `use`, `extend` and `disable`.\n");
    out
}

/// The index of every rule, grouped by theme.
fn index(rules: &[&Arc<RuleInfo>]) -> String {
    let mut out = String::from(GENERATED);
    out.push_str("\n# The standard library's rules\n\n");
    out.push_str(
        "`import \"std/healthcare\" as hc` brings in every rule below. Each rule carries one\n\
         family tag, which `decorum check --format json` reports in `tags` and `decorum eval`\n\
         measures (see [accuracy](../accuracy.md)).\n\n",
    );
    let mut themes: Vec<&str> = rules.iter().map(|r| theme(r)).collect();
    themes.dedup();
    let _ = writeln!(out, "{} rules in {} themes.\n", rules.len(), themes.len());
    for t in themes {
        let _ = writeln!(out, "## {t}\n");
        out.push_str("| rule | family | severity | what it catches |\n|---|---|---|---|\n");
        for rule in rules.iter().filter(|r| theme(r) == t) {
            let family = family_tags(rule).first().copied().unwrap_or("");
            let _ = writeln!(
                out,
                "| [`{}`]({}.md) | `{family}` | {} | {} |",
                rule.id,
                rule.id,
                rule.severity.as_str(),
                rule.title.replace('|', "\\|")
            );
        }
        out.push('\n');
    }
    out
}

/// The first fix offered for a flagged example, with the text it produces.
fn first_fix(
    set: &PolicySet,
    rule: &RuleInfo,
    text: &str,
    at: Option<&str>,
) -> Option<(String, String)> {
    let draft = decorum_draft::parse(text, DraftFormat::Markdown, &Metadata::default());
    let report = set.check(&draft);
    let mut findings: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule.id == rule.id)
        .collect();
    if let Some(span) = at
        && let Some(start) = text.find(span)
    {
        findings.sort_by_key(|f| usize::from(f.range.start()) != start);
    }
    let fix = findings.first()?.fixes.first()?;
    Some((fix.title.clone(), apply_edits(text, &fix.edits)))
}

fn fenced(out: &mut String, text: &str) {
    let fence = if text.contains("```") { "````" } else { "```" };
    let _ = writeln!(
        out,
        "{fence}text\n{}\n{fence}\n",
        text.trim_end_matches('\n')
    );
}

fn inline_code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}
