//! Python: `taskmanager.py` and `taskworker.py`, the two programs of
//! tutorial 003's distributed task manager, line by line.
//!
//! The manager puts ten random numbers on a task queue that it serves over
//! TCP, and prints the squares that come back on a result queue; a worker,
//! on this machine or another, takes the numbers, squares them and puts the
//! answers back. The network under them is in the other modules.

use std::collections::HashSet;
use std::thread;
use std::time::{Duration, Instant};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use shared::say;

use crate::auth::AuthKey;
use crate::cli::{AUTHKEY_VAR, TaskArgs};
use crate::client::{Dialect, Got, KEEP_TRYING, RemoteQueues};
use crate::demo;
use crate::queues::Loans;
use crate::server::{MOST_PER_WORKER, Manager};

// ANCHOR: task_manager
/// Python: taskmanager.py. With `demo_workers`, it also starts that many
/// worker processes, pausing that long on each task, once the tasks are in:
/// what you would otherwise do in another terminal.
pub fn task_manager(
    listen: &str,
    key: AuthKey,
    numbers: &[u64],
    lease: Duration,
    demo_workers: Option<(u32, Duration)>,
) -> Result<(), String> {
    // Python: manager = QueueManager(address=('', 5000), authkey=b'abc')
    // Python: manager.start()
    let loans = Loans {
        lease,
        most_per_worker: MOST_PER_WORKER,
    };
    let manager = Manager::start(listen, key.clone(), loans)?;
    say!("Manager listening on {}", manager.address());
    // Python: task = manager.get_task_queue()
    let task = manager.task_queue();

    for &n in numbers {
        say!("Put task {n}...");
        task.put(n); // Python: task.put(n)
    }
    task.close(); // not in Python: no more tasks will come, so workers can finish
    say!("Try get results...");

    let workers = match demo_workers {
        Some((count, pause)) => {
            let processes = if count == 1 { "process" } else { "processes" };
            say!(
                "Starting {count} worker {processes}; the authkey goes in {AUTHKEY_VAR}"
            );
            let connect = manager.address().to_string();
            let role = ["worker", "--connect", &connect];
            let secret = (AUTHKEY_VAR, key.as_text());
            let command = demo::this_program(&role)?;
            Some(demo::start_workers(
                (count, "worker"),
                command,
                secret,
                pause,
            )?)
        }
        None => None,
    };

    let answered = collect_results(&manager, numbers.len())?;
    manager.shutdown(); // Python: manager.shutdown()
    if let Some(workers) = workers {
        workers.join()?;
    }
    say!(
        "Manager shut down: {} tasks, a result for {} of them.",
        numbers.len(),
        answered.len()
    );
    Ok(())
}
// ANCHOR_END: task_manager

// ANCHOR: collect_results
/// How long the manager waits for the next result (Python's tutorial: 10 s;
/// longer here, to leave you time to start a worker in another terminal).
/// The wait starts again whenever a task goes back on the queue. Longer than
/// the server's idle limit (30 s), which is longer than a lease (10 s): a
/// silent worker's task comes back first, then its connection is dropped,
/// and only a job that nobody works on at all runs out of patience.
pub const RESULT_WAIT: Duration = Duration::from_secs(45);
/// How often the manager looks for leases that have run out.
pub const LEASE_CHECK: Duration = Duration::from_millis(100);

/// Prints the results as they come, until there are `count`; sends back the
/// tasks whose lease runs out meanwhile. The ids of the tasks answered.
fn collect_results(manager: &Manager, count: usize) -> Result<HashSet<u64>, String> {
    let (task, result) = (manager.task_queue(), manager.result_queue());
    let mut answered = HashSet::new();
    // The last result, or the last task back on the queue (a lease that ran
    // out, or a worker lost): either starts the wait for a result again.
    let (mut progress, mut went_back) = (Instant::now(), task.went_back());
    while answered.len() < count {
        // Python: r = result.get(timeout=10)
        if let Ok(done) = result.recv_timeout(LEASE_CHECK) {
            let n = done.task.n;
            // Python: print('Result: %s' % r)
            say!("Result: {n} * {n} = {}", done.square);
            answered.insert(done.task.id);
            progress = Instant::now();
        }
        for lost in task.expire(Instant::now()) {
            let (id, n) = (lost.id, lost.n);
            say!(
                "manager: task {id} (n = {n}) goes back on the queue: its lease ran out"
            );
        }
        if task.went_back() != went_back {
            (progress, went_back) = (Instant::now(), task.went_back());
        }
        if progress.elapsed() > RESULT_WAIT {
            return Err(format!(
                "no result within {RESULT_WAIT:?}: is a worker running?"
            ));
        }
    }
    Ok(answered)
}
// ANCHOR_END: collect_results

