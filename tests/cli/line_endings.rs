//! Line endings do not change what a draft says: the same draft written with LF, CRLF, a
//! lone CR (classic Mac OS) or a mix of them gives the same findings and the same waivers,
//! with the same lines and silenced counts. A Windows checkout (`core.autocrlf`) and a
//! Linux CI must agree.

use std::collections::BTreeMap;

use expect_test::expect;
use serde_json::Value;

use crate::support::Workspace;

/// Drafts written with LF. Each is checked as written and with its line ends rewritten.
const DRAFTS: &[(&str, &str)] = &[
    (
        "fenced-code.md",
        "```\ncode\n```\n\nMy patient, a 45-year-old teacher.\n",
    ),
    (
        "indented-code.md",
        "Intro.\n\n    code\n\nMy patient, a 45-year-old teacher.\n",
    ),
    (
        "waiver-before-quote.md",
        "<!-- decorum-allow hc.privacy.client-story: ok -->\n> Quote.\n\nMy patient, a 45-year-old teacher\n",
    ),
    (
        "waiver-quote-then-list.md",
        "<!-- decorum-allow hc.privacy.client-story: ok -->\n> My patient, a 45-year-old teacher, quit.\n2. My patient, a 45-year-old teacher\n",
    ),
    (
        "waiver-inside-comment.md",
        "<!--\n<!-- decorum-allow hc.privacy.client-story: ok -->\nMy patient, a 45-year-old teacher.\n",
    ),
    (
        "waiver-two-lines.md",
        "<!-- decorum-allow hc.privacy.client-story: ok -->\nText line\nMy patient, a 45-year-old teacher.\n",
    ),
    (
        "html-block.md",
        "<!-- decorum-allow hc.privacy.client-story: ok -->\n<div>\nIntro.\n</div>\n\n<div>\nMy patient,\na 45-year-old teacher, agreed.\n</div>\n",
    ),
    (
        "table.md",
        "| Day | Note |\n| --- | --- |\n| Mon | Flu <!-- decorum-allow hc.privacy.client-story: ok --> |\n| Tue | My patient, a 45-year-old teacher |\n| Wed | My patient, a 45-year-old teacher |\n",
    ),
    (
        "calendar.md",
        "---\nchannel: x\n---\nMy patient, a 45-year-old teacher.\n<!-- post -->\n---\nchannel: bluesky\n---\n\n<!-- decorum-allow hc.privacy.client-story: ok -->\nMy patient, a 45-year-old teacher.\n",
    ),
    (
        "list-and-blank-lines.md",
        "- One.\n\n- My patient,\n  a 45-year-old teacher.\n\n\n<!-- decorum-allow hc.privacy.client-story: ok -->\n\n# My patient, a 45-year-old teacher\n",
    ),
    (
        "caption.txt",
        "Intro.\n\n<!-- decorum-allow hc.privacy.client-story: ok -->\nMy patient, a 45-year-old teacher.\n\nMy patient, a 45-year-old teacher.\n",
    ),
];

/// The ways a draft's lines may end: each as one ending throughout, and a mix.
const STYLES: &[&str] = &["lf", "crlf", "cr", "mixed"];

/// `lf` (a draft written with LF) with its line ends written in `style`. The mix takes CR,
/// CRLF and LF in turn, except that an empty line after a CR ends with a CR too (a CR then
/// an LF would be one CRLF, and the blank line would be gone).
fn with_endings(lf: &str, style: &str) -> String {
    let mut out = String::new();
    let mut previous = "";
    for (i, line) in lf.split_inclusive('\n').enumerate() {
        let Some(content) = line.strip_suffix('\n') else {
            out.push_str(line);
            break;
        };
        let ending = match style {
            "crlf" => "\r\n",
            "cr" => "\r",
            "mixed" if content.is_empty() && previous == "\r" => "\r",
            "mixed" => ["\r", "\r\n", "\n"][i % 3],
            _ => "\n",
        };
        out.push_str(content);
        out.push_str(ending);
        previous = ending;
    }
    out
}

