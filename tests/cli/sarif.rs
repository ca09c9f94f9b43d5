//! `--format sarif`: every log is validated against the official SARIF 2.1.0 schema
//! (vendored in docs/schema/, see its README) and the specification's rules that a
//! schema cannot express; then what maps to what.

use expect_test::expect;
use serde_json::Value;

use crate::support::Workspace;

fn results(sarif: &Value) -> &Vec<Value> {
    sarif["runs"][0]["results"].as_array().unwrap()
}

#[test]
fn severities_map_to_sarif_levels_and_rule_descriptors() {
    let ws = Workspace::new();
    ws.fixture("policies/all-severities.decorum", "levels.decorum");
    ws.file("words.md", "delta charlie bravo alpha\n");
    let (out, sarif) = ws.check_sarif(&["--policy", "levels.decorum", "words.md"]);
    assert_eq!(out.code, 1);
    let levels: Vec<String> = results(&sarif)
        .iter()
        .map(|r| {
            format!(
                "{} -> {} (properties.severity {})",
                r["ruleId"].as_str().unwrap(),
                r["level"].as_str().unwrap(),
                r["properties"]["severity"].as_str().unwrap()
            )
        })
        .collect();
    expect![[r#"
        acme.levels.say-hint -> note (properties.severity hint)
        acme.levels.say-info -> note (properties.severity info)
        acme.levels.say-warning -> warning (properties.severity warning)
        acme.levels.say-error -> error (properties.severity error)"#]]
    .assert_eq(&levels.join("\n"));

    let mut driver = sarif["runs"][0]["tool"]["driver"].clone();
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    driver["version"] = Value::from("[VERSION]");
    driver["semanticVersion"] = Value::from("[VERSION]");
    expect![[r#"
        {
          "informationUri": "https://github.com/decorum-policy/decorum",
          "name": "decorum",
          "rules": [
            {
              "defaultConfiguration": {
                "level": "error"
              },
              "id": "acme.levels.say-error",
              "name": "AcmeLevelsSayError",
              "properties": {
                "tags": [
                  "levels"
                ]
              },
              "shortDescription": {
                "text": "An error"
              }
            },
            {
              "defaultConfiguration": {
                "level": "note"
              },
              "id": "acme.levels.say-hint",
              "name": "AcmeLevelsSayHint",
              "properties": {
                "tags": []
              },
              "shortDescription": {
                "text": "say-hint"
              }
            },
            {
              "defaultConfiguration": {
                "level": "note"
              },
              "fullDescription": {
                "text": "Infos are notes in SARIF."
              },
              "help": {
                "text": "Infos are notes in SARIF."
              },
              "helpUri": "https://example.com/decorum/info",
              "id": "acme.levels.say-info",
              "name": "AcmeLevelsSayInfo",
              "properties": {
                "tags": []
              },
              "shortDescription": {
                "text": "An info"
              }
            },
            {
              "defaultConfiguration": {
                "level": "warning"
              },
              "id": "acme.levels.say-warning",
              "name": "AcmeLevelsSayWarning",
              "properties": {
                "tags": []
              },
              "shortDescription": {
                "text": "A warning"
              }
            }
          ],
          "semanticVersion": "[VERSION]",
          "version": "[VERSION]"
        }"#]]
    .assert_eq(&serde_json::to_string_pretty(&driver).unwrap());
}

#[test]
fn a_result_with_region_fix_and_related_location() {
    let ws = Workspace::new();
    ws.file(
        "posts/clinic news.md",
        "\u{FEFF}My patient 😀, a 45-year-old, quit smoking!\r\n",
    );
    let (out, sarif) = ws.check_sarif(&["posts"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        sarif["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(sarif["runs"][0]["columnKind"], "unicodeCodePoints");
    expect![[r#"
        [
          {
            "fixes": [
              {
                "artifactChanges": [
                  {
                    "artifactLocation": {
                      "uri": "posts/clinic%20news.md"
                    },
                    "replacements": [
                      {
                        "deletedRegion": {
                          "byteLength": 16,
                          "byteOffset": 18,
                          "endColumn": 29,
                          "endLine": 1,
                          "startColumn": 13,
                          "startLine": 1
                        },
                        "insertedContent": {
                          "text": ""
                        }
                      }
                    ]
                  }
                ],
                "description": {
                  "text": "Remove the flagged words"
                }
              }
            ],
            "level": "error",
            "locations": [
              {
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "posts/clinic%20news.md"
                  },
                  "region": {
                    "byteLength": 11,
                    "byteOffset": 22,
                    "endColumn": 28,
                    "endLine": 1,
                    "startColumn": 17,
                    "startLine": 1
                  }
                }
              }
            ],
            "message": {
              "text": "“My patient” and “45-year-old” tell one client's story in a way that can identify them."
            },
            "properties": {
              "severity": "error",
              "tags": [
                "client-story"
              ]
            },
            "relatedLocations": [
              {
                "id": 1,
                "message": {
                  "text": "together with this"
                },
                "physicalLocation": {
                  "artifactLocation": {
                    "uri": "posts/clinic%20news.md"
                  },
                  "region": {
                    "byteLength": 10,
                    "byteOffset": 3,
                    "endColumn": 11,
                    "endLine": 1,
                    "startColumn": 1,
                    "startLine": 1
                  }
                }
              }
            ],
            "ruleId": "hc.privacy.client-story",
            "ruleIndex": 0
          }
        ]"#]]
    .assert_eq(&serde_json::to_string_pretty(results(&sarif)).unwrap());
}

#[test]
fn sarif_and_json_report_the_same_findings_at_the_same_places() {
    let ws = Workspace::new();
    ws.file("a.md", "This tea cures anxiety. Use my code SMILE20!\n");
    ws.file(
        "b.md",
        "Another day, 🙂 another miracle: no side effects.\n",
    );
    let (_, json) = ws.check_json(&["a.md", "b.md"]);
    let (_, sarif) = ws.check_sarif(&["a.md", "b.md"]);
    let from_json: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}-{}:{} @{}",
                f["rule"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["start"]["line"],
                f["start"]["column"],
                f["end"]["line"],
                f["end"]["column"],
                f["start"]["offset"]
            )
        })
        .collect();
    let from_sarif: Vec<String> = results(&sarif)
        .iter()
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            let region = &loc["region"];
            format!(
                "{} {} {}:{}-{}:{} @{}",
                r["ruleId"].as_str().unwrap(),
                loc["artifactLocation"]["uri"].as_str().unwrap(),
                region["startLine"],
                region["startColumn"],
                region["endLine"],
                region["endColumn"],
                region["byteOffset"]
            )
        })
        .collect();
    assert_eq!(from_json, from_sarif);
    assert_eq!(from_json.len(), 4, "{from_json:#?}");
}

/// A file name is written as it is: a `:` in the first segment is percent-encoded (it
/// would read as a scheme), and a `\` is part of a Unix file name, not a separator, in
/// every format. (Windows allows neither in a file name.)
#[cfg(unix)]
#[test]
fn unusual_file_names_stay_relative_references_to_the_right_file() {
    let ws = Workspace::new();
    let draft = "My patient, a 45-year-old, quit smoking!\n";
    ws.file("note:draft.md", draft);
    ws.file("a\\b.md", draft);
    let (_, sarif) = ws.check_sarif(&["note:draft.md", "a\\b.md"]);
    let mut uris: Vec<&str> = results(&sarif)
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    uris.dedup();
    assert_eq!(uris, ["note%3Adraft.md", "a%5Cb.md"]);
    let (_, json) = ws.check_json(&["a\\b.md"]);
    assert_eq!(json["findings"][0]["file"], "a\\b.md");
    let human = ws.check(&["a\\b.md"]).output();
    assert!(
        human.stdout.contains(" --> a\\b.md:1:"),
        "{}",
        human.render()
    );
}

#[test]
fn a_clean_run_is_a_valid_log_with_no_results() {
    let ws = Workspace::new();
    ws.file("flu.md", "Flu shots are in.\n");
    let (out, sarif) = ws.check_sarif(&["flu.md"]);
    assert_eq!(out.code, 0);
    assert_eq!(results(&sarif).len(), 0);
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"],
        serde_json::json!([])
    );
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

#[test]
fn policy_errors_are_configuration_notifications() {
    let ws = Workspace::new();
    ws.fixture("policies/syntax-error.decorum", "broken.decorum");
    ws.file("flu.md", "Flu shots are in.\n");
    let (out, sarif) = ws.check_sarif(&["--policy", "broken.decorum", "flu.md"]);
    assert_eq!(out.code, 2);
    expect![[r#"
        [
          {
            "executionSuccessful": false,
            "toolConfigurationNotifications": [
              {
                "descriptor": {
                  "id": "policy.syntax"
                },
                "level": "error",
                "locations": [
                  {
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "broken.decorum"
                      },
                      "region": {
                        "startColumn": 3,
                        "startLine": 6
                      }
                    }
                  }
                ],
                "message": {
                  "text": "expected `]`, `,` or `->`, found `example`"
                }
              }
            ],
            "toolExecutionNotifications": []
          }
        ]"#]]
    .assert_eq(&serde_json::to_string_pretty(&sarif["runs"][0]["invocations"]).unwrap());
}

#[test]
fn skipped_and_missing_drafts_are_execution_notifications() {
    let ws = Workspace::new();
    ws.file("photo.md", b"\x00\x01".as_slice());
    let (out, sarif) = ws.check_sarif(&["photo.md", "missing.md"]);
    assert_eq!(out.code, 2);
    expect![[r#"
        [
          {
            "executionSuccessful": false,
            "toolConfigurationNotifications": [],
            "toolExecutionNotifications": [
              {
                "descriptor": {
                  "id": "input"
                },
                "level": "error",
                "locations": [
                  {
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "missing.md"
                      }
                    }
                  }
                ],
                "message": {
                  "text": "no such file or directory (check the path; `decorum check` takes files, folders, or `-` for standard input)"
                }
              },
              {
                "descriptor": {
                  "id": "input"
                },
                "level": "warning",
                "locations": [
                  {
                    "physicalLocation": {
                      "artifactLocation": {
                        "uri": "photo.md"
                      }
                    }
                  }
                ],
                "message": {
                  "text": "skipped: the file looks binary (it contains NUL bytes) (drafts are text files: leave it out, or exclude it in the [drafts] table of decorum.toml)"
                }
              }
            ]
          }
        ]"#]]
    .assert_eq(&serde_json::to_string_pretty(&sarif["runs"][0]["invocations"]).unwrap());
}

#[test]
fn the_structural_checks_catch_a_wrong_rule_index() {
    // The checks beyond the schema must be able to fail.
    let ws = Workspace::new();
    ws.fixture("policies/all-severities.decorum", "levels.decorum");
    ws.file("words.md", "alpha bravo\n");
    let (_, sarif) = ws.check_sarif(&["--policy", "levels.decorum", "words.md"]);
    let mut bad = sarif.clone();
    bad["runs"][0]["results"][0]["ruleIndex"] = Value::from(1);
    let root = ws.path("");
    let caught = std::panic::catch_unwind(|| crate::support::assert_sarif_semantics(&bad, &root));
    assert!(
        caught.is_err(),
        "a ruleIndex pointing at another rule is caught"
    );
    let mut bad = sarif.clone();
    bad["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(
        !crate::support::sarif_schema().is_valid(&bad),
        "the schema rejects an unknown level"
    );
}
