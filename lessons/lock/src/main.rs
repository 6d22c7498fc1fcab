//! Lesson 5 — lock: shared data between threads.
//!
//! In Python any thread may change a shared value at any time, and a `Lock`
//! is a promise that every piece of code has to keep by hand. Rust makes the
//! promise part of the type: the data lives *inside* the `Mutex`, and the only
//! way to reach it is the guard that `lock()` returns. A program that shares a
//! plain counter between threads without a lock does not compile at all (see
//! `compile_fail/counter.rs`, which a test feeds to the compiler).

use std::cell::Cell;
use std::hint::black_box;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Barrier, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use parking_lot::{Mutex, ReentrantMutex};
use shared::{Lesson, Variant};

fn main() -> ExitCode {
    Lesson {
        name: "lock",
        about: "Shared data between threads: Mutex and its guard, atomics, ReentrantMutex",
        variants: &[
            Variant {
                name: "stages",
                about: "T1 and T2 both add 1 to a.value; stage 2 sees the other's change",
                run: stages,
            },
            Variant {
                name: "jobs-no-lock",
                about: "job1 (+1) and job2 (+10) take turns step by step: lines interleave",
                run: jobs_no_lock,
            },
            Variant {
                name: "jobs-lock",
                about: "job1 holds the lock for all its ten steps, then job2 does",
                run: jobs_lock,
            },
            Variant {
                name: "counter-load-store",
                about: "2 x 1000000 increments as a separate load and store: updates get lost",
                run: counter_load_store,
            },
            Variant {
                name: "counter-fetch-add",
                about: "2 x 1000000 increments with one atomic fetch_add: exactly 2000000",
                run: counter_fetch_add,
            },
            Variant {
                name: "counter-lock",
                about: "2 x 1000000 increments, each thread locking around its loop: 2000000",
                run: counter_lock,
            },
            Variant {
                name: "granularity",
                about: "a lock per increment versus a lock around the whole loop, timed",
                run: granularity,
            },
            Variant {
                name: "print-time",
                about: "a thread struct whose run() prints under a shared lock",
                run: print_time_threads,
            },
            Variant {
                name: "balance",
                about: "change_it(n) under a lock, 2 threads x 100000: balance stays 0",
                run: balance,
            },
            Variant {
                name: "panic-unlocks",
                about: "a thread panics while holding the lock: the guard still releases it",
                run: panic_unlocks,
            },
            Variant {
                name: "rlock",
                about: "ReentrantMutex (RLock) locked twice by one thread; a Mutex would deadlock",
                run: rlock,
            },
        ],
    }
    .main()
}

// ANCHOR: stages
// Python: class A: def __init__(self): self.value = 1
struct A {
    value: u32,
}

/// Python: `a.value = a.value + 1`, under the lock that Rust insists on.
/// Returns the value this thread wrote.
fn increment(a: &Mutex<A>) -> u32 {
    let mut a = a.lock();
    a.value += 1;
    a.value
} // the guard is dropped here: the other thread may take the lock again

// Python: def thread1(a): ...
fn thread1(a: &Mutex<A>, t1_incremented: mpsc::Sender<()>, both_incremented: &Barrier) {
    println!("T1, stage 1, a : {}", increment(a));
    t1_incremented.send(()).expect("T2 is waiting for this");
    both_incremented.wait(); // Python: time.sleep(0.1)
    println!("T1, stage 2, a : {}", a.lock().value);
}

// Python: def thread2(a): ...
fn thread2(a: &Mutex<A>, t1_incremented: mpsc::Receiver<()>, both_incremented: &Barrier) {
    t1_incremented.recv().expect("T1 sends before it ends");
    println!("T2, stage 1, a : {}", increment(a));
    both_incremented.wait(); // Python: time.sleep(0.1)
    println!("T2, stage 2, a : {}", a.lock().value);
}

