//! The words the classifier knows: verbs by what they do, and nouns that change a verb's
//! meaning (money, people, browsers, connections, read-only facts). Lookups are `match`
//! tables compiled into the binary: no regex, no per-call setup.
//!
//! Write and Destructive verbs follow MCP's `destructiveHint`: a verb whose call may delete,
//! overwrite, move, end or switch off what is already there is Destructive; one that only
//! adds is Write.

use super::words::name_words;
use super::Category;

/// What a verb of a tool name says about the tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// A verb with this category (`list` → Read, `delete` → Destructive).
    Is(Category),
    /// `query`: reading, unless the tool takes free-form code.
    Query,
    /// `manage`, `handle`, `admin`: the real operations are in the description or the schema.
    Generic,
    /// `connect`, `select`: picks the client's own connection or context (Read), unless it
    /// acts on something else (`connect-jump-host` configures an instance; `select_option`
    /// in a browser page chooses a form value).
    Session,
}

/// The verb meaning of one lowercase word of free text, trying simple inflections (`lists`,
/// `retrieves`, `deleted`) when the word itself is unknown. Gerunds are not tried: they are
/// nouns as often as verbs (`invoicing`, `billing`, `routing`).
pub fn verb(word: &str) -> Option<Verb> {
    if let Some(v) = base_verb(word) {
        return Some(v);
    }
    if word.len() < 4 {
        return None;
    }
    let stems = [
        word.strip_suffix("ies").map(|s| (s, "y")),
        word.strip_suffix("es").map(|s| (s, "")),
        word.strip_suffix('s').map(|s| (s, "")),
        word.strip_suffix("ed").map(|s| (s, "")),
        word.strip_suffix('d').map(|s| (s, "")),
    ];
    stemmed(stems)
}

/// The verb meaning of one word of a tool name: only its plain form. In names, inflected
/// forms are nouns or adjectives (`browser_console_messages`, `network_requests`,
/// `get_blocked_by`), never the tool's action.
pub fn name_verb(word: &str) -> Option<Verb> {
    base_verb(word)
}

/// The verb of an agent noun (`updater`, `reader`, `analyzer`), for the last word of a name,
/// where `netlify-services-updater` means "updates" (a first `browser` or `manager` names a
/// thing). `None` for words that are verbs themselves or no agent noun.
pub fn agent_verb(word: &str) -> Option<Verb> {
    if base_verb(word).is_some() || word.len() < 4 {
        return None;
    }
    stemmed([
        word.strip_suffix("er").map(|s| (s, "")),
        word.strip_suffix('r').map(|s| (s, "")),
    ])
}

fn stemmed<const N: usize>(stems: [Option<(&str, &str)>; N]) -> Option<Verb> {
    let mut buffer = String::new();
    for (stem, tail) in stems.into_iter().flatten() {
        buffer.clear();
        buffer.push_str(stem);
        buffer.push_str(tail);
        if let Some(v) = base_verb(&buffer) {
            return Some(v);
        }
    }
    None
}

