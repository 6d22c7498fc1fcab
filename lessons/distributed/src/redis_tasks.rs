//! The tutorial's job again, on a real broker: the manager puts the numbers
//! on a Redis list, workers square them and put the results on another, and
//! the manager prints them. Redis takes the place of Python's `BaseManager`:
//! the manager no longer serves the queues, it is one more client.
//!
//! The keys, the messages and the reliable-queue pattern are in `broker`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shared::say;

use crate::broker::{Broker, DONE_FOR, JOB, Keys, Outcome, Task};
use crate::cli::{REDIS_URL_VAR, RedisArgs};
use crate::redis_server::RedisServer;
use crate::tasks::{LEASE_CHECK, RESULT_WAIT};
use crate::{demo, tasks};

/// How many tasks go to Redis in one round trip.
const TASKS_PER_TRIP: usize = 1000;
/// A worker's lease when the manager has not said (`--lease`'s default).
const DEFAULT_LEASE: Duration = Duration::from_secs(10);
/// The longest a worker blocks on the empty task list before it looks for
/// `done` (Python: `task.get(timeout=1)`).
const TASK_WAIT: Duration = Duration::from_secs(1);

// ANCHOR: manager
/// The manager on Redis: a private redis-server (`redis_server` is where it
/// is installed), or the one at `args.redis`; the tasks; the workers (the
/// Python ones run `python_worker`); the results.
pub fn redis_manager(
    args: RedisArgs,
    redis_server: Option<PathBuf>,
    python_worker: Option<PathBuf>,
) -> Result<(), String> {
    demo::stop_workers_on_ctrl_c(); // and the private redis-server, if any
    let numbers = tasks::task_numbers(&args.tasks)?;
    // Python: manager.start(). Here the broker is a program of its own.
    let (private, url) = match (args.redis.clone(), redis_server) {
        (Some(url), _) => (None, url),
        (None, Some(program)) => {
            let server = RedisServer::start(&program)?;
            say!(
                "Redis at {} (private: started by this lesson)",
                server.address()
            );
            say!("Redis data in {}", server.dir().display());
            let url = server.url();
            (Some(server), url)
        }
        (None, None) => return Err("no Redis: give --redis URL".to_owned()),
    };
    let mut broker = Broker::connect(&url, "manager")?;
    if private.is_none() {
        say!("Redis at {} (given)", broker.address());
    }
    let keys = Keys::of_job(JOB);
    refuse_a_running_job(&mut broker, &keys)?;

    let tasks: Vec<Task> = (0..).zip(numbers).map(|(id, n)| Task { id, n }).collect();
    for &Task { n, .. } in &tasks {
        say!("Put task {n}...");
    }
    put_tasks(&mut broker, &keys, &tasks, args.lease)?;
    say!("Try get results...");

    let workers = start_workers(&args, &url, python_worker)?;
    let answered = collect_results(&mut broker, &keys, &tasks, args.lease)?;
    end_job(&mut broker, &keys)?; // Python: manager.shutdown()
    for workers in workers {
        workers.join()?;
    }
    say!(
        "Manager shut down: {} tasks, a result for {} of them.",
        tasks.len(),
        answered.len()
    );
    drop(private); // the private redis-server stops, its folder goes
    Ok(())
}
// ANCHOR_END: manager

/// The worker processes: `args.workers` of this program (`redis-worker`), and
/// `args.python_workers` of `python3 python_worker`, the URL in their
/// environment. Both kinds take the same tasks from the same list.
fn start_workers(
    args: &RedisArgs,
    url: &str,
    python_worker: Option<PathBuf>,
) -> Result<Vec<demo::Workers>, String> {
    let mut started = Vec::new();
    let secret = (REDIS_URL_VAR, url);
    let kinds = [
        (args.workers, "worker", "Rust"),
        (args.python_workers, "python", "Python"),
    ];
    for (count, named, language) in kinds.into_iter().filter(|kind| kind.0 > 0) {
        let processes = if count == 1 { "process" } else { "processes" };
        say!(
            "Starting {count} {language} worker {processes}; the Redis URL goes in \
             {REDIS_URL_VAR}"
        );
        let workers = match &python_worker {
            Some(script) if named == "python" => {
                let script = script.clone();
                let command = move || {
                    let mut command = Command::new("python3");
                    command.arg(&script);
                    command
                };
                demo::start_workers((count, named), command, secret, args.pause)?
            }
            _ => {
                let command = demo::this_program(&["redis-worker"])?;
                demo::start_workers((count, named), command, secret, args.pause)?
            }
        };
        started.push(workers);
    }
    Ok(started)
}