/// The Python original sleeps 0.1 s between the two stages and counts on the
/// other thread running meanwhile, which is likely but not certain. Here the
/// telling interleaving is made certain: T2 increments only after T1 has
/// printed stage 1 (a channel), and neither thread prints stage 2 before both
/// have incremented (a barrier). Only the order of the two stage-2 lines is
/// left to chance; both print the same value.
fn stages() {
    let a = Mutex::new(A { value: 1 }); // Python: a = A()
    let (t1_incremented, wait_for_t1) = mpsc::channel();
    let both_incremented = Barrier::new(2);
    thread::scope(|s| {
        // Python: Thread1.start(); Thread2.start()
        s.spawn(|| thread1(&a, t1_incremented, &both_incremented));
        s.spawn(|| thread2(&a, wait_for_t1, &both_incremented));
    }); // Python: Thread1.join(); Thread2.join() — the scope joins both
}
// ANCHOR_END: stages

/// How long each of a job's ten steps takes (the original slept 0.1 s).
const JOB_STEP: Duration = Duration::from_millis(5);

// ANCHOR: jobs_no_lock
/// Python's loop `A += step; print(A)` with no lock around it. In Rust the
/// shared `A` cannot be changed at all without a lock or an atomic, so each
/// step locks just for its own addition and lets go before it prints and
/// sleeps: between two steps of job1, job2 may take a step of its own.
fn job_step_by_step(name: &str, step: u32, a: &Mutex<u32>) {
    for _ in 0..10 {
        let value = {
            let mut a = a.lock();
            *a += step; // Python: A += 1 (job1) or A += 10 (job2)
            *a
        };
        println!("{name} {value}");
        thread::sleep(JOB_STEP); // Python: time.sleep(0.1)
    }
}

fn jobs_no_lock() {
    let a = Mutex::new(0); // Python: A = 0
    thread::scope(|s| {
        s.spawn(|| job_step_by_step("job1", 1, &a)); // Python: t1.start()
        s.spawn(|| job_step_by_step("job2", 10, &a)); // Python: t2.start()
    }); // Python: t1.join(); t2.join()
    println!("A = {} after both jobs", a.into_inner());
}
// ANCHOR_END: jobs_no_lock

// ANCHOR: jobs_lock
/// Python: `lock.acquire()`, the ten steps, `lock.release()`. The guard is
/// taken before the loop and dropped after it, so no other thread can touch
/// `A` until this job's ten steps are all done.
fn job_holding_the_lock(name: &str, step: u32, a: &Mutex<u32>, has_lock: mpsc::Sender<()>) {
    let mut a = a.lock(); // Python: lock.acquire()
    has_lock.send(()).ok(); // tell main (if it still listens) that we got it
    for _ in 0..10 {
        *a += step;
        println!("{name} {}", *a);
        thread::sleep(JOB_STEP); // Python: time.sleep(0.1)
    }
} // Python: lock.release() — the guard `a` is dropped here

fn jobs_lock() {
    let a = Mutex::new(0); // Python: A = 0
    let (has_lock, job1_has_lock) = mpsc::channel();
    thread::scope(|s| {
        let job2_has_lock = has_lock.clone();
        s.spawn(|| job_holding_the_lock("job1", 1, &a, has_lock)); // Python: t1.start()
        // In Python either job may win the lock; whichever does runs all ten
        // steps first. To make the golden output certain, job2 is started only
        // once job1 has said that it holds the lock.
        job1_has_lock
            .recv()
            .expect("job1 reports that it holds the lock");
        s.spawn(|| job_holding_the_lock("job2", 10, &a, job2_has_lock)); // Python: t2.start()
    }); // Python: t1.join(); t2.join()
    println!("A = {} after both jobs", a.into_inner());
}
// ANCHOR_END: jobs_lock

/// Each thread of the counter programs adds 1 this many times.
const INCREMENTS: u64 = 1_000_000;

