//! The one MiniJinja environment of a build: the user's `templates/` first, the built-in
//! templates as fallback, autoescape on for `.html`, and the site's filters.

use super::escape::write_html;
use super::markdown::to_safe_html;
use minijinja::{Environment, Value};
use std::path::{Path, PathBuf};

/// The built-in templates, embedded so a site without `templates/` still builds. A file of
/// the same name in the site's `templates/` folder replaces one of these.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("servers.html", include_str!("../../templates/servers.html")),
    ("server.html", include_str!("../../templates/server.html")),
    ("tool.html", include_str!("../../templates/tool.html")),
    (
        "tool_row.html",
        include_str!("../../templates/tool_row.html"),
    ),
    ("404.html", include_str!("../../templates/404.html")),
    (
        "categories.html",
        include_str!("../../templates/categories.html"),
    ),
    ("risk.html", include_str!("../../templates/risk.html")),
    (
        "tool_list.html",
        include_str!("../../templates/tool_list.html"),
    ),
    ("attacks.html", include_str!("../../templates/attacks.html")),
    ("attack.html", include_str!("../../templates/attack.html")),
    ("search.html", include_str!("../../templates/search.html")),
];

/// Builds the environment. `dir` is the site's `templates/` folder (it may not exist);
/// `base_path` is the URL path prefix (`/` or `/repo/`) used by the `url` filter.
pub fn environment(dir: Option<&Path>, base_path: &str) -> Environment<'static> {
    let mut env = Environment::new();
    let dir: Option<PathBuf> = dir.map(Path::to_path_buf);
    env.set_loader(move |name: &str| {
        if let Some(dir) = &dir {
            if !name.contains("..") {
                match std::fs::read_to_string(dir.join(name)) {
                    Ok(text) => return Ok(Some(text)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            format!("cannot read template {}: {e}", dir.join(name).display()),
                        ))
                    }
                }
            }
        }
        Ok(BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| (*t).to_owned()))
    });
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_formatter(html_formatter);
    add_filters(&mut env, base_path);
    // The `asset` filter over the built-in static files; a build registers it again over
    // the site's static folder (`Assets::register`), which replaces this one.
    super::publish::assets::Assets::default_builtin().register(&mut env, base_path);
    env
}

/// Escapes `&`, `<`, `>`, `"` and `'` in HTML templates, and leaves `/` alone (MiniJinja's
/// default also escapes `/`, which makes every URL in an attribute unreadable).
fn html_formatter(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if state.auto_escape() == minijinja::AutoEscape::Html && !value.is_safe() {
        if let Some(text) = value.as_str() {
            return write_html(out, text).map_err(minijinja::Error::from);
        }
    }
    minijinja::escape_formatter(out, state, value)
}

/// Registers the filters the templates use:
/// - `markdown`: safe HTML from catalogue Markdown (raw HTML escaped);
/// - `url`: a site path made root-relative under the base path (`servers/x/` → `/repo/servers/x/`);
/// - `plural(n, "tool", "tools")`: `1 tool`, `2 tools`, with thousands separators.
pub fn add_filters(env: &mut Environment<'static>, base_path: &str) {
    env.add_filter("markdown", |text: Option<String>| {
        Value::from_safe_string(text.map(|t| to_safe_html(&t)).unwrap_or_default())
    });
    let base = base_path.to_owned();
    env.add_filter("url", move |path: String| {
        format!("{base}{}", path.trim_start_matches('/'))
    });
    env.add_filter("plural", |n: usize, one: String, many: String| {
        format!("{} {}", thousands(n), if n == 1 { one } else { many })
    });
    env.add_filter("thousands", thousands);
}

/// `12345` → `12,345`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(2712), "2,712");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
