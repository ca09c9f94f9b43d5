//! `textDocument/definition` and `textDocument/references` in policy files.
//!
//! Names resolve with the engine's symbol index of the document's analysis: a rule or
//! term-set reference (also in `use`, `extend` and `disable`) and a parameter assigned
//! in a `use` block go to their definition,
//! in the same file, another file of the workspace or the standard library (written to a
//! read-only cache, see [`crate::std_files`]); an `import "..."` string goes to the file
//! or files it imports. References are gathered from every view the server has (see
//! [`crate::navigation`]): the document's analysis, the other open policy documents and
//! the workspace's configured policies.
//!
//! Both run on the blocking pool: an analysis can need a compile.

use std::sync::Arc;

use decorum_engine::{ImportResolution, SourceId, SymbolKind};
use decorum_syntax::Item;
use decorum_text::{TextRange, TextSize};
use tower_lsp_server::ls_types::{
    GotoDefinitionParams, GotoDefinitionResponse, Location, ReferenceParams, Uri,
};

use crate::analysis::PolicyAnalysis;
use crate::log::Level;
use crate::navigation::{self, GlobalKey, View};
use crate::state::State;

/// Answers `textDocument/definition`: `None` when nothing resolvable is at the position.
pub async fn definition(
    state: &Arc<State>,
    params: GotoDefinitionParams,
) -> Option<GotoDefinitionResponse> {
    let at = params.text_document_position_params;
    super::off_workers(state, move |state| {
        definition_at(state, &at.text_document.uri, at.position)
    })
    .await
}

/// The definition (or imported files) at `position` of `uri`.
fn definition_at(
    state: &State,
    uri: &Uri,
    position: tower_lsp_server::ls_types::Position,
) -> Option<GotoDefinitionResponse> {
    let (analysis, source, offset) = navigation::document_offset(state, uri, position)?;
    let view = View::Analysis(Arc::clone(&analysis));
    let encoding = state.encoding();
    if let Some((definition, _)) = navigation::definition_at(&analysis, source, offset) {
        let key = &definition.key;
        crate::log!(Level::Debug, "definition: {:?} {}", key.kind, key.source.0);
        let location = view.location(key.source, definition.name_range, encoding)?;
        return Some(GotoDefinitionResponse::Scalar(location));
    }
    let targets = import_targets_at(&analysis, source, offset);
    let locations: Vec<Location> = targets
        .into_iter()
        .filter_map(|target| view.location(target, TextRange::default(), encoding))
        .collect();
    match locations.len() {
        0 => None,
        1 => locations
            .into_iter()
            .next()
            .map(GotoDefinitionResponse::Scalar),
        _ => Some(GotoDefinitionResponse::Array(locations)),
    }
}

/// The files an `import` imports, when `offset` is on its path string.
fn import_targets_at(
    analysis: &PolicyAnalysis,
    source: SourceId,
    offset: TextSize,
) -> Vec<SourceId> {
    let Some(policy) = analysis.loaded.inputs.source(source) else {
        return Vec::new();
    };
    let imports = policy
        .parse
        .file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Import(import) => Some(import),
            _ => None,
        });
    for (import, resolution) in imports.zip(&policy.imports) {
        if !import.source.range.contains_inclusive(offset) {
            continue;
        }
        return match resolution {
            ImportResolution::File(id) => vec![*id],
            ImportResolution::Folder(modules) => modules.iter().map(|(_, id)| *id).collect(),
            ImportResolution::Failed { .. } => Vec::new(),
        };
    }
    Vec::new()
}

/// Answers `textDocument/references`: every reference to the rule or term set at the
/// position, or every `use` block assigning the parameter there (the definition too when
/// the client asks), in every file the server knows.
pub async fn references(state: &Arc<State>, params: ReferenceParams) -> Option<Vec<Location>> {
    super::off_workers(state, move |state| {
        let at = params.text_document_position;
        let (analysis, source, offset) =
            navigation::document_offset(state, &at.text_document.uri, at.position)?;
        let (definition, _) = navigation::definition_at(&analysis, source, offset)?;
        let key = &definition.key;
        let own = View::Analysis(Arc::clone(&analysis));
        let global = own.global(key)?;
        let encoding = state.encoding();
        let views = navigation::views(state, Some(&analysis));
        let open = navigation::open_policy_paths(state);
        let mut locations = Vec::new();
        if params.context.include_declaration {
            locations.extend(own.location(key.source, definition.name_range, encoding));
        }
        let sites = match (key.kind, &definition.container) {
            // A parameter is named where `use` blocks assign it.
            (SymbolKind::Param, Some(rule)) => {
                let rule = GlobalKey {
                    kind: SymbolKind::Rule,
                    name: rule.clone(),
                    ..global
                };
                navigation::param_assignments(&views, &rule, &key.name, &open)
            }
            _ => navigation::reference_sites(&views, &global, &open),
        };
        for (view, source, range) in sites {
            locations.extend(view.location(source, range, encoding));
        }
        crate::log!(
            Level::Debug,
            "references: {} found in {} views",
            locations.len(),
            views.len()
        );
        Some(locations)
    })
    .await
}