/// Where the Python worker is, if `python3` with the `redis` package runs here.
pub fn python_worker() -> Result<PathBuf, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/redisworker.py");
    if !script.is_file() {
        return Err(format!("the Python worker {} is missing", script.display()));
    }
    let found = Command::new("python3")
        .args(["-c", "import redis"])
        .stderr(Stdio::null())
        .status();
    match found {
        Ok(status) if status.success() => Ok(script),
        _ => Err("the Python workers need python3 and its redis package: \
                  python3 -m pip install redis"
            .to_owned()),
    }
}

/// A server shared with others may hold a job already: one that runs, or
/// one whose manager crashed. Its leftovers would mix with ours.
fn refuse_a_running_job(broker: &mut Broker, keys: &Keys) -> Result<(), String> {
    let waiting: bool =
        broker.run(|c| redis::cmd("EXISTS").arg(keys.tasks()).query(c))?;
    let held = processing_lists(broker, keys)?;
    if waiting || !held.is_empty() {
        return Err(format!(
            "Redis at {} holds another job's tasks: is another manager running? \
             If it crashed, delete its keys: redis-cli --scan --pattern '{}' | xargs \
             redis-cli del",
            broker.address(),
            keys.every_key(),
        ));
    }
    // What a finished job leaves: a late result, and `done`, which would
    // send our workers home before they start.
    broker.run(|c| {
        redis::cmd("DEL")
            .arg(keys.results())
            .arg(keys.done())
            .query::<()>(c)
    })
}

// ANCHOR: put_tasks
/// Python: `task.put(n)` for each task. Here: RPUSH, a thousand at a time
/// (pipelined: one round trip), after the lease that workers must keep.
fn put_tasks(
    broker: &mut Broker,
    keys: &Keys,
    tasks: &[Task],
    lease: Duration,
) -> Result<(), String> {
    let lease_ms = lease.as_millis().max(1) as u64;
    broker.run(|c| {
        redis::cmd("SET")
            .arg(keys.lease_ms())
            .arg(lease_ms)
            .query::<()>(c)
    })?;
    for trip in tasks.chunks(TASKS_PER_TRIP) {
        let mut pipe = redis::pipe();
        for task in trip {
            pipe.cmd("RPUSH")
                .arg(keys.tasks())
                .arg(to_json(task))
                .ignore();
        }
        broker.run(|c| pipe.query::<()>(c))?;
    }
    Ok(())
}
// ANCHOR_END: put_tasks

