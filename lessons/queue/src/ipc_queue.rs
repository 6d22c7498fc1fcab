//! Ports two `multiprocessing.Queue` programs: tutorial 000's two processes
//! that each put a sum on one queue, and tutorial 004's child that puts
//! `[42, None, 'hello']`. Between processes the queue is an ipc-channel.

use std::fmt;
use std::process;

use ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use ipc_channel::{IpcError, TryRecvError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::say;

use crate::workers::{PATIENCE, Worker};

/// Python: `q.get()`, but a queue that stays empty for `PATIENCE`, or that
/// closes (every process that could put has ended), is an error.
fn get<T>(queue: &IpcReceiver<T>) -> Result<T, String>
where
    T: Serialize + DeserializeOwned,
{
    match queue.try_recv_timeout(PATIENCE) {
        Ok(value) => Ok(value),
        Err(TryRecvError::Empty) => {
            Err(format!("nothing on the queue within {PATIENCE:?}"))
        }
        Err(TryRecvError::IpcError(IpcError::Disconnected)) => {
            Err("the queue is closed: every process that could put has ended".into())
        }
        Err(e) => Err(format!("cannot get from the queue: {e}")),
    }
}

/// For `ipc::channel().map_err(io_error)?`: making a channel can fail (the
/// process may be out of file descriptors).
pub fn io_error(e: std::io::Error) -> String {
    format!("cannot make a channel: {e}")
}

// ANCHOR: sum
#[derive(Serialize, Deserialize)]
pub struct SumArguments {
    name: String,
    queue: IpcSender<u64>,
}

// Python: def job(q): add up i + i**2 + i**3 for i below 1000, then q.put(res)
pub fn sum_job(SumArguments { name, queue }: SumArguments) -> Result<(), String> {
    let res: u64 = (0..1000u64).map(|i| i + i.pow(2) + i.pow(3)).sum();
    say!("{name}: pid {} puts {res}", process::id());
    queue.send(res).map_err(|e| e.to_string()) // Python: q.put(res)
}

pub fn sum() -> Result<(), String> {
    let (queue_tx, queue) = ipc::channel().map_err(io_error)?; // Python: q = mp.Queue()
    // Python: p1 = mp.Process(target=job, args=(q,)); p1.start(); and p2
    let arguments = |name: &str, queue| SumArguments {
        name: name.into(),
        queue,
    };
    let mut p1 = Worker::start("adder", arguments("worker 1", queue_tx.clone()))?;
    let mut p2 = Worker::start("adder", arguments("worker 2", queue_tx))?;
    p1.join_ok()?; // Python: p1.join()
    p2.join_ok()?; // Python: p2.join()
    let res1 = get(&queue)?; // Python: res1 = q.get()
    let res2 = get(&queue)?; // Python: res2 = q.get()
    say!("{}", res1 + res2); // Python: print(res1 + res2)
    Ok(())
}
// ANCHOR_END: sum

// ANCHOR: put_get
/// The kinds of value in the list. Pickle sends any Python object; a Rust
/// channel carries one type, so a mixed list is a list of an enum.
#[derive(Debug, Serialize, Deserialize)]
pub enum PyValue {
    Int(i64),
    None,
    Str(String),
}

/// Shows a list the way Python's print() does.
struct Python<'a>(&'a [PyValue]);

impl fmt::Display for Python<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items: Vec<String> = self
            .0
            .iter()
            .map(|value| match value {
                PyValue::Int(n) => n.to_string(),
                PyValue::None => "None".to_owned(),
                PyValue::Str(s) => format!("'{s}'"),
            })
            .collect();
        write!(f, "[{}]", items.join(", "))
    }
}

// Python: def f(q): q.put([42, None, 'hello'])
pub fn put_list(queue: IpcSender<Vec<PyValue>>) -> Result<(), String> {
    let list = vec![
        PyValue::Int(42),
        PyValue::None,
        PyValue::Str("hello".into()),
    ];
    queue.send(list).map_err(|e| e.to_string())
}

pub fn put_get() -> Result<(), String> {
    let (queue_tx, queue) = ipc::channel().map_err(io_error)?; // Python: q = Queue()
    // Python: p = Process(target=f, args=(q,)); p.start()
    let mut p = Worker::start("putter", queue_tx)?;
    let list: Vec<PyValue> = get(&queue)?; // Python: q.get()
    say!("received {list:?}");
    // Python: print(q.get()) prints "[42, None, 'hello']"
    say!("{}", Python(&list));
    p.join_ok()?; // Python: p.join()
    Ok(())
}
// ANCHOR_END: put_get

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_error_says_what_failed_and_why() {
        let out_of_descriptors = std::io::Error::from_raw_os_error(nix::libc::EMFILE);
        assert_eq!(
            io_error(out_of_descriptors),
            "cannot make a channel: Too many open files (os error 24)"
        );
    }
}
