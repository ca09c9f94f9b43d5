//! Output formats of `decorum check`: human, JSON and SARIF.

pub mod human;
pub mod json;
pub mod sarif;

use decorum_engine::DraftReport;
use decorum_text::{LineCol, LineIndex, TextRange, TextSize};

/// Line and column (0-based, in Unicode scalar values) of `offset` as an editor shows
/// them: a byte-order mark at the start of the file is not a character on screen, so it
/// does not count. `LineIndex` counts it; every report converts through here.
pub fn char_position(index: &LineIndex, text: &str, offset: TextSize) -> LineCol {
    let mut at = index.line_char_col(text, offset);
    if at.line == 0 && at.col > 0 && text.starts_with('\u{FEFF}') {
        at.col -= 1;
    }
    at
}

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
        let lc = char_position(&self.index, &self.text, offset);
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
