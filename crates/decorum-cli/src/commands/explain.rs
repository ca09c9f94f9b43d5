//! `decorum explain RULE`: a rule's title, explanation, link and examples.

use std::io::Write;

use decorum_engine::{ExpectedOutcome, OverrideChange, SeverityOrigin};

use super::{EXIT_ERROR, EXIT_OK, policy_place, print_problems, stderr_style};
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
                let at = policy_place(&session.inputs, d.source, d.range)
                    .map(|(path, line)| format!(" at {path}:{line}"))
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
                "error: `{wanted}` is ambiguous: {}",
                ids.join(", ")
            );
            return EXIT_ERROR;
        }
    };

    let mut out = String::new();
    out.push_str(&format!("{} ({})\n\n", rule.title, rule.id));
    let (kind, origin_place) = match rule.severity_origin {
        SeverityOrigin::Builtin => ("built in", None),
        SeverityOrigin::Default { source, range } => (
            "default, from",
            policy_place(&session.inputs, source, range),
        ),
        SeverityOrigin::Override { source, range } => (
            "set by an override at",
            policy_place(&session.inputs, source, range),
        ),
    };
    let origin = match &origin_place {
        Some((path, line)) => format!("{kind} {path}:{line}"),
        None => kind.to_string(),
    };
    // The lock may come from another file than the severity: a `use` block that locked
    // the rule, then a file nearer the root that raised it.
    let lock_place = session
        .compiled
        .audit
        .lock_origin(&session.inputs, rule)
        .and_then(|(source, at)| policy_place(&session.inputs, source, at));
    let locked = match lock_place {
        Some(place) if origin_place.as_ref() != Some(&place) => {
            format!(", locked at {}:{}", place.0, place.1)
        }
        _ if rule.locked => ", locked".to_string(),
        _ => String::new(),
    };
    out.push_str(&format!(
        "severity: {}{locked} ({origin})\n",
        rule.severity.as_str()
    ));
    // Parameters the workspace changed: the findings already use the new values.
    for o in &session.compiled.audit.overrides {
        let OverrideChange::Param { name, from, to } = &o.change else {
            continue;
        };
        if o.rule != rule.id {
            continue;
        }
        let at = policy_place(&session.inputs, o.source, o.range)
            .map(|(path, line)| format!(", set by an override at {path}:{line}"))
            .unwrap_or_default();
        out.push_str(&format!("parameter {name}: {to} (was {from}{at})\n"));
    }
    if !rule.tags.is_empty() {
        out.push_str(&format!("tags: {}\n", rule.tags.join(", ")));
    }
    if let Some(link) = &rule.link {
        out.push_str(&format!("source: {link}\n"));
    }
    if let Some(explain) = &rule.explain {
        out.push('\n');
        out.push_str(explain.trim_end());
        out.push('\n');
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
    let _ = std::io::stdout().write_all(out.as_bytes());
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
