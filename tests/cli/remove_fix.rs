//! `fix remove` leaves readable text: applied as `decorum check --format json` gives it,
//! the std library's "Remove the flagged words" takes the markers, brackets and links left
//! empty, a paragraph, list item (task or not) or heading (in an item too; closing `#`s
//! or setext underline and all, and a `---` that would underline the line above) left
//! empty with one of its blank lines, a bare `>` line a quote no longer needs, a comma
//! left before the final full stop or leading the sentence, an aside's two commas (one
//! in a list), an article or a preposition left alone, and a space left trailing a
//! line; an item whose next line continues it keeps its marker and takes that line's
//! text up; text left starting a line keeps no Markdown block marker, HTML block start
//! or footnote definition unescaped, and the word that starts the sentence takes its
//! capital, on the next line too; in drafts with LF, CRLF and lone CR line ends alike.

use serde_json::Value;

use crate::support::Workspace;

/// The title of `fix remove`'s fix.
const REMOVE: &str = "Remove the flagged words";

/// Applies a fix's edits (JSON, byte offsets) to `text`.
fn apply(text: &str, fix: &Value) -> String {
    let mut edits: Vec<(usize, usize, &str)> = fix["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["start"]["offset"].as_u64().unwrap() as usize,
                e["end"]["offset"].as_u64().unwrap() as usize,
                e["new_text"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort();
    let mut out = text.to_string();
    for (start, end, new_text) in edits.into_iter().rev() {
        out.replace_range(start..end, new_text);
    }
    out
}

#[test]
fn the_removal_fix_leaves_no_empty_markup_links_lines_separators_or_articles() {
    let ws = Workspace::new();
    let guarantee = "hc.marketing.guarantee-claim";
    let cases = [
        // Strong markers left empty go; the next word takes the capital.
        (
            "strong.md",
            "**Guaranteed** results.\n",
            guarantee,
            "Guaranteed",
            "Results.\n",
        ),
        (
            "strike.md",
            "Our ~~guaranteed~~ results.\n",
            guarantee,
            "guaranteed",
            "Our results.\n",
        ),
        // In plain text a `*` is text: it stays.
        (
            "stars.txt",
            "**Guaranteed** results.\n",
            guarantee,
            "Guaranteed",
            "**** results.\n",
        ),
        // Brackets left empty go, with one space.
        (
            "brackets.md",
            "Our tea (guaranteed) helps.\n",
            guarantee,
            "guaranteed",
            "Our tea helps.\n",
        ),
        (
            "brackets.txt",
            "Our tea （guaranteed） helps.\n",
            guarantee,
            "guaranteed",
            "Our tea helps.\n",
        ),
        // A paragraph left empty goes with one of its blank lines.
        (
            "paragraph.md",
            "Hi\n\nGuaranteed.\n\nBye\n",
            guarantee,
            "Guaranteed",
            "Hi\n\nBye\n",
        ),
        (
            "paragraph.txt",
            "Hi\n\nGuaranteed.\n\nBye\n",
            guarantee,
            "Guaranteed",
            "Hi\n\nBye\n",
        ),
        (
            "last-paragraph.md",
            "Hi\n\n**Guaranteed!**\n",
            guarantee,
            "Guaranteed",
            "Hi\n",
        ),
        // An aside between two commas goes with both; in a list one comma stays.
        (
            "article.md",
            "My patient Rosa Example, a 94-year-old, is home.\n",
            "hc.privacy.client-story",
            "94-year-old",
            "My patient Rosa Example is home.\n",
        ),
        (
            "aside.txt",
            "Our tea, guaranteed, helps.\n",
            guarantee,
            "guaranteed",
            "Our tea helps.\n",
        ),
        (
            "list.md",
            "We offer calm staff, guaranteed, warm care and tea.\n",
            guarantee,
            "guaranteed",
            "We offer calm staff, warm care and tea.\n",
        ),
        // A comma after a removal that starts the sentence goes; the next word takes
        // the capital.
        (
            "separator-lead.md",
            "Hi. Guaranteed, calm staff.\n",
            guarantee,
            "Guaranteed",
            "Hi. Calm staff.\n",
        ),
        // A preposition left before another or before punctuation goes.
        (
            "preposition.md",
            "Botox with no side effects, book today.\n",
            guarantee,
            "no side effects",
            "Botox, book today.\n",
        ),
        (
            "prepositions.txt",
            "Botox with no side effects for everyone.\n",
            guarantee,
            "no side effects",
            "Botox for everyone.\n",
        ),
        // A removal at a line's end leaves no space trailing it.
        (
            "trailing.md",
            "Our results guaranteed \nCalm staff.\n",
            guarantee,
            "guaranteed",
            "Our results\nCalm staff.\n",
        ),
        // A link whose text was the match goes whole.
        (
            "link.md",
            "See [guaranteed](https://example.com) results.\n",
            guarantee,
            "guaranteed",
            "See results.\n",
        ),
        // A list item or heading left with its marker alone goes, with one blank line.
        (
            "item.md",
            "Hi.\n\n- Guaranteed!\n- Calm staff.\n",
            guarantee,
            "Guaranteed",
            "Hi.\n\n- Calm staff.\n",
        ),
        (
            "heading.md",
            "Hi.\n\n## Guaranteed!\n\nCalm staff.\n",
            guarantee,
            "Guaranteed",
            "Hi.\n\nCalm staff.\n",
        ),
        // A task list item goes as any item does, and a heading with its closing `#`s.
        (
            "task.md",
            "Hi.\n\n- [ ] Guaranteed!\n- [x] Calm staff.\n",
            guarantee,
            "Guaranteed",
            "Hi.\n\n- [x] Calm staff.\n",
        ),
        (
            "closed-heading.md",
            "Hi.\n\n## Guaranteed! ##\n\nCalm staff.\n",
            guarantee,
            "Guaranteed",
            "Hi.\n\nCalm staff.\n",
        ),
        // A setext heading's underline goes with its only line.
        (
            "setext.md",
            "Hi.\n\nGuaranteed!\n===========\n\nCalm staff.\n",
            guarantee,
            "Guaranteed",
            "Hi.\n\nCalm staff.\n",
        ),
        // An item whose next line continues it keeps its marker, and that line's text
        // moves up beside it (a marker alone would make `Hi.` a heading).
        (
            "item-continues.md",
            "Hi.\n- Guaranteed\n  calm staff.\n",
            guarantee,
            "Guaranteed",
            "Hi.\n- Calm staff.\n",
        ),
        (
            "item-continues.txt",
            "- Guaranteed\n  calm staff.\n",
            guarantee,
            "Guaranteed",
            "- Calm staff.\n",
        ),
        // A heading in a list item goes as the item does.
        (
            "heading-in-item.md",
            "Hi.\n\n- ## Guaranteed!\n- Calm staff.\n",
            guarantee,
            "Guaranteed",
            "Hi.\n\n- Calm staff.\n",
        ),
        // A `---` under an emptied ATX heading goes with it: left under `Hi.`, it
        // would make that line a heading.
        (
            "atx-underline.md",
            "Hi.\n# Guaranteed!\n---\n",
            guarantee,
            "Guaranteed",
            "Hi.\n",
        ),
        // In a quote, a line of `>` alone is a blank line: no two are left in a row.
        (
            "quote.md",
            "> Hi.\n>\n> Guaranteed!\n>\n> Calm staff.\n",
            guarantee,
            "Guaranteed",
            "> Hi.\n>\n> Calm staff.\n",
        ),
        // So is a line of fewer `>`s, and a quote left empty leaves no `>` line.
        (
            "nested-quote.md",
            "> Hi.\n>\n>> Guaranteed!\n>>\n> Calm staff.\n",
            guarantee,
            "Guaranteed",
            "> Hi.\n>\n> Calm staff.\n",
        ),
        (
            "emptied-quote.md",
            "Hi.\n\n> Guaranteed!\n>\n\nCalm staff.\n",
            guarantee,
            "Guaranteed",
            "Hi.\n\nCalm staff.\n",
        ),
        // Text left starting the line keeps reading as text: a Markdown block marker
        // it starts with is escaped; in plain text it is text already.
        (
            "marker.md",
            "Guaranteed - calm staff.\n",
            guarantee,
            "Guaranteed",
            "\\- calm staff.\n",
        ),
        (
            "hashes.md",
            "Hi.\n\nGuaranteed ##\n",
            guarantee,
            "Guaranteed",
            "Hi.\n\n\\##\n",
        ),
        (
            "html.md",
            "Guaranteed <div> calm staff.\n",
            guarantee,
            "Guaranteed",
            "\\<div> calm staff.\n",
        ),
        (
            "footnote.md",
            "Hi.\nGuaranteed [^1]: calm staff.\n",
            guarantee,
            "Guaranteed",
            "Hi.\n\\[^1]: calm staff.\n",
        ),
        (
            "marker.txt",
            "Guaranteed - calm staff.\n",
            guarantee,
            "Guaranteed",
            "- calm staff.\n",
        ),
        // The word that now starts the sentence takes the capital, on the next line too.
        (
            "capital-next-line.md",
            "Calm staff. Guaranteed\nwarm care.\n",
            guarantee,
            "Guaranteed",
            "Calm staff.\nWarm care.\n",
        ),
        // A comma left before the final full stop goes.
        (
            "separator.txt",
            "Our results, guaranteed.\n",
            guarantee,
            "guaranteed",
            "Our results.\n",
        ),
        // An article that started the sentence goes with the comma after the match, and
        // the next word takes its capital.
        (
            "sentence-article.md",
            "My patient is home. A 94-year-old, she walks daily.\n",
            "hc.privacy.client-story",
            "94-year-old",
            "My patient is home. She walks daily.\n",
        ),
    ];
    // Every draft with each line end, checked in one run; then the fixed drafts in one.
    let mut drafts = Vec::new();
    for (dir, end) in ["lf", "crlf", "cr"].into_iter().zip(["\n", "\r\n", "\r"]) {
        for (name, text, rule, words, want) in cases {
            let name = format!("{dir}/{name}");
            let (text, want) = (text.replace('\n', end), want.replace('\n', end));
            ws.file(&name, &text);
            drafts.push((name, text, rule, words, want));
        }
    }
    let (outcome, json) = ws.check_json(&["lf", "crlf", "cr"]);
    assert_eq!(outcome.code, 1, "{}", outcome.render());
    let findings = json["findings"].as_array().unwrap();
    for (name, text, rule, words, want) in &drafts {
        let at = text.find(words).unwrap() as u64;
        let finding = findings
            .iter()
            .find(|f| {
                f["file"] == name.as_str() && f["rule"] == *rule && f["start"]["offset"] == at
            })
            .unwrap_or_else(|| panic!("no {rule} finding at {words:?} in {name}: {json}"));
        let fix = finding["fixes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|fix| fix["title"] == REMOVE)
            .unwrap_or_else(|| panic!("no removal fix in {name}: {finding}"));
        let fixed = apply(text, fix);
        assert_eq!(&fixed, want, "{name}");
        ws.file(name, &fixed);
    }
    // The fixed drafts: the rule no longer fires on them.
    let (_, json) = ws.check_json(&["lf", "crlf", "cr"]);
    for (name, _, rule, _, _) in &drafts {
        assert!(
            !json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["file"] == name.as_str() && f["rule"] == *rule),
            "{rule} still fires on {name}: {json}"
        );
    }
}
