//! A pool of worker processes, built the way Python's `multiprocessing.Pool`
//! works inside.
//!
//! - A worker is this same program started again in a worker role
//!   (`shared::worker::command`), told through an environment variable where
//!   its pool listens: the name of an `IpcOneShotServer`.
//! - A task is data, never code: a value of a [`Job`] type (an enum with one
//!   variant per function, the arguments in its fields), sent with an id. The
//!   answer comes back tagged with the same id.
//! - One thread of the pool, the dispatcher, hands each task to an idle
//!   worker, one task per worker at most: that is what bounds the concurrency.
//! - A worker that dies is noticed when its channel hangs up: the task it was
//!   running fails with [`PoolError::WorkerDied`] instead of waiting forever.
//! - Ctrl-C, `terminate()` and dropping the pool kill and reap every worker,
//!   busy or not; nothing waits for a task that never ends.

use std::cell::Cell;
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::process::{Child, ExitCode, ExitStatus, Stdio};
use std::sync::Once;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use ipc_channel::ipc::{self, IpcOneShotServer, IpcReceiver, IpcSender};
use parking_lot::Mutex;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use signal_hook::consts::SIGINT;
use signal_hook::iterator::Signals;

// ANCHOR: job
/// What a pool can run. Python pickles a reference to a function (its module
/// and name) and the arguments; Rust sends a value. A `Job` type is usually an
/// enum with one variant per function and the arguments in its fields.
pub trait Job: Serialize + DeserializeOwned + Send + 'static {
    /// What a job answers (Python: the function's return value).
    type Output: Serialize + DeserializeOwned + Send + 'static;
    /// The worker role that runs this type of job: `main` hands it to
    /// [`serve::<Self>`](serve).
    const ROLE: &'static str;
    /// Runs in a worker process.
    fn run(self) -> Self::Output;
}

/// A task on its way to a worker: a chunk of jobs (one, except for `map`) and
/// the id that its answer will carry.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
struct Request<J: Job> {
    id: u64,
    jobs: Vec<J>,
}

/// What a worker sends to its pool.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
enum FromWorker<J: Job> {
    /// The first message: the channel on which the worker wants its tasks.
    Ready { tasks: IpcSender<Request<J>> },
    /// The answers to request `id`, one per job, in order.
    Done { id: u64, outputs: Vec<J::Output> },
}
// ANCHOR_END: job

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
    let server = std::env::var(SERVER_VAR).map_err(|_| format!("{SERVER_VAR} is not set"))?;
    let to_pool = IpcSender::connect(server).map_err(|e| e.to_string())?;
    let (tasks_tx, tasks) = ipc::channel().map_err(|e| e.to_string())?;
    to_pool
        .send(FromWorker::Ready { tasks: tasks_tx })
        .map_err(|e| e.to_string())?;
    Ok((to_pool, tasks))
}
// ANCHOR_END: serve

// ANCHOR: registry
/// Every worker process of this program not reaped yet, so that Ctrl-C can
/// stop them all. Whoever holds the lock may be starting a worker; Ctrl-C
/// waits for the lock (see [`stop_workers_on_ctrl_c`]).
static WORKERS: Mutex<Vec<Child>> = Mutex::new(Vec::new());

/// How many worker processes are alive, or dead but not reaped yet
/// (Python: `len(multiprocessing.active_children())`).
pub fn live_workers() -> usize {
    WORKERS.lock().len()
}

/// How long a worker whose channel has hung up may take to exit on its own.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// Reaps worker `pid`, killing it if it has not exited within `grace`
/// (at once, with `Duration::ZERO`). Never waits much longer than `grace`.
fn stop(pid: u32, grace: Duration) -> Option<ExitStatus> {
    let mut workers = WORKERS.lock();
    let at = workers.iter().position(|child| child.id() == pid)?;
    let mut child = workers.swap_remove(at);
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        thread::sleep(Duration::from_millis(1));
    }
    child.kill().ok();
    // A process cannot ignore SIGKILL: this wait is short.
    child.wait().ok()
}
// ANCHOR_END: registry

