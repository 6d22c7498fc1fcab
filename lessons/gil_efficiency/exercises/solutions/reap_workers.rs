//! # Read and reap the worker processes
//!
//! The same job in two worker processes: each is this program started again
//! (Python: `Process(target=job)`), sums its half of the range and prints
//! that sum on its stdout, a pipe to the parent. The parent starts both, then
//! drops them: it never reads a sum, and never waits, since dropping a `Child`
//! does not wait for it (Python's `p.join()` does), so both are left behind.
//! For each worker, in order: read what it printed, wait for it to end, check
//! that it succeeded, and collect its sum as a `u128` (a `u64` overflows).

use std::hint::black_box;
use std::process::{Child, ExitCode, Stdio};

const N: u64 = 1_000_000;
const WORKERS: u64 = 2;

/// The worker: sums Σ(i + i² + i³) for START <= i < END, prints it, ends.
fn worker(args: &[String]) -> ExitCode {
    let [start, end] = args else {
        eprintln!("error: a worker wants START END, got {args:?}");
        return ExitCode::from(2);
    };
    let (Ok(start), Ok(end)) = (start.parse::<u64>(), end.parse::<u64>()) else {
        eprintln!("error: START and END must be numbers, got {start:?} {end:?}");
        return ExitCode::from(2);
    };
    let mut sum: u128 = 0;
    for i in start..end {
        let i = u128::from(black_box(i)); // the optimiser may not skip the work
        sum += i + i * i + i * i * i;
    }
    println!("{sum}"); // Python: q.put(res)
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    // A worker is this same program, started again with a role (see `shared::worker`).
    if shared::worker::role().is_some() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        return worker(&args);
    }

    // Python: p = mp.Process(target=job, args=(start, end)); p.start(), for each half.
    let workers: Vec<Child> = (0..WORKERS)
        .map(|k| {
            shared::worker::command("sum")
                .arg((N * k / WORKERS).to_string())
                .arg((N * (k + 1) / WORKERS).to_string())
                .stdout(Stdio::piped())
                .spawn()
                .expect("cannot start a worker")
        })
        .collect();
    println!("{WORKERS} workers summing Σ(i + i² + i³) for i < {N}");

    //~ // TODO: for each worker, in order: read the sum it printed, wait for it
    //~ // and check that it succeeded, and collect the sums.
    //~ drop(workers);
    //~ let sums: Vec<u128> = Vec::new();
    // ANCHOR: solution
    // Reads each worker's stdout to the end, then waits for it (Python: p.join()):
    // every worker is reaped here, before anything can go wrong.
    let outputs: Vec<_> = workers
        .into_iter()
        .map(|worker| worker.wait_with_output().expect("cannot wait for a worker"))
        .collect();
    let mut sums: Vec<u128> = Vec::new();
    for (k, output) in outputs.iter().enumerate() {
        if !output.status.success() {
            eprintln!("error: worker {k} failed ({})", output.status);
            return ExitCode::FAILURE;
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let Ok(sum) = text.trim().parse::<u128>() else {
            eprintln!("error: worker {k} printed {text:?}, not a sum");
            return ExitCode::FAILURE;
        };
        sums.push(sum); // Python: res = q.get()
    }
    // ANCHOR_END: solution
    for (k, sum) in sums.iter().enumerate() {
        println!("worker {k}: {sum}");
    }
    println!("total: {}", sums.iter().sum::<u128>());
    ExitCode::SUCCESS
}
