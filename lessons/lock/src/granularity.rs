//! `granularity`: not in the tutorials. Tutorial 002's locked counter holds
//! the lock around the whole loop; this variant times that against a lock
//! taken for every single increment.

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use crate::counter::INCREMENTS;

// ANCHOR: granularity
/// Two threads each add 1 to `counter` a million times, with `count` doing
/// the counting; returns how long that took.
fn two_threads_counting(counter: &Mutex<u64>, count: fn(&Mutex<u64>)) -> Duration {
    let started = Instant::now();
    thread::scope(|s| {
        s.spawn(|| count(counter));
        s.spawn(|| count(counter));
    });
    started.elapsed()
}

/// Fine-grained: the lock is taken and released for every single addition,
/// so the two threads take turns all along (and pay for a million locks each).
fn lock_per_increment(counter: &Mutex<u64>) {
    for _ in 0..INCREMENTS {
        *counter.lock() += black_box(1); // the guard lives for this statement only
    }
}

/// Coarse-grained: one lock for the whole loop. Cheap, but while one thread
/// counts, the other can only wait: the two loops run one after the other.
fn lock_around_the_loop(counter: &Mutex<u64>) {
    let mut counter = counter.lock();
    for _ in 0..INCREMENTS {
        // black_box: keeps the optimiser from adding 1000000 in one go
        *counter += black_box(1);
    }
}

pub fn granularity() {
    let counter = Mutex::new(0);
    let took = two_threads_counting(&counter, lock_per_increment);
    println!(
        "lock per increment:   {} in {took:.2?}",
        counter.into_inner()
    );

    let counter = Mutex::new(0);
    let took = two_threads_counting(&counter, lock_around_the_loop);
    println!(
        "lock around the loop: {} in {took:.2?}",
        counter.into_inner()
    );
}
// ANCHOR_END: granularity
