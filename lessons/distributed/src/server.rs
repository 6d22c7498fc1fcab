//! The manager's network side: Python's `BaseManager` server.
//!
//! A thread accepts connections. Each connection gets a thread of its own,
//! which runs the handshake and then serves the worker's requests from the
//! [`TaskQueue`]. Every read on a connection has a deadline, and the number
//! of connections is capped: whatever a peer does, it holds one thread for a
//! bounded time and a frame's worth of memory.

use std::io;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::os::fd::AsFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use parking_lot::{Condvar, Mutex};
use shared::say;

use crate::auth::{self, AuthKey, Challenge};
use crate::basemanager::{Limits, serve_python};
use crate::pickle;
use crate::protocol::{self, Broken, Connection, MAX_FRAME, ToManager, ToWorker};
use crate::queues::{Completed, Done, Loans, Taken, TaskQueue, WorkerId};

// ANCHOR: limits
/// How long a worker may hold a task without renewing its lease; shorter
/// than the idle limit, so that a task held by a silent connection comes
/// back before the connection itself is dropped.
pub const LEASE: Duration = Duration::from_secs(10);
/// The most tasks one worker holds at once: the one it works on, and one more.
pub const MOST_PER_WORKER: usize = 2;
/// A new connection has this long to answer the manager's challenge. Until
/// its answer starts to arrive it waits in the waiting room, which costs a
/// file descriptor and a few bytes, not a thread.
const ANSWER_LIMIT: Duration = Duration::from_secs(2);
/// Connections in the waiting room at once; more are turned away.
const MAX_WAITING: usize = 1024;
/// Then it has this long to finish the handshake, on a thread of its own.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(2);
/// Handshakes being finished at once (a thread each); more are turned away.
const MAX_HANDSHAKES: usize = 16;
/// An authenticated worker must send its next request within this time. It
/// is longer than the longest pause a worker may make on a task (10 s).
const IDLE_LIMIT: Duration = Duration::from_secs(30);
/// The longest a `get` may wait for a task, whatever the worker asks.
const MAX_WAIT: Duration = Duration::from_secs(5);
/// Authenticated workers served at once; more are turned away.
const MAX_WORKERS: usize = 32;
/// How long `shutdown` waits for connected workers to hear `Finished`.
const GOODBYE_LIMIT: Duration = Duration::from_secs(5);
// ANCHOR_END: limits

/// A manager serving its queues on a TCP address.
pub struct Manager {
    address: SocketAddr,
    queue: Arc<TaskQueue>,
    results: Receiver<Done>,
    stop: Arc<AtomicBool>,
    acceptor: JoinHandle<()>,
    workers: Arc<Counter>,
}

impl Manager {
    // ANCHOR: start
    /// Python: `QueueManager(address=..., authkey=...).start()`.
    pub fn start(listen: &str, key: AuthKey, loans: Loans) -> Result<Manager, String> {
        let address = listen
            .to_socket_addrs()
            .map_err(|e| format!("cannot use {listen:?} as an address: {e}"))?
            .next()
            .ok_or_else(|| format!("{listen:?} names no address"))?;
        let listener = TcpListener::bind(address)
            .map_err(|e| format!("cannot listen on {address}: {e}"))?;
        // Port 0 asks the kernel for a free port: this is the one it chose.
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        // So that the accepting thread can look up now and then, to see
        // whether it should stop (see `accept_connections`).
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;

        let (queue, results) = TaskQueue::new(loans);
        let queue = Arc::new(queue);
        let stop = Arc::new(AtomicBool::new(false));
        let workers = Arc::new(Counter::default());
        let acceptor = {
            let (queue, stop, workers) = (queue.clone(), stop.clone(), workers.clone());
            thread::Builder::new()
                .name("accept".into())
                .spawn(move || accept_connections(listener, key, queue, stop, workers))
                .map_err(|e| format!("cannot start the accepting thread: {e}"))?
        };
        Ok(Manager {
            address,
            queue,
            results,
            stop,
            acceptor,
            workers,
        })
    }
    // ANCHOR_END: start

