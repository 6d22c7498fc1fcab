//! Lesson 4 — gil_efficiency: CPU-bound work, threads versus processes.
//!
//! The Python tutorials time the same sums plainly, in threads and in
//! processes, and find that threads do not help: CPython's Global
//! Interpreter Lock (GIL) lets one thread at a time run Python code. Rust has
//! no GIL. Every variant here prints, for each way of doing the work, the wall
//! time, the CPU time, the CPU use (CPU time over wall time: the tutorial's
//! "160%") and the speedup over the plain way.
//!
//! The jobs, the measuring and the worker processes live in the library half
//! of this package (`src/lib.rs`), which the benchmark and `cargo xtask
//! measure` use too.

use std::hint::black_box;
use std::io::{self, BufRead, Write};
use std::num::NonZero;
use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use lesson_gil_efficiency::usage::{Cost, Percent, Ratio, best_of, measure};
use lesson_gil_efficiency::work::{
    run, sum_list, sum_of_powers, sum_of_powers_formula, sum_of_powers_unprotected,
};
use lesson_gil_efficiency::workers::{self, Failed, Worker};
use lesson_gil_efficiency::{costs, ways};
use shared::{Lesson, Variant, say};
use threadpool::ThreadPool;

/// Each way is timed this many times, and the fastest run is shown.
const RUNS: u32 = 3;

const VARIANTS: &[Variant] = &[
    Variant {
        name: "list-sum",
        about: "sum a list of 1,000,000 numbers 4 times: plainly, then in 4 threads",
        run: list_sum,
    },
    Variant {
        name: "sum-of-powers",
        about: "normal(), two threads, two processes: Σ(i + i² + i³) for i < 1,000,000, twice",
        run: sum_of_powers_demo,
    },
    Variant {
        name: "black-box",
        about: "the same loop with and without black_box, which keeps the optimiser from deleting it",
        run: black_box_demo,
    },
    Variant {
        name: "work-size",
        about: "one sum split between 2 threads or 2 processes, small to large: when starting costs more than it saves",
        run: work_size,
    },
    Variant {
        name: "pool-sizes",
        about: "ThreadPool, DummyPool and a process pool with 1 to 8 workers on run(i) = i * i",
        run: pool_sizes,
    },
    Variant {
        name: "busy-loop",
        about: "spinning threads, one per CPU and then 100: the CPU use they reach",
        run: busy_loop_demo,
    },
    Variant {
        name: "io-bound",
        about: "4 tasks that wait, as for a network: threads help, and use no CPU",
        run: io_bound,
    },
    Variant {
        name: "costs",
        about: "starting a thread, starting a process, and switching between two of each",
        run: costs_demo,
    },
];

// ANCHOR: main
fn main() -> ExitCode {
    // A worker process of this lesson is this same program, started again
    // with a role in the environment variable LESSON_WORKER. The check comes
    // first: a worker does its one job and never runs the lesson.
    if let Some(role) = shared::worker::role() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        return match role.as_str() {
            ways::SUM => ways::serve_sum(&args),
            SQUARES => serve_squares(),
            costs::ECHO => costs::serve_echo(),
            costs::NOTHING => ExitCode::SUCCESS,
            // Not part of the lesson: the measurements of `cargo xtask measure`.
            lesson_gil_efficiency::measure::ROLE => {
                lesson_gil_efficiency::measure::main(&this_program(), &args)
            }
            other => {
                eprintln!("error: no worker role {other:?} in lesson-gil_efficiency");
                ExitCode::from(2)
            }
        };
    }
    Lesson {
        name: "gil_efficiency",
        about: "CPU-bound work in threads and in processes: wall time, CPU time, CPU use, speedup",
        variants: VARIANTS,
    }
    .main()
}

/// This lesson's own executable, which worker processes run.
fn this_program() -> PathBuf {
    std::env::current_exe().expect("the path of this program")
}
// ANCHOR_END: main

// ANCHOR: list_sum
const LIST_LEN: u64 = 1_000_000;

// Python: def job(l, q): res = sum(l); q.put(res)
fn list_job(l: &[u64], q: &mpsc::Sender<u64>) {
    let res = sum_list(l);
    q.send(res).expect("main holds the receiver");
}

// Python: def multithreading(l)
fn multithreading(l: &[u64]) -> u64 {
    let (q, results) = mpsc::channel(); // Python: q = Queue()
    thread::scope(|s| {
        for i in 0..4 {
            let q = q.clone();
            // Python: t = threading.Thread(target=job, args=(copy.copy(l), q), name='T%i' % i); t.start()
            thread::Builder::new()
                .name(format!("T{i}"))
                .spawn_scoped(s, move || list_job(l, &q))
                .expect("the OS refused a thread");
        }
    }); // Python: [t.join() for t in threads]: the scope joins them
    drop(q); // so that a missing sum makes recv() fail instead of waiting forever
    let mut total = 0;
    for _ in 0..4 {
        total += results.recv().expect("each thread sent its sum"); // Python: total += q.get()
    }
    total
}

