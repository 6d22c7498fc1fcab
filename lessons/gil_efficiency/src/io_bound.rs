//! Ports tutorial 001's advice, "threads for I/O-bound work", with a program
//! like its two sleeping threads: four tasks that wait, one after another and
//! then in four threads. Waiting releases CPython's GIL, so Python's threads
//! help here too.

use std::thread;
use std::time::Duration;

use lesson_gil_efficiency::usage::measure;
use shared::say;

// ANCHOR: io_bound
/// How long each task waits.
const WAIT: Duration = Duration::from_millis(100);

/// Stands for a download or a disk read: the thread waits, and the CPU is
/// free meanwhile. (Python's `time.sleep` and its I/O release the GIL too.)
fn io_task() {
    thread::sleep(WAIT);
}

pub fn io_bound() {
    say!("4 tasks, each waiting {WAIT:?} as if for the network");
    let ((), one_by_one) = measure(|| {
        for _ in 0..4 {
            io_task();
        }
    });
    say!("one after another: {one_by_one}");
    let ((), together) = measure(|| {
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(io_task);
            }
        });
    });
    say!(
        "4 threads:         {together}, speedup {}",
        together.speedup_over(&one_by_one)
    );
}
// ANCHOR_END: io_bound