    /// Where workers connect.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Python: `manager.get_task_queue()`.
    pub fn task_queue(&self) -> &TaskQueue {
        &self.queue
    }

    /// Python: `manager.get_result_queue()`.
    pub fn result_queue(&self) -> &Receiver<Done> {
        &self.results
    }

    /// Python: `manager.shutdown()`. Stops accepting connections, and gives
    /// the workers still connected a moment to hear that the job is finished
    /// (so that none of them reports a lost manager), then returns.
    pub fn shutdown(self) {
        self.queue.close();
        self.stop.store(true, Ordering::Relaxed);
        self.acceptor.join().ok();
        self.workers.wait_for_zero(GOODBYE_LIMIT);
    }
}

/// What a connection's thread needs from the manager.
#[derive(Clone)]
struct Door {
    key: AuthKey,
    queue: Arc<TaskQueue>,
    /// Authenticated workers, and connections finishing their handshake.
    workers: Arc<Counter>,
    handshakes: Arc<Counter>,
}

// ANCHOR: accept
/// A connection whose challenge is sent, and whose answer has not come.
struct Waiting {
    connection: Connection,
    challenge: Challenge,
    peer: SocketAddr,
    since: Instant,
}

/// The door: accepts connections, sends each its challenge, and keeps it in
/// the waiting room until its answer starts to arrive. Only then does it get
/// a thread. So silent connections, a flood of them, cost a thread nothing
/// and cannot keep out a worker that knows the key.
fn accept_connections(
    listener: TcpListener,
    key: AuthKey,
    queue: Arc<TaskQueue>,
    stop: Arc<AtomicBool>,
    workers: Arc<Counter>,
) {
    let handshakes = Arc::new(Counter::default());
    let door = Door {
        key,
        queue,
        workers,
        handshakes,
    };
    let mut waiting: Vec<Waiting> = Vec::new();
    let mut next_worker: WorkerId = 0;
    while !stop.load(Ordering::Relaxed) {
        // Wait up to 50 ms for a connection or an answer, then look at
        // `stop` again.
        let ready = ready_to_read(&listener, &waiting, 50);
        let now = Instant::now();
        for (guest, answering) in
            std::mem::take(&mut waiting).into_iter().zip(&ready[1..])
        {
            if *answering {
                next_worker += 1;
                finish_handshake(guest, next_worker, &door);
            } else if now - guest.since > ANSWER_LIMIT {
                say!(
                    "manager: dropped {}: no answer within {ANSWER_LIMIT:?}",
                    guest.peer
                );
            } else {
                waiting.push(guest);
            }
        }
        if ready[0] {
            admit(&listener, &mut waiting);
        }
    }
}

// ANCHOR_END: accept

// ANCHOR: admit
/// Whether the listener (first) and each waiting connection have something
/// to read, after at most `wait_ms` ms.
fn ready_to_read(listener: &TcpListener, waiting: &[Waiting], wait_ms: u16) -> Vec<bool> {
    let mut fds = vec![PollFd::new(listener.as_fd(), PollFlags::POLLIN)];
    fds.extend(
        waiting
            .iter()
            .map(|g| PollFd::new(g.connection.as_fd(), PollFlags::POLLIN)),
    );
    poll(&mut fds, PollTimeout::from(wait_ms)).ok();
    // Readable, or hung up, or broken: the handshake's thread will see which.
    fds.iter()
        .map(|fd| fd.revents().is_some_and(|r| !r.is_empty()))
        .collect()
}

/// Accepts every connection that is there, and sends each its challenge.
fn admit(listener: &TcpListener, waiting: &mut Vec<Waiting>) {
    loop {
        let (stream, peer) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
            Err(e) => {
                // Out of file descriptors, for instance: try again later.
                say!("manager: cannot accept a connection: {e}");
                return;
            }
        };
        if waiting.len() >= MAX_WAITING {
            say!(
                "manager: turned away {peer}: already {MAX_WAITING} in the waiting room"
            );
            continue; // dropping `stream` closes it
        }
        // The listener does not block; the connection must.
        let connection = stream
            .set_nonblocking(false)
            .and_then(|()| Connection::new(stream));
        let Ok(mut connection) = connection else {
            continue; // the peer is gone already
        };
        // Python: Listener.accept() runs deliver_challenge first.
        if let Ok(challenge) = auth::send_challenge(&mut connection) {
            let since = Instant::now();
            waiting.push(Waiting {
                connection,
                challenge,
                peer,
                since,
            });
        }
    }
}
// ANCHOR_END: admit

