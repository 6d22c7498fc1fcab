//! The queues the manager owns.
//!
//! In Python's tutorial, `task_queue` and `result_queue` are two ordinary
//! `Queue` objects in the manager's process; `BaseManager` serves them to
//! the network, and a worker's `task.get()` is a remote call that runs
//! `task_queue.get()` in the manager. Nothing about the queues is distributed:
//! they live in one process, which is what makes them easy to reason about.
//!
//! Here too: [`TaskQueue`] lives in the manager's process, the threads that
//! serve the connections call it, and the results go to the manager's main
//! function through a channel (the result queue).
//!
//! One thing Python's queue cannot do is know whether a task it handed out
//! was ever done. A `get()` removes the task, and if the worker then dies,
//! the task is gone. This queue *lends* a task instead: it stays on the
//! books, marked as taken by that worker, until the worker's result comes
//! back (the acknowledgement). If the worker's connection breaks first, every
//! task it held goes back to the front of the queue for another worker.
//!
//! A connection can also stay open while its worker does nothing (stopped,
//! hung, or hoarding tasks on purpose). So a loan has a time limit, a
//! *lease*, which the worker renews while it works on a long task; a lease
//! that runs out sends its task back too. And no worker may hold more than a
//! few tasks at once.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use parking_lot::{Condvar, Mutex};

// ANCHOR: queue
/// A task: square `n`. The id tells its result apart from any other's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Task {
    pub id: u64,
    pub n: u64,
}

/// A result on its way to the manager's main function.
#[derive(Debug)]
pub struct Done {
    pub task: Task,
    pub square: u64,
}

/// Which connection holds a task.
pub type WorkerId = u64;
// ANCHOR_END: queue

// ANCHOR: loans

/// The rules of a loan.
#[derive(Debug, Clone, Copy)]
pub struct Loans {
    /// How long a worker may hold a task without renewing it.
    pub lease: Duration,
    /// How many tasks one worker may hold at once.
    pub most_per_worker: usize,
}

/// A task out on loan: who holds it, and until when.
#[derive(Debug, Clone, Copy)]
struct Loan {
    worker: WorkerId,
    task: Task,
    until: Instant,
}

// ANCHOR_END: loans

// ANCHOR: outcomes
/// What `complete` made of a result.
#[derive(Debug, PartialEq, Eq)]
pub enum Completed {
    /// Recorded: the first right answer from the worker that holds the task.
    Recorded,
    /// The worker does not hold that task (another does, or it is done).
    NotHeld,
    /// Not the square of the task's number: refused, and not recorded.
    Wrong { n: u64 },
}

/// What `take` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    Task(Task),
    /// Nothing within the wait (Python: `queue.Empty`).
    Empty,
    /// Every task has its result and no more will come.
    Finished,
}

// ANCHOR_END: outcomes

// ANCHOR: task_queue
pub struct TaskQueue {
    state: Mutex<State>,
    loans: Loans,
    /// Signalled whenever a task is put back, a result comes in, or the
    /// queue is closed: whatever a waiting `take` may be waiting for.
    changed: Condvar,
    results: Sender<Done>,
}

#[derive(Default)]
struct State {
    next_id: u64,
    waiting: VecDeque<Task>,
    /// Lent out, not acknowledged yet, by task id.
    taken: HashMap<u64, Loan>,
    /// No more tasks will be put.
    closed: bool,
    /// How many times a task has gone back on the queue.
    went_back: u64,
}
// ANCHOR_END: task_queue

impl TaskQueue {
    /// The task queue, and the receiving end of the result queue.
    pub fn new(loans: Loans) -> (TaskQueue, Receiver<Done>) {
        let (results, received) = crossbeam_channel::unbounded();
        let queue = TaskQueue {
            state: Mutex::new(State::default()),
            loans,
            changed: Condvar::new(),
            results,
        };
        (queue, received)
    }

