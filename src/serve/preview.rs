//! The preview's state: the site data, a route table from URL to page, the template
//! environment (reloaded through minijinja-autoreload) and a small cache of rendered pages.
//!
//! Pages are rendered when requested, not before: starting the preview costs loading and
//! analysing the catalogue, never rendering 500,000 pages. [`Preview::apply`] takes the
//! changes the watcher classified and decides what is stale: a catalogue edit invalidates
//! only the pages whose inputs changed, fingerprinted as the build cache does
//! ([`Inputs`]: the edited server's own pages, the tool pages that list its tools, the
//! listings that show them) or, for the home page and indexes, whose context changed; a
//! template edit invalidates every page.
//!
//! The search index is built beside, in memory ([`super::search`]), once
//! [`Preview::start_search`] asks for it; it holds the preview's `Arc` of the site weakly,
//! so a change usually changes the site in place (see that module).

use super::changes::Changes;
use super::search::{Finished, Search};
use super::sources::Sources;
use super::ServeOptions;
use crate::site::cache::Inputs;
use crate::site::pages::{plan, Page};
use crate::site::publish::assets::Assets;
use crate::site::publish::generated::{self, Generated, SitemapPaths};
use crate::site::publish::render_page;
use crate::site::publish::sitemap::MAX_URLS;
use crate::site::rows::Rows;
use crate::site::templates::{environment, BUILTIN};
use crate::site::{render_error_text, Config, SiteData};
use minijinja::Environment;
use minijinja_autoreload::AutoReloader;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock, RwLock};

/// Rendered pages kept in memory; the cache is emptied when it fills (a preview session
/// visits far fewer pages than this).
const CACHE_PAGES: usize = 500;

/// What a URL path of the site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Page(Page),
    File(Generated),
}

/// An event for the browsers.
#[derive(Debug, Clone)]
pub enum Event {
    /// These URL paths changed (`*`: all).
    Reload(Vec<String>),
    /// The site has an error; the text says where and what.
    Problem(String),
}

/// A rendered response body and its content type.
pub struct Body {
    /// The bytes.
    pub bytes: Arc<Vec<u8>>,
    /// `text/html; charset=utf-8`, `application/xml`...
    pub content_type: &'static str,
}

struct Site {
    /// Held weakly by the search index while it runs (see the module docs).
    data: Arc<SiteData>,
    pages: Vec<Page>,
    /// What the sitemaps list, made from `pages`.
    sitemaps: SitemapPaths,
    /// Output file (`servers/x/index.html`) → what renders it.
    routes: HashMap<String, Target>,
    sources: Sources,
    template_error: Option<String>,
    cache: HashMap<String, Arc<Vec<u8>>>,
    /// Every output file served since start (to tell browsers which pages changed).
    served: HashSet<String>,
}

/// The preview server's shared state.
pub struct Preview {
    options: ServeOptions,
    reloader: AutoReloader,
    site: RwLock<Site>,
    /// The search index, once [`Preview::start_search`] started it.
    search: OnceLock<Search>,
}

impl Preview {
    /// Loads the catalogue and prepares the routes; renders nothing yet.
    pub fn new(options: ServeOptions) -> anyhow::Result<Preview> {
        let (sources, data) = Sources::load(&options.content, options.config.clone())
            .map_err(|e| anyhow::anyhow!("{}: {e}", options.content.display()))?;
        let reloader = template_reloader(&options);
        let mut site = Site {
            pages: Vec::new(),
            sitemaps: SitemapPaths::default(),
            routes: HashMap::new(),
            data: Arc::new(data),
            sources,
            template_error: None,
            cache: HashMap::new(),
            served: HashSet::new(),
        };
        site.replan();
        let preview = Preview {
            options,
            reloader,
            site: RwLock::new(site),
            search: OnceLock::new(),
        };
        preview.check_templates();
        Ok(preview)
    }

