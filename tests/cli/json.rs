//! `--format json`: the document's fields, checked value by value, and validated against
//! docs/schema/check-output.schema.json (every `check_json` run is).

use expect_test::expect;
use serde_json::Value;

use crate::support::Workspace;

/// The document as pretty JSON with the tool's version replaced, for snapshots.
fn pretty(mut json: Value) -> String {
    assert_eq!(json["tool"]["version"], env!("CARGO_PKG_VERSION"));
    json["tool"]["version"] = Value::from("[VERSION]");
    serde_json::to_string_pretty(&json).unwrap()
}

#[test]
fn every_field_of_a_finding() {
    let ws = Workspace::new();
    // “é” is 2 bytes and 1 column; “🍵” is 4 bytes and 1 column.
    ws.file(
        "posts/café.md",
        "Thé 🍵 at the café.\nThis tea cures anxiety.\n",
    );
    let (out, json) = ws.check_json(&["posts"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stderr, "");
    expect![[r#"
        {
          "findings": [
            {
              "end": {
                "column": 15,
                "line": 2,
                "offset": 38
              },
              "file": "posts/café.md",
              "fixes": [
                {
                  "applicability": "maybe-incorrect",
                  "edits": [
                    {
                      "end": {
                        "column": 16,
                        "line": 2,
                        "offset": 39
                      },
                      "new_text": "",
                      "start": {
                        "column": 10,
                        "line": 2,
                        "offset": 33
                      }
                    }
                  ],
                  "title": "Remove the flagged words"
                }
              ],
              "link": "https://www.ftc.gov/business-guidance/resources/health-products-compliance-guidance",
              "message": "“cures” promises an outcome no treatment can guarantee.",
              "related": [],
              "rule": "hc.marketing.guarantee-claim",
              "severity": "error",
              "severity_origin": {
                "file": "std/healthcare/marketing.decorum",
                "kind": "default",
                "line": 12
              },
              "start": {
                "column": 10,
                "line": 2,
                "offset": 33
              },
              "tags": [
                "guarantee-claims"
              ],
              "title": "A health claim promises a guaranteed outcome"
            }
          ],
          "problems": [],
          "summary": {
            "errors": 1,
            "files": 1,
            "hints": 0,
            "infos": 0,
            "warnings": 0
          },
          "tool": {
            "name": "decorum",
            "version": "[VERSION]"
          },
          "version": 1,
          "waivers": []
        }"#]]
    .assert_eq(&pretty(json));
}

#[test]
fn a_finding_with_evidence_and_an_insertion_fix() {
    let ws = Workspace::new();
    ws.file(
        "ad.md",
        "My patient, a 45-year-old, loves this brush. Use my code SMILE20!\n",
    );
    let (_, json) = ws.check_json(&["ad.md"]);
    let findings = json["findings"].as_array().unwrap();
    let summary: Vec<String> = findings
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}-{}:{} bytes {}..{} tags {} related {} fixes {}",
                f["rule"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["start"]["line"],
                f["start"]["column"],
                f["end"]["line"],
                f["end"]["column"],
                f["start"]["offset"],
                f["end"]["offset"],
                f["tags"],
                f["related"],
                f["fixes"],
            )
        })
        .collect();
    expect![[r##"
        hc.privacy.client-story error 1:15-1:26 bytes 14..25 tags ["client-story"] related [{"end":{"column":11,"line":1,"offset":10},"file":"ad.md","label":"together with this","start":{"column":1,"line":1,"offset":0}}] fixes [{"applicability":"maybe-incorrect","edits":[{"end":{"column":27,"line":1,"offset":26},"new_text":"","start":{"column":11,"line":1,"offset":10}}],"title":"Remove the flagged words"}]
        hc.marketing.undisclosed-endorsement error 1:46-1:57 bytes 45..56 tags ["undisclosed-endorsement"] related [] fixes [{"applicability":"safe","edits":[{"end":{"column":1,"line":1,"offset":0},"new_text":"#ad ","start":{"column":1,"line":1,"offset":0}}],"title":"Add “#ad” at the start of the post"}]"##]]
    .assert_eq(&summary.join("\n"));
}

/// The std library's disclosure fix on an Instagram post longer than the caption's fold:
/// applied as the JSON says, it leaves the post clean. (Appending `#ad`, as it did
/// before, left the disclosure after the fold, which `disclosure-placement` flags.)
#[test]
fn the_disclosure_fix_leaves_a_long_instagram_post_clean() {
    let ws = Workspace::new();
    let text = "---\nchannel: instagram\n---\nThree months with this water flosser from Brightsmile and my gums have never been healthier. I use it every night after brushing. Use my code FLOSS10 at checkout.\n";
    ws.file("ig.md", text);
    let (outcome, json) = ws.check_json(&["ig.md"]);
    assert_eq!(outcome.code, 1, "{}", outcome.render());
    let fix = &json["findings"][0]["fixes"][0];
    assert_eq!(fix["title"], "Add “#ad” at the start of the post");
    let edits = fix["edits"].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{fix}");
    let at = edits[0]["start"]["offset"].as_u64().unwrap() as usize;
    let fixed = format!(
        "{}{}{}",
        &text[..at],
        edits[0]["new_text"].as_str().unwrap(),
        &text[at..]
    );
    assert!(fixed.contains("---\n#ad Three months"), "{fixed}");
    ws.file("ig.md", &fixed);
    let (outcome, json) = ws.check_json(&["ig.md"]);
    assert_eq!(outcome.code, 0, "{json}");
    assert_eq!(json["findings"], serde_json::json!([]));
}

#[test]
fn severity_overridden_by_an_importing_policy() {
    let ws = Workspace::new();
    ws.file(
        "acme.decorum",
        "decorum 1\npolicy acme.social\n\nimport \"std/healthcare\" as hc\n\nuse hc.marketing.advert-share { severity error }\n",
    );
    ws.file(
        "calendar.md",
        "Book now!\n<!-- post -->\nBook today!\n<!-- post -->\nCall today!\n",
    );
    let (out, json) = ws.check_json(&["--policy", "acme.decorum", "calendar.md"]);
    assert_eq!(out.code, 1, "an error now");
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "hc.marketing.advert-share");
    assert_eq!(finding["severity"], "error");
    assert_eq!(
        finding["severity_origin"],
        serde_json::json!({ "kind": "override", "file": "acme.decorum", "line": 6 })
    );
}

#[test]
fn a_policy_error_is_a_problem_with_its_place() {
    let ws = Workspace::new();
    ws.fixture("policies/unknown-name.decorum", "acme.decorum");
    ws.file("post.md", "Open on Saturdays.\n");
    let (out, json) = ws.check_json(&["--policy", "acme.decorum", "post.md"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr, "");
    expect![[r#"
        {
          "findings": [],
          "problems": [
            {
              "code": "unknown-name",
              "column": 22,
              "file": "acme.decorum",
              "help": "did you mean `competitors`?",
              "level": "error",
              "line": 7,
              "message": "there is no term set named `competitor`"
            }
          ],
          "summary": {
            "errors": 0,
            "files": 0,
            "hints": 0,
            "infos": 0,
            "warnings": 0
          },
          "tool": {
            "name": "decorum",
            "version": "[VERSION]"
          },
          "version": 1,
          "waivers": []
        }"#]]
    .assert_eq(&pretty(json));
}

#[test]
fn the_schema_rejects_what_the_binary_must_not_write() {
    // The schema is strict: these mutations of a real document must fail validation,
    // so a passing validation above means something.
    let ws = Workspace::new();
    ws.file("tea.md", "This tea cures anxiety.\n");
    let (_, json) = ws.check_json(&["tea.md"]);
    let schema = crate::support::check_output_schema();
    assert!(schema.is_valid(&json));
    type Mutation = (&'static str, Box<dyn Fn(&mut Value)>);
    let mutations: Vec<Mutation> = vec![
        (
            "an unknown top-level field",
            Box::new(|j| j["extra"] = Value::from(1)),
        ),
        (
            "an unknown finding field",
            Box::new(|j| j["findings"][0]["extra"] = Value::from(1)),
        ),
        (
            "a missing message",
            Box::new(|j| {
                j["findings"][0].as_object_mut().unwrap().remove("message");
            }),
        ),
        (
            "column 0",
            Box::new(|j| j["findings"][0]["start"]["column"] = Value::from(0)),
        ),
        (
            "an unknown severity",
            Box::new(|j| j["findings"][0]["severity"] = Value::from("fatal")),
        ),
        (
            "an unknown applicability",
            Box::new(|j| j["findings"][0]["fixes"][0]["applicability"] = Value::from("unsafe")),
        ),
        (
            "a negative offset",
            Box::new(|j| j["findings"][0]["end"]["offset"] = Value::from(-1)),
        ),
        (
            "another format version",
            Box::new(|j| j["version"] = Value::from(2)),
        ),
    ];
    for (what, mutate) in mutations {
        let mut bad = json.clone();
        mutate(&mut bad);
        assert!(!schema.is_valid(&bad), "the schema accepts {what}");
    }
}

#[test]
fn no_document_when_the_run_cannot_start() {
    let ws = Workspace::new();
    ws.file("decorum.toml", "[check]\nfail-on = \"loud\"\n");
    ws.file("post.md", "Open on Saturdays.\n");
    let out = ws.check(&["--format", "json", "post.md"]).output();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stdout, "",
        "nothing on stdout for a consumer to misread"
    );
    assert!(
        out.stderr.contains("unknown severity \"loud\""),
        "{}",
        out.stderr
    );
}
