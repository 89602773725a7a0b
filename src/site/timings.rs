//! Where a build's time went, phase by phase (`toolpages build --timings`).

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