    /// Starts building the search index of the site and serving it under `pagefind/`
    /// (unless the settings turn it off), and again after each change to what it is made
    /// from; `finished` is called, on the index's own thread, after each build. Calling it
    /// again does nothing. Errors: the system refused the index its thread (the preview
    /// then runs without search).
    pub fn start_search(
        &self,
        finished: impl Fn(Finished) + Send + 'static,
    ) -> std::io::Result<()> {
        if self.search.get().is_none() && self.search.set(Search::start(finished)?).is_ok() {
            if let Some(search) = self.search.get() {
                search.index(&self.read().data);
            }
        }
        Ok(())
    }

    /// Servers and tools loaded.
    pub fn counts(&self) -> (usize, usize) {
        let site = self.read();
        (
            site.data.catalogue.servers.len(),
            site.data.catalogue.tool_count(),
        )
    }

    /// The current errors (catalogue and templates), if any.
    pub fn error(&self) -> Option<String> {
        let site = self.read();
        let parts: Vec<String> = [site.sources.errors(), site.template_error.clone()]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| parts.join("\n\n"))
    }

    /// The body for an output file path (`servers/x/index.html`), rendered or from the
    /// cache; `None` when the site has no such file (the caller tries the static folder).
    /// A render error gives `Err` with the text to show.
    pub fn get(&self, file: &str) -> Option<Result<Body, String>> {
        let content_type = content_type(file);
        if let Some(bytes) = self.search.get().and_then(|search| search.get(file)) {
            return Some(Ok(Body {
                bytes,
                content_type,
            }));
        }
        {
            let site = self.read();
            if let Some(bytes) = site.cache.get(file) {
                return Some(Ok(Body {
                    bytes: bytes.clone(),
                    content_type,
                }));
            }
        }
        let rendered = {
            let site = self.read();
            let target = *site.routes.get(file)?;
            match target {
                Target::Page(page) => self.render(&site, page).map(String::into_bytes),
                Target::File(g) => Ok(g.render(&site.data, &site.sitemaps)),
            }
        };
        let mut site = self.write();
        site.served.insert(file.to_owned());
        Some(rendered.map(|bytes| {
            let bytes = Arc::new(bytes);
            if site.cache.len() >= CACHE_PAGES {
                site.cache.clear();
            }
            site.cache.insert(file.to_owned(), bytes.clone());
            Body {
                bytes,
                content_type,
            }
        }))
    }

    fn render(&self, site: &Site, page: Page) -> Result<String, String> {
        // One guard per render: the autoreloader re-creates the environment between
        // renders when the watcher asked it to, never during one.
        let env = self
            .reloader
            .acquire_env()
            .map_err(|e| render_error_text(&e))?;
        render_page(&page, &site.data, &env, &page.file(&site.data)).map_err(|e| e.to_string())
    }

    /// Applies a batch of file changes; returns the events for the browsers and a line for
    /// the terminal describing what was redone.
    pub fn apply(&self, changes: &Changes) -> (Vec<Event>, String) {
        let before = self.error();
        let mut all = changes.templates || changes.statics || changes.config || changes.markdown;
        let mut log = Vec::new();
        if changes.markdown {
            // Reviews and attack patterns feed the analysis and every tool page's links:
            // load the content again.
            match Sources::load(&self.options.content, self.read().data.config.clone()) {
                Ok((sources, data)) => {
                    let mut site = self.write();
                    site.sources = sources;
                    site.data = Arc::new(data);
                    site.replan();
                    log.push("reviews and attack patterns reloaded".to_owned());
                }
                Err(e) => log.push(format!("content not reloaded: {e}")),
            }
        }
        if changes.config {
            match Config::load(&self.options.config_file)
                .map_err(|e| e.to_string())
                .and_then(|c| c.with_base_url(&self.options.config.base_url))
            {
                Ok(config) => {
                    let mut site = self.write();
                    Arc::make_mut(&mut site.data).config = config;
                    // `paginate_by` decides how many listing pages there are.
                    site.replan();
                    log.push("settings reloaded".to_owned());
                }
                Err(e) => log.push(format!("settings not reloaded: {e}")),
            }
        }
        if changes.templates || changes.statics {
            // Static files feed the `asset` filter, so both re-create the environment.
            self.reloader.notifier().request_reload();
            log.push("templates reloaded, every page will be re-rendered".to_owned());
        }
        let mut changed_paths: Vec<String> = Vec::new();
        if !changes.catalogue.is_empty() {
            let mut site = self.write();
            // Listings are compared by their contexts, whose tables hold rendered rows; with
            // broken templates there is nothing to compare and every listing is redone.
            let env = self.reloader.acquire_env().ok();
            let env = env.as_deref();
            for file in &changes.catalogue {
                let before = site.fingerprints(env);
                let empty = Arc::new(placeholder(&site.data.config));
                let old = Arc::unwrap_or_clone(std::mem::replace(&mut site.data, empty));
                let (data, update) = site.sources.update(file, old);
                site.data = Arc::new(data);
                site.replan();
                changed_paths.extend(site.invalidate(&before, env));
                log.push(format!(
                    "{}: {} server(s) changed",
                    file.display(),
                    update.servers.len()
                ));
            }
        }
        self.check_templates();
        if all {
            self.write().cache.clear();
        }
        let indexed = !changes.catalogue.is_empty() || changes.markdown || changes.config;
        if let Some(search) = self.search.get().filter(|_| indexed) {
            search.index(&self.read().data);
        }
        let after = self.error();
        let mut events = Vec::new();
        if let Some(error) = &after {
            events.push(Event::Problem(error.clone()));
        } else {
            // An error just fixed: every open page may show the overlay, reload them all.
            all |= before.is_some();
            let paths = if all {
                vec!["*".to_owned()]
            } else {
                changed_paths
            };
            if !paths.is_empty() {
                events.push(Event::Reload(paths));
            }
        }
        (events, log.join("; "))
    }

    /// Compiles every template, so a syntax error shows at once (not at the next page view).
    fn check_templates(&self) {
        let mut names: std::collections::BTreeSet<String> =
            BUILTIN.iter().map(|(n, _)| (*n).to_owned()).collect();
        if let Ok(dir) = std::fs::read_dir(&self.options.templates) {
            names.extend(
                dir.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".html")),
            );
        }
        let error = match self.reloader.acquire_env() {
            Ok(env) => {
                let errors: Vec<String> = names
                    .iter()
                    .filter_map(|n| env.get_template(n).err().map(|e| render_error_text(&e)))
                    .collect();
                (!errors.is_empty()).then(|| errors.join("\n"))
            }
            Err(e) => Some(render_error_text(&e)),
        };
        self.write().template_error = error;
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Site> {
        self.site.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Site> {
        self.site.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl Site {
    /// Recomputes the page plan and the route table.
    fn replan(&mut self) {
        self.pages = plan(&self.data);
        let mut routes: HashMap<String, Target> = self
            .pages
            .iter()
            .map(|p| (p.file(&self.data), Target::Page(*p)))
            .collect();
        self.sitemaps = SitemapPaths::new(&self.data, &self.pages, MAX_URLS);
        for g in generated::plan(&self.data, &self.sitemaps) {
            routes.insert(g.file(&self.data), Target::File(g));
        }
        self.routes = routes;
    }

    /// What each page served so far is made from, as the build cache fingerprints it
    /// ([`Inputs::page`]), or else (home, indexes) its whole context. Taken before a
    /// catalogue update, compared after.
    fn fingerprints(&self, env: Option<&Environment<'static>>) -> HashMap<String, Fingerprint> {
        let inputs = Inputs::new(&self.data, UNSALTED);
        let mut rows = env.map(Rows::new);
        let mut buffer = Vec::new();
        self.served
            .iter()
            .filter_map(|file| {
                let target = self.routes.get(file)?;
                Some((
                    file.clone(),
                    self.fingerprint(target, &inputs, &mut rows, &mut buffer),
                ))
            })
            .collect()
    }

    /// The fingerprint of one served file (see [`Site::fingerprints`]).
    fn fingerprint(
        &self,
        target: &Target,
        inputs: &Inputs,
        rows: &mut Option<Rows>,
        buffer: &mut Vec<u8>,
    ) -> Fingerprint {
        match target {
            Target::Page(page) => match inputs.page(page, buffer) {
                Some(hash) => Fingerprint::Inputs(hash),
                None => Fingerprint::Context(self.context(page, rows.as_mut())),
            },
            Target::File(_) => Fingerprint::Always,
        }
    }

    /// Drops the cached pages that an update made stale (their fingerprint differs from
    /// `before`); returns their URL paths. Generated files are always stale.
    fn invalidate(
        &mut self,
        before: &HashMap<String, Fingerprint>,
        env: Option<&Environment<'static>>,
    ) -> Vec<String> {
        let inputs = Inputs::new(&self.data, UNSALTED);
        let mut rows = env.map(Rows::new);
        let mut buffer = Vec::new();
        let mut stale = Vec::new();
        for file in &self.served {
            let same = match (before.get(file), self.routes.get(file)) {
                (Some(old), Some(target)) => {
                    *old == self.fingerprint(target, &inputs, &mut rows, &mut buffer)
                }
                _ => false,
            };
            if !same {
                stale.push(file.clone());
            }
        }
        for file in &stale {
            self.cache.remove(file);
        }
        stale.iter().map(|f| url_path(f)).collect()
    }

    /// The context of `page` (home, indexes: the pages [`Inputs`] leaves to their context),
    /// or `None` when it cannot be made (no environment, or a failing row template): a
    /// `None` is never equal, so the page is redone.
    fn context(&self, page: &Page, rows: Option<&mut Rows>) -> Option<minijinja::Value> {
        page.context(&self.data, rows?).ok()
    }
}

/// The preview's fingerprints leave out the build's: it notices template, static-file and
/// settings changes itself (and then drops every page).
const UNSALTED: blake3::Hash = blake3::Hash::from_bytes([0; 32]);

/// See [`Site::fingerprints`]. Never equal: a context that could not be made, a generated
/// file.
enum Fingerprint {
    Inputs(blake3::Hash),
    Context(Option<minijinja::Value>),
    Always,
}

impl PartialEq for Fingerprint {
    fn eq(&self, other: &Fingerprint) -> bool {
        match (self, other) {
            (Fingerprint::Inputs(a), Fingerprint::Inputs(b)) => a == b,
            (Fingerprint::Context(Some(a)), Fingerprint::Context(Some(b))) => a == b,
            _ => false,
        }
    }
}

/// `servers/x/index.html` → `/servers/x/`.
fn url_path(file: &str) -> String {
    format!("/{}", file.strip_suffix("index.html").unwrap_or(file))
}

/// An empty site, held for the instant the real one is being updated.
fn placeholder(config: &Config) -> SiteData {
    SiteData::with_analysis(config.clone(), Default::default(), Vec::new(), Vec::new())
}

/// The content type of a file of the site, by its extension.
pub(super) fn content_type(file: &str) -> &'static str {
    match file.rsplit_once('.').map(|(_, e)| e) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("xml") => "application/xml",
        Some("json") => "application/json",
        Some("js") => "text/javascript; charset=utf-8",
        // Pagefind's index, fragments, filters and WebAssembly.
        Some("pagefind" | "pf_meta" | "pf_index" | "pf_fragment" | "pf_filter") => {
            "application/octet-stream"
        }
        _ => "text/plain; charset=utf-8",
    }
}

/// The template environment, re-created by the autoreloader when the watcher asks: the
/// site's templates over the built-in ones, and the `asset` filter over the static folder
/// (unhashed: the preview serves static files straight from the folder).
fn template_reloader(options: &ServeOptions) -> AutoReloader {
    let templates = options.templates.clone();
    let static_dir = options.static_dir.clone();
    AutoReloader::new(move |_notifier| {
        let mut env = environment(Some(&templates), "/");
        let assets = Assets::unhashed(&static_dir).map_err(|(path, e)| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("{}: {e}", path.display()),
            )
        })?;
        assets.register(&mut env, "/");
        Ok(env)
    })
}
