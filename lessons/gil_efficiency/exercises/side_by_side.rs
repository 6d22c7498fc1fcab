//! # Four chunks on four threads, side by side
//!
//! The job, Σ(i + i² + i³) for i < 1,000,000, is cut into four chunks, and
//! `main` runs them one after another on its own thread: one CPU does all the
//! work. Under Python's GIL, threads would not help with this; in Rust they
//! do. Run each chunk on a thread of its own, all four at the same time, and
//! collect their reports in chunk order. Each chunk first waits at a start
//! line for the other three: only chunks that run side by side all meet there.

use std::collections::HashSet;
use std::hint::black_box;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

const N: u64 = 1_000_000;
const CHUNKS: usize = 4;

/// Where the chunks meet before they start. Its wait has a time limit, so a
/// chunk that waits there alone gives up instead of waiting forever.
struct StartLine {
    arrived: AtomicUsize,
    give_up: Instant,
}

impl StartLine {
    fn new() -> Self {
        StartLine {
            arrived: AtomicUsize::new(0),
            give_up: Instant::now() + Duration::from_secs(3),
        }
    }

    /// Arrives, then waits until all the chunks have arrived; false if the
    /// time ran out first.
    fn wait(&self) -> bool {
        self.arrived.fetch_add(1, SeqCst);
        while self.arrived.load(SeqCst) < CHUNKS {
            if Instant::now() >= self.give_up {
                return false;
            }
            thread::sleep(Duration::from_millis(1));
        }
        true
    }
}

/// What a chunk hands back: its sum, the thread it ran on, and whether it
/// met all the others at the start line.
struct Report {
    sum: u128,
    thread: ThreadId,
    met_all: bool,
}

// Python: def job(start, end): for i in range(start, end): res += i + i**2 + i**3
fn chunk(part: Range<u64>, start_line: &StartLine) -> Report {
    let met_all = start_line.wait();
    let mut sum: u128 = 0;
    for i in part {
        let i = u128::from(black_box(i)); // the optimiser may not skip the work
        sum += i + i * i + i * i * i;
    }
    Report {
        sum,
        thread: thread::current().id(),
        met_all,
    }
}

fn main() {
    let start_line = StartLine::new();
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
    let met = reports.iter().filter(|r| r.met_all).count();
    println!("chunks that met all {CHUNKS} at the start line: {met}");
}
