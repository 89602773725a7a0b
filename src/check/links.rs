//! Internal links and anchors: collected from every HTML file as it is rendered (only the
//! ids and distinct link targets are kept, never the pages), then resolved against the set
//! of files the site produced.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

/// The elements and attributes that are links to check.
const LINK_SELECTORS: &[(&str, &str)] = &[
    ("a[href]", "href"),
    ("link[href]", "href"),
    ("script[src]", "src"),
    ("img[src]", "src"),
    ("iframe[src]", "src"),
    ("source[src]", "src"),
];

/// What one HTML file contributes: the ids it defines and the links it makes.
#[derive(Debug, Default)]
pub struct Scanned {
    /// Every `id` attribute value.
    pub ids: Vec<String>,
    /// Every link target as written (`href`/`src` values).
    pub links: Vec<String>,
}

/// Parses `html` (with lol_html, a streaming HTML parser) and returns its ids and links.
pub fn scan(html: &[u8]) -> Scanned {
    let found = RefCell::new(Scanned::default());
    let mut handlers = vec![lol_html::element!("[id]", |el| {
        if let Some(id) = el.get_attribute("id") {
            found.borrow_mut().ids.push(id);
        }
        Ok(())
    })];
    for &(selector, attribute) in LINK_SELECTORS {
        let found = &found;
        handlers.push(lol_html::element!(selector, move |el| {
            if let Some(target) = el.get_attribute(attribute) {
                found.borrow_mut().links.push(target);
            }
            Ok(())
        }));
    }
    let settings = handlers
        .into_iter()
        .fold(lol_html::Settings::new(), |settings, handler| {
            settings.append_element_content_handler(handler)
        });
    let mut rewriter = lol_html::HtmlRewriter::new(settings, |_: &[u8]| {});
    // The parser only fails on memory limits we do not set; a page it cannot finish still
    // gives what was found so far.
    let _ = rewriter.write(html);
    let _ = rewriter.end();
    found.into_inner()
}

/// Where an internal link points: an output file (relative path, possibly a folder ending
/// in `/`) and an optional fragment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// Output-relative path, such as `servers/x/` or `style.css`; empty for the root.
    pub path: String,
    /// The part after `#`, when not empty.
    pub fragment: Option<String>,
}

/// Resolves `link` as written on the page at output file `from` (such as
/// `servers/x/index.html`). Returns `None` for external links (another host, `mailto:`...).
/// `Err` for a root-relative link outside the site's base path.
pub fn resolve(
    link: &str,
    from: &str,
    base_url: &str,
    base_path: &str,
) -> Option<Result<Target, String>> {
    let link = link.trim();
    let (rest, fragment) = match link.split_once('#') {
        Some((r, f)) => (r, (!f.is_empty()).then(|| f.to_owned())),
        None => (link, None),
    };
    let rest = rest.split('?').next().unwrap_or("");
    let lower = rest.to_ascii_lowercase();
    let site_relative = if let Some(inside) = rest.strip_prefix(base_url) {
        inside.to_owned()
    } else if lower.starts_with("//") || lower.contains(':') && !lower.starts_with('/') {
        // Another host, or a scheme (mailto:, tel:, javascript:, data:...).
        return None;
    } else if rest.starts_with('/') {
        match rest.strip_prefix(base_path) {
            Some(inside) => inside.to_owned(),
            None if format!("{rest}/") == base_path => String::new(),
            None => {
                return Some(Err(format!(
                    "`{link}` is outside the base path {base_path}"
                )))
            }
        }
    } else if rest.is_empty() {
        // `#id` on the same page.
        from.to_owned()
    } else {
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        if dir.is_empty() {
            rest.to_owned()
        } else {
            format!("{dir}/{rest}")
        }
    };
    Some(Ok(Target {
        path: normalise(&site_relative),
        fragment,
    }))
}

/// Removes `.` and `..` segments; keeps a trailing `/`.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = parts.join("/");
    if path.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    out
}

/// The file a target path is served from, as static hosts do: a folder path serves its
/// `index.html`, and `x` serves `x/index.html` when there is no file `x`.
pub fn served_file(path: &str, files: &HashSet<String>) -> Option<String> {
    if path.is_empty() || path.ends_with('/') {
        let index = format!("{path}index.html");
        return files.contains(&index).then_some(index);
    }
    if files.contains(path) {
        return Some(path.to_owned());
    }
    let index = format!("{path}/index.html");
    files.contains(&index).then_some(index)
}

/// Checks every link: `links` maps each distinct target to the first page that links to
/// it; `ids` holds the ids of each HTML file. Returns one message per broken target.
pub fn broken(
    links: &HashMap<Target, String>,
    files: &HashSet<String>,
    ids: &HashMap<String, HashSet<String>>,
) -> Vec<String> {
    let mut problems: Vec<String> = links
        .iter()
        .filter_map(|(target, from)| {
            let Some(file) = served_file(&target.path, files) else {
                return Some(format!(
                    "{from}: broken link to /{} (no such file in the output)",
                    target.path
                ));
            };
            let fragment = target.fragment.as_ref()?;
            let has = ids.get(&file).is_some_and(|set| set.contains(fragment));
            (!has).then(|| {
                format!(
                    "{from}: broken anchor /{}#{fragment} ({file} has no element with id=\"{fragment}\")",
                    target.path
                )
            })
        })
        .collect();
    problems.sort();
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_ids_and_links() {
        let s = scan(br##"<h2 id="a">x</h2><a href="/x/#a">x</a><link rel="stylesheet" href="s.css"><script src="j.js"></script><a name="n">no href</a>"##);
        assert_eq!(s.ids, ["a"]);
        assert_eq!(s.links, ["/x/#a", "s.css", "j.js"]);
    }

    #[test]
    fn resolves_like_a_browser() {
        let r = |l: &str| resolve(l, "servers/x/index.html", "https://e.org/docs/", "/docs/");
        let t = |path: &str, f: Option<&str>| {
            Some(Ok(Target {
                path: path.into(),
                fragment: f.map(Into::into),
            }))
        };
        assert_eq!(r("/docs/servers/"), t("servers/", None));
        assert_eq!(r("https://e.org/docs/a/#b"), t("a/", Some("b")));
        assert_eq!(r("#risk"), t("servers/x/index.html", Some("risk")));
        assert_eq!(r("../y/"), t("servers/y/", None));
        assert_eq!(r("/docs"), t("", None));
        assert_eq!(r("https://github.com/x"), None);
        assert_eq!(r("mailto:a@b.c"), None);
        assert!(matches!(r("/elsewhere/"), Some(Err(_))));
    }
}
