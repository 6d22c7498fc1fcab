//! Lesson 10 — shared_value: memory shared between processes.
//!
//! Processes share nothing by default. Python's `multiprocessing.Value` and
//! `Array` put a number or an array in shared memory, each with a lock of
//! its own. Here the parent creates a named POSIX shared-memory segment
//! (the `shared_memory` crate), places one `#[repr(C)]` struct of atomics in
//! it, and starts workers, which open the same segment by its name. A lock
//! for several processes must live in that segment too (`shm_sync.rs`).

#[cfg(not(unix))]
compile_error!(
    "lesson-shared_value runs on Unix only (Linux, macOS): it uses POSIX shared memory and Unix signals"
);
#[cfg(not(target_has_atomic = "64"))]
compile_error!("lesson-shared_value needs 64-bit atomics (for the f64 in shared memory)");

mod segment;
mod shm_sync;
mod workers;

use std::array;
use std::io::Write;
use std::mem::{offset_of, size_of};
use std::process::ExitCode;
use std::sync::atomic::{AtomicI32, Ordering::Relaxed};
use std::thread;
use std::time::Duration;

use shared::{Lesson, Variant, say};

use segment::{AtomicF64, FixedStr, Segment, ShmSafe};
use shm_sync::{ProcessBarrier, ProcessLock};
use workers::{DeferCtrlC, Worker, wait_until};

fn main() -> ExitCode {
    // The workers are this same program, started again by Worker::start
    // (shared::worker::command puts the role in the LESSON_WORKER variable):
    // a worker does its part and ends, before the lesson's menu is involved.
    if let Some(role) = shared::worker::role() {
        return worker(&role);
    }
    Lesson {
        name: "shared_value",
        about: "Memory shared between processes: a #[repr(C)] struct in a shared-memory segment, a lock inside it",
        variants: &[
            Variant {
                name: "value-array",
                about: "Value('d', 0) and Array('i', [1, 2, 3]): a struct laid out in shared memory",
                run: || finish(value_array()),
            },
            Variant {
                name: "negate",
                about: "a child sets num to 3.1415927 and negates arr; the parent sees both",
                run: || finish(negate()),
            },
            Variant {
                name: "jobs-no-lock",
                about: "job1 and job2 add 1 ten times each to a shared A, no lock: values collide",
                run: || finish(jobs_no_lock()),
            },
            Variant {
                name: "add-no-lock",
                about: "two processes add 1 and 3 five times each, printing v|, no lock",
                run: || finish(add_no_lock()),
            },
            Variant {
                name: "lost-updates",
                about: "2 processes x 1000000 increments: load + store loses some, fetch_add none",
                run: || finish(lost_updates()),
            },
            Variant {
                name: "jobs-lock",
                about: "job1 holds the shared lock for its ten additions, then job2: 1..20 in order",
                run: || finish(jobs_lock()),
            },
            Variant {
                name: "add-lock",
                about: "add 1 then add 3, five times each, under the shared lock: 1|2|3|4|5|8|..|20|",
                run: || finish(add_lock()),
            },
            Variant {
                name: "holder-dies",
                about: "a worker exits while holding the lock: it stays locked for good",
                run: || finish(holder_dies()),
            },
            Variant {
                name: "string",
                about: "Value(c_char_p, b\"Hello World\") done right: the bytes in a fixed-size buffer",
                run: || finish(string()),
            },
        ],
    }
    .main()
}

