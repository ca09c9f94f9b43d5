//! The formatter: idempotent, comment-preserving, meaning-preserving, on every policy
//! in the repository, on hand-written layouts, and on generated policies with comments
//! in every position.

use decorum_syntax::{FormatError, format, parse, shape_tree};
use expect_test::expect;
use proptest::prelude::*;

fn repo_files(dir: &str) -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "decorum") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn comment_texts(text: &str) -> Vec<String> {
    // Good enough for these inputs: `#` at the start of a token outside quotes.
    let mut out = Vec::new();
    for line in text.lines() {
        let mut in_string = false;
        for (i, c) in line.char_indices() {
            match c {
                '"' => in_string = !in_string,
                '#' if !in_string && (i == 0 || line[..i].ends_with(' ')) => {
                    out.push(line[i..].trim_end().to_string());
                    break;
                }
                _ => {}
            }
        }
    }
    out
}

/// Formatting succeeds, changes nothing but layout, and a second run changes nothing.
fn assert_formats(path: &str, text: &str) -> String {
    let formatted = match format(text) {
        Ok(f) => f,
        Err(e) => panic!("{path}: {e:?}"),
    };
    assert_eq!(
        shape_tree(&parse(&formatted)),
        shape_tree(&parse(text)),
        "{path}: tree changed"
    );
    let again = format(&formatted).unwrap_or_else(|e| panic!("{path}: second run: {e:?}"));
    assert_eq!(again, formatted, "{path}: not idempotent");
    formatted
}

#[test]
fn every_policy_and_fixture_formats_idempotently() {
    let mut count = 0;
    for dir in ["policies", "grammar/tests", "examples", "tests"] {
        for path in repo_files(dir) {
            let text = std::fs::read_to_string(&path).expect("read");
            if !parse(&text).errors.is_empty() {
                // Error fixtures: the formatter refuses them.
                assert!(matches!(format(&text), Err(FormatError::Syntax(_))));
                continue;
            }
            let formatted = assert_formats(&path.display().to_string(), &text);
            assert_eq!(
                comment_texts(&formatted),
                comment_texts(&text),
                "{}: comments",
                path.display()
            );
            count += 1;
        }
    }
    assert!(count >= 15, "found only {count} policies");
}

#[test]
fn the_repositorys_policies_are_in_canonical_layout() {
    let mut unformatted = Vec::new();
    for dir in ["policies", "examples"] {
        for path in repo_files(dir) {
            let text = std::fs::read_to_string(&path).expect("read");
            if format(&text).is_ok_and(|formatted| formatted != text) {
                unformatted.push(path.display().to_string());
            }
        }
    }
    assert!(
        unformatted.is_empty(),
        "not formatted (run `decorum fmt policies examples`): {unformatted:?}"
    );
}

