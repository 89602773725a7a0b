//! Browse pages — `/categories/`, `/risk/`, `/attacks/` and their sub-pages — plus what a
//! tool page shows around the tool: related tools, attack patterns, the review. Every
//! context reads the precomputed [`super::index::Index`], so each page costs O(1) (listings
//! O(`paginate_by`)) in the size of the catalogue.

use super::index::{category_index, ToolRef};
use super::pages::{pagination, Page};
use super::rows::Rows;
use super::{BuildError, SiteData};
use crate::catalogue::Loaded;
use crate::classify::{self, Category, Overrides, RiskLevel};
use crate::policy::Action;
use minijinja::{context, Value};
use serde::Serialize;
use std::path::Path;

/// How many related tools of each kind a tool page lists.
pub const RELATED_MAX: usize = 8;

/// Loads what the site shows beside the catalogue: reviews (`servers/<server>/<tool>.md`)
/// and attack patterns (`attacks/*.md`). Their problems join `loaded.problems`, in file and
/// line order, so a bad review stops the build like a bad catalogue entry.
pub fn load_content(
    content: &Path,
    loaded: &mut Loaded,
) -> (Overrides, Vec<super::attacks::Attack>) {
    let (overrides, mut problems) = classify::overrides::load(content, &loaded.catalogue);
    let (attacks, attack_problems) = super::attacks::load(&content.join("attacks"));
    problems.extend(attack_problems);
    loaded.problems.extend(problems);
    loaded
        .problems
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    (overrides, attacks)
}

/// The browse pages of the site, in a stable order.
pub fn plan(data: &SiteData) -> Vec<Page> {
    let per = data.config.paginate_by;
    let mut pages = vec![Page::CategoryIndex, Page::RiskIndex, Page::AttackIndex];
    for c in Category::ALL {
        let n = data.index.category(c).len().div_ceil(per).max(1);
        pages.extend((1..=n).map(|p| Page::Category(c, p)));
    }
    for l in RiskLevel::ALL {
        let n = data.index.level(l).len().div_ceil(per).max(1);
        pages.extend((1..=n).map(|p| Page::Risk(l, p)));
    }
    pages.extend((0..data.attacks.len()).map(Page::Attack));
    pages
}

/// `pages` (a [`super::pages::plan`]) in the order the build renders them: each page of a
/// risk listing whose level has one category (Low: Read, Medium: Write, High: Execute)
/// right after the same page of that category's listing, which lists the same tools in the
/// same order. Its rows then come from the render thread's cache ([`Rows`]): in plan order
/// the two listings were far apart, and at 100,000 tools rendering their rows twice was
/// about 90,000 of the build's 330,000 rows. The plan itself (and so the sitemap) keeps its
/// order.
pub fn render_order(pages: &[Page]) -> Vec<Page> {
    let mut order = Vec::with_capacity(pages.len());
    for &page in pages {
        match page {
            Page::Risk(l, _) if sole_category(l).is_some() => {}
            Page::Category(c, n) if sole_category(c.level()).is_some() => {
                order.extend([page, Page::Risk(c.level(), n)]);
            }
            _ => order.push(page),
        }
    }
    order
}

