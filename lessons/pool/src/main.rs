//! Lesson 8 — pool: pools of threads and processes.
//!
//! A pool starts a fixed number of workers once and feeds them tasks from a
//! queue. The number of workers bounds how many tasks run at the same time, so
//! N tasks of equal length take about ceil(N / workers) task-times.
//!
//! Python's `multiprocessing.Pool` is ported as `pool::Pool` (src/pool.rs): worker
//! processes fed over `ipc-channel`, with `map`, `apply_async`, `imap`. Python's
//! thread pools are ported with the `threadpool` crate, the namesake of the pip
//! package `threadpool`.

#[cfg(not(unix))]
compile_error!(
    "lesson-pool runs on Linux and macOS only: its process pool relies on Unix signals \
     (Ctrl-C handling, killing a worker)"
);

mod pool;

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::num::NonZero;
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use shared::{Lesson, Variant, say};
use threadpool::ThreadPool;

use pool::{Job, Pool};

// ANCHOR: main
fn main() -> ExitCode {
    // A worker of a process pool is this same program, started again with a
    // role in its environment (shared::worker::command): it serves its pool
    // and never sees the lesson's command line.
    if let Some(role) = shared::worker::role() {
        return match role.as_str() {
            Calc::ROLE => pool::serve::<Calc>(),
            Chore::ROLE => pool::serve::<Chore>(),
            other => {
                eprintln!("error: no worker role {other:?} in lesson-pool");
                ExitCode::from(2)
            }
        };
    }
    // Otherwise: the lesson, as a learner runs it.
    // ANCHOR_END: main
    Lesson {
        name: "pool",
        about: "Pools of threads and processes: map, apply_async, imap, timeouts, the threadpool crate",
        variants: &[
            Variant {
                name: "map-apply",
                about: "Pool(3): map, apply_async(...).get(), a list of apply_async",
                run: map_apply,
            },
            Variant {
                name: "five-on-four",
                about: "5 tasks on Pool(4) take two task-times; close() and join()",
                run: five_on_four,
            },
            Variant {
                name: "random-naps",
                about: "Pool() with a worker per CPU: 5 naps of random length",
                run: random_naps,
            },
            Variant {
                name: "ten-runs",
                about: "Pool(4) with 10 tasks of 1 to 4 steps each",
                run: ten_runs,
            },
            Variant {
                name: "with-pool",
                about: "get(timeout), map, imap, a TimeoutError, then terminate()",
                run: with_pool,
            },
            Variant {
                name: "as-completed",
                about: "imap answers in input order, imap_unordered as they complete",
                run: as_completed,
            },
            Variant {
                name: "worker-dies",
                about: "a worker dies during its task: get() reports it at once",
                run: worker_dies,
            },
            Variant {
                name: "pool-sizes",
                about: "ThreadPool, DummyPool and process Pool with 1 to 4 workers",
                run: pool_sizes,
            },
            Variant {
                name: "threadpool",
                about: "the threadpool crate: positional and keyword arguments, callbacks",
                run: threadpool_requests,
            },
        ],
    }
    .main()
}

/// Python's two-second task (tutorial 001), scaled down.
const TASK: Duration = Duration::from_millis(300);
/// One step of the tasks that take 1 to 4 steps (Python: 1 to 4 seconds).
const STEP: Duration = Duration::from_millis(50);
/// How long a `get` that must succeed may wait. Python's example waits 1 s
/// and warns "unless your computer is very slow"; ours must never fail, so it
/// is generous. It returns as soon as the answer is there.
const PATIENCE: Duration = Duration::from_secs(10);
/// The timeout of the `get` that must fail: its task never finishes.
const SHORT_TIMEOUT: Duration = Duration::from_millis(200);

