//! `toolpages import`: add a server to the catalogue straight from the server itself.
//!
//! [`import`] starts an MCP server over stdio (or connects to one over Streamable HTTP),
//! performs `initialize` (rmcp then sends `notifications/initialized`) and `tools/list`,
//! following `nextCursor` until the last page, and writes `content/servers/<id>.json`: the
//! server's `serverInfo`, protocol version, command (or URL) and the date under `source`,
//! and its tools exactly as returned. The protocol is rmcp's; the raw answers come from a
//! [`tap`] beneath it, because rmcp's typed `Tool` drops keys it does not know.
//!
//! Failures (a command that cannot start, a server that exits, one that never answers, one
//! that writes garbage to stdout or answers with an error) are [`ImportError`]s naming the
//! request waited for and quoting what the server wrote. The file is written to a temporary
//! name and renamed into place, and never replaced by one with fewer tools unless forced.

mod error;
mod stdio;
pub mod tap;
mod write;

pub use error::{Diagnostics, ImportError};
pub use write::Imported;

use rmcp::model::{
    ClientCapabilities, ClientConfig, ClientRequest, Implementation, ListToolsRequest,
    PaginatedRequestParams,
};
use rmcp::service::{ClientInitializeError, PeerRequestOptions, RunningService};
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{IntoTransport, StreamableHttpClientTransport};
use rmcp::{serve_client, RoleClient, ServiceError};
use serde_json::Value;
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;
use tap::{Tap, TapClient};
use tokio::time::timeout;

/// Where the server is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A command that runs the server over stdio: program and arguments.
    Command(Vec<String>),
    /// The URL of a Streamable HTTP endpoint, such as `http://localhost:3001/mcp`.
    Url(String),
}

/// What to import and where to write it.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The server to ask.
    pub target: Target,
    /// The server's id in the catalogue; by default made from `serverInfo.name`.
    pub id: Option<String>,
    /// The catalogue folder; the file goes to `<content>/servers/<id>.json`.
    pub content: PathBuf,
    /// How long to wait for each answer (`initialize`, each `tools/list` page).
    pub timeout: Duration,
    /// Replace an existing file even when it holds more tools, or is not a server object.
    pub force: bool,
}

/// What the server answered, raw.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The `initialize` result (`protocolVersion`, `capabilities`, `serverInfo`, ...).
    pub initialize: Value,
    /// Every tool of every `tools/list` page, in order, exactly as sent.
    pub tools: Vec<Value>,
    /// Number of `tools/list` pages.
    pub pages: usize,
    /// True when some answer was only available as rmcp decoded it (an HTTP JSON body):
    /// keys unknown to rmcp may be missing.
    pub lossy: bool,
    /// Non-JSON output the server wrote even though it worked.
    pub diagnostics: Diagnostics,
}

/// Asks the server and writes its catalogue file (see the module documentation).
///
/// Errors: [`ImportError`]; nothing is written unless the result is `Ok`.
pub fn import(options: &ImportOptions) -> Result<Imported, ImportError> {
    // A bad `--id` is refused before the server is started.
    if let Some(id) = options.id.as_deref().filter(|id| !write::valid_id(id)) {
        return Err(ImportError::BadId(id.to_owned()));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|source| ImportError::Io {
            path: PathBuf::from("(tokio runtime)"),
            source,
        })?;
    let listed = runtime.block_on(list(&options.target, options.timeout))?;
    // The runtime is dropped here, ending any task still tied to the server.
    drop(runtime);
    write::write(options, &listed)
}

/// Performs `initialize` and every `tools/list` page against `target`.
pub async fn list(target: &Target, wait: Duration) -> Result<Listed, ImportError> {
    match target {
        Target::Command(argv) => stdio::list(argv, wait).await,
        Target::Url(url) => {
            let tap = Tap::default();
            let client = TapClient::new(tap.clone()).map_err(|e| ImportError::Exited {
                phase: "initialize".to_owned(),
                how: format!("could not be reached ({})", chain(&e)),
                diagnostics: Diagnostics::default(),
                fix: HTTP_FIX,
            })?;
            let transport = StreamableHttpClientTransport::with_client(
                client,
                StreamableHttpClientTransportConfig::with_uri(url.as_str()),
            );
            session(transport, &tap, wait)
                .await
                .map_err(|f| f.into_error(None, Diagnostics::default(), wait, HTTP_FIX))
        }
    }
}

/// The fix hint for a server that fails over Streamable HTTP.
const HTTP_FIX: &str = "check that the URL is the server's MCP endpoint (often ending in `/mcp`) and that the server is running, or raise --timeout";

