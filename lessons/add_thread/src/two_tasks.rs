//! Python: tutorial 001's two threads, each running `long_time_task`: a
//! task that prints, sleeps and prints `8 ** 20`, timed from start to end.

use std::thread;
use std::time::{Duration, Instant};

use crate::os_threads::current_name;

/// How long one task "works" (the original slept 2 s).
const TASK: Duration = Duration::from_millis(300);

// ANCHOR: two_tasks
// Python: def long_time_task(i): ...
fn long_time_task(i: u32) {
    let name = current_name(); // Python: current_thread().name
    println!("{name}: task {i} starts");
    thread::sleep(TASK); // Python: time.sleep(2) — waiting, not computing
    println!("{name}: result {}", 8u64.pow(20)); // Python: 8 ** 20
}

pub fn two_tasks() {
    println!("main thread: {}", current_name());
    let start = Instant::now();
    println!("waiting for both threads to finish");
    // Python names unnamed threads Thread-1, Thread-2, ...; Rust does not, so we do.
    // Python: Thread(target=long_time_task, args=(1,))
    let t1 = thread::Builder::new()
        .name("Thread-1".to_owned())
        .spawn(|| long_time_task(1))
        .expect("the OS refused to start a thread");
    let t2 = thread::Builder::new()
        .name("Thread-2".to_owned())
        .spawn(|| long_time_task(2))
        .expect("the OS refused to start a thread");

    t1.join().expect("Thread-1 panicked"); // Python: t1.join()
    t2.join().expect("Thread-2 panicked"); // Python: t2.join()
    println!(
        "total time: {:.2?} (each task waits {}ms)",
        start.elapsed(),
        TASK.as_millis()
    );
}
// ANCHOR_END: two_tasks
