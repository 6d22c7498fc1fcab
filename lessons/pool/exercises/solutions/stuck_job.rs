//! # Give up on a stuck job
//!
//! Four lookups run on a pool of three threads, and each hands its answer back
//! on a channel of its own, like Python's `apply_async` result. One lookup
//! never answers: its server does not reply. `main` collects the answers with
//! `recv()`, which, like Python's `result.get()` without a timeout, waits for
//! ever, so the program hangs. Wait at most `TIMEOUT` for each answer, and
//! report a lookup that has not answered by then as a `TimeoutError`.

use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use threadpool::ThreadPool;

/// How long `main` waits for one answer. A lookup that works answers in
/// microseconds; this only bounds the wait for one that does not, and is
/// generous so that a busy machine never turns a working lookup into a
/// timeout.
const TIMEOUT: Duration = Duration::from_secs(3);

const HOSTS: [&str; 4] = [
    "alpha.example",
    "beta.example",
    "silent.example",
    "gamma.example",
];

/// The job: find the address of `host`. One server never replies: the job
/// waits for a reply that nobody will ever send (the sender is alive, in
/// `_server`, so `recv` cannot even fail).
fn lookup(host: &str) -> String {
    match host {
        "alpha.example" => "10.0.0.1".to_owned(),
        "beta.example" => "10.0.0.2".to_owned(),
        "gamma.example" => "10.0.0.3".to_owned(),
        _ => {
            let (_server, reply) = mpsc::channel();
            reply
                .recv()
                .expect("the server is alive, so this waits for ever")
        }
    }
}

fn main() {
    let pool = ThreadPool::new(3); // Python: pool = ThreadPool(3)

    // Python: results = [pool.apply_async(lookup, (host,)) for host in HOSTS]
    let results: Vec<Receiver<String>> = HOSTS
        .iter()
        .map(|&host| {
            let (answer_tx, answer) = mpsc::channel();
            pool.execute(move || {
                answer_tx.send(lookup(host)).ok(); // Err: nobody waits any more
            });
            answer
        })
        .collect();

    println!("main: waits at most {TIMEOUT:?} for each answer");
    for (host, result) in HOSTS.iter().zip(&results) {
        //~ // TODO: wait at most TIMEOUT (recv_timeout). On a timeout print
        //~ // "{host}: TimeoutError: no answer within {TIMEOUT:?}" and go on.
        //~ // Python: result.get()
        //~ let address = result.recv().expect("the lookup ended without answering");
        //~ println!("{host}: {address}");
        // ANCHOR: solution
        match result.recv_timeout(TIMEOUT) {
            // Python: result.get(timeout=3)
            Ok(address) => println!("{host}: {address}"),
            // Python: except multiprocessing.TimeoutError
            Err(mpsc::RecvTimeoutError::Timeout) => {
                println!("{host}: TimeoutError: no answer within {TIMEOUT:?}")
            }
            // The job's sender is gone without a message: the job panicked.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                println!("{host}: the lookup ended without answering")
            }
        }
        // ANCHOR_END: solution
    }
    // No pool.join() here: it would wait for the stuck job, for ever. A
    // timeout stops the waiting, not the job: its thread stays busy until
    // the process ends.
    println!("done; the silent lookup holds a pool thread until the process ends");
}
