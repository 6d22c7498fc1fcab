//! `cargo bench -p lesson-gil_efficiency`: the lesson's claims, measured by
//! a benchmark harness (divan) on this machine.
//!
//! - `sum::plain`, `sum::threads`, `sum::processes`: Σ(i + i² + i³) for
//!   i < N, plainly and split among 1..2×cores threads or processes. Compare
//!   each `threads(k)` and `processes(k)` with `plain`: the speedup.
//! - `start::thread`, `start::process`: starting one and waiting for it.
//! - `switch::threads`, `switch::processes`: one round trip of a ping-pong
//!   (a message out and back) between two threads over channels, and between
//!   two processes over pipes.
//!
//! Processes are the lesson's own binary in a worker role, as in the lesson.

use std::path::Path;
use std::sync::mpsc;
use std::thread;

use lesson_gil_efficiency::{costs, ways};

fn main() {
    divan::main();
}

/// The lesson binary, which the worker processes run.
fn program() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_lesson-gil_efficiency"))
}

/// 1, 2, ... up to twice the number of cores: beyond the cores, more
/// workers can only share them.
fn worker_counts() -> Vec<usize> {
    let cores = thread::available_parallelism().map_or(1, |c| c.get());
    (1..=2 * cores).collect()
}

mod sum {
    use super::*;

    /// Large enough that the work (tens of milliseconds) dwarfs starting a
    /// process (about a millisecond).
    const N: u64 = 20_000_000;

    #[divan::bench(sample_count = 10)]
    fn plain() -> u128 {
        ways::plain(divan::black_box(N))
    }

    #[divan::bench(args = worker_counts(), sample_count = 10)]
    fn threads(workers: usize) -> u128 {
        ways::threads(divan::black_box(N), workers)
    }

    #[divan::bench(args = worker_counts(), sample_count = 10)]
    fn processes(workers: usize) -> u128 {
        ways::processes(program(), divan::black_box(N), workers)
            .expect("the workers answer")
    }
}

mod start {
    use super::*;

    #[divan::bench]
    fn thread() {
        thread::spawn(|| {})
            .join()
            .expect("an empty thread cannot panic");
    }

    #[divan::bench(sample_count = 20)]
    fn process() {
        costs::process_start(program(), 1).expect("a worker that does nothing");
    }
}

mod switch {
    use super::*;

    /// One round trip between two threads; the partner lives for the whole
    /// benchmark, so only the switching is measured.
    #[divan::bench]
    fn threads(bencher: divan::Bencher) {
        let (ping_tx, ping) = mpsc::channel::<u8>();
        let (pong_tx, pong) = mpsc::channel::<u8>();
        let partner = thread::spawn(move || {
            for ball in ping {
                if pong_tx.send(ball).is_err() {
                    break;
                }
            }
        });
        bencher.bench_local(|| {
            ping_tx.send(1).expect("the partner waits");
            pong.recv().expect("the partner answers")
        });
        drop(ping_tx);
        partner.join().expect("the partner cannot panic");
    }

    /// One round trip between two processes, through two pipes; the echo
    /// process lives for the whole benchmark.
    #[divan::bench]
    fn processes(bencher: divan::Bencher) {
        let mut echo = costs::Echo::start(program()).expect("start the echo worker");
        bencher.bench_local(|| echo.round_trip().expect("the echo worker plays"));
        echo.stop().expect("the echo worker ends");
    }
}
