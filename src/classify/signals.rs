//! The evidence about one tool, gathered once from its name, description and `inputSchema`
//! (annotations are read in `mod.rs`, where their trust is weighed).

use super::claims::{destructive_claim, read_only_claim};
use super::lexicon::{self, Verb};
use super::words::{lowercase_prefix, name_words, text_words};
use super::Category;
use crate::catalogue::{schema, Tool};
use serde_json::{Map, Value};

/// How much of a description is searched for phrases such as "read-only" (bytes).
const DESCRIPTION_BYTES: usize = 4000;
/// How many description words are searched for the tool's verb.
const DESCRIPTION_VERB_WORDS: usize = 40;
/// How many description words are searched for the operations of a `manage_*` tool.
const OPERATION_WORDS: usize = 400;
/// How many parameters are looked at (top level plus one level inside wrapper objects).
pub(super) const MAX_PARAMETERS: usize = 64;
/// How many parameter names a signal quotes.
pub(super) const QUOTED: usize = 3;

/// A verb found in the tool's name or description, and what it makes the tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The word as it appears, lowercased (`delete`, `retrieves`).
    pub word: String,
    /// What the word says the tool does.
    pub category: Category,
}

/// Everything the classifier found about one tool, before annotations are weighed.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// The lowercase words of the name.
    pub words: Vec<String>,
    /// The verb of the name: an agent noun at its end (`services-updater`), else its first
    /// word that is a plain verb form the lexicon knows (skipping `pull request`).
    pub name_verb: Option<Found>,
    /// The name's verb was generic (`manage`), so the operations decide.
    pub generic_verb: Option<String>,
    /// The worst operation a generic tool lists (description or an `operation` enum).
    pub operation: Option<Found>,
    /// The verb of the description, when the name has none.
    pub description_verb: Option<Found>,
    /// A money word of the name (`order`, `invoice`).
    pub money_noun: Option<String>,
    /// The name's verb acts inside a live browser page (`browser_click`, `fill_form`).
    pub page_action: bool,
    /// The name's verb only picks the client's own connection or context (`connect`,
    /// `select_page`).
    pub session: bool,
    /// A read-only noun of a verb-less name (`status`, `info`).
    pub read_noun: Option<String>,
    /// The description's sentence that says the tool only reads.
    pub read_only_claim: Option<String>,
    /// The description's sentence that says the tool destroys or overwrites.
    pub destructive_claim: Option<String>,
    /// Parameters that take free-form code, SQL or commands.
    pub code_params: Vec<String>,
    /// Code parameters include a query language (SQL, Cypher, ...) run against a database.
    pub query_code: bool,
    /// Parameters naming where output files are saved (`output_dir`, `localPath`).
    pub output_params: Vec<String>,
    /// Parameters that take a URL.
    pub url_params: Vec<String>,
    /// Parameters that take a file path.
    pub path_params: Vec<String>,
    /// Parameters that take an amount of money.
    pub money_params: Vec<String>,
    /// What makes the tool act on many things at once (`many`, `ids`, `batch` in the name).
    pub bulk: Option<String>,
    /// Number of top-level parameters.
    pub parameter_count: usize,
}

impl Evidence {
    /// Gathers the evidence of a tool. Pure; bounded work however long the name, description
    /// or schema is.
    pub fn of(tool: &Tool, input_schema: &Map<String, Value>) -> Evidence {
        let words = name_words(&tool.name);
        let description = tool.description.as_deref().unwrap_or("");
        let lower = lowercase_prefix(description, DESCRIPTION_BYTES);
        let mut e = Evidence {
            read_only_claim: read_only_claim(&lower),
            destructive_claim: destructive_claim(&lower),
            ..Evidence::default()
        };
        e.name(&words, &lower);
        if e.name_verb.is_none() && e.generic_verb.is_none() {
            e.description_verb = description_verb(description);
            if e.description_verb.is_none() {
                e.read_noun = words.iter().find(|w| lexicon::is_read_noun(w)).cloned();
            }
        }
        let top = schema::top_level(input_schema);
        e.parameters(&top, &lower);
        if e.generic_verb.is_some() {
            e.operation = worst_operation(Some(description), &top);
        } else if let Some(op) = worst_operation(None, &top) {
            // An `operation`/`action` parameter lists what the tool really does
            // (`browser_tabs` with `action: list | new | close | select` closes tabs).
            let verb_severity = e
                .name_verb
                .as_ref()
                .or(e.description_verb.as_ref())
                .map_or(0, |v| severity(v.category));
            if severity(op.category) > verb_severity {
                e.operation = Some(op);
            }
        }
        if e.bulk.is_none() {
            e.bulk = words
                .iter()
                .find(|w| matches!(w.as_str(), "bulk" | "batch" | "many" | "all" | "multiple"))
                .map(|w| format!("`{w}` in the name"));
        }
        e.words = words;
        e
    }

