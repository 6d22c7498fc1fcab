//! A pool of worker processes, built the way Python's `multiprocessing.Pool`
//! works inside.
//!
//! - A worker is this same program started again in a worker role
//!   (`shared::worker::command`), told through an environment variable where
//!   its pool listens: the name of an `IpcOneShotServer` ([`worker`]).
//! - A task is data, never code: a value of a [`Job`] type (an enum with one
//!   variant per function, the arguments in its fields), sent with an id. The
//!   answer comes back tagged with the same id.
//! - One thread of the pool, the dispatcher, hands each task to an idle
//!   worker, one task per worker at most: that is what bounds the concurrency
//!   ([`dispatcher`]).
//! - A worker that dies is noticed when its channel hangs up: the task it was
//!   running fails with [`PoolError::WorkerDied`] instead of waiting forever
//!   ([`answers`]).
//! - Ctrl-C, `terminate()` and dropping the pool kill and reap every worker,
//!   busy or not; nothing waits for a task that never ends ([`registry`]).
//!
//! This file is the pool's API, Python's names for Rust types.

mod answers;
mod dispatcher;
mod registry;
mod worker;

use std::cell::Cell;
use std::io;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::Sender;
use serde::Serialize;
use serde::de::DeserializeOwned;

use answers::{Answer, receive};
pub use answers::{AsyncResult, IMap, IMapUnordered, PoolError};
use dispatcher::{Event, Slot, Task, dispatch};
pub use registry::live_workers;
use registry::{stop, stop_workers_on_ctrl_c};
pub use worker::serve;
use worker::start_worker;

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
// ANCHOR_END: job

/// A pool of worker processes running jobs of type `J`.
pub struct Pool<J: Job> {
    events: Sender<Event<J>>,
    dispatcher: Option<JoinHandle<()>>,
    next_id: Cell<u64>,
    processes: usize,
}

impl<J: Job> Pool<J> {
    // ANCHOR: pool_new
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
    // ANCHOR_END: pool_new

    // ANCHOR: apply_map
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
    // ANCHOR_END: apply_map

    // ANCHOR: imap
    /// Python: `pool.imap(f, iterable)`. Like `map`, but an iterator: each
    /// answer can be used as soon as it and those before it have arrived.
    pub fn imap<I: IntoIterator>(
        &self,
        f: impl FnMut(I::Item) -> J,
        inputs: I,
    ) -> IMap<J::Output> {
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
    // ANCHOR_END: imap

    // ANCHOR: close_terminate
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
    // ANCHOR_END: close_terminate

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

// ANCHOR: closed_pool
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
// ANCHOR_END: closed_pool
