//! thread_local: per-thread state.
//!
//! Python's `threading.local()` is one object whose attributes have a separate
//! value in every thread. Rust's `thread_local!` declares a static that works
//! the same way: each thread that touches it gets its own copy, created on
//! first use and dropped when that thread exits. Because the value never
//! leaves its thread, a plain `Cell` or `RefCell` is enough: no lock, no
//! atomic, no `Sync`.
//!
//! Each idea has its own module, the one its page of the book shows; this
//! file is the list of variants, in the order a full run shows them.

mod counter;
mod destructors;
mod pool_reuse;
mod student;
mod threads;

use std::process::ExitCode;

use shared::{Lesson, Variant};

fn main() -> ExitCode {
    Lesson {
        name: "thread_local",
        about: "Per-thread state: thread_local!, Cell and RefCell, destructors",
        variants: &[
            Variant {
                name: "local-school",
                about: "each thread sets and reads its own student",
                run: student::local_school,
            },
            Variant {
                name: "counter",
                about: "per-thread counters merged at the end vs one shared counter",
                run: counter::counter,
            },
            Variant {
                name: "destructors",
                about: "a thread's thread-locals are dropped when the thread exits",
                run: destructors::destructors,
            },
            Variant {
                name: "pool-reuse",
                about: "a pool's worker keeps its thread-locals from task to task",
                run: pool_reuse::pool_reuse,
            },
        ],
    }
    .main()
}
