//! `textDocument/codeLens` on policy files: above each rule, whether its examples
//! behave as written ("6 examples pass", "1 of 6 examples fails"), run live on the text
//! in the editor. Rules adjusted in a `use` block get a lens there for the examples
//! written in it.

use std::collections::BTreeMap;
use std::sync::Arc;

use decorum_engine::SymbolKind;
use decorum_text::TextRange;
use tower_lsp_server::ls_types::{CodeLens, CodeLensParams, Command, Uri};

use crate::navigation::current_analysis;
use crate::position::LineMap;
use crate::state::State;

/// Answers `textDocument/codeLens`: `None` for documents that are not policy files. The
/// analysis may still be computing, so this waits on a blocking thread.
pub async fn code_lens(state: &Arc<State>, params: CodeLensParams) -> Option<Vec<CodeLens>> {
    super::off_workers(state, move |state| lenses(state, &params.text_document.uri)).await
}

fn lenses(state: &State, uri: &Uri) -> Option<Vec<CodeLens>> {
    let analysis = current_analysis(state, uri)?;
    let source = analysis.source?;
    let text = analysis.text()?;
    let index = decorum_text::LineIndex::new(text);
    let map = LineMap::new(text, &index, state.encoding());

    // Per rule id: where the lens goes, examples run, examples failed.
    let mut lenses: BTreeMap<String, (TextRange, usize, usize)> = BTreeMap::new();
    for result in &analysis.examples {
        let Some(example) = result.rule.examples.get(result.index) else {
            continue;
        };
        if example.source != source {
            continue;
        }
        let at = match result.rule.source {
            Some(s) if s == source => result.rule.name_range,
            _ => example.range,
        };
        let entry = lenses.entry(result.rule.id.clone()).or_insert((at, 0, 0));
        if at.start() < entry.0.start() {
            entry.0 = at;
        }
        entry.1 += 1;
        if !result.passed {
            entry.2 += 1;
        }
    }
    let compiled = analysis.compiled.policy_set.is_some();
    let mut out: Vec<CodeLens> = lenses
        .into_values()
        .map(|(at, run, failed)| lens(&map, at, summary(run, failed)))
        .collect();
    // Rules of this file without examples, or whose examples could not run.
    for definition in &analysis.compiled.symbols.definitions {
        if definition.key.source != source || definition.key.kind != SymbolKind::Rule {
            continue;
        }
        let covered = out
            .iter()
            .any(|l| l.range.start == map.position(definition.name_range.start()));
        if covered {
            continue;
        }
        let title = if compiled {
            "no examples: add `example flags` and `example passes`".to_owned()
        } else {
            "examples not run: the policies have errors".to_owned()
        };
        out.push(lens(&map, definition.name_range, title));
    }
    out.sort_by_key(|l| (l.range.start.line, l.range.start.character));
    Some(out)
}

/// "6 examples pass", "1 example passes", "1 of 6 examples fails", "2 of 6 examples fail".
pub fn summary(run: usize, failed: usize) -> String {
    match (run, failed) {
        (1, 0) => "1 example passes".to_owned(),
        (1, 1) => "1 of 1 example fails".to_owned(),
        (n, 0) => format!("{n} examples pass"),
        (n, 1) => format!("1 of {n} examples fails"),
        (n, f) => format!("{f} of {n} examples fail"),
    }
}

fn lens(map: &LineMap<'_>, at: TextRange, title: String) -> CodeLens {
    CodeLens {
        range: map.range(at),
        // A title only: clients show it; there is nothing to run (failures are
        // diagnostics on the examples).
        command: Some(Command {
            title,
            command: String::new(),
            arguments: None,
        }),
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn summaries_read_as_sentences() {
        assert_eq!(summary(1, 0), "1 example passes");
        assert_eq!(summary(6, 0), "6 examples pass");
        assert_eq!(summary(6, 1), "1 of 6 examples fails");
        assert_eq!(summary(6, 2), "2 of 6 examples fail");
        assert_eq!(summary(1, 1), "1 of 1 example fails");
    }
}
