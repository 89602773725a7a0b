//! toolpages: a static site generator for MCP tool pages.
//!
//! Data flows one way: [`catalogue`] loads servers and tools → [`analysis`] classifies each
//! tool ([`classify`]) and decides its sample policy ([`policy`]) → [`site`] plans every page,
//! renders it with MiniJinja and writes it. [`import`] adds servers to the catalogue from
//! the servers themselves; [`catalogue::lint()`] finds defects in the data.

pub mod analysis;
pub mod catalogue;
pub mod check;
pub mod classify;
pub mod files;
pub mod import;
pub mod policy;
pub mod serve;
pub mod site;
