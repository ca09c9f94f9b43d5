//! `decorum explain RULE`: a rule's title, explanation, link and examples.

use std::io::Write;

use decorum_engine::{
    AuditTrail, Compiled, ExpectedOutcome, OverrideChange, OverrideRecord, PolicyInputs, RuleInfo,
    SeverityOrigin, SourceId, SymbolKey, SymbolKind,
};
use decorum_text::TextRange;

use super::{EXIT_ERROR, EXIT_OK, print_problems, shown_place, stderr_style};
use crate::report::human::clean;
use crate::session;
use crate::{Color, ExplainArgs};

/// Runs `decorum explain`.
pub fn run(args: ExplainArgs) -> u8 {
    let err_style = stderr_style(Color::Auto);
    let config = match session::config(args.policy.config.as_deref()) {
        Ok(c) => c,
        Err(problems) => {
            super::print_general(err_style, &problems);
            return EXIT_ERROR;
        }
    };
    let session = session::load(config, args.policy.policy.as_deref());
    let Some(set) = session
        .compiled
        .policy_set
        .as_ref()
        .filter(|_| !session.has_errors())
    else {
        print_problems(&session, err_style);
        return EXIT_ERROR;
    };
    // Warnings not tied to a policy file (a declared library folder that does not
    // exist), as every command shows them.
    super::print_general(err_style, &session.general);
    let wanted = args.rule.trim();
    let exact = set
        .rule(wanted)
        .or_else(|| set.builtin_rules().into_iter().find(|r| r.id == wanted));
    let suffix: Vec<_> = set
        .rules()
        .iter()
        .filter(|r| r.id.ends_with(&format!(".{wanted}")))
        .collect();
    let rule = match (exact, suffix.as_slice()) {
        (Some(r), _) => r,
        (None, [one]) => *one,
        (None, []) => {
            // A rule the workspace switched off is not active, but saying only "no
            // active rule" would hide where and why.
            let disabled = session
                .compiled
                .audit
                .disables
                .iter()
                .find(|d| d.rule == wanted || d.rule.ends_with(&format!(".{wanted}")));
            if let Some(d) = disabled {
                let at = shown_place(&session.inputs, d.source, d.range)
                    .map(|place| format!(" at {place}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    std::io::stderr(),
                    "error: `{}` is disabled{at}, because \"{}\"\n  = help: remove the `disable` to apply the rule again",
                    d.rule,
                    clean(&d.reason)
                );
                return EXIT_ERROR;
            }
            let hint = suggestion(wanted, set)
                .map(|s| format!("; did you mean {s}?"))
                .unwrap_or_default();
            let _ = writeln!(
                std::io::stderr(),
                "error: no active rule `{wanted}`{hint}\n  = help: `decorum check --format json` shows rule ids; the policies in use come from decorum.toml or --policy"
            );
            return EXIT_ERROR;
        }
        (None, many) => {
            let ids: Vec<&str> = many.iter().map(|r| r.id.as_str()).collect();
            let _ = writeln!(
                std::io::stderr(),
                "error: `{wanted}` is ambiguous: {}\n  = help: name the rule in full, such as `decorum explain {}`",
                ids.join(", "),
                ids.first().copied().unwrap_or(wanted)
            );
            return EXIT_ERROR;
        }
    };

    let mut out = String::new();
    // A policy's text reaches the terminal escaped, as findings' messages do: a title,
    // link or explanation holding escape codes must not drive the terminal.
    out.push_str(&format!("{} ({})\n\n", clean(&rule.title), rule.id));
    let (kind, origin_place) = match rule.severity_origin {
        SeverityOrigin::Builtin => ("built in", None),
        SeverityOrigin::Default { source, range } => {
            ("default, from", shown_place(&session.inputs, source, range))
        }
        SeverityOrigin::Override { source, range } => (
            "set by an override at",
            shown_place(&session.inputs, source, range),
        ),
    };
    let origin = match &origin_place {
        Some(place) => format!("{kind} {place}"),
        None => kind.to_string(),
    };
    // The lock may come from another file than the severity: a `use` block that locked
    // the rule, then a file nearer the root that raised it.
    let lock_place = session
        .compiled
        .audit
        .lock_origin(rule)
        .and_then(|(source, at)| shown_place(&session.inputs, source, at));
    let locked = match lock_place {
        Some(place) if origin_place.as_ref() != Some(&place) => {
            format!(", locked at {place}")
        }
        _ if rule.locked => ", locked".to_string(),
        _ => String::new(),
    };
    out.push_str(&format!(
        "severity: {}{locked} ({origin})\n",
        rule.severity.as_str()
    ));
    // Parameters the workspace changed: the findings already use the values in force.
    // Values are quoted from the policies as written, escaped like the rest.
    for line in parameter_lines(&session.inputs, &session.compiled.audit, rule) {
        out.push_str(&clean(line.trim_end_matches('\n')));
        out.push('\n');
    }
    // Terms added to or taken from the sets the rule reads change what it flags too.
    for line in extend_lines(&session.inputs, &session.compiled, rule) {
        out.push_str(&clean(line.trim_end_matches('\n')));
        out.push('\n');
    }
    if !rule.tags.is_empty() {
        out.push_str(&format!("tags: {}\n", rule.tags.join(", ")));
    }
    if let Some(link) = &rule.link {
        out.push_str(&format!("source: {}\n", clean(link)));
    }
    if let Some(explain) = &rule.explain {
        out.push('\n');
        // Escaped line by line: its line breaks are the author's layout.
        for line in explain.trim_end().lines() {
            out.push_str(&clean(line));
            out.push('\n');
        }
    }
    if !rule.examples.is_empty() {
        out.push_str("\nexamples:\n");
        for ex in &rule.examples {
            let (word, at) = match &ex.expect {
                ExpectedOutcome::Flags(Some(span)) => {
                    ("flags ", format!("  (at “{}”)", clean(span)))
                }
                ExpectedOutcome::Flags(None) => ("flags ", String::new()),
                ExpectedOutcome::Passes => ("passes", String::new()),
            };
            out.push_str(&format!("  {word} “{}”{at}\n", clean(&ex.text)));
        }
    }
    crate::output::print(out.as_bytes());
    EXIT_OK
}

/// The rule ids closest to a `wanted` that names none, as "`id`" or "`a` or `b`". Like a
/// rule, a misspelt name may be written whole or as the end of an id (`advert-shar`), so
/// it is compared with every id's endings after a dot too, and an ending maps back to the
/// ids that end so.
fn suggestion(wanted: &str, set: &decorum_engine::PolicySet) -> Option<String> {
    let ids = set
        .known_rule_ids()
        .iter()
        .map(String::as_str)
        .chain(set.builtin_rules().into_iter().map(|r| r.id.as_str()));
    let mut endings: Vec<(&str, &str)> = Vec::new();
    for id in ids {
        endings.push((id, id));
        endings.extend(id.match_indices('.').map(|(i, _)| (&id[i + 1..], id)));
    }
    let mut candidates: Vec<&str> = endings.iter().map(|(ending, _)| *ending).collect();
    candidates.sort_unstable();
    candidates.dedup();
    let closest = decorum_syntax::did_you_mean(wanted, candidates)?;
    let mut matching: Vec<&str> = endings
        .iter()
        .filter(|(ending, _)| *ending == closest)
        .map(|(_, id)| *id)
        .collect();
    matching.sort_unstable();
    matching.dedup();
    let quoted: Vec<String> = matching.iter().map(|id| format!("`{id}`")).collect();
    match quoted.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [rest @ .., last] => Some(format!("{} or {last}", rest.join(", "))),
    }
}

