//! # Four chunks on four threads, side by side
//!
//! The job, Σ(i + i² + i³) for i < 1,000,000, is cut into four chunks, and
//! `main` runs them one after another on its own thread: one CPU does all the
//! work. Under Python's GIL, threads would not help with this; in Rust they
//! do. Run each chunk on a thread of its own, all four at the same time, and
//! collect their reports in chunk order. Each chunk first waits at a start
//! line (a `Barrier`) for the other three: only chunks that run side by side
//! ever get past it, so a program that runs them one after another never ends.

use std::collections::HashSet;
use std::hint::black_box;
use std::ops::Range;
use std::sync::Barrier;
use std::thread::{self, ThreadId};

const N: u64 = 1_000_000;
const CHUNKS: usize = 4;

/// What a chunk hands back: its sum and the thread it ran on.
struct Report {
    sum: u128,
    thread: ThreadId,
}

// Python: def job(start, end): for i in range(start, end): res += i + i**2 + i**3
fn chunk(part: Range<u64>, start_line: &Barrier) -> Report {
    // Python: barrier.wait(): no chunk starts until all of them are running.
    start_line.wait();
    let mut sum: u128 = 0;
    for i in part {
        let i = u128::from(black_box(i)); // the optimiser may not skip the work
        sum += i + i * i + i * i * i;
    }
    Report {
        sum,
        thread: thread::current().id(),
    }
}

fn main() {
    let start_line = Barrier::new(CHUNKS);
    let n = CHUNKS as u64;
    let parts: Vec<Range<u64>> = (0..n).map(|k| N * k / n..N * (k + 1) / n).collect();

    // TODO: run each chunk on a thread of its own, all of them at once,
    // and collect their reports in chunk order.
    let reports: Vec<Report> = parts
        .into_iter()
        .map(|part| chunk(part, &start_line))
        .collect();

    println!("Σ(i + i² + i³) for i < {N}, in {CHUNKS} chunks");
    for (k, report) in reports.iter().enumerate() {
        println!("chunk {k}: {}", report.sum);
    }
    println!("total: {}", reports.iter().map(|r| r.sum).sum::<u128>());
    let threads: HashSet<ThreadId> = reports.iter().map(|r| r.thread).collect();
    println!(
        "threads used: {}, main among them: {}",
        threads.len(),
        threads.contains(&thread::current().id())
    );
}
