//! Lesson 3 — queue: passing work and results.
//!
//! Python's threads hand values to each other through a `queue.Queue`, its
//! processes through a `multiprocessing.Queue`. Rust uses channels:
//! `crossbeam-channel` between threads, `ipc-channel` between processes.
//! Values come out in the order they were put in, which is the order the
//! workers *finished*, not the order they were given their work.

#[cfg(not(unix))]
compile_error!(
    "lesson-queue runs on Linux and macOS: its parent processes hold back Ctrl-C \
     with Unix signal masks so that they can clean up after their children"
);

mod workers;

use std::collections::BTreeMap;
use std::fmt;
use std::process::{self, ExitCode};
use std::thread;
use std::time::Duration;

use crossbeam_channel::{RecvError, TrySendError, after, bounded, select, unbounded};
use ipc_channel::ipc::{self, IpcReceiver, IpcSender};
use ipc_channel::{IpcError, TryRecvError};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared::{Lesson, Variant, say};

use workers::{PATIENCE, Worker, with_children};

fn main() -> ExitCode {
    // `Worker::start` runs this same program again with a role in the
    // environment (shared::worker): such a child does its role's work, not
    // the lesson's.
    if let Some(role) = shared::worker::role() {
        workers::release_ctrl_c(); // the parent holds Ctrl-C back; its children do not
        return match role.as_str() {
            "adder" => run_role(sum_job),
            "putter" => run_role(put_list),
            "writer" => run_role(write),
            "reader" => run_role(read),
            "poller" => run_role(read_until_empty),
            other => {
                eprintln!("error: unknown worker role {other:?}");
                ExitCode::FAILURE
            }
        };
    }
    Lesson {
        name: "queue",
        about: "Passing work and results: crossbeam-channel between threads, ipc-channel between processes",
        variants: &[
            Variant {
                name: "squares",
                about: "four threads square lists; tagged results restore the input order",
                run: squares,
            },
            Variant {
                name: "workers",
                about: "a bounded job queue shared by three workers; select! on results and a deadline",
                run: workers,
            },
            Variant {
                name: "sum",
                about: "two processes put their sums on one queue (mp.Queue)",
                run: || with_children(sum),
            },
            Variant {
                name: "put-get",
                about: "a child puts [42, None, 'hello']; the parent gets it",
                run: || with_children(put_get),
            },
            Variant {
                name: "terminate",
                about: "a writer puts A, B, C; the endless reader is terminated",
                run: || with_children(terminate),
            },
            Variant {
                name: "terminate-loses",
                about: "writer A to D; terminate() throws away what the reader held",
                run: || with_children(terminate_loses),
            },
            Variant {
                name: "empty-race",
                about: "a reader that stops when empty() is true stops too early",
                run: || with_children(empty_race),
            },
            Variant {
                name: "close",
                about: "the fix: the writer hangs up, the reader ends by itself, nothing is lost",
                run: || with_children(close),
            },
        ],
    }
    .main()
}

/// A child's side: receive the arguments from the parent, then do the work.
fn run_role<A>(role: fn(A) -> Result<(), String>) -> ExitCode
where
    A: Serialize + DeserializeOwned,
{
    match workers::arguments().and_then(role) {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error in worker pid {}: {why}", process::id());
            ExitCode::FAILURE
        }
    }
}

// ---------------------------------------------------------------- threads

/// How long the squaring of one list pretends to take.
const STEP: Duration = Duration::from_millis(20);

// ANCHOR: squares
// Python: def job(l, q): square each item of l in place, then q.put(l)
fn job(list: Vec<u32>) -> Vec<u32> {
    list.into_iter().map(|x| x * x).collect()
}