    // ANCHOR: put
    /// Python: `task.put(n)`.
    pub fn put(&self, n: u64) -> Task {
        let mut state = self.state.lock();
        let task = Task {
            id: state.next_id,
            n,
        };
        state.next_id += 1;
        state.waiting.push_back(task);
        self.changed.notify_one();
        task
    }

    /// No more tasks will come: once every task has its result, a waiting
    /// worker hears `Finished` instead of `Empty`. (Python's workers have no
    /// way to know; the tutorial's worker just stops after ten tries.)
    pub fn close(&self) {
        self.state.lock().closed = true;
        self.changed.notify_all();
    }
    // ANCHOR_END: put

    // ANCHOR: take
    /// Python: `task.get(timeout=wait)`, for the worker on connection
    /// `worker`. The task is lent, not given: it stays on the books until
    /// `complete` or `give_back`, or until its lease runs out. A worker that
    /// holds as many tasks as it may gets none until it gives one back.
    pub fn take(&self, worker: WorkerId, wait: Duration) -> Taken {
        let deadline = Instant::now() + wait;
        let mut state = self.state.lock();
        loop {
            let held = state.taken.values().filter(|l| l.worker == worker).count();
            let task = match held < self.loans.most_per_worker {
                true => state.waiting.pop_front(),
                false => None,
            };
            if let Some(task) = task {
                let until = Instant::now() + self.loans.lease;
                state.taken.insert(
                    task.id,
                    Loan {
                        worker,
                        task,
                        until,
                    },
                );
                return Taken::Task(task);
            }
            // Finished only if nothing waits and nothing is out on loan
            // either, for a loan may yet come back.
            if state.closed && state.waiting.is_empty() && state.taken.is_empty() {
                return Taken::Finished;
            }
            if self.changed.wait_until(&mut state, deadline).timed_out() {
                return Taken::Empty;
            }
        }
    }

    // ANCHOR_END: take

    // ANCHOR: complete
    /// The acknowledgement: worker `worker` brings the result of task `id`.
    /// It counts only if that worker holds that task, and only if it is the
    /// task's square: so every task has its right result recorded exactly
    /// once, however often it was handed out.
    pub fn complete(&self, worker: WorkerId, id: u64, square: u64) -> Completed {
        let mut state = self.state.lock();
        match state.taken.get(&id) {
            Some(&Loan {
                worker: holder,
                task,
                ..
            }) if holder == worker => {
                if task.n.checked_mul(task.n) != Some(square) {
                    return Completed::Wrong { n: task.n };
                }
                state.taken.remove(&id);
                // Under the lock, so that the result and the end of the loan
                // are one step: nobody can see the one without the other.
                self.results.send(Done { task, square }).ok();
                self.changed.notify_all();
                Completed::Recorded
            }
            _ => Completed::NotHeld,
        }
    }

    /// The tasks that worker `worker` holds, oldest first.
    pub fn held_by(&self, worker: WorkerId) -> Vec<Task> {
        let state = self.state.lock();
        let mut held: Vec<Task> = state
            .taken
            .values()
            .filter(|loan| loan.worker == worker)
            .map(|loan| loan.task)
            .collect();
        held.sort_by_key(|task| task.id);
        held
    }

    /// Redelivery: the connection of `worker` broke, so the tasks it held go
    /// back to the front of the queue, in their order. Returns them.
    pub fn give_back(&self, worker: WorkerId) -> Vec<Task> {
        self.send_back(|loan| loan.worker == worker)
    }
    // ANCHOR_END: complete

    // ANCHOR: lease

    /// Worker `worker` is still at work on task `id`: its lease starts again.
    /// False if the task is not (or no longer) that worker's.
    pub fn renew(&self, worker: WorkerId, id: u64) -> bool {
        self.renew_at(worker, id, Instant::now())
    }

    fn renew_at(&self, worker: WorkerId, id: u64, now: Instant) -> bool {
        let mut state = self.state.lock();
        match state.taken.get_mut(&id) {
            Some(loan) if loan.worker == worker => {
                loan.until = now + self.loans.lease;
                true
            }
            _ => false,
        }
    }