/// Per file: its findings as `rule line:column-line:column` and its waivers as `line
/// silenced N`.
fn outcomes(json: &Value) -> BTreeMap<String, Vec<String>> {
    let mut by_file: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let at = |p: &Value| format!("{}:{}", p["line"], p["column"]);
    for f in json["findings"].as_array().unwrap() {
        by_file
            .entry(f["file"].as_str().unwrap().to_owned())
            .or_default()
            .push(format!(
                "{} {}-{}",
                f["rule"].as_str().unwrap(),
                at(&f["start"]),
                at(&f["end"])
            ));
    }
    for w in json["waivers"].as_array().unwrap() {
        by_file
            .entry(w["file"].as_str().unwrap().to_owned())
            .or_default()
            .push(format!(
                "waiver line {} silenced {}",
                w["line"], w["silenced"]
            ));
    }
    by_file
}

#[test]
fn lf_crlf_cr_and_mixed_endings_give_the_same_findings_and_waivers() {
    let ws = Workspace::new();
    for (name, lf) in DRAFTS {
        for style in STYLES {
            let text = with_endings(lf, style);
            if *style != "lf" {
                assert_ne!(
                    &text, lf,
                    "{name} {style}: the line ends were not rewritten"
                );
            }
            ws.file(&format!("{style}/{name}"), text);
        }
    }
    let (_, json) = ws.check_json(&["."]);
    let found = outcomes(&json);
    let mut report = String::new();
    for (name, _) in DRAFTS {
        let of = |style: &str| {
            found
                .get(&format!("{style}/{name}"))
                .cloned()
                .unwrap_or_default()
        };
        let lf = of("lf");
        for style in &STYLES[1..] {
            assert_eq!(of(style), lf, "{name}: {style} differs from lf");
        }
        report.push_str(&format!("{name}\n"));
        for line in &lf {
            report.push_str(&format!("  {line}\n"));
        }
    }
    // What the LF drafts give (and so, by the asserts above, every other style).
    expect![[r#"
        fenced-code.md
          hc.privacy.client-story 5:15-5:26
          hc.privacy.client-story 5:27-5:34
        indented-code.md
          hc.privacy.client-story 5:15-5:26
          hc.privacy.client-story 5:27-5:34
        waiver-before-quote.md
          hc.privacy.client-story 4:15-4:26
          hc.privacy.client-story 4:27-4:34
          waiver line 1 silenced 0
        waiver-quote-then-list.md
          hc.privacy.client-story 3:18-3:29
          hc.privacy.client-story 3:30-3:37
          waiver line 1 silenced 2
        waiver-inside-comment.md
          hc.privacy.client-story 3:15-3:26
          hc.privacy.client-story 3:27-3:34
        waiver-two-lines.md
          waiver line 1 silenced 2
        html-block.md
          hc.privacy.client-story 8:3-8:14
          hc.privacy.client-story 8:15-8:22
          waiver line 1 silenced 0
        table.md
          hc.privacy.client-story 5:23-5:34
          hc.privacy.client-story 5:35-5:42
          waiver line 3 silenced 2
        calendar.md
          hc.privacy.client-story 4:15-4:26
          hc.privacy.client-story 4:27-4:34
          waiver line 10 silenced 2
        list-and-blank-lines.md
          hc.privacy.client-story 4:5-4:16
          hc.privacy.client-story 4:17-4:24
          waiver line 7 silenced 2
        caption.txt
          hc.privacy.client-story 6:15-6:26
          hc.privacy.client-story 6:27-6:34
          waiver line 3 silenced 2
    "#]]
    .assert_eq(&report);
}

/// A regex never matches across a blank line, whatever the line ends: with lone CRs the
/// whole draft read as one line, and `my\s+patient` matched "My", a blank line and
/// "patient".
#[test]
fn a_regex_does_not_cross_a_blank_line_with_any_line_ends() {
    let ws = Workspace::new();
    ws.file(
        "policy.decorum",
        "decorum 1\npolicy test.lines\n\nrule my-patient {\n  title \"Names a patient\"\n  message \"names a patient\"\n  flag when contains [/(?i)my\\s+patient/]\n}\n",
    );
    for style in STYLES {
        ws.file(
            &format!("{style}/apart.md"),
            with_endings("My\n\npatient quit.\n", style),
        );
        ws.file(
            &format!("{style}/together.md"),
            with_endings("My\npatient quit.\n", style),
        );
    }
    let (_, json) = ws.check_json(&["--policy", "policy.decorum", "."]);
    let found = outcomes(&json);
    for style in STYLES {
        assert_eq!(found.get(&format!("{style}/apart.md")), None, "{style}");
        assert_eq!(
            found.get(&format!("{style}/together.md")),
            Some(&vec!["test.lines.my-patient 1:1-2:8".to_owned()]),
            "{style}"
        );
    }
}
