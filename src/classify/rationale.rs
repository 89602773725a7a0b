//! Signals (short phrases) and rationale (plain sentences) built from a tool's evidence,
//! quoting the tool's own name and words.

use super::signals::Evidence;
use super::{Adjustments, Basis, Category};
use crate::catalogue::{Annotations, Tool};

/// Parameter count from which the count itself is a signal (a wide surface to misuse).
const MANY_PARAMETERS: usize = 8;

/// The short evidence phrases shown under "Signals", most trusted first.
pub(super) fn signals(annotations: Option<&Annotations>, e: &Evidence) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(a) = annotations {
        let hint = |v: Option<bool>, yes: &str, no: &str| match v {
            Some(true) => Some(yes.to_owned()),
            Some(false) => Some(no.to_owned()),
            None => None,
        };
        out.extend(hint(
            a.read_only_hint,
            "annotated read-only (`readOnlyHint: true`)",
            "annotated not read-only (`readOnlyHint: false`)",
        ));
        out.extend(hint(
            a.destructive_hint,
            "annotated destructive (`destructiveHint: true`)",
            "annotated non-destructive (`destructiveHint: false`)",
        ));
        out.extend(hint(
            a.idempotent_hint,
            "annotated idempotent (`idempotentHint: true`)",
            "annotated not idempotent (`idempotentHint: false`)",
        ));
        out.extend(hint(
            a.open_world_hint,
            "reaches outside systems (`openWorldHint: true`)",
            "closed world (`openWorldHint: false`)",
        ));
    }
    if let Some(v) = &e.name_verb {
        out.push(format!("name verb `{}`", v.word));
    }
    if let Some(g) = &e.generic_verb {
        out.push(format!("generic name verb `{g}`"));
    }
    if let Some(op) = &e.operation {
        out.push(format!("lists the operation `{}`", op.word));
    }
    if let Some(v) = &e.description_verb {
        out.push(format!("description verb \"{}\"", v.word));
    }
    if let Some(n) = &e.read_noun {
        out.push(format!("names a read-only fact (`{n}`)"));
    }
    if e.page_action {
        out.push("acts in a live browser page".to_owned());
    }
    if e.session {
        out.push("opens, closes or picks the client's own connection or context".to_owned());
    }
    if let Some(m) = &e.money_noun {
        out.push(format!("names money (`{m}`)"));
    }
    if e.read_only_claim.is_some() {
        out.push("description says read-only".to_owned());
    }
    if e.destructive_claim.is_some() {
        out.push("description warns of destructive effects".to_owned());
    }
    let quoted = |names: &[String]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !e.code_params.is_empty() {
        out.push(format!(
            "accepts free-form code ({})",
            quoted(&e.code_params)
        ));
    }
    if !e.money_params.is_empty() {
        out.push(format!(
            "takes an amount of money ({})",
            quoted(&e.money_params)
        ));
    }
    if !e.url_params.is_empty() {
        out.push(format!("accepts a URL ({})", quoted(&e.url_params)));
    }
    if !e.path_params.is_empty() {
        out.push(format!("accepts a file path ({})", quoted(&e.path_params)));
    }
    if !e.output_params.is_empty() {
        out.push(format!("writes files ({})", quoted(&e.output_params)));
    }
    if let Some(b) = &e.bulk {
        out.push(format!("bulk operation ({b})"));
    }
    if e.parameter_count >= MANY_PARAMETERS {
        out.push(format!("{} parameters", e.parameter_count));
    }
    out
}

