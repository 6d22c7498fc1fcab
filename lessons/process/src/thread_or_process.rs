//! The same work in a thread and in a process: tutorial 000's `job(1, 2)`,
//! and tutorial 001's `long_time_task`, twice in one process and then in two
//! processes at once.

use std::process::id as getpid;
use std::thread;
use std::time::{Duration, Instant};

use shared::say;

use crate::join::join;
use crate::spawn::start_worker;

// ANCHOR: thread_and_process
// Python: def job(a, b): print(a, b)
pub fn job(a: i32, b: i32) {
    say!("{a} {b}");
}

pub fn thread_and_process() {
    // The thread gets the numbers themselves. The process gets the role "job"
    // and the strings "1" and "2", and calls job(1, 2) on its own side.
    // Python: t1 = td.Thread(target=job, args=(1, 2)); t1.start()
    let t1 = thread::spawn(|| job(1, 2));
    // Python: p1 = mp.Process(target=job, args=(1, 2)); p1.start()
    let mut p1 = start_worker("job", &["1", "2"]);

    t1.join().expect("t1 panicked"); // Python: t1.join()
    join(&mut p1); // Python: p1.join()
    say!("main: both have run job(1, 2)");
}
// ANCHOR_END: thread_and_process

// ANCHOR: serial
/// How long one "long" task takes (the original slept 2 s).
pub const TASK: Duration = Duration::from_millis(300);

// Python: def long_time_task(): print(os.getpid()); time.sleep(2); print(8 ** 20)
fn long_time_task() {
    say!("current process: pid {}", getpid());
    thread::sleep(TASK);
    say!("result: {}", 8u64.pow(20));
}

pub fn serial() {
    say!("parent process: pid {}", getpid());
    let began = Instant::now();
    for _ in 0..2 {
        long_time_task();
    }
    say!("took {:.2?}", began.elapsed()); // one task after the other: about 600 ms
}
// ANCHOR_END: serial

// ANCHOR: two_processes
// Python: def long_time_task(i): print(os.getpid(), i); time.sleep(2); print(8 ** 20)
pub fn long_time_task_numbered(i: u32) {
    say!("task {i}: child process pid {}", getpid());
    thread::sleep(TASK);
    say!("task {i}: result {}", 8u64.pow(20));
}

pub fn two_processes() {
    say!("parent process: pid {}", getpid());
    let began = Instant::now();
    say!("waiting for all child processes to finish");
    // Python: p1 = Process(target=long_time_task, args=(1,)); p1.start()
    let mut p1 = start_worker("long-time-task", &["1"]);
    // Python: p2 = Process(target=long_time_task, args=(2,)); p2.start()
    let mut p2 = start_worker("long-time-task", &["2"]);
    join(&mut p1); // Python: p1.join()
    join(&mut p2); // Python: p2.join()
    // Both at once: about 300 ms, plus two start-ups.
    say!("total {:.2?}", began.elapsed());
}
// ANCHOR_END: two_processes
