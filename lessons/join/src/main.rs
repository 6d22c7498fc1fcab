//! join: waiting for threads.
//!
//! Python keeps the process alive until every non-daemon thread has finished.
//! Rust does not: when `main` returns, the process ends and every thread still
//! running ends with it, mid-sentence. Waiting is your job: `join`, or a
//! `thread::scope` that joins for you.

use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use shared::{Lesson, Variant};

fn main() -> ExitCode {
    Lesson {
        name: "join",
        about: "Waiting for threads: JoinHandle::join, thread::scope, a timed join",
        variants: &[
            Variant {
                name: "no-join",
                about: "main returns without waiting: T1 vanishes",
                run: no_join,
            },
            Variant {
                name: "join",
                about: "main waits for T1 before \"all done\"",
                run: join,
            },
            Variant {
                name: "join-in-turn",
                about: "T1 is started and joined before T2 starts",
                run: join_in_turn,
            },
            Variant {
                name: "join-both",
                about: "T1 and T2 run together, then main joins both",
                run: join_both,
            },
            Variant {
                name: "ending",
                about: "two threads never joined: \"ending!\", and they vanish",
                run: ending,
            },
            Variant {
                name: "scope",
                about: "the fix: thread::scope joins every thread it started",
                run: scope,
            },
            Variant {
                name: "join-timeout",
                about: "join(timeout): wait a while, then wait again",
                run: join_timeout,
            },
            Variant {
                name: "panic",
                about: "a thread that panics: join hands back the panic",
                run: panic,
            },
        ],
    }
    .main()
}

/// How long each of T1's ten steps takes (the original slept 0.1 s).
const STEP: Duration = Duration::from_millis(100);

// ANCHOR: thread_jobs
// Python: def thread_job(): ...
fn thread_job() {
    println!("T1 Start");
    for _ in 0..10 {
        thread::sleep(STEP); // Python: time.sleep(0.1)
    }
    println!("T1 Finish");
}

// Python: def thread_job2(): ...
fn thread_job2() {
    println!("T2 Start");
    println!("T2 Finish");
}
// ANCHOR_END: thread_jobs

/// Starts `job` on a new thread with a name, like
/// `threading.Thread(target=job, name=name).start()`.
fn start(name: &str, job: fn()) -> thread::JoinHandle<()> {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(job)
        .expect("the OS refused to start a thread")
}

// ANCHOR: no_join
fn no_join() {
    let _t1 = start("T1", thread_job); // Python: add_thread.start()

    println!("all done");
    // Python would now wait for T1, a non-daemon thread, before exiting.
    // Rust does not: returning from main ends the process, and T1 with it.
    // Whether "T1 Start" gets printed first is a race; "T1 Finish" never is.
}
// ANCHOR_END: no_join

// ANCHOR: join
fn join() {
    let t1 = start("T1", thread_job); // Python: add_thread.start()

    t1.join().expect("T1 panicked"); // Python: add_thread.join()
    println!("all done");
}
// ANCHOR_END: join

// ANCHOR: join_in_turn
fn join_in_turn() {
    let t1 = start("T1", thread_job); // Python: add_thread.start()
    t1.join().expect("T1 panicked"); // Python: add_thread.join()

    let t2 = start("T2", thread_job2); // Python: add_thread2.start()
    t2.join().expect("T2 panicked"); // Python: add_thread2.join()

    println!("all done");
}
// ANCHOR_END: join_in_turn

// ANCHOR: join_both
fn join_both() {
    let t1 = start("T1", thread_job); // Python: add_thread.start()
    let t2 = start("T2", thread_job2); // Python: add_thread2.start()

    t1.join().expect("T1 panicked"); // Python: add_thread.join()
    t2.join().expect("T2 panicked"); // Python: add_thread2.join()
    println!("all done");
}
// ANCHOR_END: join_both

// ANCHOR: ending
// Python: def countNum(n): print("running on number:%s" % n); time.sleep(3)
fn count_num(n: u32) {
    println!("running on number:{n}");
    thread::sleep(Duration::from_millis(300));
}

fn ending() {
    // Python: threading.Thread(target=countNum, args=(23,)).start(), and for 34
    thread::spawn(|| count_num(23));
    thread::spawn(|| count_num(34));
    println!("ending!");
    // Python prints "ending!" and then waits three seconds for both threads.
    // Here the process ends at once: the threads may not even get to print.
}
// ANCHOR_END: ending

// ANCHOR: scope
fn scope() {
    let numbers = vec![23, 34];
    // The scope cannot end before every thread spawned in it has ended, so
    // the threads may borrow `numbers`, which lives on main's stack.
    thread::scope(|s| {
        for n in &numbers {
            s.spawn(move || count_num(*n));
        }
    }); // Python: t1.join(); t2.join() — the scope joined both here
    println!("ending!");
}
// ANCHOR_END: scope

// ANCHOR: join_timeout
/// `JoinHandle` has no `join(timeout)`. A channel gives us one: the thread
/// holds the sending end, which is dropped when the thread's closure ends,
/// however it ends, and that wakes a receiver waiting with a timeout.
fn join_timeout() {
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let worker = thread::spawn(move || {
        let _done = done_tx; // dropped last, when this closure returns
        go_rx.recv().ok(); // the worker's "work" lasts until main says go
        println!("worker: finished");
    });

    // Python: t.join(timeout=0.2); then t.is_alive() to learn what happened
    let finished = join_within(&done_rx, Duration::from_millis(200));
    println!("join(timeout=0.2) returned: finished = {finished}");
    println!("is_finished() = {}", worker.is_finished());

    go_tx.send(()).expect("the worker is waiting for this");
    let finished = join_within(&done_rx, Duration::from_secs(10));
    println!("join(timeout=10) returned: finished = {finished}");
    worker.join().expect("worker panicked"); // now this cannot block for long
}

/// Waits at most `timeout` for the thread holding the sender to end.
fn join_within(done: &mpsc::Receiver<()>, timeout: Duration) -> bool {
    match done.recv_timeout(timeout) {
        Err(RecvTimeoutError::Disconnected) => true, // the thread is done
        Err(RecvTimeoutError::Timeout) => false,
        Ok(()) => unreachable!("nobody sends on the done channel"),
    }
}
// ANCHOR_END: join_timeout

// ANCHOR: panic
fn panic() {
    // T1 panics on purpose. A panic's message is printed by the panic hook
    // (Python: threading.excepthook); this one prints it without the
    // backtrace that RUST_BACKTRACE=1 would add (shared/src/lesson.rs).
    shared::lesson::panics_without_backtrace();
    let t1 = thread::Builder::new()
        .name("T1".into())
        .spawn(|| {
            println!("T1 Start");
            let steps: Vec<u32> = Vec::new();
            println!("T1 got {}", steps[3]); // index out of bounds: T1 panics
        })
        .expect("the OS refused to start a thread");

    // Python: an exception in a thread is printed, and join() returns None.
    // Rust: join() returns Err with the panic's payload; main decides.
    match t1.join() {
        Ok(()) => println!("T1 finished normally"),
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .unwrap_or("(not a string)");
            println!("T1 panicked: {message}");
        }
    }
    println!("all done");
}
// ANCHOR_END: panic
