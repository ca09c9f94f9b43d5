//! Post metadata: the values of YAML front matter and of configuration, flattened to
//! dotted keys so rules can ask for `channel` or `consent.type` without knowing YAML.

use std::collections::BTreeMap;

/// One metadata value, from YAML front matter or from configuration.
///
/// YAML scalars become [`MetaValue::Str`], [`MetaValue::Num`], [`MetaValue::Bool`] or
/// [`MetaValue::Null`] following YAML's plain-scalar rules (quoted scalars are always
/// strings); sequences become [`MetaValue::List`]. Mappings never appear as values: they are
/// flattened into dotted keys of [`Metadata`] (a mapping inside a list is kept as its
/// flow-style text, e.g. `{a: 1}`).
#[derive(Clone, Debug, PartialEq)]
pub enum MetaValue {
    /// A string.
    Str(String),
    /// A number (YAML integers and floats).
    Num(f64),
    /// A boolean.
    Bool(bool),
    /// A list of values.
    List(Vec<MetaValue>),
    /// An explicit or empty null (`key:`, `key: ~`, `key: null`).
    Null,
}

impl MetaValue {
    /// The string, when this is a [`MetaValue::Str`].
    pub fn as_str(&self) -> Option<&str> {
        match self {
            MetaValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number, when this is a [`MetaValue::Num`].
    pub fn as_num(&self) -> Option<f64> {
        match self {
            MetaValue::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// The boolean, when this is a [`MetaValue::Bool`].
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            MetaValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as people read it: strings as written, whole numbers without a decimal
    /// point, `true`/`false`, list items joined with `", "`, and null as the empty string.
    pub fn display(&self) -> String {
        let mut out = String::new();
        self.write_display(&mut out);
        out
    }

    fn write_display(&self, out: &mut String) {
        match self {
            MetaValue::Str(s) => out.push_str(s),
            MetaValue::Num(n) => out.push_str(&format_number(*n)),
            MetaValue::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            MetaValue::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_display(out);
                }
            }
            MetaValue::Null => {}
        }
    }
}

/// Formats a number without a trailing `.0` when it is whole.
fn format_number(n: f64) -> String {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Metadata of a post: keys as written (lookups are exact and case-sensitive), nested
/// YAML mappings flattened to dotted keys (`consent: {type: written}` is `consent.type`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    entries: BTreeMap<String, MetaValue>,
}

impl Metadata {
    /// Empty metadata.
    pub fn new() -> Metadata {
        Metadata::default()
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&MetaValue> {
        self.entries.get(key)
    }

    /// Sets `key` to `value`, returning the value it replaces.
    pub fn insert(&mut self, key: impl Into<String>, value: MetaValue) -> Option<MetaValue> {
        self.entries.insert(key.into(), value)
    }

    /// True when a key below `key` is present (`channel.name` for `channel`): a mapping
    /// written as the value of `key`, flattened.
    pub(crate) fn has_under(&self, key: &str) -> bool {
        self.under(key).next().is_some()
    }

    /// Removes `key` and every key below it (`channel` and `channel.name`).
    pub(crate) fn remove_under(&mut self, key: &str) {
        let below: Vec<String> = self.under(key).map(str::to_owned).collect();
        for k in below {
            self.entries.remove(&k);
        }
        self.entries.remove(key);
    }

    /// The keys below `key`: those starting with `key.`, adjacent in key order.
    fn under<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = format!("{key}.");
        self.entries
            .range::<str, _>((
                std::ops::Bound::Included(prefix.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .map(|(k, _)| k.as_str())
            .take_while(move |k| k.starts_with(&prefix))
    }

    /// A copy of `base` with every entry of `self` laid over it: on equal keys `self` wins.
    pub fn merged_over(&self, base: &Metadata) -> Metadata {
        let mut entries = base.entries.clone();
        for (key, value) in &self.entries {
            entries.insert(key.clone(), value.clone());
        }
        Metadata { entries }
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &MetaValue)> + '_ {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<K: Into<String>> FromIterator<(K, MetaValue)> for Metadata {
    fn from_iter<T: IntoIterator<Item = (K, MetaValue)>>(iter: T) -> Self {
        Metadata {
            entries: iter.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_layers_win_and_display_is_readable() {
        let base: Metadata = [
            ("channel", MetaValue::Str("x".into())),
            ("team", MetaValue::Str("cardio".into())),
        ]
        .into_iter()
        .collect();
        let post: Metadata = [
            ("channel", MetaValue::Str("linkedin".into())),
            ("n", MetaValue::Num(3.0)),
        ]
        .into_iter()
        .collect();
        let merged = post.merged_over(&base);
        let shown: Vec<String> = merged
            .iter()
            .map(|(k, v)| format!("{k}={}", v.display()))
            .collect();
        assert_eq!(shown, ["channel=linkedin", "n=3", "team=cardio"]);
        let list = MetaValue::List(vec![
            MetaValue::Num(1.5),
            MetaValue::Bool(true),
            MetaValue::Null,
        ]);
        assert_eq!(list.display(), "1.5, true, ");
    }
}
