//! The integration tests, one binary with a module per suite (mdBook's `tests/testsuite`):
//! each drives the real `shortlist` binary, or the library, on real files.

mod common;

mod audience;
mod browser;
mod build;
mod debrief;
mod disclosure;
mod errors;
mod fuzz;
mod incremental;
mod nginx;
mod output;
mod properties;
mod publish;
mod release;
mod render;
mod serve;
mod validator;
mod watch;