fn base_verb(word: &str) -> Option<Verb> {
    use Category::*;
    use Verb::*;
    Some(match word {
        "get" | "list" | "read" | "search" | "find" | "fetch" | "describe" | "show" | "view"
        | "lookup" | "look" | "count" | "check" | "inspect" | "retrieve" | "browse" | "explain"
        | "analyze" | "analyse" | "validate" | "verify" | "preview" | "summarize" | "summarise"
        | "compare" | "diff" | "calculate" | "compute" | "convert" | "geocode" | "lint"
        | "audit" | "ping" | "troubleshoot" | "screenshot" | "snapshot" | "trace" | "estimate"
        | "resolve" | "translate" | "print" | "echo" | "whoami" | "detect" | "rerank"
        | "aggregate" | "wait" | "return" | "expand" | "enrich" | "access" | "generate"
        | "render" | "export" | "download" | "extract" | "parse" | "recommend" | "suggest"
        | "discover" | "identify" | "ask" | "research" | "answer" | "learn" | "tail"
        | "capture" | "measure" | "test" | "is" | "has" | "can" | "scan" | "probe" | "sample"
        | "poll" | "explore" | "plot" | "chart" | "forecast" | "predict" | "classify" | "match"
        | "filter" => Is(Read),
        // Additive: adds something new, or a response, or switches something on, and leaves
        // what was there as it was.
        "create" | "add" | "insert" | "save" | "upload" | "import" | "copy" | "assign" | "tag"
        | "label" | "star" | "enable" | "activate" | "unlock" | "approve" | "reject"
        | "unarchive" | "commit" | "push" | "pull" | "register" | "attach" | "schedule"
        | "submit" | "request" | "clone" | "fork" | "send" | "post" | "reply" | "publish"
        | "notify" | "share" | "invite" | "comment" | "react" | "resize" | "emulate" | "hover"
        | "scroll" | "pause" | "resume" | "append" | "prepend" | "init" | "initialize"
        | "initialise" | "store" | "remember" | "record" | "watch" | "follow" | "subscribe"
        | "accept" | "decline" | "login" | "logout" | "authenticate" | "refresh" | "reload"
        | "provision" | "allocate" | "tune" | "annotate" | "ingest" | "open" | "draw" | "place"
        | "duplicate" | "grant" | "make" | "mute" | "unmute" | "pin" | "upvote" | "acknowledge"
        | "ack" | "tweet" | "email" | "message" | "bookmark" | "favorite" | "favourite"
        | "like" | "claim" | "book" | "reserve" | "rsvp" => Is(Write),
        "run" | "exec" | "execute" | "eval" | "evaluate" | "invoke" | "trigger" | "launch"
        | "start" | "deploy" | "build" | "rerun" | "install" | "transact" | "call" | "navigate"
        | "goto" | "restart" | "reboot" | "compile" | "spawn" | "dispatch" | "fire" | "shell"
        | "bash" | "sh" | "ssh" | "train" | "retry" | "replay" | "simulate" | "interact"
        | "act" | "automate" | "orchestrate" | "redeploy" | "relaunch" => Is(Execute),
        // Not additive (MCP's `destructiveHint`): takes away, overwrites, moves, ends or
        // switches off what is already there, or changes what runs.
        "delete" | "destroy" | "purge" | "erase" | "wipe" | "truncate" | "terminate" | "kill"
        | "revoke" | "rm" | "rmdir" | "unlink" | "uninstall" | "cleanup" | "deregister"
        | "unregister" | "discard" | "evict" | "flush" | "expunge" | "prune" | "overwrite"
        | "reset" | "clear" | "del" | "trash" | "shred" | "nuke" | "obliterate" | "undeploy"
        | "decommission" | "remove" | "rem" | "drop" | "update" | "set" | "put" | "patch"
        | "edit" | "modify" | "change" | "upsert" | "write" | "replace" | "merge" | "sort"
        | "format" | "transform" | "restore" | "sync" | "checkout" | "switch" | "move"
        | "rename" | "reorder" | "transition" | "complete" | "mark" | "finalize" | "finalise"
        | "close" | "cancel" | "stop" | "disable" | "deactivate" | "suspend" | "ban" | "block"
        | "lock" | "archive" | "void" | "invalidate" | "rotate" | "toggle" | "unassign"
        | "untag" | "unstar" | "unwatch" | "unfollow" | "unsubscribe" | "unpin" | "unlike"
        | "detach" | "pop" | "increment" | "incr" | "decrement" | "decr" | "configure"
        | "apply" | "scale" | "rollout" | "rollback" | "upgrade" | "downgrade" | "promote" => {
            Is(Destructive)
        }
        // Acting in a live page on the user's behalf: one click or keystroke can delete, buy
        // or send whatever the page offers.
        "click" | "press" | "type" | "fill" | "drag" | "tap" | "dblclick" => Is(Destructive),
        "pay" | "purchase" | "buy" | "sell" | "refund" | "withdraw" | "deposit" | "payout"
        | "trade" | "donate" | "bid" | "spend" | "stake" | "unstake" | "redeem" => Is(Financial),
        "query" => Query,
        "manage" | "handle" | "admin" | "administer" | "operate" | "control" | "crud"
        | "perform" | "do" | "process" | "use" => Generic,
        "connect" | "disconnect" | "select" | "focus" => Session,
        _ => return None,
    })
}

/// The verb of an `enum` value naming an operation, with the word: its first word
/// (`get_labels` gets), or its second after a noun (`batch_delete`, `issue_delete`); plural
/// nouns (`labels`) are no verbs.
pub fn value_verb(value: &str) -> Option<(String, Verb)> {
    name_words(value)
        .into_iter()
        .take(2)
        .find_map(|w| name_verb(&w).map(|v| (w, v)))
}

/// Whether an `enum` value names an operation that is not additive (`delete`, `update`,
/// `batch_remove`, `close`): the same words that make a tool Destructive.
pub fn is_destructive_value(value: &str) -> bool {
    matches!(
        value_verb(value),
        Some((_, Verb::Is(Category::Destructive)))
    )
}

