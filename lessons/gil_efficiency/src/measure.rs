//! The hidden worker role `measure`, which `cargo xtask measure` runs on a
//! release build: the Rust half of the lesson's measurements, printed as
//! JSON lines (one object per line), in the same shape as the lesson's
//! Python script `python/workloads.py` prints the Python half.
//!
//! ```text
//! LESSON_WORKER=measure lesson-gil_efficiency N MAX_WORKERS REPEATS SAME_N
//! ```
//!
//! - `{"kind": "info", "lang": "rust", "cores": 2}`
//! - `{"kind": "run", "lang": "rust", "way": "threads", "workers": 2, "n": N,
//!   "wall_s": 0.21, "cpu_s": 0.42, "sum": "..."}` for `plain` (1 worker),
//!   `threads` and `processes` (1 to MAX_WORKERS workers) on Σ(i + i² + i³)
//!   for i < N; `plain` again for i < SAME_N (the job the Python script runs,
//!   for a comparison on the same job); and `plain-without-black-box` for
//!   i < N, the loop that the optimiser may replace by a formula.
//! - `{"kind": "cost", "lang": "rust", "what": "thread_start", "seconds": 2.1e-5}`,
//!   also `process_start`, `thread_round_trip` and `process_round_trip`.
//!
//! Each run is repeated REPEATS times, round-robin over all of them, and the
//! fastest repetition is kept (the one least disturbed by the rest of the
//! machine). Every sum is checked against the formula; a wrong one fails.

use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;

use crate::costs;
use crate::usage::{Cost, measure};
use crate::ways;
use crate::work::{sum_of_powers_formula, sum_of_powers_unprotected};
use crate::workers::Failed;

/// The role's name.
pub const ROLE: &str = "measure";

#[derive(Clone, Copy)]
enum Way {
    Plain,
    Threads,
    Processes,
    Unprotected,
}

impl Way {
    fn name(self) -> &'static str {
        match self {
            Way::Plain => "plain",
            Way::Threads => "threads",
            Way::Processes => "processes",
            Way::Unprotected => "plain-without-black-box",
        }
    }
}

/// Runs the measurements; `args` as in the module's documentation.
pub fn main(program: &Path, args: &[String]) -> ExitCode {
    let number = |i: usize| args.get(i).and_then(|a| a.parse::<u64>().ok());
    let (Some(n), Some(max_workers), Some(repeats), Some(same_n)) =
        (number(0), number(1), number(2), number(3))
    else {
        eprintln!("error: role {ROLE} wants N MAX_WORKERS REPEATS SAME_N, got {args:?}");
        return ExitCode::from(2);
    };
    match run(program, n, max_workers as usize, repeats.max(1), same_n) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    program: &Path,
    n: u64,
    max_workers: usize,
    repeats: u64,
    same_n: u64,
) -> Result<(), Failed> {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    println!(r#"{{"kind": "info", "lang": "rust", "cores": {cores}}}"#);

    let mut runs = vec![(Way::Plain, 1, n), (Way::Plain, 1, same_n)];
    for workers in 1..=max_workers {
        runs.push((Way::Threads, workers, n));
    }
    for workers in 1..=max_workers {
        runs.push((Way::Processes, workers, n));
    }
    runs.push((Way::Unprotected, 1, n));

    let mut best: Vec<Option<Cost>> = vec![None; runs.len()];
    for _ in 0..repeats {
        for (&(way, workers, n), best) in runs.iter().zip(&mut best) {
            let n = black_box(n);
            let (sum, cost) = measure(|| match way {
                Way::Plain => Ok(ways::plain(n)),
                Way::Threads => Ok(ways::threads(n, workers)),
                Way::Processes => ways::processes(program, n, workers),
                Way::Unprotected => Ok(sum_of_powers_unprotected(0..n)),
            });
            let sum = sum?;
            if sum != sum_of_powers_formula(n) {
                return Err(Failed(format!(
                    "{} with {workers} workers found {sum} for n = {n}",
                    way.name()
                )));
            }
            if best.is_none_or(|b| cost.wall < b.wall) {
                *best = Some(cost);
            }
        }
    }
    for (&(way, workers, n), best) in runs.iter().zip(&best) {
        let cost = best.expect("every run ran at least once");
        println!(
            r#"{{"kind": "run", "lang": "rust", "way": "{}", "workers": {workers}, "n": {n}, "wall_s": {:e}, "cpu_s": {:e}, "sum": "{}"}}"#,
            way.name(),
            cost.wall.as_secs_f64(),
            cost.cpu.as_secs_f64(),
            sum_of_powers_formula(n)
        );
    }

    let costs = [
        ("thread_start", costs::thread_start(200)),
        ("process_start", costs::process_start(program, 50)?),
        ("thread_round_trip", costs::thread_round_trip(20_000)),
        (
            "process_round_trip",
            costs::process_round_trip(program, 20_000)?,
        ),
    ];
    for (what, seconds) in costs {
        println!(
            r#"{{"kind": "cost", "lang": "rust", "what": "{what}", "seconds": {:e}}}"#,
            seconds.as_secs_f64()
        );
    }
    Ok(())
}
