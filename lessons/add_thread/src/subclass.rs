//! Python: tutorial 002's `MyThread`, a subclass of `threading.Thread` that
//! overrides `run()`; `MyThread(56)` and `MyThread(78)` run side by side.

use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long one `run` "works" (the original slept 3 s).
const TASK: Duration = Duration::from_millis(300);

// ANCHOR: subclass
/// Python's `threading.Thread` as a trait: a type supplies `run`, and gets
/// `start` for free, as a subclass of `Thread` inherits `start()`.
trait Runnable: Send + 'static {
    fn run(self);

    /// Moves `self` into a new thread and calls `run` there.
    fn start(self) -> JoinHandle<()>
    where
        Self: Sized,
    {
        thread::spawn(move || self.run())
    }
}

// Python: class MyThread(threading.Thread): def __init__(self, num): ...
struct MyThread {
    num: u32,
}

impl Runnable for MyThread {
    // Python: def run(self): ...
    fn run(self) {
        println!("running on number:{}", self.num);
        thread::sleep(TASK); // Python: time.sleep(3)
    }
}

pub fn subclass() {
    let t1 = MyThread { num: 56 }.start(); // Python: t1 = MyThread(56); t1.start()
    let t2 = MyThread { num: 78 }.start(); // Python: t2 = MyThread(78); t2.start()

    t1.join().expect("t1 panicked"); // Python: t1.join()
    t2.join().expect("t2 panicked"); // Python: t2.join()
    println!("ending");
}
// ANCHOR_END: subclass
