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
        let lc = self.index.line_char_col(&self.text, offset);
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
