//! The rows of the tool tables: a server's tools, a listing page, a tool page's related
//! tools. Each row is rendered from `tool_row.html` once and reused by every table of the
//! same render thread that lists the tool.
//!
//! A tool page lists up to 16 other tools. Building and rendering those rows again on every
//! page was about a third of a large build, while a server's tool pages list the same
//! siblings and every page of a shared tool name lists the same few tools elsewhere.

use super::build::BuildError;
use super::index::ToolRef;
use super::pages::tool_summary;
use super::SiteData;
use minijinja::{context, Environment, Value};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The template of one row.
pub const ROW_TEMPLATE: &str = "tool_row.html";

/// How many rows with the server column one [`Rows`] keeps before it starts again: at about
/// 1 KB a row, some 32 MB a render thread. The rows of a shared tool name are its first few
/// tools, so a catalogue of 100,000 synthetic tools has about 23,000 of them.
const KEEP: usize = 32 * 1024;

/// Renders table rows with one environment, remembering them (see the module docs). It
/// holds rows of one [`SiteData`] and one environment, so it must not outlive either (the
/// preview makes a new one after each change).
pub struct Rows<'e> {
    env: &'e Environment<'static>,
    /// How many rows `elsewhere` holds at most ([`KEEP`]).
    keep: usize,
    /// The server whose rows `own` holds.
    server: usize,
    /// Rows without the server column, of `server`'s tools: its tool pages list their
    /// siblings, and the plan puts them one after another.
    own: HashMap<usize, Value>,
    /// Rows with the server column: the same name on other servers, listings.
    elsewhere: HashMap<ToolRef, Value>,
}

impl<'e> Rows<'e> {
    /// An empty cache over `env`.
    pub fn new(env: &'e Environment<'static>) -> Rows<'e> {
        Rows {
            env,
            keep: KEEP,
            server: usize::MAX,
            own: HashMap::new(),
            elsewhere: HashMap::new(),
        }
    }

    /// The environment rows and pages are rendered with.
    pub fn env(&self) -> &'e Environment<'static> {
        self.env
    }

    /// The rows of `tools` as safe HTML strings, for `tool_table`; `show_server` adds the
    /// server column. Fails when `tool_row.html` does, naming the tool.
    pub fn of(
        &mut self,
        data: &SiteData,
        tools: impl IntoIterator<Item = ToolRef>,
        show_server: bool,
    ) -> Result<Vec<Value>, BuildError> {
        tools
            .into_iter()
            .map(|tool| self.row(data, tool, show_server))
            .collect()
    }

    fn row(
        &mut self,
        data: &SiteData,
        (s, t): ToolRef,
        show_server: bool,
    ) -> Result<Value, BuildError> {
        let kept = if show_server {
            self.elsewhere.get(&(s, t))
        } else if self.server == s {
            self.own.get(&t)
        } else {
            None
        };
        if let Some(row) = kept {
            return Ok(row.clone());
        }
        let fail = |e: minijinja::Error| BuildError::Render {
            page: format!("the table row of {}", data.routes.tool(s, t)),
            template: ROW_TEMPLATE.to_owned(),
            message: super::render_error_text(&e),
        };
        let html = self
            .env
            .get_template(ROW_TEMPLATE)
            .and_then(|template| {
                template.render(context! { t => tool_summary(data, s, t), show_server })
            })
            .map_err(fail)?;
        let row = Value::from_safe_string(html);
        if show_server {
            if self.elsewhere.len() >= self.keep {
                self.elsewhere.clear();
            }
            self.elsewhere.insert((s, t), row.clone());
        } else {
            if self.server != s {
                self.own.clear();
                self.server = s;
            }
            self.own.insert(t, row.clone());
        }
        Ok(row)
    }
}

/// One [`Rows`] per worker thread of the current rayon pool. Per thread, not per rayon job:
/// `try_for_each_init` makes new state each time a job is split or stolen, and those short
/// lived caches rendered about half the rows again.
pub struct ThreadRows<'e>(Vec<Mutex<Rows<'e>>>);

impl<'e> ThreadRows<'e> {
    /// Empty caches over `env`, one per thread of the current pool.
    pub fn new(env: &'e Environment<'static>) -> ThreadRows<'e> {
        ThreadRows(
            (0..rayon::current_num_threads())
                .map(|_| Mutex::new(Rows::new(env)))
                .collect(),
        )
    }

    /// The calling thread's cache. Only that thread locks it, so the lock is never waited
    /// on (a thread outside the pool shares the first one).
    pub fn get(&self) -> MutexGuard<'_, Rows<'e>> {
        let i = rayon::current_thread_index().unwrap_or(0) % self.0.len();
        // A panic while rendering leaves the rows it had finished: still valid.
        self.0[i].lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::Rows;
    use crate::site::build::{bundled_site, load_site, render_page_with};
    use crate::site::pages::plan;
    use crate::site::templates::environment;
    use crate::site::Config;

    /// A page gets the same bytes from rows kept since earlier pages as from rows rendered
    /// for it alone: every page of the bundled site, rendered in plan order through one
    /// cache that starts again every 40 rows with the server column.
    #[test]
    fn kept_rows_give_the_page_a_fresh_cache_gives() {
        let options = bundled_site(Config::default());
        let (data, _) = load_site(&options).unwrap();
        let env = environment(Some(&options.templates), "/");
        let mut kept = Rows::new(&env);
        kept.keep = 40;
        let mut tables = 0;
        for page in plan(&data) {
            let file = page.file(&data);
            let through_cache = render_page_with(&page, &data, &mut kept, &file).unwrap();
            let alone = render_page_with(&page, &data, &mut Rows::new(&env), &file).unwrap();
            assert_eq!(through_cache, alone, "{file}");
            tables += through_cache.matches("<table class=\"tools\">").count();
        }
        assert!(tables > data.catalogue.tool_count(), "{tables} tool tables");
    }
}