#[test]
fn canonical_layout() {
    let input = r##"decorum   1
policy   demo.layout    # the policy
import "std/healthcare"   as hc
import "./x"
terms a=["x","y"]   masked
terms b = a+["z"]-(["w"] + ["v"])
rule   r{severity warning
title "T"


  flag  when (contains a or contains b)and not contains ["q"] in sentence
  fix   replace
example passes """
        first
          second
        """
}
use hc.tone.venting{severity info}
use hc.x.y { max = 3
  severity error }
disable   hc.a.b because "why"
"##;
    expect![[r#"
        decorum 1
        policy demo.layout  # the policy

        import "std/healthcare" as hc
        import "./x"

        terms a = ["x", "y"] masked
        terms b = a + ["z"] - (["w"] + ["v"])

        rule r {
          severity warning
          title "T"

          flag when (contains a or contains b) and not contains ["q"] in sentence
          fix replace
          example passes """
            first
              second
            """
        }

        use hc.tone.venting { severity info }

        use hc.x.y {
          max = 3
          severity error
        }

        disable hc.a.b because "why"
    "#]]
    .assert_eq(&assert_formats("layout", input));
}

#[test]
fn comments_in_conditions_keep_their_clause_verbatim() {
    let input = "decorum 1\npolicy p\nrule r {\n  flag when contains [\"a\"] # first part\n    and contains [\"b\"]   # second\n}\n";
    expect![[r##"
        decorum 1
        policy p

        rule r {
          flag when contains ["a"] # first part
            and contains ["b"]  # second
        }
    "##]]
    .assert_eq(&assert_formats("verbatim", input));
}

#[test]
fn crlf_and_bom_survive() {
    let input = "\u{feff}decorum 1\r\npolicy p\r\nterms  a = [\"x\"]\r\n";
    let out = assert_formats("crlf", input);
    assert_eq!(
        out,
        "\u{feff}decorum 1\r\npolicy p\r\n\r\nterms a = [\"x\"]\r\n"
    );
}

#[test]
fn mixed_line_endings_take_the_first_line_s() {
    // One stray CRLF (a line pasted from elsewhere) does not rewrite an LF file...
    let explain = "rule r {\n  explain \"\"\"\r\n    one\n    two\r\n    \"\"\"\n  flag when contains [\"x\"]\n}\n";
    let input = format!("decorum 1\npolicy p\r\nterms  a = [\"x\"]\n{explain}");
    let out = assert_formats("mixed-lf", &input);
    assert!(!out.contains('\r'), "{out:?}");
    // ...and an LF line does not rewrite a CRLF file.
    let input = "decorum 1\r\npolicy p\nterms  a = [\"x\"]\r\n";
    let out = assert_formats("mixed-crlf", input);
    assert_eq!(out, "decorum 1\r\npolicy p\r\n\r\nterms a = [\"x\"]\r\n");
}

#[test]
fn broken_files_are_refused() {
    assert!(matches!(
        format("decorum 1\nrule r { flag when }\n"),
        Err(FormatError::Syntax(_))
    ));
}

const BASE: &str = r##"decorum 1
policy gen.policy "desc"
import "std/healthcare" as hc
terms a = ["one", "two", /th+ree/i] masked
terms b = a + ["x" -> "y"] - ["z"] allow ["q"] unless negated
rule r {
  severity error locked
  title "T"
  param max = 12%
  param set = ["p", "q"]
  flag when near(a, b, 3 words, ordered) in sentence and count(a) / words > max or not has meta.k
  unless channel in ["x", "bluesky"]
  fix append "Text."
  fix prepend "#ad"
  example flags "one two" at "two"
  example passes """
    multi
    line
  """
}
use hc.tone.venting {
  severity warning
  set += ["r"]
}
extend hc.privacy.identifying += ["rancher"]
disable hc.platform.hashtags because "reason"
"##;

/// Whitespace positions outside strings and regexes where a comment can go.
fn gaps() -> Vec<usize> {
    let mut out = Vec::new();
    let bytes = BASE.as_bytes();
    let mut in_str = false;
    let mut in_triple = false;
    let mut in_regex = false;
    let mut i = 0;
    while i < bytes.len() {
        if BASE[i..].starts_with("\"\"\"") {
            in_triple = !in_triple;
            i += 3;
            continue;
        }
        let c = bytes[i];
        if !in_triple {
            if c == b'"' && !in_regex {
                in_str = !in_str;
            } else if c == b'/'
                && !in_str
                && (in_regex || bytes[i - 1] == b'[' || bytes[i - 1] == b' ')
            {
                in_regex = !in_regex;
            } else if (c == b' ' || c == b'\n') && !in_str && !in_regex {
                out.push(i);
            }
        }
        i += 1;
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_policies_with_comments_anywhere(picks in prop::collection::vec(any::<prop::sample::Index>(), 1..12)) {
        let gaps = gaps();
        let mut positions: Vec<usize> = picks.iter().map(|p| gaps[p.index(gaps.len())]).collect();
        positions.sort_unstable();
        positions.dedup();
        let mut text = String::new();
        let mut at = 0;
        for (n, pos) in positions.iter().enumerate() {
            text.push_str(&BASE[at..*pos]);
            text.push_str(&format!(" #c{n}\n"));
            at = *pos;
        }
        text.push_str(&BASE[at..]);
        // Only inputs that parse are the formatter's business.
        prop_assume!(parse(&text).errors.is_empty());
        let formatted = format(&text).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        prop_assert_eq!(comment_texts(&formatted), comment_texts(&text));
        prop_assert_eq!(format(&formatted).ok(), Some(formatted.clone()), "not idempotent:\n{}", formatted);
    }
}

#[test]
fn long_conditions_break_before_or_and_and() {
    let input = "decorum 1\npolicy p\n\n# about the rule\n\nrule r {\n  flag when near([\"missed a dose\"], [\"double up\"], 12 words) in paragraph or ((near([\"stop\"], [\"antibiotics\"], 5 words) and contains [\"early\"]) in sentence and not contains [\"myth\"]) in paragraph or contains [\"borrow\"] and (contains [\"a\"] or contains [\"b\"] or contains [\"a much longer phrase that forces a break\"])\n  unless not (contains [\"never double up\", \"ask your pharmacist\"] or contains [\"talk to your prescriber first\"])\n}\n";
    expect![[r#"
        decorum 1
        policy p

        # about the rule

        rule r {
          flag when near(["missed a dose"], ["double up"], 12 words) in paragraph
            or ((near(["stop"], ["antibiotics"], 5 words) and contains ["early"]) in sentence
                and not contains ["myth"]) in paragraph
            or contains ["borrow"]
              and (contains ["a"] or contains ["b"] or contains ["a much longer phrase that forces a break"])
          unless not (contains ["never double up", "ask your pharmacist"]
              or contains ["talk to your prescriber first"])
        }
    "#]]
    .assert_eq(&assert_formats("long-conditions", input));
}

#[test]
fn a_lone_carriage_return_ends_a_comment() {
    // The grammar reads a lone `\r` as a line break, so the clause after it is code.
    let text = "decorum 1\npolicy p\n\nrule r {\n  # note\r  flag when contains [\"x\"]\n  example flags \"x\" at \"x\"\n}\n";
    let formatted = assert_formats("lone-cr", text);
    assert!(
        formatted.contains("  # note\n  flag when contains [\"x\"]\n"),
        "{formatted}"
    );
}

#[test]
fn a_bracketed_number_across_lines_formats_in_one_pass() {
    let text = "decorum 1\npolicy p\n\nrule long-post {\n  flag when words > (\n    280\n  )\n  example passes \"Short.\"\n}\n\nrule tabs {\n  flag when words > (\t280\t)\n  example passes \"Short.\"\n}\n";
    let formatted = assert_formats("bracketed", text);
    assert!(
        formatted.contains("  flag when words > 280\n"),
        "{formatted}"
    );
    assert!(!formatted.contains('\t'), "{formatted}");
}

#[test]
fn comments_stay_beside_what_they_are_about() {
    // A comment inside a term or between `param t =` and its list keeps that part as
    // written; one after a rule's closing brace stays the rule's; one between a rule's
    // name and its brace ends the header line.
    let input = r##"decorum 1
policy p

terms stig = [
  "committed suicide" # about the phrase
    -> "died by suicide",
  "drug seeker" ->  # the replacement
    "person asking for pain relief",
  "frequent flyer",  # ends its line
]

rule r {
  param t = # the threshold list
    ["a", "b"]
  flag when contains stig
}

rule one { flag when contains ["x"] } # about rule one

rule two # see {ticket 12}
{
  flag when contains ["y"]
}

rule three # a
{ # b
  flag when contains ["z"]
}
"##;
    expect![[r##"
        decorum 1
        policy p

        terms stig = [
          "committed suicide" # about the phrase
            -> "died by suicide",
          "drug seeker" ->  # the replacement
            "person asking for pain relief",
          "frequent flyer",  # ends its line
        ]

        rule r {
          param t = # the threshold list
            ["a", "b"]
          flag when contains stig
        }

        rule one {
          flag when contains ["x"]
        }  # about rule one

        rule two {  # see {ticket 12}
          flag when contains ["y"]
        }

        rule three {  # a
          # b
          flag when contains ["z"]
        }
    "##]]
    .assert_eq(&assert_formats("attached", input));
}

#[test]
fn a_header_comment_keeps_its_blank_line() {
    let input = "# Copyright 2026 Example Clinic (invented)\n# Licensed for internal use.\n\ndecorum 1\npolicy p\n";
    assert_eq!(assert_formats("header", input), input);
}

#[test]
fn a_file_with_lone_cr_line_ends_keeps_them() {
    // Classic Mac OS line ends: the parser reads a lone `\r` as a line end everywhere
    // (items, comments, `"""` strings), and fmt writes the file's own ending back.
    let text = "decorum 1\rpolicy p\r\r\rrule r {\r  # note\r  flag when contains [\"x\"]\r  explain \"\"\"\r    a\r    b\r    \"\"\"\r}\r";
    let formatted = assert_formats("lone-cr-file", text);
    assert!(!formatted.contains('\n'), "{formatted:?}");
    assert_eq!(
        formatted,
        "decorum 1\rpolicy p\r\rrule r {\r  # note\r  flag when contains [\"x\"]\r  explain \"\"\"\r    a\r    b\r    \"\"\"\r}\r"
    );
}
