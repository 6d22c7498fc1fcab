//! `jobs-no-lock` and `jobs-lock`: ports tutorial 000's job1 and job2, which
//! add 1 and 10 to a global `A` ten times each, first without a `Lock`, then
//! with one held around each job's whole loop.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use parking_lot::Mutex;

/// How long each of a job's ten steps takes (the original slept 0.1 s).
const JOB_STEP: Duration = Duration::from_millis(5);

// ANCHOR: jobs_no_lock
/// Python's loop `A += step; print(A)` with no lock around it. In Rust the
/// shared `A` cannot be changed at all without a lock or an atomic, so each
/// step locks just for its own addition and lets go before it prints and
/// sleeps: between two steps of job1, job2 may take a step of its own.
fn job_step_by_step(name: &str, step: u32, a: &Mutex<u32>) {
    for _ in 0..10 {
        let value = {
            let mut a = a.lock();
            *a += step; // Python: A += 1 (job1) or A += 10 (job2)
            *a
        };
        println!("{name} {value}");
        thread::sleep(JOB_STEP); // Python: time.sleep(0.1)
    }
}

pub fn jobs_no_lock() {
    let a = Mutex::new(0); // Python: A = 0
    thread::scope(|s| {
        s.spawn(|| job_step_by_step("job1", 1, &a)); // Python: t1.start()
        s.spawn(|| job_step_by_step("job2", 10, &a)); // Python: t2.start()
    }); // Python: t1.join(); t2.join()
    println!("A = {} after both jobs", a.into_inner());
}
// ANCHOR_END: jobs_no_lock

// ANCHOR: jobs_lock
/// Python: `lock.acquire()`, the ten steps, `lock.release()`. The guard is
/// taken before the loop and dropped after it, so no other thread can touch
/// `A` until this job's ten steps are all done.
fn job_holding_the_lock(
    name: &str,
    step: u32,
    a: &Mutex<u32>,
    has_lock: mpsc::Sender<()>,
) {
    let mut a = a.lock(); // Python: lock.acquire()
    has_lock.send(()).ok(); // tell main (if it still listens) that we got it
    for _ in 0..10 {
        *a += step;
        println!("{name} {}", *a);
        thread::sleep(JOB_STEP); // Python: time.sleep(0.1)
    }
} // Python: lock.release() — the guard `a` is dropped here

pub fn jobs_lock() {
    let a = Mutex::new(0); // Python: A = 0
    let (has_lock, job1_has_lock) = mpsc::channel();
    thread::scope(|s| {
        let job2_has_lock = has_lock.clone();
        // Python: t1.start()
        s.spawn(|| job_holding_the_lock("job1", 1, &a, has_lock));
        // In Python either job may win the lock; whichever does runs all ten
        // steps first. To make the golden output certain, job2 is started only
        // once job1 has said that it holds the lock.
        job1_has_lock
            .recv()
            .expect("job1 reports that it holds the lock");
        // Python: t2.start()
        s.spawn(|| job_holding_the_lock("job2", 10, &a, job2_has_lock));
    }); // Python: t1.join(); t2.join()
    println!("A = {} after both jobs", a.into_inner());
}
// ANCHOR_END: jobs_lock