// ANCHOR: serve
/// A guest's answer is arriving: a thread of its own finishes the handshake
/// and, if the guest knows the key, serves it as worker `worker`.
fn finish_handshake(guest: Waiting, worker: WorkerId, door: &Door) {
    let peer = guest.peer;
    let Some(in_handshake) = door.handshakes.try_enter(MAX_HANDSHAKES) else {
        say!("manager: turned away {peer}: already {MAX_HANDSHAKES} handshakes");
        return;
    };
    let door = door.clone();
    let started = thread::Builder::new()
        .name(format!("worker {worker}"))
        .spawn(move || {
            let Waiting {
                mut connection,
                challenge,
                ..
            } = guest;
            let deadline = Instant::now() + HANDSHAKE_LIMIT;
            let handshake = auth::finish_handshake_as_manager(
                &mut connection,
                &door.key,
                &challenge,
                deadline,
            );
            drop(in_handshake);
            let form = match handshake {
                Ok(form) => form,
                Err(why) => return say!("manager: refused {peer}: {why}"),
            };
            let Some(present) = door.workers.try_enter(MAX_WORKERS) else {
                return say!(
                    "manager: turned away {peer}: already {MAX_WORKERS} workers"
                );
            };
            say!("manager: {peer} authenticated ({form})");
            serve(connection, peer, worker, &door.queue, present);
        });
    if let Err(e) = started {
        say!("manager: cannot serve {peer}: {e}");
    }
}

// ANCHOR_END: serve

// ANCHOR: serve_to_the_end
/// An authenticated worker, to the end of its connection.
fn serve(
    mut connection: Connection,
    peer: SocketAddr,
    worker: WorkerId,
    queue: &TaskQueue,
    _present: Presence, // counted among the workers until this returns
) {
    // Our worker speaks JSON; Python's own speaks pickle (basemanager.rs).
    let outcome = match connection.recv_bytes(MAX_FRAME, Instant::now() + IDLE_LIMIT) {
        Ok(first) if pickle::looks_like_pickle(&first) => {
            let limits = Limits {
                max_wait: MAX_WAIT,
                idle: IDLE_LIMIT,
            };
            serve_python(&mut connection, &first, (peer, worker), queue, &limits)
        }
        Ok(first) => serve_worker(&mut connection, first, worker, queue),
        Err(broken) => Err(broken),
    };
    // However the connection ended, the tasks this worker still holds have
    // no result: they go back on the queue, for another worker.
    let lost = queue.give_back(worker);
    if let Err(why) = outcome {
        say!("manager: lost the worker at {peer}: {why}");
    }
    for task in lost {
        say!(
            "manager: task {} (n = {}) goes back on the queue",
            task.id,
            task.n
        );
    }
}
// ANCHOR_END: serve_to_the_end

