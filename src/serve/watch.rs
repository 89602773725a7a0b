//! Watching the site's folders: notify events, debounced, classified by [`Changes`] and
//! applied to the preview; the resulting events go to the browsers.

use super::changes::Changes;
use super::preview::Event;
use super::{App, ServeOptions};
use notify_debouncer_full::notify::RecursiveMode;
use std::sync::Arc;
use std::time::Duration;

/// Watches the content, templates and static folders and the settings file; applies each
/// debounced batch of changes on the watcher's thread and tells the browsers.
pub(super) fn watch(
    options: &ServeOptions,
    app: Arc<App>,
) -> anyhow::Result<
    notify_debouncer_full::Debouncer<
        notify_debouncer_full::notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
> {
    let handler_options = options.clone();
    let mut debouncer = notify_debouncer_full::new_debouncer(
        Duration::from_millis(150),
        None,
        move |result: notify_debouncer_full::DebounceEventResult| {
            let events = match result {
                Ok(events) => events,
                Err(errors) => {
                    for e in errors {
                        eprintln!("warning: watching files: {e}");
                    }
                    return;
                }
            };
            let mut changes = Changes::default();
            // Reading a file (the template loader does) is an access event: not a change.
            for event in events
                .iter()
                .filter(|e| !e.kind.is_access() && !e.kind.is_other())
            {
                for path in &event.paths {
                    changes.add(path, &handler_options);
                }
            }
            if changes.is_empty() {
                return;
            }
            let started = std::time::Instant::now();
            let (events, log) = app.preview.apply(&changes);
            println!(
                "change: {log} ({:.0} ms)",
                started.elapsed().as_secs_f64() * 1000.0
            );
            for event in events {
                if let Event::Problem(text) = &event {
                    eprintln!("{text}");
                }
                let _ = app.events.send(event);
            }
        },
    )?;
    for dir in [&options.content, &options.templates, &options.static_dir] {
        if dir.is_dir() {
            debouncer.watch(dir, RecursiveMode::Recursive)?;
        }
    }
    if options.config_file.is_file() {
        debouncer.watch(&options.config_file, RecursiveMode::NonRecursive)?;
    }
    Ok(debouncer)
}