/// One override of a parameter: the value it set as written (for an addition, the
/// terms it added), whether it added them, and where.
struct ParamStep<'a> {
    value: &'a str,
    add: bool,
    at: String,
}

/// The `use` clauses that set one parameter of a rule, in the order they apply (from the
/// deepest importer to the root, so the last `=` wins and the `+=` after it add to it).
pub(super) struct ParamOverrides<'a> {
    pub(super) name: &'a str,
    /// The default, as the audit shows it.
    from: &'a str,
    /// Each clause with the value it set as written (for an addition, the terms it
    /// added) and whether it added them (`+=`).
    pub(super) steps: Vec<(&'a OverrideRecord, &'a str, bool)>,
}

impl ParamOverrides<'_> {
    /// Where the clauses in force begin: at the last `=`, which replaced the default and
    /// every clause before it; `None` when all of them add to the default.
    fn last_replacement(&self) -> Option<usize> {
        self.steps.iter().rposition(|&(_, _, add)| !add)
    }
}

/// The rule's parameters that `use` clauses set, each with its clauses.
pub(super) fn param_overrides<'a>(
    audit: &'a AuditTrail,
    rule: &RuleInfo,
) -> Vec<ParamOverrides<'a>> {
    let mut params: Vec<ParamOverrides<'a>> = Vec::new();
    for o in audit.overrides.iter().filter(|o| o.rule == rule.id) {
        let OverrideChange::Param {
            name,
            from,
            to,
            add,
        } = &o.change
        else {
            continue;
        };
        // An addition's value shows after its `+=`.
        let value = match add {
            true => to.strip_prefix("+=").unwrap_or(to),
            false => to,
        };
        let step = (o, value, *add);
        match params.iter_mut().find(|p| p.name == name) {
            Some(p) => p.steps.push(step),
            None => params.push(ParamOverrides {
                name,
                from,
                steps: vec![step],
            }),
        }
    }
    params
}

