//! The symbol index: definitions and resolved references across imports.

mod support;

use decorum_engine::{SourceId, SymbolKind};
use decorum_text::TextSize;
use expect_test::expect;
use support::compile_files;

#[test]
fn references_resolve_across_files() {
    let lib = "decorum 1\npolicy lib\nterms jobs = [\"teacher\"]\nrule job { param max = 2 flag when count(jobs) > max example passes \"x\" }\n";
    let root = "decorum 1\npolicy org\nimport \"./lib\" as lib\nuse lib.job { severity error }\nextend lib.jobs += [\"rancher\"]\nrule mine { flag when contains lib.jobs }\n";
    let (inputs, compiled) = compile_files(root, &[("lib", lib)]);
    let idx = &compiled.symbols;
    let mut lines: Vec<String> = idx
        .definitions
        .iter()
        .map(|d| {
            format!(
                "def {:?} {} in {}",
                d.key.kind, d.qualified, inputs.sources[d.key.source.0 as usize].path
            )
        })
        .collect();
    for r in &idx.references {
        let text = decorum_text::slice(&inputs.sources[r.source.0 as usize].text, r.range);
        lines.push(format!(
            "ref {text} in {} -> {:?} {} in {}",
            inputs.sources[r.source.0 as usize].path,
            r.target.kind,
            r.target.name,
            inputs.sources[r.target.source.0 as usize].path
        ));
    }
    expect![[r#"
        def Policy org in root.decorum
        def Rule org.mine in root.decorum
        def Policy lib in lib.decorum
        def TermSet lib.jobs in lib.decorum
        def Rule lib.job in lib.decorum
        def Param lib.job.max in lib.decorum
        def Example lib.job example 1 in lib.decorum
        ref lib.job in root.decorum -> Rule job in lib.decorum
        ref lib.jobs in root.decorum -> TermSet jobs in lib.decorum
        ref lib.jobs in root.decorum -> TermSet jobs in lib.decorum
        ref jobs in lib.decorum -> TermSet jobs in lib.decorum
    "#]]
    .assert_eq(&(lines.join("\n") + "\n"));
    // The name under the cursor in `contains lib.jobs` is the term set.
    let at = root.find("lib.jobs }").unwrap() + 5;
    let key = idx
        .at(SourceId(0), TextSize::from(at as u32))
        .expect("a symbol");
    assert_eq!((key.kind, key.name.as_str()), (SymbolKind::TermSet, "jobs"));
    assert_eq!(
        idx.references_to(key).count(),
        3,
        "extend, contains, and lib's own count()"
    );
}
