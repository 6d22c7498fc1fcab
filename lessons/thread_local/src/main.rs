//! Lesson 11 — thread_local: per-thread state.
//!
//! Python's `threading.local()` is one object whose attributes have a separate
//! value in every thread. Rust's `thread_local!` declares a static that works
//! the same way: each thread that touches it gets its own copy, created on
//! first use and dropped when that thread exits. Because the value never
//! leaves its thread, a plain `Cell` or `RefCell` is enough: no lock, no
//! atomic, no `Sync`.

use std::cell::{Cell, RefCell};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use parking_lot::Mutex;
use shared::{Lesson, Variant};

fn main() -> ExitCode {
    Lesson {
        name: "thread_local",
        about: "Per-thread state: thread_local!, Cell and RefCell, destructors at thread exit",
        variants: &[
            Variant {
                name: "local-school",
                about: "each thread sets and reads its own student",
                run: local_school,
            },
            Variant {
                name: "counter",
                about: "per-thread counters merged at the end vs one shared counter",
                run: counter,
            },
            Variant {
                name: "destructors",
                about: "a thread's thread-locals are dropped when the thread exits",
                run: destructors,
            },
            Variant {
                name: "pool-reuse",
                about: "a pool's worker keeps its thread-locals from one task to the next",
                run: pool_reuse,
            },
        ],
    }
    .main()
}

/// Starts `job` on a new thread with a name, like
/// `threading.Thread(target=job, name=name).start()`.
fn start<T: Send + 'static>(
    name: &str,
    job: impl FnOnce() -> T + Send + 'static,
) -> thread::JoinHandle<T> {
    thread::Builder::new()
        .name(name.to_owned())
        .spawn(job)
        .expect("the OS refused to start a thread")
}

/// This thread's name, as Python's `threading.current_thread().name`.
fn thread_name() -> String {
    thread::current().name().unwrap_or("unnamed").to_owned()
}

// ANCHOR: student
thread_local! {
    // Python: local_school = threading.local()
    // Python creates one object and adds attributes to it at run time; Rust
    // declares one static per value, with its type and the value every
    // thread starts from. Nobody has a student until they set one.
    static STUDENT: RefCell<Option<String>> = const { RefCell::new(None) };
}

// Python: def process_student(): ...
fn process_student() {
    let thread = thread_name(); // Python: threading.current_thread().name
    // `with` lends this thread's value to the closure, and only to it: the
    // reference cannot be kept or sent to another thread.
    STUDENT.with(|student| match &*student.borrow() {
        // Python: print('Hello, %s (in %s)' % (local_school.student, ...))
        Some(student) => println!("Hello, {student} (in {thread})"),
        // Python would raise AttributeError: the attribute was never set.
        None => println!("No student here (in {thread})"),
    });
}

// Python: def process_thread(name): ...
fn process_thread(name: &str) {
    STUDENT.set(Some(name.to_owned())); // Python: local_school.student = name
    process_student();
}
// ANCHOR_END: student

// ANCHOR: local_school
fn local_school() {
    // main is a thread too, with its own student.
    STUDENT.set(Some("Zoe".to_owned()));
    process_student();

    // Python: t1 = threading.Thread(target=process_thread, args=('Alice',), name='Thread-A')
    let t1 = start("Thread-A", || process_thread("Alice")); // Python: t1.start()
    let t2 = start("Thread-B", || process_thread("Bob")); // Python: t2.start()
    t1.join().expect("Thread-A panicked"); // Python: t1.join()
    t2.join().expect("Thread-B panicked"); // Python: t2.join()

    // Both threads set "the" STUDENT, each its own copy: main's is untouched.
    process_student();
}
// ANCHOR_END: local_school

// ANCHOR: counter
const THREADS: usize = 4;
const VISITS_PER_THREAD: u64 = 1_000_000;

thread_local! {
    // A Cell is enough: no other thread can ever see this thread's count.
    static VISITS: Cell<u64> = const { Cell::new(0) };
}

/// Counts one visit. Meant to be called from deep inside code that has no
/// counter to pass around, the way logging or metrics are.
// Not inlined, as if it lived in another crate: otherwise the optimiser may
// merge a million increments into one addition, and we want to time them.
#[inline(never)]
fn count_visit() {
    VISITS.set(VISITS.get() + 1);
}

