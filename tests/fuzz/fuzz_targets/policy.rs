//! Policy files: the parser reports errors inside the text in human words, the
//! formatter never refuses its own output and reaches a fixed point, and whatever
//! compiles checks a draft and its own examples without panicking.
#![no_main]

use decorum_draft::{DraftFormat, Metadata};
use decorum_engine::{PolicyInputs, compile};
use decorum_syntax::{FormatError, format};
use libfuzzer_sys::fuzz_target;

const DRAFT: &str = "---\nchannel: x\n---\nMy patient, a 45-year-old from Millbrook, is cured! \
Call 555-0142. #ad https://example.com\n\n<!-- post -->\nNo cure exists 😀.\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let inputs = PolicyInputs::single("fuzz.decorum", text);
    for err in &inputs.sources[0].parse.errors {
        let (s, e) = (usize::from(err.range.start()), usize::from(err.range.end()));
        assert!(
            s <= e && e <= text.len(),
            "error range {s}..{e} outside the text"
        );
        assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
    }
    match format(text) {
        Ok(out) => match format(&out) {
            Ok(again) => assert_eq!(again, out, "formatting the formatted text changed it"),
            Err(e) => panic!("the formatter's own output does not format: {e:?}"),
        },
        Err(FormatError::Unsafe(why)) => panic!("the formatter refused its own output: {why}"),
        Err(FormatError::Syntax(_)) => {}
    }
    let Some(set) = compile(&inputs).policy_set else {
        return;
    };
    let _ = set.run_examples();
    for format in [DraftFormat::Markdown, DraftFormat::PlainText] {
        let draft = decorum_draft::parse(DRAFT, format, &Metadata::default());
        let _ = set.check(&draft);
    }
});