// ANCHOR: counter_load_store
/// The closest that safe Rust lets us get to Python's unlocked
/// `global_num += 1`: an atomic, read with one call and written with
/// another. There is no data race (each load and each store is atomic), but
/// there is a race *condition*: between this thread's load and its store, the
/// other thread may store, and that increment is then overwritten, lost.
fn add_by_load_and_store(name: &str, global_num: &AtomicU64, start: &Barrier) {
    start.wait(); // both threads begin together, so their loops overlap
    for _ in 0..INCREMENTS {
        let value = global_num.load(Ordering::Relaxed);
        global_num.store(value + 1, Ordering::Relaxed);
    }
    println!("{name} {}", global_num.load(Ordering::Relaxed)); // Python: print("test1", global_num)
}

fn counter_load_store() {
    let global_num = AtomicU64::new(0); // Python: global_num = 0
    let start = Barrier::new(2);
    thread::scope(|s| {
        s.spawn(|| add_by_load_and_store("test1", &global_num, &start)); // Python: t1.start()
        s.spawn(|| add_by_load_and_store("test2", &global_num, &start)); // Python: t2.start()
    });
    let total = global_num.into_inner();
    println!(
        "global_num = {total}, lost updates: {}",
        2 * INCREMENTS - total
    );
}
// ANCHOR_END: counter_load_store

// ANCHOR: counter_fetch_add
/// `fetch_add` reads, adds and writes in one indivisible step: no other
/// thread can get in between, so no increment is lost, and no lock is needed.
fn add_by_fetch_add(name: &str, global_num: &AtomicU64, start: &Barrier) {
    start.wait();
    for _ in 0..INCREMENTS {
        global_num.fetch_add(1, Ordering::Relaxed);
    }
    println!("{name} {}", global_num.load(Ordering::Relaxed)); // Python: print("test1", global_num)
}

fn counter_fetch_add() {
    let global_num = AtomicU64::new(0); // Python: global_num = 0
    let start = Barrier::new(2);
    thread::scope(|s| {
        s.spawn(|| add_by_fetch_add("test1", &global_num, &start)); // Python: t1.start()
        s.spawn(|| add_by_fetch_add("test2", &global_num, &start)); // Python: t2.start()
    });
    println!("global_num = {}", global_num.into_inner());
}
// ANCHOR_END: counter_fetch_add

// ANCHOR: counter_lock
// Python: def test1(): lock.acquire(); for ...: global_num += 1; lock.release(); print(...)
fn add_holding_the_lock(name: &str, global_num: &Mutex<u64>) {
    let mut num = global_num.lock(); // Python: lock.acquire()
    for _ in 0..INCREMENTS {
        *num += 1; // Python: global_num += 1
    }
    // Printed while the lock is still held (Python printed just after the
    // release): so the first thread to finish prints exactly 1000000, and the
    // second exactly 2000000, whichever of the two got the lock first.
    println!("{name} {}", *num);
} // Python: lock.release() — the guard `num` is dropped here

fn counter_lock() {
    let global_num = Mutex::new(0); // Python: global_num = 0; lock = threading.Lock()
    thread::scope(|s| {
        s.spawn(|| add_holding_the_lock("test1", &global_num)); // Python: t1.start()
        s.spawn(|| add_holding_the_lock("test2", &global_num)); // Python: t2.start()
    });
    println!("global_num = {}", global_num.into_inner());
}
// ANCHOR_END: counter_lock

// ANCHOR: granularity
/// Two threads each add 1 to `counter` a million times, with `count` doing
/// the counting; returns how long that took.
fn two_threads_counting(counter: &Mutex<u64>, count: fn(&Mutex<u64>)) -> Duration {
    let started = Instant::now();
    thread::scope(|s| {
        s.spawn(|| count(counter));
        s.spawn(|| count(counter));
    });
    started.elapsed()
}

/// Fine-grained: the lock is taken and released for every single addition,
/// so the two threads take turns all along (and pay for a million locks each).
fn lock_per_increment(counter: &Mutex<u64>) {
    for _ in 0..INCREMENTS {
        *counter.lock() += black_box(1); // the guard lives for this statement only
    }
}

