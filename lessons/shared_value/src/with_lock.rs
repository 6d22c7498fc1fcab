//! Ports the two programs that add to a shared `Value` under `mp.Lock()`:
//! tutorial 000's job1 and job2 (1 to 20, in order) and tutorial 004's
//! `1|2|3|4|5|8|11|14|17|20|`. The lock lives in the shared segment.

use std::sync::atomic::Ordering::Relaxed;
use std::thread;

use shared::say;

use crate::counter::{Counter, STEP, add, print_piece};
use crate::segment::Segment;
use crate::shm_sync::ProcessLock;
use crate::workers::{DeferCtrlC, Worker, wait_until};

// ANCHOR: jobs_lock
// Python: def job1(A, lock): lock.acquire()
//             for ...: A.value += 1; print(...)
//             lock.release()
pub fn job_lock(name: &str, shared: &Counter) -> Result<(), String> {
    let _locked = shared.lock.lock()?; // Python: lock.acquire()
    for _ in 0..10 {
        add(&shared.value, 1); // the same two steps, but nobody else holds the lock
        say!("{name}: {}", shared.value.load(Relaxed));
        thread::sleep(STEP);
    }
    Ok(())
} // Python: lock.release(): `_locked` is dropped here

/// Waits until `first`, the only other process, has taken the lock. (A parent
/// slow to look may find it free again: the count still says it was taken.)
pub fn wait_until_taken(lock: &ProcessLock, first: &mut Worker) -> Result<(), String> {
    wait_until(&mut [first], "the lock", || lock.times_taken() > 0)
}

pub fn jobs_lock() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    // Python: lock = mp.Lock(); A = mp.Value('i', 0)
    let mut shared = Segment::create(Counter::new())?;
    say!("A = {} in {}", shared.value.load(Relaxed), shared.name()); // Python: print(A)
    // Python: p1 = mp.Process(target=job1, args=(A, lock)); p1.start()
    let mut p1 = Worker::start("job", "job1", &shared, &["lock"])?;
    // In Python either job may win the lock. To make the order certain, job2
    // starts only once job1 has taken it.
    wait_until_taken(&shared.lock, &mut p1)?;
    // Python: p2 = mp.Process(target=job2, args=(A, lock)); p2.start()
    let mut p2 = Worker::start("job", "job2", &shared, &["lock"])?;
    shared.unlink_once_opened(&mut [&mut p1, &mut p2])?;
    p1.join()?; // Python: p1.join()
    p2.join()?; // Python: p2.join()
    say!("A = {} after 2 x 10 additions", shared.value.load(Relaxed));
    Ok(())
}
// ANCHOR_END: jobs_lock

// ANCHOR: add_lock
// Python: def job(v, num, l): l.acquire()
//             for ...: v.value += num; print(v.value, end="|")
//             l.release()
pub fn job_add_lock(shared: &Counter, num: i32) -> Result<(), String> {
    let _locked = shared.lock.lock()?; // Python: l.acquire()
    for _ in 0..5 {
        thread::sleep(STEP);
        add(&shared.value, num);
        print_piece(shared.value.load(Relaxed));
    }
    Ok(())
} // Python: l.release()

pub fn add_lock() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    // Python: l = mp.Lock(); v = mp.Value('i', 0)
    let mut shared = Segment::create(Counter::new())?;
    // Python: p1 = mp.Process(target=job, args=(v, 1, l)); p1.start()
    let mut p1 = Worker::start("add", "p1", &shared, &["1", "lock"])?;
    // As in jobs-lock: p2 starts only once p1 has taken the lock.
    wait_until_taken(&shared.lock, &mut p1)?;
    // Python: p2 = mp.Process(target=job, args=(v, 3, l)); p2.start()
    let mut p2 = Worker::start("add", "p2", &shared, &["3", "lock"])?;
    shared.unlink_once_opened(&mut [&mut p1, &mut p2])?;
    p1.join()?; // Python: p1.join()
    p2.join()?; // Python: p2.join()
    say!(""); // ends the line of pieces
    say!("v = {}", shared.value.load(Relaxed));
    Ok(())
}
// ANCHOR_END: add_lock

#[cfg(test)]
mod tests {
    use std::process::Command;

    use super::*;

    /// A first worker that ends without taking the lock is an error: the
    /// second one must not start. Once the lock has been taken, no wait.
    #[test]
    fn wait_until_taken_waits_for_the_lock_to_be_taken() {
        let lock = ProcessLock::new();
        let child = Command::new("true").spawn().expect("true runs");
        let mut first = Worker::stand_in("first", child);
        let error = wait_until_taken(&lock, &mut first).expect_err("never taken");
        assert!(error.starts_with("first ended"), "{error}");
        let _held = lock.lock().expect("a free lock");
        wait_until_taken(&lock, &mut first).expect("taken once");
    }
}
