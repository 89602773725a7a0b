//! The classifier against `tests/data/labels.tsv`: real tools of the bundled catalogue,
//! labelled by a person reading each tool's name, description and schema. Prints every
//! disagreement; fails below 90% agreement.

use std::collections::BTreeMap;
use std::path::PathBuf;
use toolpages::catalogue::{load, Catalogue, Tool};
use toolpages::classify::{classify, classify_unannotated, Category, Classification};

struct Label {
    server: String,
    tool: String,
    category: Category,
    reason: String,
}

fn labels() -> Vec<Label> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/labels.tsv");
    let text = std::fs::read_to_string(&path).expect("labels.tsv");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .map(|(i, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(
                cols.len(),
                4,
                "labels.tsv:{}: expected 4 tab-separated columns",
                i + 1
            );
            Label {
                server: cols[0].to_owned(),
                tool: cols[1].to_owned(),
                category: Category::parse(cols[2]).unwrap_or_else(|| {
                    panic!("labels.tsv:{}: unknown category {}", i + 1, cols[2])
                }),
                reason: cols[3].to_owned(),
            }
        })
        .collect()
}

fn catalogue() -> Catalogue {
    load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content"))
        .expect("content loads")
        .catalogue
}

fn find<'a>(catalogue: &'a Catalogue, label: &Label) -> &'a Tool {
    catalogue
        .server(&label.server)
        .and_then(|s| s.tools.iter().find(|t| t.name == label.tool))
        .unwrap_or_else(|| {
            panic!(
                "labelled tool {}/{} is not in the catalogue",
                label.server, label.tool
            )
        })
}

fn agreement(
    catalogue: &Catalogue,
    labels: &[Label],
    f: fn(&Tool) -> Classification,
    what: &str,
) -> f64 {
    let mut agreed = 0;
    for label in labels {
        let got = f(find(catalogue, label)).category;
        if got == label.category {
            agreed += 1;
        } else {
            println!(
                "[{what}] {}/{}: labelled {} ({}), classified {}",
                label.server,
                label.tool,
                label.category.label(),
                label.reason,
                got.label()
            );
        }
    }
    let percent = 100.0 * agreed as f64 / labels.len() as f64;
    println!(
        "[{what}] agreement: {agreed} / {} = {percent:.1}%",
        labels.len()
    );
    percent
}

#[test]
fn labels_are_real_varied_and_unique() {
    let catalogue = catalogue();
    let labels = labels();
    assert!(labels.len() >= 200, "only {} labels", labels.len());
    let mut seen = std::collections::HashSet::new();
    let mut per_category: BTreeMap<Category, usize> = BTreeMap::new();
    let mut servers = std::collections::HashSet::new();
    for l in &labels {
        find(&catalogue, l);
        assert!(
            seen.insert((&l.server, &l.tool)),
            "{}/{} labelled twice",
            l.server,
            l.tool
        );
        assert!(
            !l.reason.trim().is_empty(),
            "{}/{} has no reason",
            l.server,
            l.tool
        );
        *per_category.entry(l.category).or_default() += 1;
        servers.insert(&l.server);
    }
    assert!(
        servers.len() >= 100,
        "labels cover only {} servers",
        servers.len()
    );
    for c in Category::ALL {
        assert!(
            per_category.get(&c).copied().unwrap_or(0) >= 10,
            "too few {c:?} labels: {per_category:?}"
        );
    }
}

#[test]
fn classifier_agrees_with_hand_labels() {
    let catalogue = catalogue();
    let labels = labels();
    let unannotated = agreement(
        &catalogue,
        &labels,
        classify_unannotated,
        "annotations hidden",
    );
    let full = agreement(&catalogue, &labels, classify, "with annotations");
    assert!(
        full >= 90.0,
        "agreement with annotations {full:.1}% is below 90%"
    );
    assert!(
        unannotated >= 90.0,
        "agreement without annotations {unannotated:.1}% is below 90%"
    );
}
