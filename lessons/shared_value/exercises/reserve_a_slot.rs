//! # Reserve a slot with `fetch_add`
//!
//! Three processes append four entries each to a log in shared memory: an
//! array of slots and `len`, the number in use. An append reads `len`, stores
//! one more, and writes its entry into the slot it read; two appends that
//! read the same `len` share a slot, and one entry is lost (the processes go
//! in step here, so it happens on every run). Make taking a slot one step,
//! with `fetch_add`, so that the log ends with all twelve entries.

use std::mem::size_of;
use std::process::{Child, ExitCode};
use std::sync::atomic::{AtomicU32, Ordering::*};
use std::thread;
use std::time::{Duration, Instant};

use shared_memory::{Shmem, ShmemConf};

const WORKERS: u32 = 3;
const EACH: u32 = 4;
const SLOTS: usize = (WORKERS * EACH) as usize;

/// What the segment holds: `#[repr(C)]`, atomics only, no pointer.
/// Python: `len = mp.Value('i', 0)` and `entries = mp.Array('i', 12)`.
#[repr(C)]
struct Log {
    len: AtomicU32,
    entries: [AtomicU32; SLOTS],
    /// How many appends have reached `in_step`, all processes together.
    arrived: AtomicU32,
}

/// Keeps the processes in step, so that the race above happens on every run:
/// append number `round` of each process waits here until every process has
/// reached its own append number `round`. Harmless once appends cannot collide.
fn in_step(log: &Log, round: u32) {
    log.arrived.fetch_add(1, SeqCst);
    let give_up = Instant::now() + Duration::from_secs(5);
    while log.arrived.load(SeqCst) < (round + 1) * WORKERS {
        assert!(
            Instant::now() < give_up,
            "the other processes never caught up"
        );
        thread::sleep(Duration::from_micros(100));
    }
}

// Python: def append(entry): slot = len.value; len.value = slot + 1; entries[slot] = entry
fn append(log: &Log, entry: u32, round: u32) {
    // TODO: read `len` and move it on in one step, so that no two appends
    // ever get the same slot.
    let slot = log.len.load(Relaxed); // Python: slot = len.value
    in_step(log, round);
    log.len.store(slot + 1, Relaxed); // Python: len.value = slot + 1
    log.entries[slot as usize].store(entry, Relaxed); // Python: entries[slot] = entry
}

/// The segment's bytes as a `Log`. A new segment is all zero bytes, a valid
/// `Log`: no entries, nobody arrived.
fn log_in(segment: &Shmem) -> &Log {
    let place = segment.as_ptr().cast::<Log>();
    assert!(segment.len() >= size_of::<Log>() && place.is_aligned());
    // SAFETY: big enough and aligned (checked), mapped as long as `segment`
    // lives, and only atomics, which other processes may change at any time.
    unsafe { &*place }
}

fn main() -> ExitCode {
    if shared::worker::role().is_some() {
        // Worker w (this program started again) appends 100 w + 101 .. 100 w + 104.
        let args: Vec<String> = std::env::args().skip(1).collect();
        let segment = ShmemConf::new()
            .os_id(&args[0])
            .open()
            .expect("open the segment");
        let w: u32 = args[1].parse().expect("a worker number");
        for round in 0..EACH {
            append(log_in(&segment), 100 * (w + 1) + round + 1, round);
        }
        return ExitCode::SUCCESS;
    }
    let segment = ShmemConf::new()
        .size(size_of::<Log>())
        .create()
        .expect("create a segment");
    // Python: p = mp.Process(target=work, args=(w, len, entries)); p.start(), for each w
    let workers: Vec<Child> = (0..WORKERS)
        .map(|w| {
            let mut command = shared::worker::command("append");
            command.arg(segment.get_os_id()).arg(w.to_string());
            command.spawn().expect("cannot start a worker")
        })
        .collect();
    let mut failed = 0;
    for mut worker in workers {
        // Python: p.join(), for each
        if !worker.wait().is_ok_and(|status| status.success()) {
            failed += 1;
        }
    }
    let log = log_in(&segment);
    let len = (log.len.load(Relaxed) as usize).min(SLOTS);
    let mut entries: Vec<u32> =
        log.entries[..len].iter().map(|e| e.load(Relaxed)).collect();
    entries.sort_unstable();
    println!("{WORKERS} processes appended {EACH} entries each");
    println!("the log holds {len} entries");
    println!("sorted: {entries:?}");
    if failed > 0 {
        eprintln!("error: {failed} worker(s) failed");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
} // `segment` is dropped: its creator unlinks the name from /dev/shm