// Python: def normal(l): total = sum(l), called with l * 4
fn normal_list(l: &[u64]) -> u64 {
    // `l * 4` builds a list four times as long; summing `l` four times is
    // the same work without the copy.
    (0..4).map(|_| sum_list(l)).sum()
}

fn list_sum() {
    let l: Vec<u64> = (0..LIST_LEN).collect(); // Python: l = list(range(1000000))
    say!("l = 0..{LIST_LEN}, summed 4 times over");

    let (total, plain) = best_of(RUNS, || normal_list(&l));
    say!("normal:         {total}");
    say!("normal:         {plain}");

    let (total, threads) = best_of(RUNS, || multithreading(&l));
    say!("multithreading: {total}");
    say!(
        "multithreading: {threads}, speedup {}",
        threads.speedup_over(&plain)
    );
}
// ANCHOR_END: list_sum

// ANCHOR: sum_of_powers
const N: u64 = 1_000_000;

// Python: def job(q): res = 0; for i in range(1000000): res += i + i**2 + i**3; q.put(res)
fn job() -> u128 {
    sum_of_powers(0..N)
}

// Python: def normal(): for _ in range(2): for i in range(1000000): res += i + i**2 + i**3
fn normal() -> u128 {
    (0..2).map(|_| sum_of_powers(0..N)).sum()
}

// Python: def multithread()
fn multithread() -> u128 {
    let t1 = thread::spawn(job); // Python: t1 = td.Thread(target=job, args=(q,)); t1.start()
    let t2 = thread::spawn(job); // Python: t2 = td.Thread(target=job, args=(q,)); t2.start()
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
    let p1 = Worker::start(&mut command)?; // Python: p1 = mp.Process(target=job, args=(q,)); p1.start()
    let p2 = Worker::start(&mut command)?; // Python: p2 = mp.Process(target=job, args=(q,)); p2.start()
    let res1 = ways::parse_sum(&p1.join()?)?; // Python: p1.join(); res1 = q.get()
    let res2 = ways::parse_sum(&p2.join()?)?; // Python: p2.join(); res2 = q.get()
    Ok(res1 + res2)
}

