//! The tutorial's own programs against the Rust sides: `python/taskworker.py`
//! and `python/taskmanager.py`, unmodified `BaseManager` programs, with the
//! Rust manager and the Rust worker. Their handshake and their pickled
//! method calls are Python's own.
//!
//! Each test runs with every Python found: `python3` (Python 3.11 speaks the
//! legacy HMAC-MD5 form and pickle protocol 4, 3.12 and later the `{sha256}`
//! form, 3.14 pickle protocol 5), and `python3.12`, `python3.13`,
//! `python3.14` where those run. Without any Python, the tests say so and
//! pass, except in CI (`CI` set), where a missing Python is a failure.

mod common;

use std::os::unix::process::CommandExt;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{
    PATIENCE, Running, assert_every_result_exactly_once, assert_success, start_manager,
    start_worker,
};
use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// The tutorial's worker (`BaseManager`, `register('get_task_queue')`,
/// `authkey=b'abc'`), written again; the book shows it.
const TASKWORKER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/taskworker.py");

/// The tutorial's manager: ten random numbers out, ten squares back.
const TASKMANAGER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/taskmanager.py");

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

    /// `taskworker.py ADDRESS PAUSE`, with `key` as its authkey.
    fn worker(&self, name: &str, address: &str, pause: &str, key: &str) -> Running {
        let mut command = Command::new(self.command);
        command
            .args([TASKWORKER, address, pause])
            .env("LESSON_AUTHKEY", key);
        Running::spawn(name, command)
    }

    /// `taskmanager.py` on a free port, with `key` as its authkey, in a
    /// process group of its own: its server process is in it too.
    fn manager(&self, key: &str) -> Group {
        let mut command = Command::new(self.command);
        command
            .args([TASKMANAGER, "127.0.0.1:0"])
            .env("LESSON_AUTHKEY", key)
            .process_group(0);
        let running = Running::spawn("python manager", command);
        Group(running.pid(), Some(running))
    }
}

/// A Python manager and the processes it started. Whatever happens, they
/// are all killed at the end (the server process too, which killing the
/// manager alone would leave behind).
struct Group(i32, Option<Running>);

impl Group {
    fn running(&mut self) -> &mut Running {
        self.1.as_mut().expect("not finished")
    }