// ANCHOR: ctrl_c
/// Ctrl-C sends SIGINT to every process of the program at once. By default
/// each dies on the spot: the workers too, but then nobody reaps them, and a
/// worker that was just starting could leave its pool's socket in TMPDIR.
/// So the pool's process handles SIGINT: a thread waits for it, takes the
/// `WORKERS` lock (which `start_worker` holds while a socket exists), kills
/// and reaps every worker, and ends the program.
fn stop_workers_on_ctrl_c() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let mut signals = Signals::new([SIGINT]).expect("cannot install a SIGINT handler");
        thread::Builder::new()
            .name("ctrl-c".into())
            .spawn(move || {
                if signals.forever().next().is_none() {
                    return;
                }
                let mut workers = WORKERS.lock();
                for child in workers.iter_mut() {
                    child.kill().ok();
                }
                for child in workers.iter_mut() {
                    child.wait().ok();
                }
                eprintln!("interrupted: every worker process stopped");
                std::process::exit(130); // 128 + SIGINT: what a shell reports for Ctrl-C
            })
            .expect("cannot start the Ctrl-C thread");
    });
}
// ANCHOR_END: ctrl_c

/// How long a new worker may take to start and connect.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// A worker that has started and connected.
struct Started<J: Job> {
    pid: u32,
    tasks: IpcSender<Request<J>>,
    from_worker: IpcReceiver<FromWorker<J>>,
}

// ANCHOR: start_worker
/// Starts one worker process and waits, with a bound, until it has connected.
fn start_worker<J: Job>() -> io::Result<Started<J>> {
    // Held until the worker has connected or is gone: meanwhile the server's
    // socket exists in TMPDIR, and Ctrl-C must not end the program then.
    let mut workers = WORKERS.lock();
    let (server, name) = IpcOneShotServer::<FromWorker<J>>::new()?;
    let mut child = shared::worker::command(J::ROLE)
        .env(SERVER_VAR, &name)
        .stdin(Stdio::null())
        .spawn()?;

    // accept() blocks until someone connects, with no timeout: it runs on a
    // thread of its own while this one watches the worker.
    let (accepted_tx, accepted) = crossbeam_channel::bounded(1);
    thread::spawn(move || accepted_tx.send(server.accept().ok()));
    let deadline = Instant::now() + STARTUP_TIMEOUT;
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

/// Why a task has no answer.
#[derive(Debug)]
pub enum PoolError {
    /// Python: `multiprocessing.TimeoutError`. Only the waiting stopped: the
    /// task goes on running in its worker.
    Timeout(Duration),
    /// The worker running the task died. Python's `Pool` would wait forever.
    WorkerDied {
        pid: u32,
        status: Option<ExitStatus>,
    },
    /// The pool stopped before answering: it was terminated, or no worker was
    /// left alive; or this answer was taken already.
    Stopped,
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::Timeout(timeout) => write!(f, "TimeoutError: no answer within {timeout:?}"),
            PoolError::WorkerDied { pid, status } => match status {
                Some(status) => write!(f, "worker pid {pid} died ({status}) during the task"),
                None => write!(f, "worker pid {pid} died during the task"),
            },
            PoolError::Stopped => write!(f, "the pool stopped before answering"),
        }
    }
}

impl std::error::Error for PoolError {}

/// An answer as the dispatcher delivers it: the request's id and its outputs.
type Answer<O> = (u64, Result<Vec<O>, PoolError>);

/// A task waiting for a worker.
struct Task<J: Job> {
    id: u64,
    jobs: Vec<J>,
    answer: Sender<Answer<J::Output>>,
}

/// What the dispatcher thread hears about.
enum Event<J: Job> {
    /// From the pool's owner: a new task.
    Submit(Task<J>),
    /// From a worker's reader thread: the answers to request `id`.
    Done {
        worker: usize,
        id: u64,
        outputs: Vec<J::Output>,
    },
    /// From a worker's reader thread: its channel hung up.
    HungUp { worker: usize },
    /// Python: `pool.close()`.
    Close,
    /// Python: `pool.terminate()`.
    Terminate,
}

/// The dispatcher's view of one worker.
struct Slot<J: Job> {
    pid: u32,
    /// Where its tasks go; `None` once it has been let go, or has died.
    tasks: Option<IpcSender<Request<J>>>,
    /// The task it is running: its id, and where its answer goes.
    running: Option<(u64, Sender<Answer<J::Output>>)>,
    /// The thread reading the worker's answers; `None` once the worker is reaped.
    reader: Option<JoinHandle<()>>,
}

