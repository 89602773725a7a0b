//! Risk classification: each tool's [`Category`], its [`RiskLevel`] (decided by one
//! function, [`Category::level`]) and the evidence behind both.
//!
//! Inputs, in order of trust: the tool's MCP annotations (`readOnlyHint`, `destructiveHint`,
//! `idempotentHint`, `openWorldHint`); the verb of its name ([`words`], [`lexicon`]); its
//! description; its `inputSchema` (code, URL, path, money and bulk parameters) — gathered by
//! [`signals::Evidence`]. A person's review ([`overrides`]) replaces the automatic result.
//!
//! [`classify`] is pure and does bounded work per tool (no regex, no per-call setup), so it
//! runs over hundreds of thousands of tools in parallel.

pub mod agreement;
mod claims;
pub mod lexicon;
pub mod overrides;
mod params;
mod rationale;
pub mod signals;
pub mod words;

pub use overrides::{Override, Overrides, Review};
pub use words::name_words;

use crate::catalogue::{Annotations, Tool};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use signals::Evidence;

/// What a tool does to the world, in the five categories that published catalogues use.
/// Write and Destructive follow MCP's `destructiveHint`: "If true, the tool may perform
/// destructive updates to its environment. If false, the tool performs only additive
/// updates."
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Category {
    /// Only reads or lists data (or opens, closes or picks the client's own connection).
    Read,
    /// Additive: creates new things or appends (create, add, post, send, comment, upload a
    /// new file), leaving what was there as it was.
    Write,
    /// Runs code, commands, queries or jobs.
    Execute,
    /// Not additive: may delete, overwrite, replace, move or rename, end or switch off what
    /// is already there (delete, update, set, edit, move, close, cancel, disable, apply,
    /// upgrade), or acts inside a live browser page on the user's behalf (click, type, fill),
    /// where one action can delete or buy whatever the page offers.
    Destructive,
    /// Moves money or makes purchases.
    Financial,
}

/// How much harm a call can do, decided only by [`Category::level`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RiskLevel {
    /// Read.
    Low,
    /// Write.
    Medium,
    /// Execute.
    High,
    /// Destructive and Financial.
    Critical,
}

impl Category {
    /// Every category, in the order pages list them.
    pub const ALL: [Category; 5] = [
        Category::Read,
        Category::Write,
        Category::Execute,
        Category::Destructive,
        Category::Financial,
    ];

    /// The risk level of this category: the one place that maps one to the other.
    pub fn level(self) -> RiskLevel {
        match self {
            Category::Read => RiskLevel::Low,
            Category::Write => RiskLevel::Medium,
            Category::Execute => RiskLevel::High,
            Category::Destructive | Category::Financial => RiskLevel::Critical,
        }
    }

    /// Display name: `Read`, `Write`, ...
    pub fn label(self) -> &'static str {
        match self {
            Category::Read => "Read",
            Category::Write => "Write",
            Category::Execute => "Execute",
            Category::Destructive => "Destructive",
            Category::Financial => "Financial",
        }
    }

    /// URL segment: `read`, `write`, ...
    pub fn slug(self) -> &'static str {
        match self {
            Category::Read => "read",
            Category::Write => "write",
            Category::Execute => "execute",
            Category::Destructive => "destructive",
            Category::Financial => "financial",
        }
    }

    /// What a tool of this category does, completing "it …": `only reads data`.
    pub fn effect(self) -> &'static str {
        match self {
            Category::Read => "only reads data",
            Category::Write => "adds new data without changing what is already there",
            Category::Execute => "runs code, commands or jobs",
            Category::Destructive => "can delete, overwrite or change what is already there",
            Category::Financial => "moves money or changes what someone is charged",
        }
    }

    /// Parses a label or slug, case-insensitively.
    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.slug().eq_ignore_ascii_case(text.trim()))
    }
}

impl RiskLevel {
    /// Every level, lowest first.
    pub const ALL: [RiskLevel; 4] = [
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::Critical,
    ];

    /// Display name: `Low`, `Medium`, `High`, `Critical`.
    pub fn label(self) -> &'static str {
        match self {
            RiskLevel::Low => "Low",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
            RiskLevel::Critical => "Critical",
        }
    }

    /// URL segment: `low`, `medium`, `high`, `critical`.
    pub fn slug(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::Critical => "critical",
        }
    }
}

