//! The preview's search index: the same Pagefind bundles `toolpages build` writes, built in
//! memory on a thread of its own and served under `pagefind/`, so the search page works in
//! the preview as it will on the published site.
//!
//! The index is built once the catalogue is loaded, and again after each change to what it
//! is made from (the catalogue, reviews, settings), always from the newest site: changes
//! that arrive while it runs are indexed together next. A run keeps the bundles of the run
//! before it whose inputs are unchanged, as a rebuild on disk keeps its shards, so after an
//! edit only the edited server's shard is indexed again. Until a run finishes, the files of
//! the one before are served (none before the first: the search page then says search could
//! not load, and reloads when the index is ready).

use crate::site::output::{Output, Written};
use crate::site::search::{write_index, SearchError, SearchSummary, BUNDLE_DIR};
use crate::site::SiteData;
use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock};

/// The files of one index, by path under the output root (`pagefind/...`).
type Files = HashMap<String, Arc<Vec<u8>>>;

/// What finishing a run gave: its summary, or why it failed (the files of the run before
/// stay served).
pub type Finished = Result<SearchSummary, SearchError>;

/// The preview's search index and the thread that builds it; dropping it stops the thread
/// once its current run is over.
pub struct Search {
    shared: Arc<Shared>,
}

struct Shared {
    /// The files of the newest finished run.
    files: RwLock<Arc<Files>>,
    /// What the thread does next.
    next: Mutex<Next>,
    wake: Condvar,
}

#[derive(Default)]
struct Next {
    /// The site to index (the newest one asked for).
    site: Option<Arc<SiteData>>,
    /// The preview is gone: the thread ends.
    closed: bool,
}

impl Search {
    /// Starts the indexing thread, idle until [`Search::index`]; `finished` is called on
    /// that thread after each run. Errors: the system refused a new thread.
    pub fn start(finished: impl Fn(Finished) + Send + 'static) -> io::Result<Search> {
        let shared = Arc::new(Shared {
            files: RwLock::new(Arc::default()),
            next: Mutex::new(Next::default()),
            wake: Condvar::new(),
        });
        let worker = shared.clone();
        std::thread::Builder::new()
            .name("toolpages-search".into())
            .spawn(move || worker.run(finished))?;
        Ok(Search { shared })
    }

    /// Asks for the index of `site`, replacing a site asked for earlier and not yet begun.
    pub fn index(&self, site: Arc<SiteData>) {
        self.shared.lock().site = Some(site);
        self.shared.wake.notify_one();
    }

    /// The file at `file` (a path under the output root, such as `pagefind/pagefind.js`)
    /// of the newest finished index.
    pub fn get(&self, file: &str) -> Option<Arc<Vec<u8>>> {
        if !file
            .strip_prefix(BUNDLE_DIR)
            .is_some_and(|rest| rest.starts_with('/'))
        {
            return None;
        }
        let files = self
            .shared
            .files
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        files.get(file).cloned()
    }
}

impl Drop for Search {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_one();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Next> {
        self.next.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next site to index, once there is one; `None` once the preview is gone.
    fn next_site(&self) -> Option<Arc<SiteData>> {
        let mut next = self.lock();
        loop {
            if next.closed {
                return None;
            }
            if let Some(site) = next.site.take() {
                return Some(site);
            }
            next = self.wake.wait(next).unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// The thread: waits for a site, indexes it over the files of the run before, serves
    /// the result; until closed.
    ///
    /// The bundles are indexed on a rayon pool of their own: each holds a worker for
    /// seconds, and on the global pool the preview's own work after an edit (fingerprints,
    /// routes) waited behind them (at 100,000 tools an edit took 2.5 s instead of 0.5 s).
    fn run(&self, finished: impl Fn(Finished)) {
        let pool = rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("toolpages-search-{i}"))
            .build()
            .ok();
        while let Some(site) = self.next_site() {
            let before = self
                .files
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            let run = Run {
                before,
                files: Mutex::default(),
            };
            let result = if site.config.build_search_index {
                match &pool {
                    Some(pool) => pool.install(|| write_index(&site, &run)),
                    None => write_index(&site, &run),
                }
            } else {
                Ok(SearchSummary::default())
            };
            // The preview may already hold a newer site; this one is done with.
            drop(site);
            if result.is_ok() {
                let files = run
                    .files
                    .into_inner()
                    .unwrap_or_else(PoisonError::into_inner);
                *self.files.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(files);
            }
            finished(result);
        }
    }
}

/// The output of one run: the files it writes, and those of the run before it that it
/// keeps ([`Output::reuse`]); what it neither writes nor keeps is gone from the next index.
struct Run {
    before: Arc<Files>,
    files: Mutex<Files>,
}

impl Run {
    fn files(&self) -> MutexGuard<'_, Files> {
        self.files.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Output for Run {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<Written> {
        let (file, written) = match self.before.get(path) {
            Some(old) if old.as_slice() == bytes => (old.clone(), Written::Unchanged),
            _ => (Arc::new(bytes.to_vec()), Written::Changed),
        };
        self.files().insert(path.to_owned(), file);
        Ok(written)
    }

    fn reuse(&self, path: &str) -> bool {
        let Some(old) = self.before.get(path) else {
            return false;
        };
        self.files().insert(path.to_owned(), old.clone());
        true
    }

    fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.before.get(path).map(|bytes| bytes.to_vec())
    }
}
