//! Unit tests of the classifier on hostile and edge names, conflicts and reviews.

use super::*;
use serde_json::json;

fn tool(name: &str, description: &str, schema: serde_json::Value) -> Tool {
    Tool {
        name: name.to_owned(),
        title: None,
        description: Some(description.to_owned()),
        input_schema: schema.as_object().cloned().unwrap_or_default().into(),
        annotations: None,
        extra: Default::default(),
        line: 1,
    }
}

fn annotated(mut t: Tool, read_only: Option<bool>, destructive: Option<bool>) -> Tool {
    t.annotations = Some(Annotations {
        read_only_hint: read_only,
        destructive_hint: destructive,
        ..Annotations::default()
    });
    t
}

fn category(name: &str, description: &str, schema: serde_json::Value) -> Category {
    classify(&tool(name, description, schema)).category
}

fn props(names: &[&str]) -> serde_json::Value {
    let mut p = serde_json::Map::new();
    for n in names {
        p.insert((*n).to_owned(), json!({"type": "string"}));
    }
    json!({"type": "object", "properties": p})
}

#[test]
fn level_follows_category() {
    assert_eq!(Category::Financial.level(), RiskLevel::Critical);
    assert_eq!(Category::Destructive.level(), RiskLevel::Critical);
    assert_eq!(Category::Execute.level(), RiskLevel::High);
    assert_eq!(Category::Write.level(), RiskLevel::Medium);
    assert_eq!(Category::Read.level(), RiskLevel::Low);
    for c in Category::ALL {
        let t = classify(&tool(&format!("{}_thing", c.slug()), "", json!({})));
        assert_eq!(t.level, t.category.level());
    }
}

#[test]
fn the_verb_is_found_in_every_naming_style() {
    assert_classed(
        &["deleteUserAccount", "files.delete", "zia-delete-rule"],
        Category::Destructive,
    );
    // Noun-first names with the verb last (`issue_read`); `pull request` is a noun.
    assert_classed(
        &[
            "ListAHORunGroups",
            "API-retrieve-a-block",
            "memory_list",
            "issue_read",
            "issue_dependency_read",
            "pull_request_read",
        ],
        Category::Read,
    );
    assert_classed(&["Run Script"], Category::Execute);
    assert_classed(&["netlify-services-updater"], Category::Destructive);
    // Inflected words in names are nouns: the description's verb decides.
    for (name, description) in [
        ("browser_console_messages", "Returns all console messages"),
        (
            "browser_network_requests",
            "Returns a numbered list of network requests",
        ),
        ("current_user", "Get details about the user account"),
    ] {
        assert_eq!(
            category(name, description, json!({})),
            Category::Read,
            "{name}"
        );
    }
}

#[test]
fn hostile_names_never_panic_and_fall_back_to_write() {
    for name in [
        "",
        "   ",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "🔥💣",
        "删除文件",
        "\u{0}",
    ] {
        let c = classify(&tool(name, "", json!({})));
        assert_eq!(c.level, c.category.level(), "{name:?}");
        assert!(!c.rationale.is_empty(), "{name:?}");
    }
    assert_eq!(category("🔥💣", "", json!({})), Category::Write);
    let huge = "x".repeat(1_000_000) + "_delete";
    let c = classify(&tool(&huge, &"word ".repeat(200_000), json!({})));
    assert_eq!(c.level, c.category.level());
}

#[test]
fn money_makes_changes_financial_but_reads_stay_read() {
    assert_eq!(
        category("create_refund", "", json!({})),
        Category::Financial
    );
    assert_eq!(
        category("place_order", "Place a new order", json!({})),
        Category::Financial
    );
    assert_eq!(
        category("cancel_subscription", "", json!({})),
        Category::Financial
    );
    assert_eq!(
        category("create_price", "", props(&["unit_amount", "currency"])),
        Category::Financial
    );
    assert_eq!(
        category("list_payments", "Lists payments and refunds", json!({})),
        Category::Read
    );
    assert_eq!(
        category("get_invoice", "", props(&["amount"])),
        Category::Read
    );
    let c = classify(&tool("list_invoices", "", json!({})));
    assert!(
        c.rationale.iter().any(|s| s.contains("stays Read")),
        "{:?}",
        c.rationale
    );
    // A notification subscription is not money (and updating it overwrites).
    assert_eq!(
        category("update_notification_subscription", "", json!({})),
        Category::Destructive
    );
    assert_eq!(
        category("update_product", "", props(&["price"])),
        Category::Financial
    );
}

