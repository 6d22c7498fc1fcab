//! # Lock once, pass the data down
//!
//! `transfer` holds the bank's lock from start to end, so that nobody ever
//! sees the money gone from one account and not yet in the other. But it
//! calls `withdraw` and `deposit`, which lock the bank again, and a `Mutex`
//! locked a second time by the thread that holds it waits for itself forever:
//! the program hangs. Keep the whole transfer under one lock, and give the
//! helpers what the guard reaches (`&mut Bank`) instead of the `Mutex`.

use std::thread;

use parking_lot::Mutex;

struct Bank {
    alice: u64,
    bob: u64,
}

impl Bank {
    fn account(&mut self, name: &str) -> &mut u64 {
        match name {
            "alice" => &mut self.alice,
            "bob" => &mut self.bob,
            _ => panic!("no account named {name}"),
        }
    }
}

/// The auditor comes by and counts the money, on a thread of its own. It
/// never waits for the lock: if the books are locked, it comes back later.
fn auditor_drops_in(bank: &Mutex<Bank>) {
    thread::scope(|s| {
        s.spawn(|| match bank.try_lock() {
            // Python: lock.acquire(blocking=False)
            Some(books) => println!(
                "auditor: alice {}, bob {}, total {}",
                books.alice,
                books.bob,
                books.alice + books.bob
            ),
            None => println!("auditor: the books are locked, I'll come back later"),
        });
    });
}

// TODO: `transfer` holds the lock, and these two lock it again.
fn withdraw(bank: &Mutex<Bank>, from: &str, amount: u64) {
    let mut bank = bank.lock(); // Python: with lock:
    *bank.account(from) -= amount;
}

fn deposit(bank: &Mutex<Bank>, to: &str, amount: u64) {
    let mut bank = bank.lock(); // Python: with lock:
    *bank.account(to) += amount;
}

fn transfer(bank: &Mutex<Bank>, from: &str, to: &str, amount: u64) {
    let whole_transfer = bank.lock(); // Python: with lock:
    withdraw(bank, from, amount);
    auditor_drops_in(bank); // meanwhile (here for certain), the auditor drops in
    deposit(bank, to, amount);
    drop(whole_transfer);
}

fn main() {
    let bank = Mutex::new(Bank {
        alice: 100,
        bob: 20,
    });
    println!("transfer 30 from alice to bob");
    transfer(&bank, "alice", "bob", 30);
    println!("transfer done");
    auditor_drops_in(&bank);
}