// ANCHOR: serve_worker
/// The worker's requests (the first is `frame`), until it has heard
/// `Finished`.
fn serve_worker(
    connection: &mut Connection,
    mut frame: Vec<u8>,
    worker: WorkerId,
    queue: &TaskQueue,
) -> Result<(), Broken> {
    let lease_ms = Some(queue.lease().as_millis().try_into().unwrap_or(u64::MAX));
    loop {
        let request: ToManager = protocol::decode(&frame)?;
        let reply = match request {
            ToManager::Get { wait_ms } => {
                let wait = Duration::from_millis(wait_ms).min(MAX_WAIT);
                match queue.take(worker, wait) {
                    Taken::Task(task) => ToWorker::Task {
                        id: task.id,
                        n: task.n,
                        lease_ms,
                    },
                    Taken::Empty => ToWorker::Empty,
                    Taken::Finished => {
                        connection.send(&ToWorker::Finished)?;
                        return Ok(());
                    }
                }
            }
            ToManager::Put { id, square } => match queue.complete(worker, id, square) {
                Completed::Recorded => ToWorker::Ack { id },
                Completed::NotHeld => {
                    return Err(Broken::Violation(format!(
                        "it sent a result for task {id}, which it does not hold"
                    )));
                }
                // Dropped like any rule-breaker: the task goes back, for another.
                Completed::Wrong { n } => {
                    return Err(Broken::Violation(format!(
                        "it sent {square} as the square of {n} (task {id})"
                    )));
                }
            },
            ToManager::Renew { id } if queue.renew(worker, id) => {
                ToWorker::Renewed { id }
            }
            ToManager::Renew { id } => {
                return Err(Broken::Violation(format!(
                    "it renewed task {id}, which it does not hold (its lease ran out?)"
                )));
            }
        };
        connection.send(&reply)?;
        frame = connection.recv_bytes(MAX_FRAME, Instant::now() + IDLE_LIMIT)?;
    }
}
// ANCHOR_END: serve_worker

/// A count of things present (connections, workers), that can be waited on
/// until it is zero.
#[derive(Default)]
struct Counter {
    count: Mutex<usize>,
    zero: Condvar,
}

impl Counter {
    /// Counts one in, unless there are `most` already; the guard counts it
    /// out when dropped (also in a panic).
    fn try_enter(self: &Arc<Self>, most: usize) -> Option<Presence> {
        let mut count = self.count.lock();
        if *count >= most {
            return None;
        }
        *count += 1;
        Some(Presence(self.clone()))
    }

    fn wait_for_zero(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        let mut count = self.count.lock();
        while *count > 0 {
            if self.zero.wait_until(&mut count, deadline).timed_out() {
                return;
            }
        }
    }
}

struct Presence(Arc<Counter>);

