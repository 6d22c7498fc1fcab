//! `stages`: ports tutorial 000's program in which two threads each add 1 to
//! `a.value`, print it ("stage 1"), sleep, and print it again ("stage 2").

use std::sync::{Barrier, mpsc};
use std::thread;

use parking_lot::Mutex;

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
pub fn stages() {
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