/// Coarse-grained: one lock for the whole loop. Cheap, but while one thread
/// counts, the other can only wait: the two loops run one after the other.
fn lock_around_the_loop(counter: &Mutex<u64>) {
    let mut counter = counter.lock();
    for _ in 0..INCREMENTS {
        *counter += black_box(1); // black_box: keep the optimiser from adding 1000000 at once
    }
}

fn granularity() {
    let counter = Mutex::new(0);
    let took = two_threads_counting(&counter, lock_per_increment);
    println!(
        "lock per increment:   {} in {took:.2?}",
        counter.into_inner()
    );

    let counter = Mutex::new(0);
    let took = two_threads_counting(&counter, lock_around_the_loop);
    println!(
        "lock around the loop: {} in {took:.2?}",
        counter.into_inner()
    );
}
// ANCHOR_END: granularity

/// One unit of `print_time`'s delay (the original used whole seconds).
const PRINT_DELAY: Duration = Duration::from_millis(10);

// ANCHOR: print_time
/// Python: `threadLock = threading.Lock()`, a global lock. It guards no data,
/// only a stretch of code, which in Rust is a `Mutex<()>`: a mutex around
/// nothing. (parking_lot's `Mutex::new` is a `const fn`, so it can be a static.)
static THREAD_LOCK: Mutex<()> = Mutex::new(());

// Python: def print_time(threadName, delay, counter): ...
fn print_time(thread_name: &str, delay: u32, counter: u32) {
    for step in 1..=counter {
        thread::sleep(PRINT_DELAY * delay); // Python: time.sleep(delay)
        // The original printed the wall-clock time; a step number is what it told.
        println!("{thread_name}: step {step} of {counter}");
    }
}

// Python: class myThread(threading.Thread): def __init__(self, threadID, name, counter)
struct MyThread {
    thread_id: u32,
    name: String,
    counter: u32,
}

impl MyThread {
    // Python: def run(self): ...
    fn run(self) {
        println!("Starting {} (thread number {})", self.name, self.thread_id);
        let _guard = THREAD_LOCK.lock(); // Python: threadLock.acquire()
        print_time(&self.name, self.counter, 3);
    } // Python: threadLock.release() — `_guard` is dropped when run returns

    // Python: thread.start() — `self` moves into the new thread, which runs `run`.
    fn start(self) -> thread::JoinHandle<()> {
        thread::Builder::new()
            .name(self.name.clone())
            .spawn(move || self.run())
            .expect("the OS refused to start a thread")
    }
}

fn print_time_threads() {
    let threads = vec![
        MyThread {
            thread_id: 1,
            name: "Thread-1".into(),
            counter: 1,
        },
        MyThread {
            thread_id: 2,
            name: "Thread-2".into(),
            counter: 2,
        },
    ];
    // Ported as the original wrote it: each thread is started and joined
    // before the next one starts. So the two never run at the same time, and
    // the lock never actually has to make anyone wait (jobs-lock shows a lock
    // that does).
    for thread in threads {
        thread.start().join().expect("the thread panicked"); // Python: t.start(); t.join()
    }
    println!("Exiting Main Thread");
}
// ANCHOR_END: print_time

// ANCHOR: balance
// Python: def change_it(n): global balance; balance = balance + n; balance = balance - n
fn change_it(balance: &mut i64, n: i64) {
    *balance += n;
    *balance -= n;
}

// Python: def run_thread(n): ...
fn run_thread(balance: &Mutex<i64>, n: i64) {
    for _ in 0..100_000 {
        let mut balance = balance.lock(); // Python: lock.acquire(); try:
        change_it(&mut balance, n);
    } // Python: finally: lock.release() — the guard is dropped at the end of each
    //   turn of the loop, however the turn ends (a panic included)
}

