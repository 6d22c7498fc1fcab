//! Lesson 1 — add_thread: starting a thread.
//!
//! Python's `threading` module keeps a list of the threads it started, so
//! `active_count()` and `enumerate()` answer from that list. Rust's standard
//! library keeps no such list: a thread is an operating-system thread plus the
//! `JoinHandle` you were given when you started it. To ask "how many threads
//! are alive, and what are they called", this lesson asks the kernel.

use std::process::ExitCode;
use std::sync::{Arc, Barrier, mpsc};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use shared::os;
use shared::{Lesson, Variant};

fn main() -> ExitCode {
    Lesson {
        name: "add_thread",
        about: "Starting a thread: spawn, Builder::name, thread::current, the OS's list of threads",
        variants: &[
            Variant {
                name: "add-thread",
                about: "count and list the threads before, while and after an added thread runs",
                run: add_thread,
            },
            Variant {
                name: "names",
                about: "the name Rust keeps and the name the kernel shows (15 bytes at most)",
                run: names,
            },
            Variant {
                name: "loop-thread",
                about: "a thread named LoopThread counts to 5; main waits for it",
                run: loop_thread,
            },
            Variant {
                name: "subclass",
                about: "a struct with a run() method started on its own thread (Python's Thread subclass)",
                run: subclass,
            },
            Variant {
                name: "is-alive",
                about: "is_finished(), Python's is_alive(): asked while the thread waits and after it returned",
                run: is_alive,
            },
            Variant {
                name: "two-tasks",
                about: "two threads each wait 300ms: together they take about 300ms, not 600ms",
                run: two_tasks,
            },
        ],
    }
    .main()
}

// ANCHOR: os_threads
/// Python's `threading.active_count()` and `threading.enumerate()`, answered
/// by the kernel (on Linux, from `/proc/self/task`).
fn print_os_threads() {
    match os::threads() {
        Ok(threads) => {
            println!("active threads: {}", threads.len()); // Python: threading.active_count()
            for t in &threads {
                // Python: threading.enumerate()
                let main = if t.is_main { " (main)" } else { "" };
                println!("  tid {} {:?}{main}", t.tid, t.name);
            }
        }
        // macOS has no /proc: say so rather than crash.
        Err(err) => println!("active threads: cannot ask the OS here ({err})"),
    }
}

/// Python's `threading.current_thread()`: Rust's view of the thread (its
/// `ThreadId` and its name, if it was given one) and the kernel's thread id.
fn current_thread() -> String {
    let tid = match os::current_tid() {
        Ok(tid) => format!("tid {tid}"),
        Err(_) => "tid unknown here".to_owned(),
    };
    format!("{:?} ({tid})", thread::current())
}
// ANCHOR_END: os_threads

// ANCHOR: add_thread
// Python: def thread_job(): print('This is added Thread, number is %s' % ...)
fn thread_job() {
    println!("This is added Thread, number is {}", current_thread());
}

fn add_thread() {
    println!("-- before starting the added thread");
    print_os_threads();
    println!("current thread: {}", current_thread()); // Python: threading.current_thread()

    let (started_tx, started) = mpsc::channel();
    let (finish, finish_rx) = mpsc::channel::<()>();
    // Python: add_thread = threading.Thread(target=thread_job); add_thread.start()
    let added = thread::spawn(move || {
        thread_job();
        started_tx.send(os::current_tid().ok()).ok();
        // Stay alive until main has counted: otherwise the count is a race
        // between main asking and this thread ending.
        finish_rx.recv().ok();
    });
    let added_tid = started
        .recv()
        .expect("the added thread tells us it started");

    println!("-- while the added thread is alive");
    print_os_threads();
    println!("current thread: {}", current_thread());

    drop(finish); // lets the added thread return
    added.join().expect("the added thread panicked"); // Python: add_thread.join()
    if let Some(tid) = added_tid {
        // join returns as the thread hands over its result, on its way out; the
        // kernel drops it from its list a moment later. Count once it has.
        os::wait_until_gone(tid, Duration::from_secs(10)).ok();
    }
    println!("-- after join");
    print_os_threads();
}

// ANCHOR_END: add_thread

// ANCHOR: names
fn names() {
    // Every worker waits at this barrier twice: once to say "I am running",
    // once more until main has listed them.
    let gate = Arc::new(Barrier::new(4)); // three workers and main
    let wait_twice = |gate: Arc<Barrier>| {
        move || {
            gate.wait();
            gate.wait();
        }
    };

    // Python: threading.Thread(target=..., name='LoopThread')
    let short = thread::Builder::new()
        .name("LoopThread".to_owned())
        .spawn(wait_twice(Arc::clone(&gate)))
        .expect("the OS refused to start a thread");
    let long = thread::Builder::new()
        .name("worker-with-a-long-name".to_owned())
        .spawn(wait_twice(Arc::clone(&gate)))
        .expect("the OS refused to start a thread");
    // Python would call this one Thread-1; Rust gives it no name at all.
    let unnamed = thread::spawn(wait_twice(Arc::clone(&gate)));

    // Python: t.name (or t.getName()); there is no setName: a Rust name is
    // given once, to the Builder, before the thread starts.
    println!("main: name() = {:?}", thread::current().name());
    let started_as = [
        ("Builder::name(\"LoopThread\")", &short),
        ("Builder::name(\"worker-with-a-long-name\")", &long),
        ("thread::spawn", &unnamed),
    ];
    for (how, handle) in started_as {
        println!("{how}: name() = {:?}", handle.thread().name());
    }

    gate.wait(); // every worker is running, so the kernel knows its name
    println!("the kernel's names:");
    print_os_threads();
    gate.wait(); // let them return

    for handle in [short, long, unnamed] {
        handle.join().expect("a worker panicked");
    }
}
// ANCHOR_END: names

