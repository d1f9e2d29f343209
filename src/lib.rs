//! awesh: the shell-prompt context tool. The library holds everything; `main.rs` only parses
//! arguments and maps the result to an exit code, so tests and benches call the same code.

pub mod agent;
pub mod cli;
pub mod cli_fast;
pub mod cmd;
pub mod config;
pub mod env;
pub mod io;
pub mod name;
pub mod pipeline;
pub mod render;
pub mod segment;
pub mod serve;
pub mod shell;