fn balance() {
    let balance = Mutex::new(0); // Python: balance = 0; lock = threading.Lock()
    thread::scope(|s| {
        s.spawn(|| run_thread(&balance, 5)); // Python: t1 = Thread(target=run_thread, args=(5,))
        s.spawn(|| run_thread(&balance, 8)); // Python: t2 = Thread(target=run_thread, args=(8,))
    });
    println!("balance = {}", balance.into_inner()); // Python: print(balance)
}
// ANCHOR_END: balance

// ANCHOR: panic_unlocks
/// The guard is Python's `finally`: when a thread panics while holding it,
/// the guard is dropped as the panic unwinds, and the lock is released.
fn panic_unlocks() {
    let balance = Mutex::new(0_i64);
    thread::scope(|s| {
        let t3 = thread::Builder::new()
            .name("T3".into())
            .spawn_scoped(s, || {
                let mut balance = balance.lock(); // Python: lock.acquire(); try:
                *balance += 5; // the first half of change_it(5)...
                panic!("T3 gave up halfway through change_it(5)"); // ...and no second half
            })
            .expect("the OS refused to start a thread");
        if t3.join().is_err() {
            println!("T3 panicked while it held the lock");
        }
    });
    // Had the lock stayed locked, `lock()` would wait forever; `try_lock()`
    // answers at once: Some(guard) if the lock is free, None if it is held.
    let free = balance.try_lock(); // Python: lock.acquire(blocking=False)
    match free {
        Some(balance) => println!("the lock is free again, and balance = {}", *balance),
        None => println!("the lock is still held"),
    }
    // The lock is free, but the data is half changed: balance should be 0.
    // parking_lot does not tell you; std::sync::Mutex would "poison" itself.
}
// ANCHOR_END: panic_unlocks

// ANCHOR: rlock
/// The lock of the RLock example. A `ReentrantMutex` hands out only
/// shared references (`&T`), because the same thread may hold two guards at
/// once; a `Cell` inside lets us change the number through one.
type Account = ReentrantMutex<Cell<i64>>;

// Python: def deposit(n): with rlock: balance += n
fn deposit(account: &Account, n: i64) {
    let balance = account.lock(); // the second lock, by the thread that holds the first
    balance.set(balance.get() + n);
}

// Python: def deposit_twice(n): with rlock: deposit(n); deposit(n)
fn deposit_twice(account: &Account, n: i64) {
    let balance = account.lock(); // the first lock
    deposit(account, n);
    deposit(account, n);
    println!("deposit_twice: balance = {}", balance.get());
} // both guards are gone: the lock is free

fn rlock() {
    let account = Account::new(Cell::new(0)); // Python: rlock = threading.RLock()
    deposit_twice(&account, 10);

    // Reentrant for the thread that holds it, and only for that one: to any
    // other thread it is a lock like any other.
    let held = account.lock();
    thread::scope(|s| {
        s.spawn(|| {
            let got_it = account.try_lock().is_some(); // Python: rlock.acquire(blocking=False)
            println!("another thread, while main holds it: try_lock() got it: {got_it}");
        });
    });
    println!("main still holds it: balance = {}", held.get());
    drop(held);

    // The same with a plain Mutex (Python's Lock): a second `lock()` by the
    // thread that holds it would wait for itself forever. We only ask with
    // `try_lock`, which never waits, and `try_lock_for`, which gives up.
    let lock = Mutex::new(0);
    let held = lock.lock(); // Python: lock.acquire()
    let again = lock.try_lock().is_some(); // Python: lock.acquire(blocking=False)
    println!("Mutex held; try_lock() got it again: {again}");
    let again = lock.try_lock_for(Duration::from_millis(50)).is_some(); // Python: lock.acquire(timeout=0.05)
    println!("Mutex held; try_lock_for(50ms) got it again: {again}");
    drop(held); // Python: lock.release()
    println!(
        "Mutex released; try_lock() got it: {}",
        lock.try_lock().is_some()
    );
}
// ANCHOR_END: rlock