/// Ends a variant that failed. The variant has returned, so its values are
/// dropped already: the workers reaped, the segment unlinked. Exiting from
/// inside it instead (`std::process::exit` runs no `Drop`) would leak them.
fn finish(result: Result<(), String>) {
    if let Err(error) = result {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn load_all(array: &[AtomicI32]) -> Vec<i32> {
    array.iter().map(|x| x.load(Relaxed)).collect()
}

// ANCHOR: value_array
/// Python: `value = mp.Value('d', 0)` and `array = mp.Array('i', [1, 2, 3])`,
/// as one struct. `#[repr(C)]` lays the fields out in the order written, each
/// at a fixed offset, the same in every process that maps the segment.
#[repr(C)]
struct ValueAndArray {
    value: AtomicF64,      // 'd': a C double, stored as the bits of an AtomicU64
    array: [AtomicI32; 3], // 'i': a C int
}
// SAFETY: repr(C), atomics only, no pointer.
unsafe impl ShmSafe for ValueAndArray {}

fn value_array() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new(); // Ctrl-C waits until the segment is gone
    // Python: value = mp.Value('d', 0); array = mp.Array('i', [1, 2, 3])
    let shared = Segment::create(ValueAndArray {
        value: AtomicF64::new(0.0),
        array: [1, 2, 3].map(AtomicI32::new),
    })?;
    say!("shared memory {}", shared.name());
    say!(
        "value at offset {}: {}",
        offset_of!(ValueAndArray, value),
        shared.value.get()
    );
    say!(
        "array at offset {}: {:?}",
        offset_of!(ValueAndArray, array),
        load_all(&shared.array)
    );
    say!(
        "{} bytes in all: 8 + 3 x 4, padded to a multiple of 8",
        size_of::<ValueAndArray>()
    );

    // The same segment mapped a second time, even in this very process,
    // lands at another address: an address stored in it would mean nothing.
    let again = Segment::<ValueAndArray>::open(shared.name())?;
    again.value.set(2.5);
    say!(
        "mapped again at another address: {}; value written there, read here: {}",
        !std::ptr::eq(&*again, &*shared),
        shared.value.get()
    );
    Ok(())
} // `again` is unmapped, then `shared`, whose owner unlinks the name
// ANCHOR_END: value_array

// ANCHOR: negate
/// Python: `num = Value('d', 0.0)` and `arr = Array('i', range(10))`.
#[repr(C)]
struct NumAndArr {
    num: AtomicF64,
    arr: [AtomicI32; 10],
}
// SAFETY: repr(C), atomics only, no pointer.
unsafe impl ShmSafe for NumAndArr {}

// Python: def f(n, a): n.value = 3.1415927; for i in range(len(a)): a[i] = -a[i]
#[allow(clippy::approx_constant, reason = "the original's number, not π")]
fn f(n: &AtomicF64, a: &[AtomicI32]) {
    n.set(3.1415927);
    for x in a {
        x.store(-x.load(Relaxed), Relaxed); // only this process writes arr now
    }
}

/// The child: opens the segment by the name on its command line.
fn negate_child(segment: &str) -> Result<(), String> {
    let shared = Segment::<NumAndArr>::open(segment)?;
    f(&shared.num, &shared.arr);
    say!("child pid {}: num set, arr negated", std::process::id());
    Ok(())
}

fn negate() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    // Python: num = Value('d', 0.0); arr = Array('i', range(10))
    let mut shared = Segment::create(NumAndArr {
        num: AtomicF64::new(0.0),
        arr: array::from_fn(|i| AtomicI32::new(i as i32)),
    })?;
    // Python: p = Process(target=f, args=(num, arr)); p.start()
    let mut p = Worker::start("negate", "child", &shared, &[])?;
    shared.unlink_once_opened(&mut [&mut p])?;
    p.join()?; // Python: p.join()
    // The child has ended, and the kernel's wait makes all it wrote visible
    // here, as join() does for a thread's writes.
    say!("{}", shared.num.get()); // Python: print(num.value)
    say!("{:?}", load_all(&shared.arr)); // Python: print(arr[:])
    Ok(())
}
// ANCHOR_END: negate

// ANCHOR: counter
/// Python: `A = mp.Value('i', 0)` and `lock = mp.Lock()`, side by side in one
/// segment, with a start line for the unlocked variants. Nothing but
/// convention ties the lock to the value, as in Python.
#[repr(C)]
struct Counter {
    start: ProcessBarrier,
    lock: ProcessLock,
    value: AtomicI32,
}
// SAFETY: repr(C), atomics only (the lock and the barrier are one atomic each).
unsafe impl ShmSafe for Counter {}