/// Asserts that every name, with no description or parameters, is classed `want`.
fn assert_classed(names: &[&str], want: Category) {
    for name in names {
        assert_eq!(category(name, "", json!({})), want, "{name}");
    }
}

#[test]
fn destructive_means_not_additive() {
    let empty = json!({});
    assert_classed(
        &[
            "jira_remove_watcher",
            "remove_user_from_group",
            "remove_file",
            "drop_table",
            "update_issue",
            "confluence_move_page",
            "rename-collection",
            "kubectl_patch",
            "set_topic_attributes",
            "jira_transition_issue",
            "cancel_job",
            "close_issue",
            "disable_user",
            "kubectl_apply",
            "upgrade_helm_chart",
            "sort_range",
        ],
        Category::Destructive,
    );
    assert_classed(
        &[
            "create_issue",
            "add_comment",
            "send_message",
            "upload_file",
            "append_block",
            "subscribe_topic",
            "jira_add_worklog",
        ],
        Category::Write,
    );
    let c = classify(&tool("update_issue", "", empty));
    assert!(
        c.rationale[0].contains("overwrite"),
        "the effect states the definition: {:?}",
        c.rationale
    );
}

#[test]
fn acting_in_a_browser_page_is_destructive_and_says_why() {
    let empty = json!({});
    assert_classed(
        &[
            "browser_click",
            "browser_type",
            "browser_press_key",
            "browser_fill_form",
            "browser_drag",
            "browser_drop",
            "browser_select_option",
            "browser_file_upload",
            "browser_handle_dialog",
            "playwright_select",
        ],
        Category::Destructive,
    );
    // `click` names a page action even without `browser` in the name.
    assert_eq!(
        category("click", "Clicks on the provided element", empty.clone()),
        Category::Destructive
    );
    let c = classify(&tool("browser_click", "", empty.clone()));
    assert!(
        c.rationale.iter().any(|s| s.contains("live browser page")),
        "{:?}",
        c.rationale
    );
    // View changes are not destructive.
    for name in ["browser_hover", "browser_resize", "browser_emulate_media"] {
        assert_eq!(category(name, "", empty.clone()), Category::Write, "{name}");
    }
    // An `action` enum lists what the tool really does: closing tabs.
    let tabs = json!({"type": "object", "properties": {
        "action": {"type": "string", "enum": ["list", "new", "close", "select"]}}});
    assert_eq!(
        category(
            "browser_tabs",
            "List, create, close, or select a browser tab.",
            tabs
        ),
        Category::Destructive
    );
}

#[test]
fn connections_and_contexts_change_no_data() {
    let empty = json!({});
    for name in [
        "connect",
        "disconnect",
        "connect_to_database",
        "select_page",
    ] {
        let c = classify(&tool(name, "", empty.clone()));
        assert_eq!(c.category, Category::Read, "{name}");
        assert!(
            c.rationale.iter().any(|s| s.contains("changes no data")),
            "{:?}",
            c.rationale
        );
    }
    // Connecting something else configures it.
    assert_eq!(
        category("connect-jump-host-cache-cluster", "", empty),
        Category::Write
    );
}

#[test]
fn operation_values_are_verbs_only_in_their_plain_form() {
    let method = |values: serde_json::Value| json!({"type": "object", "properties": {"method": {"type": "string", "enum": values}}});
    assert_eq!(
        category(
            "issue_read",
            "",
            method(json!(["get", "get_labels", "get_sub_issues"]))
        ),
        Category::Read
    );
    assert_eq!(
        category(
            "ui_get",
            "",
            method(json!(["labels", "assignees", "branches"]))
        ),
        Category::Read
    );
    assert_eq!(
        category("issue_write", "", method(json!(["create", "update"]))),
        Category::Destructive
    );
}

