//! `counter-load-store`, `counter-fetch-add` and `counter-lock`: ports
//! tutorial 002's two threads that each add 1 to a global a million times,
//! without a lock (a wrong total) and with one (exactly 2000000). Without a
//! lock, safe Rust does not compile the program (see `compile_fail/`); the
//! closest it allows is an atomic read and written in two steps.

use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use parking_lot::Mutex;

/// Each thread of the counter programs adds 1 this many times.
pub const INCREMENTS: u64 = 1_000_000;

// ANCHOR: counter_load_store
/// The closest that safe Rust lets us get to Python's unlocked
/// `global_num += 1`: an atomic, read with one call and written with
/// another. There is no data race (each load and each store is atomic), but
/// there is a race *condition*: between this thread's load and its store, the
/// other thread may store, and that increment is then overwritten, lost.
fn add_by_load_and_store(name: &str, global_num: &AtomicU64, start: &Barrier) {
    start.wait(); // both threads begin together, so that their loops overlap
    for _ in 0..INCREMENTS {
        let value = global_num.load(Ordering::Relaxed);
        global_num.store(value + 1, Ordering::Relaxed);
    }
    // Python: print("test1", global_num)
    println!("{name} {}", global_num.load(Ordering::Relaxed));
}

pub fn counter_load_store() {
    let global_num = AtomicU64::new(0); // Python: global_num = 0
    let start = Barrier::new(2);
    thread::scope(|s| {
        // Python: t1.start(); t2.start()
        s.spawn(|| add_by_load_and_store("test1", &global_num, &start));
        s.spawn(|| add_by_load_and_store("test2", &global_num, &start));
    }); // Python: t1.join(); t2.join()
    let total = global_num.into_inner();
    let lost = 2 * INCREMENTS - total;
    println!("global_num = {total}, lost updates: {lost}");
}
// ANCHOR_END: counter_load_store

// ANCHOR: counter_fetch_add
/// `fetch_add` reads, adds and writes in one indivisible step: no other
/// thread can get in between, so no increment is lost, and no lock is needed.
fn add_by_fetch_add(name: &str, global_num: &AtomicU64, start: &Barrier) {
    start.wait();
    for _ in 0..INCREMENTS {
        global_num.fetch_add(1, Ordering::Relaxed);
    }
    // Python: print("test1", global_num)
    println!("{name} {}", global_num.load(Ordering::Relaxed));
}

pub fn counter_fetch_add() {
    let global_num = AtomicU64::new(0); // Python: global_num = 0
    let start = Barrier::new(2);
    thread::scope(|s| {
        // Python: t1.start(); t2.start()
        s.spawn(|| add_by_fetch_add("test1", &global_num, &start));
        s.spawn(|| add_by_fetch_add("test2", &global_num, &start));
    }); // Python: t1.join(); t2.join()
    println!("global_num = {}", global_num.into_inner());
}
// ANCHOR_END: counter_fetch_add

// ANCHOR: counter_lock
// Python: def test1(): lock.acquire(); for ...: global_num += 1; lock.release()
fn add_holding_the_lock(name: &str, global_num: &Mutex<u64>) {
    let mut num = global_num.lock(); // Python: lock.acquire()
    for _ in 0..INCREMENTS {
        *num += 1; // Python: global_num += 1
    }
    // Printed while the lock is still held (Python printed just after the
    // release): so the first thread to finish prints exactly 1000000, and the
    // second exactly 2000000, whichever of the two got the lock first.
    println!("{name} {}", *num);
} // Python: lock.release() — the guard `num` is dropped here

pub fn counter_lock() {
    // Python: global_num = 0; lock = threading.Lock()
    let global_num = Mutex::new(0);
    thread::scope(|s| {
        s.spawn(|| add_holding_the_lock("test1", &global_num)); // Python: t1.start()
        s.spawn(|| add_holding_the_lock("test2", &global_num)); // Python: t2.start()
    }); // Python: t1.join(); t2.join()
    println!("global_num = {}", global_num.into_inner());
}
// ANCHOR_END: counter_lock
