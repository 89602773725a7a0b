//! The stdio transport: the server as a child process, its stdout pumped to rmcp through an
//! in-memory pipe and into a [`LineTap`], its stderr kept for error messages, and the MCP
//! shutdown sequence at the end (close stdin, wait, then kill).

use super::tap::{LineTap, Tap};
use super::{session, Diagnostics, ImportError, Listed};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, Command};
use tokio::time::timeout;

/// The fix hint for a server that fails over stdio.
const STDIO_FIX: &str = "run the command by hand to see why it stops or stays silent; it may need arguments, environment variables or credentials, or a larger --timeout";

/// Bytes buffered between the stdout pump and rmcp.
const PIPE_BUFFER: usize = 64 * 1024;
/// How long the readers may take to finish once the server has ended.
const DRAIN: Duration = Duration::from_millis(500);

/// The end of the server's standard error kept for messages, in bytes.
const STDERR_KEPT: usize = 2_000;
/// How long a server may take to exit once its stdin is closed, before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// Starts `argv` and lists its tools (see [`super::list`]).
pub async fn list(argv: &[String], wait: Duration) -> Result<Listed, ImportError> {
    let Some((program, args)) = argv.split_first() else {
        return Err(ImportError::Start {
            command: String::new(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "no command given"),
        });
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|source| ImportError::Start {
            command: program.clone(),
            source,
        })?;
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        unreachable!("all three streams were requested as pipes");
    };
    let stderr_tail = Arc::new(Mutex::new(String::new()));
    let stderr_task = tokio::spawn(keep_tail(stderr, stderr_tail.clone()));
    let tap = Tap::default();
    let (to_rmcp, from_pump) = tokio::io::duplex(PIPE_BUFFER);
    let pump_task = tokio::spawn(pump(stdout, to_rmcp, LineTap::new(tap.clone())));
    let outcome = session((from_pump, stdin), &tap, wait).await;
    let exit = finish(&mut child).await;
    // Let the readers take the last output of a server that just exited.
    let _ = timeout(DRAIN, pump_task).await;
    let _ = timeout(DRAIN, stderr_task).await;
    let (garbage, garbage_count) = tap.garbage_lines();
    let diagnostics = Diagnostics {
        garbage,
        garbage_count,
        stderr: stderr_tail.lock().map(|s| s.clone()).unwrap_or_default(),
    };
    match outcome {
        Ok(mut listed) => {
            listed.diagnostics = diagnostics;
            Ok(listed)
        }
        Err(failure) => Err(failure.into_error(exit, diagnostics, wait, STDIO_FIX)),
    }
}

/// Ends the child the MCP way (its stdin is already closed with the session): wait a little,
/// then kill. Returns how it ended, such as `exited with exit status: 1`, when it had
/// ended by itself.
async fn finish(child: &mut Child) -> Option<String> {
    match timeout(EXIT_GRACE, child.wait()).await {
        Ok(Ok(status)) => Some(format!("exited with {status}")),
        Ok(Err(_)) => None,
        Err(_) => {
            let _ = child.kill().await;
            None
        }
    }
}

/// Reads the server's stdout to its end: every byte to rmcp (until rmcp stops reading) and
/// to the line tap (always, so output after rmcp gave up is still quoted in errors).
async fn pump(
    mut stdout: tokio::process::ChildStdout,
    mut to_rmcp: tokio::io::DuplexStream,
    mut lines: LineTap,
) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut rmcp_reading = true;
    while let Ok(n) = stdout.read(&mut buf).await {
        if n == 0 {
            break;
        }
        lines.feed(&buf[..n]);
        if rmcp_reading && to_rmcp.write_all(&buf[..n]).await.is_err() {
            rmcp_reading = false;
        }
    }
    lines.finish();
}

/// Reads the server's standard error to its end, keeping the last [`STDERR_KEPT`] bytes.
async fn keep_tail(mut stderr: tokio::process::ChildStderr, tail: Arc<Mutex<String>>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = stderr.read(&mut buf).await {
        if n == 0 {
            break;
        }
        let Ok(mut tail) = tail.lock() else { break };
        tail.push_str(&String::from_utf8_lossy(&buf[..n]));
        if tail.len() > STDERR_KEPT {
            let mut cut = tail.len() - STDERR_KEPT;
            while !tail.is_char_boundary(cut) {
                cut += 1;
            }
            tail.drain(..cut);
        }
    }
}