impl<J: Job> Slot<J> {
    fn new(index: usize, worker: Started<J>, events: Sender<Event<J>>) -> Slot<J> {
        let Started {
            pid,
            tasks,
            from_worker,
        } = worker;
        let reader = thread::spawn(move || {
            // Blocks until the worker answers or its channel hangs up, which
            // happens when its process ends, however it ends.
            while let Ok(FromWorker::Done { id, outputs }) = from_worker.recv() {
                let done = Event::Done {
                    worker: index,
                    id,
                    outputs,
                };
                if events.send(done).is_err() {
                    return; // the dispatcher has finished
                }
            }
            events.send(Event::HungUp { worker: index }).ok();
        });
        Slot {
            pid,
            tasks: Some(tasks),
            running: None,
            reader: Some(reader),
        }
    }

    fn is_idle(&self) -> bool {
        self.tasks.is_some() && self.running.is_none()
    }

    fn is_gone(&self) -> bool {
        self.reader.is_none()
    }

    fn start(&mut self, task: Task<J>) {
        let Task { id, jobs, answer } = task;
        if let Some(tasks) = &self.tasks {
            // If this fails, the worker is dying: its hang-up fails the task.
            tasks.send(Request { id, jobs }).ok();
        }
        self.running = Some((id, answer));
    }

    fn answered(&mut self, id: u64, outputs: Vec<J::Output>) {
        // A worker runs one request at a time, and its answer carries the id.
        debug_assert_eq!(self.running.as_ref().map(|(running, _)| *running), Some(id));
        self.finish(Ok(outputs));
    }

    fn finish(&mut self, result: Result<Vec<J::Output>, PoolError>) {
        if let Some((id, answer)) = self.running.take() {
            answer.send((id, result)).ok(); // Err: nobody waits for it any more
        }
    }

    /// Python, after `close()`: a worker with nothing left to do may exit.
    fn let_go(&mut self) {
        self.tasks = None; // its recv() fails, and its loop ends
    }

    /// Its channel hung up: the worker has ended or is ending. Reap it, and
    /// fail the task it was running.
    fn hung_up(&mut self) {
        let status = stop(self.pid, EXIT_GRACE);
        let pid = self.pid;
        self.finish(Err(PoolError::WorkerDied { pid, status }));
        self.forget();
    }

    /// Python: `terminate()` for one worker: kill it, busy or not, and reap it.
    fn kill(&mut self) {
        if !self.is_gone() {
            stop(self.pid, Duration::ZERO);
            self.finish(Err(PoolError::Stopped));
            self.forget();
        }
    }

    fn forget(&mut self) {
        self.tasks = None;
        if let Some(reader) = self.reader.take() {
            // The worker's process is gone, so its channel has hung up and the
            // reader is ending.
            reader.join().ok();
        }
    }
}

impl<J: Job> Drop for Slot<J> {
    fn drop(&mut self) {
        self.kill(); // only if the dispatcher ends early (a panic): leave no worker behind
    }
}

// ANCHOR: dispatch
/// The pool's own thread (Python's pool has three: for tasks, for results,
/// for workers). It owns the workers and the queue of tasks waiting for one.
fn dispatch<J: Job>(mut workers: Vec<Slot<J>>, events: Receiver<Event<J>>) {
    let mut queue: VecDeque<Task<J>> = VecDeque::new();
    let mut closing = false;
    loop {
        // One task per worker at most: the pool's size bounds the concurrency.
        for worker in workers.iter_mut().filter(|w| w.is_idle()) {
            match queue.pop_front() {
                Some(task) => worker.start(task),
                None if closing => worker.let_go(),
                None => break,
            }
        }
        if workers.iter().all(Slot::is_gone) {
            break;
        }
        match events.recv() {
            Ok(Event::Submit(task)) => queue.push_back(task),
            Ok(Event::Done {
                worker,
                id,
                outputs,
            }) => workers[worker].answered(id, outputs),
            Ok(Event::HungUp { worker }) => workers[worker].hung_up(),
            Ok(Event::Close) => closing = true,
            Ok(Event::Terminate) | Err(_) => {
                workers.iter_mut().for_each(Slot::kill);
                break;
            }
        }
    }
    // No worker is left to run what is still queued.
    for task in queue {
        task.answer.send((task.id, Err(PoolError::Stopped))).ok();
    }
}
// ANCHOR_END: dispatch

/// A pool of worker processes running jobs of type `J`.
pub struct Pool<J: Job> {
    events: Sender<Event<J>>,
    dispatcher: Option<JoinHandle<()>>,
    next_id: Cell<u64>,
    processes: usize,
}

