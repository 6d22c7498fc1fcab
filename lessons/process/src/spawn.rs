//! Starting this same program again as a worker: the port of Python's
//! `multiprocessing.Process(target=..., args=(...))` with the "spawn" start
//! method, which every program of this lesson uses (tutorials 000, 001, 003
//! and 004). The child's `main` finds its role and runs it (see `main.rs`).

use std::process::{Child, Command};
use std::str::FromStr;

use shared::worker::ROLE_VAR;

// ANCHOR: process
/// Python: `mp.Process(target=..., args=(...))`, spawn start method.
///
/// The child is this same program, started afresh: the role in its
/// environment picks the function (see `main`), and the arguments travel as
/// strings on its command line. `spawn()` starts it (Python: `p.start()`).
pub fn process(role: &str, args: &[&str]) -> Command {
    let exe = std::env::current_exe().expect("the path of this program");
    let mut command = Command::new(exe);
    command.env(ROLE_VAR, role).args(args);
    command
}

/// `process(role, args)`, started. Its stdin, stdout and stderr are ours.
pub fn start_worker(role: &str, args: &[&str]) -> Child {
    process(role, args)
        .spawn()
        .expect("the OS refused to start a process")
}
// ANCHOR_END: process

// ANCHOR: arguments
/// An argument that crossed as text, read back as a number.
pub fn number<T: FromStr>(text: &str) -> T {
    text.parse()
        .unwrap_or_else(|_| panic!("expected a number, got {text:?}"))
}

/// Python's `kwargs`: the value that follows `--<name>` among the arguments.
pub fn keyword<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    let at = args.iter().position(|arg| arg == flag)?;
    args.get(at + 1).map(String::as_str)
}
// ANCHOR_END: arguments