    fn name(&mut self, words: &[String], description: &str) {
        // An agent noun at the end names what the tool is (`sp-purchase-analyzer` analyses,
        // `deploy-services-reader` reads), whatever verbs come before it.
        if let Some(last) = words.last() {
            let agent = (!lexicon::is_person_noun(last))
                .then(|| lexicon::agent_verb(last))
                .flatten();
            if let Some(Verb::Is(category)) = agent {
                self.name_verb = Some(Found {
                    word: last.clone(),
                    category,
                });
                self.money_noun = money_noun(words, words.len() - 1, description);
                return;
            }
        }
        let browser = words.iter().any(|w| lexicon::is_browser_noun(w))
            || description.contains("browser")
            || description.contains("element");
        let mut i = 0;
        while i < words.len() {
            let word = &words[i];
            let rest = &words[i + 1..];
            if rest
                .first()
                .is_some_and(|next| lexicon::is_compound_noun(word, next))
            {
                i += 2;
                continue;
            }
            let Some(verb) = lexicon::name_verb(word) else {
                i += 1;
                continue;
            };
            // `connect_to_database`, `select_page`; a bare `playwright_select` picks a form
            // value in the page.
            let session = verb == Verb::Session
                && rest.iter().all(|w| lexicon::is_session_object(w))
                && !(rest.is_empty() && browser);
            self.page_action = !session && lexicon::is_page_action(word, browser);
            let category = match verb {
                _ if self.page_action => Category::Destructive,
                Verb::Is(c) => c,
                Verb::Query => Category::Read,
                Verb::Session if session => {
                    self.session = true;
                    Category::Read
                }
                Verb::Session => Category::Write,
                Verb::Generic => {
                    self.generic_verb = Some(word.clone());
                    break;
                }
            };
            self.name_verb = Some(Found {
                word: word.clone(),
                category,
            });
            self.money_noun = money_noun(words, i, description);
            self.joined_verb(words, i);
            break;
        }
    }

    /// `search_and_replace`, `get_or_create`: verbs joined by "and"/"or" all happen, so the
    /// riskier one counts.
    fn joined_verb(&mut self, words: &[String], verb_at: usize) {
        let mut i = verb_at + 1;
        while i + 1 < words.len() && matches!(words[i].as_str(), "and" | "or") {
            let next = &words[i + 1];
            if let Some(Verb::Is(c)) = lexicon::name_verb(next) {
                if let Some(current) = &self.name_verb {
                    if severity(c) > severity(current.category) {
                        self.name_verb = Some(Found {
                            word: next.clone(),
                            category: c,
                        });
                    }
                }
            }
            i += 2;
        }
    }
}

/// A money noun of the name not qualified away (`notification_subscription` is not money),
/// other than the verb itself (`git_checkout` checks out a branch). A `subscription` whose
/// description speaks of topics, events or notifications is a pub/sub one, not billing.
fn money_noun(words: &[String], verb_at: usize, description: &str) -> Option<String> {
    words.iter().enumerate().find_map(|(i, w)| {
        let qualified = i > 0 && lexicon::is_non_money_qualifier(&words[i - 1]);
        let pub_sub = w.starts_with("subscription")
            && [
                "topic",
                "notification",
                "event",
                "webhook",
                "sns",
                "feed",
                "channel",
            ]
            .iter()
            .any(|m| description.contains(m));
        (i != verb_at && lexicon::is_money_noun(w) && !qualified && !pub_sub).then(|| w.clone())
    })
}

/// The first verb of the description that is used as a verb (not after "a", "the", ...).
fn description_verb(description: &str) -> Option<Found> {
    let mut found = None;
    text_words(description, DESCRIPTION_VERB_WORDS, |word, previous| {
        if lexicon::is_determiner(previous) {
            return true;
        }
        let category = match lexicon::verb(word) {
            Some(Verb::Is(c)) => c,
            Some(Verb::Query | Verb::Session) => Category::Read,
            Some(Verb::Generic) | None => return true,
        };
        found = Some(Found {
            word: word.to_owned(),
            category,
        });
        false
    });
    found
}

/// The most dangerous operation a generic (`manage_*`) tool lists, in its description or in
/// the allowed values of an `operation`/`action` parameter.
fn worst_operation(
    description: Option<&str>,
    top: &[(&str, &Map<String, Value>)],
) -> Option<Found> {
    let mut worst: Option<Found> = None;
    let mut consider = |word: &str, verb: Option<Verb>| {
        let category = match verb {
            Some(Verb::Is(c)) => c,
            _ => return,
        };
        if worst
            .as_ref()
            .is_none_or(|w| severity(category) > severity(w.category))
        {
            worst = Some(Found {
                word: word.to_owned(),
                category,
            });
        }
    };
    for (name, s) in top {
        let Some(Value::Array(values)) = s.get("enum") else {
            continue;
        };
        let words = name_words(name);
        let is_operation = words.iter().any(|w| {
            matches!(
                w.as_str(),
                "operation" | "action" | "op" | "command" | "method" | "mode"
            )
        });
        if is_operation {
            for v in values.iter().filter_map(Value::as_str).take(MAX_PARAMETERS) {
                // The value's verb is its first word (`get_labels` gets), or its second
                // after a noun (`issue_delete`); plural nouns (`labels`) are no verbs.
                let words = name_words(v);
                if let Some(w) = words
                    .iter()
                    .take(2)
                    .find(|w| lexicon::name_verb(w).is_some())
                {
                    consider(w, lexicon::name_verb(w));
                }
            }
        }
    }
    if let Some(description) = description {
        text_words(description, OPERATION_WORDS, |word, previous| {
            if !lexicon::is_determiner(previous) {
                consider(word, lexicon::verb(word));
            }
            true
        });
    }
    worst
}

/// Orders categories for "the worst operation": Financial and Destructive above Execute,
/// above Write, above Read.
pub fn severity(c: Category) -> u8 {
    match c {
        Category::Read => 0,
        Category::Write => 1,
        Category::Execute => 2,
        Category::Destructive => 3,
        Category::Financial => 4,
    }
}
