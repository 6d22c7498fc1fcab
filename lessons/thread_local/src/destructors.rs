//! `destructors`: not in the tutorials. A thread's thread-locals are dropped
//! when the thread exits; `join` waits for that, and `main`'s own may never
//! be dropped at all.

use std::cell::RefCell;

use crate::threads::{start, thread_name};

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

pub fn destructors() {
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