#[test]
fn write_statements_are_destructive_and_say_they_execute() {
    let c = classify(&tool(
        "write_neo4j_cypher",
        "Execute a write Cypher query on the neo4j database.",
        props(&["query"]),
    ));
    assert_eq!(c.category, Category::Destructive);
    assert!(
        c.rationale.iter().any(|s| s.contains("runs the statement")),
        "{:?}",
        c.rationale
    );
}

#[test]
fn query_with_code_executes_unless_read_only() {
    let sql = json!({"type": "object", "properties": {"sql": {"type": "string"}}});
    let c = classify(&tool("query", "Run a SQL statement", sql.clone()));
    assert_eq!(c.category, Category::Execute);
    assert!(
        c.signals
            .iter()
            .any(|s| s == "accepts free-form code (`sql`)"),
        "{:?}",
        c.signals
    );
    assert_eq!(
        category("query", "Run a read-only SQL query", sql.clone()),
        Category::Read
    );
    assert_eq!(
        category(
            "run_query",
            "Runs SQL. This server is in READ-ONLY mode. Only SELECT queries are permitted.",
            sql.clone()
        ),
        Category::Read
    );
    // Hedged claims do not count.
    assert_eq!(
        category(
            "run_query",
            "Queries run in read-only mode by default.",
            sql
        ),
        Category::Execute
    );
    // A search query is not code.
    assert_eq!(
        category("search_docs", "Search the docs", props(&["query"])),
        Category::Read
    );
}

#[test]
fn generic_verbs_take_the_worst_operation() {
    let schema = json!({"type": "object", "properties": {"operation": {"type": "string", "enum": ["list", "get", "create", "delete"]}}});
    let c = classify(&tool("manage_widgets", "Manage widgets.", schema));
    assert_eq!(c.category, Category::Destructive);
    assert!(
        c.rationale.iter().any(|s| s.contains("`manage`")),
        "{:?}",
        c.rationale
    );
    assert_eq!(
        category("manage_widgets", "Manage widgets.", json!({})),
        Category::Write
    );
}

#[test]
fn descriptions_decide_verb_less_names() {
    assert_eq!(
        category("budgets", "Retrieves AWS budget information.", json!({})),
        Category::Read
    );
    assert_eq!(
        category("skopeo", "Inspect container images remotely.", json!({})),
        Category::Read
    );
    assert_eq!(
        category("event_healthcheck", "Event Manager healthcheck.", json!({})),
        Category::Read
    );
    assert_eq!(
        category(
            "valkey_admin",
            "Execute a destructive Valkey command.",
            props(&["command"])
        ),
        Category::Destructive
    );
    // "a list of" is a noun, not the verb "list".
    assert_eq!(
        category(
            "widgets",
            "Sends a list of widgets to the printer.",
            json!({})
        ),
        Category::Write
    );
}

#[test]
fn signals_quote_parameters() {
    let schema = props(&["endpoint", "file_path", "ids", "a", "b", "c", "d", "e"]);
    let c = classify(&tool("fetch_thing", "", schema));
    for s in [
        "accepts a URL (`endpoint`)",
        "accepts a file path (`file_path`)",
        "bulk operation (`ids`)",
        "8 parameters",
        "name verb `fetch`",
    ] {
        assert!(
            c.signals.iter().any(|x| x == s),
            "{s} missing from {:?}",
            c.signals
        );
    }
    assert!(c.rationale.iter().any(|s| s.contains("`fetch_thing`")));
}

#[test]
fn read_only_annotation_wins_but_never_unlocks_a_delete() {
    let t = annotated(tool("run_report", "", json!({})), Some(true), None);
    let c = classify(&t);
    assert_eq!(c.category, Category::Read);
    assert_eq!(c.conflicts.len(), 1, "{:?}", c.conflicts);
    assert!(c.conflicts[0].contains("`run`"), "{:?}", c.conflicts);

    let t = annotated(tool("delete_everything", "", json!({})), Some(true), None);
    let c = classify(&t);
    assert_eq!(c.category, Category::Destructive);
    assert!(
        c.conflicts[0].contains("readOnlyHint: true"),
        "{:?}",
        c.conflicts
    );
    assert!(c.conflicts[0].contains("`delete`"), "{:?}", c.conflicts);
}

