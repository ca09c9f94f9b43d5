//! Snapshot tests of whole drafts: posts, blocks, sentences, tokens, links, waivers and
//! problems, rendered as text slices so the snapshots read like the drafts.

use decorum_draft::{
    Draft, DraftFormat, DraftProblemKind, MetaValue, Metadata, Post, TextRange, WaiverScope, parse,
};
use expect_test::{Expect, expect};

fn slice(text: &str, r: TextRange) -> &str {
    decorum_text::slice(text, r)
}

fn list(text: &str, ranges: &[TextRange]) -> String {
    ranges
        .iter()
        .map(|r| slice(text, *r))
        .collect::<Vec<_>>()
        .join(" | ")
}

fn render_post(out: &mut String, draft: &Draft, post: &Post) {
    let text = &draft.text;
    out.push_str(&format!("post {}", post.index));
    if let Some(label) = &post.label {
        out.push_str(&format!(" ({label})"));
    }
    out.push_str(&format!(" body={:?}\n", slice(text, post.body)));
    if let Some(m) = post.meta_range {
        out.push_str(&format!("  front matter: {:?}\n", slice(text, m)));
    }
    for (k, v) in post.meta.iter() {
        out.push_str(&format!("  meta {k} = {}\n", v.display()));
    }
    for p in &post.paragraphs {
        out.push_str(&format!("  ¶ {:?}\n", slice(text, *p)));
    }
    for s in &post.sentences {
        out.push_str(&format!("  sentence {:?}\n", slice(text, *s)));
    }
    out.push_str(&format!("  words: {}\n", list(text, &post.words)));
    if !post.hashtags.is_empty() {
        out.push_str(&format!("  hashtags: {}\n", list(text, &post.hashtags)));
    }
    if !post.mentions.is_empty() {
        out.push_str(&format!("  mentions: {}\n", list(text, &post.mentions)));
    }
    if !post.links.is_empty() {
        out.push_str(&format!("  links: {}\n", list(text, &post.links)));
    }
    if !post.comments.is_empty() {
        out.push_str(&format!("  comments: {}\n", list(text, &post.comments)));
    }
    if !post.tables.is_empty() {
        for t in &post.tables {
            out.push_str(&format!("  table {:?}\n", slice(text, *t)));
        }
    }
    if post.emoji > 0 {
        out.push_str(&format!("  emoji: {}\n", post.emoji));
    }
}

fn render(draft: &Draft) -> String {
    let mut out = String::new();
    for post in &draft.posts {
        render_post(&mut out, draft, post);
    }
    for w in &draft.waivers {
        let rules: Vec<&str> = w.rules.iter().map(|(r, _)| r.as_str()).collect();
        let scope = match &w.scope {
            WaiverScope::File => "file".to_owned(),
            WaiverScope::NextBlock(r) => format!("next block {:?}", slice(&draft.text, *r)),
        };
        out.push_str(&format!(
            "waiver {rules:?} reason={:?} scope={scope}\n",
            w.reason.as_ref().map(|(r, _)| r)
        ));
    }
    for p in &draft.problems {
        out.push_str(&format!(
            "problem {:?} at {:?}: {}\n",
            p.kind,
            slice(&draft.text, p.range),
            p.message
        ));
    }
    out
}

/// The prose view, one line per line, with `·` for bytes blanked out of the text.
fn render_prose(draft: &Draft) -> String {
    let mut out = String::new();
    for (i, c) in draft.prose.char_indices() {
        let blanked = c == ' ' && draft.text.as_bytes().get(i) != Some(&b' ');
        match c {
            '\r' => {}
            '\n' => out.push_str("\n|"),
            _ if blanked => out.push('·'),
            c => out.push(c),
        }
    }
    format!("|{out}")
}

fn check(text: &str, format: DraftFormat, expect: Expect) {
    let draft = parse(text, format, &Metadata::new());
    expect.assert_eq(&render(&draft));
}