impl Counter {
    fn new() -> Self {
        Counter {
            start: ProcessBarrier::new(),
            lock: ProcessLock::new(),
            value: AtomicI32::new(0),
        }
    }
}

/// Python: `A.value += n`. A read, then a write: two steps, and another
/// process can come in between. (Python's `Value` has a lock of its own, but
/// it takes it once for the read and once for the write: the same race.)
fn add(value: &AtomicI32, n: i32) {
    let old = value.load(Relaxed);
    value.store(old + n, Relaxed);
}
// ANCHOR_END: counter

/// How long each step of the jobs sleeps (the original slept 0.1 s).
const STEP: Duration = Duration::from_millis(10);

// ANCHOR: jobs_no_lock
// Python: def job1(A): for i in range(10): A.value += 1; print(...); time.sleep(0.1)
fn job_no_lock(name: &str, shared: &Counter) -> Result<(), String> {
    shared.start.wait(2)?; // both jobs begin together, so that they overlap
    for _ in 0..10 {
        add(&shared.value, 1);
        say!("{name}: {}", shared.value.load(Relaxed));
        thread::sleep(STEP);
    }
    Ok(())
}

fn jobs_no_lock() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    let mut shared = Segment::create(Counter::new())?; // Python: A = mp.Value('i', 0)
    say!("A = {} in {}", shared.value.load(Relaxed), shared.name()); // Python: print(A)
    let mut p1 = Worker::start("job", "job1", &shared, &["no-lock"])?; // Python: p1.start()
    let mut p2 = Worker::start("job", "job2", &shared, &["no-lock"])?; // Python: p2.start()
    shared.unlink_once_opened(&mut [&mut p1, &mut p2])?;
    p1.join()?; // Python: p1.join()
    p2.join()?; // Python: p2.join()
    say!("A = {} after 2 x 10 additions", shared.value.load(Relaxed));
    Ok(())
}
// ANCHOR_END: jobs_no_lock

// ANCHOR: add_no_lock
/// Python: `print(v, end="|")`. `say!` is for whole lines; this piece has no
/// newline, so stdout keeps it buffered until `flush`, which then hands it
/// to the kernel in one write: the two processes' pieces never mix.
fn print_piece(value: i32) {
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{value}|").ok();
    stdout.flush().ok();
}

// Python: def job(v, num): for _ in range(5): sleep(0.1); v.value += num; print(v.value, end="|")
fn job_add_no_lock(shared: &Counter, num: i32) -> Result<(), String> {
    shared.start.wait(2)?;
    for _ in 0..5 {
        thread::sleep(STEP);
        add(&shared.value, num);
        print_piece(shared.value.load(Relaxed));
    }
    Ok(())
}

fn add_no_lock() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    let mut shared = Segment::create(Counter::new())?; // Python: v = mp.Value('i', 0)
    // Python: p1 = mp.Process(target=job, args=(v, 1)); p1.start(), and p2 with 3
    let mut p1 = Worker::start("add", "p1", &shared, &["1", "no-lock"])?;
    let mut p2 = Worker::start("add", "p2", &shared, &["3", "no-lock"])?;
    shared.unlink_once_opened(&mut [&mut p1, &mut p2])?;
    p1.join()?; // Python: p1.join()
    p2.join()?; // Python: p2.join()
    say!(""); // ends the line of pieces
    say!(
        "v = {} (5 x 1 + 5 x 3 = 20 if no update was lost)",
        shared.value.load(Relaxed)
    );
    Ok(())
}
// ANCHOR_END: add_no_lock

// ANCHOR: lost_updates
/// Each process of `lost-updates` adds 1 this many times.
const INCREMENTS: i32 = 1_000_000;