/// The category of one tool and the evidence for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// The decided category (the reviewed one when a person reviewed the tool).
    pub category: Category,
    /// `category.level()`, stored so templates need no logic.
    pub level: RiskLevel,
    /// Evidence found, one short phrase each ("annotated read-only (`readOnlyHint: true`)",
    /// "accepts a URL (`endpoint`)", "12 parameters").
    pub signals: Vec<String>,
    /// Plain sentences explaining the decision, quoting the tool's own name and words.
    pub rationale: Vec<String>,
    /// Where the evidence disagrees (annotation read-only, name says `delete`), one sentence
    /// each, saying which side won and why. Empty when everything agrees.
    pub conflicts: Vec<String>,
    /// Set when a person reviewed the tool (`content/servers/<server>/<tool>.md`). Not read
    /// back from an analysis memo, which holds only servers without reviews.
    #[serde(skip_deserializing)]
    pub review: Option<Review>,
}

/// What decided the automatic category, for the rationale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Basis {
    /// `readOnlyHint: true`.
    ReadOnlyHint,
    /// `destructiveHint: true`.
    DestructiveHint,
    /// The verb of the name.
    NameVerb,
    /// `query` in the name and free-form code in the parameters.
    QueryCode,
    /// The worst operation the tool lists: for a generic verb (`manage`) in its description
    /// or an `operation`/`action` enum, otherwise in that enum when riskier than the verb.
    Operation,
    /// The verb of the description (the name has none).
    DescriptionVerb,
    /// A read-only noun in a verb-less name (`status`).
    ReadNoun,
    /// Free-form code parameters and no verb.
    CodeParams,
    /// Nothing recognised: treated as able to change data.
    Default,
}

/// Classifies a tool from its annotations, name, description and `inputSchema`.
pub fn classify(tool: &Tool) -> Classification {
    classify_with_schema(tool, &tool.input_schema.to_map())
}

/// [`classify`] with the tool's `inputSchema` already parsed (the analysis parses it once for
/// the classifier and the policy).
pub fn classify_with_schema(tool: &Tool, input_schema: &Map<String, Value>) -> Classification {
    classify_with(tool, input_schema, tool.annotations.as_ref())
}

/// Classifies a tool as if it had no annotations: what its name, description and schema
/// alone say (used to measure the classifier against the annotations servers publish).
pub fn classify_unannotated(tool: &Tool) -> Classification {
    classify_with(tool, &tool.input_schema.to_map(), None)
}

fn classify_with(
    tool: &Tool,
    input_schema: &Map<String, Value>,
    annotations: Option<&Annotations>,
) -> Classification {
    let e = Evidence::of(tool, input_schema);
    let (automatic, basis, adjustments) = automatic(&e);
    let mut conflicts = Vec::new();
    let (category, basis) =
        weigh_annotations(tool, annotations, &e, automatic, basis, &mut conflicts);
    if let Some(claim) = &e.read_only_claim {
        if category != Category::Read && !adjustments.read_only_applied {
            conflicts.push(format!(
                "Its description says it only reads (\"{claim}\"), but {}, so it is classed {}.",
                because(&e, basis),
                category.label()
            ));
        }
    }
    let signals = rationale::signals(annotations, &e);
    let rationale = rationale::sentences(tool, &e, category, basis, &adjustments);
    Classification {
        category,
        level: category.level(),
        signals,
        rationale,
        conflicts,
        review: None,
    }
}

/// Which evidence beyond the basis changed the automatic category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Adjustments {
    /// The description's read-only claim turned an Execute or unknown verb into Read.
    read_only_applied: bool,
    /// The description's warning turned Write or Execute into Destructive.
    destructive_applied: bool,
    /// A money word or parameter turned Write, Execute or Destructive into Financial.
    money_applied: bool,
    /// Free-form statements in a query language turned Write into Execute.
    query_code_applied: bool,
    /// An output path turned a reading verb (`export`, `download`) into Write.
    output_applied: bool,
}