#[test]
fn markdown_blog_draft() {
    let text = r#"---
title: Flu season
tags: [flu, vaccines]
---
# Flu shots are here!

Book yours at https://clinic.example/flu. Dr. Lee says `code` is not prose; see
[our *guide*](https://clinic.example/guide "Guide") and ![a nurse giving a shot](img/shot.png).

<!-- reviewer: check dates -->
```
let prose = false;
```

- Walk-ins welcome #FluSeason @CityHealth
- Bring your card 💳 (www.example.org/card).

> Vaccines save lives. I've seen it.

| Age | Dose |
|-----|------|
| 65+ | high-dose |

Questions? Email info@clinic.example or see <https://clinic.example/faq>.
"#;
    let draft = parse(text, DraftFormat::Markdown, &Metadata::new());
    expect![[r##"
        post 0 body="# Flu shots are here!\n\nBook yours at https://clinic.example/flu. Dr. Lee says `code` is not prose; see\n[our *guide*](https://clinic.example/guide \"Guide\") and ![a nurse giving a shot](img/shot.png).\n\n<!-- reviewer: check dates -->\n```\nlet prose = false;\n```\n\n- Walk-ins welcome #FluSeason @CityHealth\n- Bring your card 💳 (www.example.org/card).\n\n> Vaccines save lives. I've seen it.\n\n| Age | Dose |\n|-----|------|\n| 65+ | high-dose |\n\nQuestions? Email info@clinic.example or see <https://clinic.example/faq>.\n"
          front matter: "---\ntitle: Flu season\ntags: [flu, vaccines]\n---"
          meta tags = flu, vaccines
          meta title = Flu season
          ¶ "Flu shots are here!"
          ¶ "Book yours at https://clinic.example/flu. Dr. Lee says `code` is not prose; see\n[our *guide*](https://clinic.example/guide \"Guide\") and ![a nurse giving a shot](img/shot.png)."
          ¶ "Walk-ins welcome #FluSeason @CityHealth"
          ¶ "Bring your card 💳 (www.example.org/card)."
          ¶ "Vaccines save lives. I've seen it."
          ¶ "Age | Dose"
          ¶ "65+ | high-dose"
          ¶ "Questions? Email info@clinic.example or see <https://clinic.example/faq>."
          sentence "Flu shots are here!"
          sentence "Book yours at https://clinic.example/flu."
          sentence "Dr. Lee says `code` is not prose; see\n[our *guide*](https://clinic.example/guide \"Guide\") and ![a nurse giving a shot](img/shot.png)."
          sentence "Walk-ins welcome #FluSeason @CityHealth"
          sentence "Bring your card 💳 (www.example.org/card)."
          sentence "Vaccines save lives."
          sentence "I've seen it."
          sentence "Age | Dose"
          sentence "65+ | high-dose"
          sentence "Questions?"
          sentence "Email info@clinic.example or see <https://clinic.example/faq>."
          words: Flu | shots | are | here | Book | yours | at | Dr | Lee | says | is | not | prose | see | our | guide | and | a | nurse | giving | a | shot | Walk-ins | welcome | FluSeason | CityHealth | Bring | your | card | Vaccines | save | lives | I've | seen | it | Age | Dose | 65 | high-dose | Questions | Email | info | clinic | example | or | see
          hashtags: #FluSeason
          mentions: @CityHealth
          links: https://clinic.example/flu | https://clinic.example/guide | img/shot.png | www.example.org/card | https://clinic.example/faq
          comments: <!-- reviewer: check dates -->
          table "| Age | Dose |\n|-----|------|\n| 65+ | high-dose |"
          emoji: 1
    "##]]
    .assert_eq(&render(&draft));
    expect![[r#"
        |···
        |······ ··· ······
        |····· ····· ·········
        |···
        |· Flu shots are here!
        |
        |Book yours at ··························. Dr. Lee says ······ is not prose; see
        |·our ·guide······························· ········ and ··a nurse giving a shot···············.
        |
        |···· ········· ····· ····· ···
        |···
        |··· ····· · ······
        |···
        |
        |· Walk-ins welcome #FluSeason @CityHealth
        |· Bring your card 💳 (····················).
        |
        |· Vaccines save lives. I've seen it.
        |
        |· Age · Dose ·
        |··············
        |· 65+ · high-dose ·
        |
        |Questions? Email info@clinic.example or see ····························.
        |"#]]
    .assert_eq(&render_prose(&draft));
    assert_eq!(draft.prose.len(), draft.text.len());
}

#[test]
fn content_calendar_with_three_posts() {
    check(
        r#"---
campaign: flu-2024
channel: linkedin
---
<!-- decorum-allow-file hc.platform.hashtags: campaign CMP-112 approved -->

<!-- post: Monday -->
---
channel: x
consent:
  type: written
---
Flu shots are in! Walk in any weekday. #flu

<!-- post -->
<!-- decorum-allow hc.privacy.client-story, hc.tone.venting: composite story, details changed -->
My patient, a 45-year-old teacher, finally got her shot.

Second paragraph stays checked.
   <!-- post: Wednesday, reminder -->
---
channel: instagram
---

Last call for appointments 📅
"#,
        DraftFormat::Markdown,
        expect![[r##"
            post 0 (Monday) body="Flu shots are in! Walk in any weekday. #flu\n\n"
              front matter: "---\nchannel: x\nconsent:\n  type: written\n---"
              meta campaign = flu-2024
              meta channel = x
              meta consent.type = written
              ¶ "Flu shots are in! Walk in any weekday. #flu"
              sentence "Flu shots are in!"
              sentence "Walk in any weekday. #flu"
              words: Flu | shots | are | in | Walk | in | any | weekday | flu
              hashtags: #flu
            post 1 body="<!-- decorum-allow hc.privacy.client-story, hc.tone.venting: composite story, details changed -->\nMy patient, a 45-year-old teacher, finally got her shot.\n\nSecond paragraph stays checked.\n"
              meta campaign = flu-2024
              meta channel = linkedin
              ¶ "My patient, a 45-year-old teacher, finally got her shot."
              ¶ "Second paragraph stays checked."
              sentence "My patient, a 45-year-old teacher, finally got her shot."
              sentence "Second paragraph stays checked."
              words: My | patient | a | 45-year-old | teacher | finally | got | her | shot | Second | paragraph | stays | checked
              comments: <!-- decorum-allow hc.privacy.client-story, hc.tone.venting: composite story, details changed -->
            post 2 (Wednesday, reminder) body="\nLast call for appointments 📅\n"
              front matter: "---\nchannel: instagram\n---"
              meta campaign = flu-2024
              meta channel = instagram
              ¶ "Last call for appointments 📅"
              sentence "Last call for appointments 📅"
              words: Last | call | for | appointments
              emoji: 1
            waiver ["hc.platform.hashtags"] reason=Some("campaign CMP-112 approved") scope=file
            waiver ["hc.privacy.client-story", "hc.tone.venting"] reason=Some("composite story, details changed") scope=next block "My patient, a 45-year-old teacher, finally got her shot."
        "##]],
    );
}

#[test]
fn calendar_posts_are_the_stretches_with_content() {
    let posts = |text: &'static str| -> Vec<(&str, &str)> {
        let draft = parse(text, DraftFormat::Markdown, &Metadata::new());
        let numbered = draft.posts.iter().enumerate();
        assert!(numbered.into_iter().all(|(i, p)| p.index == i), "{text:?}");
        draft
            .posts
            .iter()
            .map(|p| (slice(text, p.range), slice(text, p.body)))
            .collect()
    };
    assert_eq!(
        posts("Intro post.\n<!-- post -->\nSecond.\n"),
        [
            ("Intro post.\n", "Intro post.\n"),
            ("<!-- post -->\nSecond.\n", "Second.\n"),
        ]
    );
    // `post` in any case: a writer who typed `POST` meant a separator.
    assert_eq!(
        posts("Intro post.\n<!-- POST -->\nSecond.\n<!-- Post: Fri -->\nThird.\n"),
        [
            ("Intro post.\n", "Intro post.\n"),
            ("<!-- POST -->\nSecond.\n", "Second.\n"),
            ("<!-- Post: Fri -->\nThird.\n", "Third.\n"),
        ]
    );
    // A mistyped separator starts no post, and the draft says so where it is written.
    let mistyped = "Intro.\n<!-- posts -->\nSecond.\n";
    let draft = parse(mistyped, DraftFormat::Markdown, &Metadata::new());
    assert_eq!(draft.posts.len(), 1);
    let problems: Vec<(DraftProblemKind, &str)> = (draft.problems.iter())
        .map(|p| (p.kind, slice(mistyped, p.range)))
        .collect();
    assert_eq!(problems, [(DraftProblemKind::Separator, "<!-- posts -->")]);
    // A separator at the end, two in a row, or one before only a comment: an empty
    // stretch is no post, so a batch does not count it. A slot with front matter of its
    // own is a post its writer declared, even before its text is written.
    assert_eq!(
        posts(
            "Intro.\n<!-- post -->\n\n<!-- post -->\nSecond.\n<!-- post: Thu -->\n<!-- to do -->\n<!-- post: Fri -->\n---\nchannel: x\n---\n<!-- to do -->\n<!-- post -->\n"
        ),
        [
            ("Intro.\n", "Intro.\n"),
            ("<!-- post -->\nSecond.\n", "Second.\n"),
            (
                "<!-- post: Fri -->\n---\nchannel: x\n---\n<!-- to do -->\n",
                "<!-- to do -->\n"
            ),
        ]
    );
    assert_eq!(
        posts("<!-- post -->\nOnly one.\n"),
        [("<!-- post -->\nOnly one.\n", "Only one.\n")]
    );
    // A file with no content at all still has a post to report on: its last stretch.
    assert_eq!(
        posts("\n<!-- post -->\n\n<!-- post -->\n"),
        [("<!-- post -->\n", "")]
    );
}

/// Old Mac line ends (a lone `\r`) end lines for front matter and separators too, as
/// they do for the positions of findings; front matter was once not found at all.
#[test]
fn lone_carriage_returns_end_lines() {
    let text =
        "---\rchannel: x\r---\rFirst post.\r<!-- post -->\r---\rchannel: bluesky\r---\rSecond.\r";
    let draft = parse(text, DraftFormat::Markdown, &Metadata::new());
    assert!(draft.problems.is_empty(), "{:?}", draft.problems);
    let posts: Vec<(&str, Option<&str>)> = draft
        .posts
        .iter()
        .map(|p| {
            let channel = p.meta.get("channel").and_then(MetaValue::as_str);
            (slice(text, p.body), channel)
        })
        .collect();
    assert_eq!(
        posts,
        [("First post.\r", Some("x")), ("Second.\r", Some("bluesky"))]
    );
}

#[test]
fn crlf_bom_and_front_matter() {
    check(
        "\u{feff}---\r\nchannel: bluesky\r\n---\r\nLine one\r\ncontinues. Next one!\r\n\r\n<!-- decorum-allow hc.x: ok -->\r\nSecond para\r\n",
        DraftFormat::Markdown,
        expect![[r#"
            post 0 body="Line one\r\ncontinues. Next one!\r\n\r\n<!-- decorum-allow hc.x: ok -->\r\nSecond para\r\n"
              front matter: "---\r\nchannel: bluesky\r\n---"
              meta channel = bluesky
              ¶ "Line one\r\ncontinues. Next one!"
              ¶ "Second para"
              sentence "Line one\r\ncontinues."
              sentence "Next one!"
              sentence "Second para"
              words: Line | one | continues | Next | one | Second | para
              comments: <!-- decorum-allow hc.x: ok -->
            waiver ["hc.x"] reason=Some("ok") scope=next block "Second para"
        "#]],
    );
}

#[test]
fn a_waiver_before_a_table_covers_the_whole_table() {
    // Markdown has the table as one block; its rows are blocks here (for `paragraph`
    // scope), so the waiver's scope runs to the end of the last row.
    check(
        "<!-- decorum-allow hc.x: ok -->\n| Day | Note |\n| --- | --- |\n| Mon | Flu |\n| Tue | Story |\n\nAfter.\n",
        DraftFormat::Markdown,
        expect![[r#"
            post 0 body="<!-- decorum-allow hc.x: ok -->\n| Day | Note |\n| --- | --- |\n| Mon | Flu |\n| Tue | Story |\n\nAfter.\n"
              ¶ "Day | Note"
              ¶ "Mon | Flu"
              ¶ "Tue | Story"
              ¶ "After."
              sentence "Day | Note"
              sentence "Mon | Flu"
              sentence "Tue | Story"
              sentence "After."
              words: Day | Note | Mon | Flu | Tue | Story | After
              comments: <!-- decorum-allow hc.x: ok -->
              table "| Day | Note |\n| --- | --- |\n| Mon | Flu |\n| Tue | Story |"
            waiver ["hc.x"] reason=Some("ok") scope=next block "Day | Note |\n| --- | --- |\n| Mon | Flu |\n| Tue | Story |"
        "#]],
    );
}

#[test]
fn a_table_without_prose_in_its_header_and_a_waiver_inside_a_table() {
    // The table's range starts at its header row even when that row has no prose (so
    // the language server's "Allow here" goes above it); a waiver inside a cell covers
    // the next row only, as a waiver covers the next block.
    check(
        "| `dose` | |\n| --- | --- |\n| Mon | Flu <!-- decorum-allow hc.x: ok --> |\n| Tue | Story |\n| Wed | Rest |\n",
        DraftFormat::Markdown,
        expect![[r#"
            post 0 body="| `dose` | |\n| --- | --- |\n| Mon | Flu <!-- decorum-allow hc.x: ok --> |\n| Tue | Story |\n| Wed | Rest |\n"
              ¶ "Mon | Flu <!-- decorum-allow hc.x: ok -->"
              ¶ "Tue | Story"
              ¶ "Wed | Rest"
              sentence "Mon | Flu <!-- decorum-allow hc.x: ok -->"
              sentence "Tue | Story"
              sentence "Wed | Rest"
              words: Mon | Flu | Tue | Story | Wed | Rest
              comments: <!-- decorum-allow hc.x: ok -->
              table "| `dose` | |\n| --- | --- |\n| Mon | Flu <!-- decorum-allow hc.x: ok --> |\n| Tue | Story |\n| Wed | Rest |"
            waiver ["hc.x"] reason=Some("ok") scope=next block "Tue | Story"
        "#]],
    );
}

#[test]
fn plain_text_caption() {
    check(
        "Gracias a todos 🙏 ¡Qué día! Visit www.clinica.example/citas or https://t.co/abc.\n\n\
         <!-- decorum-allow hc.ads.self-promotion -->\n\
         Nuestra enfermera María atendió 30 niños. #VacunaciónInfantil #2024 @clínica\n\
         - Llamen al 555-0100\n\
         - Escriban a citas@clinica.example",
        DraftFormat::PlainText,
        expect![[r##"
            post 0 body="Gracias a todos 🙏 ¡Qué día! Visit www.clinica.example/citas or https://t.co/abc.\n\n<!-- decorum-allow hc.ads.self-promotion -->\nNuestra enfermera María atendió 30 niños. #VacunaciónInfantil #2024 @clínica\n- Llamen al 555-0100\n- Escriban a citas@clinica.example"
              ¶ "Gracias a todos 🙏 ¡Qué día! Visit www.clinica.example/citas or https://t.co/abc."
              ¶ "Nuestra enfermera María atendió 30 niños. #VacunaciónInfantil #2024 @clínica\n- Llamen al 555-0100\n- Escriban a citas@clinica.example"
              sentence "Gracias a todos 🙏 ¡Qué día!"
              sentence "Visit www.clinica.example/citas or https://t.co/abc."
              sentence "Nuestra enfermera María atendió 30 niños."
              sentence "#VacunaciónInfantil #2024 @clínica"
              sentence "- Llamen al 555-0100"
              sentence "- Escriban a citas@clinica.example"
              words: Gracias | a | todos | Qué | día | Visit | or | Nuestra | enfermera | María | atendió | 30 | niños | VacunaciónInfantil | 2024 | clínica | Llamen | al | 555-0100 | Escriban | a | citas | clinica | example
              hashtags: #VacunaciónInfantil
              mentions: @cl
              links: www.clinica.example/citas | https://t.co/abc
              comments: <!-- decorum-allow hc.ads.self-promotion -->
              emoji: 1
            waiver ["hc.ads.self-promotion"] reason=None scope=next block "Nuestra enfermera María atendió 30 niños. #VacunaciónInfantil #2024 @clínica\n- Llamen al 555-0100\n- Escriban a citas@clinica.example"
        "##]],
    );
}

#[test]
fn problems_never_stop_the_parse() {
    check(
        "---\nchannel: [x\n---\nText <!-- decorum-alow hc.x: y --> and <!-- decorum-allow: why -->.\n",
        DraftFormat::Markdown,
        expect![[r#"
            post 0 body="Text <!-- decorum-alow hc.x: y --> and <!-- decorum-allow: why -->.\n"
              front matter: "---\nchannel: [x\n---"
              ¶ "Text <!-- decorum-alow hc.x: y --> and <!-- decorum-allow: why -->."
              sentence "Text <!-- decorum-alow hc.x: y --> and <!-- decorum-allow: why -->."
              words: Text | and
              comments: <!-- decorum-alow hc.x: y --> | <!-- decorum-allow: why -->
            problem FrontMatter at "---\nchannel: [x\n---": invalid YAML in front matter: while parsing a flow sequence, expected ',' or ']' (line 3, column 1)
            problem Waiver at "<!-- decorum-alow hc.x: y -->": `decorum-alow` is not a Decorum directive; a waiver is written `<!-- decorum-allow RULE[, RULE...]: reason -->` for the next block, or `<!-- decorum-allow-file RULE[, RULE...]: reason -->` for the whole file
            problem Waiver at "<!-- decorum-allow: why -->": this waiver names no rule; a waiver is written `<!-- decorum-allow RULE[, RULE...]: reason -->` for the next block, or `<!-- decorum-allow-file RULE[, RULE...]: reason -->` for the whole file
        "#]],
    );
}

#[test]
fn unclosed_front_matter_is_a_problem_and_a_thematic_break_is_not() {
    // The writer meant front matter: its metadata would silently not apply.
    check(
        "---\nchannel: x\nFlu shots today.\n",
        DraftFormat::Markdown,
        expect![[r#"
            post 0 body="---\nchannel: x\nFlu shots today.\n"
              ¶ "channel: x\nFlu shots today."
              sentence "channel: x\nFlu shots today."
              words: channel | x | Flu | shots | today
            problem FrontMatter at "---": the `---` on line 1 opens front matter that is never closed, so its metadata does not apply; end the block with a `---` line
        "#]],
    );
    check(
        "Flu shots today.\n<!-- post -->\n\n---\ntype: ad\nBook now.\n",
        DraftFormat::Markdown,
        expect![[r#"
            post 0 body="Flu shots today.\n"
              ¶ "Flu shots today."
              sentence "Flu shots today."
              words: Flu | shots | today
            post 1 body="\n---\ntype: ad\nBook now.\n"
              ¶ "type: ad\nBook now."
              sentence "type: ad\nBook now."
              words: type | ad | Book | now
            problem FrontMatter at "---": the `---` on line 4 opens front matter that is never closed, so its metadata does not apply; end the block with a `---` line
        "#]],
    );
    // A rule followed by text is Markdown, not a mistake.
    let draft = parse(
        "---\nFlu shots today.\n",
        DraftFormat::Markdown,
        &Metadata::new(),
    );
    assert!(draft.problems.is_empty(), "{:?}", draft.problems);
}

#[test]
fn front_matter_after_a_comment_or_a_blank_line_is_a_problem() {
    // Its metadata would silently not apply: a channel's length limit, for one.
    check(
        "<!-- decorum-allow-file hc.privacy: composite -->\n---\nchannel: x\n---\nHi.\n",
        DraftFormat::Markdown,
        expect![[r#"
            post 0 body="<!-- decorum-allow-file hc.privacy: composite -->\n---\nchannel: x\n---\nHi.\n"
              ¶ "channel: x"
              ¶ "Hi."
              sentence "channel: x"
              sentence "Hi."
              words: channel | x | Hi
              comments: <!-- decorum-allow-file hc.privacy: composite -->
            waiver ["hc.privacy"] reason=Some("composite") scope=file
            problem FrontMatter at "---\nchannel: x\n---": the `---` block on line 2 looks like front matter, but front matter must come first (on the draft's first line, or right after a post's `<!-- post -->` line), so its metadata does not apply; move the block up, above any comment
        "#]],
    );
    check(
        "Hi.\n<!-- post -->\n\n<!-- a note -->\n---\ntype: ad\n---\nBook now.\n",
        DraftFormat::Markdown,
        expect![[r#"
            post 0 body="Hi.\n"
              ¶ "Hi."
              sentence "Hi."
              words: Hi
            post 1 body="\n<!-- a note -->\n---\ntype: ad\n---\nBook now.\n"
              ¶ "type: ad"
              ¶ "Book now."
              sentence "type: ad"
              sentence "Book now."
              words: type | ad | Book | now
              comments: <!-- a note -->
            problem FrontMatter at "---\ntype: ad\n---": the `---` block on line 5 looks like front matter, but front matter must come first (on the draft's first line, or right after a post's `<!-- post -->` line), so its metadata does not apply; move the block up, above any comment
        "#]],
    );
    // Front matter where it belongs, and a rule between paragraphs, are not problems.
    for text in [
        "---\nchannel: x\n---\nHi.\n",
        "Hi.\n<!-- post -->\n\n---\ntype: ad\n---\nBook now.\n",
        "Intro.\n\n---\n\nMore text: a note.\n\n---\n",
    ] {
        let draft = parse(text, DraftFormat::Markdown, &Metadata::new());
        assert!(draft.problems.is_empty(), "{text:?}: {:?}", draft.problems);
    }
}

#[test]
fn a_misspelt_channel_is_a_problem_and_an_unknown_one_is_not() {
    let draft = parse(
        "---\nchannel: twiter\n---\nFlu shots today.\n<!-- post -->\n---\nchannel: newsletter\n---\nHi.\n",
        DraftFormat::Markdown,
        &Metadata::new(),
    );
    let problems: Vec<&str> = draft.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        problems,
        [
            "unknown channel `twiter`: did you mean `twitter`? An unknown channel has no length limit"
        ]
    );
    // At the value, as a channel that is not text is.
    assert_eq!(
        draft.problems[0].range,
        decorum_draft::TextRange::new(13.into(), 19.into())
    );
    assert_eq!(draft.problems[0].point, Some(13.into()));
    // A key in quotes, a comment after the value; a flow mapping gets the block.
    for (text, want) in [
        ("---\n\"channel\" : twiter # X\n---\nHi.\n", 16..22),
        ("---\n{channel: twiter}\n---\nHi.\n", 0..25),
        // Lone CRs end lines too.
        ("---\rtitle: Hi\rchannel: twiter\r---\rHi.\r", 23..29),
    ] {
        let draft = parse(text, DraftFormat::Markdown, &Metadata::new());
        let range = draft.problems[0].range;
        assert_eq!(
            usize::from(range.start())..usize::from(range.end()),
            want,
            "{text:?}"
        );
    }
}

/// A front-matter key one letter from `channel`, `type` or `consent` is a problem at the
/// key, unless the block sets the known key too; `content` and other keys are metadata.
#[test]
fn a_key_one_letter_from_a_known_one_is_a_problem_at_the_key() {
    let text = "---\nchanel: x\ntitle: Hi\ncontent: notes\n\"typ\": ad\nconsnet: yes\nconsent: written\n---\nHi.\n";
    let draft = parse(text, DraftFormat::Markdown, &Metadata::new());
    let found: Vec<(&str, &str)> = draft
        .problems
        .iter()
        .map(|p| {
            let at = usize::from(p.range.start())..usize::from(p.range.end());
            (&text[at], p.message.split(" (").next().unwrap())
        })
        .collect();
    assert_eq!(
        found,
        [
            ("chanel", "`chanel` is one letter from `channel`"),
            ("\"typ\"", "`typ` is one letter from `type`"),
        ]
    );
    assert_eq!(
        draft.posts[0]
            .meta
            .get("chanel")
            .and_then(MetaValue::as_str),
        Some("x")
    );
    // A later post's block is checked too.
    let draft = parse(
        "Hi.\n<!-- post -->\n---\ntipe: ad\n---\nBook now.\n",
        DraftFormat::Markdown,
        &Metadata::new(),
    );
    assert_eq!(draft.problems.len(), 1, "{:?}", draft.problems);
}

#[test]
fn code_and_comments_hide_directives_and_separators() {
    check(
        "Intro\n\n```md\n<!-- post -->\n<!-- decorum-allow x: y -->\n```\n\n`<!-- decorum-allow z: w -->` done\n",
        DraftFormat::Markdown,
        expect![[r#"
            post 0 body="Intro\n\n```md\n<!-- post -->\n<!-- decorum-allow x: y -->\n```\n\n`<!-- decorum-allow z: w -->` done\n"
              ¶ "Intro"
              ¶ "`<!-- decorum-allow z: w -->` done"
              sentence "Intro"
              sentence "`<!-- decorum-allow z: w -->` done"
              words: Intro | done
        "#]],
    );
}

#[test]
fn text_in_html_blocks_is_prose_and_their_markup_is_not() {
    // A line that starts with a comment or a tag makes a CommonMark HTML block, text
    // and all; the text is published, so it is checked.
    check(
        "<!-- add photo --> My patient called.\n\n<div class=\"note\">Call <b>555-0142</b> today.</div>\n",
        DraftFormat::Markdown,
        expect![[r#"
            post 0 body="<!-- add photo --> My patient called.\n\n<div class=\"note\">Call <b>555-0142</b> today.</div>\n"
              ¶ "My patient called."
              ¶ "Call <b>555-0142</b> today."
              sentence "My patient called."
              sentence "Call <b>555-0142</b> today."
              words: My | patient | called | Call | 555-0142 | today
              comments: <!-- add photo -->
        "#]],
    );
}

#[test]
fn stars_inside_words_stay_in_the_prose() {
    // CommonMark reads the two stars as emphasis; a platform shows them as typed.
    let text = "What the f*ck. Really, f*ck. Un**real**ly *quiet* day.";
    let draft = parse(text, DraftFormat::Markdown, &Metadata::new());
    assert_eq!(
        draft.prose,
        "What the f*ck. Really, f*ck. Un**real**ly  quiet  day."
    );
}

#[test]
fn empty_and_blank_drafts_have_one_post() {
    for text in ["", "\n\n", "\u{feff}", "---\na: 1\n---\n"] {
        let draft = parse(text, DraftFormat::Markdown, &Metadata::new());
        assert_eq!(draft.posts.len(), 1, "{text:?}");
        assert!(draft.posts[0].words.is_empty());
    }
}

#[test]
fn base_metadata_is_the_bottom_layer() {
    let base: Metadata = [
        ("channel", MetaValue::Str("facebook".into())),
        ("owner", MetaValue::Str("comms".into())),
    ]
    .into_iter()
    .collect();
    let draft = parse("---\nchannel: x\n---\nHi", DraftFormat::Markdown, &base);
    let meta = &draft.posts[0].meta;
    assert_eq!(meta.get("channel").and_then(MetaValue::as_str), Some("x"));
    assert_eq!(meta.get("owner").and_then(MetaValue::as_str), Some("comms"));
}

#[test]
fn normalized_view_maps_back_into_the_draft() {
    let text = "# Café “Quoted”\n\nThe ﬁne ＡＢＣ clinic — it’s `CODE` naïve.\n";
    let draft = parse(text, DraftFormat::Markdown, &Metadata::new());
    let mut out = format!("{:?}\n", draft.normalized.text);
    for needle in ["cafe \"quoted\"", "fine abc clinic - it's", "naive", "code"] {
        let pattern = decorum_draft::normalize_str(needle);
        match draft.normalized.text.find(&pattern) {
            Some(at) => {
                let norm = TextRange::at((at as u32).into(), (pattern.len() as u32).into());
                let original = draft.original_range(norm);
                out.push_str(&format!("{needle:?} -> {:?}\n", slice(text, original)));
            }
            None => out.push_str(&format!("{needle:?} -> not prose\n")),
        }
    }
    expect![[r#"
        " cafe \"quoted\"\n\nthe fine abc clinic - it's naive. "
        "cafe \"quoted\"" -> "Café “Quoted”"
        "fine abc clinic - it's" -> "ﬁne ＡＢＣ clinic — it’s"
        "naive" -> "naïve"
        "code" -> not prose
    "#]]
    .assert_eq(&out);
}

#[test]
fn weighted_lengths_per_channel() {
    let x_post = "Flu clinic open today 💉👩🏽‍⚕️ https://clinic.example/a/very/long/path/to/the/booking/page?utm_source=x <!-- internal note -->";
    let cjk = "インフルエンザの予防接種を受けましょう。";
    let mut out = String::new();
    for (name, text, format) in [
        ("x post", x_post, DraftFormat::PlainText),
        ("cjk", cjk, DraftFormat::PlainText),
        (
            "markdown link",
            "Read [our guide](https://example.com/guide).",
            DraftFormat::Markdown,
        ),
    ] {
        let draft = parse(text, format, &Metadata::new());
        let post = &draft.posts[0];
        let lengths: Vec<String> = [
            Some("X"),
            Some("twitter"),
            Some("bluesky"),
            Some("linkedin"),
            None,
        ]
        .iter()
        .map(|c| {
            format!(
                "{}={}",
                c.unwrap_or("none"),
                post.weighted_length(&draft, *c)
            )
        })
        .collect();
        out.push_str(&format!("{name}: {}\n", lengths.join(" ")));
    }
    expect![[r#"
        x post: X=50 twitter=50 bluesky=97 linkedin=101 none=101
        cjk: X=40 twitter=40 bluesky=20 linkedin=20 none=20
        markdown link: X=42 twitter=42 bluesky=44 linkedin=44 none=44
    "#]]
    .assert_eq(&out);
}

#[test]
fn markdown_links_footnotes_and_tasks() {
    check(
        "See [the guide][g] and [![badge](https://img.example/b.svg)](https://example.org/x).[^1]\n\n\
         - [x] Done <b>today</b>\n- [ ] Next:\n\n  Loose paragraph in item.\n\n  1. nested\n\n\
         [^1]: Footnote text.\n\n[g]: <https://example.com/guide> \"Guide\"\n[unused]: https://unused.example\n",
        DraftFormat::Markdown,
        expect![[r#"
            post 0 body="See [the guide][g] and [![badge](https://img.example/b.svg)](https://example.org/x).[^1]\n\n- [x] Done <b>today</b>\n- [ ] Next:\n\n  Loose paragraph in item.\n\n  1. nested\n\n[^1]: Footnote text.\n\n[g]: <https://example.com/guide> \"Guide\"\n[unused]: https://unused.example\n"
              ¶ "See [the guide][g] and [![badge](https://img.example/b.svg)](https://example.org/x).[^1]"
              ¶ "Done <b>today</b>"
              ¶ "Next:"
              ¶ "Loose paragraph in item."
              ¶ "nested"
              ¶ "Footnote text."
              sentence "See [the guide][g] and [![badge](https://img.example/b.svg)](https://example.org/x).[^1]"
              sentence "Done <b>today</b>"
              sentence "Next:"
              sentence "Loose paragraph in item."
              sentence "nested"
              sentence "Footnote text."
              words: See | the | guide | and | badge | Done | today | Next | Loose | paragraph | in | item | nested | Footnote | text
              links: https://img.example/b.svg | https://example.org/x | https://example.com/guide
        "#]],
    );
}

#[test]
fn a_waiver_ends_its_line_and_whitespace_after_it_is_nothing() {
    // A no-break space after `-->` (or a line of one) makes no block, so the waiver covers
    // the paragraph below; a further comment or a table's `|` may follow a waiver too.
    // Text after it (here what a reason holding `-->` leaves) is a problem, not a waiver.
    check(
        "<!-- decorum-allow hc.a: ok --> \u{a0}\n\u{2003}\nStory one.\n\n\
         <!-- decorum-allow hc.b: ok --> <!-- note -->\nStory two.\n\n\
         <!-- decorum-allow hc.c: consent --> ref 2291 -->\nStory three.\n",
        DraftFormat::Markdown,
        expect![[r#"
            post 0 body="<!-- decorum-allow hc.a: ok --> \u{a0}\n\u{2003}\nStory one.\n\n<!-- decorum-allow hc.b: ok --> <!-- note -->\nStory two.\n\n<!-- decorum-allow hc.c: consent --> ref 2291 -->\nStory three.\n"
              ¶ "\u{2003}\nStory one."
              ¶ "Story two."
              ¶ "ref 2291 -->"
              ¶ "Story three."
              sentence "Story one."
              sentence "Story two."
              sentence "ref 2291 -->"
              sentence "Story three."
              words: Story | one | Story | two | ref | 2291 | Story | three
              comments: <!-- decorum-allow hc.a: ok --> | <!-- decorum-allow hc.b: ok --> | <!-- note --> | <!-- decorum-allow hc.c: consent -->
            waiver ["hc.a"] reason=Some("ok") scope=next block "\u{2003}\nStory one."
            waiver ["hc.b"] reason=Some("ok") scope=next block "Story two."
            problem Waiver at "<!-- decorum-allow hc.c: consent -->": text follows this waiver on its line, so the waiver has no effect (it would cover that text, not the next block); end the line after its `-->` and start the text on the next line (a reason cannot hold `-->`: the first one ends the comment)
        "#]],
    );
}

/// A `channel` that is not text is refused in the file's front matter and in a post's,
/// and the post then has no channel at all: not the one the file or the configuration
/// (`base`) sets under it, which `channel == "x"` would see while `{channel}` and the
/// length limit would not.
#[test]
fn a_channel_that_is_not_text_leaves_its_posts_without_a_channel() {
    let base: Metadata = [("channel", MetaValue::Str("bluesky".to_owned()))]
        .into_iter()
        .collect();
    let channels = |text: &str| -> String {
        let draft = parse(text, DraftFormat::Markdown, &base);
        let mut out: Vec<String> = draft
            .posts
            .iter()
            .map(|p| format!("post {}: channel = {:?}", p.index, p.meta.get("channel")))
            .collect();
        out.extend(draft.problems.iter().map(|p| {
            let message = p.message.split(',').next().unwrap_or_default();
            format!("problem at {:?}: {message}", slice(text, p.range))
        }));
        out.join("\n")
    };
    expect![[r#"
        post 0: channel = Some(Null)
        problem at "[x]": `channel` is one channel written as text"#]]
    .assert_eq(&channels("---\nchannel: [x]\n---\nFlu shots today.\n"));
    expect![[r#"
        post 0: channel = Some(Null)
        post 1: channel = Some(Str("linkedin"))
        post 2: channel = Some(Null)
        post 3: channel = Some(Null)
        problem at "[x, instagram]": `channel` is one channel written as text
        problem at "5": `channel` is one channel written as text
        problem at "a: 1": `channel` is one channel written as text"#]]
    .assert_eq(&channels(
        "---\nchannel: linkedin\n---\n<!-- post -->\n---\nchannel: [x, instagram]\n---\nOne.\n<!-- post -->\nTwo.\n<!-- post -->\n---\nchannel: 5\n---\nThree.\n<!-- post -->\n---\nchannel:\n  a: 1\n---\nFour.\n",
    ));
    // The file's refused channel holds for every post without one of its own.
    expect![[r#"
        post 0: channel = Some(Null)
        post 1: channel = Some(Null)
        post 2: channel = Some(Str("x"))
        problem at "true": `channel` is one channel written as text"#]]
    .assert_eq(&channels(
        "---\nchannel: true\n---\nOne.\n<!-- post -->\nTwo.\n<!-- post -->\n---\nchannel: x\n---\nThree.\n",
    ));
}