/// Whether a name's verb acts inside a live browser page on the user's behalf: `click`,
/// `press`, `type`, `fill`, `drag` always do; `select`, `upload`, `handle`, `submit`, `drop`
/// and `choose` do when the tool drives a browser (`browser_select_option`,
/// `browser_file_upload`, `browser_handle_dialog`), and elsewhere keep their ordinary meaning
/// (`upload_file` to a store adds a file; `drop_table` deletes).
pub fn is_page_action(word: &str, browser: bool) -> bool {
    match word {
        "click" | "press" | "type" | "fill" | "drag" | "tap" | "dblclick" => true,
        "select" | "upload" | "handle" | "submit" | "drop" | "choose" => browser,
        _ => false,
    }
}

/// Words in a name that show the tool drives a browser (`browser_click`, `playwright_fill`).
pub fn is_browser_noun(word: &str) -> bool {
    matches!(
        word,
        "browser" | "playwright" | "puppeteer" | "stagehand" | "selenium" | "iframe" | "webdriver"
    )
}

/// What a session verb (`connect`, `select`) may pick without changing data: the client's
/// own connection or the context later calls use (`connect_to_database`, `select_page`).
pub fn is_session_object(word: &str) -> bool {
    matches!(
        word,
        "to" | "database"
            | "db"
            | "server"
            | "instance"
            | "connection"
            | "session"
            | "page"
            | "tab"
            | "context"
            | "frame"
            | "profile"
    )
}

/// Two words that form a noun (`pull request`, `merge request`): the first is no verb there.
pub fn is_compound_noun(first: &str, second: &str) -> bool {
    matches!(first, "pull" | "merge" | "change" | "feature")
        && matches!(second, "request" | "requests")
}

/// Nouns for people's roles that end like agent nouns (`watcher`, `reviewer`): in
/// `jira_remove_watcher` they are the object, not what the tool does.
pub fn is_person_noun(word: &str) -> bool {
    matches!(
        word,
        "watcher"
            | "follower"
            | "subscriber"
            | "reviewer"
            | "viewer"
            | "approver"
            | "reporter"
            | "member"
            | "owner"
            | "user"
            | "publisher"
            | "sender"
            | "caller"
    )
}

/// Words that put money into a name: with a changing verb they make a tool Financial
/// (`create_invoice`, `cancel_order`, `update_subscription`).
pub fn is_money_noun(word: &str) -> bool {
    matches!(
        word,
        "payment"
            | "payments"
            | "refund"
            | "refunds"
            | "invoice"
            | "invoices"
            | "payout"
            | "payouts"
            | "coupon"
            | "coupons"
            | "order"
            | "orders"
            | "charge"
            | "charges"
            | "subscription"
            | "subscriptions"
            | "price"
            | "prices"
            | "dispute"
            | "disputes"
            | "money"
            | "funds"
            | "wallet"
            | "checkout"
            | "trade"
            | "trades"
            | "purchase"
            | "purchases"
            | "transfer"
            | "transfers"
    )
}

/// Words that, just before a money noun, show it is not about money
/// (`notification_subscription`, `data_transfer`, `event_order`).
pub fn is_non_money_qualifier(word: &str) -> bool {
    matches!(
        word,
        "notification"
            | "notifications"
            | "event"
            | "events"
            | "webhook"
            | "topic"
            | "email"
            | "newsletter"
            | "repository"
            | "data"
            | "file"
            | "files"
            | "metadata"
            | "sort"
            | "zone"
            | "domain"
            | "ownership"
            | "billing"
    )
}

/// Nouns that make a verb-less name read-only (`event_healthcheck`, `service_info`).
pub fn is_read_noun(word: &str) -> bool {
    matches!(
        word,
        "info"
            | "information"
            | "status"
            | "details"
            | "detail"
            | "stats"
            | "statistics"
            | "summary"
            | "schema"
            | "metadata"
            | "logs"
            | "metrics"
            | "health"
            | "healthcheck"
            | "version"
            | "capabilities"
            | "help"
            | "docs"
            | "documentation"
            | "history"
            | "usage"
            | "overview"
            | "report"
            | "search"
            | "lookup"
            | "quote"
            | "budgets"
    )
}

/// Determiners before a word show it is a noun ("a list of", "the set of"), not a verb.
pub fn is_determiner(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "the"
            | "of"
            | "this"
            | "each"
            | "every"
            | "its"
            | "their"
            | "your"
            | "our"
            | "my"
            | "any"
            | "to-do"
            | "and"
            | "or"
            | "for"
            | "in"
            | "on"
            | "with"
            | "by"
    )
}
