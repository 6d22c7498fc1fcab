//! Ports tutorial 003's busy loop: one thread per CPU, each spinning on
//! `x = x ^ 1`, which in CPython reach only some 160% CPU on 4 cores. Here
//! each thread spins for a fixed time, and the lesson reports the CPU use.

use std::hint::black_box;
use std::num::NonZero;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::thread;
use std::time::Duration;

use lesson_gil_efficiency::usage::{Cost, Percent, measure};
use shared::say;

// ANCHOR: busy_loop
/// How long each spinning thread spins (Python's loop never stops).
const SPIN: Duration = Duration::from_millis(200);

// Python: def loop(): x = 0; while True: x = x ^ 1
fn busy_loop(stop: &AtomicBool) {
    let mut x = 0u64;
    while !stop.load(Relaxed) {
        x = black_box(x ^ 1);
    }
}

/// `threads` threads spin for SPIN; what did that cost?
fn spin(threads: usize) -> Cost {
    let stop = AtomicBool::new(false);
    let ((), cost) = measure(|| {
        thread::scope(|s| {
            for _ in 0..threads {
                // Python: t = threading.Thread(target=loop); t.start()
                s.spawn(|| busy_loop(&stop));
            }
            thread::sleep(SPIN);
            stop.store(true, Relaxed);
        });
    });
    cost
}

pub fn busy_loop_demo() {
    // Python: multiprocessing.cpu_count()
    let cpus = thread::available_parallelism().map_or(1, NonZero::get);
    say!(
        "each thread spins x ^= 1 for {SPIN:?}; all {cpus} CPUs busy would be {}",
        Percent(cpus as f64)
    );
    let cost = spin(cpus);
    say!("{cpus} threads, one per CPU: {cost}");
    let cost = spin(100);
    say!("100 threads: {cost}");
}
// ANCHOR_END: busy_loop
