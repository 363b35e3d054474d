//! wxpress: compile Markdown posts into WeChat Official Account articles.
//!
//! Data flows one way: `config` + `content` → [`site::Site`] → `render` →
//! `check` → `build` (or `serve`, `publish`). Each stage is a plain function from
//! data to data; problems are collected as [`diagnostic::Diagnostic`]s.

// Diagnostics are the error type throughout and the error path is cold; boxing
// every one to please this lint would only add noise.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod check;
pub mod config;
pub mod content;
pub mod diagnostic;
pub mod doctor;
pub mod images;
pub mod import;
pub mod init;
pub mod ledger;
pub mod output;
pub mod publish;
pub mod render;
pub mod rules;
pub mod sandbox;
pub mod schedule;
pub mod serve;
pub mod site;
pub mod stats;
pub mod wechat;
