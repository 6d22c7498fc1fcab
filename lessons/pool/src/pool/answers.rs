//! What the pool's owner gets back: the handle of one answer (Python's
//! `AsyncResult`), the iterators of `imap` and `imap_unordered`, and the
//! reasons an answer can fail to come.

use std::collections::VecDeque;
use std::fmt;
use std::process::ExitStatus;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError};

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
            PoolError::Timeout(timeout) => {
                write!(f, "TimeoutError: no answer within {timeout:?}")
            }
            PoolError::WorkerDied { pid, status } => match status {
                Some(status) => {
                    write!(f, "worker pid {pid} died ({status}) during the task")
                }
                None => write!(f, "worker pid {pid} died during the task"),
            },
            PoolError::Stopped => write!(f, "the pool stopped before answering"),
        }
    }
}

impl std::error::Error for PoolError {}

/// An answer as the dispatcher delivers it: the request's id and its outputs.
pub(super) type Answer<O> = (u64, Result<Vec<O>, PoolError>);

/// Waits for one answer: as long as it takes (`None`), or up to `timeout`.
pub(super) fn receive<O>(
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
    pub(super) answer: Receiver<Answer<O>>,
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
    pub(super) pending: VecDeque<AsyncResult<O>>,
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
    pub(super) answers: Receiver<Answer<O>>,
    pub(super) first_id: u64,
    pub(super) left: usize,
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
        Some(
            outputs.and_then(|mut o| {
                o.pop().ok_or(PoolError::Stopped).map(|o| (position, o))
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// After an answer, `next_timeout` moves on to the next input; after a
    /// timeout, the same input is still next.
    #[test]
    fn next_timeout_moves_on_after_an_answer_only() {
        let (first_tx, first) = crossbeam_channel::bounded(1);
        let (second_tx, second) = crossbeam_channel::bounded(1);
        first_tx.send((0, Ok(vec![10]))).unwrap();
        let pending = [first, second].map(|answer| AsyncResult { answer });
        let mut it = IMap {
            pending: pending.into(),
        };
        let short = Duration::from_millis(10);
        assert_eq!(it.next_timeout(short).unwrap().unwrap(), 10);
        // The second answer has not come: nothing has been sent yet.
        let timeout = it.next_timeout(short).unwrap();
        assert!(matches!(timeout, Err(PoolError::Timeout(_))), "{timeout:?}");
        second_tx.send((1, Ok(vec![11]))).unwrap();
        assert_eq!(it.next_timeout(short).unwrap().unwrap(), 11);
        assert!(it.next_timeout(short).is_none(), "an answer after the last");
    }
}
