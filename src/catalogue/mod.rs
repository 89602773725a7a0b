//! The catalogue: MCP servers and their tools, as a catalogue file states them.
//!
//! [`load`] reads a content folder (JSON Lines files and one JSON file per server under
//! `servers/`) into a [`Catalogue`], collecting every [`Problem`] with its file, line, server
//! and tool instead of stopping at the first. [`schema`] turns a tool's `inputSchema` into the
//! flat parameter rows a page shows. [`lint()`] finds defects in data that loads.

mod fields;
pub mod front_matter;
pub mod lint;
mod load;
mod model;
mod problem;
pub mod schema;

pub use lint::lint;
pub use load::{load, load_str, Loaded, SourceFormat};
pub use model::{Annotations, Catalogue, JsonObject, Origin, Server, Tool};
pub use problem::{Problem, Severity};
