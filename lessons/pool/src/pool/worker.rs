//! A worker process and how it joins its pool: the messages they exchange,
//! the worker's loop (`serve`), and the pool's side of starting a worker.
//!
//! Python's `multiprocessing.Pool` starts its workers (by fork or by spawn)
//! with a queue to read tasks from and one to put results on; here a worker
//! is this same program started again, and the two queues are `ipc-channel`s.

use std::io;
use std::process::{Child, Command, ExitCode, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use ipc_channel::ipc::{self, IpcOneShotServer, IpcReceiver, IpcSender};
use serde::{Deserialize, Serialize};

use super::Job;
use super::registry::WORKERS;

// ANCHOR: messages
/// A task on its way to a worker: a chunk of jobs (one, except for `map`) and
/// the id that its answer will carry.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub(super) struct Request<J: Job> {
    pub(super) id: u64,
    pub(super) jobs: Vec<J>,
}

/// What a worker sends to its pool.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub(super) enum FromWorker<J: Job> {
    /// The first message: the channel on which the worker wants its tasks.
    Ready { tasks: IpcSender<Request<J>> },
    /// The answers to request `id`, one per job, in order.
    Done { id: u64, outputs: Vec<J::Output> },
}
// ANCHOR_END: messages

/// The environment variable that tells a worker where its pool listens.
const SERVER_VAR: &str = "LESSON_POOL_SERVER";

// ANCHOR: serve
/// A worker process's whole life: connect to the pool, then run task after
/// task until the pool hangs up. `main` calls this in a worker role.
pub fn serve<J: Job>() -> ExitCode {
    // Should the pool's process die without stopping us (kill -9), the kernel
    // ends us too, even in the middle of a job that never finishes. (Linux
    // only. It watches the thread that started us: pools are started by the
    // main thread here. Elsewhere, an idle worker still ends when the pool's
    // end of its task channel closes.)
    #[cfg(target_os = "linux")]
    nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL).ok();

    let (to_pool, tasks) = match connect::<J>() {
        Ok(connected) => connected,
        Err(err) => {
            eprintln!(
                "worker pid {}: cannot reach the pool: {err}",
                std::process::id()
            );
            return ExitCode::FAILURE;
        }
    };
    // Python's worker loop: get a task, run it, put the result back.
    while let Ok(Request { id, jobs }) = tasks.recv() {
        let outputs = jobs.into_iter().map(J::run).collect();
        if to_pool.send(FromWorker::Done { id, outputs }).is_err() {
            break; // the pool's process is gone
        }
    }
    // recv() failed: the pool let us go (close), or its process has ended.
    ExitCode::SUCCESS
}

/// A worker's two channels: answers to its pool, tasks from it.
type Connection<J> = (IpcSender<FromWorker<J>>, IpcReceiver<Request<J>>);

/// Connects to the pool's one-shot server and sends it our task channel.
fn connect<J: Job>() -> Result<Connection<J>, String> {
    let server =
        std::env::var(SERVER_VAR).map_err(|_| format!("{SERVER_VAR} is not set"))?;
    let to_pool = IpcSender::connect(server).map_err(|e| e.to_string())?;
    let (tasks_tx, tasks) = ipc::channel().map_err(|e| e.to_string())?;
    to_pool
        .send(FromWorker::Ready { tasks: tasks_tx })
        .map_err(|e| e.to_string())?;
    Ok((to_pool, tasks))
}
// ANCHOR_END: serve

/// How long a new worker may take to start and connect.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// A worker that has started and connected.
pub(super) struct Started<J: Job> {
    pub(super) pid: u32,
    pub(super) tasks: IpcSender<Request<J>>,
    pub(super) from_worker: IpcReceiver<FromWorker<J>>,
}

// ANCHOR: start_worker
/// Starts one worker process and waits, with a bound, until it has connected.
pub(super) fn start_worker<J: Job>() -> io::Result<Started<J>> {
    start_worker_as::<J>(shared::worker::command(J::ROLE), STARTUP_TIMEOUT)
}