fn squares() {
    let data = vec![vec![1, 1, 1], vec![2, 2, 2], vec![3, 3, 3], vec![4, 4, 4]];
    let (results, queue) = unbounded(); // Python: q = Queue()
    let mut threads = Vec::new();
    for (index, list) in data.into_iter().enumerate() {
        let results = results.clone(); // one sending end per thread
        // Python: t = threading.Thread(target=job, args=(data[i], q)); t.start()
        threads.push(thread::spawn(move || {
            // Here the later lists take less time, so they tend to finish first.
            thread::sleep(STEP * (3 - index as u32));
            // Python: q.put(l). The index travels with the list: the tag.
            results
                .send((index, job(list)))
                .expect("main holds the queue");
        }));
    }
    drop(results); // main's own sending end: now only the threads hold one

    for thread in threads {
        thread.join().expect("a squaring thread panicked"); // Python: thread.join()
    }
    // Python: for _ in range(4): result.append(q.get())
    // The loop ends when the queue is empty and every sending end is gone.
    let mut result = vec![Vec::new(); 4];
    for (index, squared) in queue.iter() {
        println!("arrived: list {index}, squared {squared:?}");
        result[index] = squared; // the tag puts it back in its place
    }
    println!("{result:?}"); // Python: print(result)
}
// ANCHOR_END: squares

// ANCHOR: workers
fn workers() {
    // Python: jobs = Queue(maxsize=2)
    let (jobs, job_queue) = bounded::<u64>(2);
    jobs.send(1).expect("there is room");
    jobs.send(2).expect("there is room");
    // Python: jobs.put_nowait(3) raises queue.Full; jobs.put(3) would wait.
    if let Err(TrySendError::Full(job)) = jobs.try_send(3) {
        println!("try_send({job}): Full, the queue holds {} jobs", jobs.len());
    }

    let (results, result_queue) = unbounded();
    let mut threads = Vec::new();
    for _ in 0..3 {
        // Every worker takes jobs from the same queue: crossbeam's Receiver
        // can be cloned (multi-consumer), std::sync::mpsc's cannot.
        let (job_queue, results) = (job_queue.clone(), results.clone());
        threads.push(thread::spawn(move || {
            let mut done = 0;
            // Python: while (n := jobs.get()) is not None: ...
            // The loop ends when the queue is empty and closed: no sentinel.
            for n in job_queue {
                results.send((n, n * n)).expect("main holds the results");
                done += 1;
            }
            done
        }));
    }
    drop((job_queue, results)); // only the workers hold these ends now

    for n in 3..=8 {
        jobs.send(n).expect("the workers are running"); // waits while the queue is full
    }
    drop(jobs); // hang up: this is the "no more jobs" signal
    println!("all 8 jobs are queued; main has hung up the job queue");

    // Take results as they come, until every worker has hung up, but never
    // wait forever: select! waits on both channels at once.
    let deadline = after(PATIENCE);
    let mut squares = BTreeMap::new();
    loop {
        select! {
            recv(result_queue) -> message => match message {
                Ok((n, square)) => { squares.insert(n, square); }
                Err(RecvError) => break, // every worker has dropped its sender
            },
            recv(deadline) -> _ => {
                println!("no end within {PATIENCE:?}: giving up");
                break;
            }
        }
    }
    let per_worker: Vec<u32> = threads
        .into_iter()
        .map(|t| t.join().expect("a worker panicked"))
        .collect();
    println!("jobs done per worker: {per_worker:?}");
    println!(
        "squares in input order: {:?}",
        squares.values().collect::<Vec<_>>()
    );
}
// ANCHOR_END: workers

// -------------------------------------------------------------- processes

/// Python: `q.get()`, but a queue that stays empty for `PATIENCE`, or that
/// closes (every process that could put has ended), is an error.
fn get<T>(queue: &IpcReceiver<T>) -> Result<T, String>
where
    T: Serialize + DeserializeOwned,
{
    match queue.try_recv_timeout(PATIENCE) {
        Ok(value) => Ok(value),
        Err(TryRecvError::Empty) => Err(format!("nothing on the queue within {PATIENCE:?}")),
        Err(TryRecvError::IpcError(IpcError::Disconnected)) => {
            Err("the queue is closed: every process that could put has ended".into())
        }
        Err(e) => Err(format!("cannot get from the queue: {e}")),
    }
}

