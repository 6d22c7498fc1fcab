//! gil_efficiency: CPU-bound work, threads versus processes.
//!
//! The Python tutorials time the same sums plainly, in threads and in
//! processes, and find that threads do not help: CPython's Global
//! Interpreter Lock (GIL) lets one thread at a time run Python code. Rust has
//! no GIL. Every variant here prints, for each way of doing the work, the wall
//! time, the CPU time, the CPU use (CPU time over wall time: tutorial 003's
//! "160%") and the speedup over the plain way.
//!
//! This file is the list of variants; each variant has a module of its own.
//! The jobs, the measuring and the worker processes live in the library half
//! of this package (`src/lib.rs`), which the benchmark and `cargo xtask
//! measure` use too.

/// From tutorial 000: a list summed by four threads, and by one.
mod list_sum;

/// From tutorials 000 and 004: `normal()`, two threads, two processes.
mod sum_of_powers;

/// The optimiser that deletes a loop, and `black_box`, which stops it.
mod black_box;

/// One sum split between 2 threads or 2 processes, small to large.
mod work_size;

/// From tutorial 002: ThreadPool, DummyPool and a process pool, 1 to 8 workers.
mod pool_sizes;

/// From tutorial 003: threads spinning in a loop, and the CPU use they reach.
mod busy_loop;

/// From tutorial 001's advice: for work that waits, threads help.
mod io_bound;

/// What starting and switching cost, measured (`costs.rs` measures it).
mod costs_demo;

use std::process::ExitCode;

use lesson_gil_efficiency::workers::this_program;
use lesson_gil_efficiency::{costs, measure, ways};
use shared::{Lesson, Variant};

/// Each way is timed this many times, and the fastest run is shown.
const RUNS: u32 = 3;

const VARIANTS: &[Variant] = &[
    Variant {
        name: "list-sum",
        about: "sum a list of 1,000,000 numbers 4 times: plainly, then in 4 threads",
        run: list_sum::list_sum,
    },
    Variant {
        name: "sum-of-powers",
        about: "normal(), two threads, two processes: \
                Σ(i + i² + i³) for i < 1,000,000, twice",
        run: sum_of_powers::sum_of_powers_demo,
    },
    Variant {
        name: "black-box",
        about: "the same loop with and without black_box, which keeps the optimiser \
                from deleting it",
        run: black_box::black_box_demo,
    },
    Variant {
        name: "work-size",
        about: "one sum split between 2 threads or 2 processes, small to large: \
                when starting costs more than it saves",
        run: work_size::work_size,
    },
    Variant {
        name: "pool-sizes",
        about: "ThreadPool, DummyPool and a process pool with 1 to 8 workers \
                on run(i) = i * i",
        run: pool_sizes::pool_sizes,
    },
    Variant {
        name: "busy-loop",
        about: "spinning threads, one per CPU and then 100: the CPU use they reach",
        run: busy_loop::busy_loop_demo,
    },
    Variant {
        name: "io-bound",
        about: "4 tasks that wait, as for a network: threads help, and use no CPU",
        run: io_bound::io_bound,
    },
    Variant {
        name: "costs",
        about: "starting a thread, starting a process, and switching between two of each",
        run: costs_demo::costs_demo,
    },
];

// ANCHOR: main
fn main() -> ExitCode {
    // A worker process of this lesson is this same program, started again
    // with a role in the environment variable LESSON_WORKER. The check comes
    // first: a worker does its one job and never runs the lesson.
    if let Some(role) = shared::worker::role() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        return match role.as_str() {
            ways::SUM => ways::serve_sum(&args),
            pool_sizes::SQUARES => pool_sizes::serve_squares(),
            costs::ECHO => costs::serve_echo(),
            costs::NOTHING => ExitCode::SUCCESS,
            // Not part of the lesson: the measurements of `cargo xtask measure`.
            measure::ROLE => measure::main(&this_program(), &args),
            other => {
                eprintln!("error: no worker role {other:?} in lesson-gil_efficiency");
                ExitCode::from(2)
            }
        };
    }
    Lesson {
        name: "gil_efficiency",
        about: "CPU-bound work in threads and in processes: \
                wall time, CPU time, CPU use, speedup",
        variants: VARIANTS,
    }
    .main()
}
// ANCHOR_END: main
