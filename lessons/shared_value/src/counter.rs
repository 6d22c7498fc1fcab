//! The layout that the counter programs share: tutorial 000's
//! `A = mp.Value('i', 0)` with `mp.Lock()`, and tutorial 004's `v`, with
//! Python's two-step `v.value += n`, and its `print(v.value, end="|")`.

use std::io::Write;
use std::sync::atomic::{AtomicI32, Ordering::Relaxed};
use std::time::Duration;

use crate::segment::ShmSafe;
use crate::shm_sync::{ProcessBarrier, ProcessLock};

/// How long each step of the jobs sleeps (the originals slept 0.1 s).
pub const STEP: Duration = Duration::from_millis(10);

// ANCHOR: counter
/// Python: `A = mp.Value('i', 0)` and `lock = mp.Lock()`, side by side in one
/// segment, with a start line for the unlocked variants. Nothing but
/// convention ties the lock to the value, as in Python.
#[repr(C)]
pub struct Counter {
    pub start: ProcessBarrier,
    pub lock: ProcessLock,
    pub value: AtomicI32,
}
// SAFETY: repr(C), atomics only (the lock and the barrier are one atomic each).
unsafe impl ShmSafe for Counter {}

impl Counter {
    pub fn new() -> Self {
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
pub fn add(value: &AtomicI32, n: i32) {
    let old = value.load(Relaxed);
    value.store(old + n, Relaxed);
}
// ANCHOR_END: counter

// ANCHOR: print_piece
/// Python: `print(v, end="|")`. `say!` is for whole lines; this piece has no
/// newline, so stdout keeps it buffered until `flush`, which then hands it
/// to the kernel in one write: the two processes' pieces never mix.
pub fn print_piece(value: i32) {
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{value}|").ok();
    stdout.flush().ok();
}
// ANCHOR_END: print_piece
