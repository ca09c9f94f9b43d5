//! Definitions and references in policy files, recorded while names resolve, so editors
//! can offer go-to-definition, find-references, hover and symbols without resolving
//! anything themselves.

use decorum_text::TextRange;

use crate::input::SourceId;

/// Everything defined and referred to in the compiled files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SymbolIndex {
    /// Policies, term sets, rules, parameters and examples, in file order.
    pub definitions: Vec<Definition>,
    /// Every name that resolved, with what it resolved to.
    pub references: Vec<Reference>,
}

impl SymbolIndex {
    /// The definition a key names.
    pub fn definition(&self, key: &SymbolKey) -> Option<&Definition> {
        self.definitions.iter().find(|d| &d.key == key)
    }

    /// The reference or definition name at an offset of a file.
    pub fn at(&self, source: SourceId, offset: decorum_text::TextSize) -> Option<&SymbolKey> {
        let covers = |r: TextRange| r.contains_inclusive(offset);
        self.references
            .iter()
            .find(|r| r.source == source && covers(r.range))
            .map(|r| &r.target)
            .or_else(|| {
                self.definitions
                    .iter()
                    .find(|d| d.key.source == source && covers(d.name_range))
                    .map(|d| &d.key)
            })
    }

    /// What the name written exactly at `range` of a file refers to.
    pub fn target_at(&self, source: SourceId, range: TextRange) -> Option<&SymbolKey> {
        self.references
            .iter()
            .find(|r| r.source == source && r.range == range)
            .map(|r| &r.target)
    }

    /// Every reference to a key.
    pub fn references_to<'s>(
        &'s self,
        key: &'s SymbolKey,
    ) -> impl Iterator<Item = &'s Reference> + 's {
        self.references.iter().filter(move |r| &r.target == key)
    }
}

/// Identifies a definition: the file, the kind and the local name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SymbolKey {
    /// The defining file.
    pub source: SourceId,
    /// What it is.
    pub kind: SymbolKind,
    /// Its name in that file (for parameters, the parameter name; for examples
    /// `rule#N`).
    pub name: String,
}

/// The kinds of symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A `policy` declaration.
    Policy,
    /// A `terms` declaration.
    TermSet,
    /// A `rule`.
    Rule,
    /// A `param` of a rule.
    Param,
    /// An `example` of a rule.
    Example,
}

/// Something a file defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// What and where.
    pub key: SymbolKey,
    /// The name people search for: `hc.privacy.client-story`.
    pub qualified: String,
    /// The name in the declaration.
    pub name_range: TextRange,
    /// The whole declaration.
    pub range: TextRange,
    /// The rule a parameter or example belongs to.
    pub container: Option<String>,
}

/// A name that refers to a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The file the name is written in.
    pub source: SourceId,
    /// The name (the whole dotted path).
    pub range: TextRange,
    /// What it refers to.
    pub target: SymbolKey,
}

/// The post fields conditions can measure (`words`, `length`, `hashtags`, ...), each
/// with what it measures, for completion in editors.
pub fn post_fields() -> impl Iterator<Item = (&'static str, &'static str)> {
    crate::ir::Field::ALL
        .iter()
        .map(|(name, _, meaning)| (*name, *meaning))
}

/// The channels the engine knows (`x`, `bluesky`, `linkedin`, ...): `channel == "..."`
/// with another value is a warning.
pub fn known_channels() -> &'static [&'static str] {
    crate::compile::known_channels()
}

/// The name an `import "SOURCE"` without `as` is reached by: the last segment of its
/// path without `.decorum`.
pub fn import_alias(source: &str) -> String {
    crate::compile::default_alias(source)
}