fn count(shared: &Counter, how: &str) -> Result<(), String> {
    shared.start.wait(2)?;
    if how == "load-store" {
        for _ in 0..INCREMENTS {
            add(&shared.value, 1);
        }
    } else {
        for _ in 0..INCREMENTS {
            // One indivisible read-modify-write: no other process gets in between.
            shared.value.fetch_add(1, Relaxed);
        }
    }
    Ok(())
}

fn lost_updates() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    for how in ["load-store", "fetch-add"] {
        let mut shared = Segment::create(Counter::new())?;
        let mut p1 = Worker::start("count", "p1", &shared, &[how])?;
        let mut p2 = Worker::start("count", "p2", &shared, &[how])?;
        shared.unlink_once_opened(&mut [&mut p1, &mut p2])?;
        p1.join()?;
        p2.join()?;
        let total = shared.value.load(Relaxed);
        say!(
            "{how}: counter = {total} of {}, lost updates: {}",
            2 * INCREMENTS,
            2 * INCREMENTS - total
        );
    }
    Ok(())
}
// ANCHOR_END: lost_updates

// ANCHOR: jobs_lock
// Python: def job1(A, lock): lock.acquire(); for ...: A.value += 1; print(...); lock.release()
fn job_lock(name: &str, shared: &Counter) -> Result<(), String> {
    let _locked = shared.lock.lock()?; // Python: lock.acquire()
    for _ in 0..10 {
        add(&shared.value, 1); // the same two steps, but nobody else holds the lock
        say!("{name}: {}", shared.value.load(Relaxed));
        thread::sleep(STEP);
    }
    Ok(())
} // Python: lock.release(): `_locked` is dropped here

fn jobs_lock() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    // Python: lock = mp.Lock(); A = mp.Value('i', 0)
    let mut shared = Segment::create(Counter::new())?;
    say!("A = {} in {}", shared.value.load(Relaxed), shared.name()); // Python: print(A)
    let mut p1 = Worker::start("job", "job1", &shared, &["lock"])?; // Python: p1.start()
    // In Python either job may win the lock. To make the order certain, job2
    // starts only once the lock has been taken: by job1, the only other process.
    wait_until(&mut [&mut p1], "the lock", || shared.lock.times_taken() > 0)?;
    let mut p2 = Worker::start("job", "job2", &shared, &["lock"])?; // Python: p2.start()
    shared.unlink_once_opened(&mut [&mut p1, &mut p2])?;
    p1.join()?; // Python: p1.join()
    p2.join()?; // Python: p2.join()
    say!("A = {} after 2 x 10 additions", shared.value.load(Relaxed));
    Ok(())
}
// ANCHOR_END: jobs_lock

// ANCHOR: add_lock
// Python: def job(v, num, l): l.acquire(); for ...: v.value += num; print(...); l.release()
fn job_add_lock(shared: &Counter, num: i32) -> Result<(), String> {
    let _locked = shared.lock.lock()?; // Python: l.acquire()
    for _ in 0..5 {
        thread::sleep(STEP);
        add(&shared.value, num);
        print_piece(shared.value.load(Relaxed));
    }
    Ok(())
} // Python: l.release()

fn add_lock() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    // Python: l = mp.Lock(); v = mp.Value('i', 0)
    let mut shared = Segment::create(Counter::new())?;
    // Python: p1 = mp.Process(target=job, args=(v, 1, l)); p1.start()
    let mut p1 = Worker::start("add", "p1", &shared, &["1", "lock"])?;
    // As in jobs-lock: p2 starts only once p1 has taken the lock.
    wait_until(&mut [&mut p1], "the lock", || shared.lock.times_taken() > 0)?;
    // Python: p2 = mp.Process(target=job, args=(v, 3, l)); p2.start()
    let mut p2 = Worker::start("add", "p2", &shared, &["3", "lock"])?;
    shared.unlink_once_opened(&mut [&mut p1, &mut p2])?;
    p1.join()?; // Python: p1.join()
    p2.join()?; // Python: p2.join()
    say!(""); // ends the line of pieces
    say!("v = {}", shared.value.load(Relaxed));
    Ok(())
}
// ANCHOR_END: add_lock

