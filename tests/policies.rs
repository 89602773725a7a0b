//! Sample policies on the real catalogue (every tool and server document generated and
//! validated; tool and server documents agree) and the validator on hostile policies.

mod support;

use serde_json::Value;
use std::path::PathBuf;
use toolpages::policy::validate::{parse, validate_text, Format};
use toolpages::policy::{rule_counts, CheckKind};
use toolpages::site::policies::{check_all, server_texts, tool_texts};
use toolpages::site::{Config, SiteData};

/// The bundled content as the build sees it: catalogue, reviews and attack patterns, so the
/// policies checked are the ones the site prints.
fn real() -> SiteData {
    let content = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut loaded = toolpages::catalogue::load(&content).expect("the bundled catalogue loads");
    let (overrides, attacks) = toolpages::site::load_content(&content, &mut loaded);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    SiteData::with_content(Config::default(), loaded.catalogue, &overrides, attacks)
}

fn problems(format: Format, text: &str) -> Vec<String> {
    validate_text(format, text)
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn yaml(text: &str) -> Vec<String> {
    problems(Format::Intercept, text)
}

fn assert_problems(got: Vec<String>, want: &[&str]) {
    let want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    assert_eq!(got, want, "\ngot:\n{}\n", got.join("\n"));
}

#[test]
fn every_tool_and_server_policy_of_the_real_catalogue_is_valid() {
    let data = real();
    // 2,712 tools and the 143 servers that have tools, two formats each.
    assert_eq!(
        check_all(&data).expect("every generated policy is valid"),
        5710
    );
    let counts: std::collections::HashMap<String, usize> =
        rule_counts(data.analysis.iter().flatten().map(|a| &a.policy))
            .into_iter()
            .collect();
    // Every kind of argument-aware rule occurs on real tools.
    for kind in CheckKind::ALL {
        assert!(
            counts[kind.label()] > 0,
            "no {kind:?} on the real catalogue"
        );
    }
}

fn find(data: &SiteData, server: &str, tool: &str) -> (usize, usize) {
    let s = data
        .catalogue
        .servers
        .iter()
        .position(|x| x.id == server)
        .unwrap();
    let t = data.catalogue.servers[s]
        .tools
        .iter()
        .position(|x| x.name == tool)
        .unwrap();
    (s, t)
}

#[test]
fn argument_aware_rules_use_the_tools_real_argument_names() {
    let data = real();
    let cases = [
        (
            "ghcr-io-github-github-mcp-server",
            "get_file_blame",
            "args.path",
            "regex",
        ),
        ("mcp-server-fetch", "fetch", "args.url", "regex"),
        (
            "mcp-kubectl-mcp-server",
            "create_deployment",
            "args.replicas",
            "lte",
        ),
        (
            "ghcr-io-github-github-mcp-server",
            "update_issue_state",
            "args.rationale",
            "exists",
        ),
    ];
    for (server, tool, path, op) in cases {
        let (s, t) = find(&data, server, tool);
        let texts = tool_texts(&data, s, t).unwrap();
        let json: Value = serde_json::from_str(&texts.json).unwrap();
        let cond = &json["tools"][tool]["require"][0]["conditions"][0];
        assert_eq!(
            (cond["path"].as_str(), cond["op"].as_str()),
            (Some(path), Some(op)),
            "{tool}"
        );
        let y = parse(Format::Intercept, &texts.yaml).unwrap();
        let rules = y["tools"][tool]["rules"].as_array().unwrap();
        assert!(
            rules.iter().any(|r| r["conditions"][0]["path"] == path),
            "{tool}: {rules:?}"
        );
        // The page explains every rule: the baseline plus one sentence per check.
        let policy = &data.analysis[s][t].policy;
        assert_eq!(policy.explanations.len(), 1 + policy.checks.len());
    }
}

/// A tool's rule as the server document prints it equals the rule on the tool's own page
/// (PolicyLayer counter names may differ: they are made unique per document).
#[test]
fn tool_and_server_documents_print_the_same_rule() {
    let data = real();
    for (s, server) in data.catalogue.servers.iter().enumerate() {
        if server.tools.is_empty() {
            continue;
        }
        let whole = server_texts(&data, s).unwrap();
        let whole_json: Value = serde_json::from_str(&whole.json).unwrap();
        let whole_yaml = parse(Format::Intercept, &whole.yaml).unwrap();
        for (t, tool) in server.tools.iter().enumerate() {
            let one = tool_texts(&data, s, t).unwrap();
            let one_json: Value = serde_json::from_str(&one.json).unwrap();
            let one_yaml = parse(Format::Intercept, &one.yaml).unwrap();
            let n = tool.name.as_str();
            assert_eq!(
                without_counters(&whole_json["tools"][n]),
                without_counters(&one_json["tools"][n]),
                "{n}"
            );
            assert_eq!(whole_yaml["tools"][n], one_yaml["tools"][n], "{n}");
            let hidden = |doc: &Value| {
                doc["hide"]
                    .as_array()
                    .is_some_and(|h| h.iter().any(|x| x == n))
            };
            assert_eq!(hidden(&whole_json), hidden(&one_json), "{n}");
            assert_eq!(hidden(&whole_yaml), hidden(&one_yaml), "{n}");
        }
    }
}

fn without_counters(rule: &Value) -> Value {
    let mut rule = rule.clone();
    if let Some(limits) = rule.get_mut("limits").and_then(Value::as_array_mut) {
        for l in limits {
            l["counter"] = Value::Null;
        }
    }
    rule
}

#[test]
fn server_yaml_has_a_comment_header_and_category_groups() {
    let data = real();
    let (s, _) = find(&data, "ghcr-io-github-github-mcp-server", "get_file_blame");
    let yaml = server_texts(&data, s).unwrap().yaml;
    let header: Vec<&str> = yaml.lines().take(5).collect();
    assert_eq!(
        header,
        [
            "# Sample policy for the GitHub MCP server (117 tools), generated by toolpages.",
            "# Server: GitHub (ghcr-io-github-github-mcp-server)",
            "# Package: ghcr.io/github/github-mcp-server",
            "# Tools: 117",
            &format!("# Generator: toolpages {}", env!("CARGO_PKG_VERSION")),
        ]
    );
    let read = yaml.find("  # Read (Low risk): ").expect("a Read group");
    let write = yaml
        .find("  # Write (Medium risk): ")
        .expect("a Write group");
    assert!(read < write);
}

#[test]
fn the_competitor_pages_yaml_is_rejected_with_each_defect_named() {
    let seed = r#"version: "1"
default: deny
tools:
  create_issue:
    rules:
      - name: allow issues
        action: allow
      - name: limit
        rate_limit: {max: 10, window: 60}
      - name: check title
        validate:
          title: required
        reason: Creating issues is a write.
"#;
    assert_problems(yaml(seed), &[
        "tools.create_issue.rules[0].action: Intercept has no `allow` action (fix: remove the rule: `rules: []` already allows a listed tool; use evaluate (with conditions) or deny)",
        "tools.create_issue.rules[1].rate_limit: the map form of rate_limit is not Intercept syntax: Intercept rejects the file at load time (fix: write the shorthand string rate_limit: \"10/minute\" (<count>/<window>, window minute, hour or day))",
        "tools.create_issue.rules[2].validate: Intercept has no `validate`; it would be ignored and nothing checked (fix: express the check as `conditions` ({path, op, value}) on a rule)",
        "tools.create_issue.rules[2].reason: Intercept has no `reason`; it would be ignored (fix: the message returned to the agent is `on_deny`)",
        "tools.create_issue.rules[2]: an evaluate rule needs at least one condition (fix: add `conditions`, or use action: deny to block every call)",
    ]);
}

#[test]
fn operators_values_paths_counters_and_actions_are_checked() {
    let doc = r#"version: 1
tools:
  charge:
    rules:
      - name: bad ops
        conditions:
          - {path: args.amount, op: between, value: [1, 2]}
          - {path: args.amount, op: lt, value: "100"}
          - {path: state.charge, op: lte, value: 5}
          - {path: state.charge.daily, op: lte, value: 5}
          - {path: amount, op: regex, value: "(?=x)"}
          - {path: args.x, op: exists, value: yes}
          - {path: args.y, op: in, value: usd}
      - rate_limit: 5/hour
      - rate_limit: 10/hour
      - name: counter
        conditions: [{path: state.charge.n, op: lte, value: 3}]
        state: {counter: n, window: week}
      - name: counter again
        conditions: [{path: state.charge.n, op: gt, value: 0}]
        state: {counter: n, window: day, increment: 0}
      - name: deny with conds
        action: deny
        conditions: [{path: args.a, op: eq, value: 1}]
      - name: empty eval
      - rate_limit: 3/week
        action: deny
hide: [a, a, " "]
"#;
    assert_problems(yaml(doc), &[
        "version: must be the string \"1\", found 1 (fix: write version: \"1\" (quoted: a bare number is not the string the spec requires))",
        "hide[1]: duplicate entry \"a\" (fix: list each tool once)",
        "hide[2]: is blank (fix: remove the entry or write a tool name)",
        "tools.charge.rules[0].conditions[0].op: unknown operator \"between\" (fix: use one of `eq`, `neq`, `in`, `not_in`, `lt`, `lte`, `gt`, `gte`, `regex`, `contains` or `exists`)",
        "tools.charge.rules[0].conditions[1].value: operator `lt` needs a number, found a string (fix: write a bare number such as 100 (no quotes))",
        "tools.charge.rules[0].conditions[2].path: \"state.charge\" names no counter (fix: write state.<tool>.<counter> (state._global.<counter> in \"*\" rules), naming the `counter` of a `state` block)",
        "tools.charge.rules[0].conditions[4].value: invalid RE2 regular expression \"(?=x)\": look-around, including look-ahead and look-behind, is not supported (fix: correct the pattern; RE2 has no look-around or back-references)",
        "tools.charge.rules[0].conditions[4].path: \"amount\" must start with args. or state. (fix: start the path with args. (a tool argument) or state. (a counter))",
        "tools.charge.rules[0].conditions[5].value: operator `exists` needs true or false, found a string (fix: write true (the argument must be present) or false)",
        "tools.charge.rules[0].conditions[6].value: operator `in` needs a list, found a string (fix: write a list, for example [\"usd\", \"eur\"])",
        "tools.charge.rules[2].rate_limit: clashes with rules[1]: both count per hour in counter `_rate_hour` (fix: keep one rate limit per window on a tool: combine them, or use a different window)",
        "tools.charge.rules[3].state.window: must be minute, hour or day, found \"week\" (fix: write window: minute, hour or day)",
        "tools.charge.rules[4].state.increment: must be a positive whole number, found 0 (fix: write increment: 1 (the default), or remove it)",
        "tools.charge.rules[4].state: counter \"n\" never counts: Intercept only reserves a counter against a lt/lte condition on state.charge.n in the same rule (fix: add the condition {path: state.charge.n, op: lte, value: <max>} to this rule)",
        "tools.charge.rules[4].state.counter: duplicate state counter \"n\" (also used by rules[3]) (fix: give each counter of a tool its own name)",
        "tools.charge.rules[5].conditions: a deny rule must not have conditions (it blocks every call) (fix: remove `conditions`, or use action: evaluate to deny only when a condition fails)",
        "tools.charge.rules[6]: an evaluate rule needs at least one condition (fix: add `conditions`, or use action: deny to block every call)",
        "tools.charge.rules[7].rate_limit: the window \"week\" must be minute, hour or day (fix: write for example \"3/hour\")",
        "tools.charge.rules[7].rate_limit: cannot be used with action: deny (fix: remove `action: deny` (a deny rule blocks every call, so a rate is meaningless))",
        "tools.charge.rules[0].conditions[3].path: reads state.charge.daily, but no rule of tools.charge has a `state` block with counter \"daily\" (fix: add state: {counter: daily, window: ...} to the rule that counts, or correct the path)",
    ]);
}

#[test]
fn misplaced_keys_shorthand_forms_and_state_blocks() {
    let doc = r#"version: "1"
rules: []
tools:
  a:
    rate_limit: 10/minute
    rules:
      - rate_limit: 0/minute
      - rate_limit: "10 per minute"
      - rate_limit: 10
      - name: spend
        conditions: [{path: state.a.spend, op: lte, value: 100}, {path: args.amount, op: gt, value: 0}]
        state: {counter: spend, window: day, increment: 2, increment_from: amount}
      - name: "  "
        action: deny
      - name: wildcard scope
        conditions: [{path: state.*.calls, op: lte, value: 1}, {path: state._global.calls, op: lte, value: 1}]
  "":
    rules: []
  b: null
"#;
    assert_problems(yaml(doc), &[
        "rules: Intercept has no top-level `rules` (fix: put rules under tools.<tool>.rules, or under tools.\"*\".rules to apply them to every call)",
        "tools.a.rate_limit: `rate_limit` belongs to a rule, not to the tool (fix: move it into a rule: tools.a.rules: [{name: ..., rate_limit: ...}])",
        "tools.a.rules[0].rate_limit: the count \"0\" must be a positive whole number (fix: write for example \"10/minute\")",
        "tools.a.rules[1].rate_limit: \"10 per minute\" is not in the form \"<count>/<window>\" (fix: write for example rate_limit: \"10/minute\")",
        "tools.a.rules[2].rate_limit: must be a string \"<count>/<window>\", found a number (fix: write for example rate_limit: \"10/minute\")",
        "tools.a.rules[3].state.increment_from: must be an args.<field> path, found \"amount\" (fix: write for example increment_from: args.amount)",
        "tools.a.rules[3].state: has both `increment` and `increment_from` (fix: keep one: increment_from replaces the fixed increment)",
        "tools.a.rules[4].name: must be non-empty text, found \"  \" (fix: name the rule, for example name: \"hourly issue limit\")",
        "tools.: the tool name is blank (fix: use the tool's exact MCP name)",
        "tools.b: must be a map {rules: [...]} (`rules: []` allows the tool), found null (fix: write a map {rules: [...]} (`rules: []` allows the tool))",
        "tools.a.rules[5].conditions[0].path: the counter scope of \"*\" rules is `_global`, not `*` (fix: write state._global.calls)",
        "tools.a.rules[5].conditions[1].path: reads state._global.calls, but no rule of tools.* has a `state` block with counter \"calls\" (fix: add state: {counter: calls, window: ...} to the rule that counts, or correct the path)",
    ]);
}

#[test]
fn policylayer_documents_are_checked_key_by_key() {
    let doc = r#"{"version": 1, "tools": {"t": {"rate_limit": "10/minute", "limits": [{"counter": "c", "window": "day", "max": 0}, {"counter": "c", "window": "hour", "max": 2.5, "scope": "user"}], "deny_if": [{"on_deny": 3}], "require": [{"conditions": []}, {"conditions": [{"path": "state.t.c", "op": "gte", "value": 1}]}]}, "u": {"limits": [{"counter": "c", "window": "minute", "max": 5, "scope": "grant"}]}, "v": []}, "extra": true}"#;
    assert_problems(problems(Format::PolicyLayer, doc), &[
        "extra: unknown key `extra` (fix: remove it or use one of `version`, `default`, `hide`, `all_tools` or `tools`; proxies ignore unknown keys, so it would do nothing)",
        "version: must be the string \"1\", found 1 (fix: write version: \"1\" (quoted: a bare number is not the string the spec requires))",
        "default: is missing (fix: add default: \"deny\" so that a tool the policy does not list is refused)",
        "tools.t.rate_limit: PolicyLayer has no `rate_limit` (fix: write a `limits` entry: {\"counter\": \"...\", \"window\": \"minute\", \"max\": 10, \"scope\": \"grant\"})",
        "tools.t.limits[0].window: must be \"minute\" or \"hour\", found \"day\" (fix: PolicyLayer windows are \"minute\" and \"hour\" (a daily window exists only in Intercept))",
        "tools.t.limits[0].max: must be a positive whole number, found 0 (fix: write the number of calls allowed per window, such as 30)",
        "tools.t.limits[0]: has no `scope` (fix: add \"scope\": \"grant\")",
        "tools.t.limits[1].max: must be a positive whole number, found 2.5 (fix: write the number of calls allowed per window, such as 30)",
        "tools.t.limits[1].scope: must be \"grant\", found \"user\" (fix: write \"scope\": \"grant\", the only documented scope)",
        "tools.t.deny_if[0].on_deny: must be a message string, found a number (fix: write the message returned to the agent as a string)",
        "tools.t.deny_if[0]: has no `conditions` (fix: add \"conditions\": [] to deny every call, or list the conditions)",
        "tools.t.require[0].conditions: an empty `require` entry holds for every call, so it never denies (fix: list the conditions the call must satisfy, or remove the entry)",
        "tools.t.require[1].conditions[0].path: \"state.t.c\": PolicyLayer conditions read arguments only (fix: use an args.<field> path; count calls with a `limits` entry instead)",
        "tools.u.limits[0].counter: counter \"c\" is used with window \"hour\" at tools.t.limits[1].counter and \"minute\" here; limits sharing a counter share one count (fix: give each window its own counter name)",
        "tools.v: must be a rule object ({} allows the tool), found a list (fix: write a rule object ({} allows the tool))",
    ]);
}

#[test]
fn syntax_errors_name_the_line() {
    assert_problems(yaml("version: \"1\"\ntools:\n  a: [\n"), &[
        "line 3, column 6: not valid YAML: unclosed bracket '[' (fix: correct the YAML syntax at that point (indentation, quoting, a `:` after each key))",
    ]);
    assert_problems(problems(Format::PolicyLayer, "{\"version\": \"1\",\n}"), &[
        "line 2, column 1: not valid JSON: trailing comma at line 2 column 1 (fix: correct the JSON syntax at that point)",
    ]);
}

#[test]
fn rust_only_regex_syntax_is_refused() {
    let doc = "version: \"1\"\ntools:\n  a:\n    rules:\n      - name: r\n        conditions: [{path: args.x, op: regex, value: \"(?x) a b\"}, {path: args.y, op: regex, value: \"[a-z&&[^q]]\"}]\n";
    assert_problems(yaml(doc), &[
        "tools.a.rules[0].conditions[0].value: invalid RE2 regular expression \"(?x) a b\": `(?x` is an extension of Rust's regex syntax that Go's RE2 does not read the same way (fix: correct the pattern; RE2 has no look-around or back-references)",
        "tools.a.rules[0].conditions[1].value: invalid RE2 regular expression \"[a-z&&[^q]]\": `[a-z&&` is an extension of Rust's regex syntax that Go's RE2 does not read the same way (fix: correct the pattern; RE2 has no look-around or back-references)",
    ]);
}

/// Intercept's own reference examples (POLICY.md: the GitHub and Stripe policies, with a
/// `"*"` rule, a spend counter and `increment_from`) are valid.
#[test]
fn interceptss_reference_examples_are_valid() {
    let stripe = r#"version: "1"
description: "Stripe MCP server policies"
tools:
  create_charge:
    rules:
      - name: "max single charge"
        conditions:
          - path: "args.amount"
            op: "lte"
            value: 50000
        on_deny: "Single charge cannot exceed $500.00"
      - name: "daily spend cap"
        conditions:
          - path: "state.create_charge.daily_spend"
            op: "lte"
            value: 1000000
        on_deny: "Daily spending cap of $10,000.00 reached"
        state:
          counter: "daily_spend"
          window: "day"
          increment_from: "args.amount"
      - name: "allowed currencies"
        conditions:
          - path: "args.currency"
            op: "in"
            value: ["usd", "eur"]
  delete_customer:
    rules:
      - name: "block destructive action"
        action: "deny"
        on_deny: "Customer deletion is not permitted via AI agents"
  "*":
    rules:
      - name: "global rate limit"
        conditions:
          - path: "state._global.calls_per_minute"
            op: "lte"
            value: 60
        state:
          counter: "calls_per_minute"
          window: "minute"
"#;
    assert_problems(yaml(stripe), &[]);
    let github = "version: \"1\"\ndescription: \"GitHub MCP server policies\"\nhide:\n  - transfer_repository\ntools:\n  create_issue:\n    rules:\n      - name: \"hourly issue limit\"\n        rate_limit: 5/hour\n  delete_repository:\n    rules:\n      - name: \"block repo deletion\"\n        action: \"deny\"\n        on_deny: \"Repository deletion is not permitted via AI agents\"\n  \"*\":\n    rules:\n      - name: \"global rate limit\"\n        rate_limit: 60/minute\n";
    assert_problems(yaml(github), &[]);
}

fn build_catalogue(
    line: &str,
) -> Result<toolpages::site::BuildSummary, toolpages::site::BuildError> {
    let content = tempfile::tempdir().unwrap();
    std::fs::write(content.path().join("c.jsonl"), line).unwrap();
    let out = tempfile::tempdir().unwrap();
    let options = support::options(content.path(), out.path(), false);
    let result = toolpages::site::build(&options, &());
    if result.is_ok() {
        // The downloadable files exist and are valid.
        for (file, format) in [
            ("policy.json", Format::PolicyLayer),
            ("intercept.yaml", Format::Intercept),
        ] {
            let text = std::fs::read_to_string(out.path().join("servers/s").join(file)).unwrap();
            assert_problems(problems(format, &text), &[]);
        }
        // The server page links both downloads and has a copy button on each block.
        let html = std::fs::read_to_string(out.path().join("servers/s/index.html")).unwrap();
        for needle in [
            r#"<a href="/servers/s/policy.json" download>"#,
            r#"<a href="/servers/s/intercept.yaml" download>"#,
            r#"data-copy="policy-json""#,
            r#"data-copy="policy-yaml""#,
        ] {
            assert!(html.contains(needle), "{needle}");
        }
    }
    result
}

#[test]
fn hostile_tool_names_stay_inside_yaml_values_and_comments() {
    let line = r##"{"id":"s","name":"S\n# injected: true\ntools: {}","package":"p\nversion: \"2\"","tools":[{"name":"evil\n# tools:\n  x: y","description":"Deletes everything."},{"name":"a: b #c","description":"Creates a thing."},{"name":"- [x]","description":"Lists things."}]}"##;
    let summary = build_catalogue(line).expect("builds");
    assert_eq!(summary.tools, 3);
}

#[test]
fn a_tool_named_star_fails_the_build_naming_server_and_tool() {
    let line = r#"{"id":"s","tools":[{"name":"*","description":"Deletes all records."}]}"#;
    let err = build_catalogue(line).expect_err("a tool named * cannot be given a rule");
    let shown = err.to_string();
    assert!(
        shown.starts_with("invalid sample policy for server `s`, tool `*` (PolicyLayer JSON): a tool named `*` cannot get its own rule"),
        "{shown}"
    );
}

/// A policy larger than serde-saphyr's default limits (250,000 nodes) is read whole: the
/// Intercept policy of a server with some 40,000 tools has that many, and the build failed
/// on its own valid `intercept.yaml` with a made-up syntax error.
#[test]
fn a_policy_beyond_the_parsers_default_node_limit_is_read_whole() {
    let names = 300_000;
    let mut doc = String::from("version: \"1\"\ntools:\n  shown:\n    rules: []\nhide:\n");
    for i in 0..names {
        doc.push_str(&format!("  - hidden_{i}\n"));
    }
    let value = parse(Format::Intercept, &doc).expect("a large valid document parses");
    assert_eq!(value["hide"].as_array().map(Vec::len), Some(names));
    assert_problems(yaml(&doc), &[]);
}

/// Alias expansion keeps the parser's limits, and the problem says what they are, not that
/// the syntax is wrong.
#[test]
fn an_alias_bomb_is_refused_as_beyond_the_limits() {
    let mut doc = String::from("version: \"1\"\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..9 {
        let p = level - 1;
        doc.push_str(&format!(
            "a{level}: &a{level} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let got = yaml(&doc);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("(document): beyond what the YAML parser may read safely: ")
            && got[0].ends_with("(fix: use fewer aliases (`*name`) and anchors (`&name`), and nest at most 64 levels deep)"),
        "{got:?}"
    );
}
