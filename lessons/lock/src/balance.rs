//! `balance` and `panic-unlocks`: ports tutorial 003's bank balance, changed
//! under a `Lock` with `acquire`, `try` and `finally: release()`, then shows
//! that the guard is that `finally`, also when the code under it panics.

use std::thread;

use parking_lot::Mutex;

// ANCHOR: balance
/// Python's global `balance`, and a count of the changes made to it: a
/// balance of 0 alone would not show that any change ran at all.
struct Account {
    balance: i64,
    changes: u32,
}

// Python: def change_it(n): global balance; balance = balance + n; balance = balance - n
fn change_it(account: &mut Account, n: i64) {
    account.balance += n;
    account.balance -= n;
    account.changes += 1;
}

// Python: def run_thread(n): ...
fn run_thread(account: &Mutex<Account>, n: i64) {
    for _ in 0..100_000 {
        let mut account = account.lock(); // Python: lock.acquire(); try:
        change_it(&mut account, n);
    } // Python: finally: lock.release() — the guard is dropped at the end of each
    //   turn of the loop, however the turn ends (a panic included)
}

pub fn balance() {
    // Python: balance = 0; lock = threading.Lock()
    let account = Mutex::new(Account {
        balance: 0,
        changes: 0,
    });
    thread::scope(|s| {
        // Python: t1 = threading.Thread(target=run_thread, args=(5,))
        s.spawn(|| run_thread(&account, 5));
        // Python: t2 = threading.Thread(target=run_thread, args=(8,))
        s.spawn(|| run_thread(&account, 8));
    });
    let Account { balance, changes } = account.into_inner();
    println!("balance = {balance} after {changes} changes"); // Python: print(balance)
}
// ANCHOR_END: balance

// ANCHOR: panic_unlocks
/// The guard is Python's `finally`: when a thread panics while holding it,
/// the guard is dropped as the panic unwinds, and the lock is released.
pub fn panic_unlocks() {
    // T3 panics on purpose: print its message without the backtrace that
    // RUST_BACKTRACE=1 would add (the panic hook is in shared/src/lesson.rs).
    shared::lesson::panics_without_backtrace();
    let balance = Mutex::new(0_i64);
    thread::scope(|s| {
        let t3 = thread::Builder::new()
            .name("T3".into())
            .spawn_scoped(s, || {
                let mut balance = balance.lock(); // Python: lock.acquire(); try:
                *balance += 5; // the first half of change_it(5)...
                // ...and no second half:
                panic!("T3 gave up halfway through change_it(5)");
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