fn sum_of_powers_demo() {
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
// ANCHOR_END: sum_of_powers

// ANCHOR: black_box
fn black_box_demo() {
    say!("Σ(i + i² + i³) for i < n, in the loop with black_box and without:");
    for n in [1_000_000, 10_000_000] {
        // n itself must come from somewhere the optimiser cannot see, or it
        // could compute both sums while compiling.
        let n = black_box(n);
        let (with, kept) = best_of(RUNS, || sum_of_powers(0..n));
        let (without, unprotected) = best_of(RUNS, || sum_of_powers_unprotected(0..n));
        say!(
            "n = {n}: with black_box {:.2?}, without {:.2?}: {} as fast",
            kept.wall,
            unprotected.wall,
            unprotected.speedup_over(&kept)
        );
        let right = with == sum_of_powers_formula(n) && without == with;
        say!("  both sums right: {right}");
    }
}
// ANCHOR_END: black_box

// ANCHOR: work_size
fn work_size() {
    let program = this_program();
    say!("Σ(i + i² + i³) for i < n: plainly, then split between 2 threads, then 2 processes");
    for n in [10_000, 1_000_000, 20_000_000] {
        let (sum, plain) = best_of(RUNS, || ways::plain(n));
        let (by_threads, threads) = best_of(RUNS, || ways::threads(n, 2));
        let (by_processes, processes) = best_of(RUNS, || ways::processes(&program, n, 2));
        say!("n = {n}: sum {sum}");
        say!("  plain:       {plain}");
        say!(
            "  2 threads:   {threads}, speedup {}",
            threads.speedup_over(&plain)
        );
        say!(
            "  2 processes: {processes}, speedup {}",
            processes.speedup_over(&plain)
        );
        let agree = by_threads == sum && by_processes.as_ref() == Ok(&sum);
        say!(
            "  all three agree with the formula: {}",
            agree && sum == sum_of_powers_formula(n)
        );
        if let Err(why) = by_processes {
            say!("  the processes failed: {why}");
        }
    }
}
// ANCHOR_END: work_size

// ANCHOR: pool_sizes
/// Python (tutorial 002) leaves `max_range` out; this is ours.
const MAX_RANGE: u64 = 1_000_000;

fn pool_sizes() {
    say!("p.map(run, range({MAX_RANGE})) with run(i) = i * i; speedup over plain");
    let (expected, plain) = best_of(RUNS, || (0..MAX_RANGE).map(run).collect::<Vec<u64>>());
    say!(
        "plain          costTime: {plain}, ret.size: {}",
        expected.len()
    );
    for num in 1..=8 {
        let (ret, cost) = thread_pool(num);
        report("thread_pool ", num, cost, &plain, &ret, &expected);
    }
    for num in 1..=8 {
        let (ret, cost) = dummy_pool(num);
        report("dummy_pool  ", num, cost, &plain, &ret, &expected);
    }
    for num in 1..=8 {
        match process_pool(num) {
            Ok((ret, cost)) => report("process_pool", num, cost, &plain, &ret, &expected),
            Err(why) => say!("process_pool {num}, {why}"),
        }
    }
}

fn report(pool: &str, num: usize, cost: Cost, plain: &Cost, ret: &[u64], expected: &[u64]) {
    // Python: print("thread_pool  %d, costTime: %fs ret.size: %d" % ...)
    say!(
        "{pool} {num}, costTime: {cost}, speedup {}, ret.size: {}",
        cost.speedup_over(plain),
        ret.len()
    );
    assert_eq!(ret, expected, "{pool} {num} computed other squares");
}

fn thread_pool(num: usize) -> (Vec<u64>, Cost) {
    let p = ThreadPool::new(num); // Python: p = ThreadPool(num)
    best_of(RUNS, || {
        let ret = threadpool_map(&p, run, MAX_RANGE); // Python: ret = p.map(run, range(max_range))
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

/// The worker role of the process pool: reads `START END` on stdin, writes
/// run(i) for each i in START..END on stdout, 8 bytes each.
const SQUARES: &str = "squares";

fn process_pool(num: usize) -> Result<(Vec<u64>, Cost), Failed> {
    let program = this_program();
    let mut first_run = true;
    let (ret, cost) = best_of(RUNS, || {
        // Python: p = ProcessPool(num), which starts the workers. Python
        // starts its clock after this; we cannot: a process's CPU time counts
        // from its start, so the wall time must count from there too.
        let mut p = (0..num)
            .map(|_| Worker::start(workers::command(&program, SQUARES).stdin(Stdio::piped())))
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

fn serve_squares() -> ExitCode {
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => return ExitCode::FAILURE, // the pool has gone without a word
        Ok(_) => {}
    }
    let bounds: Vec<u64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let [start, end] = bounds[..] else {
        eprintln!("error: role {SQUARES} wants START END on stdin, got {line:?}");
        return ExitCode::from(2);
    };
    let squares: Vec<u8> = (start..end).flat_map(|i| run(i).to_le_bytes()).collect();
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(&squares).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE, // the pool has gone
    }
}
// ANCHOR_END: pool_sizes

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
                s.spawn(|| busy_loop(&stop)); // Python: t = threading.Thread(target=loop); t.start()
            }
            thread::sleep(SPIN);
            stop.store(true, Relaxed);
        });
    });
    cost
}

fn busy_loop_demo() {
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

// ANCHOR: io_bound
/// How long each task waits.
const WAIT: Duration = Duration::from_millis(100);

/// Stands for a download or a disk read: the thread waits, and the CPU is
/// free meanwhile. (Python's `time.sleep` and its I/O release the GIL too.)
fn io_task() {
    thread::sleep(WAIT);
}

fn io_bound() {
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

// ANCHOR: costs
fn costs_demo() {
    let program = this_program();
    let thread = costs::thread_start(100);
    say!("start and join a thread:          {thread:.2?} (average of 100)");
    let process = match costs::process_start(&program, 20) {
        Ok(process) => process,
        Err(why) => return say!("start a process: {why}"),
    };
    say!("start and join a process:         {process:.2?} (average of 20)");
    say!(
        "a process takes {} as long to start as a thread",
        Ratio(process.as_secs_f64() / thread.as_secs_f64().max(1e-9))
    );

    let threads = costs::thread_round_trip(10_000);
    say!("round trip between two threads:   {threads:.2?} (channels, average of 10000)");
    match costs::process_round_trip(&program, 10_000) {
        Ok(processes) => {
            say!("round trip between two processes: {processes:.2?} (pipes, average of 10000)")
        }
        Err(why) => say!("round trip between two processes: {why}"),
    }
    let ((), job) = measure(|| {
        black_box(job());
    });
    say!("for scale, one job (Σ for i < {N}): {:.2?}", job.wall);
}
// ANCHOR_END: costs
