//! Ten thousand waits at once, as OS threads and as tokio tasks: what each
//! costs in memory and in time to start and finish.
//!
//! Each crowd runs in a process of its own (this program again, in the
//! worker role `many`), so that each process's peak memory is that crowd's
//! alone. Every member waits twice on a barrier: once when all have started
//! (the moment the peak is read) and once more until `main` lets them go.
//! `cargo xtask measure-async` runs the same role in a release build, beside
//! `python/many.py`, the same program with asyncio and threading.

use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The worker role that measures one crowd.
pub const ROLE: &str = "many";

/// What one crowd cost.
struct Measured {
    /// Peak resident memory before the crowd started, and with all of it waiting.
    before_kib: u64,
    peak_kib: u64,
    /// From the first spawn until every member is waiting.
    start: Duration,
    /// From letting them go until every member has finished.
    finish: Duration,
}

impl Measured {
    fn each_kib(&self, count: usize) -> f64 {
        (self.peak_kib - self.before_kib) as f64 / count as f64
    }
}

fn peak_kib() -> u64 {
    shared::os::peak_rss_kib().expect("read this process's peak memory")
}

// ANCHOR: threads
fn threads(count: usize) -> Measured {
    let before_kib = peak_kib();
    let started = Instant::now();
    let all_waiting = Arc::new(std::sync::Barrier::new(count + 1));
    let go = Arc::new(std::sync::Barrier::new(count + 1));
    let crowd: Vec<_> = (0..count)
        .map(|_| {
            let (all_waiting, go) = (all_waiting.clone(), go.clone());
            // Python: threading.Thread(target=wait).start()
            std::thread::spawn(move || {
                all_waiting.wait();
                go.wait();
            })
        })
        .collect();
    all_waiting.wait();
    let (start, peak_kib) = (started.elapsed(), peak_kib());
    let going = Instant::now();
    go.wait();
    for thread in crowd {
        thread.join().expect("a waiting thread does not panic");
    }
    Measured {
        before_kib,
        peak_kib,
        start,
        finish: going.elapsed(),
    }
}
// ANCHOR_END: threads

// ANCHOR: tasks
fn tasks(count: usize) -> Measured {
    let runtime = tokio::runtime::Runtime::new().expect("start a tokio runtime");
    runtime.block_on(async {
        // The runtime and its threads are there whatever the crowd: not counted.
        let before_kib = peak_kib();
        let started = Instant::now();
        let all_waiting = Arc::new(tokio::sync::Barrier::new(count + 1));
        let go = Arc::new(tokio::sync::Barrier::new(count + 1));
        let mut crowd = tokio::task::JoinSet::new();
        for _ in 0..count {
            let (all_waiting, go) = (all_waiting.clone(), go.clone());
            // Python: asyncio.create_task(wait())
            crowd.spawn(async move {
                all_waiting.wait().await;
                go.wait().await;
            });
        }
        all_waiting.wait().await;
        let (start, peak_kib) = (started.elapsed(), peak_kib());
        let going = Instant::now();
        go.wait().await;
        crowd.join_all().await;
        Measured {
            before_kib,
            peak_kib,
            start,
            finish: going.elapsed(),
        }
    })
}
// ANCHOR_END: tasks

/// The worker: `threads COUNT` or `tasks COUNT`; prints one JSON line.
pub fn worker(role: &str, mut args: impl Iterator<Item = String>) -> ExitCode {
    let (way, count) = (args.next(), args.next().and_then(|n| n.parse().ok()));
    let (Some(way), Some(count), ROLE) = (way.as_deref(), count, role) else {
        eprintln!("error: the worker role is `{ROLE}`, with `threads|tasks COUNT`");
        return ExitCode::from(2);
    };
    let measured = match way {
        "threads" => threads(count),
        "tasks" => tasks(count),
        other => {
            eprintln!("error: {other:?} is neither `threads` nor `tasks`");
            return ExitCode::from(2);
        }
    };
    let record = serde_json::json!({
        "language": "rust",
        "way": way,
        "count": count,
        "before_kib": measured.before_kib,
        "peak_kib": measured.peak_kib,
        "start_s": measured.start.as_secs_f64(),
        "finish_s": measured.finish.as_secs_f64(),
    });
    println!("{record}");
    ExitCode::SUCCESS
}

/// Runs one crowd in a worker process and reads what it measured.
///
/// Ctrl-C reaches the worker too, and it dies of it. This process only notes
/// the SIGINT, so that it can still reap the worker, and then ends as Ctrl-C
/// would have ended it.
fn measure(way: &str, count: usize) -> Measured {
    static INTERRUPTED: AtomicBool = AtomicBool::new(false);
    // A caught signal is reset to its default across exec: the worker still dies of it.
    signal_hook::flag::register(signal_hook::consts::SIGINT, &INTERRUPTED).ok();
    let output = shared::worker::command(ROLE)
        .args([way, &count.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .expect("start the worker");
    if INTERRUPTED.load(Ordering::SeqCst) {
        std::process::exit(130); // 128 + SIGINT, what a shell reports for Ctrl-C
    }
    assert!(
        output.status.success(),
        "the {way} worker failed: {}",
        output.status
    );
    let record: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the worker prints one JSON line");
    let number = |key: &str| record[key].as_f64().expect("a number");
    Measured {
        before_kib: number("before_kib") as u64,
        peak_kib: number("peak_kib") as u64,
        start: Duration::from_secs_f64(number("start_s")),
        finish: Duration::from_secs_f64(number("finish_s")),
    }
}

// ANCHOR: many
pub fn many() {
    let crowds = [
        ("OS threads", "threads", 10_000),
        ("tokio tasks", "tasks", 10_000),
        ("tokio tasks", "tasks", 100_000),
    ];
    let mut each_kib = Vec::new();
    for (name, way, count) in crowds {
        let measured = measure(way, count);
        println!(
            "{count:>7} {name:<11}: {:>4.1} KiB each ({} KiB at the peak, {} before)",
            measured.each_kib(count),
            measured.peak_kib,
            measured.before_kib,
        );
        println!(
            "{:21}all waiting after {:.2?}, done {:.2?} later",
            "", measured.start, measured.finish,
        );
        each_kib.push(measured.each_kib(count));
    }
    let (thread, task) = (each_kib[0], each_kib[1]);
    println!(
        "a waiting task needs {:.1}x less memory than a waiting thread",
        thread / task
    );
    println!("100,000 threads: not tried; each needs a kernel thread and a stack");
}
// ANCHOR_END: many
