//! # Wait for both threads
//!
//! Two threads each run a slow job. `main` prints "all done" without waiting
//! for them, so the process ends while they still sleep and their "finish"
//! lines are never printed. Make `main` wait for both threads, so that every
//! line appears and "all done" is the last one.

use std::thread;
use std::time::Duration;

fn job(name: &str) {
    println!("{name} start");
    thread::sleep(Duration::from_millis(500));
    println!("{name} finish");
}

fn main() {
    // Python: t1 = Thread(target=job, ...); t1.start()
    let t1 = thread::spawn(|| job("T1"));
    let t2 = thread::spawn(|| job("T2")); // Python: t2.start()

    // TODO: wait for both threads before the last line.
    // (Dropping a JoinHandle, as here, detaches its thread: nobody waits.)
    drop((t1, t2));
    println!("all done");
}