    /// Waits for the manager to end, then checks that its server process
    /// ended too: nothing is left in its group.
    fn finish(&mut self) -> (Option<std::process::ExitStatus>, Vec<String>, String) {
        let outcome = self.1.take().expect("not finished").finish(PATIENCE);
        let deadline = Instant::now() + Duration::from_secs(5);
        while killpg(Pid::from_raw(self.0), None) != Err(Errno::ESRCH) {
            assert!(
                Instant::now() < deadline,
                "the Python manager left a process behind"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        outcome
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        killpg(Pid::from_raw(self.0), Signal::SIGKILL).ok();
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
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must check against Python: install python3"
        );
        println!("skipped: no python3 here to check against");
    }
    for python in &found {
        let (major, minor) = python.version;
        println!("checking against {} ({major}.{minor})", python.command);
    }
    found
}

/// Two unmodified `taskworker.py` share the Rust manager's job: their
/// pickled `get` and `put` are served, each text result is matched to the
/// task its worker holds, and every result is there exactly once.
#[test]
fn python_s_own_workers_serve_the_rust_manager() {
    for python in pythons() {
        let (mut manager, address) = start_manager("abc", 8, 5);
        let address = address.to_string();
        let workers = [
            python.worker("python 1", &address, "0.05", "abc"),
            python.worker("python 2", &address, "0.05", "abc"),
        ];
        let mut done = 0;
        for worker in workers {
            let outcome = worker.finish(PATIENCE);
            assert_success(&outcome);
            let lines = outcome.1;
            assert_eq!(lines.last().map(String::as_str), Some("worker exit."));
            done += lines.iter().filter(|l| l.starts_with("run task ")).count();
        }
        assert_eq!(done, 8, "each task ran once");
        let authenticated = manager.wait_for(" authenticated ");
        assert!(
            authenticated.ends_with(python.form()),
            "{}: {authenticated}",
            python.command
        );
        let outcome = manager.finish(PATIENCE);
        assert_success(&outcome);
        let lines = outcome.1;
        assert_every_result_exactly_once(&lines);
        for call in ["dummy()", "create('get_task_queue')", "accept_connection("] {
            assert!(
                lines.iter().any(|l| l.contains(call)),
                "{call}:\n{}",
                lines.join("\n")
            );
        }
    }
}

/// The Rust worker does the unmodified `taskmanager.py`'s job: ten numbers
/// out, ten squares back as the tutorial's text, each exactly once; then the
/// manager shuts down, the worker sees it go, and no process is left.
#[test]
fn the_rust_worker_serves_python_s_own_manager() {
    for python in pythons() {
        let mut manager = python.manager("abc");
        let address = manager.running().address();
        let address = address.to_string();
        let args = [
            "worker",
            "--connect",
            &address,
            "--python-manager",
            "--pause",
            "0",
        ];
        let worker = Running::start("worker", &args, Some("abc"));
        let outcome = worker.finish(PATIENCE);
        assert_success(&outcome);
        let lines = outcome.1;
        let connected = lines
            .iter()
            .find(|l| l.starts_with("worker: connected"))
            .expect("a connected line");
        assert!(
            connected.ends_with(python.form()),
            "{}: {connected}",
            python.command
        );
        let ran = lines.iter().filter(|l| l.starts_with("worker: run task"));
        assert_eq!(ran.count(), 10);
        assert!(lines.contains(&"worker: the manager has shut down.".to_owned()));

        let outcome = manager.finish();
        assert_success(&outcome);
        assert_every_result_exactly_once(&outcome.1);
        assert_eq!(outcome.1.last().map(String::as_str), Some("manager exit."));
    }
}

/// One Python worker and one Rust worker in the same job, at the Rust
/// manager: a pickle speaker and a JSON speaker on one queue. The Rust worker
/// takes a task and works on it for 10 s; meanwhile the Python worker takes
/// the others, however slowly it starts.
#[test]
fn python_and_rust_workers_share_one_job() {
    let Some(python) = pythons().into_iter().next() else {
        return;
    };
    let (manager, address) = start_manager("abc", 4, 6);
    let mut rust_worker = start_worker("rust", address, "abc", "10");
    rust_worker.wait_for("rust: run task ");
    let mut python_worker = python.worker("python", &address.to_string(), "0", "abc");
    python_worker.wait_for("run task ");

    let python_lines = python_worker.finish(PATIENCE);
    assert_success(&python_lines);
    let rust_lines = rust_worker.finish(PATIENCE);
    assert_success(&rust_lines);
    let by_python = python_lines.1.iter().filter(|l| l.starts_with("run task "));
    let by_rust = (rust_lines.1.iter()).filter(|l| l.starts_with("rust: run task "));
    assert_eq!(by_python.count() + by_rust.count(), 4);
    let outcome = manager.finish(PATIENCE);
    assert_success(&outcome);
    assert_every_result_exactly_once(&outcome.1);
}

/// A Python worker killed while it holds a task: its connection breaks, the
/// task goes back on the queue, a Rust worker does it, exactly once. (With
/// Python's own manager, that task would be lost.)
#[test]
fn a_python_worker_killed_mid_task_loses_nothing() {
    let Some(python) = pythons().into_iter().next() else {
        return;
    };
    let (mut manager, address) = start_manager("abc", 3, 7);
    let mut victim = python.worker("victim", &address.to_string(), "30", "abc");
    let taken = victim.wait_for("run task ");
    victim.signal(Signal::SIGKILL);
    victim.finish(PATIENCE);
    let n = taken.split(' ').nth(2).expect("run task N * N...");
    let back = manager.wait_for("goes back on the queue");
    assert!(back.contains(&format!("(n = {n})")), "{back}");

    let rescuer = start_worker("rescuer", address, "abc", "0");
    let outcome = rescuer.finish(PATIENCE);
    assert_success(&outcome);
    assert!(
        outcome
            .1
            .contains(&format!("rescuer: run task {n} * {n}..."))
    );
    let outcome = manager.finish(PATIENCE);
    assert_success(&outcome);
    assert_every_result_exactly_once(&outcome.1);
}

/// A client that knows the key sends what `pickle.loads` would obey: a call
/// of `os.system` (protocols 4 and 0), 3,000 nested tuples, a `shutdown`, a `get` on an object
/// that does not exist, and JSON's worst, half a pickle. Each is refused with
/// a reason, nothing runs, and the manager goes on to complete its job.
#[test]
fn hostile_pickles_from_a_client_with_the_key_are_refused() {
    let Some(python) = pythons().into_iter().next() else {
        return;
    };
    let (mut manager, address) = start_manager("abc", 2, 8);
    let marker = std::env::temp_dir().join(format!("pwned-{}", std::process::id()));
    let script = r#"
import os, pickle, sys
from multiprocessing.connection import Client
host, port = sys.argv[1].rsplit(":", 1)
marker = sys.argv[2]
class Attack:
    def __reduce__(self):
        return (os.system, ("touch " + marker,))
attacks = [
    pickle.dumps(Attack(), protocol=4),
    b"cos\nsystem\n(S'touch " + marker.encode() + b"'\ntR.",
    b"\x80\x04)" + b"\x85" * 3000 + b".",
    b"\x80\x04(N\x8c\x08shutdown)}t.",
    b"\x80\x04(\x8c\x04nope\x8c\x03get)}t.",
    b"\x80\x04(N\x8c\x06incref\x8c\x04nope\x85}t.",
    b"\x80\x04(N\x8c\x05dummy",
]
for attack in attacks:
    conn = Client((host, int(port)), authkey=b"abc")
    conn.send_bytes(attack)
    try:
        print("answered:", conn.recv_bytes()[:60], flush=True)
    except EOFError:
        print("closed", flush=True)
"#;
    let mut command = Command::new(python.command);
    command.args([
        "-c",
        script,
        &address.to_string(),
        &marker.to_string_lossy(),
    ]);
    let outcome = Running::spawn("attacker", command).finish(PATIENCE);
    assert_success(&outcome);
    let reasons = [
        "the class posix.system (only _queue.Empty is allowed)",
        // Protocol 0 does not start as a pickle: it is not JSON either.
        "expected value at line 1 column 1",
        "values nested more than 16 deep",
        "shutdown() is not served here",
        "get() is not served here",
        "incref('nope') is not served here",
        "the pickle ends too soon",
    ];
    // Each connection's thread says why it dropped its client, in any order.
    let refusals: Vec<String> = reasons
        .iter()
        .map(|_| manager.wait_for("lost the worker at"))
        .collect();
    for why in reasons {
        assert!(
            refusals.iter().any(|r| r.contains(why)),
            "{why}:\n{}",
            refusals.join("\n")
        );
    }
    // `shutdown`, `get` and `incref` were told why, as a RemoteError's text.
    let answered = outcome.1.iter().filter(|l| l.contains("#TRACEBACK"));
    assert_eq!(answered.count(), 3, "{:?}", outcome.1);
    assert!(!marker.exists(), "os.system ran");

    let worker = start_worker("worker", address, "abc", "0");
    assert_success(&worker.finish(PATIENCE));
    let outcome = manager.finish(PATIENCE);
    assert_success(&outcome);
    assert_every_result_exactly_once(&outcome.1);
}

/// A wrong key is refused both ways: Python's manager refuses the Rust
/// worker, the Rust manager refuses Python's worker (which raises
/// `AuthenticationError`), and then serves a worker with the right key.
#[test]
fn wrong_keys_are_refused_between_python_and_rust() {
    for python in pythons() {
        // A Rust worker with the wrong key, at Python's manager, which then
        // gives up waiting for results (10 s, as in the tutorial) and shuts
        // its server down.
        let mut manager = python.manager("right");
        let address = manager.running().address().to_string();
        let args = ["worker", "--connect", &address, "--python-manager"];
        let worker = Running::start("worker", &args, Some("wrong"));
        let (status, _, stderr) = worker.finish(PATIENCE);
        assert_eq!(status.and_then(|s| s.code()), Some(1), "{stderr}");
        assert!(
            stderr.contains("our authkey is not its authkey"),
            "{stderr}"
        );
        let (status, _, stderr) = manager.finish();
        assert_eq!(status.and_then(|s| s.code()), Some(1), "{stderr}");
        assert!(stderr.contains("_queue.Empty"), "{stderr}");

        // Python's worker with the wrong key, at the Rust manager, which
        // then goes on serving a worker with the right key.
        let (mut manager, address) = start_manager("right", 2, 9);
        let intruder = python.worker("python", &address.to_string(), "0", "wrong");
        let (status, _, stderr) = intruder.finish(PATIENCE);
        assert_eq!(status.and_then(|s| s.code()), Some(1));
        assert!(stderr.contains("AuthenticationError"), "{stderr}");
        manager.wait_for("it does not know our authkey");
        let worker = start_worker("worker", address, "right", "0");
        let (status, _, stderr) = worker.finish(PATIENCE);
        assert!(status.is_some_and(|s| s.success()), "{stderr}");
        let (status, lines, _) = manager.finish(PATIENCE);
        assert!(status.is_some_and(|s| s.success()));
        assert_every_result_exactly_once(&lines);
    }
}
