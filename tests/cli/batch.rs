//! Batch rules (`flag batch`) see all drafts of one run: a share that no single file
//! exceeds can be exceeded by the files together.

use crate::support::Workspace;

/// Five posts, one of them an advert: 20%, not more than the 20% allowed.
const CALENDAR: &str = "Book now for 20% off whitening!\n<!-- post -->\nHow to floss: three tips.\n<!-- post -->\nDid you know? Sugar-free gum helps.\n<!-- post -->\nWhat do you want to know about braces?\n<!-- post -->\nMyth: whitening damages enamel.\n";
/// One more advert: 2 of 6 posts together.
const PROMO: &str = "Limited time: special offer on cleanings.\n";

#[test]
fn each_file_alone_is_within_the_advert_share() {
    let ws = Workspace::new();
    ws.file("calendar.md", CALENDAR);
    ws.file("promo.md", PROMO);
    for file in ["calendar.md", "promo.md"] {
        let (out, json) = ws.check_json(&[file]);
        assert_eq!(out.code, 0);
        assert_eq!(json["findings"], serde_json::json!([]), "{file} alone");
    }
}

#[test]
fn together_they_exceed_it_with_evidence_in_the_other_file() {
    let ws = Workspace::new();
    ws.file("calendar.md", CALENDAR);
    ws.file("promo.md", PROMO);
    let (out, json) = ws.check_json(&["calendar.md", "promo.md"]);
    assert_eq!(out.code, 0, "a warning does not fail by default");
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let finding = &findings[0];
    assert_eq!(finding["rule"], "hc.marketing.advert-share");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(
        finding["message"],
        "33.3% of these posts are adverts; aim for at most 20%."
    );
    assert_eq!(
        finding["file"], "promo.md",
        "reported on the last post counted"
    );
    assert_eq!(
        finding["related"],
        serde_json::json!([{
            "file": "calendar.md",
            "label": "also counted",
            "start": { "line": 1, "column": 1, "offset": 0 },
            "end": { "line": 1, "column": 9, "offset": 8 },
        }]),
        "the evidence points into the other draft"
    );

    let human = ws.check(&["calendar.md", "promo.md"]).output();
    assert!(
        human
            .stdout
            .contains("   = note: also counted: calendar.md:1:1\n"),
        "{}",
        human.stdout
    );

    let (_, sarif) = ws.check_sarif(&["calendar.md", "promo.md"]);
    let related = &sarif["runs"][0]["results"][0]["relatedLocations"][0];
    assert_eq!(
        related["physicalLocation"]["artifactLocation"]["uri"],
        "calendar.md"
    );
}