/// Why a session stopped, before the transport adds what it knows (exit status, stderr).
#[derive(Debug)]
enum Failure {
    Timeout(&'static str),
    Closed(&'static str, String),
    Protocol(&'static str, String),
}

impl Failure {
    /// The user-facing error; `exit` is how the process ended, when known.
    fn into_error(
        self,
        exit: Option<String>,
        diagnostics: Diagnostics,
        wait: Duration,
        fix: &'static str,
    ) -> ImportError {
        match self {
            Failure::Timeout(phase) => ImportError::Timeout {
                phase: phase.to_owned(),
                seconds: wait.as_secs(),
                diagnostics,
                fix,
            },
            Failure::Closed(phase, detail) => ImportError::Exited {
                phase: phase.to_owned(),
                how: exit.unwrap_or_else(|| {
                    format!("could not be reached or closed the connection ({detail})")
                }),
                diagnostics,
                fix,
            },
            Failure::Protocol(phase, message) => ImportError::Protocol {
                phase: phase.to_owned(),
                message,
                diagnostics,
            },
        }
    }
}

/// `initialize`, then `tools/list` until no `nextCursor`, each answer awaited at most `wait`.
async fn session<T, E, A>(transport: T, tap: &Tap, wait: Duration) -> Result<Listed, Failure>
where
    T: IntoTransport<RoleClient, E, A>,
    E: std::error::Error + Send + Sync + 'static,
{
    let info = ClientConfig::new(
        ClientCapabilities::default(),
        Implementation::new("toolpages", env!("CARGO_PKG_VERSION")),
    );
    let client = match timeout(wait, serve_client(info, transport)).await {
        Err(_) => return Err(Failure::Timeout("initialize")),
        Ok(Err(e)) => return Err(init_failure(e)),
        Ok(Ok(client)) => client,
    };
    let listed = list_tools(&client, tap, wait).await;
    // Closing the client closes the transport: stdin for a child process (the MCP way to ask
    // it to exit), the session for HTTP.
    let _ = timeout(Duration::from_secs(5), client.cancel()).await;
    let (tools, pages, lossy_pages) = listed?;
    let (initialize, lossy_init) = match tap.initialize() {
        Some(raw) => (raw.result, raw.lossy),
        None => {
            return Err(Failure::Protocol(
                "initialize",
                "no result was received".to_owned(),
            ))
        }
    };
    let (garbage, garbage_count) = tap.garbage_lines();
    Ok(Listed {
        initialize,
        tools,
        pages,
        lossy: lossy_pages || lossy_init,
        diagnostics: Diagnostics {
            garbage,
            garbage_count,
            stderr: String::new(),
        },
    })
}

fn init_failure(e: ClientInitializeError) -> Failure {
    match e {
        ClientInitializeError::ConnectionClosed(detail) => Failure::Closed("initialize", detail),
        ClientInitializeError::TransportError { error, .. } => {
            Failure::Closed("initialize", chain(&*error.error))
        }
        ClientInitializeError::JsonRpcError(e) => {
            Failure::Protocol("initialize", format!("error {}: {}", e.code.0, e.message))
        }
        other => Failure::Protocol("initialize", other.to_string()),
    }
}

/// The most `tools/list` pages followed: far beyond any real server (the largest bundled one
/// lists 302 tools on one page), and a bound on a server whose cursors never end.
const MAX_PAGES: usize = 10_000;

/// Every page of `tools/list`: the raw tools, the page count, and whether any was lossy.
async fn list_tools(
    client: &RunningService<RoleClient, ClientConfig>,
    tap: &Tap,
    wait: Duration,
) -> Result<(Vec<Value>, usize, bool), Failure> {
    const PHASE: &str = "tools/list";
    let mut tools = Vec::new();
    let mut cursor: Option<String> = None;
    let mut seen = HashSet::new();
    let mut lossy = false;
    let mut pages = 0;
    loop {
        pages += 1;
        if pages > MAX_PAGES {
            return Err(Failure::Protocol(
                PHASE,
                format!("the server sent more than {MAX_PAGES} pages of tools; stopped"),
            ));
        }
        let request = ClientRequest::ListToolsRequest(ListToolsRequest::with_param(
            PaginatedRequestParams::default().with_cursor(cursor.clone()),
        ));
        let handle = client
            .peer()
            .send_cancellable_request(request, PeerRequestOptions::no_options())
            .await
            .map_err(|e| service_failure(PHASE, e))?;
        let id = handle.id.clone().into_json_value();
        match timeout(wait, handle.await_response()).await {
            Err(_) => return Err(Failure::Timeout(PHASE)),
            Ok(Err(e)) => return Err(service_failure(PHASE, e)),
            // The typed answer is rmcp's; the tap holds the same answer as sent.
            Ok(Ok(_typed)) => {}
        }
        let raw = tap
            .take(&id)
            .ok_or_else(|| Failure::Protocol(PHASE, "no result was received".to_owned()))?;
        lossy |= raw.lossy;
        let Some(Value::Array(page)) = raw.result.get("tools") else {
            return Err(Failure::Protocol(
                PHASE,
                format!(
                    "the result has no `tools` array: {}",
                    cut(&raw.result.to_string())
                ),
            ));
        };
        tools.extend(page.iter().cloned());
        match raw.result.get("nextCursor") {
            None | Some(Value::Null) => return Ok((tools, pages, lossy)),
            Some(Value::String(next)) => {
                if !seen.insert(next.clone()) {
                    return Err(Failure::Protocol(
                        PHASE,
                        format!("the server sent `nextCursor` `{next}` twice, so paging would never end"),
                    ));
                }
                cursor = Some(next.clone());
            }
            Some(other) => {
                return Err(Failure::Protocol(
                    PHASE,
                    format!("`nextCursor` must be a string, found {other}"),
                ))
            }
        }
    }
}

fn service_failure(phase: &'static str, e: ServiceError) -> Failure {
    match e {
        ServiceError::McpError(e) => {
            Failure::Protocol(phase, format!("error {}: {}", e.code.0, e.message))
        }
        ServiceError::TransportClosed => Failure::Closed(phase, "transport closed".to_owned()),
        ServiceError::TransportSend(e) => Failure::Closed(phase, chain(&*e.error)),
        other => Failure::Protocol(phase, other.to_string()),
    }
}

/// An error and its causes, `outer: inner: root`, without repeats.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

/// At most 200 characters of `text`.
fn cut(text: &str) -> String {
    text.chars().take(200).collect()
}
