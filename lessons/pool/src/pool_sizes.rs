//! The timing in tutorial 002 of three pools with 1 to 8 workers each (1 to 4
//! here): `multiprocessing.pool.ThreadPool`, `multiprocessing.dummy.Pool`
//! (imported as `DummyPool`) and the process `Pool` (as `ProcessPool`), each
//! mapping `run(i)` over a range.

use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use shared::say;
use threadpool::ThreadPool;

use crate::jobs::Calc;
use crate::pool::Pool;

/// Python's `max_range` (the tutorial does not show its value).
const MAX_RANGE: u64 = 100_000;

// ANCHOR: pool_sizes
// Python: def run(i): i = i * i
fn run(i: u64) -> u64 {
    i * i
}

pub fn pool_sizes() {
    say!("(only a demonstration: lesson gil_efficiency measures this properly)");
    for num in 1..=4 {
        thread_pool(num);
    }
    for num in 1..=4 {
        dummy_pool(num);
    }
    for num in 1..=4 {
        process_pool(num);
    }
}

fn thread_pool(num: usize) {
    let p = ThreadPool::new(num); // Python: p = ThreadPool(num)
    let start_time = Instant::now();
    // Python: ret = p.map(run, range(max_range))
    let ret = threadpool_map(&p, run, (0..MAX_RANGE).collect());
    p.join(); // Python: p.close(); p.join()
    let cost = start_time.elapsed();
    say!(
        "thread_pool  {num}, costTime: {cost:.2?}, ret.size: {}",
        ret.len()
    );
}
// ANCHOR_END: pool_sizes

// ANCHOR: threadpool_map
/// The threadpool crate has no `map`: cut the inputs in chunks (four per
/// thread, like Python), run each chunk as a job, and put the answers back in
/// order by chunk number, since they arrive as the jobs complete.
fn threadpool_map(pool: &ThreadPool, f: fn(u64) -> u64, inputs: Vec<u64>) -> Vec<u64> {
    let chunk_size = inputs.len().div_ceil(4 * pool.max_count()).max(1);
    let (answers_tx, answers) = mpsc::channel();
    for (index, chunk) in inputs.chunks(chunk_size).enumerate() {
        let chunk = chunk.to_vec();
        let answers_tx = answers_tx.clone();
        pool.execute(move || {
            let squares: Vec<u64> = chunk.into_iter().map(f).collect();
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
// ANCHOR_END: threadpool_map

// ANCHOR: dummy_and_process
fn dummy_pool(num: usize) {
    // multiprocessing.dummy.Pool is ThreadPool under another name. Its Rust
    // stand-in here: `num` scoped threads for one map, a slice each, joined
    // in order (which keeps the answers in order).
    let inputs: Vec<u64> = (0..MAX_RANGE).collect();
    let start_time = Instant::now();
    let ret: Vec<u64> = thread::scope(|s| {
        let workers: Vec<_> = inputs
            .chunks(inputs.len().div_ceil(num))
            .map(|part| s.spawn(move || part.iter().map(|&i| run(i)).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a worker panicked"))
            .collect()
    });
    let cost = start_time.elapsed();
    say!(
        "dummy_pool   {num}, costTime: {cost:.2?}, ret.size: {}",
        ret.len()
    );
}

fn process_pool(num: usize) {
    // Python: p = ProcessPool(num)
    let p = Pool::new(num).expect("cannot start the pool");
    let start_time = Instant::now();
    // Python: ret = p.map(run, range(max_range))
    let ret = p.map(Calc::Square, 0..MAX_RANGE).expect("map");
    p.close().join(); // Python: p.close(); p.join()
    let cost = start_time.elapsed();
    say!(
        "process_pool {num}, costTime: {cost:.2?}, ret.size: {}",
        ret.len()
    );
}
// ANCHOR_END: dummy_and_process

#[cfg(test)]
mod tests {
    #[test]
    fn run_squares_its_number() {
        assert_eq!(super::run(7), 49);
        assert_eq!(super::run(0), 0);
    }
}
