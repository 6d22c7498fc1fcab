//! Ports `queue.Queue`'s `task_done()` and `join()`: wait until every piece
//! of work handed out is finished. crossbeam's `WaitGroup` counts the
//! clones still alive; `wait` returns when all of them have been dropped.

use std::thread;

use crossbeam_utils::sync::WaitGroup;

// ANCHOR: waitgroup
pub fn waitgroup() {
    let all_done = WaitGroup::new();
    for name in ["W1", "W2", "W3"] {
        let done = all_done.clone();
        thread::spawn(move || {
            println!("{name}: works");
            drop(done); // Python: tasks.task_done()
        });
    }
    all_done.wait(); // Python: tasks.join()
    println!("main: all three are done");
}
// ANCHOR_END: waitgroup
