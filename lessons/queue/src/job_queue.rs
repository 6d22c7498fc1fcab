//! Goes beyond the tutorials, as a Python programmer would go on from
//! `queue.Queue(maxsize=2)`, `put_nowait` and a pool of worker threads: a
//! bounded job queue that three workers share, and `select!` to wait for
//! results and a deadline at once.

use std::collections::BTreeMap;
use std::thread;

use crossbeam_channel::{RecvError, TrySendError, after, bounded, select, unbounded};

use crate::workers::PATIENCE;

// ANCHOR: workers
pub fn workers() {
    // Python: jobs = Queue(maxsize=2)
    let (jobs, job_queue) = bounded::<u64>(2);
    jobs.send(1).expect("there is room");
    jobs.send(2).expect("there is room");
    // Python: jobs.put_nowait(3) raises queue.Full; jobs.put(3) would wait.
    if let Err(TrySendError::Full(job)) = jobs.try_send(3) {
        println!("try_send({job}): Full, the queue holds {} jobs", jobs.len());
    }

    let (results, result_queue) = unbounded();
    let mut threads = Vec::new();
    for _ in 0..3 {
        // Every worker takes jobs from the same queue: crossbeam's Receiver
        // can be cloned (multi-consumer), std::sync::mpsc's cannot.
        let (job_queue, results) = (job_queue.clone(), results.clone());
        threads.push(thread::spawn(move || {
            let mut done = 0;
            // Python: while (n := jobs.get()) is not None: ...
            // The loop ends when the queue is empty and closed: no sentinel.
            for n in job_queue {
                results.send((n, n * n)).expect("main holds the results");
                done += 1;
            }
            done
        }));
    }
    drop((job_queue, results)); // only the workers hold these ends now

    for n in 3..=8 {
        jobs.send(n).expect("the workers are running"); // waits while the queue is full
    }
    drop(jobs); // hang up: this is the "no more jobs" signal
    println!("all 8 jobs are queued; main has hung up the job queue");
    // ANCHOR_END: workers

    // ANCHOR: select
    // Take results as they come, until every worker has hung up, but never
    // wait forever: select! waits on both channels at once.
    let deadline = after(PATIENCE);
    let mut squares = BTreeMap::new();
    loop {
        select! {
            recv(result_queue) -> message => match message {
                Ok((n, square)) => { squares.insert(n, square); }
                Err(RecvError) => break, // every worker has dropped its sender
            },
            recv(deadline) -> _ => {
                println!("no end within {PATIENCE:?}: giving up");
                break;
            }
        }
    }
    let per_worker: Vec<u32> = threads
        .into_iter()
        .map(|t| t.join().expect("a worker panicked"))
        .collect();
    // Which worker did how many varies; that they add up to 8 does not.
    let all: u32 = per_worker.iter().sum();
    println!("jobs done per worker: {per_worker:?}, {all} in all");
    println!(
        "squares in input order: {:?}",
        squares.values().collect::<Vec<_>>()
    );
}
// ANCHOR_END: select
