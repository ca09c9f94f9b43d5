//! Output formats of `decorum check`: human, JSON and SARIF.

pub mod human;
pub mod json;
pub mod sarif;

use decorum_engine::DraftReport;
use decorum_text::{LineIndex, TextRange};

/// One checked draft, ready to report.
pub struct CheckedFile {
    /// The path as shown to people and written in JSON/SARIF (relative where possible,
    /// `/` separators).
    pub display: String,
    /// The draft's text.
    pub text: String,
    /// Its line index.
    pub index: LineIndex,
    /// What the check found.
    pub report: DraftReport,
}

impl CheckedFile {
    /// 1-based line and character column (Unicode scalar values) of an offset.
    pub fn position(&self, offset: decorum_text::TextSize) -> (u32, u32) {
        let lc = self.index.shown_char_col(&self.text, offset);
        (lc.line + 1, lc.col + 1)
    }

    /// The JSON position object used by `--format json`.
    pub fn json_range(&self, range: TextRange) -> (serde_json::Value, serde_json::Value) {
        let (sl, sc) = self.position(range.start());
        let (el, ec) = self.position(range.end());
        (
            serde_json::json!({ "line": sl, "column": sc, "offset": u32::from(range.start()) }),
            serde_json::json!({ "line": el, "column": ec, "offset": u32::from(range.end()) }),
        )
    }
}

/// Writes `doc` as `serde_json::to_string_pretty` prints it, with a line break at the
/// end, except that the array under `key`, empty in `doc` and nested `depth` objects or
/// arrays deep (1 for a key of the top-level object), is filled by `fill`, which hands
/// each element to the function it is given, in order. A report of an archive holds
/// thousands of findings; printed one at a time they need not all be values in memory at
/// once (several KB each).
pub fn write_filled(
    out: &mut impl std::io::Write,
    doc: &serde_json::Value,
    key: &str,
    depth: usize,
    fill: impl FnOnce(&mut dyn FnMut(serde_json::Value) -> std::io::Result<()>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(doc).map_err(std::io::Error::other)?;
    // The key on a line of its own at its indent; a string holding the same characters
    // would have its quotes escaped.
    let opening = format!("\n{}\"{key}\": [", "  ".repeat(depth));
    let empty = format!("{opening}]");
    let Some(at) = text.find(&empty) else {
        out.write_all(text.as_bytes())?;
        return out.write_all(b"\n");
    };
    out.write_all(&text.as_bytes()[..at])?;
    out.write_all(opening.as_bytes())?;
    let indent = "  ".repeat(depth + 1);
    let mut any = false;
    fill(&mut |element| {
        out.write_all(if any { b",\n" } else { b"\n" })?;
        any = true;
        let pretty = serde_json::to_string_pretty(&element).map_err(std::io::Error::other)?;
        // JSON strings hold no raw line breaks: every line is the element's own.
        for (i, line) in pretty.split('\n').enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(indent.as_bytes())?;
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    })?;
    if any {
        out.write_all(format!("\n{}]", "  ".repeat(depth)).as_bytes())?;
    } else {
        out.write_all(b"]")?;
    }
    out.write_all(&text.as_bytes()[at + empty.len()..])?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writing a JSON or SARIF document finding by finding gives the text of the whole
    /// value: with std findings in several drafts, one draft without findings, and none.
    #[test]
    fn written_documents_are_the_values_pretty_printed() {
        let folder = std::env::temp_dir();
        let session = crate::session::load(decorum_workspace::Config::default_for(&folder), None);
        let set = session.compiled.policy_set.as_ref().expect("std compiles");
        let texts = [
            "My patient, a 45-year-old from Millbrook, says this tea cures anxiety.\n",
            "Book now! 20% off this week only.\n",
            "Nothing to see here.\n",
        ];
        let meta = decorum_draft::Metadata::default();
        let drafts: Vec<decorum_draft::Draft> = texts
            .iter()
            .map(|t| decorum_draft::parse(t, decorum_draft::DraftFormat::Markdown, &meta))
            .collect();
        let reports = set.check_batch(&drafts.iter().collect::<Vec<_>>());
        let files: Vec<CheckedFile> = drafts
            .into_iter()
            .zip(reports)
            .enumerate()
            .map(|(i, (draft, report))| CheckedFile {
                display: format!("posts/{i}.md"),
                index: LineIndex::new(&draft.text),
                text: draft.text,
                report,
            })
            .collect();
        assert!(
            files[0].report.findings.len() > 1,
            "several findings to write"
        );
        let inputs = &session.inputs;
        let pretty =
            |value: &serde_json::Value| serde_json::to_string_pretty(value).expect("prints") + "\n";
        for files in [&files[..], &files[2..], &[]] {
            let counts = [1, 2, 3, 4];
            let mut written = Vec::new();
            json::write_document(&mut written, files, inputs, &[], &[], &counts).expect("writes");
            let value = json::document(files, inputs, &[], &[], &counts);
            assert_eq!(String::from_utf8(written).expect("UTF-8"), pretty(&value));
            let mut written = Vec::new();
            sarif::write_document(&mut written, files, inputs, &[], &[], &[]).expect("writes");
            let value = sarif::document(files, inputs, &[], &[], &[]);
            assert_eq!(String::from_utf8(written).expect("UTF-8"), pretty(&value));
        }
    }
}