/// One line per parameter the workspace's `use` blocks changed: the value in force, its
/// default, where it was set, and what it replaced when several files set it.
fn parameter_lines(inputs: &PolicyInputs, audit: &AuditTrail, rule: &RuleInfo) -> Vec<String> {
    let mut lines = Vec::new();
    for param in param_overrides(audit, rule) {
        let first_in_force = param.last_replacement().unwrap_or(0);
        let (name, from) = (param.name, param.from);
        let steps: Vec<ParamStep<'_>> = (param.steps.iter())
            .map(|&(o, value, add)| ParamStep {
                value,
                add,
                at: shown_place(inputs, o.source, o.range)
                    .unwrap_or_else(|| "an importing policy".to_string()),
            })
            .collect();
        let default = shown_default(inputs, rule, name, from);
        let (replaced, in_force) = steps.split_at(first_in_force);
        let mut value = default.clone();
        for step in in_force {
            value = match step.add {
                true => format!("{value} + {}", one_line(step.value)),
                false => one_line(step.value),
            };
        }
        let places: Vec<&str> = in_force.iter().map(|s| s.at.as_str()).collect();
        let by = match places.as_slice() {
            [one] => format!("an override at {one}"),
            [rest @ .., last] => format!("overrides at {} and {last}", rest.join(", ")),
            [] => "an override".to_string(),
        };
        let earlier: Vec<String> = replaced
            .iter()
            .map(|s| match s.add {
                true => format!("{} added at {}", one_line(s.value), s.at),
                false => format!("{} at {}", one_line(s.value), s.at),
            })
            .collect();
        let earlier = if earlier.is_empty() {
            String::new()
        } else {
            format!("; it replaced {}", earlier.join(", then "))
        };
        lines.push(format!(
            "parameter {name}: {value} (was {default}, set by {by}{earlier})\n"
        ));
    }
    lines
}

/// A parameter's default as `decorum explain` and `decorum audit` show it: as written,
/// like the values of the overrides (a text in its quotes). `from` is the engine's
/// rendering, the fallback for a rule without a source; a term set's value shows as
/// "(term set)" there, and a long one as written would crowd the line.
pub(super) fn shown_default(
    inputs: &PolicyInputs,
    rule: &RuleInfo,
    name: &str,
    from: &str,
) -> String {
    if from == "(term set)" {
        default_as_written(inputs, rule, name)
            .filter(|text| text.chars().count() <= 60)
            .unwrap_or_else(|| "its default terms".into())
    } else {
        default_as_written(inputs, rule, name).unwrap_or_else(|| from.to_string())
    }
}

/// A parameter's default as written in the rule, on one line.
fn default_as_written(inputs: &PolicyInputs, rule: &RuleInfo, name: &str) -> Option<String> {
    let source = inputs.source(rule.source?)?;
    let range = default_range(inputs, rule, name)?;
    Some(one_line(decorum_text::slice(&source.text, range)))
}