impl Drop for Presence {
    fn drop(&mut self) {
        let mut count = self.0.count.lock();
        *count -= 1;
        if *count == 0 {
            self.0.zero.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{Dialect, Got, RemoteQueues};

    const WAIT: Duration = Duration::from_secs(5);
    const LOANS: Loans = Loans {
        lease: LEASE,
        most_per_worker: MOST_PER_WORKER,
    };

    /// At most `most` in at once; each one out makes room for another.
    #[test]
    fn a_counter_lets_in_at_most_its_most() {
        let counter = Arc::new(Counter::default());
        let first = counter.try_enter(2).expect("room for 2");
        let second = counter.try_enter(2).expect("room for 2");
        assert!(counter.try_enter(2).is_none(), "a third of 2");
        drop(first);
        let third = counter.try_enter(2).expect("room for the one that left");
        drop((second, third));
        assert_eq!(*counter.count.lock(), 0);
    }

    /// While one is in, `wait_for_zero` waits its whole time (a lower bound,
    /// which no busy machine can break); once the last one leaves, it returns
    /// at once, long before its time (here a minute) is up.
    #[test]
    fn wait_for_zero_waits_until_the_last_one_leaves() {
        let counter = Arc::new(Counter::default());
        let inside = counter.try_enter(1).expect("room for 1");
        let limit = Duration::from_millis(50);
        let asked = Instant::now();
        counter.wait_for_zero(limit);
        assert!(
            asked.elapsed() >= limit,
            "returned after {:?}",
            asked.elapsed()
        );

        let (done_tx, done) = crossbeam_channel::bounded(1);
        let waiter = {
            let counter = counter.clone();
            thread::spawn(move || {
                counter.wait_for_zero(Duration::from_secs(60));
                done_tx.send(()).ok();
            })
        };
        // Most likely waiting by now; if not, it finds zero and returns, which
        // passes too: the pause only lets a missing wake-up show.
        thread::sleep(Duration::from_millis(100));
        drop(inside);
        let woken = done.recv_timeout(Duration::from_secs(10));
        assert!(woken.is_ok(), "still waiting 10 s after the last one left");
        waiter.join().unwrap();
    }

    /// A manager on a free port with `numbers` as its tasks, all put.
    fn manager_with(numbers: &[u64]) -> (Manager, String, AuthKey) {
        let key = AuthKey::new("key").unwrap();
        let manager = Manager::start("127.0.0.1:0", key.clone(), LOANS).unwrap();
        for &n in numbers {
            manager.task_queue().put(n);
        }
        manager.task_queue().close();
        let address = manager.address().to_string();
        (manager, address, key)
    }

    fn task_of(queues: &mut RemoteQueues) -> (u64, u64) {
        match queues.get(WAIT) {
            Ok(Got::Task { id, n, .. }) => (id, n),
            _ => panic!("a task was waiting"),
        }
    }

    /// A worker that sends a wrong square is dropped, nothing is recorded,
    /// and the task goes to another worker, whose right answer counts once.
    #[test]
    fn a_wrong_square_is_refused_and_the_task_redelivered() {
        let (manager, address, key) = manager_with(&[3036]);

        let (mut liar, _) = RemoteQueues::connect(&address, &key, Dialect::Json).unwrap();
        let (id, n) = task_of(&mut liar);
        assert_eq!(n, 3036);
        let refused = liar.put(id, 12345);
        assert!(refused.is_err(), "the manager acknowledged a wrong square");
        assert!(
            manager.result_queue().try_recv().is_err(),
            "nothing recorded"
        );

        let (mut honest, _) =
            RemoteQueues::connect(&address, &key, Dialect::Json).unwrap();
        assert_eq!(
            task_of(&mut honest),
            (id, n),
            "the task went back on the queue"
        );
        honest.put(id, n * n).unwrap();
        let done = manager.result_queue().recv_timeout(WAIT).unwrap();
        assert_eq!((done.task.id, done.square), (id, n * n));
        assert!(matches!(honest.get(WAIT), Ok(Got::Finished)));
        manager.shutdown();
    }

    /// Our worker, speaking Python's BaseManager protocol to our manager:
    /// a wrong square in the tutorial's text is refused like a JSON one, the
    /// task goes to the next worker, and a finished job is an empty queue.
    #[test]
    fn python_s_protocol_is_held_to_the_same_rules() {
        let (manager, address, key) = manager_with(&[3036]);
        let connect = || {
            RemoteQueues::connect(&address, &key, Dialect::Python)
                .unwrap()
                .0
        };

        let mut liar = connect();
        let (id, n) = task_of(&mut liar);
        assert_eq!(n, 3036);
        let refused = liar.put(id, 12345).unwrap_err();
        assert!(
            refused.contains("12345 is not the square of 3036"),
            "{refused}"
        );
        drop(liar);

        let mut honest = connect();
        let (id, n) = task_of(&mut honest);
        assert_eq!(n, 3036, "the task went back on the queue");
        honest.put(id, n * n).unwrap();
        let done = manager.result_queue().recv_timeout(WAIT).unwrap();
        assert_eq!((done.task.n, done.square), (n, n * n));
        assert!(matches!(honest.get(WAIT), Ok(Got::Empty)));
        assert!(manager.result_queue().try_recv().is_err(), "recorded once");
        drop(honest); // gone, so shutdown has no one to wait for
        manager.shutdown();
    }

    /// A peer that never answers its challenge is hung up on once its time
    /// is up (2 s): it keeps no place in the waiting room for ever.
    #[test]
    fn a_silent_peer_is_hung_up_on() {
        let (manager, address, _) = manager_with(&[]);
        let mut silent = std::net::TcpStream::connect(&address).unwrap();
        silent
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut received = Vec::new();
        let ended = io::Read::read_to_end(&mut silent, &mut received);
        assert!(ended.is_ok(), "not hung up on within 10 s: {ended:?}");
        assert!(!received.is_empty(), "no challenge came");
        manager.shutdown();
    }

    /// Only a task's holder may renew its lease: a renewal of any other task
    /// breaks the rules, and the worker is dropped.
    #[test]
    fn a_worker_renews_only_the_tasks_it_holds() {
        let (manager, address, key) = manager_with(&[3, 4]);
        let connect = || {
            RemoteQueues::connect(&address, &key, Dialect::Json)
                .unwrap()
                .0
        };
        let (mut holder, mut other) = (connect(), connect());
        let (id, _) = task_of(&mut holder);
        holder.renew(id).expect("the holder renews");
        let refused = other.renew(id).expect_err("not the holder");
        assert!(refused.contains("lost the manager"), "{refused}");
        drop((holder, other));
        manager.shutdown();
    }

    /// A worker of the Python dialect may hold two tasks and answer them in
    /// any order: each answer goes with its own task.
    #[test]
    fn a_python_worker_answers_its_tasks_in_any_order() {
        let (manager, address, key) = manager_with(&[3, 4]);
        let (mut worker, _) =
            RemoteQueues::connect(&address, &key, Dialect::Python).unwrap();
        let (first, second) = (task_of(&mut worker), task_of(&mut worker));
        for (id, n) in [second, first] {
            worker.put(id, n * n).unwrap();
        }
        let mut recorded: Vec<(u64, u64)> = (0..2)
            .map(|_| manager.result_queue().recv_timeout(WAIT).unwrap())
            .map(|done| (done.task.n, done.square))
            .collect();
        recorded.sort();
        assert_eq!(recorded, [(3, 9), (4, 16)]);
        drop(worker); // gone, so shutdown has no one to wait for
        manager.shutdown();
    }

    /// A worker of the Python dialect that the manager hangs up on while it
    /// still holds a task has lost that task: an error, not the end of the
    /// job (which is how a hang-up reads when it holds none).
    #[test]
    fn a_python_worker_cut_off_while_holding_a_task_says_so() {
        let (manager, address, key) = manager_with(&[3, 4]);
        let (mut worker, _) =
            RemoteQueues::connect(&address, &key, Dialect::Python).unwrap();
        let ((first, _), _still_held) = (task_of(&mut worker), task_of(&mut worker));
        // A wrong square: the manager hangs up on the worker.
        worker.put(first, 0).unwrap_err();
        match worker.get(Duration::from_secs(1)) {
            Err(lost) => assert!(lost.contains("lost the manager"), "{lost}"),
            Ok(_) => panic!("the hang-up read as the end of the job"),
        }
        drop(worker);
        manager.shutdown();
    }

    /// A client that takes tasks and sits on them gets no more than its
    /// share; when its leases run out, its tasks go to a worker that works,
    /// and its late answers are refused. Every result is there once.
    #[test]
    fn a_hoarder_gets_its_share_and_loses_it_when_its_leases_run_out() {
        let (manager, address, key) = manager_with(&[2, 3, 4]);
        let (mut hoarder, _) =
            RemoteQueues::connect(&address, &key, Dialect::Json).unwrap();
        let hoarded = [task_of(&mut hoarder), task_of(&mut hoarder)];
        let short = Duration::from_millis(50);
        assert!(
            matches!(hoarder.get(short), Ok(Got::Empty)),
            "more than its share"
        );

        let (mut honest, _) =
            RemoteQueues::connect(&address, &key, Dialect::Json).unwrap();
        let (id, n) = task_of(&mut honest);
        honest.put(id, n * n).unwrap();
        // The hoarder renews nothing: a lease later, its tasks come back.
        let later = Instant::now() + LEASE + Duration::from_secs(1);
        let back = manager.task_queue().expire(later);
        assert_eq!(
            back.iter().map(|t| (t.id, t.n)).collect::<Vec<_>>(),
            hoarded
        );
        for _ in hoarded {
            let (id, n) = task_of(&mut honest);
            honest.put(id, n * n).unwrap();
        }
        assert!(matches!(honest.get(WAIT), Ok(Got::Finished)));
        let (id, n) = hoarded[0];
        assert!(hoarder.put(id, n * n).is_err(), "a late answer is refused");

        let results: Vec<u64> = manager
            .result_queue()
            .try_iter()
            .map(|d| d.task.n)
            .collect();
        assert_eq!(results.len(), 3, "{results:?}");
        let mut numbers = results.clone();
        numbers.sort();
        assert_eq!(numbers, vec![2, 3, 4], "each result exactly once");
        manager.shutdown();
    }
}
