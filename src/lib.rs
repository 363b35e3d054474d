//! wxpress: compile Markdown posts into WeChat Official Account articles.
//!
//! Data flows one way: `config` + `content` → [`site::Site`] → `render` →
//! `check` → `build` (or `serve`, `publish`). Each stage is a plain function from
//! data to data; problems are collected as [`diagnostic::Diagnostic`]s.

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod init;
pub mod render;
pub mod serve;
pub mod site;