/// How long each of LoopThread's five steps takes (the original slept 1 s).
const STEP: Duration = Duration::from_millis(50);

// ANCHOR: loop_thread
/// The name `thread::current()` knows the calling thread by.
fn current_name() -> String {
    thread::current().name().unwrap_or("<unnamed>").to_owned()
}

// Python: def loop(): ...
fn loop_job() {
    let name = current_name(); // Python: threading.current_thread().name
    println!("thread {name} is running...");
    for n in 1..=5 {
        println!("thread {name} >>> {n}");
        thread::sleep(STEP); // Python: time.sleep(1)
    }
    println!("thread {name} ended.");
}

fn loop_thread() {
    println!("thread {} is running...", current_name());
    // Python: t = threading.Thread(target=loop, name='LoopThread'); t.start()
    let t = thread::Builder::new()
        .name("LoopThread".to_owned())
        .spawn(loop_job)
        .expect("the OS refused to start a thread");
    t.join().expect("LoopThread panicked"); // Python: t.join()
    println!("thread {} ended.", current_name());
}
// ANCHOR_END: loop_thread

/// How long one task "works" (the originals slept 2 or 3 s).
const TASK: Duration = Duration::from_millis(300);

// ANCHOR: subclass
/// Python's `threading.Thread` as a trait: a type supplies `run`, and gets
/// `start` for free, as a subclass of `Thread` inherits `start()`.
trait Runnable: Send + 'static {
    fn run(self);

    /// Moves `self` into a new thread and calls `run` there.
    fn start(self) -> JoinHandle<()>
    where
        Self: Sized,
    {
        thread::spawn(move || self.run())
    }
}

// Python: class MyThread(threading.Thread): def __init__(self, num): ...
struct MyThread {
    num: u32,
}

impl Runnable for MyThread {
    // Python: def run(self): ...
    fn run(self) {
        println!("running on number:{}", self.num);
        thread::sleep(TASK); // Python: time.sleep(3)
    }
}

fn subclass() {
    let t1 = MyThread { num: 56 }.start(); // Python: t1 = MyThread(56); t1.start()
    let t2 = MyThread { num: 78 }.start(); // Python: t2 = MyThread(78); t2.start()

    t1.join().expect("t1 panicked"); // Python: t1.join()
    t2.join().expect("t2 panicked"); // Python: t2.join()
    println!("ending");
}
// ANCHOR_END: subclass

// ANCHOR: is_alive
fn is_alive() {
    let (go, go_rx) = mpsc::channel::<()>();
    let worker = thread::Builder::new()
        .name("worker".to_owned())
        .spawn(move || {
            go_rx.recv().ok(); // its "work" lasts until main says go
            println!("worker: returning");
        })
        .expect("the OS refused to start a thread");

    println!("name: {:?}", worker.thread().name()); // Python: t.name
    // Python: t.is_alive(); Rust asks the opposite question
    println!("is_finished() while it waits: {}", worker.is_finished());

    go.send(()).expect("the worker is waiting for this");
    // Python: while t.is_alive(): ... (main could do other work here)
    while !worker.is_finished() {
        thread::sleep(Duration::from_millis(1));
    }
    println!("is_finished() after it returned: {}", worker.is_finished());

    worker.join().expect("the worker panicked"); // cannot block: it has finished
    // `join` took the handle: asking `worker.is_finished()` now would not compile.
}
// ANCHOR_END: is_alive

// ANCHOR: two_tasks
// Python: def long_time_task(i): ...
fn long_time_task(i: u32) {
    let name = current_name(); // Python: current_thread().name
    println!("{name}: task {i} starts");
    thread::sleep(TASK); // Python: time.sleep(2) — waiting, not computing
    println!("{name}: result {}", 8u64.pow(20)); // Python: 8 ** 20
}

fn two_tasks() {
    println!("main thread: {}", current_name());
    let start = Instant::now();
    println!("waiting for both threads to finish");
    // Python names unnamed threads Thread-1, Thread-2, ...; Rust does not, so we do.
    let t1 = thread::Builder::new()
        .name("Thread-1".to_owned())
        .spawn(|| long_time_task(1)) // Python: Thread(target=long_time_task, args=(1,))
        .expect("the OS refused to start a thread");
    let t2 = thread::Builder::new()
        .name("Thread-2".to_owned())
        .spawn(|| long_time_task(2))
        .expect("the OS refused to start a thread");

    t1.join().expect("Thread-1 panicked"); // Python: t1.join()
    t2.join().expect("Thread-2 panicked"); // Python: t2.join()
    println!(
        "total time: {:.2?} (each task waits {}ms)",
        start.elapsed(),
        TASK.as_millis()
    );
}
// ANCHOR_END: two_tasks
