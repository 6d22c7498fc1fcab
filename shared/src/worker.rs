//! Starting this same program again as a worker process.
//!
//! Python's `multiprocessing` (with the "spawn" start method) starts a fresh
//! interpreter and tells it which function to run. A Rust program does the
//! same by starting its own executable again with a *role* in an environment
//! variable. A lesson's `main` asks for the role first:
//!
//! ```no_run
//! # fn worker(role: &str) -> std::process::ExitCode { std::process::ExitCode::SUCCESS }
//! fn main() -> std::process::ExitCode {
//!     if let Some(role) = shared::worker::role() {
//!         return worker(&role); // started by `shared::worker::command(role)`
//!     }
//!     // ... otherwise the lesson as a learner runs it
//! #   std::process::ExitCode::SUCCESS
//! }
//! ```

use std::process::Command;

/// The environment variable that carries a worker's role.
pub const ROLE_VAR: &str = "LESSON_WORKER";

/// The role this process was started in, if it was started as a worker.
pub fn role() -> Option<String> {
    std::env::var(ROLE_VAR).ok()
}

/// A command that starts this same program again as a worker in `role`.
/// Add arguments, pipes and so on as with any `Command`, then spawn it.
pub fn command(role: &str) -> Command {
    let exe = std::env::current_exe().expect("the path of this program");
    let mut command = Command::new(exe);
    command.env(ROLE_VAR, role);
    command
}
