//! Lookups computed once per build so that every browse and tool page costs O(1) in the size
//! of the catalogue: tools by category and by risk level, per-server category lists, tools
//! that share a name across servers, and attack patterns by category.

use crate::analysis::Analysis;
use crate::catalogue::Catalogue;
use crate::classify::{Category, RiskLevel};
use std::collections::HashMap;

/// A tool's position: `(server index, tool index)` into `catalogue.servers[s].tools[t]`.
pub type ToolRef = (usize, usize);

/// The browse index of a site.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Tools of each category, in catalogue order, indexed like [`Category::ALL`].
    pub by_category: [Vec<ToolRef>; 5],
    /// Tools of each risk level, in catalogue order, indexed like [`RiskLevel::ALL`].
    pub by_level: [Vec<ToolRef>; 4],
    /// `per_server[s][c]`: tool indices of server `s` in category `Category::ALL[c]`.
    pub per_server: Vec<[Vec<usize>; 5]>,
    /// Tools whose exact name appears on more than one server, by name.
    pub same_name: HashMap<String, Vec<ToolRef>>,
    /// Attack patterns (indices into the site's attacks) that concern each category.
    pub attacks_by_category: [Vec<usize>; 5],
}

/// Position of a category in [`Category::ALL`].
pub fn category_index(c: Category) -> usize {
    Category::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

/// Position of a level in [`RiskLevel::ALL`].
pub fn level_index(l: RiskLevel) -> usize {
    RiskLevel::ALL.iter().position(|x| *x == l).unwrap_or(0)
}

impl Index {
    /// Builds the index from the analysed catalogue and the categories of each attack
    /// pattern (`attack_categories[a]`).
    pub fn new(
        catalogue: &Catalogue,
        analysis: &Analysis,
        attack_categories: &[Vec<Category>],
    ) -> Index {
        let mut index = Index::default();
        let mut names: HashMap<&str, Vec<ToolRef>> = HashMap::new();
        for (s, server) in catalogue.servers.iter().enumerate() {
            let mut own: [Vec<usize>; 5] = Default::default();
            for (t, tool) in server.tools.iter().enumerate() {
                let c = &analysis[s][t].classification;
                index.by_category[category_index(c.category)].push((s, t));
                index.by_level[level_index(c.level)].push((s, t));
                own[category_index(c.category)].push(t);
                names.entry(tool.name.as_str()).or_default().push((s, t));
            }
            index.per_server.push(own);
        }
        index.same_name = names
            .into_iter()
            .filter(|(_, refs)| refs.len() > 1)
            .map(|(name, refs)| (name.to_owned(), refs))
            .collect();
        for (a, categories) in attack_categories.iter().enumerate() {
            for c in categories {
                let list = &mut index.attacks_by_category[category_index(*c)];
                if !list.contains(&a) {
                    list.push(a);
                }
            }
        }
        index
    }

    /// Tools of a category.
    pub fn category(&self, c: Category) -> &[ToolRef] {
        &self.by_category[category_index(c)]
    }

    /// Tools of a risk level.
    pub fn level(&self, l: RiskLevel) -> &[ToolRef] {
        &self.by_level[level_index(l)]
    }
}
