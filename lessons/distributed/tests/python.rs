//! The handshake against Python's own `multiprocessing.connection`: a Python
//! `Client` authenticates with the Rust manager and does its tasks; the Rust
//! worker authenticates with a Python `Listener` and does its tasks; wrong
//! keys are refused both ways.
//!
//! Each test runs with every Python found: `python3` (Python 3.11 speaks the
//! legacy HMAC-MD5 form, 3.12 and later the `{sha256}` form), and
//! `python3.12`, `python3.13`, `python3.14` where those run. Without any
//! Python, the tests say so and pass.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{
    PATIENCE, Running, assert_every_result_exactly_once, start_manager, start_worker,
};

/// A Python worker for the Rust manager, written against the lesson's
/// protocol: after the handshake, JSON messages in the same frames. The book
/// shows this file, and a reader can run it.
const PYTHON_WORKER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/worker.py");

/// A Python manager for the Rust worker: a `Listener` that hands out two
/// tasks, prints the results, and says `Finished`.
const PYTHON_MANAGER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/manager.py");

/// A Python interpreter that runs, and the handshake form it speaks.
struct Python {
    command: &'static str,
    version: (u32, u32),
}

impl Python {
    /// What the Rust side reports for this Python's handshake.
    fn form(&self) -> &'static str {
        if self.version >= (3, 12) {
            "(HMAC-SHA256)"
        } else {
            "(legacy HMAC-MD5)"
        }
    }

    /// Runs `script` with `args`, and the authkey `key` in its environment.
    fn run(&self, name: &str, script: &str, args: &[&str], key: &str) -> Running {
        let mut command = Command::new(self.command);
        command.arg(script).args(args).env("LESSON_AUTHKEY", key);
        Running::spawn(name, command)
    }
}

/// Every Python 3 that runs here, one per version.
fn pythons() -> Vec<Python> {
    let mut found: Vec<Python> = Vec::new();
    for command in ["python3", "python3.12", "python3.13", "python3.14"] {
        let Ok(output) = Command::new(command)
            .args(["-c", "import sys; print(*sys.version_info[:2])"])
            .output()
        else {
            continue;
        };
        let text = String::from_utf8_lossy(&output.stdout);
        let mut numbers = text.split_whitespace().filter_map(|n| n.parse().ok());
        let (Some(major), Some(minor)) = (numbers.next(), numbers.next()) else {
            continue;
        };
        if output.status.success() && !found.iter().any(|p| p.version == (major, minor)) {
            found.push(Python {
                command,
                version: (major, minor),
            });
        }
    }
    if found.is_empty() {
        println!("skipped: no python3 here to check the handshake against");
    }
    for python in &found {
        let (major, minor) = python.version;
        println!("checking against {} ({major}.{minor})", python.command);
    }
    found
}

/// Python's `Client` passes the Rust manager's challenge, and the Rust
/// manager passes Python's; then the Python worker does every task.
#[test]
fn a_python_worker_serves_the_rust_manager() {
    for python in pythons() {
        let (mut manager, address) = start_manager("secret", 3, 8);
        let worker = python.run(
            "python worker",
            PYTHON_WORKER,
            &[&address.to_string()],
            "secret",
        );
        let (status, lines, stderr) = worker.finish(PATIENCE);
        assert!(
            status.is_some_and(|s| s.success()),
            "{}: {stderr}\n{}",
            python.command,
            lines.join("\n")
        );
        assert!(lines.contains(&"python: worker exit".to_owned()));
        let authenticated = manager.wait_for(" authenticated ");
        assert!(
            authenticated.ends_with(python.form()),
            "{}: {authenticated}",
            python.command
        );
        let (status, lines, stderr) = manager.finish(PATIENCE);
        assert!(status.is_some_and(|s| s.success()), "{stderr}");
        assert_every_result_exactly_once(&lines);
    }
}

/// The Rust worker passes a Python `Listener`'s challenge, and the Listener
/// passes the worker's; then the worker does the Python manager's tasks.
#[test]
fn the_rust_worker_serves_a_python_manager() {
    for python in pythons() {
        let mut manager = python.run("python manager", PYTHON_MANAGER, &[], "secret");
        let address = manager.address();
        let worker = start_worker("worker", address, "secret", "0");
        let (status, lines, stderr) = worker.finish(PATIENCE);
        assert!(status.is_some_and(|s| s.success()), "{stderr}");
        let connected = lines
            .iter()
            .find(|l| l.starts_with("worker: connected"))
            .expect("a connected line");
        assert!(
            connected.ends_with(python.form()),
            "{}: {connected}",
            python.command
        );
        let (status, lines, stderr) = manager.finish(PATIENCE);
        assert!(status.is_some_and(|s| s.success()), "{stderr}");
        for result in ["python: result 12 144", "python: result 345 119025"] {
            assert!(lines.contains(&result.to_owned()), "{}", lines.join("\n"));
        }
    }
}

/// A wrong key is refused both ways: Python refuses the Rust worker, the
/// Rust manager refuses the Python worker, each with a clear message.
#[test]
fn wrong_keys_are_refused_between_python_and_rust() {
    for python in pythons() {
        // A Rust worker with the wrong key, at a Python Listener.
        let mut manager = python.run("python manager", PYTHON_MANAGER, &[], "right");
        let address = manager.address();
        let worker = start_worker("worker", address, "wrong", "0");
        let (status, _, stderr) = worker.finish(PATIENCE);
        assert_eq!(status.and_then(|s| s.code()), Some(1), "{stderr}");
        assert!(
            stderr.contains("our authkey is not its authkey"),
            "{stderr}"
        );
        let (status, lines, _) = manager.finish(PATIENCE);
        assert_eq!(status.and_then(|s| s.code()), Some(3));
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("python: refused: AuthenticationError")),
            "{}",
            lines.join("\n")
        );

        // A Python Client with the wrong key, at the Rust manager, which
        // then goes on serving a worker with the right key.
        let (mut manager, address) = start_manager("right", 2, 9);
        let intruder = python.run(
            "python worker",
            PYTHON_WORKER,
            &[&address.to_string()],
            "wrong",
        );
        let (status, lines, _) = intruder.finish(PATIENCE);
        assert_eq!(status.and_then(|s| s.code()), Some(3));
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("python: refused: AuthenticationError")),
            "{}",
            lines.join("\n")
        );
        manager.wait_for("it does not know our authkey");
        let worker = start_worker("worker", address, "right", "0");
        let (status, _, stderr) = worker.finish(PATIENCE);
        assert!(status.is_some_and(|s| s.success()), "{stderr}");
        let (status, lines, _) = manager.finish(Duration::from_secs(30));
        assert!(status.is_some_and(|s| s.success()));
        assert_every_result_exactly_once(&lines);
    }
}
