//! Ports tutorial 002's pool timings: `p.map(run, range(max_range))` with
//! `run(i) = i * i`, on a `ThreadPool`, a `DummyPool` and a process `Pool`
//! of 1 to 8 workers each.

use std::io::{self, BufRead, Write};
use std::process::{ExitCode, Stdio};
use std::sync::mpsc;
use std::thread;

use lesson_gil_efficiency::usage::{Cost, best_of};
use lesson_gil_efficiency::ways;
use lesson_gil_efficiency::work::run;
use lesson_gil_efficiency::workers::{self, Failed, Worker, this_program};
use shared::say;
use threadpool::ThreadPool;

use crate::RUNS;

// ANCHOR: pool_sizes
/// Python (tutorial 002) leaves `max_range` out; this is ours.
const MAX_RANGE: u64 = 1_000_000;

pub fn pool_sizes() {
    say!("p.map(run, range({MAX_RANGE})) with run(i) = i * i; speedup over plain");
    let (expected, plain) =
        best_of(RUNS, || (0..MAX_RANGE).map(run).collect::<Vec<u64>>());
    say!(
        "plain          costTime: {plain}, ret.size: {}",
        expected.len()
    );
    let mut all_right = true;
    for num in 1..=8 {
        let (ret, cost) = thread_pool(num);
        all_right &= report("thread_pool ", num, cost, &plain, &ret, &expected);
    }
    for num in 1..=8 {
        let (ret, cost) = dummy_pool(num);
        all_right &= report("dummy_pool  ", num, cost, &plain, &ret, &expected);
    }
    for num in 1..=8 {
        match process_pool(num) {
            Ok((ret, cost)) => {
                all_right &= report("process_pool", num, cost, &plain, &ret, &expected);
            }
            Err(why) => {
                all_right = false;
                say!("process_pool {num}, {why}");
            }
        }
    }
    // Python prints ret.size on every line; one check here keeps lines short.
    say!("every pool's ret is plain's {MAX_RANGE} squares, in order: {all_right}");
}

/// One pool's line; whether its answers are plain's.
fn report(
    pool: &str,
    num: usize,
    cost: Cost,
    plain: &Cost,
    ret: &[u64],
    expected: &[u64],
) -> bool {
    // Python: print("thread_pool  %d, costTime: %fs ret.size: %d" % ...)
    say!(
        "{pool} {num}, costTime: {cost}, speedup {}",
        cost.speedup_over(plain)
    );
    ret == expected
}
// ANCHOR_END: pool_sizes

// ANCHOR: thread_pool
fn thread_pool(num: usize) -> (Vec<u64>, Cost) {
    let p = ThreadPool::new(num); // Python: p = ThreadPool(num)
    best_of(RUNS, || {
        // Python: ret = p.map(run, range(max_range))
        let ret = threadpool_map(&p, run, MAX_RANGE);
        p.join(); // Python: p.close(); p.join()
        ret
    })
}

/// The threadpool crate has no `map`: one job per chunk (four chunks per
/// thread, as Python cuts them), each sending its answers back tagged with
/// the chunk's number, put back in order at the end.
fn threadpool_map(pool: &ThreadPool, f: fn(u64) -> u64, max_range: u64) -> Vec<u64> {
    let (answers_tx, answers) = mpsc::channel();
    for (index, part) in ways::split(max_range, 4 * pool.max_count())
        .into_iter()
        .enumerate()
    {
        let answers_tx = answers_tx.clone();
        pool.execute(move || {
            let squares: Vec<u64> = part.map(f).collect();
            answers_tx.send((index, squares)).ok();
        });
    }
    drop(answers_tx); // the loop below ends once every job has dropped its sender
    let mut chunks: Vec<(usize, Vec<u64>)> = answers.iter().collect();
    chunks.sort_by_key(|(index, _)| *index);
    chunks
        .into_iter()
        .flat_map(|(_, squares)| squares)
        .collect()
}
// ANCHOR_END: thread_pool

// ANCHOR: dummy_pool
fn dummy_pool(num: usize) -> (Vec<u64>, Cost) {
    // Python's multiprocessing.dummy.Pool is ThreadPool under another name.
    // Its stand-in: `num` scoped threads for this one map, a part each,
    // joined in order, which keeps the answers in order.
    best_of(RUNS, || {
        thread::scope(|s| {
            let workers: Vec<_> = ways::split(MAX_RANGE, num)
                .into_iter()
                .map(|part| s.spawn(move || part.map(run).collect::<Vec<u64>>()))
                .collect();
            workers
                .into_iter()
                .flat_map(|w| w.join().expect("run cannot panic"))
                .collect()
        })
    })
}
// ANCHOR_END: dummy_pool

// ANCHOR: process_pool
/// The worker role of the process pool: reads `START END` on stdin, writes
/// run(i) for each i in START..END on stdout, 8 bytes each.
pub const SQUARES: &str = "squares";

fn process_pool(num: usize) -> Result<(Vec<u64>, Cost), Failed> {
    let program = this_program();
    let mut first_run = true;
    let (ret, cost) = best_of(RUNS, || {
        // Python: p = ProcessPool(num), which starts the workers. Python
        // starts its clock after this; we cannot: a process's CPU time counts
        // from its start, so the wall time must count from there too.
        let mut p = (0..num)
            .map(|_| {
                Worker::start(workers::command(&program, SQUARES).stdin(Stdio::piped()))
            })
            .collect::<io::Result<Vec<Worker>>>()?;
        if first_run {
            say!("process_pool {num}, workers started: {num}");
            first_run = false;
        }

        // Python: ret = p.map(run, range(max_range)). Each worker gets a part,
        // as two numbers on its stdin; it sends back 8 bytes per square.
        for (worker, part) in p.iter_mut().zip(ways::split(MAX_RANGE, num)) {
            let mut stdin = worker.stdin().expect("the worker's stdin is piped");
            // A worker that has died cannot read this; its join says so.
            writeln!(stdin, "{} {}", part.start, part.end).ok();
        } // each stdin closes here
        let mut ret = Vec::with_capacity(MAX_RANGE as usize);
        for worker in p {
            let bytes = worker.join()?; // Python: p.close(); p.join()
            let squares = bytes
                .chunks_exact(8)
                .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")));
            ret.extend(squares);
        }
        Ok::<_, Failed>(ret)
    });
    Ok((ret?, cost))
}
// ANCHOR_END: process_pool

// ANCHOR: serve_squares
/// A worker of the process pool, in the role [`SQUARES`].
pub fn serve_squares() -> ExitCode {
    let mut line = String::new();
    match io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => return ExitCode::FAILURE, // the pool has gone without a word
        Ok(_) => {}
    }
    let bounds: Vec<u64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let &[start, end] = bounds.as_slice() else {
        eprintln!("error: role {SQUARES} wants START END on stdin, got {line:?}");
        return ExitCode::from(2);
    };
    let squares: Vec<u8> = (start..end).flat_map(|i| run(i).to_le_bytes()).collect();
    let mut stdout = io::stdout().lock();
    match stdout.write_all(&squares).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // the pool has gone
    }
}
// ANCHOR_END: serve_squares
