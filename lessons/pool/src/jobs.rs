//! The functions that the tutorials hand to a `Pool`, as data a worker
//! process can receive: `job(x)` of tutorial 000 and `f(x)` of tutorial 004
//! (`Calc`), and the `long_time_task` and `run` of tutorials 001, 003 and 004
//! (`Chore`).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use shared::say;

use crate::pool::Job;

/// Python's two-second task (tutorial 001), scaled down.
pub const TASK: Duration = Duration::from_millis(300);
/// One step of the tasks that take 1 to 4 steps (Python: 1 to 4 seconds).
pub const STEP: Duration = Duration::from_millis(50);

// ANCHOR: calc
/// The functions that answer a number, as data: the worker matches on them.
#[derive(Serialize, Deserialize)]
pub enum Calc {
    /// Python: `def job(x): return x * x` (and `f`, the same).
    Square(u64),
    /// `x * x` after a pause, so that answers can arrive out of order.
    SlowSquare { x: u64, pause: Duration },
    /// Stands in for Python's `time.sleep(10)`, which the example's 1-second
    /// timeout beats "unless your computer is very slow". Waiting for a message
    /// that nobody will ever send makes the timeout certain.
    WaitForever,
    /// The worker process dies in the middle of the task, as if the kernel's
    /// out-of-memory killer had picked it.
    Die,
}

impl Job for Calc {
    type Output = u64;
    const ROLE: &'static str = "calc-worker";

    fn run(self) -> u64 {
        match self {
            Calc::Square(x) => x * x,
            Calc::SlowSquare { x, pause } => {
                thread::sleep(pause);
                x * x
            }
            Calc::WaitForever => {
                let (_nobody, never) = mpsc::channel();
                never
                    .recv()
                    .expect("the sender is alive, so recv() never returns")
            }
            Calc::Die => {
                nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL).ok();
                unreachable!("SIGKILL cannot be caught")
            }
        }
    }
}
// ANCHOR_END: calc

// ANCHOR: chore
/// The functions that Python's tutorials run for what they print.
#[derive(Serialize, Deserialize)]
pub enum Chore {
    /// `long_time_task(i)` of tutorial 001.
    LongTimeTask(u32),
    /// `long_time_task(name)` of tutorial 003, which sleeps a random time.
    RandomNap(u32),
    /// `run(name)` of tutorial 004, which sleeps 1 to 4 steps.
    Run(u32),
}

impl Job for Chore {
    type Output = ();
    const ROLE: &'static str = "chore-worker";

    fn run(self) {
        let pid = std::process::id();
        match self {
            Chore::LongTimeTask(i) => {
                say!("task {i}: child process pid {pid}");
                thread::sleep(TASK); // Python: time.sleep(2)
                say!("task {i}: result {}", 8u64.pow(20));
            }
            Chore::RandomNap(i) => {
                say!("task {i}: runs in pid {pid}...");
                let start = Instant::now();
                // Python: time.sleep(random.random() * 3)
                thread::sleep(TASK.mul_f64(random_fraction()));
                say!("task {i}: ran {:.2?}", start.elapsed());
            }
            Chore::Run(i) => {
                say!("task {i}: child starts, pid {pid}");
                let start = Instant::now();
                // Python: random.choice([1, 2, 3, 4])
                let steps = one_to_four(random_fraction());
                thread::sleep(STEP * steps);
                say!(
                    "task {i}: child ends, pid {pid}, took {:.2?}",
                    start.elapsed()
                );
            }
        }
    }
}
// ANCHOR_END: chore

/// 1, 2, 3 or 4, each for a quarter of the fractions in [0, 1).
fn one_to_four(fraction: f64) -> u32 {
    1 + (fraction * 4.0) as u32
}

/// Python: `random.random()`, a number in [0, 1). The standard library has no
/// random numbers, but the keys it draws to protect each `HashMap` are random
/// enough for a nap of random length.
fn random_fraction() -> f64 {
    let bits = RandomState::new().build_hasher().finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_random_fraction_is_in_0_to_1_and_varies() {
        let fractions: Vec<f64> = (0..1000).map(|_| random_fraction()).collect();
        assert!(fractions.iter().all(|f| (0.0..1.0).contains(f)));
        assert!(
            fractions.iter().any(|&f| f != fractions[0]),
            "always {}",
            fractions[0]
        );
    }

    #[test]
    fn each_of_one_to_four_gets_a_quarter() {
        let steps: Vec<u32> = [0.0, 0.24, 0.25, 0.5, 0.74, 0.75, 0.99]
            .map(one_to_four)
            .to_vec();
        assert_eq!(steps, [1, 1, 2, 3, 3, 4, 4]);
    }
}
