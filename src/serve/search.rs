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
//!
//! The index holds the preview's site weakly ([`Source::Shared`]) and reads it only between
//! Pagefind's runs, so an edit changes the site in place instead of copying it. A run whose
//! site changed stops before its next bundle; the bundles it finished are handed to the run
//! that follows, which keeps those the edit left alone. Only finished runs are served.

use crate::site::output::{Output, Written};
use crate::site::search::{write_index_from, SearchError, SearchSummary, Source, BUNDLE_DIR};
use crate::site::SiteData;
use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock, Weak};

/// The files of one index, by path under the output root (`pagefind/...`).
type Files = HashMap<String, Arc<Vec<u8>>>;

/// What finishing a run gave: its summary, or why it failed (the files of the run before
/// stay served). A run stopped by a change to its site is not finished: the run of the
/// changed site follows it.
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
    /// The site to index (the newest one asked for), held weakly: see the module docs.
    site: Option<Weak<SiteData>>,
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
    /// The index keeps only a weak reference: a run stops once `site` is changed or dropped.
    pub fn index(&self, site: &Arc<SiteData>) {
        self.shared.lock().site = Some(Arc::downgrade(site));
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
    fn next_site(&self) -> Option<Weak<SiteData>> {
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
        // The files of a run stopped by a change: the next run starts from them.
        let mut stopped: Option<Arc<Files>> = None;
        while let Some(site) = self.next_site() {
            let before = stopped.take().unwrap_or_else(|| {
                self.files
                    .read()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone()
            });
            let run = Run {
                before,
                files: Mutex::default(),
            };
            let source = Source::Shared(site);
            let result = match &pool {
                Some(pool) => pool.install(|| write_index_from(&source, &run)),
                None => write_index_from(&source, &run),
            };
            match result {
                Err(SearchError::Stale) => stopped = Some(Arc::new(run.carried())),
                Ok(summary) => {
                    *self.files.write().unwrap_or_else(PoisonError::into_inner) =
                        Arc::new(run.into_files());
                    finished(Ok(summary));
                }
                Err(error) => finished(Err(error)),
            }
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

    fn into_files(self) -> Files {
        self.files
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// What a stopped run hands to the next: the files before it, with those it wrote or
    /// kept in their place. Its bundles are whole (a run stops only before a bundle's
    /// records are built), each with its note, so the next run keeps what it can by the
    /// notes, as after a finished run.
    fn carried(self) -> Files {
        let mut files = Files::clone(&self.before);
        files.extend(self.into_files());
        files
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

#[cfg(test)]
mod tests {
    use super::{Files, Run};
    use crate::site::bundled_site;
    use crate::site::output::{MemoryOutput, Output, Written};
    use crate::site::search::{
        write_index, write_index_from, SearchError, Source, BUNDLE_DIR, MANIFEST, SHARD_NOTE,
    };
    use crate::site::{Config, SiteData};
    use std::io;
    use std::sync::{Arc, Mutex};

    /// Three shards of the bundled catalogue.
    fn site() -> SiteData {
        let config = Config {
            search_shard_tools: 1000,
            ..Config::default()
        };
        let loaded = crate::catalogue::load(&bundled_site(config.clone()).content).unwrap();
        SiteData::new(config, loaded.catalogue)
    }

    fn run(before: Files) -> Run {
        Run {
            before: Arc::new(before),
            files: Mutex::default(),
        }
    }

    /// A run's output that drops the last `Arc` of its site at the first write, as an edit
    /// in the preview does while the first bundle is being indexed.
    struct EditedAtFirstWrite<'a> {
        run: &'a Run,
        site: Mutex<Option<Arc<SiteData>>>,
    }

    impl Output for EditedAtFirstWrite<'_> {
        fn write(&self, path: &str, bytes: &[u8]) -> io::Result<Written> {
            drop(self.site.lock().unwrap().take());
            self.run.write(path, bytes)
        }
        fn reuse(&self, path: &str) -> bool {
            self.run.reuse(path)
        }
        fn read(&self, path: &str) -> Option<Vec<u8>> {
            self.run.read(path)
        }
    }

    /// A run whose site changes stops after the bundle it is indexing, without the manifest;
    /// the next run keeps that bundle and ends with the index a build writes.
    #[test]
    fn a_run_whose_site_changed_stops_and_the_next_keeps_its_bundles() {
        let site = Arc::new(site());
        let source = Source::Shared(Arc::downgrade(&site));
        let stopped = run(Files::new());
        let out = EditedAtFirstWrite {
            run: &stopped,
            site: Mutex::new(Some(site)),
        };
        // One thread: the bundles are indexed one after another, the first one first.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let result = pool.install(|| write_index_from(&source, &out));
        assert!(matches!(result, Err(SearchError::Stale)), "{result:?}");
        let carried = stopped.carried();
        assert!(carried.contains_key(&format!("{BUNDLE_DIR}/{SHARD_NOTE}")));
        assert!(!carried.contains_key(&format!("{BUNDLE_DIR}/shard-2/{SHARD_NOTE}")));
        assert!(!carried.contains_key(&format!("{BUNDLE_DIR}/{MANIFEST}")));

        let data = self::site();
        let next = run(carried);
        let summary = write_index(&data, &next).unwrap();
        let fresh = MemoryOutput::default();
        let built = write_index(&data, &fresh).unwrap();
        assert!(built.shards > 2, "{built:?}");
        assert_eq!(
            (summary.shards, summary.kept),
            (built.shards, 1),
            "{summary:?}"
        );
        let files = next.into_files();
        let mut paths: Vec<&String> = files.keys().collect();
        paths.sort();
        assert_eq!(paths, fresh.paths().iter().collect::<Vec<_>>());
        for (path, bytes) in &files {
            assert!(**bytes == fresh.get(path).unwrap(), "{path} differs");
        }
    }
}
