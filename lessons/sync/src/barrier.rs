//! Ports `threading.Barrier(n)`: threads wait until all n have arrived,
//! then all go on together. Rust's `std::sync::Barrier` has the same
//! guarantee, a leader instead of Python's index, and no timeout or
//! `abort()`: a barrier that one party never reaches waits for ever. A
//! barrier of our own, from a `Mutex` and a `Condvar`, can give up.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Barrier, Condvar, Mutex};
use std::thread;
use std::time::Duration;

// ANCHOR: barrier
pub fn barrier() {
    let all_here = Barrier::new(3); // Python: all_here = threading.Barrier(3)
    let arrived = AtomicUsize::new(0);
    let fewest_seen = AtomicUsize::new(usize::MAX);
    let leaders = AtomicUsize::new(0);
    thread::scope(|s| {
        for name in ["A", "B", "C"] {
            let (all_here, arrived, fewest_seen, leaders) =
                (&all_here, &arrived, &fewest_seen, &leaders);
            s.spawn(move || {
                println!("{name}: arrives");
                arrived.fetch_add(1, Ordering::SeqCst);
                let result = all_here.wait(); // Python: index = all_here.wait()
                fewest_seen.fetch_min(arrived.load(Ordering::SeqCst), Ordering::SeqCst);
                if result.is_leader() {
                    leaders.fetch_add(1, Ordering::SeqCst);
                }
                println!("{name}: passes");
            });
        }
    });
    let fewest = fewest_seen.load(Ordering::SeqCst);
    println!("main: the fewest arrivals any thread saw as it passed: {fewest} of 3");
    let leaders = leaders.load(Ordering::SeqCst);
    println!("main: is_leader() was true for {leaders} of 3");
}
// ANCHOR_END: barrier

// ANCHOR: timed_barrier
/// A barrier for `parties` threads, used once, whose wait gives up.
pub struct TimedBarrier {
    state: Mutex<(usize, bool)>, // (arrived, broken)
    changed: Condvar,
    parties: usize,
}

/// Python: `threading.BrokenBarrierError`.
#[derive(Debug)]
pub struct BrokenBarrier;

impl TimedBarrier {
    pub const fn new(parties: usize) -> Self {
        TimedBarrier {
            state: Mutex::new((0, false)),
            changed: Condvar::new(),
            parties,
        }
    }

    /// Python: `barrier.wait(timeout)`: this thread's arrival index, or
    /// `BrokenBarrier` for every waiter once one of them has given up.
    pub fn wait(&self, timeout: Duration) -> Result<usize, BrokenBarrier> {
        let mut state = self.state.lock().unwrap();
        let index = state.0;
        state.0 += 1;
        self.changed.notify_all();
        let (mut state, waited) = self
            .changed
            .wait_timeout_while(state, timeout, |(arrived, broken)| {
                *arrived < self.parties && !*broken
            })
            .unwrap();
        // Not timed out: everyone came, or another waiter broke the barrier.
        if !waited.timed_out() && state.0 >= self.parties {
            return Ok(index);
        }
        state.1 = true; // Python: barrier.abort()
        self.changed.notify_all();
        Err(BrokenBarrier)
    }
}
// ANCHOR_END: timed_barrier

// ANCHOR: broken_barrier
pub fn broken_barrier() {
    // All three come: each passes, with an arrival index of its own.
    let all_here = TimedBarrier::new(3);
    let indices = Mutex::new(Vec::new());
    thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                let index = all_here
                    .wait(Duration::from_secs(10))
                    .expect("all three come");
                indices.lock().unwrap().push(index);
            });
        }
    });
    let mut indices = indices.into_inner().unwrap();
    indices.sort();
    println!("main: all 3 came and passed, with arrival indices {indices:?}");

    let all_here = TimedBarrier::new(3); // Python: threading.Barrier(3, timeout=0.2)
    thread::scope(|s| {
        for name in ["A", "B"] {
            let all_here = &all_here;
            s.spawn(move || {
                println!("{name}: arrives; C never will");
                match all_here.wait(Duration::from_millis(200)) {
                    Ok(index) => println!("{name}: passes, arrival {index}"),
                    Err(BrokenBarrier) => {
                        println!("{name}: BrokenBarrierError, goes on alone")
                    }
                }
            });
        }
    });
}
// ANCHOR_END: broken_barrier
