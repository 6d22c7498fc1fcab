//! A lock and a barrier that work *between processes*, because their whole
//! state is one atomic word that lives in the shared segment itself. The
//! lock stands in for Python's `multiprocessing.Lock()` (a POSIX semaphore).
//!
//! `std::sync::Mutex` and `parking_lot::Mutex` will not do, even placed in
//! shared memory: a thread that waits for them sleeps in a queue that its own
//! process keeps (parking_lot's is an ordinary hash table in the process's
//! memory; std's Linux futex is a *private* one, which the kernel keys by the
//! process), so an unlock in another process never wakes it.
//!
//! Waiting here is spin, then yield, then short sleeps, and always with a
//! time limit: a process that dies while holding the lock never unlocks it,
//! and a waiter must find out instead of waiting forever.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering::*};
use std::thread;
use std::time::{Duration, Instant};

/// The longest any process of the lesson waits for another one.
pub const LIMIT: Duration = Duration::from_secs(30);

// ANCHOR: process_lock
/// A lock in shared memory: Python's `multiprocessing.Lock()`.
#[repr(C)]
pub struct ProcessLock {
    /// 0 when the lock is free, else the pid of the process holding it.
    holder: AtomicU32,
    /// How many times the lock has been taken so far.
    taken: AtomicU32,
}

/// Proof of holding a [`ProcessLock`]; dropping it unlocks.
pub struct Locked<'a> {
    lock: &'a ProcessLock,
}

impl ProcessLock {
    pub const fn new() -> Self {
        ProcessLock {
            holder: AtomicU32::new(0),
            taken: AtomicU32::new(0),
        }
    }

    /// Python: `lock.acquire()`, but giving up after [`LIMIT`].
    pub fn lock(&self) -> Result<Locked<'_>, StillHeld> {
        self.lock_within(LIMIT)
    }

    /// Takes the lock, or reports who holds it once `limit` has passed.
    pub fn lock_within(&self, limit: Duration) -> Result<Locked<'_>, StillHeld> {
        let me = std::process::id();
        let started = Instant::now();
        let mut backoff = Backoff::default();
        loop {
            // One indivisible step: "if the word is 0, make it my pid". Acquire:
            // everything the previous holder wrote before unlocking is seen.
            match self.holder.compare_exchange(0, me, Acquire, Relaxed) {
                Ok(_) => {
                    self.taken.fetch_add(1, Relaxed);
                    return Ok(Locked { lock: self });
                }
                Err(holder) if started.elapsed() >= limit => {
                    return Err(StillHeld {
                        by_pid: holder,
                        waited: limit,
                    });
                }
                Err(_) => backoff.snooze(),
            }
        }
    }

    // ANCHOR_END: process_lock

    // ANCHOR: unlock
    /// How many times the lock has been taken so far (it never goes down).
    pub fn times_taken(&self) -> u32 {
        self.taken.load(Relaxed)
    }
}

impl Drop for Locked<'_> {
    /// Python: `lock.release()`. Release: what we wrote while holding the
    /// lock is seen by the next process that takes it.
    fn drop(&mut self) {
        self.lock.holder.store(0, Release);
    }
}
// ANCHOR_END: unlock

/// Why `lock_within` gave up.
#[derive(Debug)]
pub struct StillHeld {
    pub by_pid: u32,
    pub waited: Duration,
}

impl fmt::Display for StillHeld {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the lock is still held by pid {} after {:?}",
            self.by_pid, self.waited
        )
    }
}

/// So that `?` can pass it on where errors are strings.
impl From<StillHeld> for String {
    fn from(still_held: StillHeld) -> String {
        still_held.to_string()
    }
}

// ANCHOR: barrier
/// A start line for processes: each one that arrives waits until all have.
/// Used once (it never resets).
#[repr(C)]
pub struct ProcessBarrier {
    arrived: AtomicU32,
}

impl ProcessBarrier {
    pub const fn new() -> Self {
        ProcessBarrier {
            arrived: AtomicU32::new(0),
        }
    }

    /// Arrives, then waits (at most [`LIMIT`]) for `parties` processes in all.
    pub fn wait(&self, parties: u32) -> Result<(), String> {
        self.arrived.fetch_add(1, AcqRel);
        let started = Instant::now();
        let mut backoff = Backoff::default();
        loop {
            let arrived = self.arrived.load(Acquire);
            if arrived >= parties {
                return Ok(());
            }
            if started.elapsed() >= LIMIT {
                return Err(format!(
                    "only {arrived} of {parties} processes came within {LIMIT:?}"
                ));
            }
            backoff.snooze();
        }
    }
}
// ANCHOR_END: barrier

// ANCHOR: backoff
/// How a waiter passes the time: a few rounds of busy spinning (the other
/// process may be about to let go), then giving the CPU away, then sleeping
/// a little (the other process may hold on for a long time).
#[derive(Default)]
struct Backoff {
    rounds: u32,
}

impl Backoff {
    fn snooze(&mut self) {
        match self.rounds {
            0..100 => std::hint::spin_loop(),
            100..1100 => thread::yield_now(),
            _ => thread::sleep(Duration::from_micros(50)),
        }
        self.rounds = self.rounds.saturating_add(1);
    }
}
// ANCHOR_END: backoff

#[cfg(test)]
mod lock_tests {
    use super::*;

    /// Each time the lock is taken counts once, and a release does not count.
    #[test]
    fn times_taken_counts_each_acquire() {
        let lock = ProcessLock::new();
        assert_eq!(lock.times_taken(), 0);
        for taken in 1..=3 {
            let held = lock.lock().expect("a free lock");
            assert_eq!(lock.times_taken(), taken);
            drop(held);
            assert_eq!(lock.times_taken(), taken);
        }
    }

    /// A lock still held is an error that says by whom, and after how long;
    /// `?` turns it into the `String` that a worker reports.
    #[test]
    fn a_lock_still_held_says_by_whom() {
        let lock = ProcessLock::new();
        let _held = lock.lock().expect("a free lock");
        let take_again = || -> Result<(), String> {
            let _locked = lock.lock_within(Duration::ZERO)?;
            Ok(())
        };
        let me = std::process::id();
        assert_eq!(
            take_again(),
            Err(format!("the lock is still held by pid {me} after 0ns"))
        );
    }
}
