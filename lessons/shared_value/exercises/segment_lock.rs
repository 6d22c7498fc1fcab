//! # Take the lock that lives in the segment
//!
//! Two processes deposit 100 and 10 into a balance of 1000 in shared memory:
//! each reads the balance, then writes it back with its amount added. They
//! hold a lock meanwhile, but a `static Mutex`, and each process has a copy
//! of its own of a static: neither waits for the other, both read 1000, and a
//! deposit is lost on every run. The segment holds a lock made for this (the
//! lesson's `ProcessLock`, trimmed down); use it in `deposit` instead.

use std::mem::size_of;
use std::process::{Child, ExitCode};
use std::sync::atomic::{AtomicU32, Ordering::*};
use std::thread;
use std::time::{Duration, Instant};

use shared_memory::{Shmem, ShmemConf};

/// The longest any process here waits for another.
const LIMIT: Duration = Duration::from_secs(5);

/// A lock whose whole state is in the segment: Python's `mp.Lock()`.
#[repr(C)]
struct ProcessLock {
    /// 0 when free, else the pid of the process that holds it.
    holder: AtomicU32,
    /// How many processes are waiting for it.
    waiting: AtomicU32,
}

/// Proof of holding the lock; dropping it lets go (Python: `lock.release()`).
struct Locked<'a>(&'a ProcessLock);

impl ProcessLock {
    /// Python: `lock.acquire()`. "If free, make it mine" in one indivisible
    /// step; Acquire: we see what the previous holder wrote.
    fn lock(&self) -> Locked<'_> {
        let me = std::process::id();
        let give_up = Instant::now() + LIMIT;
        self.waiting.fetch_add(1, SeqCst);
        while let Err(holder) = self.holder.compare_exchange(0, me, Acquire, Relaxed) {
            assert!(
                Instant::now() < give_up,
                "the lock is still held by pid {holder}"
            );
            thread::yield_now();
        }
        self.waiting.fetch_sub(1, SeqCst);
        Locked(self)
    }
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        self.0.holder.store(0, Release); // Release: the next holder sees our writes
    }
}

/// What the segment holds: `#[repr(C)]`, atomics only, no pointer.
#[repr(C)]
struct Account {
    lock: ProcessLock,
    balance: AtomicU32,
    /// How many deposits have read the balance so far.
    reads: AtomicU32,
}

/// Between the read and the write: waits until the other process has read
/// the balance too, or is itself waiting for the lock that this one holds.
/// So without a shared lock both read the same balance, on every run; with
/// one, this changes nothing.
fn let_the_other_come(account: &Account) {
    account.reads.fetch_add(1, SeqCst);
    let me = std::process::id();
    let give_up = Instant::now() + LIMIT;
    while account.reads.load(SeqCst) < 2
        && !(account.lock.holder.load(SeqCst) == me
            && account.lock.waiting.load(SeqCst) > 0)
    {
        assert!(Instant::now() < give_up, "the other deposit never came");
        thread::sleep(Duration::from_micros(100));
    }
}

/// Python: a `Lock()` made at module level; under "spawn", each process
/// makes its own.
static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

// Python: def deposit(balance, amount): with LOCK: balance.value += amount
fn deposit(account: &Account, amount: u32) {
    // TODO: take a lock that both processes see: the one in the segment.
    let _locked = LOCK.lock().expect("a deposit panicked"); // Python: with LOCK:
    let old = account.balance.load(Relaxed); // Python:     old = balance.value
    let_the_other_come(account);
    account.balance.store(old + amount, Relaxed); // Python:     balance.value = old + amount
}

/// The segment's bytes as an `Account`. A new segment is all zero bytes, a
/// valid `Account`: the lock free, nobody waiting, balance 0, no reads.
fn account_in(segment: &Shmem) -> &Account {
    let place = segment.as_ptr().cast::<Account>();
    assert!(segment.len() >= size_of::<Account>() && place.is_aligned());
    // SAFETY: big enough and aligned (checked), mapped as long as `segment`
    // lives, and only atomics, which other processes may change at any time.
    unsafe { &*place }
}

fn main() -> ExitCode {
    if shared::worker::role().is_some() {
        // A worker: this program started again with the segment's name and an amount.
        let args: Vec<String> = std::env::args().skip(1).collect();
        let segment = ShmemConf::new()
            .os_id(&args[0])
            .open()
            .expect("open the segment");
        deposit(account_in(&segment), args[1].parse().expect("an amount"));
        return ExitCode::SUCCESS;
    }
    // Python: balance = mp.Value('i', 1000); lock = mp.Lock()
    let segment = ShmemConf::new()
        .size(size_of::<Account>())
        .create()
        .expect("create a segment");
    let account = account_in(&segment);
    account.balance.store(1000, Relaxed);
    println!("balance: {}", account.balance.load(Relaxed));
    // Python: p = mp.Process(target=deposit, args=(balance, lock, 100)); p.start(), then 10
    let workers: Vec<Child> = [100, 10]
        .iter()
        .map(|amount| {
            let mut command = shared::worker::command("deposit");
            command.arg(segment.get_os_id()).arg(amount.to_string());
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
    let balance = {
        let _locked = account.lock.lock(); // Python: with lock: (a worker may have left it held)
        account.balance.load(Relaxed)
    };
    println!("balance after deposits of 100 and 10: {balance}");
    if failed > 0 {
        eprintln!("error: {failed} deposit(s) failed");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
} // `segment` is dropped: its creator unlinks the name from /dev/shm
