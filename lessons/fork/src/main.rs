//! fork: copying a process (Python's `os.fork()`).
//!
//! Python's `os.fork()` makes a copy of the running process: same memory,
//! same open files, same position in the program. Both copies return from
//! the call; the child gets 0, the parent the child's pid. Rust reaches the
//! same system call through `nix::unistd::fork`, and marks it `unsafe`: the
//! copy holds only the thread that called it, so the lesson checks that this
//! process has a single thread before every fork.
//!
//! Every child the lesson starts is waited for (reaped) before the lesson
//! ends, and every wait has a deadline: nothing is left behind, and a stuck
//! child cannot hang the lesson.
//!
//! This file is the table of contents: the variants in course order. Each
//! idea has a module of its own.

// fork(2) is a Unix system call: Windows has no way to copy a running process.
#[cfg(not(unix))]
compile_error!(
    "lesson-fork needs fork(2), which only Unix systems have (Linux and macOS). \
     On Windows, see lesson-process: it starts processes the portable way."
);

/// What fork should not copy: an unflushed buffer, a process with threads.
mod buffers_and_threads;
/// The copy is made lazily, page by page, when one of them writes.
mod copy_on_write;
/// What reads Linux's /proc, done another way on the other Unix systems.
#[cfg(not(target_os = "linux"))]
mod not_linux;
/// Forking soundly: one thread only, `_exit` in the child, a bounded `waitpid`.
mod safe_fork;
/// Two copies of one process: what `fork` returns, and a global each has.
mod two_copies;
/// A child that has exited unwaited (a zombie), a child whose parent ended.
mod zombies_and_orphans;

use std::process::ExitCode;

use shared::{Lesson, Variant};

fn main() -> ExitCode {
    Lesson {
        name: "fork",
        about: "Copying a process: fork, getpid/getppid, waitpid, zombies and orphans",
        variants: &[
            Variant {
                name: "os-fork",
                about: "os.fork(): the child gets 0, the parent gets the child's pid",
                run: two_copies::os_fork,
            },
            Variant {
                name: "parent-child",
                about: "both copies print what fork returned and who they are",
                run: two_copies::parent_child,
            },
            Variant {
                name: "global",
                about: "a global changed in the child is unchanged in the parent",
                run: two_copies::global,
            },
            Variant {
                name: "copy-on-write",
                about: "fork copies memory lazily: a page is copied when it is written",
                run: copy_on_write::copy_on_write,
            },
            Variant {
                name: "zombie",
                about: "a child that has exited but is not waited for: a zombie, until waitpid",
                run: zombies_and_orphans::zombie,
            },
            Variant {
                name: "orphan",
                about: "the parent ends without waiting: its child is adopted, then reaped",
                run: zombies_and_orphans::orphan,
            },
            Variant {
                name: "flush",
                about: "a print! still in the buffer at fork time is printed twice",
                run: buffers_and_threads::flush,
            },
            Variant {
                name: "threads",
                about: "fork is refused while a second thread runs; Command is not",
                run: buffers_and_threads::threads,
            },
        ],
    }
    .main()
}
