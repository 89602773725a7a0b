//! Where a build's time went, phase by phase (`toolpages build --timings`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Wall-clock seconds of each phase of a build, in the order the phases ran.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// `(phase, seconds)`; a phase that overlaps others (the search index, built beside
    /// the pages) says so in its name.
    pub phases: Vec<(&'static str, f64)>,
}

/// Measures consecutive phases: each [`Stopwatch::lap`] ends one and starts the next.
#[derive(Debug)]
pub struct Stopwatch {
    last: Instant,
}

impl Stopwatch {
    /// Starts the first phase now.
    pub fn start() -> Stopwatch {
        Stopwatch {
            last: Instant::now(),
        }
    }

    /// Ends the running phase as `phase` in `timings` and starts the next one.
    pub fn lap(&mut self, timings: &mut Timings, phase: &'static str) {
        let now = Instant::now();
        timings
            .phases
            .push((phase, now.duration_since(self.last).as_secs_f64()));
        self.last = now;
    }
}

impl std::fmt::Display for Timings {
    /// One `phase  seconds` line per phase.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (phase, seconds) in &self.phases {
            writeln!(f, "  {phase:<28} {seconds:>8.3} s")?;
        }
        Ok(())
    }
}

/// Seconds the render threads spent in each stage of making a page, summed over the threads
/// (so together they can exceed the phase's wall time): what a faster build has to cut.
/// Time a thread was preempted inside a stage counts too.
#[derive(Debug, Default)]
pub struct Stages {
    /// Building contexts (catalogue text, policies written and validated, table rows) and
    /// the texts of generated files, in nanoseconds.
    context: AtomicU64,
    /// MiniJinja rendering the page templates, in nanoseconds.
    template: AtomicU64,
    /// Handing the bytes to the output (creating and writing files), in nanoseconds.
    write: AtomicU64,
}

/// A stage of making a page ([`Stages`]).
#[derive(Debug, Clone, Copy)]
pub enum Stage {
    /// Building the context, or the text of a generated file.
    Context,
    /// Rendering the template.
    Template,
    /// Writing the file.
    Write,
}

impl Stages {
    /// Runs `work`, adding its duration to `stage`.
    pub fn time<T>(&self, stage: Stage, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = work();
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let counter = match stage {
            Stage::Context => &self.context,
            Stage::Template => &self.template,
            Stage::Write => &self.write,
        };
        counter.fetch_add(nanos, Ordering::Relaxed);
        result
    }

    /// Appends one line per stage to `timings`, indented under the render phase.
    pub fn report(&self, timings: &mut Timings) {
        let seconds = |counter: &AtomicU64| counter.load(Ordering::Relaxed) as f64 / 1e9;
        timings.phases.extend([
            ("  contexts (thread s)", seconds(&self.context)),
            ("  templates (thread s)", seconds(&self.template)),
            ("  writes (thread s)", seconds(&self.write)),
        ]);
    }
}