#[test]
fn destructive_annotation_and_its_conflicts() {
    let c = classify(&annotated(
        tool("update_page", "", json!({})),
        None,
        Some(true),
    ));
    assert_eq!(c.category, Category::Destructive);
    assert!(c.conflicts.is_empty());
    let c = classify(&annotated(
        tool("get_page", "", json!({})),
        None,
        Some(true),
    ));
    assert_eq!(c.category, Category::Destructive);
    assert_eq!(c.conflicts.len(), 1);
    let c = classify(&annotated(
        tool("delete_page", "", json!({})),
        Some(false),
        Some(false),
    ));
    assert_eq!(c.category, Category::Destructive);
    assert!(c.conflicts[0].contains("destructiveHint: false"));
    // The description contradicting the name is stated too.
    let c = classify(&tool("delete_rows", "A read-only view of rows.", json!({})));
    assert_eq!(c.category, Category::Destructive);
    assert!(c.conflicts[0].contains("only reads"), "{:?}", c.conflicts);
}

#[test]
fn unannotated_classification_ignores_hints() {
    let t = annotated(tool("do_thing", "", json!({})), Some(true), None);
    assert_eq!(classify(&t).category, Category::Read);
    assert_eq!(classify_unannotated(&t).category, Category::Write);
}

#[test]
fn a_review_replaces_the_category_and_says_so() {
    let t = tool("tag_things", "", json!({}));
    let review = Override {
        category: Category::Destructive,
        notes: Some("Sync deletes remote copies.".into()),
        body: "Checked the source.".into(),
        file: "content/servers/x/tag_things.md".into(),
    };
    let c = review.apply(&t, classify(&t));
    assert_eq!(
        (c.category, c.level),
        (Category::Destructive, RiskLevel::Critical)
    );
    let r = c.review.as_ref().unwrap();
    assert_eq!(r.automatic, Category::Write);
    assert!(
        c.rationale[0].starts_with("A person reviewed `tag_things`"),
        "{:?}",
        c.rationale
    );
    assert!(c.rationale[1].contains("Write"), "{:?}", c.rationale);
}

#[test]
fn long_sentences_are_quoted_around_the_claim() {
    let description = format!(
        "{} This is destructive and removes the data.",
        "word ".repeat(200)
    );
    let c = classify(&tool("tag_all", &description, json!({})));
    assert_eq!(c.category, Category::Destructive);
    assert!(
        c.rationale
            .iter()
            .any(|s| s.contains("this is destructive")),
        "{:?}",
        c.rationale
    );
    let long = format!("It {} is destructive.", "very ".repeat(100));
    let c = classify(&tool("tag_all", &long, json!({})));
    assert!(
        c.rationale.iter().any(|s| s.contains("destructive")),
        "{:?}",
        c.rationale
    );
    // Multi-byte text around the cut does not panic.
    let wide = format!("{} destructive {}", "é".repeat(300), "ü".repeat(300));
    assert_eq!(
        classify(&tool("tag_all", &wide, json!({}))).category,
        Category::Destructive
    );
}

#[test]
fn a_destructive_hint_on_an_additive_tool_is_trusted_and_the_conflict_shown() {
    let t = annotated(tool("create_workbook", "", json!({})), None, Some(true));
    let c = classify(&t);
    assert_eq!(c.category, Category::Destructive);
    assert!(
        c.conflicts.iter().any(|s| s.contains("only adds (Write)")),
        "{:?}",
        c.conflicts
    );
    assert_eq!(classify_unannotated(&t).category, Category::Write);
    // With the hint, a page action still says why it is Destructive.
    let t = annotated(tool("browser_click", "", json!({})), None, Some(true));
    assert!(classify(&t)
        .rationale
        .iter()
        .any(|s| s.contains("live browser page")));
}