/// The rationale: why the tool has its category, then what widens its reach.
pub(super) fn sentences(
    tool: &Tool,
    e: &Evidence,
    category: Category,
    basis: Basis,
    adjustments: &Adjustments,
) -> Vec<String> {
    let name = &tool.name;
    let mut out = vec![format!(
        "`{name}` is classed {}, so its risk is {}: it {}.",
        category.label(),
        category.level().label(),
        category.effect()
    )];
    out.push(match basis {
        Basis::ReadOnlyHint => {
            "Its server annotates it read-only (`readOnlyHint: true`), the most trusted evidence."
                .to_owned()
        }
        Basis::DestructiveHint => {
            "Its server annotates it destructive (`destructiveHint: true`), the most trusted evidence."
                .to_owned()
        }
        Basis::NameVerb => e.name_verb.as_ref().map_or_else(String::new, |v| verb_sentence(e, v)),
        Basis::QueryCode => format!(
            "Its name says `query` and it accepts free-form code in `{}`, so the caller decides what runs.",
            e.code_params.first().map_or("", String::as_str)
        ),
        Basis::Operation => match (&e.generic_verb, &e.name_verb, &e.operation) {
            (Some(g), _, Some(op)) => format!(
                "Its name's verb `{g}` covers several operations; the riskiest it lists is \"{}\", which {}.",
                op.word,
                op.category.effect()
            ),
            (None, Some(v), Some(op)) => format!(
                "Its name says `{}`, but its parameters offer the operation \"{}\", which {}.",
                v.word,
                op.word,
                op.category.effect()
            ),
            (None, None, Some(op)) => format!(
                "Its parameters offer the operation \"{}\", which {}.",
                op.word,
                op.category.effect()
            ),
            _ => String::new(),
        },
        Basis::DescriptionVerb => match &e.description_verb {
            Some(v) => format!(
                "Its name has no verb the classifier knows; its description uses \"{}\", which says it {}.",
                v.word,
                v.category.effect()
            ),
            None => String::new(),
        },
        Basis::ReadNoun => format!(
            "Its name names a read-only fact (`{}`) and no action.",
            e.read_noun.as_deref().unwrap_or("")
        ),
        Basis::CodeParams => format!(
            "Its name has no verb the classifier knows, and it accepts free-form code in `{}`.",
            e.code_params.first().map_or("", String::as_str)
        ),
        Basis::Default => {
            "Nothing in its name or description shows that it only reads, so it is treated as able to change data."
                .to_owned()
        }
    });
    if matches!(basis, Basis::ReadOnlyHint | Basis::DestructiveHint) {
        if let Some(v) = e.name_verb.as_ref().filter(|v| v.category == category) {
            if e.page_action || e.session {
                out.push(verb_sentence(e, v));
            } else {
                out.push(format!("The verb `{}` in its name agrees.", v.word));
            }
        }
    }
    if adjustments.read_only_applied {
        if let Some(claim) = &e.read_only_claim {
            out.push(format!("Its description says it only reads: \"{claim}\"."));
        }
    }
    if adjustments.query_code_applied {
        out.push(format!(
            "It runs the statement the caller passes in `{}`, so it executes rather than just writes.",
            e.code_params.first().map_or("", String::as_str)
        ));
    }
    if category == Category::Destructive && e.query_code {
        out.push(format!(
            "It also runs the statement the caller passes in `{}`, which would make it Execute; Destructive is the riskier reading, so it is kept.",
            e.code_params.first().map_or("", String::as_str)
        ));
    }
    if adjustments.output_applied {
        out.push(format!(
            "It saves files where `{}` says, so it writes.",
            e.output_params.first().map_or("", String::as_str)
        ));
    }
    if adjustments.destructive_applied {
        if let Some(claim) = &e.destructive_claim {
            out.push(format!(
                "Its description warns of changes that cannot be taken back: \"{claim}\"."
            ));
        }
    }
    if adjustments.money_applied {
        match (&e.money_noun, e.money_params.first()) {
            (Some(m), _) => out.push(format!(
                "Its name is about money (`{m}`), so a change through it is Financial."
            )),
            (None, Some(p)) => out.push(format!(
                "It takes an amount of money in `{p}`, so a change through it is Financial."
            )),
            (None, None) => {}
        }
    }
    if category == Category::Read
        && (e.money_noun.is_some() || !e.money_params.is_empty())
        && !adjustments.money_applied
    {
        out.push("It mentions money but only reads, so it stays Read.".to_owned());
    }
    let mut reach = Vec::new();
    if let Some(u) = e.url_params.first() {
        reach.push(format!("accepts a URL in `{u}`"));
    }
    if let Some(p) = e.path_params.first() {
        reach.push(format!("accepts a file path in `{p}`"));
    }
    if let Some(b) = &e.bulk {
        reach.push(format!("can act on many items at once ({b})"));
    }
    if !reach.is_empty() {
        out.push(format!("Its reach is wide: it {}.", join_and(&reach)));
    }
    out.retain(|s| !s.is_empty());
    out
}

/// What the name's verb says, in a sentence: a page action and a connection verb say why.
fn verb_sentence(e: &Evidence, v: &super::signals::Found) -> String {
    if e.page_action {
        format!(
            "The verb `{}` in its name acts inside a live browser page on the user's behalf; one click, keystroke or form entry can delete, buy or send whatever the page offers, so it is treated as Destructive.",
            v.word
        )
    } else if e.session {
        format!(
            "The verb `{}` in its name only opens, closes or picks the client's own connection or context; it changes no data.",
            v.word
        )
    } else {
        format!(
            "The verb `{}` in its name says it {}.",
            v.word,
            v.category.effect()
        )
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
