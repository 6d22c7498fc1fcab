//! Forking soundly: the helpers every variant forks through. `fork` only
//! where it is sound (a single thread), a child that ends where its work
//! ends (`_exit`), and a bounded `waitpid` for every child. Python has no
//! such helpers: tutorials 003 and 004 call `os.fork()` and let both copies
//! run on.

use std::io::{self, Write};
use std::panic::AssertUnwindSafe;
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork};

/// How long any wait for a child may last before the lesson gives up on it.
/// Children here finish in milliseconds: this bound only matters if one is
/// stuck, and then the lesson reports it instead of hanging.
pub const WAIT_LIMIT: Duration = Duration::from_secs(10);

/// How often a bounded wait looks again.
pub const POLL: Duration = Duration::from_millis(1);

// ANCHOR: fork_checked
/// `fork()`, but only where it is sound: in a process with a single thread.
///
/// fork copies the whole memory of the process, but only the thread that
/// calls it. Had another thread been holding a lock at that moment (the
/// memory allocator's, stdout's, one of ours), the child would get the lock
/// locked, with no thread left to unlock it: its first `println!` or `Vec`
/// could wait forever. With one thread, no lock can be held by anyone else.
pub fn fork_single_threaded() -> Result<ForkResult, String> {
    let threads = thread_names().map_err(|err| format!("cannot count threads: {err}"))?;
    if threads.len() != 1 {
        // The child would get a copy of the calling thread only, and a lock
        // held by another thread would stay locked in the child forever.
        return Err(format!(
            "refusing to fork: {} threads ({}); the child would get only this one",
            threads.len(),
            threads.join(", ")
        ));
    }
    // SAFETY: the process has exactly one thread (checked just above; only
    // this thread could start another, and it is busy here), so no other
    // thread can be holding a lock or be half-way through changing memory.
    // The child starts from a consistent copy and may call any function, not
    // only the async-signal-safe ones that a multi-threaded parent's child is
    // limited to.
    unsafe { fork() }.map_err(|errno| format!("fork failed: {errno}"))
}

/// What every variant calls: flush, check, fork; or stop with the reason.
pub fn fork_checked() -> ForkResult {
    // Text that print! left in stdout's buffer would be copied into the
    // child and printed by both processes (variant `flush` shows it).
    io::stdout().flush().ok();
    fork_single_threaded().unwrap_or_else(|why| stop(&why))
}

/// Ends the lesson with a message, in the process that could not fork.
pub fn stop(why: &str) -> ! {
    eprintln!("error: {why}");
    std::process::exit(1);
}
// ANCHOR_END: fork_checked

// ANCHOR: run_child
/// Runs `work` in a forked child, then ends the child right there with
/// `_exit` and the exit status that `work` returned.
///
/// The child must never return from here: everything after the fork in the
/// caller (the rest of the variant, the rest of `main`) is the parent's code,
/// and would run a second time. Not even a panic may unwind out.
pub fn run_child(work: impl FnOnce() -> i32) -> ! {
    let status = std::panic::catch_unwind(AssertUnwindSafe(work)).unwrap_or(101);
    // _exit writes nothing out for us: flush what the child printed.
    io::stdout().flush().ok();
    // Python: os._exit(status)
    // Unlike std::process::exit, _exit runs no exit handlers (C's atexit,
    // stdio buffers) that the child inherited from the parent, so nothing
    // the parent set up is flushed or cleaned up twice; like it, _exit runs
    // no Rust destructors, so a value both processes own (a temp file
    // guard, a shared-memory owner) is dropped by the parent alone.
    // SAFETY: _exit has no preconditions (it is unsafe only because it is a
    // C function); it is async-signal-safe and never returns.
    unsafe { nix::libc::_exit(status) }
}
// ANCHOR_END: run_child

// ANCHOR: reap
/// Waits for `child` to end and collects its exit status (Python:
/// `os.waitpid(pid, 0)`); that also lets the kernel forget the child.
///
/// The wait is bounded: a child still running after `WAIT_LIMIT` is killed
/// and reaped, and the answer says so. The lesson never hangs on a child.
pub fn reap(child: Pid) -> String {
    let give_up = Instant::now() + WAIT_LIMIT;
    loop {
        match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) if Instant::now() < give_up => thread::sleep(POLL),
            Ok(WaitStatus::StillAlive) => {
                kill(child, Signal::SIGKILL).ok();
                // SIGKILL cannot be ignored: this wait returns at once.
                waitpid(child, None).ok();
                return format!("did not end within {WAIT_LIMIT:?} and was killed");
            }
            Ok(status) => return describe(status),
            Err(errno) => return format!("could not be waited for: {errno}"),
        }
    }
}

/// How a child ended, in words.
pub fn describe(status: WaitStatus) -> String {
    match status {
        WaitStatus::Exited(_, code) => format!("exited with status {code}"),
        WaitStatus::Signaled(_, signal, _) => format!("was killed by {signal:?}"),
        other => format!("changed state: {other:?}"),
    }
}
// ANCHOR_END: reap

// ANCHOR: thread_names
/// The names of this process's threads, as the OS lists them, main first.
#[cfg(target_os = "linux")]
pub fn thread_names() -> io::Result<Vec<String>> {
    // Linux: one directory per thread under /proc/self/task.
    Ok(shared::os::threads()?.into_iter().map(|t| t.name).collect())
}
// ANCHOR_END: thread_names

// Elsewhere (macOS), `ps -M` counts the threads: see not_linux.rs.
#[cfg(not(target_os = "linux"))]
pub use crate::not_linux::thread_names;
