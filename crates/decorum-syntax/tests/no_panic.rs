//! The parser never panics and always reports positions inside the text, whatever it is
//! fed: random Unicode, and "token soup" made of the language's own words, which reaches
//! far deeper into the grammar than random characters do.

use decorum_syntax::{debug_tree, parse};
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "decorum 1\n",
    "policy",
    "import",
    "terms",
    "rule",
    "use",
    "extend",
    "disable",
    "because",
    "as",
    "=",
    "+=",
    "-=",
    "+",
    "-",
    "*",
    "/",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    ",",
    "->",
    "\"a phrase\"",
    "\"\"\"\n  multi\n\"\"\"",
    "\"unclosed",
    "/re+gex/i",
    "/",
    "masked",
    "unless",
    "negated",
    "quoted",
    "allow",
    "case-sensitive",
    "severity",
    "error",
    "warning",
    "locked",
    "title",
    "message",
    "link",
    "explain",
    "tags",
    "param",
    "flag",
    "batch",
    "once",
    "when",
    "require",
    "fix",
    "replace",
    "remove",
    "append",
    "prepend",
    "example",
    "flags",
    "passes",
    "at",
    "contains",
    "near",
    "words",
    "ordered",
    "in",
    "sentence",
    "paragraph",
    "post",
    "first",
    "chars",
    "and",
    "or",
    "not",
    "has",
    "channel",
    "type",
    "meta.key",
    "==",
    "!=",
    ">",
    ">=",
    "<",
    "count",
    "share",
    "posts",
    "12",
    "12%",
    "3.5",
    "99999999999999",
    "true",
    "name",
    "a.b.c",
    "#c\n",
    "\n",
    " ",
    "\t",
    "\r\n",
    "\u{feff}",
    "😀",
    "é",
    "\u{0301}",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|t| t.join(" "))
}

fn check(text: &str) {
    let parse = parse(text);
    for err in &parse.errors {
        let (s, e) = (usize::from(err.range.start()), usize::from(err.range.end()));
        assert!(
            s <= e && e <= text.len(),
            "error range {s}..{e} outside text of {}",
            text.len()
        );
        assert!(
            text.is_char_boundary(s) && text.is_char_boundary(e),
            "error range splits a character"
        );
        let own_words = without_quoted_input(&err.message, text);
        assert!(
            !own_words.contains("K_") && !own_words.contains("P_"),
            "raw rule name: {}",
            err.message
        );
    }
    let _ = debug_tree(&parse);
}

/// The message with every `quoted` piece of the input removed: a message may quote the
/// writer's own `K_h`, but the parser's own words must never carry a grammar rule name.
/// A quoted piece that is not in the input stays, so a leaked `K_RULE` is still caught.
fn without_quoted_input(message: &str, text: &str) -> String {
    let mut own = String::new();
    let mut quoted = false;
    for piece in message.split('`') {
        if !(quoted && text.contains(piece)) {
            own.push_str(piece);
        }
        quoted = !quoted;
    }
    own
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_text_never_panics(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn token_soup_never_panics(text in soup()) {
        check(&text);
    }

    #[test]
    fn valid_header_then_soup_never_panics(text in soup()) {
        check(&format!("decorum 1\npolicy p\nrule r {{\n{text}\n}}\n"));
    }
}

#[test]
fn a_quoted_name_that_looks_like_a_rule_name_is_the_writers_own() {
    // Found by `random_text_never_panics`: the message quotes the writer's `K_h`.
    check("\u{124d}K_h");
    check("decorum 1\nK_RULE P_EQ\n");
    assert_eq!(
        without_quoted_input("`K_h` cannot start a top-level item", "K_h"),
        " cannot start a top-level item"
    );
    assert_eq!(
        without_quoted_input("expected `K_RULE`", "rule r"),
        "expected K_RULE"
    );
}

/// Found by `random_text_never_panics` in CI: a line starting with a space the grammar
/// does not skip (U+2000) was located with Unicode's `trim`, which skips it, so the
/// error's range ran from the next character and split the one after it.
#[test]
fn an_item_starting_with_unskipped_space_is_named_where_it_is() {
    check("\u{2000}!\u{176e}");
    for (text, word) in [
        ("\u{2000}!\u{176e}", "\u{2000}"),
        ("\u{a0}rule r\n", "\u{a0}"),
        ("decorum 1\n# x\n\u{3000}x y\n", "\u{3000}"),
        // The word is also in the comment before it: the error is at the word itself.
        ("decorum 1\n# ab\nab x\n", "ab"),
    ] {
        check(text);
        let parse = parse(text);
        let [error] = parse.errors.as_slice() else {
            panic!("{text:?}: {:?}", parse.errors);
        };
        let start = usize::from(error.range.start());
        assert_eq!(start, text.rfind(word).unwrap_or(usize::MAX), "{text:?}");
        assert_eq!(
            usize::from(error.range.end()),
            start + word.len(),
            "{text:?}"
        );
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!(
        "decorum 1\nrule r {{ flag when {}contains a{} }}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    check(&deep);
    let deep_terms = format!(
        "decorum 1\nterms t = {}[\"a\"]{}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    check(&deep_terms);
}

/// Chains nest without brackets: `not not x` is a `not` inside a `not`, `1 + 2 + 3` an
/// addition inside an addition. Thousands of them overflowed the stack of the passes
/// after the parser; past 256 levels they are an error, and the item is left out whole.
#[test]
fn long_chains_are_an_error_not_a_stack_overflow() {
    let chains = [
        "not ".repeat(4000) + "contains a",
        format!("words > {}", vec!["1"; 5000].join(" + ")),
        format!("count(a) > {}", vec!["2"; 5000].join(" * ")),
        format!("contains {}", vec!["a"; 5000].join(" + ")),
    ];
    for cond in &chains {
        let text =
            format!("decorum 1\npolicy p\nrule r {{ flag when {cond} }}\nterms ok = [\"x\"]\n");
        check(&text);
        let parse = parse(&text);
        let messages: Vec<&str> = parse.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "this expression nests more than 256 levels deep (each `not` and each operator of a chain is a level)"
            ],
            "{cond:.40}"
        );
        assert_eq!(
            parse.file.items.len(),
            2,
            "`policy` and the next item stay; the rule is left out: {cond:.40}"
        );
    }
    // 256 levels are fine: a `not` chain of 256, or `and` over a chain of 255 operators.
    for cond in [
        "not ".repeat(256) + "contains a",
        format!("contains a and words > {}", vec!["1"; 256].join(" + ")),
    ] {
        let parse = parse(&format!(
            "decorum 1\npolicy p\nrule r {{ flag when {cond} }}\n"
        ));
        assert!(parse.errors.is_empty(), "{cond:.40}: {:?}", parse.errors);
    }
}
