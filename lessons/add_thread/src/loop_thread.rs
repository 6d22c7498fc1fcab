//! Python: tutorial 003's `LoopThread` program: a thread named `LoopThread`
//! counts to 5, a second at a time, and the main thread waits for it.

use std::thread;
use std::time::Duration;

use crate::os_threads::current_name;

/// How long each of LoopThread's five steps takes (the original slept 1 s).
const STEP: Duration = Duration::from_millis(50);

// ANCHOR: loop_thread
// Python: def loop(): ...
fn loop_job() {
    let name = current_name(); // Python: threading.current_thread().name
    println!("thread {name} is running...");
    for n in 1..=5 {
        println!("thread {name} >>> {n}");
        thread::sleep(STEP); // Python: time.sleep(1)
    }
    println!("thread {name} ended.");
}

pub fn loop_thread() {
    println!("thread {} is running...", current_name());
    // Python: t = threading.Thread(target=loop, name='LoopThread'); t.start()
    let t = thread::Builder::new()
        .name("LoopThread".to_owned())
        .spawn(loop_job)
        .expect("the OS refused to start a thread");
    t.join().expect("LoopThread panicked"); // Python: t.join()
    println!("thread {} ended.", current_name());
}
// ANCHOR_END: loop_thread
