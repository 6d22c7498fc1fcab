//! lock: shared data between threads.
//!
//! In Python any thread may change a shared value at any time, and a `Lock`
//! is a promise that every piece of code has to keep by hand. Rust makes the
//! promise part of the type: the data lives *inside* the `Mutex`, and the only
//! way to reach it is the guard that `lock()` returns. A program that shares a
//! plain counter between threads without a lock does not compile at all (see
//! `compile_fail/counter.rs`, which a test feeds to the compiler).
//!
//! Each idea has its own module, the one its page of the book shows; this
//! file is the list of variants, in the order a full run shows them.

mod balance;
mod counter;
mod granularity;
mod jobs;
mod print_time;
mod rlock;
mod stages;

use std::process::ExitCode;

use shared::{Lesson, Variant};

fn main() -> ExitCode {
    Lesson {
        name: "lock",
        about: "Shared data between threads: Mutex and its guard, atomics, RLock",
        variants: &[
            Variant {
                name: "stages",
                about: "T1 and T2 both add 1 to a.value; stage 2 sees the other's change",
                run: stages::stages,
            },
            Variant {
                name: "jobs-no-lock",
                about: "job1 (+1) and job2 (+10) take turns step by step: lines mix",
                run: jobs::jobs_no_lock,
            },
            Variant {
                name: "jobs-lock",
                about: "job1 holds the lock for all its ten steps, then job2 does",
                run: jobs::jobs_lock,
            },
            Variant {
                name: "counter-load-store",
                about: "2 x 1000000 load-then-store increments: often some get lost",
                run: counter::counter_load_store,
            },
            Variant {
                name: "counter-fetch-add",
                about: "2 x 1000000 increments with one fetch_add: exactly 2000000",
                run: counter::counter_fetch_add,
            },
            Variant {
                name: "counter-lock",
                about: "2 x 1000000 increments, each thread locking around its loop",
                run: counter::counter_lock,
            },
            Variant {
                name: "granularity",
                about: "a lock per increment versus a lock around the whole loop, timed",
                run: granularity::granularity,
            },
            Variant {
                name: "print-time",
                about: "a thread struct whose run() prints under a shared lock",
                run: print_time::print_time_threads,
            },
            Variant {
                name: "balance",
                about: "change_it(n) under a lock, 2 threads x 100000: balance stays 0",
                run: balance::balance,
            },
            Variant {
                name: "panic-unlocks",
                about: "a thread panics while holding the lock: the guard releases it",
                run: balance::panic_unlocks,
            },
            Variant {
                name: "rlock",
                about: "ReentrantMutex (RLock) locked twice by one thread",
                run: rlock::rlock,
            },
        ],
    }
    .main()
}