// ANCHOR: calc
/// The functions that answer a number, as data: the worker matches on them.
#[derive(Serialize, Deserialize)]
enum Calc {
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
enum Chore {
    /// Tutorial 001's `long_time_task(i)`.
    LongTimeTask(u32),
    /// Tutorial 003's `long_time_task(name)`, which sleeps a random time.
    RandomNap(u32),
    /// Tutorial 004's `run(name)`, which sleeps 1 to 4 steps.
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
                thread::sleep(TASK.mul_f64(random_fraction())); // Python: time.sleep(random.random() * 3)
                say!("task {i}: ran {:.2?}", start.elapsed());
            }
            Chore::Run(i) => {
                say!("task {i}: child starts, pid {pid}");
                let start = Instant::now();
                let steps = 1 + (random_fraction() * 4.0) as u32; // Python: random.choice([1, 2, 3, 4])
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

/// Python: `random.random()`, a number in [0, 1). The standard library has no
/// random numbers, but the keys it draws to protect each `HashMap` are random
/// enough for a nap of random length.
fn random_fraction() -> f64 {
    let bits = RandomState::new().build_hasher().finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// Python: `multiprocessing.cpu_count()`.
fn cpu_count() -> usize {
    thread::available_parallelism().map_or(1, NonZero::get)
}

// ANCHOR: map_apply
fn map_apply() {
    let pool = Pool::new(3).expect("cannot start the pool"); // Python: pool = mp.Pool(processes=3)

    let result = pool.map(Calc::Square, 0..10).expect("map"); // Python: pool.map(job, range(10))
    say!("{result:?}");

    let res = pool.apply_async(Calc::Square(2)); // Python: res = pool.apply_async(job, (2,))
    say!("{}", res.get().expect("job(2)")); // Python: res.get()

    // Python: multi_res = [pool.apply_async(job, (i,)) for i in range(10)]
    let multi_res: Vec<_> = (0..10).map(|i| pool.apply_async(Calc::Square(i))).collect();
    // Python: [res.get() for res in multi_res]
    let answers: Vec<u64> = multi_res.iter().map(|r| r.get().expect("job(i)")).collect();
    say!("{answers:?}");
} // dropping the pool terminates it: its workers are killed and reaped
// ANCHOR_END: map_apply

// ANCHOR: five_on_four
fn five_on_four() {
    say!("CPU cores: {}", cpu_count()); // Python: cpu_count()
    say!("parent process: pid {}", std::process::id()); // Python: os.getpid()
    let start = Instant::now();
    let p = Pool::new(4).expect("cannot start the pool"); // Python: p = Pool(4)
    for i in 0..5 {
        // The handle is dropped: nobody asks for the (empty) answer.
        p.apply_async(Chore::LongTimeTask(i)); // Python: p.apply_async(long_time_task, args=(i,))
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
fn random_naps() {
    say!("parent process: pid {}", std::process::id());
    let p = Pool::new(cpu_count()).expect("cannot start the pool"); // Python: p = Pool()
    for i in 0..5 {
        p.apply_async(Chore::RandomNap(i)); // Python: p.apply_async(long_time_task, args=(i,))
    }
    say!("main: waiting for all subprocesses done...");
    p.close().join(); // Python: p.close(); p.join()
    say!("all subprocesses done.");
}
// ANCHOR_END: random_naps

// ANCHOR: ten_runs
fn ten_runs() {
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

// ANCHOR: with_pool
fn with_pool() {
    // Python: with Pool(processes=4) as pool:
    let pool = Pool::new(4).expect("cannot start the pool");

    let result = pool.apply_async(Calc::Square(10)); // Python: pool.apply_async(f, (10,))
    say!("{}", result.get_timeout(PATIENCE).expect("f(10)")); // Python: result.get(timeout=1)

    say!("{:?}", pool.map(Calc::Square, 0..10).expect("map")); // Python: pool.map(f, range(10))

    let mut it = pool.imap(Calc::Square, 0..10); // Python: it = pool.imap(f, range(10))
    say!("{}", it.next().expect("ten answers").expect("f(0)")); // Python: next(it)
    say!("{}", it.next().expect("ten answers").expect("f(1)")); // Python: next(it)
    let third = it.next_timeout(PATIENCE).expect("ten answers"); // Python: it.next(timeout=1)
    say!("{}", third.expect("f(2)"));

    let result = pool.apply_async(Calc::WaitForever); // Python: pool.apply_async(time.sleep, (10,))
    match result.get_timeout(SHORT_TIMEOUT) {
        // Python: result.get(timeout=1) raises multiprocessing.TimeoutError
        Err(timeout) => say!("{timeout}"),
        Ok(_) => unreachable!("WaitForever never answers"),
    }
    // The timeout ended the waiting, not the task: a worker is still busy with it.

    // Python: the end of the `with` block calls pool.terminate()
    let start = Instant::now();
    pool.terminate();
    say!("terminate() took {:.2?}", start.elapsed());
    say!("worker processes left: {}", pool::live_workers());
}
// ANCHOR_END: with_pool

// ANCHOR: as_completed
fn as_completed() {
    let pool = Pool::new(4).expect("cannot start the pool");
    // Input x pauses (4 - x) steps: the last input is done first.
    let slow_square = |x: u64| Calc::SlowSquare {
        x,
        pause: STEP * (4 - x as u32),
    };

    say!("imap: in input order");
    for answer in pool.imap(slow_square, 0..4) {
        say!("  {}", answer.expect("a square"));
    }

    say!("imap_unordered: as they complete");
    for answer in pool.imap_unordered(slow_square, 0..4) {
        let (x, square) = answer.expect("a square");
        say!("  x = {x}: {square}");
    }
    pool.close().join();
}
// ANCHOR_END: as_completed

// ANCHOR: worker_dies
fn worker_dies() {
    let pool = Pool::new(2).expect("cannot start the pool");
    let doomed = pool.apply_async(Calc::Die);
    // get() waits as long as the task takes, but not for a worker that is gone.
    match doomed.get() {
        Err(died) => say!("get(): {died}"),
        Ok(_) => unreachable!("the task kills its worker"),
    }
    say!("worker processes left: {}", pool::live_workers());
    let squares = pool.map(Calc::Square, 0..4).expect("map");
    say!("the other worker carries on: {squares:?}");
    pool.close().join();
}
// ANCHOR_END: worker_dies

/// Python's `max_range` (the tutorial does not show its value).
const MAX_RANGE: u64 = 100_000;

// ANCHOR: pool_sizes
// Python: def run(i): i = i * i
fn run(i: u64) -> u64 {
    i * i
}

fn pool_sizes() {
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
    let ret = threadpool_map(&p, run, (0..MAX_RANGE).collect()); // Python: p.map(run, range(max_range))
    p.join(); // Python: p.close(); p.join()
    let cost = start_time.elapsed();
    say!(
        "thread_pool  {num}, costTime: {cost:.2?}, ret.size: {}",
        ret.len()
    );
}

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
    let p = Pool::new(num).expect("cannot start the pool"); // Python: p = ProcessPool(num)
    let start_time = Instant::now();
    let ret = p.map(Calc::Square, 0..MAX_RANGE).expect("map"); // Python: p.map(run, range(max_range))
    p.close().join(); // Python: p.close(); p.join()
    let cost = start_time.elapsed();
    say!(
        "process_pool {num}, costTime: {cost:.2?}, ret.size: {}",
        ret.len()
    );
}
// ANCHOR_END: pool_sizes

// ANCHOR: threadpool
// Python: def hello(m, n, o): print("m = %s, n = %s, o = %s" % (m, n, o))
fn hello(m: &str, n: &str, o: &str) {
    println!("m = {m}, n = {n}, o = {o}");
}

/// Python's keyword arguments, `{'m': '1', 'n': '2', 'o': '3'}`: a struct with
/// a field per parameter. Fields are named where it is built, in any order;
/// a missing or misspelt one is a compile error rather than a `TypeError`.
struct HelloArgs {
    m: &'static str,
    n: &'static str,
    o: &'static str,
}

fn threadpool_requests() {
    let pool = ThreadPool::new(3); // Python: pool = threadpool.ThreadPool(3)

    println!("positional arguments: a tuple per request");
    let func_var1 = [("1", "2", "3"), ("4", "5", "6")]; // Python: [(['1', '2', '3'], None), ...]
    for (m, n, o) in func_var1 {
        // Python: pool.putRequest(req) for each req in makeRequests(hello, func_var1)
        pool.execute(move || hello(m, n, o));
    }
    pool.join(); // Python: pool.wait()

    println!("keyword arguments: a struct with named fields");
    let func_var2 = [
        HelloArgs {
            m: "1",
            n: "2",
            o: "3",
        }, // Python: (None, {'m': '1', 'n': '2', 'o': '3'})
        HelloArgs {
            o: "6",
            m: "4",
            n: "5",
        },
    ];
    for args in func_var2 {
        pool.execute(move || {
            let HelloArgs { m, n, o } = args;
            hello(m, n, o);
        });
    }
    pool.join(); // Python: pool.wait()

    println!("callbacks: called in main, as the results arrive");
    // Python: requests = makeRequests(greeting, func_var1, callback)
    let (results_tx, results) = mpsc::channel();
    for (request, (m, n, o)) in func_var1.into_iter().enumerate() {
        let results_tx = results_tx.clone();
        pool.execute(move || {
            results_tx.send((request, greeting(m, n, o))).ok();
        });
    }
    drop(results_tx);
    // Python: pool.wait() takes each result off the pool's result queue and
    // calls the callback with it, in the thread that waits.
    for (request, result) in results {
        callback(request, &result);
    }
    pool.join(); // the pool's threads are detached: never let main return before this
}

// Python: def greeting(m, n, o): return "m = %s, n = %s, o = %s" % (m, n, o)
fn greeting(m: &str, n: &str, o: &str) -> String {
    format!("m = {m}, n = {n}, o = {o}")
}

// Python: def callback(request, result): print(...)
fn callback(request: usize, result: &str) {
    println!("callback: request {request} returned {result:?}");
}
// ANCHOR_END: threadpool
