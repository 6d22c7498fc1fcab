//! # Results come back through `join`
//!
//! Four threads each add up a quarter of 1..=1,000,000. In Python each thread
//! would append its sum to a shared list; in Rust the value a thread's closure
//! returns comes back from `join()`. Add up what the four threads return, so
//! that `main` prints the right total.

use std::thread::{self, JoinHandle};

const N: u64 = 1_000_000;
const THREADS: u64 = 4;

fn main() {
    let chunk = N / THREADS;
    let handles: Vec<JoinHandle<u64>> = (0..THREADS)
        .map(|i| thread::spawn(move || (i * chunk + 1..=(i + 1) * chunk).sum()))
        .collect();
    // TODO: join every handle and add up the values the threads returned.
    drop(handles);
    let total: u64 = 0;
    println!("{THREADS} threads, total = {total}");
    println!("1 + 2 + ... + {N} = {}", N * (N + 1) / 2);
}