// ANCHOR: task_worker
/// How long a worker waits for a task before it hears `Empty` (Python:
/// `task.get(timeout=1)`).
const TASK_WAIT: Duration = Duration::from_secs(1);

/// Python: taskworker.py. It serves our manager, or with `Dialect::Python`
/// a Python `BaseManager` (such as `python/taskmanager.py`).
pub fn task_worker(
    manager: &str,
    key: &AuthKey,
    (name, dialect): (&str, Dialect),
    pause: Duration,
) -> Result<(), String> {
    say!("{name}: Connect to server {manager}...");
    // Python: m = QueueManager(address=(server_addr, 5000), authkey=b'abc')
    // Python: m.connect()
    let (mut queues, form) = RemoteQueues::connect_patiently(
        manager,
        key,
        dialect,
        KEEP_TRYING,
        |why, pause| {
            say!("{name}: {why}; trying again in {pause:?}");
        },
    )?;
    say!("{name}: connected, and each side proved it knows the authkey ({form})");
    loop {
        // Python: n = task.get(timeout=1)
        match queues.get(TASK_WAIT)? {
            Got::Task { id, n, lease } => {
                say!("{name}: run task {n} * {n}...");
                let square = n
                    .checked_mul(n)
                    .ok_or_else(|| format!("task {n} is too large to square"))?;
                work_for(pause, id, lease, &mut queues)?; // Python: time.sleep(1)
                queues.put(id, square)?; // Python: result.put(r)
            }
            // Python: except Queue.Empty: print('task queue is empty.')
            Got::Empty => say!("{name}: task queue is empty."),
            // Not in Python, whose worker stops after ten tries.
            Got::Finished => break,
            Got::ShutDown => {
                say!("{name}: the manager has shut down.");
                break;
            }
        }
    }
    say!("{name}: worker exit.");
    Ok(())
}
// ANCHOR_END: task_worker

// ANCHOR: renew
/// Works on task `id` for `pause`, renewing its lease three times a lease,
/// so that the manager knows we are still at it.
fn work_for(
    pause: Duration,
    id: u64,
    lease: Option<Duration>,
    queues: &mut RemoteQueues,
) -> Result<(), String> {
    let Some(lease) = lease else {
        thread::sleep(pause); // a manager without leases: nothing to renew
        return Ok(());
    };
    work_renewing(pause, lease, || queues.renew(id))
}

/// Works for `pause`, calling `renew` every third of `lease` meanwhile. (The
/// Redis worker renews its lease the same way.)
pub fn work_renewing(
    pause: Duration,
    lease: Duration,
    mut renew: impl FnMut() -> Result<(), String>,
) -> Result<(), String> {
    let (round, mut left) = (lease / 3, pause);
    while left > round {
        thread::sleep(round);
        left -= round;
        renew()?;
    }
    thread::sleep(left);
    Ok(())
}
// ANCHOR_END: renew

// ANCHOR: numbers
/// Python: `n = random.randint(0, 10000)`, `count` times. With a seed, the
/// numbers come from Xoshiro256++, one of the generators whose algorithm the
/// `rand` crate keeps fixed ("portable"): with the versions in Cargo.lock, a
/// seed gives the same numbers on every machine. Without one, they come from
/// `rand::rng()`, a generator seeded by the operating system.
///
/// How many is limited by memory only: a count that does not fit is an error.
pub fn task_numbers(args: &TaskArgs) -> Result<Vec<u64>, String> {
    let count = args.tasks as usize;
    let mut numbers = Vec::new();
    numbers
        .try_reserve_exact(count)
        .map_err(|_| format!("{count} tasks do not fit in this machine's memory"))?;
    match args.seed {
        Some(seed) => draw(
            &mut Xoshiro256PlusPlus::seed_from_u64(seed),
            &mut numbers,
            count,
        ),
        None => draw(&mut rand::rng(), &mut numbers, count),
    }
    Ok(numbers)
}

fn draw(rng: &mut impl RngExt, numbers: &mut Vec<u64>, count: usize) {
    numbers.extend((0..count).map(|_| rng.random_range(0..=10_000)));
}
// ANCHOR_END: numbers

#[cfg(test)]
mod tests {
    use super::*;

    /// A worker renews its lease every third of a lease while it works: for
    /// 100 ms of work under a 30 ms lease, after 10, 20 ... 90 ms (the last
    /// 10 ms end the work). The count, not the time, is checked.
    #[test]
    fn work_renews_the_lease_every_third_of_a_lease() {
        let mut renewals = 0;
        work_renewing(
            Duration::from_millis(100),
            Duration::from_millis(30),
            || {
                renewals += 1;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(renewals, 9);
    }
}
