//! `counter`: not in the tutorials, which only say that variables of a
//! thread's own help performance (tutorial 003). This variant measures it:
//! visits counted with a counter per thread, merged at the end, against one
//! shared counter behind a `Mutex` and one `AtomicU64`.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

// ANCHOR: visits
const THREADS: usize = 4;
const VISITS_PER_THREAD: u64 = 1_000_000;

thread_local! {
    // A Cell is enough: no other thread can ever see this thread's count.
    static VISITS: Cell<u64> = const { Cell::new(0) };
}

/// Counts one visit. Meant to be called from deep inside code that has no
/// counter to pass around, the way logging or metrics are.
// Not inlined, as if it lived in another crate: otherwise the optimiser may
// merge a million increments into one addition, and we want to time them.
#[inline(never)]
fn count_visit() {
    VISITS.set(VISITS.get() + 1);
}
// ANCHOR_END: visits

pub fn counter() {
    println!("{THREADS} threads, each counting {VISITS_PER_THREAD} visits");
    per_thread_counters();
    one_shared_mutex();
    one_shared_atomic();
}

// ANCHOR: per_thread
/// Each thread counts on its own, then hands its total back once.
fn per_thread_counters() {
    let started = Instant::now();
    let totals: Vec<u64> = thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    for _ in 0..VISITS_PER_THREAD {
                        count_visit();
                    }
                    VISITS.get() // the thread's own count is its return value
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("worker panicked"))
            .collect()
    });
    let total: u64 = totals.iter().sum(); // main merges the counts
    let elapsed = started.elapsed();
    for (worker, count) in totals.iter().enumerate() {
        println!("  worker {worker} hands back {count}");
    }
    println!("per-thread counters, merged at the end: total {total} in {elapsed:.2?}");
    println!("main's own VISITS, never bumped: {}", VISITS.get());
}
// ANCHOR_END: per_thread

// ANCHOR: shared
/// One counter for everybody: every single visit takes the lock.
fn one_shared_mutex() {
    let shared = Mutex::new(0_u64);
    let elapsed = on_every_thread(|| {
        for _ in 0..VISITS_PER_THREAD {
            *shared.lock() += 1;
        }
    });
    let total = shared.into_inner();
    println!("one shared counter behind a Mutex:       total {total} in {elapsed:.2?}");
}

/// No lock, but still one shared memory location that every core wants.
fn one_shared_atomic() {
    let shared = AtomicU64::new(0);
    let elapsed = on_every_thread(|| {
        for _ in 0..VISITS_PER_THREAD {
            shared.fetch_add(1, Ordering::Relaxed);
        }
    });
    let total = shared.into_inner();
    println!("one shared AtomicU64:                    total {total} in {elapsed:.2?}");
}

/// Runs `count` on THREADS threads at once; returns how long they took.
fn on_every_thread(count: impl Fn() + Sync) -> Duration {
    let started = Instant::now();
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(&count);
        }
    });
    started.elapsed()
}
// ANCHOR_END: shared
