//! # Recover a poisoned lock
//!
//! This bank uses the standard library's `Mutex`. A teller thread panics in
//! the middle of a transfer to an account that does not exist: 30 have left
//! alice's account and gone nowhere. A std `Mutex` remembers that its holder
//! panicked: from then on `lock()` returns `Err(PoisonError)`, and main's
//! `unwrap()` panics too. Take the guard out of the error anyway, repair the
//! data (give alice her 30 back), and clear the poison, so that the next
//! transfer can lock the bank again.

use std::sync::Mutex;
use std::thread;

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

fn transfer(bank: &Mutex<Bank>, from: &str, to: &str, amount: u64) {
    let mut books = bank.lock().expect("the bank's lock is poisoned");
    *books.account(from) -= amount;
    *books.account(to) += amount; // panics for an unknown account, halfway through
}

fn main() {
    let bank = Mutex::new(Bank {
        alice: 100,
        bob: 20,
    });
    thread::scope(|s| {
        let teller = thread::Builder::new().name("teller".into());
        let job = teller.spawn_scoped(s, || transfer(&bank, "alice", "carol", 30));
        if job.expect("start the teller").join().is_err() {
            println!("the teller panicked while it held the lock");
        }
    });

    // TODO: lock() is an Err now. Take the guard anyway, give alice back
    // the 30 the failed transfer took, and clear the poison.
    let books = bank.lock().unwrap();
    println!(
        "alice {}, bob {}, total {}",
        books.alice,
        books.bob,
        books.alice + books.bob
    );
    drop(books);

    transfer(&bank, "bob", "alice", 20);
    let books = bank.lock().expect("the bank's lock is poisoned");
    println!(
        "after bob pays alice 20: alice {}, bob {}",
        books.alice, books.bob
    );
}
