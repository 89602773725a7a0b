//! Keeping the server's answers exactly as sent.
//!
//! rmcp decodes every answer into its typed model, and its `Tool` has a fixed set of fields:
//! keys it does not know (`execution`, vendor keys, anything a later MCP revision adds) are
//! dropped, and a tool its model rejects (no `inputSchema`) turns the whole page into an
//! untyped result. The catalogue must hold each tool exactly as `tools/list` returned it, so
//! rmcp still runs the protocol (initialize, notifications, request ids, errors) while a
//! [`Tap`] beneath it keeps a raw copy of every answer, keyed by JSON-RPC id: over stdio a
//! [`LineTap`] copies the lines of the server's standard output; over Streamable HTTP a
//! [`TapClient`] copies the data of each server-sent event. A server answering HTTP with a
//! plain JSON body is decoded by rmcp's reqwest client before any hook sees it; that answer
//! is kept as rmcp re-encodes it, and marked lossy so the import can say so.

use futures::StreamExt;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::streamable_http_client::{
    SseError, StreamableHttpClient, StreamableHttpClientTransportConfig, StreamableHttpError,
    StreamableHttpPostResponse,
};
use serde_json::Value;
use sse_stream::Sse;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Longest stdout line kept (rmcp's own limit): a longer one is reported, not buffered.
const MAX_LINE: usize = 16 * 1024 * 1024;
/// At most this many non-JSON lines are kept for the error message.
const MAX_GARBAGE: usize = 5;

/// A raw answer: the `result` object as the server sent it, and whether it had to be taken
/// from rmcp's typed decoding instead (lossy).
#[derive(Debug, Clone)]
pub struct RawResult {
    /// The JSON-RPC `result` value.
    pub result: Value,
    /// True when the bytes were not seen and this is rmcp's re-encoding.
    pub lossy: bool,
}

#[derive(Debug, Default)]
struct State {
    results: HashMap<String, RawResult>,
    garbage: Vec<String>,
    garbage_count: usize,
}

/// The shared record of raw answers and of output that was not JSON-RPC.
#[derive(Debug, Clone, Default)]
pub struct Tap(Arc<Mutex<State>>);

impl Tap {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the map half-written; keep going.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records one message as the server wrote it (a stdout line or an SSE event's data).
    pub fn raw(&self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(batch)) => batch.into_iter().for_each(|m| self.message(m, false)),
            Ok(message @ Value::Object(_)) => self.message(message, false),
            _ => self.garbage(text),
        }
    }

    /// Records a message rmcp already decoded (HTTP JSON bodies): lossy.
    pub fn typed(&self, message: &ServerJsonRpcMessage) {
        if let Ok(value) = serde_json::to_value(message) {
            self.message(value, true);
        }
    }

    fn message(&self, mut message: Value, lossy: bool) {
        let Some(key) = message.get("id").map(Value::to_string) else {
            return;
        };
        let Some(result) = message.get_mut("result").map(Value::take) else {
            return;
        };
        let mut state = self.state();
        // The raw bytes win over a re-encoding of the same answer.
        if lossy && state.results.get(&key).is_some_and(|r| !r.lossy) {
            return;
        }
        state.results.insert(key, RawResult { result, lossy });
    }

    fn garbage(&self, text: &str) {
        let mut state = self.state();
        state.garbage_count += 1;
        if state.garbage.len() < MAX_GARBAGE {
            let shown: String = text.chars().take(200).collect();
            state.garbage.push(shown);
        }
    }

    /// The raw `result` of the answer to request `id` (a JSON-RPC id as JSON), taken out.
    pub fn take(&self, id: &Value) -> Option<RawResult> {
        self.state().results.remove(&id.to_string())
    }

    /// The raw `result` of the `initialize` answer: the one naming `serverInfo`.
    pub fn initialize(&self) -> Option<RawResult> {
        let state = self.state();
        state
            .results
            .values()
            .find(|r| r.result.get("serverInfo").is_some())
            .cloned()
    }

    /// Lines the server wrote that are not JSON-RPC messages: the first few (each cut to 200
    /// characters) and how many there were.
    pub fn garbage_lines(&self) -> (Vec<String>, usize) {
        let state = self.state();
        (state.garbage.clone(), state.garbage_count)
    }
}

/// Splits the server's standard output into lines and records each in the [`Tap`]. Fed by
/// the stdio pump, which reads stdout to its end even after rmcp has given up, so a server
/// that writes garbage and exits is quoted.
pub struct LineTap {
    tap: Tap,
    line: Vec<u8>,
    overlong: bool,
}

impl LineTap {
    /// Records into `tap`.
    pub fn new(tap: Tap) -> Self {
        LineTap {
            tap,
            line: Vec::new(),
            overlong: false,
        }
    }

    /// Takes the next bytes of the stream; each completed line is recorded.
    pub fn feed(&mut self, bytes: &[u8]) {
        for part in bytes.split_inclusive(|&b| b == b'\n') {
            if !self.overlong {
                self.line.extend_from_slice(part);
                if self.line.len() > MAX_LINE {
                    self.overlong = true;
                    self.line = Vec::new();
                }
            }
            if part.ends_with(b"\n") {
                self.end_line();
            }
        }
    }