    /// The loans whose lease has run out by `now` end: their tasks go back to
    /// the front of the queue. Returns them.
    pub fn expire(&self, now: Instant) -> Vec<Task> {
        self.send_back(|loan| loan.until <= now)
    }

    /// How long a loan lasts unless it is renewed.
    pub fn lease(&self) -> Duration {
        self.loans.lease
    }

    /// How many times a task has gone back on the queue, so far.
    pub fn went_back(&self) -> u64 {
        self.state.lock().went_back
    }

    fn send_back(&self, ends: impl Fn(&Loan) -> bool) -> Vec<Task> {
        let mut state = self.state.lock();
        let mut lost: Vec<Task> = state
            .taken
            .values()
            .filter(|loan| ends(loan))
            .map(|loan| loan.task)
            .collect();
        lost.sort_by_key(|task| task.id);
        for task in lost.iter().rev() {
            state.taken.remove(&task.id);
            state.waiting.push_front(*task);
        }
        state.went_back += lost.len() as u64;
        self.changed.notify_all();
        lost
    }
    // ANCHOR_END: lease
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Duration = Duration::ZERO;
    const LEASE: Duration = Duration::from_secs(10);

    fn queue() -> (TaskQueue, Receiver<Done>) {
        TaskQueue::new(Loans {
            lease: LEASE,
            most_per_worker: 2,
        })
    }

    #[test]
    fn a_task_lent_to_a_worker_that_dies_goes_to_another() {
        let (queue, results) = queue();
        let a = queue.put(10);
        let b = queue.put(20);
        queue.close();
        assert_eq!(queue.take(1, NOW), Taken::Task(a));
        assert_eq!(queue.take(2, NOW), Taken::Task(b));
        // Worker 1 dies holding task a: it goes back, and worker 2 gets it.
        assert_eq!(queue.give_back(1), vec![a]);
        assert_eq!(queue.complete(2, b.id, 400), Completed::Recorded);
        assert_eq!(queue.take(2, NOW), Taken::Task(a));
        assert_eq!(queue.complete(2, a.id, 100), Completed::Recorded);
        assert_eq!(queue.take(2, NOW), Taken::Finished);
        let squares: Vec<u64> = results.try_iter().map(|done| done.square).collect();
        assert_eq!(squares, vec![400, 100]);
    }

    #[test]
    fn a_result_counts_once_and_only_from_the_holder() {
        let (queue, results) = queue();
        let a = queue.put(3);
        assert_eq!(queue.take(1, NOW), Taken::Task(a));
        assert_eq!(
            queue.complete(2, a.id, 9),
            Completed::NotHeld,
            "worker 2 does not hold it"
        );
        assert_eq!(queue.complete(1, a.id, 9), Completed::Recorded);
        assert_eq!(
            queue.complete(1, a.id, 9),
            Completed::NotHeld,
            "a second is refused"
        );
        assert_eq!(results.try_iter().count(), 1);
    }

    #[test]
    fn a_wrong_square_is_refused_and_the_task_stays_out() {
        let (queue, results) = queue();
        let a = queue.put(3036);
        assert_eq!(queue.take(1, NOW), Taken::Task(a));
        assert_eq!(queue.complete(1, a.id, 12345), Completed::Wrong { n: 3036 });
        assert_eq!(results.try_iter().count(), 0, "nothing recorded");
        // Still worker 1's: the server drops it, and the task goes back.
        assert_eq!(queue.give_back(1), vec![a]);
        assert_eq!(queue.take(2, NOW), Taken::Task(a));
        assert_eq!(queue.complete(2, a.id, 3036 * 3036), Completed::Recorded);
        let done: Vec<u64> = results.try_iter().map(|done| done.square).collect();
        assert_eq!(done, vec![3036 * 3036]);
    }

