//! Waiting for answers. `with_pool` ports the last pool program of tutorial
//! 004, the example from Python's documentation: `get(timeout)`, `map`,
//! `imap`, a `TimeoutError`, and the `terminate()` at the end of `with`. The
//! two others are the course's own: `imap` against `imap_unordered`, and a
//! worker that dies during its task.

use std::time::{Duration, Instant};

use shared::say;

use crate::jobs::{Calc, STEP};
use crate::pool::{self, Pool};

/// How long a `get` that must succeed may wait. Python's example waits 1 s
/// and warns "unless your computer is very slow"; ours must never fail, so it
/// is generous. It returns as soon as the answer is there.
const PATIENCE: Duration = Duration::from_secs(10);
/// The timeout of the `get` that must fail: its task never finishes.
const SHORT_TIMEOUT: Duration = Duration::from_millis(200);

// ANCHOR: with_pool
pub fn with_pool() {
    // Python: with Pool(processes=4) as pool:
    let pool = Pool::new(4).expect("cannot start the pool");

    // Python: result = pool.apply_async(f, (10,)); print(result.get(timeout=1))
    let result = pool.apply_async(Calc::Square(10));
    say!("{}", result.get_timeout(PATIENCE).expect("f(10)"));

    // Python: print(pool.map(f, range(10)))
    say!("{:?}", pool.map(Calc::Square, 0..10).expect("map"));

    let mut it = pool.imap(Calc::Square, 0..10); // Python: it = pool.imap(f, range(10))
    say!("{}", it.next().expect("ten answers").expect("f(0)")); // Python: next(it)
    say!("{}", it.next().expect("ten answers").expect("f(1)")); // Python: next(it)
    // Python: it.next(timeout=1)
    let third = it.next_timeout(PATIENCE).expect("ten answers");
    say!("{}", third.expect("f(2)"));

    // Python: result = pool.apply_async(time.sleep, (10,))
    let result = pool.apply_async(Calc::WaitForever);
    match result.get_timeout(SHORT_TIMEOUT) {
        // Python: result.get(timeout=1) raises multiprocessing.TimeoutError
        Err(timeout) => say!("{timeout}"),
        Ok(_) => unreachable!("WaitForever never answers"),
    }
    // The timeout ended the waiting, not the task: a worker is still busy with it.

    // Python: the end of the `with` block calls pool.terminate()
    let start = Instant::now();
    pool.terminate();
    say!("terminate() took {:.2?}", start.elapsed());
    say!("worker processes left: {}", pool::live_workers());
}
// ANCHOR_END: with_pool

// ANCHOR: as_completed
pub fn as_completed() {
    let pool = Pool::new(4).expect("cannot start the pool");
    // Input x pauses (4 - x) steps: the last input is done first.
    let slow_square = |x: u64| Calc::SlowSquare {
        x,
        pause: STEP * (4 - x as u32),
    };

    say!("imap: in input order");
    for answer in pool.imap(slow_square, 0..4) {
        say!("  {}", answer.expect("a square"));
    }

    say!("imap_unordered: as they complete");
    for answer in pool.imap_unordered(slow_square, 0..4) {
        let (x, square) = answer.expect("a square");
        say!("  x = {x}: {square}");
    }
    pool.close().join();
}
// ANCHOR_END: as_completed

// ANCHOR: worker_dies
pub fn worker_dies() {
    let pool = Pool::new(2).expect("cannot start the pool");
    let doomed = pool.apply_async(Calc::Die);
    // get() waits as long as the task takes, but not for a worker that is gone.
    match doomed.get() {
        Err(died) => say!("get(): {died}"),
        Ok(_) => unreachable!("the task kills its worker"),
    }
    say!("worker processes left: {}", pool::live_workers());
    let squares = pool.map(Calc::Square, 0..4).expect("map");
    say!("the other worker carries on: {squares:?}");
    pool.close().join();
}
// ANCHOR_END: worker_dies