    /// The stream ended: a last line without a newline is recorded too.
    pub fn finish(&mut self) {
        if self.overlong || !self.line.is_empty() {
            self.end_line();
        }
    }

    fn end_line(&mut self) {
        if self.overlong {
            self.tap.garbage("(a line longer than 16 MiB)");
        } else {
            self.tap.raw(&String::from_utf8_lossy(&self.line));
        }
        self.line.clear();
        self.overlong = false;
    }
}

/// rmcp's reqwest client for Streamable HTTP, with each answer recorded in a [`Tap`].
#[derive(Clone)]
pub struct TapClient {
    inner: reqwest::Client,
    tap: Tap,
}

impl TapClient {
    /// A reqwest client recording into `tap`. Idle connections are not pooled, as in
    /// rmcp's own default client (a pooled connection whose body was not fully read stalls
    /// the next request on Linux).
    pub fn new(tap: Tap) -> Result<Self, reqwest::Error> {
        let inner = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()?;
        Ok(TapClient { inner, tap })
    }

    fn tap_stream(
        &self,
        stream: futures::stream::BoxStream<'static, Result<Sse, SseError>>,
    ) -> futures::stream::BoxStream<'static, Result<Sse, SseError>> {
        let tap = self.tap.clone();
        stream
            .inspect(move |event| {
                if let Ok(Sse {
                    data: Some(data), ..
                }) = event
                {
                    tap.raw(data);
                }
            })
            .boxed()
    }

    fn tap_response(&self, response: StreamableHttpPostResponse) -> StreamableHttpPostResponse {
        match response {
            StreamableHttpPostResponse::Json(message, session) => {
                self.tap.typed(&message);
                StreamableHttpPostResponse::Json(message, session)
            }
            StreamableHttpPostResponse::Sse(stream, session) => {
                StreamableHttpPostResponse::Sse(self.tap_stream(stream), session)
            }
            other => other,
        }
    }
}

/// rmcp's default limit on one server-sent event (its constant is crate-private).
fn default_max_sse_event_size() -> usize {
    StreamableHttpClientTransportConfig::default().max_sse_event_size
}

type Headers = HashMap<http::HeaderName, http::HeaderValue>;
type HttpResult<T> = Result<T, StreamableHttpError<reqwest::Error>>;

impl StreamableHttpClient for TapClient {
    type Error = reqwest::Error;

    /// Only reached if rmcp stops passing its size limit: the same, with rmcp's default limit.
    async fn post_message(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_header: Option<String>,
        custom_headers: Headers,
    ) -> HttpResult<StreamableHttpPostResponse> {
        let limit = default_max_sse_event_size();
        self.post_message_with_max_sse_event_size(
            uri,
            message,
            session_id,
            auth_header,
            custom_headers,
            limit,
        )
        .await
    }

    async fn post_message_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_header: Option<String>,
        custom_headers: Headers,
        max_sse_event_size: usize,
    ) -> HttpResult<StreamableHttpPostResponse> {
        let response = self
            .inner
            .post_message_with_max_sse_event_size(
                uri,
                message,
                session_id,
                auth_header,
                custom_headers,
                max_sse_event_size,
            )
            .await?;
        Ok(self.tap_response(response))
    }

    async fn delete_session(
        &self,
        uri: Arc<str>,
        session_id: Arc<str>,
        auth_header: Option<String>,
        custom_headers: Headers,
    ) -> HttpResult<()> {
        self.inner
            .delete_session(uri, session_id, auth_header, custom_headers)
            .await
    }

    /// Only reached if rmcp stops passing its size limit: the same, with rmcp's default limit.
    async fn get_stream(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_header: Option<String>,
        custom_headers: Headers,
    ) -> HttpResult<futures::stream::BoxStream<'static, Result<Sse, SseError>>> {
        let limit = default_max_sse_event_size();
        self.get_stream_with_max_sse_event_size(
            uri,
            session_id,
            last_event_id,
            auth_header,
            custom_headers,
            limit,
        )
        .await
    }

    async fn get_stream_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_header: Option<String>,
        custom_headers: Headers,
        max_sse_event_size: usize,
    ) -> HttpResult<futures::stream::BoxStream<'static, Result<Sse, SseError>>> {
        let stream = self
            .inner
            .get_stream_with_max_sse_event_size(
                uri,
                session_id,
                last_event_id,
                auth_header,
                custom_headers,
                max_sse_event_size,
            )
            .await?;
        Ok(self.tap_stream(stream))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_results_by_id_and_garbage_apart() {
        let tap = Tap::default();
        let mut reader = LineTap::new(tap.clone());
        reader.feed(b"garbage\n{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":[{\"name\":\"a\",\"x-vendor\":1}]}}");
        assert!(tap.take(&serde_json::json!(2)).is_none(), "no newline yet");
        reader.feed(b"\n");
        let raw = tap.take(&serde_json::json!(2)).unwrap();
        assert_eq!(raw.result["tools"][0]["x-vendor"], 1);
        assert!(!raw.lossy);
        assert_eq!(tap.garbage_lines(), (vec!["garbage".to_owned()], 1));
        reader.feed(b"no newline at the end");
        reader.finish();
        assert_eq!(tap.garbage_lines().1, 2);
    }
}
