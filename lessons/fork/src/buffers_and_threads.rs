//! What fork copies that it should not: text still in stdout's buffer,
//! printed twice, and the one thread that called it, which is why `fork` is
//! refused while a second thread runs. Not programs of the tutorials: the
//! pitfalls that their `os.fork()` programs walk past.

use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

use nix::unistd::{ForkResult, getpid};
use shared::say;

use crate::safe_fork::{
    WAIT_LIMIT, fork_checked, fork_single_threaded, reap, run_child, stop, thread_names,
};

// ANCHOR: flush
pub fn flush() {
    println!("1. print! without a newline, then fork:");
    print!("before the fork | "); // Python: print('before the fork', end=' | ')
    // No flush: the text is still in this process's stdout buffer, and fork
    // copies the buffer along with everything else.
    match fork_single_threaded().unwrap_or_else(|why| stop(&why)) {
        ForkResult::Child => run_child(|| {
            println!("child");
            0
        }),
        ForkResult::Parent { child } => {
            reap(child); // the child prints first: its line is out before ours
            println!("parent");
        }
    }

    println!("2. the same, with stdout flushed before the fork:");
    print!("before the fork | ");
    match fork_checked() {
        // fork_checked flushed: the buffer was empty when it was copied.
        ForkResult::Child => run_child(|| {
            println!("child");
            0
        }),
        ForkResult::Parent { child } => {
            reap(child);
            println!("parent");
        }
    }
}
// ANCHOR_END: flush

// ANCHOR: threads
pub fn threads() {
    let (started_tx, started_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let helper = thread::Builder::new()
        .name("helper".into())
        .spawn(move || {
            started_tx.send(()).ok(); // by now the thread carries its name
            stop_rx.recv().ok(); // runs until main drops stop_tx
        })
        .expect("the OS refused to start a thread");
    started_rx
        .recv_timeout(WAIT_LIMIT)
        .expect("the helper thread did not start");
    say!("main: started a thread; threads: {}", thread_names_line());

    match fork_single_threaded() {
        Err(why) => say!("main: {why}"),
        Ok(ForkResult::Child) => run_child(|| 0),
        Ok(ForkResult::Parent { child }) => {
            say!("main: forked?! the child pid {child} {}", reap(child))
        }
    }

    // Starting a *new program* is safe with any number of threads: Command
    // uses posix_spawn, or fork immediately followed by exec with only
    // async-signal-safe calls in between (lesson `process` builds on it).
    let exe = std::env::current_exe().expect("the path of this program");
    let started = Command::new(exe)
        .arg("--help")
        .stdout(Stdio::null())
        .status();
    match started {
        Ok(status) => say!("main: Command ran this program's --help meanwhile: {status}"),
        Err(err) => say!("main: Command failed: {err}"),
    }

    drop(stop_tx); // a thread cannot be stopped from outside: ask it to end
    helper.join().expect("helper panicked");
    // join returns as the thread hands back its result; the kernel removes
    // the thread a moment later: wait (a few seconds at most) until it has.
    shared::os::thread_count_settling_at(1).ok();
    say!("main: helper joined; threads: {}", thread_names_line());

    match fork_checked() {
        ForkResult::Child => run_child(|| {
            say!(
                "child: pid {}, forked from a single-threaded process",
                getpid()
            );
            0
        }),
        ForkResult::Parent { child } => {
            say!("main: the child pid {child} {}", reap(child))
        }
    }
}
// ANCHOR_END: threads

// ANCHOR: threads_helpers
fn thread_names_line() -> String {
    thread_names().map_or_else(|err| format!("unknown ({err})"), |names| names.join(", "))
}
// ANCHOR_END: threads_helpers
