//! # Give a dead worker's task to another
//!
//! The manager hands six tasks to two worker processes over TCP and waits
//! for each result. The first worker to take task 3 crashes before it
//! answers (a stand-in for a crash, a reboot or a pulled cable). The manager
//! sees the connection close, but the task is gone: it came off the queue,
//! so no other worker will ever do it, and its result never arrives. When a
//! worker is lost before its result comes back, put its task back on the
//! queue, as its next attempt, so that every task gets exactly one result.

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use shared::say;

const TASKS: u64 = 6;
const WORKERS: usize = 2;
/// The first worker handed this task (on its first attempt) dies.
const FATAL_TASK: u64 = 3;
/// How long the manager waits for one result, and for the whole job.
const RESULT_LIMIT: Duration = Duration::from_secs(2);
const JOB_LIMIT: Duration = Duration::from_secs(5);
/// How long a worker waits for its next task, or for "done".
const IDLE_LIMIT: Duration = Duration::from_secs(10);

/// Square `n`. `attempt` counts how often it was handed out.
#[derive(Clone, Copy)]
struct Task {
    n: u64,
    attempt: u32,
}

type Queue = Arc<Mutex<VecDeque<Task>>>;
type Results = mpsc::Sender<(Task, u64)>;

fn main() {
    if shared::worker::role().is_some() {
        return worker();
    }
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen on a free port");
    let address = listener.local_addr().expect("the port the kernel chose");
    say!("manager: listening on {address}");
    let address = address.to_string();
    let queue: Queue = Arc::default();
    for n in 1..=TASKS {
        queue.lock().unwrap().push_back(Task { n, attempt: 1 }); // Python: task.put(n)
    }
    let finished = Arc::new(AtomicBool::new(false));
    let (results, received) = mpsc::channel();
    let (q, f) = (queue.clone(), finished.clone());
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (q, f, r) = (q.clone(), f.clone(), results.clone());
            thread::spawn(move || serve(stream, &q, &f, &r)); // a thread per worker
        }
    });

    say!("manager: {TASKS} tasks on the queue; starting {WORKERS} worker processes");
    let mut workers = Vec::new();
    for _ in 0..WORKERS {
        // Python: Process(target=worker, args=(address,)).start()
        let worker = shared::worker::command("worker").arg(&address).spawn();
        workers.push(worker.expect("start a worker"));
    }

    let deadline = Instant::now() + JOB_LIMIT;
    let mut done = BTreeMap::new();
    while done.len() < TASKS as usize {
        let left = deadline.saturating_duration_since(Instant::now());
        // Python: result.get(timeout=...)
        let Ok((task, square)) = received.recv_timeout(left) else {
            break;
        };
        if done.insert(task.n, (square, task.attempt)).is_some() {
            say!("manager: a second result for task {}!", task.n);
        }
    }
    finished.store(true, Ordering::Relaxed); // the workers hear "done"
    for n in 1..=TASKS {
        match done.get(&n) {
            Some((square, attempt)) => {
                say!("task {n}: {n} * {n} = {square} (attempt {attempt})")
            }
            None => say!("task {n}: NO RESULT within {JOB_LIMIT:?}"),
        }
    }
    let statuses = workers.iter_mut().map(|w| w.wait().expect("reap a worker"));
    let crashed = statuses.filter(|status| !status.success()).count();
    say!("manager: {WORKERS} workers reaped, {crashed} of them crashed");
}

/// One worker's connection: hand it a task, wait for the result, again.
fn serve(stream: TcpStream, queue: &Queue, finished: &AtomicBool, results: &Results) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone the socket"));
    let mut writer = stream;
    loop {
        if finished.load(Ordering::Relaxed) {
            writeln!(writer, "done").ok();
            return;
        }
        // Python: the worker's task.get() takes the task off the queue.
        let Some(task) = queue.lock().unwrap().pop_front() else {
            thread::sleep(Duration::from_millis(10)); // nothing to hand out yet
            continue;
        };
        let sent = writeln!(writer, "task {} {}", task.n, task.attempt);
        match sent.and_then(|()| read_square(&mut reader)) {
            Ok(square) => results.send((task, square)).expect("main is waiting"),
            Err(why) => {
                say!("manager: lost the worker holding task {}: {why}", task.n);
                //~ // TODO: nobody holds this task any more, and its result will never
                //~ // come. Put it back on the queue, as its next attempt, for the
                //~ // other worker to take.
                // ANCHOR: solution
                let mut retry = task;
                retry.attempt += 1;
                queue.lock().unwrap().push_back(retry);
                // ANCHOR_END: solution
                return;
            }
        }
    }
}

/// The worker's answer, "result SQUARE", read with a deadline.
fn read_square(reader: &mut BufReader<TcpStream>) -> io::Result<u64> {
    reader.get_ref().set_read_timeout(Some(RESULT_LIMIT))?;
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(io::Error::other("it hung up without a result"));
    }
    let square = line.split_whitespace().flat_map(str::parse).next();
    square.ok_or_else(|| io::Error::other(format!("not a result: {line:?}")))
}

/// Python: taskworker.py. Takes tasks until the manager says "done".
fn worker() {
    let address = std::env::args().nth(1).expect("the manager's address");
    let stream = TcpStream::connect(address).expect("connect to the manager");
    // A deadline on every read: a manager silent for IDLE_LIMIT is gone.
    stream.set_read_timeout(Some(IDLE_LIMIT)).expect("timeout");
    let mut reader = BufReader::new(stream.try_clone().expect("clone the socket"));
    let mut writer = stream;
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|read| read > 0) {
        let words: Vec<u64> = line.split_whitespace().flat_map(str::parse).collect();
        let [n, attempt] = words[..] else { break }; // "done"
        if n == FATAL_TASK && attempt == 1 {
            std::process::exit(1); // dies holding the task: the kernel closes its socket
        }
        writeln!(writer, "result {}", n * n).expect("send the result"); // Python: result.put(r)
        line.clear();
    }
}