    #[test]
    fn a_square_too_large_for_u64_is_never_right() {
        let (queue, _results) = queue();
        let a = queue.put(u64::MAX);
        assert_eq!(queue.take(1, NOW), Taken::Task(a));
        assert_eq!(queue.complete(1, a.id, 1), Completed::Wrong { n: u64::MAX });
    }

    #[test]
    fn not_finished_while_a_task_is_out() {
        let (queue, _results) = queue();
        let a = queue.put(3);
        queue.close();
        assert_eq!(queue.take(1, NOW), Taken::Task(a));
        // Worker 2 must wait: worker 1 may still die and give task a back.
        assert_eq!(queue.take(2, Duration::from_millis(10)), Taken::Empty);
        assert_eq!(queue.complete(1, a.id, 9), Completed::Recorded);
        assert_eq!(queue.take(2, NOW), Taken::Finished);
    }

    #[test]
    fn a_waiting_take_wakes_up_when_a_task_comes_back() {
        let (queue, _results) = queue();
        let a = queue.put(3);
        queue.close();
        assert_eq!(queue.take(1, NOW), Taken::Task(a));
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| queue.take(2, Duration::from_secs(30)));
            queue.give_back(1);
            assert_eq!(waiter.join().unwrap(), Taken::Task(a));
        });
    }

    /// A take on an empty queue waits its whole time for a task before it
    /// says Empty. (A lower bound only, which no busy machine can break.)
    #[test]
    fn an_empty_take_waits_its_time() {
        let (queue, _results) = queue();
        let wait = Duration::from_millis(50);
        let asked = Instant::now();
        assert_eq!(queue.take(1, wait), Taken::Empty);
        assert!(asked.elapsed() >= wait, "{:?}", asked.elapsed());
    }

    /// A loan whose holder says nothing ends with its lease, and the task
    /// goes to another worker; a renewed one lasts a lease from the renewal.
    #[test]
    fn a_lease_that_runs_out_sends_the_task_back() {
        let (queue, _results) = queue();
        let start = Instant::now();
        let (a, b) = (queue.put(3), queue.put(4));
        assert_eq!(queue.take(1, NOW), Taken::Task(a));
        assert_eq!(queue.take(2, NOW), Taken::Task(b));
        let later = Instant::now();
        assert!(
            !queue.renew_at(2, a.id, later + LEASE / 2),
            "a is worker 1's"
        );
        assert!(queue.renew(2, b.id), "b is worker 2's");
        assert!(queue.renew_at(2, b.id, later + LEASE / 2));
        assert_eq!(
            queue.expire(start + LEASE / 2),
            vec![],
            "no lease is over yet"
        );
        assert_eq!(queue.went_back(), 0);
        assert_eq!(
            queue.expire(later + LEASE),
            vec![a],
            "only the unrenewed one"
        );
        assert_eq!(queue.went_back(), 1);
        assert_eq!(queue.take(3, NOW), Taken::Task(a));
        assert_eq!(queue.expire(later + LEASE * 2), vec![a, b]);
        assert!(!queue.renew(2, b.id), "the task is no longer worker 2's");
        assert_eq!(queue.went_back(), 3);
    }

    /// A worker gets no more than its share, however often it asks.
    #[test]
    fn a_worker_holds_at_most_its_share() {
        let (queue, _results) = queue();
        let tasks: Vec<Task> = (0..4).map(|n| queue.put(n)).collect();
        queue.close();
        assert_eq!(queue.take(1, NOW), Taken::Task(tasks[0]));
        assert_eq!(queue.take(1, NOW), Taken::Task(tasks[1]));
        assert_eq!(queue.take(1, NOW), Taken::Empty, "two is the most");
        assert_eq!(queue.take(2, NOW), Taken::Task(tasks[2]));
        assert_eq!(queue.complete(1, tasks[0].id, 0), Completed::Recorded);
        assert_eq!(queue.take(1, NOW), Taken::Task(tasks[3]));
    }
}
