//! The pool's own thread, the dispatcher: it keeps the queue of tasks, hands
//! a task to an idle worker, and passes each answer on to whoever waits for it.
//!
//! Python's `Pool` has three such threads (one for tasks, one for results,
//! one for the workers); one thread and one channel of events do it here.

use std::collections::VecDeque;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};
use ipc_channel::ipc::IpcSender;

use super::Job;
use super::answers::{Answer, PoolError};
use super::registry::{EXIT_GRACE, stop};
use super::worker::{FromWorker, Request, Started};

/// A task waiting for a worker.
pub(super) struct Task<J: Job> {
    pub(super) id: u64,
    pub(super) jobs: Vec<J>,
    pub(super) answer: Sender<Answer<J::Output>>,
}

/// What the dispatcher thread hears about.
pub(super) enum Event<J: Job> {
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
pub(super) struct Slot<J: Job> {
    pid: u32,
    /// Where its tasks go; `None` once it has been let go, or has died.
    tasks: Option<IpcSender<Request<J>>>,
    /// The task it is running: its id, and where its answer goes.
    running: Option<(u64, Sender<Answer<J::Output>>)>,
    /// The thread reading the worker's answers; `None` once the worker is reaped.
    reader: Option<JoinHandle<()>>,
}

impl<J: Job> Slot<J> {
    pub(super) fn new(
        index: usize,
        worker: Started<J>,
        events: Sender<Event<J>>,
    ) -> Slot<J> {
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
        // Only if the dispatcher ends early (a panic): leave no worker behind.
        self.kill();
    }
}

// ANCHOR: dispatch
/// The pool's own thread (Python's pool has three: for tasks, for results,
/// for workers). It owns the workers and the queue of tasks waiting for one.
pub(super) fn dispatch<J: Job>(mut workers: Vec<Slot<J>>, events: Receiver<Event<J>>) {
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