/// Where a parameter's default value is written in the rule's file.
fn default_range(inputs: &PolicyInputs, rule: &RuleInfo, name: &str) -> Option<TextRange> {
    let source = inputs.source(rule.source?)?;
    let decl = source
        .parse
        .file
        .rules()
        .find(|r| r.name.range == rule.name_range)?;
    let param = decl.params().find(|p| p.name.text == name)?;
    Some(param.value.range())
}

/// The `use` clauses that set the rule's parameters and are in force (for each
/// parameter, its last `=` and the `+=` after it), and the default values an `=`
/// replaced: the sets named in those are no longer read.
fn params_in_force<'a>(
    inputs: &PolicyInputs,
    audit: &'a AuditTrail,
    rule: &RuleInfo,
) -> (Vec<&'a OverrideRecord>, Vec<TextRange>) {
    let mut in_force = Vec::new();
    let mut replaced_defaults = Vec::new();
    for param in param_overrides(audit, rule) {
        let first = match param.last_replacement() {
            Some(last) => {
                replaced_defaults.extend(default_range(inputs, rule, param.name));
                last
            }
            None => 0,
        };
        in_force.extend(param.steps.iter().skip(first).map(|&(o, _, _)| o));
    }
    (in_force, replaced_defaults)
}

/// A value as written, on one line (a term list may span several).
pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One line per `extend` of a term set the rule reads, in the order they applied: the
/// sets named in the rule (its conditions and parameter defaults), in the `use` blocks
/// that set its parameters, and in the sets those name, found through the names that
/// resolved (`Compiled::symbols`).
fn extend_lines(inputs: &PolicyInputs, compiled: &Compiled, rule: &RuleInfo) -> Vec<String> {
    let symbols = &compiled.symbols;
    let Some(source) = rule.source else {
        return Vec::new();
    };
    let Some(definition) = symbols.definitions.iter().find(|d| {
        d.key.kind == SymbolKind::Rule && d.key.source == source && d.name_range == rule.name_range
    }) else {
        return Vec::new();
    };
    // Places whose set references count: the rule (but for the defaults a `use`
    // replaced), the `use` clauses in force for its parameters, then each set found.
    let (in_force, replaced) = params_in_force(inputs, &compiled.audit, rule);
    let mut places: Vec<(SourceId, TextRange)> = vec![(source, definition.range)];
    places.extend(in_force.iter().map(|o| (o.source, o.range)));
    let replaced_default = |file: SourceId, at: TextRange| {
        file == source && replaced.iter().any(|r| r.contains_range(at))
    };
    let mut sets: Vec<&SymbolKey> = Vec::new();
    let mut next = 0;
    while let Some(&(file, range)) = places.get(next) {
        let in_rule = next == 0;
        next += 1;
        for reference in &symbols.references {
            let target = &reference.target;
            if target.kind != SymbolKind::TermSet
                || reference.source != file
                || !range.contains_range(reference.range)
                || (in_rule && replaced_default(file, reference.range))
                || sets.contains(&target)
            {
                continue;
            }
            sets.push(target);
            if let Some(set) = symbols.definition(target) {
                places.push((set.key.source, set.range));
            }
        }
    }
    let mut lines = Vec::new();
    for e in &compiled.audit.extends {
        // The set an `extend` changes is the one its target name resolved to (not a set
        // its terms name).
        let target = inputs.source(e.source).and_then(|src| {
            src.parse.file.items.iter().find_map(|item| match item {
                decorum_syntax::Item::Extend(x) if x.range == e.range => Some(x.target.range),
                _ => None,
            })
        });
        let extended = target.and_then(|at| symbols.target_at(e.source, at));
        if !extended.is_some_and(|key| sets.contains(&key)) {
            continue;
        }
        let op = if e.remove { "-=" } else { "+=" };
        let at = shown_place(inputs, e.source, e.range)
            .map(|place| format!(" (at {place})"))
            .unwrap_or_default();
        lines.push(format!(
            "extend {} {op} {}{at}\n",
            e.set,
            one_line(&e.terms)
        ));
    }
    lines
}