fn counter() {
    println!("{THREADS} threads, each counting {VISITS_PER_THREAD} visits");

    // 1. Each thread counts on its own, then hands its total back once.
    let started = Instant::now();
    let totals: Vec<u64> = thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    for _ in 0..VISITS_PER_THREAD {
                        count_visit();
                    }
                    VISITS.get() // the thread's own count is its return value
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("worker panicked"))
            .collect()
    });
    let total: u64 = totals.iter().sum(); // main merges the counts
    let elapsed = started.elapsed();
    for (worker, count) in totals.iter().enumerate() {
        println!("  worker {worker} hands back {count}");
    }
    println!("per-thread counters, merged at the end: total {total} in {elapsed:.2?}");
    println!("main's own VISITS, never bumped: {}", VISITS.get());

    // 2. One counter for everybody: every single visit takes the lock.
    let shared = Mutex::new(0_u64);
    let started = Instant::now();
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..VISITS_PER_THREAD {
                    *shared.lock() += 1;
                }
            });
        }
    });
    let elapsed = started.elapsed();
    let total = shared.into_inner();
    println!("one shared counter behind a Mutex:       total {total} in {elapsed:.2?}");

    // 3. No lock, but still one shared memory location that every core wants.
    let shared = AtomicU64::new(0);
    let started = Instant::now();
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..VISITS_PER_THREAD {
                    shared.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    let elapsed = started.elapsed();
    let total = shared.into_inner();
    println!("one shared AtomicU64:                    total {total} in {elapsed:.2?}");
}
// ANCHOR_END: counter

// ANCHOR: destructors
/// Per-thread state that says when it goes away.
struct StudentState {
    student: String,
    thread: String,
}

impl Drop for StudentState {
    fn drop(&mut self) {
        let thread = &self.thread;
        println!("{thread}: dropping {}'s state", self.student);
        // STATE is being destroyed right now: `STATE.with` would panic here,
        // `try_with` reports it instead.
        match STATE.try_with(|_| ()) {
            Ok(()) => println!("{thread}: STATE can still be used"),
            Err(gone) => println!("{thread}: STATE.try_with in the destructor: {gone}"),
        }
    }
}

thread_local! {
    static STATE: RefCell<Option<StudentState>> = const { RefCell::new(None) };
}

fn enrol(student: &str) {
    let thread = thread_name();
    println!("{thread}: Hello, {student}");
    let state = StudentState {
        student: student.to_owned(),
        thread,
    };
    STATE.set(Some(state));
}

fn destructors() {
    enrol("Zoe"); // main's own state, dropped at process exit, or not

    let t1 = start("Thread-A", || {
        enrol("Alice");
        println!("Thread-A: work done, returning");
    }); // Alice's state is dropped after the closure returns, as the thread exits
    let t2 = start("Thread-B", || {
        enrol("Bob");
        println!("Thread-B: work done, returning");
    });

    // join waits for the thread to exit, destructors included.
    t1.join().expect("Thread-A panicked");
    t2.join().expect("Thread-B panicked");
    println!("main: joined Thread-A and Thread-B");
    println!("main: returning from main");
}
// ANCHOR_END: destructors

// ANCHOR: pool_reuse
/// A job for the pool: any closure that may be sent to the worker.
type Task = Box<dyn FnOnce() + Send>;

fn pool_reuse() {
    let (tasks, queue) = mpsc::channel::<Task>();
    // A pool of one worker, so that the tasks run in order on the same thread.
    let worker = start("pool-worker", move || {
        for task in queue {
            task(); // the thread, and its thread-locals, outlive every task
        }
    });

    // Python: executor.submit(job), on a ThreadPoolExecutor(max_workers=1)
    let submit = |label: &'static str, job: fn()| {
        let task: Task = Box::new(move || {
            println!("{label}:");
            job();
        });
        tasks.send(task).expect("the worker is alive");
    };
    submit("task 1, the first on a fresh thread", process_student);
    submit("task 2 sets Alice and leaves her there", || {
        process_thread("Alice")
    });
    submit("task 3 is for Bob but forgets to set him", process_student);
    submit("task 4 sets Carol for its own run only", || {
        with_student("Carol", process_student)
    });
    submit(
        "task 5 sets nothing: Carol is gone, task 2's Alice is back",
        process_student,
    );
    drop(tasks); // no more tasks: the worker's loop ends
    worker.join().expect("pool-worker panicked");
}

/// Runs `task` with `student` as this thread's student, then puts back what
/// was there before, even if `task` panics (the guard's Drop does it).
fn with_student(student: &str, task: impl FnOnce()) {
    struct Restore(Option<String>);
    impl Drop for Restore {
        fn drop(&mut self) {
            STUDENT.set(self.0.take());
        }
    }
    let _restore = Restore(STUDENT.replace(Some(student.to_owned())));
    task();
}
// ANCHOR_END: pool_reuse
