//! The words the classifier knows: verbs by what they do, and nouns that change a verb's
//! meaning (money, relations, read-only facts). Lookups are `match` tables compiled into the
//! binary: no allocation, no regex, no per-call setup.

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
    /// `remove`: Destructive, except for relations (`remove_watcher`, `remove_user_from_group`).
    Remove,
    /// `drop`: Destructive with an object (`drop_table`), drag-and-drop without (`browser_drop`).
    Drop,
}

/// The verb meaning of one lowercase word, trying simple inflections (`lists`, `retrieves`,
/// `deleted`) when the word itself is unknown. Gerunds are not tried: in names they are
/// nouns (`invoicing`, `billing`, `routing`). `agent` also tries agent nouns (`updater`,
/// `reader`, `analyzer`): only for the last word of a name, where `netlify-services-updater` means
/// "updates", while a first `browser` or `manager` names a thing.
pub fn verb(word: &str, agent: bool) -> Option<Verb> {
    if let Some(v) = base_verb(word) {
        return Some(v);
    }
    if word.len() < 4 {
        return None;
    }
    let agent_stem = |suffix: &'static str| {
        agent
            .then(|| word.strip_suffix(suffix))
            .flatten()
            .map(|s| (s, ""))
    };
    let stems = [
        word.strip_suffix("ies").map(|s| (s, "y")),
        word.strip_suffix("es").map(|s| (s, "")),
        word.strip_suffix('s').map(|s| (s, "")),
        agent_stem("er"),
        agent_stem("r"),
        word.strip_suffix("ed").map(|s| (s, "")),
        word.strip_suffix('d').map(|s| (s, "")),
    ];
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
        "create" | "add" | "insert" | "update" | "set" | "put" | "patch" | "edit" | "modify"
        | "upsert" | "write" | "save" | "upload" | "import" | "move" | "rename" | "copy"
        | "merge" | "assign" | "unassign" | "tag" | "untag" | "label" | "star" | "unstar"
        | "toggle" | "enable" | "disable" | "activate" | "deactivate" | "close" | "lock"
        | "unlock" | "approve" | "reject" | "archive" | "unarchive" | "restore" | "sync"
        | "commit" | "push" | "pull" | "checkout" | "switch" | "register" | "attach" | "detach"
        | "connect" | "disconnect" | "configure" | "apply" | "schedule" | "submit" | "request"
        | "clone" | "fork" | "send" | "post" | "reply" | "publish" | "notify" | "share"
        | "invite" | "comment" | "react" | "mark" | "resize" | "emulate" | "type" | "fill"
        | "drag" | "hover" | "scroll" | "select" | "cancel" | "stop" | "pause" | "resume"
        | "complete" | "transition" | "append" | "prepend" | "replace" | "transform" | "init"
        | "initialize" | "initialise" | "store" | "remember" | "record" | "pop" | "increment"
        | "incr" | "decrement" | "decr" | "watch" | "unwatch" | "follow" | "unfollow"
        | "subscribe" | "unsubscribe" | "accept" | "decline" | "login" | "logout"
        | "authenticate" | "refresh" | "reload" | "provision" | "allocate" | "scale" | "tune"
        | "annotate" | "ingest" | "open" | "draw" | "place" | "duplicate" | "reorder"
        | "rotate" | "grant" | "invalidate" | "change" | "make" | "mute" | "unmute" | "pin"
        | "unpin" | "upvote" | "acknowledge" | "ack" | "promote" | "tweet" | "email"
        | "message" | "bookmark" | "favorite" | "favourite" | "like" | "unlike" | "claim"
        | "book" | "reserve" | "rsvp" | "finalize" | "finalise" | "void" | "sort" | "format"
        | "ban" | "block" | "suspend" => Is(Write),
        "run" | "exec" | "execute" | "eval" | "evaluate" | "invoke" | "trigger" | "launch"
        | "start" | "deploy" | "build" | "rerun" | "install" | "upgrade" | "downgrade"
        | "transact" | "call" | "navigate" | "goto" | "click" | "press" | "restart" | "reboot"
        | "rollout" | "rollback" | "compile" | "spawn" | "dispatch" | "fire" | "shell" | "bash"
        | "sh" | "ssh" | "train" | "retry" | "replay" | "simulate" | "interact" | "act"
        | "automate" | "orchestrate" | "redeploy" | "relaunch" => Is(Execute),
        "delete" | "destroy" | "purge" | "erase" | "wipe" | "truncate" | "terminate" | "kill"
        | "revoke" | "rm" | "rmdir" | "unlink" | "uninstall" | "cleanup" | "deregister"
        | "unregister" | "discard" | "evict" | "flush" | "expunge" | "prune" | "overwrite"
        | "reset" | "clear" | "del" | "trash" | "shred" | "nuke" | "obliterate" | "undeploy"
        | "decommission" => Is(Destructive),
        "pay" | "purchase" | "buy" | "sell" | "refund" | "withdraw" | "deposit" | "payout"
        | "trade" | "donate" | "bid" | "spend" | "stake" | "unstake" | "redeem" => Is(Financial),
        "query" => Query,
        "manage" | "handle" | "admin" | "administer" | "operate" | "control" | "crud"
        | "perform" | "do" | "process" | "use" => Generic,
        "remove" | "rem" => Remove,
        "drop" => Drop,
        _ => return None,
    })
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

/// Nouns of a relation, not of data: removing one (`remove_watcher`, `remove_label`) is an
/// ordinary change that can be undone by adding it back.
pub fn is_relation_noun(word: &str) -> bool {
    matches!(
        word.strip_suffix('s').unwrap_or(word),
        "watcher"
            | "member"
            | "link"
            | "label"
            | "tag"
            | "permission"
            | "reviewer"
            | "assignee"
            | "reaction"
            | "collaborator"
            | "subscriber"
            | "follower"
            | "association"
            | "participant"
            | "attendee"
            | "star"
            | "relation"
    )
}

/// Containers that "remove … from" takes things out of without destroying them
/// (`remove_user_from_group`, `remove_urls_from_category`).
pub fn is_container_noun(word: &str) -> bool {
    matches!(
        word,
        "group"
            | "groups"
            | "team"
            | "teams"
            | "role"
            | "roles"
            | "channel"
            | "channels"
            | "sprint"
            | "epic"
            | "project"
            | "category"
            | "list"
            | "allowlist"
            | "blocklist"
            | "organization"
            | "org"
            | "space"
            | "workspace"
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
