//! Ports the two programs that add to a shared `Value` without a lock:
//! tutorial 000's job1 and job2, which add 1 ten times each and print `A`,
//! and tutorial 004's two processes, which add 1 and 3 five times each and
//! print `v|`. The additions of the two processes can collide.

use std::sync::atomic::Ordering::Relaxed;
use std::thread;

use shared::say;

use crate::counter::{Counter, STEP, add, print_piece};
use crate::segment::Segment;
use crate::workers::{DeferCtrlC, Worker};

// ANCHOR: jobs_no_lock
// Python: def job1(A): for i in range(10): A.value += 1; print(...); sleep(0.1)
pub fn job_no_lock(name: &str, shared: &Counter) -> Result<(), String> {
    shared.start.wait(2)?; // both jobs begin together, so that they overlap
    for _ in 0..10 {
        add(&shared.value, 1);
        say!("{name}: {}", shared.value.load(Relaxed));
        thread::sleep(STEP);
    }
    Ok(())
}

pub fn jobs_no_lock() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    let mut shared = Segment::create(Counter::new())?; // Python: A = mp.Value('i', 0)
    say!("A = {} in {}", shared.value.load(Relaxed), shared.name()); // Python: print(A)
    // Python: p1 = mp.Process(target=job1, args=(A,)); p1.start(); and p2
    let mut p1 = Worker::start("job", "job1", &shared, &["no-lock"])?;
    let mut p2 = Worker::start("job", "job2", &shared, &["no-lock"])?;
    shared.unlink_once_opened(&mut [&mut p1, &mut p2])?;
    p1.join()?; // Python: p1.join()
    p2.join()?; // Python: p2.join()
    say!("A = {} after 2 x 10 additions", shared.value.load(Relaxed));
    Ok(())
}
// ANCHOR_END: jobs_no_lock

// ANCHOR: add_no_lock
// Python: def job(v, num): for _ in range(5):
//             time.sleep(0.1); v.value += num; print(v.value, end="|")
pub fn job_add_no_lock(shared: &Counter, num: i32) -> Result<(), String> {
    shared.start.wait(2)?;
    for _ in 0..5 {
        thread::sleep(STEP);
        add(&shared.value, num);
        print_piece(shared.value.load(Relaxed));
    }
    Ok(())
}

pub fn add_no_lock() -> Result<(), String> {
    let _ctrl_c = DeferCtrlC::new();
    let mut shared = Segment::create(Counter::new())?; // Python: v = mp.Value('i', 0)
    // Python: p1 = mp.Process(target=job, args=(v, 1)); p1.start(), and p2 with 3
    let mut p1 = Worker::start("add", "p1", &shared, &["1", "no-lock"])?;
    let mut p2 = Worker::start("add", "p2", &shared, &["3", "no-lock"])?;
    shared.unlink_once_opened(&mut [&mut p1, &mut p2])?;
    p1.join()?; // Python: p1.join()
    p2.join()?; // Python: p2.join()
    say!(""); // ends the line of pieces
    say!(
        "v = {} (5 x 1 + 5 x 3 = 20 if no update was lost)",
        shared.value.load(Relaxed)
    );
    Ok(())
}
// ANCHOR_END: add_no_lock
