//! Wall time, CPU time and peak memory of a child process, from `wait4(2)`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// What one child process cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cost {
    /// Wall-clock seconds from spawn to exit.
    pub wall: f64,
    /// User plus system CPU seconds of the child (all its threads).
    pub cpu: f64,
    /// Peak resident set size of the child, in bytes (`ru_maxrss`).
    pub peak_rss: u64,
}

/// Runs `command` to completion with standard output and error sent to `log`; fails with
/// the log's tail when the exit status is not 0.
///
/// First waits, untimed, for the data earlier runs left in the page cache to reach the disk
/// (`sync(2)`), so that one run's writes are not flushed during the next (the floor of a
/// 500,000-tool site writes 26 GB).
pub fn run(mut command: Command, log: &Path) -> Result<(Cost, String), String> {
    // SAFETY: sync(2) takes no arguments and cannot fail.
    unsafe { libc::sync() };
    let file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = file.try_clone().map_err(|e| e.to_string())?;
    command.stdout(Stdio::from(file)).stderr(Stdio::from(err));
    let started = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start {command:?}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped (std never waits on its own); both
    // pointers refer to live locals. `Child` is then dropped without waiting.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed().as_secs_f64();
    drop(child);
    if reaped != pid {
        return Err(format!("wait4: {}", std::io::Error::last_os_error()));
    }
    let output = std::fs::read_to_string(log).unwrap_or_default();
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        let tail: Vec<&str> = output.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "{command:?} failed ({status}):\n{}",
            tail.join("\n")
        ));
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let cost = Cost {
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        peak_rss: usage.ru_maxrss as u64 * 1024,
    };
    Ok((cost, output))
}

/// User plus system CPU seconds this process has used so far.
pub fn own_cpu() -> f64 {
    // SAFETY: as above; getrusage only writes the struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
