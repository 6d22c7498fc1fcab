//! # A forked child must not come back
//!
//! Three children each add a line to a scratch file that the parent created;
//! the parent reaps them, prints the file, and its guard deletes the file at
//! the end of `main`. But each child's branch just ends, so the child carries
//! on with the parent's code after the `match`: it goes round the loop forking
//! children of its own, and ends `main` as the parent does, where its copy of
//! the guard deletes the parent's file. End each child where its work ends,
//! with `_exit` (Python: `os._exit(0)`).

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::PathBuf;

use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, Pid, fork, getpid, getppid};
use shared::say;

/// A file that is deleted when its guard is dropped, like the file of
/// Python's `tempfile.NamedTemporaryFile()`.
struct Scratch {
    path: PathBuf,
    owner: Pid,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let me = getpid();
        let who = if me == self.owner { "main" } else { "a child" };
        match std::fs::remove_file(&self.path) {
            Ok(()) => say!("{who} (pid {me}) deleted the scratch file"),
            Err(err) => say!("{who} (pid {me}) could not delete the scratch file: {err}"),
        }
    }
}

fn main() {
    let scratch = Scratch {
        path: std::env::temp_dir().join(format!("fork-exit_in_child-{}.txt", getpid())),
        owner: getpid(),
    };
    // Opened once, for appending: every child inherits this open file.
    let mut file = OpenOptions::new()
        .create_new(true)
        .append(true)
        .open(&scratch.path)
        .expect("create the scratch file");

    let mut workers = Vec::new();
    for n in 1..=3 {
        io::stdout().flush().ok();
        // SAFETY: this program starts no thread, so the child is a copy of a
        // single-threaded process: no lock can be held by a thread it lacks.
        match unsafe { fork() }.expect("fork failed") {
            ForkResult::Child => {
                let line =
                    format!("worker {n}: pid {}, parent pid {}\n", getpid(), getppid());
                // One write per line: the three children append to one file.
                file.write_all(line.as_bytes())
                    .expect("write to the scratch file");
                //~ // TODO: this child's work is done: end the process here.
                // ANCHOR: solution
                // Python: os._exit(0)
                // _exit runs nothing more: no code after the match, no
                // destructor (so the guard's copy here deletes nothing).
                // This child printed nothing, so no stdout buffer to flush.
                // SAFETY: _exit has no precondition; it ends this process here.
                unsafe { nix::libc::_exit(0) }
                // ANCHOR_END: solution
            }
            ForkResult::Parent { child } => workers.push(child),
        }
    }

    for child in &workers {
        waitpid(*child, None).expect("wait for a worker"); // Python: os.waitpid(pid, 0)
    }
    match std::fs::read_to_string(&scratch.path) {
        Ok(text) => {
            // The workers wrote in whatever order they ran: sort their lines.
            let mut lines: Vec<&str> = text.lines().collect();
            lines.sort();
            let reaped = workers.len();
            say!("main: reaped {reaped} workers; the scratch file says:");
            for line in lines {
                say!("  {line}");
            }
        }
        Err(err) => say!("main: cannot read the scratch file: {err}"),
    }
    // Here `scratch` is dropped: the file is deleted, once, by main.
}
