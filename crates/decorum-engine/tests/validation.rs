//! Policy validation: every error names the file, the line and what to do.

mod support;

use expect_test::{Expect, expect};
use support::*;

fn check(root: &str, extra: &[(&str, &str)], expect: Expect) {
    let (inputs, compiled) = compile_files(root, extra);
    expect.assert_eq(&render_problems(&inputs, &compiled.problems));
}

#[test]
fn unknown_names_suggest_the_closest() {
    check(
        r##"decorum 1
policy t
terms singular_client = ["my patient"]
rule r {
  message "{mach} and {wrds}"
  flag when contains singular_clent and wrds > 3
}
rule s { flag when contains other.set }
"##,
        &[],
        expect![[r#"
            root.decorum:5:12: error[placeholder]: unknown placeholder `{mach}` `{mach}` (help: did you mean `match`?)
            root.decorum:5:23: error[placeholder]: unknown placeholder `{wrds}` `{wrds}` (help: did you mean `words`?)
            root.decorum:6:22: error[unknown-name]: there is no term set named `singular_clent` `singular_clent` (help: did you mean `singular_client`?)
            root.decorum:6:41: error[unknown-name]: there is no post field or parameter named `wrds` `wrds` (help: did you mean `words`?)
            root.decorum:8:29: error[unknown-name]: there is no import named `other` `other` (help: import the policy that defines it, e.g. `import "std/healthcare" as other`)
        "#]],
    );
}

/// A number too large for its place is one error: the rule holding it is left out, so
/// no check judges the stand-in value (a scope of `first 0 words` is always empty).
#[test]
fn a_number_too_large_is_one_error() {
    check(
        r##"decorum 1
policy t
rule r { flag when (contains ["a"]) in first 4294967296 words }
rule s { flag when near(["a"], ["b"], 4294967296 words) }
"##,
        &[],
        expect![[r#"
            root.decorum:3:46: error[syntax]: this number is too large `4294967296` (help: use a number below 4294967296)
            root.decorum:4:39: error[syntax]: this number is too large `4294967296` (help: use a number below 4294967296)
        "#]],
    );
}

/// A title, message, link or explanation with no text would show as nothing in a
/// finding or in `decorum explain`: each is an error at its string, saying what to write.
#[test]
fn empty_rule_texts_are_errors() {
    check(
        r##"decorum 1
policy t
rule r {
  title ""
  message """
  """
  link " "
  explain "\t"
  flag when words > 3
}
rule s { title "Long post" message "Over {words} words." flag when words > 3 }
"##,
        &[],
        expect![[r#"
            root.decorum:4:9: error[empty-text]: this title is empty, so a finding would show no title `""` (help: write a short name for the problem, as in `title "Do not name competitors"`, or leave `title` out: the title is then the rule's name)
            root.decorum:5:11: error[empty-text]: this message is empty, so a finding would say nothing `"""
              """` (help: write what the writer should know, as in `message "Names a competitor: {match}"`, or leave `message` out: the finding then shows the title)
            root.decorum:7:8: error[empty-text]: this link is empty `" "` (help: write the http(s) address of the source behind the rule, as in `link "https://example.org/guidance"`, or leave `link` out)
            root.decorum:8:11: error[empty-text]: this explanation is empty, so `decorum explain` would show nothing `"\t"` (help: say why the rule matters and what to write instead, as in `explain """..."""`, or leave `explain` out)
        "#]],
    );
}

/// A bad escape keeps its raw text in the string's value; its braces are no placeholder.
/// A placeholder elsewhere in the string is still checked.
#[test]
fn a_bad_escape_in_a_message_is_one_error() {
    check(
        r##"decorum 1
policy t
rule r {
  message "a \u{110000} and {wrds}"
  flag when words > 3
}
"##,
        &[],
        expect![[r#"
            root.decorum:4:14: error[syntax]: `\u{110000}` is not a Unicode character `\u{110000}` (help: escapes are \" \\ \n \t and \u{XXXX})
            root.decorum:4:29: error[placeholder]: unknown placeholder `{wrds}` `{wrds}` (help: did you mean `words`?)
        "#]],
    );
}

/// A batch finding has no matched text and no one post: the placeholders that need them
/// are underlined, each on its own, as an unknown one is (spaces inside the braces too).
#[test]
fn placeholders_a_batch_finding_lacks_are_underlined() {
    check(
        r##"decorum 1
policy t
rule r {
  message "{ match } in {channel}: {value} of {posts}, { wrds }"
  flag batch when share(words > 3) > 50%
}
"##,
        &[],
        expect![[r#"
            root.decorum:4:12: warning[placeholder]: `{match}` shows matched text, which a batch finding does not have `{ match }` (help: use `{value}` for the measured share)
            root.decorum:4:25: warning[placeholder]: `{channel}` is about one post, which a batch finding does not have `{channel}` (help: use `{posts}` for the number of posts or `{value}` for the measured share)
            root.decorum:4:56: error[placeholder]: unknown placeholder `{wrds}` `{ wrds }` (help: did you mean `words`?)
        "#]],
    );
    // The suggestion replaces the whole placeholder, spaces and closing brace included.
    let (_, compiled) = compile_files(
        "decorum 1\npolicy t\nrule r { message \"{ wrds }\" flag when words > 3 }\n",
        &[],
    );
    let replacements: Vec<Option<&str>> = compiled
        .problems
        .iter()
        .map(|p| p.replacement.as_deref())
        .collect();
    assert_eq!(replacements, [Some("{words}")]);
}

/// Names may hold `-`, so `a-b` is one name; set subtraction needs spaces around `-`.
#[test]
fn a_subtraction_without_spaces_is_one_unknown_name() {
    let root = r##"decorum 1
policy t
terms claims = ["cure"]
terms hedges = ["may"]
rule r { flag when contains claims-hedges }
rule s { flag when contains zork-qux }
"##;
    check(
        root,
        &[],
        expect![[r#"
            root.decorum:5:29: error[unknown-name]: there is no term set named `claims-hedges` `claims-hedges` (help: `claims-hedges` is a single name; to take one set's matches out of another's, put spaces around `-`: `claims - hedges`)
            root.decorum:6:29: error[unknown-name]: there is no term set named `zork-qux` `zork-qux` (help: `zork-qux` is a single name; to take one set's matches out of another's, put spaces around `-`)
        "#]],
    );
    let (_, compiled) = compile_files(root, &[]);
    let replacements: Vec<Option<&str>> = compiled
        .problems
        .iter()
        .map(|p| p.replacement.as_deref())
        .collect();
    assert_eq!(replacements, [Some("claims - hedges"), None]);
}

#[test]
fn suggestions_carry_the_text_that_replaces_the_problem_range() {
    let (_, compiled) = compile_files(
        "decorum 1\npolicy t\nterms singular_client = [\"my patient\"]\nrule r {\n  message \"{mach}\"\n  flag when contains singular_clent and wrds > 3\n}\n",
        &[],
    );
    let replacements: Vec<Option<&str>> = compiled
        .problems
        .iter()
        .map(|p| p.replacement.as_deref())
        .collect();
    assert_eq!(
        replacements,
        [Some("{match}"), Some("singular_client"), Some("words")]
    );
}

#[test]
fn duplicates_and_missing_pieces() {
    check(
        r##"decorum 1
policy t
terms a = ["x"]
terms a = ["y"]
rule r { flag when contains a }
rule r { flag when contains a }
rule no-trigger { title "Never fires" }
rule two-titles { title "One" title "Two" flag when contains a }
"##,
        &[],
        expect![[r#"
            root.decorum:4:7: error[duplicate]: the term set `a` is defined twice `a` (help: rename one of them, or merge their terms) [root.decorum:3:7: first defined here]
            root.decorum:6:6: error[duplicate]: the rule `r` is defined twice `r` (help: rule names are ids: give each rule its own) [root.decorum:5:6: first defined here]
            root.decorum:7:6: error[no-trigger]: the rule `no-trigger` never fires: it has no `flag when` clause `no-trigger` (help: add `flag when CONDITION`, e.g. `flag when contains my_terms`)
            root.decorum:8:37: error[duplicate]: a rule has one `title` clause `"Two"` (help: remove one of them) [root.decorum:8:25: first one here]
        "#]],
    );
    check(
        "decorum 1\nrule r { flag when contains [\"x\"] }\n",
        &[],
        expect![[r#"
        root.decorum:1:1: error[missing-policy]: this file does not name its policy `decorum 1` (help: add a line such as `policy acme.social` after `decorum 1`; rule ids are the policy name plus the rule name)
    "#]],
    );
}

#[test]
fn invalid_regexes_point_inside_the_pattern() {
    check(
        r##"decorum 1
policy t
terms a = [/ab(c/, /x{2,1}/, /ok/q, /a*/]
rule r { flag when contains a }
"##,
        &[],
        expect![[r#"
            root.decorum:3:15: error[regex]: invalid regex: unclosed group `(` (help: regexes use Rust's syntax (https://docs.rs/regex); escape `/` as `\/`)
            root.decorum:3:22: error[regex]: invalid regex: invalid repetition count range, the start must be <= the end `{2,1}` (help: regexes use Rust's syntax (https://docs.rs/regex); escape `/` as `\/`)
            root.decorum:3:34: error[regex]: unknown regex flag `q` `q` (help: flags are i (ignore case), m (multi-line), s (dot matches newline), x (verbose), u (Unicode, always on))
            root.decorum:3:37: error[regex]: this regex can match empty text, so it would flag every position `/a*/` (help: require at least one character, e.g. use `+` instead of `*`)
        "#]],
    );
}

#[test]
fn oversized_regexes_are_reported() {
    check(
        r##"decorum 1
policy t
terms a = [/\w{500}\w{500}/, /\d{3}-\d{4}/]
rule r { flag when contains a }
"##,
        &[],
        expect![[r#"
            root.decorum:3:12: error[regex]: invalid regex: Compiled regex exceeds size limit of 4194304 bytes. `/\w{500}\w{500}/`
        "#]],
    );
}

#[test]
fn impossible_and_always_true_thresholds() {
    check(
        r##"decorum 1
policy t
terms me = ["i"]
rule a { flag batch when share(contains me) > 120% }
rule b { flag when words < 0 }
rule c { flag when words >= 0 }
rule d { flag when words > 12% }
rule e { flag when near(me, me, 500 words) }
rule f { flag when contains me in first 0 words }
rule g { flag when share(contains me) > 10% }
rule h { flag batch when contains me }
rule i { flag when 0 - 5 > words }
rule j { flag when 0 <= words }
rule k { flag when 3 > 5 }
rule l { flag when words * 0 > 3 }
rule m { flag when (words > 5) in first 3 words }
rule n { flag when 2 > 1 }
rule o { flag when chars / words < 0 }
rule p { flag when ((chars >= 20) in sentence) in first 10 chars }
rule q { flag when (words > 2) in first 3 words }
rule r { flag when ((words > 5) in post) in first 3 words }
rule s { flag when 3 != 3 }
"##,
        &[],
        expect![[r#"
            root.decorum:4:47: error[threshold]: this comparison can never hold: the left side is between 0% and 100%, so it is never > 120% `120%` (help: shares and ratios run from 0% to 100%)
            root.decorum:5:28: error[threshold]: this comparison can never hold: the left side is at least 0, so it is never < 0 `0` (help: counts are never negative)
            root.decorum:6:29: warning[threshold]: this comparison always holds: the left side is at least 0 `0` (help: the rule would flag every post; check the threshold)
            root.decorum:7:20: warning[threshold]: compares a count with 12%; a percentage only makes sense for a ratio `words` (help: divide by a total, e.g. `count(first_person) / words > 12%`)
            root.decorum:8:33: error[threshold]: `near` within 500 words is not a proximity `500` (help: for matches anywhere in the same paragraph or post, use `contains a and contains b in paragraph`)
            root.decorum:9:35: error[threshold]: a scope of 0 words or characters is always empty `first 0 words` (help: use at least 1)
            root.decorum:10:20: error[batch]: `share(...)` counts posts of a batch; it works only in `flag batch when` rules `share(contains me)` (help: write `flag batch when ...`)
            root.decorum:11:26: error[batch]: in a `flag batch` rule, conditions about a post go inside `share(...)` or `posts(...)` `contains me` (help: e.g. `flag batch when share(contains advert) > 20%`)
            root.decorum:12:20: error[threshold]: this comparison can never hold: the right side is at least 0, so it is never < -5 `0 - 5` (help: counts are never negative)
            root.decorum:13:20: warning[threshold]: this comparison always holds: the right side is at least 0 `0` (help: the rule would flag every post; check the threshold)
            root.decorum:14:24: error[threshold]: this comparison can never hold: the left side is always 3, so it is never > 5 `5` (help: the left side does not depend on the post: compare a count or a post field, e.g. `words > 3`)
            root.decorum:15:32: error[threshold]: this comparison can never hold: the left side is always 0, so it is never > 3 `3` (help: the left side does not depend on the post: compare a count or a post field, e.g. `words > 3`)
            root.decorum:16:29: error[threshold]: this comparison can never hold: the left side is between 0 and 3, so it is never > 5 `5` (help: `in first 3 words` holds at most 3 words: widen the scope or lower the threshold)
            root.decorum:17:24: warning[threshold]: this comparison always holds: the left side is always 2, so it is always > 1 `1` (help: the rule would flag every post; check the threshold)
            root.decorum:18:36: error[threshold]: this comparison can never hold: the left side is at least 0, so it is never < 0 `0` (help: a ratio of counts is never negative)
            root.decorum:19:31: error[threshold]: this comparison can never hold: the left side is between 0 and 10, so it is never >= 20 `20` (help: `in first 10 chars` holds at most 10 characters: widen the scope or lower the threshold)
            root.decorum:22:25: error[threshold]: this comparison can never hold: the left side is always 3, so it is never != 3 `3` (help: the left side does not depend on the post: compare a count or a post field, e.g. `words > 3`)
        "#]],
    );
}

#[test]
fn imports_missing_cyclic_and_qualified_names() {
    check(
        r##"decorum 1
policy t
import "./lib" as lib
import "./missing" as gone
rule r { flag when contains lib.lib_set or contains lib.nope or contains gone.x or contains lb.x }
"##,
        &[(
            "lib",
            "decorum 1\npolicy lib\nimport \"./root\" as back\nterms lib_set = [\"x\"]\n",
        )],
        expect![[r#"
            root.decorum:4:8: error[import]: no policy file at `./missing` `"./missing"`
            root.decorum:5:57: error[unknown-name]: there is no term set named `nope` in lib.decorum `nope` (help: term sets in lib.decorum: lib_set)
            root.decorum:5:93: error[unknown-name]: there is no import named `lb` `lb` (help: imports in this file: gone, lib)
            lib.decorum:3:8: error[import-cycle]: import cycle: root.decorum → lib.decorum → root.decorum `"./root"` (help: move what both files need into a third file that both import)
        "#]],
    );
}

#[test]
fn a_file_importing_itself_is_told_to_drop_the_import() {
    // No third file could take what "both" files need: the advice for a cycle does not fit.
    check(
        r##"decorum 1
policy t
import "./root" as me
import "./pol/a"
rule r { flag when contains ["x"] }
"##,
        &[
            (
                "pol/a",
                "decorum 1\npolicy pol.a\nimport \"./pol/*\" as pol\n",
            ),
            ("pol/b", "decorum 1\npolicy pol.b\n"),
        ],
        expect![[r#"
            root.decorum:3:8: error[import-cycle]: this file imports itself `"./root"` (help: remove this import: a file names its own term sets and rules without an alias (`my_terms`, not `alias.my_terms`))
            pol/a.decorum:3:8: error[import-cycle]: this import includes this file itself: it names the folder the file is in `"./pol/*"` (help: import the other files of the folder one by one, or move this file out of the folder)
        "#]],
    );
}

#[test]
fn a_policy_name_taken_from_the_std_library_is_reported_in_the_own_file() {
    // The std file is loaded after the root that imports it; the error still belongs
    // where the name can be changed.
    let (inputs, compiled) = compile_files_with_std(
        "decorum 1\npolicy hc.privacy\nimport \"./std/privacy\" as hc\nrule r { flag when contains [\"x\"] }\n",
        &[(
            "std/privacy",
            "decorum 1\npolicy hc.privacy\nrule s { flag when contains [\"y\"] }\n",
        )],
        &["std/privacy"],
    );
    expect![[r#"
        root.decorum:2:8: error[duplicate]: the policy name `hc.privacy` is also used by std/privacy.decorum `hc.privacy` (help: the standard library's policy has this name, and rule ids start with the policy name: name yours after your organisation, e.g. `policy acme.privacy`) [std/privacy.decorum:2:8: the other policy with this name]
    "#]]
    .assert_eq(&render_problems(&inputs, &compiled.problems));
}

#[test]
fn a_name_through_a_folder_import_is_suggested_with_its_file() {
    // The suggestion names the file that defines the name, not the folder's first file.
    check(
        r##"decorum 1
policy t
import "./lib/*" as lib
use lib.client-story { severity error }
use lib.client-stroy { severity error }
use lib.nothing-like-it { severity error }
use lib.shared { severity error }
use lib.advice.client-story { severity error }
extend lib.identifying += ["x"]
"##,
        &[
            (
                "lib/advice",
                "decorum 1\npolicy lib.advice\nrule shared { flag when contains [\"a\"] }\n",
            ),
            (
                "lib/privacy",
                "decorum 1\npolicy lib.privacy\nterms identifying = [\"b\"]\nrule client-story { flag when contains identifying }\nrule shared { flag when contains [\"c\"] }\n",
            ),
        ],
        expect![[r#"
            root.decorum:4:5: error[unknown-name]: `lib` imports a folder of policies; name the file too `lib.client-story` (help: did you mean `lib.privacy.client-story`?)
            root.decorum:5:5: error[unknown-name]: `lib` imports a folder of policies; name the file too: `lib.FILE.client-stroy` `lib.client-stroy` (help: did you mean `lib.privacy.client-story`?)
            root.decorum:6:5: error[unknown-name]: `lib` imports a folder of policies; name the file too: `lib.FILE.nothing-like-it` `lib.nothing-like-it` (help: no file in it has a rule named `nothing-like-it`; files in it: advice, privacy)
            root.decorum:7:5: error[unknown-name]: `lib` imports a folder of policies; name the file too: `lib.FILE.shared` `lib.shared` (help: several files in it have a rule named `shared`: lib.advice.shared, lib.privacy.shared)
            root.decorum:8:5: error[unknown-name]: there is no rule named `client-story` in lib/advice.decorum `lib.advice.client-story` (help: did you mean `lib.privacy.client-story`?)
            root.decorum:9:8: error[unknown-name]: `lib` imports a folder of policies; name the file too `lib.identifying` (help: did you mean `lib.privacy.identifying`?)
        "#]],
    );
    let (_, compiled) = compile_files(
        "decorum 1\npolicy t\nimport \"./lib/*\" as lib\nuse lib.client-story { severity error }\n",
        &[
            ("lib/advice", "decorum 1\npolicy lib.advice\n"),
            (
                "lib/privacy",
                "decorum 1\npolicy lib.privacy\nrule client-story { flag when contains [\"b\"] }\n",
            ),
        ],
    );
    let replacements: Vec<Option<&str>> = compiled
        .problems
        .iter()
        .map(|p| p.replacement.as_deref())
        .collect();
    assert_eq!(replacements, [Some("lib.privacy.client-story")]);
}

#[test]
fn a_rule_id_written_where_the_import_alias_belongs_gets_the_spelling() {
    // Names in a file go through the import's alias, as `use` resolves them; the rule's
    // id (its policy name) is what findings and waivers show, so authors write it here too.
    check(
        r##"decorum 1
policy acme.social
import "./marketing" as dm
import "./hc/*" as health
disable nwh.marketing.x because "our own rule covers it"
use nwh.marketing.x { severity error }
extend nwh.marketing.claims += ["y"]
disable hc.privacy.story because "consent on file"
use dm.marketing.x { severity error }
use acme.social.own { severity error }
disable nwh.marketing.nope because "no such rule"
rule own { flag when contains ["z"] }
"##,
        &[
            (
                "marketing",
                "decorum 1\npolicy nwh.marketing\nterms claims = [\"c\"]\nrule x { flag when contains claims }\n",
            ),
            (
                "hc/privacy",
                "decorum 1\npolicy hc.privacy\nrule story { flag when contains [\"s\"] }\n",
            ),
        ],
        expect![[r#"
            root.decorum:5:9: error[unknown-name]: `nwh.marketing.x` is the rule's id; this file names it `dm.x` `nwh.marketing.x` (help: a file names what it imports through the import's alias (`dm`), whatever the policy is called: write `dm.x`)
            root.decorum:6:5: error[unknown-name]: `nwh.marketing.x` is the rule's id; this file names it `dm.x` `nwh.marketing.x` (help: a file names what it imports through the import's alias (`dm`), whatever the policy is called: write `dm.x`)
            root.decorum:7:8: error[unknown-name]: `nwh.marketing.claims` is the term set's id; this file names it `dm.claims` `nwh.marketing.claims` (help: a file names what it imports through the import's alias (`dm`), whatever the policy is called: write `dm.claims`)
            root.decorum:8:9: error[unknown-name]: `hc.privacy.story` is the rule's id; this file names it `health.privacy.story` `hc.privacy.story` (help: a file names what it imports through the import's alias (`health`), whatever the policy is called: write `health.privacy.story`)
            root.decorum:9:5: error[unknown-name]: `dm` imports a single file; write `dm.NAME` `dm.marketing.x` (help: did you mean `dm.x`?)
            root.decorum:10:5: error[unknown-name]: `acme.social.own` is the id of this file's own rule; here it is `own` `acme.social.own` (help: a file names its own rules without its policy name: write `own`)
            root.decorum:11:9: error[unknown-name]: there is no import named `nwh` `nwh` (help: imports in this file: dm, health)
        "#]],
    );
    let (_, compiled) = compile_files(
        "decorum 1\npolicy t\nimport \"./marketing\" as dm\ndisable nwh.marketing.x because \"covered\"\n",
        &[(
            "marketing",
            "decorum 1\npolicy nwh.marketing\nrule x { flag when contains [\"c\"] }\n",
        )],
    );
    let replacements: Vec<Option<&str>> = compiled
        .problems
        .iter()
        .map(|p| p.replacement.as_deref())
        .collect();
    assert_eq!(replacements, [Some("dm.x")]);
}

#[test]
fn a_set_cycle_through_several_extends_labels_each() {
    check(
        r##"decorum 1
policy t
import "./lib" as lib
extend lib.words += lib.more
extend lib.more += lib.other
extend lib.other += lib.words
rule r { flag when contains lib.words }
"##,
        &[(
            "lib",
            "decorum 1\npolicy lib\nterms words = [\"y\"]\nterms more = [\"z\"]\nterms other = [\"w\"]\n",
        )],
        expect![[r#"
            root.decorum:6:21: error[set-cycle]: the term set `words` is defined in terms of itself `lib.words` (help: a set cannot include itself, directly or through other sets) [root.decorum:4:1: the cycle goes through this `extend`] [root.decorum:5:1: the cycle goes through this `extend`]
        "#]],
    );
}

#[test]
fn a_set_cycle_is_reported_where_the_reference_closing_it_is_written() {
    // Within one file, and through an `extend` in the importing file: the second used to
    // be reported at the extend's range, but in the library's file.
    check(
        r##"decorum 1
policy t
import "./lib" as lib
terms a = ["x"] + b
terms b = a
extend lib.words += lib.more
rule r { flag when contains a or contains lib.words }
"##,
        &[(
            "lib",
            "decorum 1\npolicy lib\nterms words = [\"y\"]\nterms more = words + [\"z\"]\n",
        )],
        expect![[r#"
            root.decorum:5:11: error[set-cycle]: the term set `a` is defined in terms of itself `a` (help: a set cannot include itself, directly or through other sets)
            lib.decorum:4:14: error[set-cycle]: the term set `words` is defined in terms of itself `words` (help: a set cannot include itself, directly or through other sets) [root.decorum:6:1: the cycle goes through this `extend`]
        "#]],
    );
    check(
        r##"decorum 1
policy t
import "./lib" as lib
extend lib.words += lib.words
rule r { flag when contains lib.words }
"##,
        &[("lib", "decorum 1\npolicy lib\nterms words = [\"y\"]\n")],
        expect![[r#"
            root.decorum:4:21: error[set-cycle]: the term set `words` is defined in terms of itself `lib.words` (help: a set cannot include itself, directly or through other sets)
        "#]],
    );
}

#[test]
fn inserted_fix_text_must_be_usable() {
    check(
        r##"decorum 1
policy t
rule r {
  flag when contains ["x"]
  fix append " "
  fix prepend ""
  fix prepend "#ad\nsecond line"
}
"##,
        &[],
        expect![[r##"
            root.decorum:5:14: error[fix]: `fix append` needs the text to add `" "`
            root.decorum:6:15: error[fix]: `fix prepend` needs the text to add `""`
            root.decorum:7:15: error[fix]: `fix prepend` adds text to the start of the first line, so it cannot hold a line break `"#ad\nsecond line"` (help: write the text on one line; for a paragraph of its own, use `fix append`)
        "##]],
    );
}

#[test]
fn sibling_uses_conflict_only_when_the_values_differ() {
    // `5` and `5.0`, `12%` and `12.0%`, `"a"` and `"\u{61}"` are the same value; `6` is not.
    let lib = "decorum 1\npolicy lib\nrule r { message \"{label}\" flag when count([\"x\"]) > max or count([\"y\"]) / words > part param max = 3 param part = 5% param label = \"z\" }\n";
    check(
        r##"decorum 1
policy t
import "./a"
import "./b"
"##,
        &[
            ("lib", lib),
            (
                "a",
                "decorum 1\npolicy a\nimport \"./lib\"\nuse lib.r { max = 5  part = 12%  label = \"a\" }\n",
            ),
            (
                "b",
                "decorum 1\npolicy b\nimport \"./lib\"\nuse lib.r { max = 5.0  part = 12.0%  label = \"\\u{61}\" }\nuse lib.r { max = 6 }\n",
            ),
        ],
        expect![[r#"
            b.decorum:5:13: warning[use-conflict]: `lib.r`: its parameter `max` is set to `6` here and to `5.0` in an earlier `use` of this file; this value wins, as the later one `max = 6` (help: set it once: only the last value counts) [b.decorum:4:13: also set here]
            b.decorum:5:13: warning[use-conflict]: `lib.r`: its parameter `max` is set to `6` here and to `5` in a file imported beside this one; this value wins, as the later import `max = 6` (help: set it in one place, or in the file that imports both, whose `use` wins over theirs) [a.decorum:4:13: also set here]
        "#]],
    );
}

/// The `use` nearest the root wins, so siblings that set what it sets too decide nothing:
/// only their severity, which the root leaves alone, is in conflict.
#[test]
fn sibling_uses_do_not_conflict_over_what_a_nearer_use_sets() {
    let lib =
        "decorum 1\npolicy lib\nrule r { message \"n={n}\" flag when words > n param n = 5 }\n";
    // The files are given in the order the workspace loads them: the order of the imports.
    check(
        r##"decorum 1
policy t
import "./s2"
import "./s1"
import "./lib"
use lib.r { n = 3 }
"##,
        &[
            ("lib", lib),
            (
                "s2",
                "decorum 1\npolicy s2\nimport \"./lib\"\nuse lib.r { n = 2  severity info }\n",
            ),
            (
                "s1",
                "decorum 1\npolicy s1\nimport \"./lib\"\nuse lib.r { n = 1  n = 4  severity error }\n",
            ),
        ],
        expect![[r#"
            s1.decorum:4:27: warning[use-conflict]: `lib.r`: its severity is set to `error` here and to `info` in a file imported beside this one; this value wins, as the later import `severity error` (help: set it in one place, or in the file that imports both, whose `use` wins over theirs) [s2.decorum:4:20: also set here]
        "#]],
    );
}

#[test]
fn locked_rules_cannot_be_lowered_disabled_or_given_other_parameters() {
    let lib = r##"decorum 1
policy lib
rule strict { severity error locked flag when count(["x"]) > most param most = 3 }
rule loose { severity warning flag when contains ["y"] param max = 5 param ok = ["z"] }
"##;
    check(
        r##"decorum 1
policy org
import "./lib" as lib
use lib.strict { severity warning }
use lib.loose { severity error  max = 10%  maxx = 3  ok += ["w"] }
disable lib.strict because "we disagree"
disable lib.loose
use lib.strict { most = 99 }
"##,
        &[("lib", lib)],
        expect![[r#"
            root.decorum:4:27: error[locked]: `lib.strict` is locked at `error`; it cannot be lowered to `warning` `warning` (help: a locked rule can be raised but not lowered or disabled; to exempt one draft, add a waiver comment with a reason) [lib.decorum:3:30: locked here]
            root.decorum:5:39: error[type]: `max` is a number, but this value is a percentage `10%` (help: write a number, e.g. `5`)
            root.decorum:5:44: error[unknown-name]: `lib.loose` has no parameter `maxx` `maxx` (help: did you mean `max`?)
            root.decorum:6:1: error[locked]: `lib.strict` is locked and cannot be disabled `disable lib.strict because "we disagree"` (help: a locked rule protects something the library's authors consider non-negotiable; to exempt one draft, add a waiver comment with a reason) [lib.decorum:3:30: locked here]
            root.decorum:7:1: error[disable-reason]: `disable lib.loose` needs a reason `disable lib.loose` (help: write `disable lib.loose because "why this rule does not apply here"`; the reason is shown in audits)
            root.decorum:8:18: error[locked]: `lib.strict` is locked; its parameter `most` cannot be changed `most = 99` (help: a locked rule can be raised but not otherwise changed; to exempt one draft, add a waiver comment with a reason) [lib.decorum:3:30: locked here]
        "#]],
    );
}

#[test]
fn a_lock_set_by_a_use_binds_the_files_nearer_the_root() {
    // The middle file raises and locks a rule of the library (and sets its parameter in
    // the same block); the root cannot lower, re-parameterise or disable it.
    check(
        r##"decorum 1
policy t
import "./mid"
import "./lib"
use lib.r { severity info  most = 9 }
disable lib.r because "too noisy"
"##,
        &[
            (
                "lib",
                "decorum 1\npolicy lib\nrule r { severity warning flag when count([\"x\"]) > most param most = 3 }\n",
            ),
            (
                "mid",
                "decorum 1\npolicy mid\nimport \"./lib\"\nuse lib.r { severity error locked  most = 2 }\n",
            ),
        ],
        expect![[r#"
            root.decorum:5:22: error[locked]: `lib.r` is locked at `error`; it cannot be lowered to `info` `info` (help: a locked rule can be raised but not lowered or disabled; to exempt one draft, add a waiver comment with a reason) [mid.decorum:4:28: locked here]
            root.decorum:5:28: error[locked]: `lib.r` is locked; its parameter `most` cannot be changed `most = 9` (help: a locked rule can be raised but not otherwise changed; to exempt one draft, add a waiver comment with a reason) [mid.decorum:4:28: locked here]
            root.decorum:6:1: error[locked]: `lib.r` is locked and cannot be disabled `disable lib.r because "too noisy"` (help: a locked rule protects something the library's authors consider non-negotiable; to exempt one draft, add a waiver comment with a reason) [mid.decorum:4:28: locked here]
        "#]],
    );
}

#[test]
fn a_locked_rules_sets_can_be_extended_to_flag_more_never_less() {
    let lib = r##"decorum 1
policy lib
terms ids = ["teacher"] allow ["tea"]
terms consented = ["with consent"]
rule strict { severity error locked flag when contains ids and not contains consented }
rule loose { flag when contains ids }
"##;
    check(
        r##"decorum 1
policy org
import "./lib" as lib
extend lib.ids += ["rancher"]
extend lib.ids -= ["teacher"]
extend lib.consented += [/\w+/]
"##,
        &[("lib", lib)],
        expect![[r#"
            root.decorum:5:1: error[locked]: this `extend` would loosen `lib.strict`, which is locked: it takes away terms the rule flags `extend lib.ids -= ["teacher"]` (help: a locked rule can be made stricter but not looser: `+=` may only add terms the rule flags (outside `count`, `share` and `posts`); to exempt one draft, add a waiver comment with a reason) [lib.decorum:5:30: locked here]
            root.decorum:6:1: error[locked]: this `extend` would loosen `lib.strict`, which is locked: the rule reads these terms as exceptions `extend lib.consented += [/\w+/]` (help: a locked rule can be made stricter but not looser: `+=` may only add terms the rule flags (outside `count`, `share` and `posts`); to exempt one draft, add a waiver comment with a reason) [lib.decorum:5:30: locked here]
        "#]],
    );
}

#[test]
fn an_impossible_threshold_set_by_a_use_block_is_reported_there() {
    let lib = r##"decorum 1
policy lib
rule dense { flag batch when share(contains ["x"]) > most param most = 10% }
"##;
    check(
        r##"decorum 1
policy org
import "./lib" as lib
use lib.dense { most = 150% }
"##,
        &[("lib", lib)],
        expect![[r#"
            root.decorum:4:24: error[threshold]: this comparison can never hold: the left side is between 0% and 100%, so it is never > 150% `150%` (help: shares and ratios run from 0% to 100%) [lib.decorum:3:54: the rule compares with it here]
        "#]],
    );
}

#[test]
fn overrides_change_severity_params_and_sets() {
    let lib = r##"decorum 1
policy lib
terms jobs = ["teacher"]
rule job { severity warning flag when contains jobs }
rule many { param max = 1 flag when count(jobs) > max }
rule gone { flag when contains ["z"] }
"##;
    let (inputs, compiled) = compile_files(
        r##"decorum 1
policy org
import "./lib" as lib
use lib.job { severity error }
use lib.many { max = 2 }
extend lib.jobs += ["rancher"]
disable lib.gone because "not relevant to a dental practice"
"##,
        &[("lib", lib)],
    );
    assert_eq!(render_problems(&inputs, &compiled.problems), "");
    let set = compiled.policy_set.expect("compiles");
    expect![[r#"
        A teacher, a rancher, a teacher. z
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning: lib.many: many
          ^^^^^^^ error: lib.job: job
                     ^^^^^^^ error: lib.job: job
                                ^^^^^^^ error: lib.job: job

    "#]]
    .assert_eq(&annotate(&set, "A teacher, a rancher, a teacher. z\n"));
    let job = set.rule("lib.job").expect("active");
    assert!(
        matches!(job.severity_origin, decorum_engine::SeverityOrigin::Override { source, .. } if source.0 == 0)
    );
    assert!(
        set.rule("lib.gone").is_none(),
        "disabled rules are not active"
    );
}

#[test]
fn folder_imports_and_disable_reasons() {
    check(
        r##"decorum 1
policy org
import "./hc/*" as hc
disable hc.privacy.story because ""
disable hc.privcy.story because "x"
disable hc.story because "x"
"##,
        &[(
            "hc/privacy",
            "decorum 1\npolicy hc.privacy\nrule story { flag when contains [\"x\"] }\n",
        )],
        expect![[r#"
            root.decorum:4:34: error[disable-reason]: the reason for `disable` is empty `""` (help: say why the rule does not apply; the reason is shown in audits)
            root.decorum:5:12: error[unknown-name]: `hc` has no policy file `privcy` `privcy` (help: did you mean `privacy`?)
            root.decorum:6:9: error[unknown-name]: `hc` imports a folder of policies; name the file too `hc.story` (help: did you mean `hc.privacy.story`?)
        "#]],
    );
}

#[test]
fn the_audit_places_a_lock_where_the_compiler_does() {
    // A lock set by a `use` at the rule's own severity, then a raise nearer the root: the
    // lock `decorum audit` and `decorum explain` show is where the compiler would label
    // "locked here" (the `use` block's `locked`), not the rule's definition nor the
    // root's raise; a rule's own lock is its own `locked`.
    let lib = "decorum 1\npolicy lib\nrule r { severity warning flag when count([\"x\"]) > 3 }\nrule own { severity error locked flag when contains [\"y\"] }\n";
    let (inputs, compiled) = compile_files(
        "decorum 1\npolicy t\nimport \"./mid\"\nimport \"./lib\"\nuse lib.r { severity error }\n",
        &[
            ("lib", lib),
            (
                "mid",
                "decorum 1\npolicy mid\nimport \"./lib\"\nuse lib.r { severity warning locked }\n",
            ),
        ],
    );
    let set = compiled.policy_set.as_ref().expect("no errors");
    let place = |id: &str| {
        let rule = set.rule(id).expect("active rule");
        let (source, at) = compiled.audit.lock_origin(rule).expect("locked");
        let src = inputs.source(source).unwrap();
        let lc = decorum_text::LineIndex::new(&src.text).line_char_col(&src.text, at.start());
        format!("{}:{}:{}", src.path, lc.line + 1, lc.col + 1)
    };
    assert_eq!(place("lib.r"), "mid.decorum:4:30");
    assert_eq!(place("lib.own"), "lib.decorum:4:27");
    let locks: Vec<bool> = compiled
        .audit
        .overrides
        .iter()
        .map(|o| o.locked_at().is_some())
        .collect();
    assert_eq!(locks, [true, false]);
}

#[test]
fn syntax_errors_become_problems_with_positions() {
    check(
        "decorum 1\npolicy t\nrule r {\n  flag when contains [\"x\"\n}\n",
        &[],
        expect![[r#"
        root.decorum:5:1: error[syntax]: expected `]`, `,` or `->`, found `}` `}`
    "#]],
    );
}

#[test]
fn a_number_for_a_percentage_parameter_gets_advice_that_keeps_its_meaning() {
    // `share = 0.5` most likely means a half: advising `0.5%` would set a threshold a
    // hundred times lower.
    let lib = r##"decorum 1
policy lib
rule r { flag when count(["x"]) / words > share param share = 10% }
"##;
    check(
        r##"decorum 1
policy org
import "./lib" as lib
use lib.r { share = 0.5 }
use lib.r { share = 20 }
"##,
        &[("lib", lib)],
        expect![[r#"
            root.decorum:4:21: error[type]: `share` is a percentage, but this value is a number `0.5` (help: write it as a percentage: `50%` for the fraction 0.5, or `0.5%` if it is already in percent)
            root.decorum:5:21: error[type]: `share` is a percentage, but this value is a number `20` (help: write it as a percentage, e.g. `20%`)
        "#]],
    );
}

#[test]
fn a_value_of_the_wrong_kind_takes_no_part_in_a_use_conflict() {
    // The string is a type error and wins nothing: a warning that it "wins, as the later
    // one" beside the error would say the opposite of what happens.
    let lib = r##"decorum 1
policy lib
rule r { flag when count(["x"]) / words > share param share = 10% }
"##;
    check(
        r##"decorum 1
policy org
import "./lib" as lib
use lib.r { share = 15% }
use lib.r { share = "lots" }
use lib.r { size = 3 }
"##,
        &[("lib", lib)],
        expect![[r#"
            root.decorum:5:21: error[type]: `share` is a percentage, but this value is a string `"lots"` (help: write a percentage, e.g. `15%`)
            root.decorum:6:13: error[unknown-name]: `lib.r` has no parameter `size` `size` (help: its parameters: share)
        "#]],
    );
}

#[test]
fn a_setting_a_lock_refuses_takes_no_part_in_a_use_conflict() {
    // Neither value wins: a warning that the later one does would contradict the errors.
    let lib = r##"decorum 1
policy lib
rule r {
  severity error locked
  flag when count(["x"]) / words > share
  param share = 10%
}
"##;
    check(
        r##"decorum 1
policy org
import "./lib" as lib
use lib.r { share = 15% }
use lib.r { share = 20% }
use lib.r { severity warning }
use lib.r { severity info }
"##,
        &[("lib", lib)],
        expect![[r#"
            root.decorum:4:13: error[locked]: `lib.r` is locked; its parameter `share` cannot be changed `share = 15%` (help: a locked rule can be raised but not otherwise changed; to exempt one draft, add a waiver comment with a reason) [lib.decorum:4:18: locked here]
            root.decorum:5:13: error[locked]: `lib.r` is locked; its parameter `share` cannot be changed `share = 20%` (help: a locked rule can be raised but not otherwise changed; to exempt one draft, add a waiver comment with a reason) [lib.decorum:4:18: locked here]
            root.decorum:6:22: error[locked]: `lib.r` is locked at `error`; it cannot be lowered to `warning` `warning` (help: a locked rule can be raised but not lowered or disabled; to exempt one draft, add a waiver comment with a reason) [lib.decorum:4:18: locked here]
            root.decorum:7:22: error[locked]: `lib.r` is locked at `error`; it cannot be lowered to `info` `info` (help: a locked rule can be raised but not lowered or disabled; to exempt one draft, add a waiver comment with a reason) [lib.decorum:4:18: locked here]
        "#]],
    );
}

/// The deepest expressions the parser accepts (256 levels: see `long_chains_are_an_error_
/// not_a_stack_overflow` in decorum-syntax) compile, check and format on a thread with
/// the 2 MiB stack of the language server's blocking threads.
#[test]
fn the_deepest_accepted_expressions_compile_and_check_on_a_small_stack() {
    let policy = format!(
        "decorum 1\npolicy deep\nterms a = [\"x\"]\nterms u = {}\n\
         rule n {{ flag when {}contains a }}\n\
         rule s {{ flag when contains a and words > {} }}\n\
         rule m {{ flag when contains u and count(a) > {} }}\n",
        vec!["a"; 256].join(" + "),
        "not ".repeat(256),
        vec!["1"; 256].join(" + "),
        vec!["1"; 256].join(" * "),
    );
    let run = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let inputs = decorum_engine::PolicyInputs::single("deep.decorum", &policy);
            assert!(inputs.sources[0].parse.errors.is_empty());
            let compiled = decorum_engine::compile(&inputs);
            let set = compiled.policy_set.expect("compiles");
            let draft = decorum_draft::parse(
                "x and x",
                decorum_draft::DraftFormat::Markdown,
                &decorum_draft::Metadata::default(),
            );
            let report = set.check(&draft);
            let formatted = decorum_syntax::format(&policy);
            let rules: Vec<String> = report.findings.iter().map(|f| f.rule.id.clone()).collect();
            (rules, formatted.is_ok())
        })
        .expect("spawn");
    let (mut rules, formatted) = run.join().expect("no stack overflow");
    rules.sort();
    rules.dedup();
    assert_eq!(
        rules,
        ["deep.m", "deep.n"],
        "256 `not`s are none; 3 words are not > 256"
    );
    assert!(formatted);
}

/// A block that sets one thing twice is compared with earlier blocks by its last value,
/// the one in force: `most = 6 most = 7` after `most = 7` changes nothing.
#[test]
fn a_block_setting_a_value_twice_is_compared_by_the_value_in_force() {
    let lib = "decorum 1\npolicy lib\nrule r { flag when count([\"x\"]) > most param most = 3 }\n";
    check(
        "decorum 1\npolicy org\nimport \"./lib\" as lib\nuse lib.r { most = 7 }\nuse lib.r { most = 6  most = 7 }\n",
        &[("lib", lib)],
        expect![[r#"
            root.decorum:5:23: warning[use-conflict]: `lib.r`: its parameter `most` is set to `7` here and to `6` earlier in this block; this value wins, as the later one `most = 7` (help: set it once: only the last value counts) [root.decorum:5:13: also set here]
        "#]],
    );
}

#[test]
fn one_file_setting_a_rule_twice_or_disabling_it_twice_is_warned_about() {
    // Silently accepted before: the later value won, and the audit kept one reason.
    let lib = r##"decorum 1
policy lib
rule r { flag when count(["x"]) > most param most = 3 }
rule s { flag when contains ["y"] }
"##;
    check(
        r##"decorum 1
policy org
import "./lib" as lib
use lib.r { most = 4  most = 5 }
use lib.r { most = 6 }
use lib.r { most = 6 }
disable lib.s because "not for us"
disable lib.s because "approved, ticket 12"
"##,
        &[("lib", lib)],
        expect![[r#"
            root.decorum:4:23: warning[use-conflict]: `lib.r`: its parameter `most` is set to `5` here and to `4` earlier in this block; this value wins, as the later one `most = 5` (help: set it once: only the last value counts) [root.decorum:4:13: also set here]
            root.decorum:5:13: warning[use-conflict]: `lib.r`: its parameter `most` is set to `6` here and to `5` in an earlier `use` of this file; this value wins, as the later one `most = 6` (help: set it once: only the last value counts) [root.decorum:4:23: also set here]
            root.decorum:8:1: warning[duplicate]: `lib.s` is disabled twice; the audit shows this reason, not the other `disable lib.s because "approved, ticket 12"` (help: keep one `disable` with the reason that holds) [root.decorum:7:1: also disabled here]
        "#]],
    );
}

/// An item whose definition failed keeps its name: a reference to it is not reported as
/// unknown on top of the definition's own error (the file has an error; nothing runs).
/// A name nobody defined is still unknown.
#[test]
fn a_name_whose_definition_failed_is_not_reported_again() {
    let lib = r##"decorum 1
policy lib
terms broken = ["x", y]
rule deep { flag when ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((contains ["a"]))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))) }
"##;
    check(
        r##"decorum 1
policy t
import "./lib" as lib
terms a = ["x", y]
rule r { flag when contains a or contains lib.broken or contains nowhere }
rule q {
  param limit = 2
  param sizes = ["s"] + nope
  param most = nope
  message "at most {most}"
  flag when words > 3 and contains sizes and count(["x"]) > most
}
rule w { flag when contains sizes }
rule bad { flag when contains ["x" }
use q { limit = 3 sizes += ["m"] wrong = 1 }
disable bad because "not needed"
disable lib.deep because "not needed"
"##,
        &[("lib", lib)],
        expect![[r#"
            root.decorum:4:17: error[syntax]: expected a term (a "phrase" or a /regex/) or `]`, found `y` `y` (help: a term is a phrase in double quotes or a regex between slashes: write `"y"`, or `/y/` for a regex)
            root.decorum:5:66: error[unknown-name]: there is no term set named `nowhere` `nowhere` (help: define it with `terms NAME = ["..."]`)
            root.decorum:7:9: error[reserved]: `limit` is a post field; a parameter cannot use its name `limit` (help: give the parameter another name, e.g. `max_limit`, and use that name in the rule)
            root.decorum:8:25: error[unknown-name]: there is no term set named `nope` `nope` (help: define it with `terms NAME = ["..."]`)
            root.decorum:9:16: error[unknown-name]: there is no term set named `nope` `nope` (help: define it with `terms NAME = ["..."]`)
            root.decorum:13:29: error[unknown-name]: there is no term set named `sizes` `sizes` (help: define it with `terms NAME = ["..."]`)
            root.decorum:14:36: error[syntax]: expected `]`, `,` or `->`, found `}` `}`
            root.decorum:15:34: error[unknown-name]: `t.q` has no parameter `wrong` `wrong` (help: `t.q` has no parameters)
            lib.decorum:3:22: error[syntax]: expected a term (a "phrase" or a /regex/) or `]`, found `y` `y` (help: a term is a phrase in double quotes or a regex between slashes: write `"y"`, or `/y/` for a regex)
            lib.decorum:4:87: error[syntax]: brackets are nested more than 64 levels deep here `(` (help: split the expression into named term sets)
        "#]],
    );
}

/// Every engine error says what to write: a name of the wrong kind, a name like no
/// other, a value of the wrong kind in a `use` block, a parameter named as a field.
#[test]
fn errors_without_a_near_name_still_say_what_to_write() {
    let lib = r##"decorum 1
policy lib
terms food = ["latte"]
rule lunch {
  param on = true
  param label = "lunch"
  param maxn = 2
  param extra = ["bagel"]
  message "{label}"
  flag when contains food or contains extra or count(food) > maxn
}
"##;
    check(
        r##"decorum 1
policy t
import "./lib" as lib
terms mine = ["x"]
rule r {
  param limit = 2
  param n = 2
  param words_list = 3
  flag when contains lib.lunch or contains lib.zzzzzz or contains qqqqqqq or contains words_list or count(mine) > mine_count
}
rule s { flag when words > n }
use lib.lunch { on = "yes" label = 4 maxn = "5" extra = 3 }
disable lib.food because "not needed"
disable qqqqqqq because "not needed"
"##,
        &[("lib", lib)],
        expect![[r#"
            root.decorum:6:9: error[reserved]: `limit` is a post field; a parameter cannot use its name `limit` (help: give the parameter another name, e.g. `max_limit`, and use that name in the rule)
            root.decorum:9:26: error[wrong-kind]: `lunch` is a rule, not a term set `lunch` (help: conditions match term sets, not rules: name a `terms` set here, or define one with `terms NAME = ["..."]`)
            root.decorum:9:48: error[unknown-name]: there is no term set named `zzzzzz` in lib.decorum `zzzzzz` (help: term sets in lib.decorum: food)
            root.decorum:9:67: error[unknown-name]: there is no term set named `qqqqqqq` `qqqqqqq` (help: term sets in this file: mine)
            root.decorum:9:87: error[type]: the parameter `words_list` is a number, not a term set `words_list` (help: a term set is needed here: give `words_list` a list of terms, e.g. `param words_list = ["..."]`, or name a `terms` set)
            root.decorum:9:115: error[unknown-name]: there is no post field or parameter named `mine_count` `mine_count` (help: numbers can use: words, sentences, paragraphs, length, chars, limit, hashtags, mentions, links, emoji, posts, n, words_list)
            root.decorum:11:28: error[unknown-name]: there is no post field or parameter named `n` `n` (help: numbers can use: words, sentences, paragraphs, length, chars, limit, hashtags, mentions, links, emoji, posts)
            root.decorum:12:22: error[type]: `on` is true or false, but this value is a string `"yes"` (help: write `true` or `false`, without quotes)
            root.decorum:12:36: error[type]: `label` is a string, but this value is a number `4` (help: write text in quotes, e.g. `"..."`)
            root.decorum:12:45: error[type]: `maxn` is a number, but this value is a string `"5"` (help: write a number, e.g. `2`)
            root.decorum:12:57: error[type]: `extra` is a term set, but this value is a number `3` (help: write a list of terms, e.g. `["phrase"]`, or the name of a term set)
            root.decorum:13:13: error[wrong-kind]: `food` is a term set, not a rule `food` (help: `use` and `disable` name a rule: to change a term set, write `extend NAME += ["..."]`)
            root.decorum:14:9: error[unknown-name]: there is no rule named `qqqqqqq` `qqqqqqq` (help: rules in this file: r, s)
        "#]],
    );
}

/// An `and`/`or` chain is one node with its parts side by side, not a nest: however long,
/// it adds one level, and no pass recurses along it. 100,000 parts parse, compile, check
/// and format on a small stack.
#[test]
fn a_long_and_chain_is_one_level_and_needs_no_deep_stack() {
    const PARTS: usize = 100_000;
    let policy = format!(
        "decorum 1\npolicy flat\nterms a = [\"x\"]\nrule r {{ flag when {} }}\n",
        vec!["contains a"; PARTS].join(" and "),
    );
    let run = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let inputs = decorum_engine::PolicyInputs::single("flat.decorum", &policy);
            assert!(inputs.sources[0].parse.errors.is_empty());
            let parts = inputs.sources[0]
                .parse
                .file
                .rules()
                .next()
                .and_then(|rule| {
                    rule.clauses.iter().find_map(|clause| match clause {
                        decorum_syntax::RuleClause::Trigger(decorum_syntax::Trigger::Flag {
                            cond,
                            ..
                        }) => match &cond.kind {
                            decorum_syntax::CondKind::And(parts) => Some(parts.len()),
                            _ => None,
                        },
                        _ => None,
                    })
                });
            let compiled = decorum_engine::compile(&inputs);
            let set = compiled.policy_set.expect("compiles");
            let draft = decorum_draft::parse(
                "x and x",
                decorum_draft::DraftFormat::Markdown,
                &decorum_draft::Metadata::default(),
            );
            let report = set.check(&draft);
            let formatted = decorum_syntax::format(&policy);
            (parts, report.findings.len(), formatted.is_ok())
        })
        .expect("spawn");
    let (parts, findings, formatted) = run.join().expect("no stack overflow");
    assert_eq!(parts, Some(PARTS), "one `and` node with every part");
    assert!(findings > 0, "`x` is in the draft");
    assert!(formatted);
}

/// `channel == x` reads as a comparison of two numbers; the mistake is the missing quotes,
/// so that is the one error, at the word, with the quoted word as its replacement. Metadata
/// compared with a number, or with a field or parameter, says it is compared with text.
#[test]
fn metadata_compared_with_a_word_without_quotes_is_told_to_quote_it() {
    let root = r##"decorum 1
policy t
rule r { flag when channel == x }
rule s { flag when instagram != channel and words > 3 }
rule u { param n = 3  flag when type == n }
rule v { flag when channel > 3 }
"##;
    check(
        root,
        &[],
        expect![[r#"
            root.decorum:3:31: error[unknown-name]: `channel` is metadata, compared with text in quotes: without quotes, `x` reads as a post field or parameter, and there is none of that name `x` (help: write `channel == "x"`)
            root.decorum:4:20: error[unknown-name]: `channel` is metadata, compared with text in quotes: without quotes, `instagram` reads as a post field or parameter, and there is none of that name `instagram` (help: write `channel != "instagram"`)
            root.decorum:5:33: error[unknown-name]: there is no post field or parameter named `type` `type` (help: `type` is metadata, compared with text in quotes, as in `type == "x"`; numbers can use: words, sentences, paragraphs, length, chars, limit, hashtags, mentions, links, emoji, posts, n)
            root.decorum:6:20: error[unknown-name]: there is no post field or parameter named `channel` `channel` (help: `channel` is metadata, compared with text in quotes, as in `channel == "x"`; numbers can use: words, sentences, paragraphs, length, chars, limit, hashtags, mentions, links, emoji, posts)
        "#]],
    );
    let (_, compiled) = compile_files(root, &[]);
    let replacements: Vec<Option<&str>> = compiled
        .problems
        .iter()
        .map(|p| p.replacement.as_deref())
        .collect();
    assert_eq!(
        replacements,
        [Some("\"x\""), Some("\"instagram\""), None, None]
    );
}

/// A `locked` in a `use` binds the files nearer the root, not a sibling (a file at the same
/// depth that does not import it): swapping the two imports gives the same outcome, a
/// `use-conflict` warning at the later one, which wins.
#[test]
fn a_lock_set_by_a_use_does_not_bind_a_sibling_in_either_import_order() {
    let base = "decorum 1\npolicy base\nrule r { severity warning flag when contains [\"x\"] }\n";
    let mid = "decorum 1\npolicy mid\nimport \"./base\"\nuse base.r { severity warning locked }\n";
    let sib = "decorum 1\npolicy sib\nimport \"./base\"\nuse base.r { severity info }\n";
    let run = |first: &str, second: &str| {
        let root = format!("decorum 1\npolicy t\nimport \"./{first}\"\nimport \"./{second}\"\n");
        // The files in the order the workspace loads them: the order of the imports.
        let files = |name: &str| {
            if name == "mid" {
                ("mid", mid)
            } else {
                ("sib", sib)
            }
        };
        let (inputs, compiled) =
            compile_files(&root, &[files(first), files(second), ("base", base)]);
        render_problems(&inputs, &compiled.problems)
    };
    expect![[r#"
        sib.decorum:4:14: warning[use-conflict]: `base.r`: its severity is set to `info` here and to `warning` in a file imported beside this one; this value wins, as the later import `severity info` (help: set it in one place, or in the file that imports both, whose `use` wins over theirs) [mid.decorum:4:14: also set here]
    "#]].assert_eq(&run("mid", "sib"));
    expect![[r#"
        mid.decorum:4:14: warning[use-conflict]: `base.r`: its severity is set to `warning` here and to `info` in a file imported beside this one; this value wins, as the later import `severity warning locked` (help: set it in one place, or in the file that imports both, whose `use` wins over theirs) [sib.decorum:4:14: also set here]
    "#]].assert_eq(&run("sib", "mid"));
}

/// A locked rule that counts a set refuses a `+=` from another file because the rule
/// counts it, which is what the error says (not that it reads the terms as exceptions).
#[test]
fn extending_a_set_a_locked_rule_counts_says_it_is_counted() {
    let base = r##"decorum 1
policy b2
terms u = ["urgent"]
terms v = ["now"]
terms w = ["later"]
rule d { severity warning locked  flag when count(u) > 1 or (contains v and not contains w) }
rule e { severity warning locked  flag when count(w) > 2 }
"##;
    check(
        r##"decorum 1
policy org
import "./b2"
extend b2.u += ["more"]
extend b2.u -= ["urgent"]
extend b2.w += ["soon"]
"##,
        &[("b2", base)],
        expect![[r#"
            root.decorum:4:1: error[locked]: this `extend` could loosen `b2.d`, which is locked: the rule counts these terms (in `count`, `share` or `posts`), where more matches can mean fewer findings `extend b2.u += ["more"]` (help: a locked rule can be made stricter but not looser: `+=` may only add terms the rule flags (outside `count`, `share` and `posts`); to exempt one draft, add a waiver comment with a reason) [b2.decorum:6:27: locked here]
            root.decorum:5:1: error[locked]: this `extend` could loosen `b2.d`, which is locked: it takes away terms the rule counts (in `count`, `share` or `posts`), where fewer matches can mean fewer findings `extend b2.u -= ["urgent"]` (help: a locked rule can be made stricter but not looser: `+=` may only add terms the rule flags (outside `count`, `share` and `posts`); to exempt one draft, add a waiver comment with a reason) [b2.decorum:6:27: locked here]
            root.decorum:6:1: error[locked]: this `extend` would loosen `b2.d`, which is locked: the rule reads these terms as exceptions `extend b2.w += ["soon"]` (help: a locked rule can be made stricter but not looser: `+=` may only add terms the rule flags (outside `count`, `share` and `posts`); to exempt one draft, add a waiver comment with a reason) [b2.decorum:6:27: locked here]
            root.decorum:6:1: error[locked]: this `extend` could loosen `b2.e`, which is locked: the rule counts these terms (in `count`, `share` or `posts`), where more matches can mean fewer findings `extend b2.w += ["soon"]` (help: a locked rule can be made stricter but not looser: `+=` may only add terms the rule flags (outside `count`, `share` and `posts`); to exempt one draft, add a waiver comment with a reason) [b2.decorum:7:27: locked here]
        "#]],
    );
}

/// A term-set parameter has no one text to show: `{PARAM}` for one is a warning, as are
/// the placeholders a batch finding cannot fill.
#[test]
fn a_term_set_parameter_in_a_message_is_warned_about() {
    check(
        r##"decorum 1
policy t
rule r {
  message "{numbers} and {most}"
  param numbers = ["988"]
  param most = 3
  flag when not contains numbers and words > most
}
"##,
        &[],
        expect![[r#"
            root.decorum:4:12: warning[placeholder]: `{numbers}` is a term-set parameter, which a message cannot show: the finding would read `(term set)` `{numbers}` (help: use `{match}` for the text the rule flagged, or write the terms themselves into the message)
        "#]],
    );
}

/// A `use` of a rule the workspace disables has no effect: a warning at the `use`, with
/// the `disable` labelled. Not in a library's file, which the author does not edit.
#[test]
fn a_use_of_a_disabled_rule_is_warned_about() {
    let base = "decorum 1\npolicy base\nrule hotline { flag when contains [\"call now\"] }\n";
    let (inputs, compiled) = compile_files_with_std(
        r##"decorum 1
policy root2
import "./base"
import "./lib"
disable base.hotline because "not needed"
use base.hotline { example flags "call now" }
"##,
        &[
            ("base", base),
            (
                "lib",
                "decorum 1\npolicy lib\nimport \"./base\"\nuse base.hotline { severity error }\n",
            ),
        ],
        &["lib"],
    );
    expect![[r#"
        root.decorum:6:5: warning[no-effect]: `base.hotline` is disabled, so this `use` has no effect: its settings do not apply and its examples do not run `base.hotline` (help: remove this `use`, or the `disable` if the rule should run) [root.decorum:5:1: disabled here]
    "#]].assert_eq(&render_problems(&inputs, &compiled.problems));
}

/// A parameter declared twice and a severity that does not exist say what to write.
#[test]
fn a_duplicate_parameter_and_an_unknown_severity_say_what_to_write() {
    check(
        r##"decorum 1
policy t
import "./lib"
use lib.r { severity critical }
use lib.r { severity eror }
rule q { param p = 1 param p = 2 flag when words > p }
rule z { severity critical flag when words > 3 }
"##,
        &[(
            "lib",
            "decorum 1\npolicy lib\nrule r { flag when contains [\"x\"] }\n",
        )],
        expect![[r#"
            root.decorum:4:22: error[syntax]: expected `=` or `+=` or a severity (`error`, `warning`, `info` or `hint`), found `critical` `critical` (help: a severity is `error`, `warning`, `info` or `hint`, as in `severity error`)
            root.decorum:5:22: error[syntax]: expected `=` or `+=` or a severity (`error`, `warning`, `info` or `hint`), found `eror` `eror` (help: did you mean `error`? A severity is `error`, `warning`, `info` or `hint`)
            root.decorum:6:28: error[duplicate]: the parameter `p` is declared twice `p` (help: keep one `param p` (a rule has one value for each parameter), or give the second another name) [root.decorum:6:16: first declared here]
            root.decorum:7:19: error[syntax]: expected a severity (`error`, `warning`, `info` or `hint`), found `critical` `critical` (help: a severity is `error`, `warning`, `info` or `hint`, as in `severity error`)
        "#]],
    );
}