// ANCHOR: pool_api
impl<J: Job> Pool<J> {
    /// Python: `Pool(processes)`. Starts the workers, and returns once every
    /// one of them has connected.
    pub fn new(processes: usize) -> io::Result<Pool<J>> {
        stop_workers_on_ctrl_c();
        let mut started = Vec::new();
        for _ in 0..processes.max(1) {
            match start_worker::<J>() {
                Ok(worker) => started.push(worker),
                Err(err) => {
                    for worker in &started {
                        stop(worker.pid, Duration::ZERO);
                    }
                    return Err(err);
                }
            }
        }
        let (events, inbox) = crossbeam_channel::unbounded();
        let workers = started
            .into_iter()
            .enumerate()
            .map(|(index, worker)| Slot::new(index, worker, events.clone()))
            .collect();
        let dispatcher = thread::Builder::new()
            .name("pool".into())
            .spawn(move || dispatch(workers, inbox))
            .expect("cannot start the pool's thread");
        Ok(Pool {
            events,
            dispatcher: Some(dispatcher),
            next_id: Cell::new(0),
            processes: processes.max(1),
        })
    }

    /// Python: `pool.apply_async(f, args)`. Returns at once; the answer comes
    /// through the handle.
    pub fn apply_async(&self, job: J) -> AsyncResult<J::Output> {
        let (answer, rx) = crossbeam_channel::bounded(1);
        self.submit(vec![job], answer);
        AsyncResult { answer: rx }
    }

    /// Python: `pool.map(f, iterable)`. The answers come in input order,
    /// whatever order the workers finish in.
    pub fn map<I: IntoIterator>(
        &self,
        f: impl FnMut(I::Item) -> J,
        inputs: I,
    ) -> Result<Vec<J::Output>, PoolError> {
        let jobs: Vec<J> = inputs.into_iter().map(f).collect();
        // Like Python, send the jobs in chunks, about four per worker, to save
        // round trips.
        let chunk_size = jobs.len().div_ceil(4 * self.processes).max(1);
        let mut jobs = jobs.into_iter().peekable();
        let mut chunks = Vec::new();
        while jobs.peek().is_some() {
            let (answer, rx) = crossbeam_channel::bounded(1);
            self.submit(jobs.by_ref().take(chunk_size).collect(), answer);
            chunks.push(rx);
        }
        // Waiting for the chunks one by one, in order, puts the answers in order.
        let mut outputs = Vec::new();
        for chunk in chunks {
            outputs.extend(receive(&chunk, None)?);
        }
        Ok(outputs)
    }

    /// Python: `pool.imap(f, iterable)`. Like `map`, but an iterator: each
    /// answer can be used as soon as it and those before it have arrived.
    pub fn imap<I: IntoIterator>(&self, f: impl FnMut(I::Item) -> J, inputs: I) -> IMap<J::Output> {
        let pending = inputs.into_iter().map(f).map(|job| self.apply_async(job));
        IMap {
            pending: pending.collect(),
        }
    }

    /// Python: `pool.imap_unordered(f, iterable)`. Yields each answer as soon
    /// as it arrives, with the position of its input (Python gives the answer
    /// alone).
    pub fn imap_unordered<I: IntoIterator>(
        &self,
        f: impl FnMut(I::Item) -> J,
        inputs: I,
    ) -> IMapUnordered<J::Output> {
        let (answer, answers) = crossbeam_channel::unbounded();
        let first_id = self.next_id.get();
        let mut left = 0;
        for job in inputs.into_iter().map(f) {
            self.submit(vec![job], answer.clone());
            left += 1;
        }
        IMapUnordered {
            answers,
            first_id,
            left,
        }
    }

    /// Python: `pool.close()`. No new tasks (the compiler sees to it: what is
    /// left can only `join`); the workers finish the queued ones, then exit.
    pub fn close(self) -> ClosedPool<J> {
        self.events.send(Event::Close).ok();
        ClosedPool(self)
    }

    /// Python: `pool.terminate()`, also what the end of `with Pool(...)` does.
    /// Kills every worker now, busy or not, and reaps it; unanswered tasks
    /// fail with `PoolError::Stopped`. Dropping a pool does the same.
    pub fn terminate(mut self) {
        self.shut_down(Event::Terminate);
    }
    // ANCHOR_END: pool_api