/// The category of risk level `l` when it has only one (then both list the same tools).
fn sole_category(l: RiskLevel) -> Option<Category> {
    let mut of_level = Category::ALL.into_iter().filter(|c| c.level() == l);
    match (of_level.next(), of_level.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Path of a category page: `categories/read/`, `categories/read/page/2/`.
pub fn category_path(c: Category, page: usize) -> String {
    match page {
        1 => format!("categories/{}/", c.slug()),
        n => format!("categories/{}/page/{n}/", c.slug()),
    }
}

/// Path of a risk page: `risk/low/`, `risk/low/page/2/`.
pub fn risk_path(l: RiskLevel, page: usize) -> String {
    match page {
        1 => format!("risk/{}/", l.slug()),
        n => format!("risk/{}/page/{n}/", l.slug()),
    }
}

/// Path of an attack pattern: `attacks/tool-poisoning/`.
pub fn attack_path(data: &SiteData, a: usize) -> String {
    format!("attacks/{}/", data.attacks[a].slug)
}

/// The sample rule of a tool in a few words, read from its one [`crate::policy::ToolPolicy`].
pub fn rule_text(action: &Action) -> String {
    match action {
        Action::Allow => "allowed".to_owned(),
        Action::RateLimit(l) => format!("{} calls per {}", l.max, l.window.as_str()),
        Action::Hide => "hidden and denied".to_owned(),
        Action::DenyAll { message } => format!("denied: {message}"),
    }
}

#[derive(Serialize)]
struct CategoryRow {
    label: &'static str,
    slug: &'static str,
    level: &'static str,
    level_slug: &'static str,
    effect: &'static str,
    path: String,
    count: usize,
    percent: String,
}

#[derive(Serialize)]
struct LevelRow {
    label: &'static str,
    slug: &'static str,
    path: String,
    count: usize,
    percent: String,
    categories: Vec<&'static str>,
}

fn percent(count: usize, total: usize) -> String {
    if total == 0 {
        "0".to_owned()
    } else {
        format!("{:.1}", 100.0 * count as f64 / total as f64)
    }
}

/// Category and level rows for a set of counts per category (`counts[c]` like
/// [`Category::ALL`]).
fn breakdown(counts: [usize; 5]) -> (Vec<CategoryRow>, Vec<LevelRow>) {
    let total: usize = counts.iter().sum();
    let categories = Category::ALL
        .iter()
        .zip(counts)
        .map(|(c, count)| CategoryRow {
            label: c.label(),
            slug: c.slug(),
            level: c.level().label(),
            level_slug: c.level().slug(),
            effect: c.effect(),
            path: category_path(*c, 1),
            count,
            percent: percent(count, total),
        })
        .collect();
    let levels = RiskLevel::ALL
        .iter()
        .map(|l| {
            let members: Vec<Category> = Category::ALL
                .into_iter()
                .filter(|c| c.level() == *l)
                .collect();
            let count = members.iter().map(|c| counts[category_index(*c)]).sum();
            LevelRow {
                label: l.label(),
                slug: l.slug(),
                path: risk_path(*l, 1),
                count,
                percent: percent(count, total),
                categories: members.iter().map(|c| c.label()).collect(),
            }
        })
        .collect();
    (categories, levels)
}

fn site_counts(data: &SiteData) -> [usize; 5] {
    Category::ALL.map(|c| data.index.category(c).len())
}

/// Every category with its count over the whole site (home page).
pub fn site_categories(data: &SiteData) -> Value {
    Value::from_serialize(breakdown(site_counts(data)).0)
}

/// `/categories/` and `/risk/`: every category and level with its count.
pub fn overview(data: &SiteData) -> Value {
    let (categories, levels) = breakdown(site_counts(data));
    context! { categories, levels, tool_count => data.catalogue.tool_count() }
}

/// Per-server counts by category and level, for the server page's risk breakdown.
pub fn server_breakdown(data: &SiteData, s: usize) -> Value {
    let counts = data.index.per_server[s].each_ref().map(Vec::len);
    let (categories, levels) = breakdown(counts);
    context! { categories, levels }
}

/// The rows of listing page `page` (1-based) of `refs`.
fn listing(
    data: &SiteData,
    refs: &[ToolRef],
    page: usize,
    rows: &mut Rows,
) -> Result<Vec<Value>, BuildError> {
    let per = data.config.paginate_by;
    let start = (page - 1) * per;
    rows.of(data, refs.iter().skip(start).take(per).copied(), true)
}

/// `/categories/<category>/page/<n>/`.
pub fn category_page(
    data: &SiteData,
    c: Category,
    page: usize,
    rows: &mut Rows,
) -> Result<Value, BuildError> {
    let refs = data.index.category(c);
    let total = refs.len().div_ceil(data.config.paginate_by).max(1);
    let attacks = attack_links(data, c);
    Ok(context! {
        kind => "category",
        heading => format!("{} tools", c.label()),
        label => c.label(),
        slug => c.slug(),
        effect => c.effect(),
        level => c.level().label(),
        level_slug => c.level().slug(),
        level_path => risk_path(c.level(), 1),
        count => refs.len(),
        tools => listing(data, refs, page, rows)?,
        attacks,
        pagination => pagination(page, total, |n| category_path(c, n)),
    })
}

/// `/risk/<level>/page/<n>/`.
pub fn risk_page(
    data: &SiteData,
    l: RiskLevel,
    page: usize,
    rows: &mut Rows,
) -> Result<Value, BuildError> {
    let refs = data.index.level(l);
    let total = refs.len().div_ceil(data.config.paginate_by).max(1);
    let categories: Vec<Value> = Category::ALL
        .into_iter()
        .filter(|c| c.level() == l)
        .map(|c| context! { label => c.label(), slug => c.slug(), path => category_path(c, 1), count => data.index.category(c).len() })
        .collect();
    Ok(context! {
        kind => "risk",
        heading => format!("{} risk tools", l.label()),
        label => l.label(),
        slug => l.slug(),
        count => refs.len(),
        categories,
        tools => listing(data, refs, page, rows)?,
        pagination => pagination(page, total, |n| risk_path(l, n)),
    })
}

#[derive(Serialize)]
struct AttackLink {
    title: String,
    summary: Option<String>,
    path: String,
    categories: Vec<&'static str>,
}

fn attack_link(data: &SiteData, a: usize) -> AttackLink {
    let attack = &data.attacks[a];
    AttackLink {
        title: attack.title.clone(),
        summary: attack.summary.clone(),
        path: attack_path(data, a),
        categories: attack.categories.iter().map(|c| c.label()).collect(),
    }
}

pub(super) fn attack_links(data: &SiteData, c: Category) -> Vec<impl Serialize> {
    data.index.attacks_by_category[category_index(c)]
        .iter()
        .map(|&a| attack_link(data, a))
        .collect()
}

/// `/attacks/`.
pub fn attack_index(data: &SiteData) -> Value {
    let attacks: Vec<AttackLink> = (0..data.attacks.len())
        .map(|a| attack_link(data, a))
        .collect();
    context! { attacks }
}

/// `/attacks/<slug>/`.
pub fn attack_page(data: &SiteData, a: usize) -> Value {
    let attack = &data.attacks[a];
    let categories: Vec<Value> = attack
        .categories
        .iter()
        .map(|c| context! { label => c.label(), slug => c.slug(), path => category_path(*c, 1), count => data.index.category(*c).len(), level => c.level().label(), level_slug => c.level().slug() })
        .collect();
    context! {
        attack => context! { title => attack.title.clone(), summary => attack.summary.clone(), body => attack.body.clone() },
        categories,
    }
}

/// The tools of the same name on other servers that the page of tool `t` of server `s`
/// lists (at most [`RELATED_MAX`]), and how many there are in all. Tool pages depend on
/// these other servers' tools, so the build cache hashes them too.
pub(super) fn same_name_elsewhere(
    data: &SiteData,
    s: usize,
    t: usize,
) -> (impl Iterator<Item = ToolRef> + '_, usize) {
    let name = &data.catalogue.servers[s].tools[t].name;
    let same_name: &[ToolRef] = data.index.same_name.get(name).map_or(&[], Vec::as_slice);
    let listed = same_name
        .iter()
        .copied()
        .filter(move |&(os, _)| os != s)
        .take(RELATED_MAX);
    // Names are unique within a server, so every other entry is on another server.
    (listed, same_name.len().saturating_sub(1))
}

/// What a tool page shows around the tool: related tools as table rows from `rows` (same
/// category on the same server; the same name on other servers, each list capped at
/// [`RELATED_MAX`]), the attack patterns of its category, and links to its category and
/// level pages.
pub fn tool_extras(
    data: &SiteData,
    s: usize,
    t: usize,
    rows: &mut Rows,
) -> Result<Value, BuildError> {
    let c = data.analysis[s][t].classification.category;
    let same_server: &[usize] = &data.index.per_server[s][category_index(c)];
    let siblings = same_server
        .iter()
        .filter(|&&other| other != t)
        .take(RELATED_MAX)
        .map(|&other| (s, other));
    let siblings = rows.of(data, siblings, false)?;
    let sibling_total = same_server.len().saturating_sub(1);
    let (elsewhere, elsewhere_total) = same_name_elsewhere(data, s, t);
    let elsewhere = rows.of(data, elsewhere, true)?;
    Ok(context! {
        related_same_server => siblings,
        related_same_server_total => sibling_total,
        related_same_name => elsewhere,
        related_same_name_total => elsewhere_total,
        attacks => attack_links(data, c),
        category_path => category_path(c, 1),
        level_path => risk_path(c.level(), 1),
    })
}

#[cfg(test)]
mod tests {
    use super::{render_order, sole_category};
    use crate::classify::RiskLevel;
    use crate::site::build::{bundled_site, load_site};
    use crate::site::pages::{plan, Page};
    use crate::site::Config;

    /// The render order holds every page of the plan once, and puts each page of a
    /// one-category risk listing right after the category page listing the same tools.
    #[test]
    fn risk_pages_follow_the_category_pages_with_the_same_tools() {
        let options = bundled_site(Config {
            paginate_by: 25,
            ..Config::default()
        });
        let (data, _) = load_site(&options).unwrap();
        let pages = plan(&data);
        let order = render_order(&pages);
        let files = |pages: &[Page]| {
            let mut files: Vec<String> = pages.iter().map(|p| p.file(&data)).collect();
            files.sort();
            files
        };
        assert_eq!(files(&order), files(&pages));
        let mut twins = 0;
        for (i, page) in order.iter().enumerate() {
            let Page::Risk(l, n) = *page else { continue };
            let Some(c) = sole_category(l) else { continue };
            assert_eq!(order[i - 1], Page::Category(c, n));
            assert_eq!(data.index.level(l), data.index.category(c), "{l:?}");
            twins += 1;
        }
        assert!(twins > 10, "{twins} risk pages next to their category page");
        assert!(sole_category(RiskLevel::Critical).is_none());
    }
}
