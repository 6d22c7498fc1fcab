//! # Hang up when you are done
//!
//! main hands six numbers to three worker threads over a job queue, and main
//! and the workers write their news to a logger thread over a log queue. A
//! `for` loop over a `Receiver` ends when the queue is empty *and* every
//! `Sender` of it is gone: that is how a worker learns that no more jobs will
//! come, and how the logger learns that nobody will log again. But main still
//! holds a sender of each queue, so the workers and the logger wait for ever,
//! and so does main. Make every loop end, with nothing lost.

use std::thread;

use crossbeam_channel::unbounded;

fn main() {
    let (log, log_queue) = unbounded::<String>(); // Python: log = Queue()
    let logger = thread::spawn(move || {
        let mut lines = 0;
        for line in log_queue {
            // Python: while (line := log.get()) is not None:
            println!("{line}");
            lines += 1;
        }
        lines
    });
    log.send("main: starting 3 workers".into())
        .expect("the logger runs");

    let (jobs, job_queue) = unbounded::<u64>(); // Python: jobs = Queue()
    let mut workers = Vec::new();
    for _ in 0..3 {
        let (job_queue, log) = (job_queue.clone(), log.clone());
        workers.push(thread::spawn(move || {
            for n in job_queue {
                // Python: while (n := jobs.get()) is not None:
                log.send(format!("square of {n} = {}", n * n))
                    .expect("the logger runs");
            }
        }));
    }
    for n in 1..=6 {
        jobs.send(n).expect("the workers run"); // Python: jobs.put(n)
    }
    log.send("main: 6 jobs queued".into())
        .expect("the logger runs");

    // TODO: nothing below ever ends: the workers and the logger are still
    // waiting for whatever main might send them.
    for worker in workers {
        worker.join().expect("a worker panicked"); // Python: w.join()
    }
    let lines = logger.join().expect("the logger panicked"); // Python: logger.join()
    println!("the logger wrote {lines} lines");
}