// ANCHOR: collect_results
/// Prints the results as they come, until every task has one; moves back the
/// tasks of workers whose lease ran out. Exactly once is kept here: by task
/// id, the first right result counts, and any other is ignored.
fn collect_results(
    broker: &mut Broker,
    keys: &Keys,
    tasks: &[Task],
    lease: Duration,
) -> Result<HashSet<u64>, String> {
    let mut answered = HashSet::new();
    let (mut progress, mut reaped) = (Instant::now(), Instant::now());
    let mut reconnections = broker.reconnections();
    while answered.len() < tasks.len() {
        // After Redis went away, what it held is not known: a restart without
        // persistence loses every list, a lost reply loses a popped result.
        // So every task without a result goes on the queue again; a task
        // that was not lost is then done twice, and its second result ignored.
        if broker.reconnections() != reconnections {
            let unanswered: Vec<Task> = (tasks.iter())
                .filter(|task| !answered.contains(&task.id))
                .copied()
                .collect();
            say!(
                "manager: Redis was away: the {} tasks without a result go on the \
                 queue again",
                unanswered.len()
            );
            put_tasks(broker, keys, &unanswered, lease)?;
            (reconnections, progress) = (broker.reconnections(), Instant::now());
        }
        // Python: r = result.get(timeout=10). Redis: BLPOP, which waits (here
        // for at most LEASE_CHECK) for the head of the list.
        let popped: Option<(String, String)> = broker.run(|c| {
            redis::cmd("BLPOP")
                .arg(keys.results())
                .arg(LEASE_CHECK.as_secs_f64())
                .query(c)
        })?;
        if let Some((_, json)) = popped
            && judge(broker, keys, tasks, &mut answered, &json)?
        {
            progress = Instant::now();
        }
        if reaped.elapsed() >= LEASE_CHECK {
            if requeue_expired(broker, keys)? > 0 {
                progress = Instant::now();
            }
            reaped = Instant::now();
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

// ANCHOR: judge
/// Counts, or ignores, one result. True if the job moved on (a result
/// counted, or a task back on the queue).
fn judge(
    broker: &mut Broker,
    keys: &Keys,
    tasks: &[Task],
    answered: &mut HashSet<u64>,
    json: &str,
) -> Result<bool, String> {
    let Ok(outcome) = serde_json::from_str::<Outcome>(json) else {
        say!("manager: {json:?} is not a result: ignored");
        return Ok(false);
    };
    let (id, n, square) = (outcome.id, outcome.n, outcome.square);
    let Some(task) = tasks.get(id as usize).filter(|task| task.n == n) else {
        say!("manager: task {id} (n = {n}) is not a task of this job: ignored");
        return Ok(false);
    };
    if answered.contains(&id) {
        say!("manager: task {id} answered again: ignored (delivered twice)");
        return Ok(false);
    }
    if n.checked_mul(n) != Some(square) {
        let worker = &outcome.worker;
        say!("manager: task {id}: {worker} says {n} * {n} = {square}: wrong, sent again");
        // LPUSH: at the head, to be taken next.
        broker.run(|c| {
            redis::cmd("LPUSH")
                .arg(keys.tasks())
                .arg(to_json(task))
                .query::<()>(c)
        })?;
        return Ok(true);
    }
    say!("Result: {n} * {n} = {square}"); // Python: print('Result: %s' % r)
    answered.insert(id);
    Ok(true)
}
// ANCHOR_END: judge

// ANCHOR: requeue
/// The reaper: for each worker that holds tasks (a `processing` list) but
/// whose lease key has expired, moves each of its tasks back to the head of
/// the task list (LMOVE, atomic: a task is in one list or the other, never
/// in none). How many went back.
fn requeue_expired(broker: &mut Broker, keys: &Keys) -> Result<usize, String> {
    let mut went_back = 0;
    for list in processing_lists(broker, keys)? {
        let Some(worker) = keys.worker_of(&list) else {
            continue;
        };
        let alive: bool =
            broker.run(|c| redis::cmd("EXISTS").arg(keys.alive(worker)).query(c))?;
        if alive {
            continue;
        }
        // Python: none (a BaseManager queue forgets a task once it is taken).
        while let Some(json) = broker.run(|c| {
            redis::cmd("LMOVE")
                .arg(&list)
                .arg(keys.tasks())
                .arg("RIGHT") // its newest first, each to the head: the order stays
                .arg("LEFT")
                .query::<Option<String>>(c)
        })? {
            went_back += 1;
            match serde_json::from_str::<Task>(&json) {
                Ok(Task { id, n }) => say!(
                    "manager: task {id} (n = {n}) goes back on the queue: \
                     {worker}'s lease ran out"
                ),
                Err(_) => say!(
                    "manager: {json:?} goes back on the queue: {worker}'s lease ran out"
                ),
            }
        }
    }
    Ok(went_back)
}

// ANCHOR_END: requeue

/// The `processing` lists that exist (SCAN: a cursor, so that Redis is never
/// busy for long, even with many keys).
fn processing_lists(broker: &mut Broker, keys: &Keys) -> Result<Vec<String>, String> {
    let pattern = keys.every_processing();
    broker.run(|c| {
        let (mut cursor, mut lists) = (0u64, Vec::new());
        loop {
            let (next, found): (u64, Vec<String>) = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(100)
                .query(c)?;
            lists.extend(found);
            if next == 0 {
                return Ok(lists);
            }
            cursor = next;
        }
    })
}

/// Python: `manager.shutdown()`. Here: `done` tells the workers to exit (it
/// expires on its own, after they have all seen it), and the job's other
/// keys go.
fn end_job(broker: &mut Broker, keys: &Keys) -> Result<(), String> {
    let done_for = DONE_FOR.as_millis() as u64;
    let lists = processing_lists(broker, keys)?;
    broker.run(|c| {
        redis::pipe()
            .cmd("SET")
            .arg(keys.done())
            .arg(1)
            .arg("PX")
            .arg(done_for)
            .ignore()
            .cmd("DEL")
            .arg(keys.tasks())
            .arg(keys.results())
            .arg(keys.lease_ms())
            .arg(&lists)
            .ignore()
            .query::<()>(c)
    })
}

// ANCHOR: worker
/// Python: taskworker.py, on Redis. `name` must be unique among the job's
/// workers: it names the worker's lease and the list of tasks it holds.
pub fn redis_worker(url: &str, name: &str, pause: Duration) -> Result<(), String> {
    say!("{name}: Connect to Redis...");
    let mut broker = Broker::connect(url, name)?;
    say!("{name}: connected to Redis at {}", broker.address());
    let keys = Keys::of_job(JOB);
    let (processing, alive) = (keys.processing(name), keys.alive(name));
    loop {
        let lease = lease_of(&mut broker, &keys)?;
        renew(&mut broker, &alive, lease)?;
        let Some(json) = take_task(&mut broker, &keys, name, lease)? else {
            let done: bool =
                broker.run(|c| redis::cmd("EXISTS").arg(keys.done()).query(c))?;
            if done {
                break; // not in Python, whose worker stops after ten tries
            }
            // Python: except Queue.Empty: print('task queue is empty.')
            say!("{name}: task queue is empty.");
            continue;
        };
        let Ok(task) = serde_json::from_str::<Task>(&json) else {
            say!("{name}: {json:?} is not a task: dropped");
            broker.run(|c| {
                redis::cmd("LREM")
                    .arg(&processing)
                    .arg(1)
                    .arg(&json)
                    .query::<()>(c)
            })?;
            continue;
        };
        let n = task.n;
        say!("{name}: run task {n} * {n}...");
        let square = n
            .checked_mul(n)
            .ok_or_else(|| format!("task {n} is too large to square"))?;
        // Python: time.sleep(1)
        tasks::work_renewing(pause, lease, || renew(&mut broker, &alive, lease))?;
        // ANCHOR_END: worker
        // ANCHOR: acknowledge
        let outcome = Outcome {
            id: task.id,
            n,
            square,
            worker: name.to_owned(),
        };
        // Python: result.put(r). Redis: MULTI, RPUSH the result, LREM the task
        // from our list (the acknowledgement), EXEC: both happen, or neither.
        let result = to_json(&outcome);
        broker.run(|c| {
            redis::pipe()
                .atomic()
                .cmd("RPUSH")
                .arg(keys.results())
                .arg(&result)
                .ignore()
                .cmd("LREM")
                .arg(&processing)
                .arg(1)
                .arg(&json)
                .ignore()
                .query::<()>(c)
        })?;
    }
    // Our lease would expire anyway: gone now, the server is left clean.
    broker.run(|c| redis::cmd("DEL").arg(&alive).query::<()>(c))?;
    say!("{name}: worker exit.");
    Ok(())
}
// ANCHOR_END: acknowledge

// ANCHOR: take_task
/// The task to work on: one we hold already, or the head of the task list.
///
/// One we hold already: a task whose BLMOVE reply was lost with a connection
/// (`Broker::run` then moves another), or one left by an earlier worker of
/// this name. Otherwise Redis: BLMOVE tasks processing:{me} LEFT RIGHT, which
/// waits for a task and moves it to our list in one atomic step. It waits for
/// at most a third of the lease, so that our lease never runs out meanwhile.
fn take_task(
    broker: &mut Broker,
    keys: &Keys,
    name: &str,
    lease: Duration,
) -> Result<Option<String>, String> {
    let processing = keys.processing(name);
    let held: Option<String> =
        broker.run(|c| redis::cmd("LINDEX").arg(&processing).arg(0).query(c))?;
    if held.is_some() {
        return Ok(held);
    }
    let wait = TASK_WAIT.min(lease / 3).as_secs_f64();
    broker.run(|c| {
        redis::cmd("BLMOVE")
            .arg(keys.tasks())
            .arg(&processing)
            .arg("LEFT")
            .arg("RIGHT")
            .arg(wait)
            .query(c)
    })
}
// ANCHOR_END: take_task

// ANCHOR: lease
/// The lease the manager has set (`--lease`), or the default.
fn lease_of(broker: &mut Broker, keys: &Keys) -> Result<Duration, String> {
    let ms: Option<u64> =
        broker.run(|c| redis::cmd("GET").arg(keys.lease_ms()).query(c))?;
    Ok(ms.map_or(DEFAULT_LEASE, Duration::from_millis))
}

/// Our heartbeat. Redis: SET alive:{me} 1 PX lease, a key that expires after
/// `lease` unless set again.
fn renew(broker: &mut Broker, alive: &str, lease: Duration) -> Result<(), String> {
    let ms = lease.as_millis().max(1) as u64;
    broker.run(|c| {
        redis::cmd("SET")
            .arg(alive)
            .arg(1)
            .arg("PX")
            .arg(ms)
            .query::<()>(c)
    })
}

// ANCHOR_END: lease

fn to_json(message: &impl serde::Serialize) -> String {
    serde_json::to_string(message).expect("a task or an outcome is always valid JSON")
}
