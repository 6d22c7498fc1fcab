//! Ports the timing program of tutorials 000 and 004: Σ(i + i² + i³) for
//! i < 1,000,000, twice, by `normal()` (one after the other), by
//! `multithread()` (two threads) and by `multicore()` (two processes).

use std::thread;

use lesson_gil_efficiency::usage::best_of;
use lesson_gil_efficiency::ways;
use lesson_gil_efficiency::work::sum_of_powers;
use lesson_gil_efficiency::workers::{self, Failed, Worker, this_program};
use shared::say;

use crate::RUNS;

// ANCHOR: sum_of_powers
pub const N: u64 = 1_000_000;

// Python: def job(q):
//             res = 0
//             for i in range(1000000): res += i + i**2 + i**3
//             q.put(res)
pub fn job() -> u128 {
    sum_of_powers(0..N)
}

// Python: def normal(): for _ in range(2): for i in range(1000000): res += ...
fn normal() -> u128 {
    (0..2).map(|_| sum_of_powers(0..N)).sum()
}

// Python: def multithread()
fn multithread() -> u128 {
    // Python: t1 = td.Thread(target=job, args=(q,)); t1.start()
    let t1 = thread::spawn(job);
    // Python: t2 = td.Thread(target=job, args=(q,)); t2.start()
    let t2 = thread::spawn(job);
    // A thread's result comes back through join: no queue needed.
    let res1 = t1.join().expect("job cannot panic"); // Python: t1.join(); res1 = q.get()
    let res2 = t2.join().expect("job cannot panic"); // Python: t2.join(); res2 = q.get()
    res1 + res2
}

// Python: def multicore()
fn multicore() -> Result<u128, Failed> {
    // The worker role SUM sums START..END and prints the sum on its stdout,
    // a pipe that only we read: the pipe is Python's queue.
    let mut command = workers::command(&this_program(), ways::SUM);
    command.arg("0").arg(N.to_string());
    // Python: p1 = mp.Process(target=job, args=(q,)); p1.start()
    let p1 = Worker::start(&mut command)?;
    // Python: p2 = mp.Process(target=job, args=(q,)); p2.start()
    let p2 = Worker::start(&mut command)?;
    let res1 = ways::parse_sum(&p1.join()?)?; // Python: p1.join(); res1 = q.get()
    let res2 = ways::parse_sum(&p2.join()?)?; // Python: p2.join(); res2 = q.get()
    Ok(res1 + res2)
}
// ANCHOR_END: sum_of_powers

// ANCHOR: sum_of_powers_demo
pub fn sum_of_powers_demo() {
    say!("job: Σ(i + i² + i³) for i < {N}, done twice");
    let (res, plain) = best_of(RUNS, normal);
    say!("normal:      {res}");
    say!("normal:      {plain}");

    let (res, threads) = best_of(RUNS, multithread);
    say!("multithread: {res}");
    say!(
        "multithread: {threads}, speedup {}",
        threads.speedup_over(&plain)
    );

    let (res, processes) = best_of(RUNS, multicore);
    match res {
        Ok(res) => say!("multicore:   {res}"),
        Err(why) => say!("multicore:   {why}"),
    }
    say!(
        "multicore:   {processes}, speedup {}",
        processes.speedup_over(&plain)
    );
}
// ANCHOR_END: sum_of_powers_demo