// ANCHOR: holder_dies
/// How long the parent tries to take the lock that the dead worker holds.
const TRY_FOR: Duration = Duration::from_millis(200);

fn hold_and_exit(shared: &Counter) -> Result<(), String> {
    let _locked = shared.lock.lock()?;
    say!(
        "holder pid {}: took the lock, exits without unlocking",
        std::process::id()
    );
    // exit runs no Drop: the guard never unlocks. A crash or a kill -9 would
    // leave the lock just as held.
    std::process::exit(3);
}

fn holder_dies() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    let mut shared = Segment::create(Counter::new())?;
    let mut holder = Worker::start("hold", "holder", &shared, &[])?;
    shared.unlink_once_opened(&mut [&mut holder])?;
    let status = holder.wait_within(shm_sync::LIMIT)?;
    say!("holder ended: {status}");
    match shared.lock.lock_within(TRY_FOR) {
        Ok(_) => say!("parent: got the lock"),
        Err(still_held) => say!("parent: {still_held}, and nobody will ever unlock it"),
    }
    Ok(())
}
// ANCHOR_END: holder_dies

// ANCHOR: string
/// Python: `Value(c_char_p, b"Hello World")`, which stores a *pointer* to
/// bytes in one process's heap. Here the bytes themselves are in the segment.
#[repr(C)]
struct Greeting {
    text: FixedStr<32>,
}
// SAFETY: repr(C), atomics only, no pointer.
unsafe impl ShmSafe for Greeting {}

fn greet(segment: &str) -> Result<(), String> {
    let shared = Segment::<Greeting>::open(segment)?;
    say!("child read {:?}", shared.text.get()); // Python: str_val.value
    let long = "Hello from a child process, with far too much to say";
    if let Err(refused) = shared.text.set(long) {
        say!("child: refused: {refused}");
    }
    shared.text.set("Hello from the child")?; // Python: str_val.value = b"..."
    say!("child wrote {:?}", shared.text.get());
    Ok(())
}

fn string() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    // Python: str_val = mp.Value(c_char_p, b"Hello World")
    let mut shared = Segment::create(Greeting {
        text: FixedStr::new("Hello World")?,
    })?;
    say!(
        "parent wrote {:?} ({} of {} bytes)",
        shared.text.get(),
        shared.text.get().len(),
        shared.text.capacity()
    );
    let mut child = Worker::start("greet", "child", &shared, &[])?;
    shared.unlink_once_opened(&mut [&mut child])?;
    child.join()?;
    say!("parent read {:?}", shared.text.get());
    Ok(())
}
// ANCHOR_END: string

/// A worker process: `role` from the environment, then on the command line
/// the segment's name, the worker's name, and what its role needs.
fn worker(role: &str) -> ExitCode {
    workers::allow_ctrl_c(); // the parent defers Ctrl-C; a worker need not
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match (role, args.as_slice()) {
        ("negate", [segment, _name]) => negate_child(segment),
        ("job", [segment, name, "no-lock"]) => {
            Segment::open(segment).and_then(|shared| job_no_lock(name, &shared))
        }
        ("job", [segment, name, "lock"]) => {
            Segment::open(segment).and_then(|shared| job_lock(name, &shared))
        }
        ("add", [segment, _name, num, mode]) => match num.parse() {
            Ok(num) => Segment::open(segment).and_then(|shared| match *mode {
                "lock" => job_add_lock(&shared, num),
                _ => job_add_no_lock(&shared, num),
            }),
            Err(e) => Err(format!("bad number {num:?}: {e}")),
        },
        ("count", [segment, _name, how]) => {
            Segment::open(segment).and_then(|shared| count(&shared, how))
        }
        ("hold", [segment, _name]) => {
            Segment::open(segment).and_then(|shared| hold_and_exit(&shared))
        }
        ("greet", [segment, _name]) => greet(segment),
        _ => Err(format!(
            "unknown worker role {role:?} with arguments {args:?}"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