fn io_error(e: std::io::Error) -> String {
    format!("cannot make a channel: {e}")
}

// ANCHOR: sum
#[derive(Serialize, Deserialize)]
struct SumArguments {
    name: String,
    queue: IpcSender<u64>,
}

// Python: def job(q): add up i + i**2 + i**3 for i below 1000, then q.put(res)
fn sum_job(SumArguments { name, queue }: SumArguments) -> Result<(), String> {
    let res: u64 = (0..1000u64).map(|i| i + i.pow(2) + i.pow(3)).sum();
    say!("{name}: pid {} puts {res}", process::id());
    queue.send(res).map_err(|e| e.to_string()) // Python: q.put(res)
}

fn sum() -> Result<(), String> {
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
enum PyValue {
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
fn put_list(queue: IpcSender<Vec<PyValue>>) -> Result<(), String> {
    let list = vec![
        PyValue::Int(42),
        PyValue::None,
        PyValue::Str("hello".into()),
    ];
    queue.send(list).map_err(|e| e.to_string())
}

fn put_get() -> Result<(), String> {
    let (queue_tx, queue) = ipc::channel().map_err(io_error)?; // Python: q = Queue()
    // Python: p = Process(target=f, args=(q,)); p.start()
    let mut p = Worker::start("putter", queue_tx)?;
    let list: Vec<PyValue> = get(&queue)?; // Python: q.get()
    say!("received {list:?}");
    say!("{}", Python(&list)); // Python: print(q.get()) prints "[42, None, 'hello']"
    p.join_ok()?; // Python: p.join()
    Ok(())
}
// ANCHOR_END: put_get

/// The writer's pause after each put (the originals slept up to a second).
const PAUSE: Duration = Duration::from_millis(50);

fn items(names: &[&str]) -> Vec<String> {
    names.iter().map(|&name| name.to_owned()).collect()
}

/// "A, B, C" (or "nothing").
fn listed(items: &[String]) -> String {
    if items.is_empty() {
        "nothing".to_owned()
    } else {
        items.join(", ")
    }
}

// ANCHOR: writer_reader
#[derive(Serialize, Deserialize)]
struct WriterArguments {
    queue: IpcSender<String>,
    items: Vec<String>,
}

// Python: def write(q): print and put each value, pausing after each put
fn write(WriterArguments { queue, items }: WriterArguments) -> Result<(), String> {
    say!("writer: pid {}", process::id()); // Python: print('Process to write: ...' % os.getpid())
    for value in items {
        say!("writer: Put {value} to queue...");
        // Python: q.put(value). It fails here if the queue's reader has gone.
        if queue.send(value.clone()).is_err() {
            say!("writer: cannot put {value}: nobody can read the queue any more");
            break;
        }
        thread::sleep(PAUSE); // Python: time.sleep(random.random())
    }
    say!("writer: done");
    Ok(())
}

#[derive(Serialize, Deserialize)]
struct ReaderArguments {
    queue: IpcReceiver<String>,
    /// The reader reports each item it has taken, so that the parent knows.
    receipts: IpcSender<Receipt>,
    /// How many lines the reader keeps in its output buffer before it writes.
    lines_per_write: usize,
}

/// Sent by the reader after handling an item (`took`), and after its last
/// write (`took: None`): the lines that it wrote out meanwhile, if any.
#[derive(Serialize, Deserialize)]
struct Receipt {
    took: Option<String>,
    written_out: Vec<String>,
}

// Python: def read(q): forever: take a value with q.get(True) and print it
fn read(arguments: ReaderArguments) -> Result<(), String> {
    say!("reader: pid {}", process::id()); // Python: print('Process to read: ...' % os.getpid())
    // What print() has printed but not yet written: a Python child whose
    // stdout is a pipe keeps it in a buffer like this one, only bigger.
    let mut buffer: Vec<String> = Vec::new();
    loop {
        // Python: value = q.get(True)
        match arguments.queue.try_recv_timeout(PATIENCE) {
            Ok(value) => {
                buffer.push(value.clone());
                let mut written_out = Vec::new();
                if buffer.len() >= arguments.lines_per_write {
                    written_out = write_out(&mut buffer);
                }
                let receipt = Receipt {
                    took: Some(value),
                    written_out,
                };
                arguments
                    .receipts
                    .send(receipt)
                    .map_err(|e| e.to_string())?;
            }
            // Every sending end is gone: nothing can ever come again. This
            // never happens in Python's program, whose parent keeps q open.
            Err(TryRecvError::IpcError(IpcError::Disconnected)) => {
                let written_out = write_out(&mut buffer);
                say!("reader: the queue is closed, and I am done");
                let receipt = Receipt {
                    took: None,
                    written_out,
                };
                return arguments.receipts.send(receipt).map_err(|e| e.to_string());
            }
            Err(TryRecvError::Empty) => return Err(format!("nothing for {PATIENCE:?}")),
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Writes the buffered lines out (in one write) and empties the buffer.
fn write_out(buffer: &mut Vec<String>) -> Vec<String> {
    if !buffer.is_empty() {
        let lines: Vec<String> = buffer
            .iter()
            .map(|value| format!("reader: Get {value} from queue."))
            .collect();
        say!("{}", lines.join("\n"));
    }
    std::mem::take(buffer)
}

/// The parent's side of the receipts: reads them (each wait bounded) until
/// the reader has taken `count` items, or with `None`, until it has hung up.
/// Returns what the reader took and what it wrote out.
fn follow(
    receipts: &IpcReceiver<Receipt>,
    count: Option<usize>,
) -> Result<(Vec<String>, Vec<String>), String> {
    let (mut taken, mut written) = (Vec::new(), Vec::new());
    while Some(taken.len()) != count {
        match receipts.try_recv_timeout(PATIENCE) {
            Ok(receipt) => {
                taken.extend(receipt.took);
                written.extend(receipt.written_out);
            }
            Err(TryRecvError::IpcError(IpcError::Disconnected)) if count.is_none() => break,
            Err(e) => return Err(format!("the reader stopped reporting: {e}")),
        }
    }
    Ok((taken, written))
}
// ANCHOR_END: writer_reader

// ANCHOR: terminate
fn terminate() -> Result<(), String> {
    let (queue_tx, queue) = ipc::channel().map_err(io_error)?; // Python: q = Queue()
    let (receipts_tx, receipts) = ipc::channel().map_err(io_error)?;
    // Python: pw = Process(target=write, args=(q,)); pw.start()
    let writer_args = WriterArguments {
        queue: queue_tx.clone(),
        items: items(&["A", "B", "C"]),
    };
    let mut pw = Worker::start("writer", writer_args)?;
    // Python: pr = Process(target=read, args=(q,)); pr.start()
    let reader_args = ReaderArguments {
        queue,
        receipts: receipts_tx,
        lines_per_write: 1,
    };
    let mut pr = Worker::start("reader", reader_args)?;
    // The parent keeps `queue_tx`, as Python's parent keeps q: the queue
    // stays open, and the reader can never learn that nothing more will come.

    pw.join_ok()?; // Python: pw.join()
    // Not in Python: wait until the reader has printed all three, so that
    // terminate() cannot cut it short (the tutorial relied on the writer's sleep).
    let (taken, _) = follow(&receipts, Some(3))?;
    say!(
        "parent: the writer has ended; the reader has printed {}",
        listed(&taken)
    );
    let status = pr.terminate()?; // Python: pr.terminate(), then pr.join() to reap it
    say!("parent: terminate(): the reader was killed ({status}) and reaped");
    drop(queue_tx);
    Ok(())
}
// ANCHOR_END: terminate

// ANCHOR: terminate_loses
fn terminate_loses() -> Result<(), String> {
    let (queue_tx, queue) = ipc::channel().map_err(io_error)?; // Python: q = Queue()
    let (receipts_tx, receipts) = ipc::channel().map_err(io_error)?;
    let writer_args = WriterArguments {
        queue: queue_tx.clone(),
        items: items(&["A", "B", "C", "D"]),
    };
    let mut pw = Worker::start("writer", writer_args)?; // Python: pw.start()
    // This reader writes its output three lines at a time.
    let reader_args = ReaderArguments {
        queue,
        receipts: receipts_tx,
        lines_per_write: 3,
    };
    let mut pr = Worker::start("reader", reader_args)?; // Python: pr.start()

    pw.join_ok()?; // Python: pw.join()
    // Wait until the reader has taken all four: nothing is left in the queue.
    let (taken, written) = follow(&receipts, Some(4))?;
    say!(
        "parent: the reader has taken {}; it has written out {}",
        listed(&taken),
        listed(&written)
    );
    let status = pr.terminate()?; // Python: pr.terminate()
    say!("parent: terminate(): the reader was killed ({status}) and reaped");
    let lost: Vec<String> = taken
        .into_iter()
        .filter(|item| !written.contains(item))
        .collect();
    say!(
        "parent: lost with it: {}, taken from the queue but still in its buffer",
        listed(&lost)
    );
    say!("parent: done"); // Python: the last print, "the parent process ends"
    drop(queue_tx);
    Ok(())
}
// ANCHOR_END: terminate_loses

// ANCHOR: empty_race
// Python: def read(q): return as soon as q.empty() is true; otherwise get and print
fn read_until_empty(queue: IpcReceiver<String>) -> Result<(), String> {
    say!("reader: pid {}", process::id());
    loop {
        // try_recv() is empty() and get() in one step: Err(Empty) means
        // "nothing in the queue at this instant", and nothing more.
        match queue.try_recv() {
            Ok(value) => say!("reader: {value} from Queue"),
            Err(TryRecvError::Empty) => {
                say!("reader: the queue is empty, so I return");
                return Ok(());
            }
            Err(TryRecvError::IpcError(IpcError::Disconnected)) => {
                say!("reader: the queue is closed, so I return");
                return Ok(());
            }
            Err(e) => return Err(e.to_string()),
        }
    }
}

fn empty_race() -> Result<(), String> {
    let (queue_tx, queue) = ipc::channel().map_err(io_error)?; // Python: q = Queue()
    // The race, with its bad outcome forced: the reader starts, and ends,
    // before the writer has put anything. In Python, it only usually happens.
    let mut pr = Worker::start("poller", queue)?; // Python: pr.start()
    let status = pr.join_ok()?;
    say!("parent: the reader has returned ({status}); the writer starts only now");
    let writer_args = WriterArguments {
        queue: queue_tx,
        items: items(&["A", "B", "C"]),
    };
    let mut pw = Worker::start("writer", writer_args)?; // Python: pw.start()
    pw.join_ok()?; // Python: pw.join()
    say!("parent: the queue was empty for a moment, not for good: nothing was read");
    Ok(())
}
// ANCHOR_END: empty_race

// ANCHOR: close
fn close() -> Result<(), String> {
    let (queue_tx, queue) = ipc::channel().map_err(io_error)?; // Python: q = Queue()
    let (receipts_tx, receipts) = ipc::channel().map_err(io_error)?;
    // The reader starts first, so the writer is late again: it does not matter.
    let reader_args = ReaderArguments {
        queue,
        receipts: receipts_tx,
        lines_per_write: 3,
    };
    let mut pr = Worker::start("reader", reader_args)?;
    // The writer gets the only sending end: when the writer ends, the queue
    // closes, and the reader's loop ends after the last item.
    let writer_args = WriterArguments {
        queue: queue_tx,
        items: items(&["A", "B", "C", "D"]),
    };
    let mut pw = Worker::start("writer", writer_args)?;

    pw.join_ok()?; // Python: pw.join()
    let status = pr.join_ok()?; // Python: pr.join(); no terminate() needed
    let (taken, written) = follow(&receipts, None)?;
    say!("parent: the reader ended by itself ({status})");
    say!(
        "parent: it took {} and wrote out {}",
        listed(&taken),
        listed(&written)
    );
    Ok(())
}
// ANCHOR_END: close
