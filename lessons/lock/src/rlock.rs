//! `rlock`: Python's `RLock`, which tutorial 002 names beside `Lock`, as
//! parking_lot's `ReentrantMutex`; and a plain `Mutex` locked twice by the
//! thread that holds it, asked with `try_lock` so that it cannot deadlock.

use std::cell::Cell;
use std::thread;
use std::time::Duration;

use parking_lot::{Mutex, ReentrantMutex};

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

pub fn rlock() {
    let account = Account::new(Cell::new(0)); // Python: rlock = threading.RLock()
    deposit_twice(&account, 10);

    // Reentrant for the thread that holds it, and only for that one: to any
    // other thread it is a lock like any other.
    let held = account.lock();
    thread::scope(|s| {
        s.spawn(|| {
            // Python: rlock.acquire(blocking=False)
            let got_it = account.try_lock().is_some();
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
    // Python: lock.acquire(timeout=0.05)
    let again = lock.try_lock_for(Duration::from_millis(50)).is_some();
    println!("Mutex held; try_lock_for(50ms) got it again: {again}");
    drop(held); // Python: lock.release()
    println!(
        "Mutex released; try_lock() got it: {}",
        lock.try_lock().is_some()
    );
}
// ANCHOR_END: rlock
