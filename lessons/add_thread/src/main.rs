//! add_thread: starting a thread.
//!
//! Python's `threading` module keeps a list of the threads it started, so
//! `active_count()` and `enumerate()` answer from that list. Rust's standard
//! library keeps no such list: a thread is an operating-system thread plus the
//! `JoinHandle` you were given when you started it. To ask "how many threads
//! are alive, and what are they called", this lesson asks the kernel
//! (`os_threads`).
//!
//! One module per variant, each the port of one Python program: `add_thread`
//! (tutorial 000), `loop_thread` (tutorial 003), `subclass` and `is_alive`
//! (tutorial 002), `two_tasks` (tutorial 001); `names` shows what becomes of
//! the names those programs give their threads.

mod add_thread;
mod is_alive;
mod loop_thread;
mod names;
mod os_threads;
mod subclass;
mod two_tasks;

use std::process::ExitCode;

use shared::{Lesson, Variant};

fn main() -> ExitCode {
    Lesson {
        name: "add_thread",
        about: "Starting a thread: spawn, Builder::name, thread::current, the OS's list of threads",
        variants: &[
            Variant {
                name: "add-thread",
                about: "count and list the threads before, while and after an added thread runs",
                run: add_thread::add_thread,
            },
            Variant {
                name: "names",
                about: "the name Rust keeps and the name the kernel shows (15 bytes at most)",
                run: names::names,
            },
            Variant {
                name: "loop-thread",
                about: "a thread named LoopThread counts to 5; main waits for it",
                run: loop_thread::loop_thread,
            },
            Variant {
                name: "subclass",
                about: "a struct with a run() method started on its own thread (Python's Thread subclass)",
                run: subclass::subclass,
            },
            Variant {
                name: "is-alive",
                about: "is_finished(), Python's is_alive(): asked while the thread waits and after it returned",
                run: is_alive::is_alive,
            },
            Variant {
                name: "two-tasks",
                about: "two threads each wait 300ms: together they take about 300ms, not 600ms",
                run: two_tasks::two_tasks,
            },
        ],
    }
    .main()
}
