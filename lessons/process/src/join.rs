//! Waiting for a child: Python's `p.join()` and `p.join(timeout)`, as
//! tutorial 004 describes them from the documentation, including "a process
//! cannot join itself".

use std::io::{BufRead, Write};
use std::process::{Child, ExitStatus, Stdio, id as getpid};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::wait::{WaitPidFlag, waitpid};
use nix::unistd::Pid;
use shared::say;

use crate::spawn::{process, start_worker};

// ANCHOR: join
/// The longest the lesson waits for any child before giving up on it.
pub const JOIN_LIMIT: Duration = Duration::from_secs(20);

/// Python: `p.join(timeout)`; `None` if the child is still running.
///
/// `Child::wait` has no timeout and `Child::try_wait` does not wait at all,
/// so a timed wait asks `try_wait` again and again, pausing a little longer
/// each time (50 µs at first, at most 5 ms), until the child has ended or
/// the time is up.
pub fn join_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_micros(50);
    loop {
        if let Some(status) = child.try_wait().expect("ask about a child") {
            return Some(status);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        thread::sleep(pause.min(left));
        pause = (pause * 2).min(Duration::from_millis(5));
    }
}

/// Python: `p.join()`. With a limit all the same: a stuck child is reported
/// and killed, so the lesson can never hang on one.
pub fn join(child: &mut Child) -> ExitStatus {
    if let Some(status) = join_timeout(child, JOIN_LIMIT) {
        return status;
    }
    eprintln!(
        "error: child pid {} still running after {JOIN_LIMIT:?}: killing it",
        child.id()
    );
    child.kill().ok();
    // SIGKILL cannot be caught or ignored: this wait ends.
    child.wait().expect("wait for a killed child")
}
// ANCHOR_END: join

// ANCHOR: go
/// Blocks until main writes "go" on this process's stdin; false if main
/// closed the pipe instead (or died, which closes it too).
pub fn wait_for_go() -> bool {
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    read.is_ok() && line.trim() == "go"
}

/// Writes "go" to a child started with a piped stdin, and closes the pipe.
pub fn tell_go(child: &mut Child) {
    let mut stdin = child.stdin.take().expect("the child's stdin is a pipe");
    stdin.write_all(b"go\n").ok(); // a child that has died cannot read it: fine
}
// ANCHOR_END: go

// ANCHOR: join_timeout
pub fn wait_for_go_then_finish() {
    if wait_for_go() {
        say!("worker: main said go; finishing");
    }
}

pub fn join_timeout_demo() {
    let mut p = process("wait-for-go", &[])
        .stdin(Stdio::piped())
        .spawn()
        .expect("start the worker"); // Python: p.start()
    say!("main: started a worker that finishes only when main says go");

    let began = Instant::now();
    let status = join_timeout(&mut p, Duration::from_millis(200)); // Python: p.join(0.2)
    say!("join(timeout=0.2) returned after {:.2?}", began.elapsed());
    say!("exit status so far: {}", shown(status)); // Python: p.exitcode

    say!("main: go");
    tell_go(&mut p);
    let status = join(&mut p); // Python: p.join()
    say!("join() returned: {status}");
    let again = join(&mut p); // Python: a process may be joined many times
    say!("join() again: {again}");
}

/// An exit status, or what Python's `p.exitcode = None` means.
fn shown(status: Option<ExitStatus>) -> String {
    status.map_or_else(|| "none, still running".to_owned(), |s| s.to_string())
}
// ANCHOR_END: join_timeout

// ANCHOR: join_self
/// Python: `current_process().join()` raises "can only join a child process".
/// Rust has no handle to write that with: a `Child` comes only from
/// `Command::spawn`. The system call under every join refuses it too.
pub fn join_self() {
    let me = Pid::this();
    say!("main: pid {me} waits for itself: {}", waitpid_answer(me));
    let mut child = start_worker("wait-for-parent", &[]);
    let status = join(&mut child);
    say!("main: the child pid {} ended: {status}", child.id());
}

/// The worker: asks to wait for its parent, a process it did not start.
pub fn wait_for_parent() {
    let parent = Pid::parent();
    say!(
        "child: pid {} waits for its parent pid {parent}: {}",
        getpid(),
        waitpid_answer(parent)
    );
}

/// What `waitpid` answers about `pid`. With WNOHANG it cannot block: were
/// `pid` our running child, the answer would be "still alive".
fn waitpid_answer(pid: Pid) -> String {
    match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
        Ok(status) => format!("{status:?}"),
        Err(errno) => errno.to_string(), // ECHILD: not a child of ours
    }
}
// ANCHOR_END: join_self