/// The category from the name, description and schema alone (annotations hidden).
fn automatic(e: &Evidence) -> (Category, Basis, Adjustments) {
    let (mut c, basis) = if let Some(op) = &e.operation {
        (op.category, Basis::Operation)
    } else if let Some(v) = &e.name_verb {
        if v.word == "query" && !e.code_params.is_empty() {
            (Category::Execute, Basis::QueryCode)
        } else {
            (v.category, Basis::NameVerb)
        }
    } else if e.generic_verb.is_some() {
        (Category::Write, Basis::Default)
    } else if let Some(v) = &e.description_verb {
        (v.category, Basis::DescriptionVerb)
    } else if e.read_noun.is_some() {
        (Category::Read, Basis::ReadNoun)
    } else if !e.code_params.is_empty() {
        (Category::Execute, Basis::CodeParams)
    } else {
        (Category::Write, Basis::Default)
    };
    let mut adjustments = Adjustments::default();
    let weak = matches!(basis, Basis::Default | Basis::DescriptionVerb);
    if e.read_only_claim.is_some()
        && (matches!(c, Category::Execute) || (weak && c == Category::Write))
    {
        c = Category::Read;
        adjustments.read_only_applied = true;
    }
    if c == Category::Write
        && e.query_code
        && matches!(
            basis,
            Basis::NameVerb | Basis::Default | Basis::DescriptionVerb
        )
    {
        // `write_cypher(query)`: the caller's statement runs, whatever the verb.
        c = Category::Execute;
        adjustments.query_code_applied = true;
    }
    if c == Category::Read && !e.output_params.is_empty() {
        c = Category::Write;
        adjustments.output_applied = true;
    }
    if e.destructive_claim.is_some() && matches!(c, Category::Write | Category::Execute) {
        c = Category::Destructive;
        adjustments.destructive_applied = true;
    }
    let money = e.money_noun.is_some()
        || (!e.money_params.is_empty() && matches!(c, Category::Write | Category::Destructive));
    if money
        && matches!(
            c,
            Category::Write | Category::Execute | Category::Destructive
        )
    {
        c = Category::Financial;
        adjustments.money_applied = true;
    }
    (c, basis, adjustments)
}

/// Weighs the MCP annotations against the automatic result. Annotations are trusted first,
/// except that a hint never lowers a tool whose own words say it destroys or moves money:
/// MCP calls the hints untrusted, and a poisoned `readOnlyHint` must not unlock `delete_*`.
fn weigh_annotations(
    tool: &Tool,
    annotations: Option<&Annotations>,
    e: &Evidence,
    automatic: Category,
    basis: Basis,
    conflicts: &mut Vec<String>,
) -> (Category, Basis) {
    let Some(a) = annotations else {
        return (automatic, basis);
    };
    let critical = matches!(automatic, Category::Destructive | Category::Financial);
    let name = &tool.name;
    if a.read_only_hint == Some(true) {
        if critical {
            conflicts.push(format!(
                "The server annotates `{name}` read-only (`readOnlyHint: true`), but {}; the riskier reading is kept, so it is classed {}.",
                because(e, basis),
                automatic.label()
            ));
            return (automatic, basis);
        }
        if automatic != Category::Read {
            conflicts.push(format!(
                "The server annotates `{name}` read-only (`readOnlyHint: true`), and the annotation is trusted, although {}, which suggests {}.",
                because(e, basis),
                automatic.label()
            ));
        }
        return (Category::Read, Basis::ReadOnlyHint);
    }
    if a.destructive_hint == Some(true) {
        if automatic == Category::Financial {
            return (automatic, basis);
        }
        if automatic != Category::Destructive {
            conflicts.push(format!(
                "The server annotates `{name}` destructive (`destructiveHint: true`), and the annotation is trusted, although {}, which suggests {}.",
                because(e, basis),
                match automatic {
                    Category::Read => "it only reads",
                    Category::Write => "it only adds (Write)",
                    _ => "it runs something (Execute)",
                }
            ));
        }
        return (Category::Destructive, Basis::DestructiveHint);
    }
    if a.destructive_hint == Some(false) && automatic == Category::Destructive {
        conflicts.push(format!(
            "The server annotates `{name}` as not destructive (`destructiveHint: false`), but {}; the riskier reading is kept.",
            because(e, basis)
        ));
    }
    if a.read_only_hint == Some(false) && automatic == Category::Read {
        // `false` is MCP's default value, so stating it says little; the words decide.
        conflicts.push(format!(
            "The server annotates `{name}` as not read-only (`readOnlyHint: false`), but {}, so it is classed Read.",
            because(e, basis),
        ));
    }
    (automatic, basis)
}

/// "its name's verb is `delete`": the evidence behind a basis, as a clause.
fn because(e: &Evidence, basis: Basis) -> String {
    match (basis, &e.name_verb, &e.operation, &e.description_verb) {
        (Basis::NameVerb | Basis::QueryCode, Some(v), _, _) => {
            format!("its name's verb is `{}`", v.word)
        }
        (Basis::Operation, _, Some(op), _) => format!("it offers the operation `{}`", op.word),
        (Basis::DescriptionVerb, _, _, Some(v)) => {
            format!("its description's verb is \"{}\"", v.word)
        }
        (Basis::CodeParams, ..) => "it takes free-form code".to_owned(),
        (Basis::ReadNoun, ..) => "its name names a read-only fact".to_owned(),
        _ => "nothing in its name or description shows that it only reads".to_owned(),
    }
}

#[cfg(test)]
mod tests;