    fn submit(&self, jobs: Vec<J>, answer: Sender<Answer<J::Output>>) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        // This fails only if the dispatcher has ended: then `answer` is
        // dropped, and whoever waits for it gets `PoolError::Stopped`.
        self.events
            .send(Event::Submit(Task { id, jobs, answer }))
            .ok();
        id
    }

    fn shut_down(&mut self, how: Event<J>) {
        if let Some(dispatcher) = self.dispatcher.take() {
            self.events.send(how).ok();
            dispatcher.join().ok();
        }
    }
}

impl<J: Job> Drop for Pool<J> {
    fn drop(&mut self) {
        self.shut_down(Event::Terminate);
    }
}

/// A pool after `close()`: all it can do is `join`.
pub struct ClosedPool<J: Job>(Pool<J>);

impl<J: Job> ClosedPool<J> {
    /// Python: `pool.join()`. Waits until the queued tasks have run and every
    /// worker has exited and been reaped. Like Python's, it waits as long as
    /// the tasks take; a worker that dies does not make it wait longer.
    pub fn join(mut self) {
        if let Some(dispatcher) = self.0.dispatcher.take() {
            dispatcher.join().ok();
        }
    }
}

/// Waits for one answer: as long as it takes (`None`), or up to `timeout`.
fn receive<O>(
    answer: &Receiver<Answer<O>>,
    timeout: Option<Duration>,
) -> Result<Vec<O>, PoolError> {
    let received = match timeout {
        None => answer.recv().map_err(|_| PoolError::Stopped),
        Some(timeout) => answer.recv_timeout(timeout).map_err(|err| match err {
            RecvTimeoutError::Timeout => PoolError::Timeout(timeout),
            RecvTimeoutError::Disconnected => PoolError::Stopped,
        }),
    };
    let (_id, outputs) = received?;
    outputs
}

// ANCHOR: async_result
/// Python: `AsyncResult`, what `apply_async` returns.
pub struct AsyncResult<O> {
    answer: Receiver<Answer<O>>,
}

impl<O> AsyncResult<O> {
    /// Python: `result.get()`. Waits as long as the task takes; but if its
    /// worker dies, returns that error at once. An answer can be taken once.
    pub fn get(&self) -> Result<O, PoolError> {
        self.take(None)
    }

    /// Python: `result.get(timeout)`. Gives up after `timeout` with
    /// `PoolError::Timeout`; the task is not cancelled, and a later `get` may
    /// still find its answer.
    pub fn get_timeout(&self, timeout: Duration) -> Result<O, PoolError> {
        self.take(Some(timeout))
    }

    fn take(&self, timeout: Option<Duration>) -> Result<O, PoolError> {
        let mut outputs = receive(&self.answer, timeout)?;
        outputs.pop().ok_or(PoolError::Stopped)
    }
}
// ANCHOR_END: async_result

/// Python: the iterator that `imap` returns.
pub struct IMap<O> {
    pending: VecDeque<AsyncResult<O>>,
}

impl<O> Iterator for IMap<O> {
    type Item = Result<O, PoolError>;

    /// Python: `next(it)`.
    fn next(&mut self) -> Option<Self::Item> {
        Some(self.pending.pop_front()?.get())
    }
}

impl<O> IMap<O> {
    /// Python: `it.next(timeout)`. After a timeout the same answer is still
    /// the next one.
    pub fn next_timeout(&mut self, timeout: Duration) -> Option<Result<O, PoolError>> {
        let answer = self.pending.front()?.get_timeout(timeout);
        if !matches!(answer, Err(PoolError::Timeout(_))) {
            self.pending.pop_front();
        }
        Some(answer)
    }
}

/// Python: the iterator that `imap_unordered` returns.
pub struct IMapUnordered<O> {
    answers: Receiver<Answer<O>>,
    first_id: u64,
    left: usize,
}

impl<O> Iterator for IMapUnordered<O> {
    /// The position of the input, and its answer.
    type Item = Result<(usize, O), PoolError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let Ok((id, outputs)) = self.answers.recv() else {
            self.left = 0;
            return Some(Err(PoolError::Stopped));
        };
        // Each answer carries the id of its request: that says which input it answers.
        let position = (id - self.first_id) as usize;
        Some(outputs.and_then(|mut o| o.pop().ok_or(PoolError::Stopped).map(|o| (position, o))))
    }
}
