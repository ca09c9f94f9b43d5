//! One test per language construct: a policy, a draft, and the findings drawn under it.

mod support;

use expect_test::expect;
use support::*;

#[test]
fn phrases_are_case_insensitive_whole_word_and_unicode_aware() {
    let set = policy(
        r##"decorum 1
policy t
terms client = ["my patient", "cafe", "it's"]
rule client { severity error flag when contains client }
"##,
    );
    expect![[r#"
        MY PATIENT ordered a café; It’s fine.
        ^^^^^^^^^^ error: t.client: client
                             ^^^^ error: t.client: client
                                   ^^^^ error: t.client: client
        my patients are not matched, nor is mycafe.

    "#]]
    .assert_eq(&annotate(
        &set,
        "MY PATIENT ordered a café; It’s fine.\nmy patients are not matched, nor is mycafe.\n",
    ));
}

#[test]
fn regexes_run_on_the_original_case_with_flags() {
    let set = policy(
        r##"decorum 1
policy t
terms ids = [/\bMRN\s*\d{5,}\b/, /\b\d{1,3}-year-old\b/i]
rule ids { flag when contains ids }
"##,
    );
    expect![[r#"
        Chart MRN 0012345 and mrn 0012345; a 45-YEAR-OLD.
              ^^^^^^^^^^^ warning: t.ids: ids
                                             ^^^^^^^^^^^ warning: t.ids: ids

    "#]]
    .assert_eq(&annotate(
        &set,
        "Chart MRN 0012345 and mrn 0012345; a 45-YEAR-OLD.\n",
    ));
}

/// A group named `match` narrows what a regex match reports; where it takes no part, or
/// holds no text, the whole match is reported; other groups change nothing.
#[test]
fn a_group_named_match_narrows_a_regex_match() {
    let set = policy(
        r##"decorum 1
policy t
terms names = [/\b(?i:patient)\s+(?<match>[A-Z][a-z]+)/, /\bclient(?:\s+(?P<match>[A-Z][a-z]*)|\s+no\.)/]
terms groups = [/\b(?<other>chart)\s+\d+/]
rule names { flag when contains names }
rule groups { flag when contains groups }
"##,
    );
    expect![[r#"
        My patient Rosa saw client Dana, client no. 4 and chart 12.
                   ^^^^ warning: t.names: names
                                   ^^^^ warning: t.names: names
                                         ^^^^^^^^^^ warning: t.names: names
                                                          ^^^^^^^^ warning: t.groups: groups

    "#]]
    .assert_eq(&annotate(
        &set,
        "My patient Rosa saw client Dana, client no. 4 and chart 12.\n",
    ));
}

/// A regex starts only where its literal prefix occurs in the normalised view, unless
/// the prefix could match text that normalises differently: `(?i)σ` matches `ς`, which
/// stays `ς`; a prefix beginning with a zero-width character is dropped by normalising.
/// Such regexes still find all their matches.
#[test]
fn regexes_with_unusual_literal_prefixes_find_every_match() {
    let set = policy(
        r##"decorum 1
policy t
terms greek = [/(?i)οσ\b/, /ασ\b/i, /CURE\b/i, /\x{200B}hidden/]
rule greek { flag when contains greek }
"##,
    );
    expect![[r#"
        Ος ΟΣ Ας cure Cure
        ^^ warning: t.greek: greek
           ^^ warning: t.greek: greek
              ^^ warning: t.greek: greek
                 ^^^^ warning: t.greek: greek
                      ^^^^ warning: t.greek: greek

    "#]]
    .assert_eq(&annotate(&set, "Ος ΟΣ Ας cure Cure\n"));
    // The zero-width space is kept out of the snapshot: the match is the space and the
    // word after it (bytes 4 to 13).
    let text = "See \u{200B}hidden.\n";
    let draft = decorum_draft::parse(
        text,
        decorum_draft::DraftFormat::Markdown,
        &Default::default(),
    );
    let ranges: Vec<(usize, usize)> = set
        .check(&draft)
        .findings
        .iter()
        .map(|f| (f.range.start().into(), f.range.end().into()))
        .collect();
    assert_eq!(ranges, [(4, 13)]);
}

/// A phrase matches across a line wrapped inside a paragraph (CRLF included), and the
/// message quotes the match on one line.
#[test]
fn phrases_match_across_a_wrapped_line_and_are_quoted_on_one_line() {
    let set = policy(
        r##"decorum 1
policy t
rule story { message "Names {match}." flag when contains ["my patient"] }
"##,
    );
    let draft = decorum_draft::parse(
        "Today my\r\n   patient called.\r\n\r\nmy\r\n\r\npatient\r\n",
        decorum_draft::DraftFormat::Markdown,
        &Default::default(),
    );
    let found: Vec<(usize, usize, String)> = set
        .check(&draft)
        .findings
        .iter()
        .map(|f| {
            (
                f.range.start().into(),
                f.range.end().into(),
                f.message.clone(),
            )
        })
        .collect();
    // Not across the blank line of the second paragraph.
    assert_eq!(found, [(6, 20, "Names my patient.".to_string())]);
}

/// `{left}` and `{right}` of a rule flagged by `and` are the first part's match and the
/// next part's, so a message naming both does not quote one match twice; a `near` inside
/// the first part keeps its own two sides, and a part about the whole post gives none.
#[test]
fn left_and_right_of_an_and_are_its_parts_matches() {
    let set = policy(
        r##"decorum 1
policy t
rule both { message "{left} / {right}" flag when contains ["Rosa"] and contains ["today"] }
rule close { message "{left} / {right}" flag when near(["Bo"], ["aged"], 3 words) and contains ["today"] }
rule alone { message "{left} / {right}" flag when contains ["Ada"] and words > 2 }
"##,
    );
    let text = "Rosa came in today.\n\nBo, aged 8, came in today.\n\nAda came in.\n";
    let draft = decorum_draft::parse(
        text,
        decorum_draft::DraftFormat::Markdown,
        &Default::default(),
    );
    let found: Vec<String> = set
        .check(&draft)
        .findings
        .iter()
        .map(|f| format!("{}: {}", f.rule.id, f.message))
        .collect();
    expect![[r#"
        [
            "t.both: Rosa / today",
            "t.close: Bo / aged",
            "t.alone: Ada / Ada",
        ]
    "#]]
    .assert_debug_eq(&found);
}

/// An appended or prepended text keeps the meaning (a safe fix) unless the post would then
/// be longer than its channel allows: on X, 280 with the two line breaks that join it.
#[test]
fn an_addition_that_would_pass_the_channel_limit_is_not_safe() {
    use decorum_engine::Applicability::{self, MaybeIncorrect, Safe};
    let set = policy(
        r##"decorum 1
policy t
rule opinion { flag when contains ["I think"] fix append "Views are my own." }
rule gift { flag when contains ["I think"] fix prepend "#ad" }
"##,
    );
    // A post of `length` characters: "I think " and a long word.
    let fixes = |channel: &str, length: usize| -> Vec<(String, Applicability)> {
        let text = format!(
            "---\nchannel: {channel}\n---\nI think {}\n",
            "x".repeat(length - 8)
        );
        let draft = decorum_draft::parse(
            &text,
            decorum_draft::DraftFormat::Markdown,
            &Default::default(),
        );
        set.check(&draft)
            .findings
            .iter()
            .flat_map(|f| f.fixes.iter().map(|x| (f.rule.id.clone(), x.applicability)))
            .collect()
    };
    let both = |a: Applicability, p: Applicability| {
        vec![("t.gift".to_string(), p), ("t.opinion".to_string(), a)]
    };
    // 280 - 2 - 17 ("Views are my own.") = 261 characters fit the appended paragraph.
    assert_eq!(fixes("x", 261), both(Safe, Safe));
    assert_eq!(fixes("x", 262), both(MaybeIncorrect, Safe));
    // "#ad" and a space: 280 - 2 - 3 = 275.
    assert_eq!(fixes("x", 276), both(MaybeIncorrect, MaybeIncorrect));
    // Without a limit, always safe.
    assert_eq!(fixes("blog", 5000), both(Safe, Safe));
}

/// Markdown markup between the words of a phrase, two spaces and a no-break space do not
/// hide it (`My *patient*` is a client story as much as `My patient`), and the message
/// quotes the match as it reads. Inline code is not prose: `` `my` patient `` names no
/// one, and `` my `x` client `` reads `my client`.
#[test]
fn phrases_match_through_markup_and_extra_spaces_and_are_quoted_as_they_read() {
    let set = policy(
        r##"decorum 1
policy t
rule story { message "Names {match}." flag when contains ["my patient", "my client"] }
"##,
    );
    let text = "My *patient* called. My  client too.\n\n[My **patient**](https://example.com/p) \
                and my\u{a0} client.\n\nNot `my` patient, my `x` client.\n";
    let draft = decorum_draft::parse(
        text,
        decorum_draft::DraftFormat::Markdown,
        &Default::default(),
    );
    let found: Vec<(&str, String)> = set
        .check(&draft)
        .findings
        .iter()
        .map(|f| (&text[f.range], f.message.clone()))
        .collect();
    expect![[r#"
        [
            (
                "My *patient",
                "Names My patient.",
            ),
            (
                "My  client",
                "Names My client.",
            ),
            (
                "My **patient",
                "Names My patient.",
            ),
            (
                "my\u{a0} client",
                "Names my client.",
            ),
            (
                "my `x` client",
                "Names my client.",
            ),
        ]
    "#]]
    .assert_debug_eq(&found);
}

#[test]
fn union_difference_and_references() {
    let set = policy(
        r##"decorum 1
policy t
terms jobs = ["teacher", "rancher"]
terms places = ["Millbrook"]
terms both = (jobs + places) - ["teacher"]
rule q { flag when contains both }
"##,
    );
    expect![[r#"
        A teacher and a rancher from Millbrook.
                        ^^^^^^^ warning: t.q: q
                                     ^^^^^^^^^ warning: t.q: q

    "#]]
    .assert_eq(&annotate(&set, "A teacher and a rancher from Millbrook.\n"));
}

#[test]
fn masked_terms_catch_masked_spellings_without_scunthorpe_problems() {
    let set = policy(
        r##"decorum 1
policy t
terms swear = ["fuck", "shit", "hell", "ass", "cunt"] masked
rule swear { flag when contains swear }
"##,
    );
    expect![[r#"
        F*ck this, sh!t, f**k and hell.
        ^^^^ warning: t.swear: swear
                   ^^^^ warning: t.swear: swear
                         ^^^^ warning: t.swear: swear
                                  ^^^^ warning: t.swear: swear
        Scunthorpe, HELLP, shiitake, assess, hello, class.

    "#]]
    .assert_eq(&annotate(
        &set,
        "F*ck this, sh!t, f**k and hell.\nScunthorpe, HELLP, shiitake, assess, hello, class.\n",
    ));
    // Two masked words in one Markdown paragraph are not emphasis to the reader; `@`
    // and `$` mask vowels; an ellipsis after a consonant masks nothing.
    expect![[r#"
        What the f*ck. Really, f*ck. F@ck, sh$t.
                 ^^^^ warning: t.swear: swear
                               ^^^^ warning: t.swear: swear
                                     ^^^^ warning: t.swear: swear
                                           ^^^^ warning: t.swear: swear
        It's... well, as... fine.

    "#]]
    .assert_eq(&annotate(
        &set,
        "What the f*ck. Really, f*ck. F@ck, sh$t.\nIt's... well, as... fine.\n",
    ));
}

#[test]
fn case_sensitive_terms_match_only_as_written() {
    let set = policy(
        r##"decorum 1
policy t
terms syndrome = ["HELLP"] case-sensitive
rule s { flag when contains syndrome }
"##,
    );
    expect![[r#"
        HELLP syndrome, not hellp or Hellp.
        ^^^^^ warning: t.s: s

    "#]]
    .assert_eq(&annotate(&set, "HELLP syndrome, not hellp or Hellp.\n"));
}

#[test]
fn negation_and_allowlists() {
    let set = policy(
        r##"decorum 1
policy t
terms cure = ["cure", "cures", "100% effective"] allow ["cure rate"] unless negated
rule cure { flag when contains cure }
"##,
    );
    expect![[r#"
        There is no cure yet. This tea cures anxiety.
                                       ^^^^^ warning: t.cure: cure
        No vaccine is 100% effective. Our cure rate is high.
        No worries, this cures it. We don't promise a cure, but it cures.
                         ^^^^^ warning: t.cure: cure
                                                                   ^^^^^ warning: t.cure: cure

    "#]]
    .assert_eq(&annotate(
        &set,
        "There is no cure yet. This tea cures anxiety.\nNo vaccine is 100% effective. Our cure rate is high.\nNo worries, this cures it. We don't promise a cure, but it cures.\n",
    ));
    // Dashes end a clause (and are several bytes long); "and" coordinates what the cue
    // negates; "not just" adds rather than negates.
    expect![[r#"
        No needles — this cures it. No needles – a cure.
                          ^^^^^ warning: t.cure: cure
                                                   ^^^^ warning: t.cure: cure
        We don't promise miracles and cures. Not just a cure, a new life.
                                                        ^^^^ warning: t.cure: cure

    "#]]
    .assert_eq(&annotate(
        &set,
        "No needles — this cures it. No needles – a cure.\nWe don't promise miracles and cures. Not just a cure, a new life.\n",
    ));
}

#[test]
fn quotations_drop_matches_of_unless_quoted_sets() {
    // Inside "...", “...” and «...» of the paragraph: dropped; outside, after a closed
    // quotation, or after a mark never closed: kept. An extension of the set is quoted
    // too, and a union with the set keeps the filter.
    let set = policy(
        r##"decorum 1
policy t
terms story = ["my client"] unless quoted
extend story += ["my patient"]
terms either = story + ["a client"]
rule story { flag when contains either }
"##,
    );
    expect![[r#"
        Posts like "My client today told me" hurt. So do “my patient” and «a client».
                                                                           ^^^^^^^^ warning: t.story: story
        My client said "thanks". "Hi," said my patient. He wrote "my client
        ^^^^^^^^^ warning: t.story: story
                                            ^^^^^^^^^^ warning: t.story: story
                                                                  ^^^^^^^^^ warning: t.story: story

    "#]]
    .assert_eq(&annotate(
        &set,
        "Posts like \"My client today told me\" hurt. So do “my patient” and «a client».\nMy client said \"thanks\". \"Hi,\" said my patient. He wrote \"my client\n",
    ));
}

#[test]
fn flag_once_reports_a_posts_hits_as_one_finding() {
    // `flag once`: the first hit underlined, the others as evidence, each stretch once;
    // plain `flag` gives a finding per hit.
    let set = policy(
        r##"decorum 1
policy t
terms mood = ["iced latte", "my lunch", "latte"]
rule once { flag once when contains mood }
rule each { severity info  flag when contains mood }
"##,
    );
    expect![[r#"
        Iced latte and my lunch, then my lunch again.
        ^^^^^^^^^^ info: t.each: each
        ^^^^^^^^^^ warning: t.once: once
            related: "my lunch" (also)
            related: "my lunch" (also)
                       ^^^^^^^^ info: t.each: each
                                      ^^^^^^^^ info: t.each: each

    "#]]
    .assert_eq(&annotate(
        &set,
        "Iced latte and my lunch, then my lunch again.\n",
    ));
}

#[test]
fn flag_once_refuses_fixes_that_change_one_match() {
    let out = decorum_engine::compile(&decorum_engine::PolicyInputs::single(
        "t.decorum",
        "decorum 1\npolicy t\nrule r {\n  flag once when contains [\"x\"]\n  fix remove\n  fix append \"ok\"\n}\n",
    ));
    let messages: Vec<String> = out.problems.iter().map(|d| d.message.clone()).collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].contains("would change only the first"),
        "{messages:?}"
    );
}

#[test]
fn near_ordered_and_unordered_in_scopes() {
    let set = policy(
        r##"decorum 1
policy t
rule unordered { flag when near(["patient"], ["teacher"], 3 words) in sentence }
rule ordered { flag when near(["stop"], ["antibiotics"], 2 words, ordered) in sentence }
"##,
    );
    expect![[r#"
        The teacher is my patient. My patient. The teacher.
            ^^^^^^^ warning: t.unordered: unordered
            related: "patient" (together with this)
        Stop your antibiotics. Antibiotics: never stop.
                  ^^^^^^^^^^^ warning: t.ordered: ordered
            related: "Stop" (together with this)

    "#]]
    .assert_eq(&annotate(
        &set,
        "The teacher is my patient. My patient. The teacher.\nStop your antibiotics. Antibiotics: never stop.\n",
    ));
}

/// Left matches nested in each other (same start, or a later start that ends sooner) are
/// not in order of their distance to the right match: the nearest must still be found
/// behind one that is too far.
#[test]
fn near_finds_the_nearest_of_nested_matches() {
    let set = policy(
        r##"decorum 1
policy t
rule same-start { flag when near(["pain", "pain in the neck"], ["insurer"], 2 words) in sentence }
rule later-start { flag when near(["in", "pain in the neck"], ["payer"], 1 words) in sentence }
"##,
    );
    expect![[r#"
        What a pain in the neck insurer. That pain is worse than any insurer.
                                ^^^^^^^ warning: t.same-start: same-start
            related: "pain in the neck" (together with this)
        What a pain in the neck payer. A pain in my payer.
                                ^^^^^ warning: t.later-start: later-start
            related: "pain in the neck" (together with this)
                                                    ^^^^^ warning: t.later-start: later-start
            related: "in" (together with this)

    "#]]
    .assert_eq(&annotate(
        &set,
        "What a pain in the neck insurer. That pain is worse than any insurer.\nWhat a pain in the neck payer. A pain in my payer.\n",
    ));
}

#[test]
fn paragraph_and_opening_scopes() {
    let set = policy(
        r##"decorum 1
policy t
rule same-paragraph { flag when (contains ["insurer"] and contains ["idiots"]) in paragraph }
rule late-disclosure { flag when contains ["#partner"] and not contains ["#ad"] in first 5 words }
"##,
    );
    expect![[r#"
        The insurer denied it.

        Those idiots.

        Insurer idiots again.
        ^^^^^^^ warning: t.same-paragraph: same-paragraph
            related: "idiots" (and this)
        <!-- post -->
        Great brush, love it, really #ad #partner
                                         ^^^^^^^^ warning: t.late-disclosure: late-disclosure
        <!-- post -->
        #ad great brush #partner

    "#]]
    .assert_eq(&annotate(
        &set,
        "The insurer denied it.\n\nThose idiots.\n\nInsurer idiots again.\n<!-- post -->\nGreat brush, love it, really #ad #partner\n<!-- post -->\n#ad great brush #partner\n",
    ));
}

#[test]
fn boolean_conditions_carry_evidence() {
    let set = policy(
        r##"decorum 1
policy t
rule both { flag when contains ["insurance"] and contains ["denied"] and not contains ["appeal"] }
rule either { flag when contains ["lunch"] or contains ["selfie"] }
"##,
    );
    expect![[r#"
        My insurance denied it again.
           ^^^^^^^^^ warning: t.both: both
            related: "denied" (and this)
        <!-- post -->
        Lunch selfie!
        ^^^^^ warning: t.either: either
              ^^^^^^ warning: t.either: either
        <!-- post -->
        Insurance denied; we will appeal.

    "#]]
    .assert_eq(&annotate(&set, "My insurance denied it again.\n<!-- post -->\nLunch selfie!\n<!-- post -->\nInsurance denied; we will appeal.\n"));
}

#[test]
fn counts_ratios_and_fields() {
    let set = policy(
        r##"decorum 1
policy t
terms me = ["i", "me", "my"]
rule self-focus {
  param threshold = 20%
  message "{value} of words are about you (limit {threshold}); {words} words."
  flag when count(me) / words > threshold
}
rule tags { message "{hashtags} hashtags" flag when hashtags > 2 or mentions >= 2 or links > 1 }
rule long-sentences { message "{value} words a sentence" flag when words / sentences > 7 }
"##,
    );
    expect![[r#"
        I love my job and I love me.
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: t.long-sentences: 8 words a sentence
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: t.self-focus: 50% of words are about you (limit 20%); 8 words.
        <!-- post -->
        Tips for you: sleep well, drink water. #a #b #c
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: t.long-sentences: 10 words a sentence
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: t.tags: 3 hashtags
        <!-- post -->
        Thanks @ana and @ben, see https://example.com and www.example.org
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: t.tags: 0 hashtags

    "#]]
    .assert_eq(&annotate(
        &set,
        "I love my job and I love me.\n<!-- post -->\nTips for you: sleep well, drink water. #a #b #c\n<!-- post -->\nThanks @ana and @ben, see https://example.com and www.example.org\n",
    ));
}

/// `chars` counts a unit's characters as published: an HTML comment (a waiver among
/// them) and the whitespace around the text do not count, a CRLF counts one, Markdown
/// is kept as written.
#[test]
fn chars_counts_the_published_characters() {
    let set = policy(
        r##"decorum 1
policy t
rule short { message "{chars} chars" flag when chars < 15 }
rule sentence { message "{value} chars in a sentence" flag when (chars > 20) in sentence }
"##,
    );
    expect![[r#"
        <!-- a comment that is longer than the post -->
        **Hello** you.
        ^^^^^^^^^^^^^^ warning: t.short: 14 chars
        <!-- post -->
        Not short at all.
        <!-- post -->
        One two three four five six.
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: t.sentence: 28 chars in a sentence

    "#]]
    .assert_eq(&annotate(
        &set,
        "<!-- a comment that is longer than the post -->\n**Hello** you.\n<!-- post -->\nNot short at all.\n<!-- post -->\nOne two three four five six.\n",
    ));
    let crlf = annotate(&set, "Hi\r\nthere\r\n");
    assert!(crlf.contains("t.short: 8 chars"), "{crlf}");
}

/// A comparison in a scope (`(words > 3) in sentence`) is a finding about the post; its
/// message measures the first unit where it held, not the whole post.
#[test]
fn a_scoped_comparisons_message_measures_the_unit_it_held_in() {
    let set = policy(
        r##"decorum 1
policy t
rule long { message "{value} chars, {words} words in a sentence" flag when (chars > 10) in sentence }
rule both { message "{value} chars" flag when (chars > 10) in sentence and words > 1 }
rule either { message "{value} chars" flag when (chars > 10) in sentence or words > 100 }
"##,
    );
    expect![[r#"
        Short one. This sentence is quite a bit longer than ten. Ok.
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: t.both: 45 chars
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: t.either: 45 chars
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: t.long: 45 chars, 9 words in a sentence

    "#]]
    .assert_eq(&annotate(
        &set,
        "Short one. This sentence is quite a bit longer than ten. Ok.\n",
    ));
}

#[test]
fn platform_length_counts_like_the_channel() {
    let set = policy(
        r##"decorum 1
policy t
rule length { message "{length} of {limit} on {channel}" flag when length > limit }
"##,
    );
    let long_x = format!(
        "---\nchannel: x\n---\n{} https://example.com/{}\n",
        "😀".repeat(130),
        "a".repeat(200)
    );
    let long_bluesky = format!("---\nchannel: bluesky\n---\n{}\n", "👍🏽".repeat(301));
    let fine_x = format!("---\nchannel: x\n---\n{}\n", "a".repeat(280));
    expect![[r#"
        ---
        channel: x
        ---
        (130 emoji) https://example.com/(a×200)
        ^…^…^…^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: t.length: 284 of 280 on x

        ---
        ---
        channel: bluesky
        ---
        (301 thumbs)
        ^…^…^…^…^…^…^^ warning: t.length: 301 of 300 on bluesky

        ---
        ---
        channel: x
        ---
        (a×200)aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa

    "#]]
    .assert_eq(
        &[
            annotate(&set, &long_x),
            annotate(&set, &long_bluesky),
            annotate(&set, &fine_x),
        ]
        .join("---\n")
        .replace(&"😀".repeat(130), "(130 emoji)")
        .replace(&"👍🏽".repeat(301), "(301 thumbs)")
        .replace(&"a".repeat(200), "(a×200)")
        .replace(&"a".repeat(280), "(a×280)")
        .replace(&"^".repeat(100), "^…"),
    );
}

/// A post too short to pass its limit even if every byte counted is judged without
/// counting: the outcome must be the one counting gives, at the limit and around it.
#[test]
fn a_length_limit_is_judged_the_same_without_counting() {
    let set = policy(
        r##"decorum 1
policy t
rule over { message "{length} of {limit}" flag when length > limit }
rule reaches { message "{length}" flag when length >= 2200 }
"##,
    );
    let post = |body: String| format!("---\nchannel: instagram\n---\n{body}");
    let ids = |draft: String| {
        check_markdown(&set, &draft)
            .findings
            .iter()
            .map(|f| format!("{}: {}", f.rule.id, f.message))
            .collect::<Vec<_>>()
    };
    // 2,200 bytes, 2,200 characters: the limit itself, reached but not passed.
    assert_eq!(ids(post("a".repeat(2200))), ["t.reaches: 2200"]);
    // One byte more than the limit: only counting can tell, and it says over.
    assert_eq!(
        ids(post("a".repeat(2201))),
        ["t.over: 2201 of 2200", "t.reaches: 2201"]
    );
    // 2,202 bytes but 1,101 characters: counting says neither.
    assert!(ids(post("é".repeat(1101))).is_empty());
    // Shorter than the limit in bytes: neither, without counting.
    assert!(ids(post("a".repeat(2199))).is_empty());
}

#[test]
fn metadata_conditions() {
    let set = policy(
        r##"decorum 1
policy t
rule photo { flag when type == "patient-photo" and meta.consent != "written" }
rule x-only { flag when channel in ["x", "bluesky"] and has meta.campaign }
rule flags { flag when meta.reviewed == false or meta.priority == 2 }
"##,
    );
    expect![[r#"
        ---
        type: Patient-Photo
        consent: verbal
        reviewed: false
        ---
        Before and after.
        ^^^^^^^^^^^^^^^^^ warning: t.flags: flags
        ^^^^^^^^^^^^^^^^^ warning: t.photo: photo
        <!-- post -->
        ---
        channel: X
        campaign: flu-2026
        priority: 2
        consent: written
        ---
        Flu shots.
        ^^^^^^^^^^ warning: t.flags: flags
        ^^^^^^^^^^ warning: t.x-only: x-only

    "#]]
    .assert_eq(&annotate(
        &set,
        "---\ntype: Patient-Photo\nconsent: verbal\nreviewed: false\n---\nBefore and after.\n<!-- post -->\n---\nchannel: X\ncampaign: flu-2026\npriority: 2\nconsent: written\n---\nFlu shots.\n",
    ));
}

#[test]
fn twitter_is_the_channel_x_in_conditions_too() {
    // `channel: twitter` has X's limit and counting; `channel == "x"` held for it only
    // since this test, so a rule exempting X treated the same post two ways.
    let set = policy(
        r##"decorum 1
policy t
rule not-x { flag when not channel == "x" and contains ["#ad"] }
rule in-list { flag when channel in ["twitter"] and contains ["#ad"] }
"##,
    );
    expect![[r#"
        ---
        channel: Twitter
        ---
        Great toothbrush #ad
                         ^^^ warning: t.in-list: in-list
        <!-- post -->
        ---
        channel: x
        ---
        Great toothbrush #ad
                         ^^^ warning: t.in-list: in-list
        <!-- post -->
        ---
        channel: instagram
        ---
        Great toothbrush #ad
                         ^^^ warning: t.not-x: not-x

    "#]]
    .assert_eq(&annotate(
        &set,
        "---\nchannel: Twitter\n---\nGreat toothbrush #ad\n<!-- post -->\n---\nchannel: x\n---\nGreat toothbrush #ad\n<!-- post -->\n---\nchannel: instagram\n---\nGreat toothbrush #ad\n",
    ));
}

#[test]
fn obligations_and_append_fixes() {
    let set = policy(
        r##"decorum 1
policy t
rule fair-balance {
  message "“{match}” needs a risk statement."
  when contains ["lowers blood pressure"] require contains ["side effects"]
  fix append "Side effects are possible."
}
"##,
    );
    expect![[r#"
        Drug X lowers blood pressure fast.
               ^^^^^^^^^^^^^^^^^^^^^ warning: t.fair-balance: “lowers blood pressure” needs a risk statement.
            fix: Add “Side effects are possible.” at the end of the post -> "Drug X lowers blood pressure fast.\n\nSide effects are possible.\n<!-- post -->\nDrug X lowers blood pressure. Side effects include dizziness.\n"
        <!-- post -->
        Drug X lowers blood pressure. Side effects include dizziness.

    "#]]
    .assert_eq(&annotate(&set, "Drug X lowers blood pressure fast.\n<!-- post -->\nDrug X lowers blood pressure. Side effects include dizziness.\n"));
}

/// `fix prepend` puts its text before the first block's text: after front matter, a
/// waiver comment and a heading's marker, so the markup stays whole.
#[test]
fn prepend_fixes_go_before_the_first_blocks_text() {
    let set = policy(
        r##"decorum 1
policy t
rule disclosure {
  when contains ["use my code"] require contains ["#ad"]
  fix prepend "#ad"
}
rule other { flag when contains ["zzz"] }
"##,
    );
    expect![[r#"
        ---
        channel: instagram
        ---
        # New brush

        Love it! Use my code SMILE20.
                 ^^^^^^^^^^^ warning: t.disclosure: disclosure
            fix: Add “#ad” at the start of the post -> "---\nchannel: instagram\n---\n# #ad New brush\n\nLove it! Use my code SMILE20.\n<!-- post -->\n<!-- decorum-allow t.other: unrelated -->\nUse my code SMILE20.\n"
        <!-- post -->
        <!-- decorum-allow t.other: unrelated -->
        Use my code SMILE20.
        ^^^^^^^^^^^ warning: t.disclosure: disclosure
            fix: Add “#ad” at the start of the post -> "---\nchannel: instagram\n---\n# New brush\n\nLove it! Use my code SMILE20.\n<!-- post -->\n<!-- decorum-allow t.other: unrelated -->\n#ad Use my code SMILE20.\n"

        waiver ["t.other"]: "unrelated" silenced 0
    "#]]
    .assert_eq(&annotate(&set, "---\nchannel: instagram\n---\n# New brush\n\nLove it! Use my code SMILE20.\n<!-- post -->\n<!-- decorum-allow t.other: unrelated -->\nUse my code SMILE20.\n"));
}

/// Without prose to put it before, `fix prepend` adds a paragraph of its own: before a
/// code block (at its line's start), or where `append` would in a post with no text (a
/// separator after it stays on a line of its own).
#[test]
fn prepend_fixes_in_posts_without_prose() {
    let set = policy(
        r##"decorum 1
policy t
rule disclosure {
  when has meta.sponsor require contains ["#ad"]
  fix prepend "#ad"
}
"##,
    );
    expect![[r#"
        Hello.
        <!-- post -->
        ---
        sponsor: acme
        ---
        <!-- post -->
        ^ warning: t.disclosure: disclosure
            fix: Add “#ad” at the start of the post -> "Hello.\n<!-- post -->\n---\nsponsor: acme\n---\n#ad\n<!-- post -->\n---\nsponsor: acme\n---\n    indented code\n<!-- post -->\n---\nsponsor: acme\n---\n<!-- a note -->\n"
        ---
        sponsor: acme
        ---
            indented code
            ^^^^^^^^^^^^^ warning: t.disclosure: disclosure
            fix: Add “#ad” at the start of the post -> "Hello.\n<!-- post -->\n---\nsponsor: acme\n---\n<!-- post -->\n---\nsponsor: acme\n---\n#ad\n\n    indented code\n<!-- post -->\n---\nsponsor: acme\n---\n<!-- a note -->\n"
        <!-- post -->
        ---
        sponsor: acme
        ---
        <!-- a note -->
        ^ warning: t.disclosure: disclosure
            fix: Add “#ad” at the start of the post -> "Hello.\n<!-- post -->\n---\nsponsor: acme\n---\n<!-- post -->\n---\nsponsor: acme\n---\n    indented code\n<!-- post -->\n---\nsponsor: acme\n---\n<!-- a note -->\n\n#ad\n"

    "#]]
    .assert_eq(&annotate(&set, "Hello.\n<!-- post -->\n---\nsponsor: acme\n---\n<!-- post -->\n---\nsponsor: acme\n---\n    indented code\n<!-- post -->\n---\nsponsor: acme\n---\n<!-- a note -->\n"));
}

/// An appended sentence follows the post's own line ends (CRLF here, and a lone CR
/// below), even when many findings of a long post each carry the fix.
#[test]
fn append_fixes_keep_crlf_line_ends() {
    let set = policy(
        r##"decorum 1
policy t
rule fair-balance {
  when contains ["lowers blood pressure"] require contains ["side effects"]
  fix append "Side effects are possible."
}
"##,
    );
    // The text each fix of each finding inserts.
    let appended = |draft: &str| -> Vec<String> {
        let report = set.check(&decorum_draft::parse(
            draft,
            decorum_draft::DraftFormat::Markdown,
            &decorum_draft::Metadata::default(),
        ));
        let fixes = report.findings.into_iter().flat_map(|f| f.fixes);
        fixes
            .flat_map(|fix| fix.edits)
            .map(|edit| edit.new_text)
            .collect()
    };
    assert_eq!(
        appended("Drug X lowers blood pressure.\r\nIt lowers blood pressure fast.\r\n"),
        [
            "\r\n\r\nSide effects are possible.",
            "\r\n\r\nSide effects are possible."
        ]
    );
    // A post's own line ends win; a post of one line takes the draft's.
    for (draft, line_end) in [
        ("Drug X lowers blood pressure.\rSee you.\r", "\r"),
        ("Drug X lowers blood pressure.\n", "\n"),
        (
            "---\r\nchannel: x\r\n---\r\nDrug X lowers blood pressure.",
            "\r\n",
        ),
    ] {
        let expected = format!("{line_end}{line_end}Side effects are possible.");
        assert_eq!(appended(draft), [expected], "{draft:?}");
    }
}

#[test]
fn replace_and_remove_fixes() {
    let set = policy(
        r##"decorum 1
policy t
terms stigma = ["committed suicide" -> "died by suicide", "addict" -> "person with a substance use disorder"]
rule stigma { flag when contains stigma fix replace }
rule flyer { flag when contains ["frequent flyer"] fix replace "patient who visits often" fix remove }
"##,
    );
    expect![[r#"
        Committed suicide, said the addict.
        ^^^^^^^^^^^^^^^^^ warning: t.stigma: stigma
            fix: Replace with “Died by suicide” -> "Died by suicide, said the addict.\nAnother frequent flyer tonight.\n"
                                    ^^^^^^ warning: t.stigma: stigma
            fix: Replace with “person with a substance use disorder” -> "Committed suicide, said the person with a substance use disorder.\nAnother frequent flyer tonight.\n"
        Another frequent flyer tonight.
                ^^^^^^^^^^^^^^ warning: t.flyer: flyer
            fix: Replace with “patient who visits often” -> "Committed suicide, said the addict.\nAnother patient who visits often tonight.\n"
            fix: Remove the flagged words -> "Committed suicide, said the addict.\nAnother tonight.\n"

    "#]]
    .assert_eq(&annotate(&set, "Committed suicide, said the addict.\nAnother frequent flyer tonight.\n"));
    // A term's own suggestion keeps the meaning; one text for whatever matched may not.
    let report = set.check(&decorum_draft::parse(
        "Committed suicide, said the addict.\nAnother frequent flyer tonight.\n",
        decorum_draft::DraftFormat::Markdown,
        &decorum_draft::Metadata::default(),
    ));
    let applicability: Vec<(&str, decorum_engine::Applicability)> = report
        .findings
        .iter()
        .flat_map(|f| &f.fixes)
        .map(|fix| (fix.title.as_str(), fix.applicability))
        .collect();
    {
        use decorum_engine::Applicability::{MaybeIncorrect, Safe};
        assert_eq!(
            applicability,
            [
                ("Replace with “Died by suicide”", Safe),
                ("Replace with “person with a substance use disorder”", Safe),
                ("Replace with “patient who visits often”", MaybeIncorrect),
                ("Remove the flagged words", MaybeIncorrect),
            ]
        );
    }
    // A match across markup gets no replace or remove fix: `Another **frequent** flyer`
    // would become `Another patient who visits often** flyer`.
    expect![[r#"
        Another **frequent** flyer tonight, an *addict*.
                  ^^^^^^^^^^^^^^^^ warning: t.flyer: flyer
                                                ^^^^^^ warning: t.stigma: stigma
            fix: Replace with “person with a substance use disorder” -> "Another **frequent** flyer tonight, an *person with a substance use disorder*.\n"

    "#]]
    .assert_eq(&annotate(&set, "Another **frequent** flyer tonight, an *addict*.\n"));
}

#[test]
fn batch_rules_count_posts_across_drafts() {
    let set = policy(
        r##"decorum 1
policy t
rule adverts {
  param max = 30%
  message "{value} of {posts} posts are adverts (max {max}) {{batch}}"
  flag batch when share(contains ["book now"]) > max and posts >= 3
}
"##,
    );
    expect![[r#"
        Book now!
        <!-- post -->
        Tips.
        <!-- post -->
        Book now, again.
        ^^^^^^^^ warning: t.adverts: 50% of 4 posts are adverts (max 30%) {batch}
            related: "Book now" (also counted)
        <!-- post -->
        More tips.

    "#]]
    .assert_eq(&annotate(&set, "Book now!\n<!-- post -->\nTips.\n<!-- post -->\nBook now, again.\n<!-- post -->\nMore tips.\n"));
    let a = decorum_draft::parse(
        "Book now!\n",
        decorum_draft::DraftFormat::Markdown,
        &Default::default(),
    );
    let b = decorum_draft::parse(
        "Book now.\n",
        decorum_draft::DraftFormat::Markdown,
        &Default::default(),
    );
    let c = decorum_draft::parse(
        "Tips.\n",
        decorum_draft::DraftFormat::Markdown,
        &Default::default(),
    );
    let reports = set.check_batch(&[&a, &b, &c]);
    let counts: Vec<usize> = reports.iter().map(|r| r.findings.len()).collect();
    assert_eq!(
        counts,
        vec![0, 1, 0],
        "the finding lands on the last counted post"
    );
    assert_eq!(reports[1].findings[0].related.len(), 1);
    assert_eq!(reports[1].findings[0].related[0].draft, 0);
}

#[test]
fn markdown_code_urls_and_comments_are_not_prose() {
    let set = policy(
        r##"decorum 1
policy t
rule cure { flag when contains ["cure"] }
"##,
    );
    expect![[r#"
        `cure` in code, https://example.com/cure, <!-- cure -->

        ```
        cure
        ```

        [a cure](https://example.com/cure) and ![cure photo](x.png)
           ^^^^ warning: t.cure: cure
                                                 ^^^^ warning: t.cure: cure

    "#]]
    .assert_eq(&annotate(
        &set,
        "`cure` in code, https://example.com/cure, <!-- cure -->\n\n```\ncure\n```\n\n[a cure](https://example.com/cure) and ![cure photo](x.png)\n",
    ));
}

#[test]
fn waivers_need_reasons_and_known_rules() {
    let set = policy(
        r##"decorum 1
policy t
rule cure { flag when contains ["cure"] }
rule lunch { flag when contains ["lunch"] }
"##,
    );
    expect![[r#"
        <!-- decorum-allow t.cure: quoting a patient's question -->
        A cure?

        A cure!
          ^^^^ warning: t.cure: cure

        <!-- decorum-allow t.lunch -->
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ error: decorum.waiver-reason: This waiver has no reason, so it has no effect. Add one after a colon: `<!-- decorum-allow RULE: why -->`.
        Lunch.
        ^^^^^ warning: t.lunch: lunch

        <!-- decorum-allow t.lnch: typo -->
                           ^^^^^^ warning: decorum.waiver-unknown-rule: No active policy defines the rule `t.lnch`, so this waiver does nothing. Did you mean `t.lunch`?
        Lunch again.
        ^^^^^ warning: t.lunch: lunch

        waiver ["t.cure"]: "quoting a patient's question" silenced 1
    "#]]
    .assert_eq(&annotate(
        &set,
        "<!-- decorum-allow t.cure: quoting a patient's question -->\nA cure?\n\nA cure!\n\n<!-- decorum-allow t.lunch -->\nLunch.\n\n<!-- decorum-allow t.lnch: typo -->\nLunch again.\n",
    ));
    expect![[r#"
        <!-- decorum-allow-file t: satire column, approved by comms -->
        A cure for lunch.

        waiver ["t"]: "satire column, approved by comms" silenced 2
    "#]]
    .assert_eq(&annotate(
        &set,
        "<!-- decorum-allow-file t: satire column, approved by comms -->\nA cure for lunch.\n",
    ));
    // A finding about the whole post sits on its first line of text, so a waiver above
    // that line covers it; without the waiver it is not put on a comment line.
    let counts = policy("decorum 1\npolicy t\nrule cnt { flag when count([\"teacher\"]) > 1 }\n");
    expect![[r#"
        <!-- decorum-allow t.cnt: quoting a list -->
        The teacher and the teacher.

        waiver ["t.cnt"]: "quoting a list" silenced 1
    "#]]
    .assert_eq(&annotate(
        &counts,
        "<!-- decorum-allow t.cnt: quoting a list -->\nThe teacher and the teacher.\n",
    ));
    expect![[r#"
        <!-- an editor's note -->
        The teacher and the teacher.
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: t.cnt: cnt

    "#]]
    .assert_eq(&annotate(
        &counts,
        "<!-- an editor's note -->\nThe teacher and the teacher.\n",
    ));
}

#[test]
fn a_misspelt_waiver_is_reported_once_and_not_listed_as_used() {
    let set = policy(
        r##"decorum 1
policy t
rule cure { flag when contains ["cure"] }
rule lunch { flag when contains ["lunch"] }
"##,
    );
    // The misspelt name is a finding, not a waiver in use; beside a name that waives
    // something, the waiver is listed with that name only. A misspelt policy name gets a
    // suggestion too.
    expect![[r#"
        <!-- decorum-allow t.lnch: typo -->
                           ^^^^^^ warning: decorum.waiver-unknown-rule: No active policy defines the rule `t.lnch`, so this waiver does nothing. Did you mean `t.lunch`?
        Lunch.
        ^^^^^ warning: t.lunch: lunch

        <!-- decorum-allow t.cure, t.lnch: quoting a menu -->
                                   ^^^^^^ warning: decorum.waiver-unknown-rule: No active policy defines the rule `t.lnch`, so naming it here waives nothing. Did you mean `t.lunch`?
        A cure for lunch.
                   ^^^^^ warning: t.lunch: lunch

        <!-- decorum-allow-file tt: satire -->
                                ^^ warning: decorum.waiver-unknown-rule: No active policy defines the rule `tt`, so this waiver does nothing. Did you mean `t`?

        waiver ["t.cure"]: "quoting a menu" silenced 1
    "#]]
    .assert_eq(&annotate(
        &set,
        "<!-- decorum-allow t.lnch: typo -->\nLunch.\n\n<!-- decorum-allow t.cure, t.lnch: quoting a menu -->\nA cure for lunch.\n\n<!-- decorum-allow-file tt: satire -->\n",
    ));
}

#[test]
fn a_waiver_of_a_disabled_rule_is_not_in_effect() {
    let set = policy_with(
        r##"decorum 1
policy t
import "./lib"
import "./drinks"
disable lib.lunch because "the canteen posts its own menu"
disable drinks.tea because "tea is not a cure here"
"##,
        &[
            (
                "lib",
                r##"decorum 1
policy lib
rule cure { flag when contains ["cure"] }
rule lunch { flag when contains ["lunch"] }
"##,
            ),
            (
                "drinks",
                "decorum 1\npolicy drinks\nrule tea { flag when contains [\"tea\"] }\n",
            ),
        ],
    );
    // Naming the disabled rule, or a policy name whose rules are all disabled, waives
    // nothing: a finding says why, and the waiver is not listed as used. A policy name
    // with a rule in force waives that rule. Beside a name in force, the waiver works:
    // the finding is about the dead name alone.
    expect![[r#"
        <!-- decorum-allow lib.lunch: quoting the menu -->
                           ^^^^^^^^^ warning: decorum.waiver-disabled-rule: The rule `lib.lunch` is disabled by this workspace's policies, so it never fires and this waiver does nothing. Remove the waiver (`decorum explain lib.lunch` says where and why the rule is disabled).
        Lunch.

        <!-- decorum-allow lib: quoting the menu -->
        A cure for lunch.

        <!-- decorum-allow drinks: a tea party -->
                           ^^^^^^ warning: decorum.waiver-disabled-rule: Every rule of `drinks` is disabled by this workspace's policies, so none fires and this waiver does nothing. Remove the waiver.
        Tea.

        <!-- decorum-allow lib.lunch, drinks, lib.cure: a cure for tea -->
                           ^^^^^^^^^ warning: decorum.waiver-disabled-rule: The rule `lib.lunch` is disabled by this workspace's policies, so it never fires and naming it here waives nothing. Remove it from the waiver (`decorum explain lib.lunch` says where and why the rule is disabled).
                                      ^^^^^^ warning: decorum.waiver-disabled-rule: Every rule of `drinks` is disabled by this workspace's policies, so none fires and naming it here waives nothing. Remove it from the waiver.
        A cure for tea.

        waiver ["lib"]: "quoting the menu" silenced 1
        waiver ["lib.cure"]: "a cure for tea" silenced 1
    "#]]
    .assert_eq(&annotate(
        &set,
        "<!-- decorum-allow lib.lunch: quoting the menu -->\nLunch.\n\n<!-- decorum-allow lib: quoting the menu -->\nA cure for lunch.\n\n<!-- decorum-allow drinks: a tea party -->\nTea.\n\n<!-- decorum-allow lib.lunch, drinks, lib.cure: a cure for tea -->\nA cure for tea.\n",
    ));
}

#[test]
fn examples_run_against_the_rule_and_fixes_are_verified() {
    let set = policy(
        r##"decorum 1
policy t
rule cure {
  flag when contains ["cure"]
  fix replace "treatment"
  example flags "A cure!" at "cure"
  example passes "A treatment."
  example passes "It cures nothing? A cure."
  example flags "Nothing here."
}
rule bad-fix {
  flag when contains ["x"]
  fix replace "x"
  example flags "an x" at "x"
}
"##,
    );
    let results: Vec<String> = set
        .run_examples()
        .iter()
        .map(|r| {
            format!(
                "{} #{}: {} {}",
                r.rule.id,
                r.index,
                if r.passed { "ok" } else { "FAILED" },
                r.failure.clone().unwrap_or_default()
            )
        })
        .collect();
    expect![[r#"
        t.cure #0: ok 
        t.cure #1: ok 
        t.cure #2: FAILED expected no finding
        t.cure #3: FAILED expected a finding
        t.bad-fix #0: FAILED the fix “Replace with “x”” does not remove the finding (the text after the fix: "an x")
    "#]]
    .assert_eq(&(results.join("\n") + "\n"));
}
