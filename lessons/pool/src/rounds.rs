//! A pool bounds how many tasks run at once: tutorial 001's five two-second
//! tasks on `Pool(4)`, tutorial 003's naps of random length on `Pool()`, and
//! tutorial 004's ten tasks of 1 to 4 seconds on `Pool(4)`.

use std::num::NonZero;
use std::thread;
use std::time::Instant;

use shared::say;

use crate::jobs::{Chore, TASK};
use crate::pool::Pool;

/// Python: `multiprocessing.cpu_count()`.
fn cpu_count() -> usize {
    thread::available_parallelism().map_or(1, NonZero::get)
}

// ANCHOR: five_on_four
pub fn five_on_four() {
    say!("CPU cores: {}", cpu_count()); // Python: cpu_count()
    say!("parent process: pid {}", std::process::id()); // Python: os.getpid()
    let start = Instant::now();
    let p = Pool::new(4).expect("cannot start the pool"); // Python: p = Pool(4)
    for i in 0..5 {
        // The handle is dropped: nobody asks for the (empty) answer.
        // Python: p.apply_async(long_time_task, args=(i,))
        p.apply_async(Chore::LongTimeTask(i));
    }
    say!("main: waiting for every task to finish");
    p.close().join(); // Python: p.close(); p.join()
    let took = start.elapsed();
    say!("took {took:.2?}");

    // Four tasks run at once; the fifth needs a free worker, so two rounds.
    let rounds = 5_u32.div_ceil(4);
    say!(
        "5 tasks on 4 workers: ceil(5 / 4) = {rounds} rounds of {TASK:?}, about {:?}",
        TASK * rounds
    );
    say!("at least {rounds} rounds long: {}", took >= TASK * rounds);
}
// ANCHOR_END: five_on_four

// ANCHOR: random_naps
pub fn random_naps() {
    say!("parent process: pid {}", std::process::id());
    let p = Pool::new(cpu_count()).expect("cannot start the pool"); // Python: p = Pool()
    for i in 0..5 {
        // Python: p.apply_async(long_time_task, args=(i,))
        p.apply_async(Chore::RandomNap(i));
    }
    say!("main: waiting for all subprocesses done...");
    p.close().join(); // Python: p.close(); p.join()
    say!("all subprocesses done.");
}
// ANCHOR_END: random_naps

// ANCHOR: ten_runs
pub fn ten_runs() {
    say!("parent starts");
    let p = Pool::new(4).expect("cannot start the pool"); // Python: p = Pool(4)
    for i in 0..10 {
        p.apply_async(Chore::Run(i)); // Python: p.apply_async(run, args=(i,))
    }
    p.close().join(); // Python: p.close(); p.join()
    say!("parent ends.");
    // Python then calls p.terminate(), which has nothing left to stop. Here
    // join() has used the pool up: there is nothing to call it on.
}
// ANCHOR_END: ten_runs