/// `start_worker`, the worker's command and the bound given (the tests start
/// programs that never connect).
fn start_worker_as<J: Job>(
    mut command: Command,
    patience: Duration,
) -> io::Result<Started<J>> {
    // Held until the worker has connected or is gone: meanwhile the server's
    // socket exists in TMPDIR, and Ctrl-C must not end the program then.
    let mut workers = WORKERS.lock();
    let (server, name) = IpcOneShotServer::<FromWorker<J>>::new()?;
    let mut child = command
        .env(SERVER_VAR, &name)
        .stdin(Stdio::null())
        .spawn()?;

    // accept() blocks until someone connects, with no timeout: it runs on a
    // thread of its own while this one watches the worker.
    let (accepted_tx, accepted) = crossbeam_channel::bounded(1);
    thread::spawn(move || accepted_tx.send(server.accept().ok()));
    let deadline = Instant::now() + patience;
    let hello = loop {
        match accepted.recv_timeout(Duration::from_millis(10)) {
            Ok(hello) => break hello,
            Err(_) if has_exited(&mut child) || Instant::now() > deadline => {
                // No worker will connect: connect ourselves and hang up, which
                // makes accept() return (and the socket go away).
                drop(IpcSender::<FromWorker<J>>::connect(name));
                break accepted.recv_timeout(STARTUP_TIMEOUT).ok().flatten();
            }
            Err(_) => {} // still starting
        }
    };
    match hello {
        Some((from_worker, FromWorker::Ready { tasks })) => {
            let pid = child.id();
            workers.push(child);
            Ok(Started {
                pid,
                tasks,
                from_worker,
            })
        }
        _ => {
            child.kill().ok();
            let status = child.wait()?;
            Err(io::Error::other(format!(
                "a worker failed to start ({status})"
            )))
        }
    }
}
// ANCHOR_END: start_worker

fn has_exited(child: &mut Child) -> bool {
    !matches!(child.try_wait(), Ok(None))
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::jobs::Calc;

    /// Runs `start` on a thread of its own, and fails the test instead of
    /// hanging it if `start` has not returned within 10 s.
    fn within_10_s<T: Send + 'static>(start: impl FnOnce() -> T + Send + 'static) -> T {
        let (done_tx, done) = mpsc::channel();
        thread::spawn(move || done_tx.send(start()));
        let done = done.recv_timeout(Duration::from_secs(10));
        done.expect("start_worker did not return within 10 s")
    }

    /// A worker that never connects is given up once its time is up, and is
    /// killed and reaped.
    #[test]
    fn a_worker_that_never_connects_is_given_up() {
        let mut sleeper = Command::new("sleep");
        sleeper.arg("60");
        let patience = Duration::from_millis(100);
        let started = within_10_s(move || start_worker_as::<Calc>(sleeper, patience));
        let error = started.err().expect("it never connected").to_string();
        assert!(
            error.starts_with("a worker failed to start (signal: 9"),
            "{error}"
        );
    }

    /// A worker that ends without connecting is given up at once, not after
    /// its time is up (here a minute).
    #[test]
    fn a_worker_that_ends_is_given_up_at_once() {
        let patience = Duration::from_secs(60);
        let started =
            within_10_s(move || start_worker_as::<Calc>(Command::new("true"), patience));
        let error = started.err().expect("it never connected").to_string();
        assert_eq!(error, "a worker failed to start (exit status: 0)");
    }

    /// A child that has ended has exited (once it ends: we look until it has,
    /// as start_worker does); one still running has not.
    #[test]
    fn has_exited_tells_an_ended_child_from_a_running_one() {
        let mut running = Command::new("sleep").arg("600").spawn().unwrap();
        assert!(!has_exited(&mut running), "a sleeping child has exited");
        running.kill().unwrap();
        running.wait().unwrap();
        let mut ended = Command::new("true").spawn().unwrap();
        let give_up = Instant::now() + Duration::from_secs(10);
        while !has_exited(&mut ended) {
            assert!(Instant::now() < give_up, "`true` never exited");
            thread::sleep(Duration::from_millis(1));
        }
    }
}
