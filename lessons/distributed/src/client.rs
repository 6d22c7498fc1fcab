//! The worker's side of the connection: what Python's
//! `QueueManager.register('get_task_queue')` and `m.connect()` give a worker,
//! a stand-in for the manager's queues whose methods are network calls.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use crate::auth::{self, AuthError, AuthKey, Form};
use crate::basemanager::PythonQueues;
use crate::protocol::{Broken, Connection, ToManager, ToWorker};

// ANCHOR: limits
/// How long connecting to the manager may take.
const CONNECT_LIMIT: Duration = Duration::from_secs(5);
/// How long the handshake may take.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(5);
/// How long a worker keeps trying to get in when the manager is busy or not
/// there yet, waiting twice as long after each try, from 100 ms to 2 s.
pub const KEEP_TRYING: Duration = Duration::from_secs(20);
/// How much longer than the wait it asked for the manager may take to
/// answer a `get`, and how long it may take to acknowledge a result. A
/// manager that says nothing for longer is taken for gone.
const REPLY_GRACE: Duration = Duration::from_secs(5);
// ANCHOR_END: limits

/// Why `connect` failed, and whether it is worth trying again.
#[derive(Debug)]
pub struct CannotConnect {
    pub why: String,
    /// The manager is busy (or not there): it may let us in later.
    pub busy: bool,
}

/// What `get` brings back.
pub enum Got {
    /// A task, and how long we may hold it without renewing (None: for ever).
    Task {
        id: u64,
        n: u64,
        lease: Option<Duration>,
    },
    Empty,
    Finished,
    /// A Python manager's connection closed: it never says `Finished`, it
    /// shuts down once it has its results.
    ShutDown,
}

/// What the manager speaks after the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Ours: JSON messages (`protocol.rs`).
    Json,
    /// Python's `BaseManager`: pickled method calls (`basemanager.rs`).
    Python,
}

/// The manager's queues, as a worker sees them.
pub struct RemoteQueues {
    manager: String,
    line: Line,
}

enum Line {
    Json(Connection),
    /// A Python manager's tasks carry no id: we number them, and remember
    /// the number (`n`) of each task we hold, to write its result.
    Python {
        queues: PythonQueues,
        holding: Vec<(u64, u64)>,
        next_id: u64,
    },
}

impl RemoteQueues {
    // ANCHOR: connect
    /// Python: `m = QueueManager(address=..., authkey=...); m.connect()`,
    /// tried again, after a pause that doubles each time, for as long as the
    /// manager is busy or not there (`keep_trying`); `tried_again` hears each
    /// failure. A wrong key is not tried again. Returns the form of the
    /// handshake we answered the manager's challenge in.
    pub fn connect_patiently(
        manager: &str,
        key: &AuthKey,
        dialect: Dialect,
        keep_trying: Duration,
        mut tried_again: impl FnMut(&str, Duration),
    ) -> Result<(RemoteQueues, Form), String> {
        let give_up = Instant::now() + keep_trying;
        let mut pause = Duration::from_millis(100);
        loop {
            match RemoteQueues::connect(manager, key, dialect) {
                Ok(connected) => return Ok(connected),
                Err(CannotConnect { why, busy: true })
                    if Instant::now() + pause < give_up =>
                {
                    tried_again(&why, pause);
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
                Err(CannotConnect { why, .. }) => return Err(why),
            }
        }
    }

    /// One try at `connect_patiently`.
    pub fn connect(
        manager: &str,
        key: &AuthKey,
        dialect: Dialect,
    ) -> Result<(RemoteQueues, Form), CannotConnect> {
        let (line, form) = match dialect {
            Dialect::Json => {
                let (connection, form) = open(manager, key)?;
                (Line::Json(connection), form)
            }
            Dialect::Python => {
                let mut form = None;
                let connect = || {
                    open(manager, key).map(|(connection, heard)| {
                        form = Some(heard);
                        connection
                    })
                };
                let not_python = |why| CannotConnect {
                    why: format!("the manager at {manager} is not a BaseManager: {why}"),
                    busy: false,
                };
                let queues = PythonQueues::connect(connect, HANDSHAKE_LIMIT, not_python)?;
                let line = Line::Python {
                    queues,
                    holding: Vec::new(),
                    next_id: 0,
                };
                (line, form.expect("a connection was made"))
            }
        };
        let manager = manager.to_owned();
        Ok((RemoteQueues { manager, line }, form))
    }
    // ANCHOR_END: connect

    // ANCHOR: calls
    /// Python: `task.get(timeout=wait)`.
    pub fn get(&mut self, wait: Duration) -> Result<Got, String> {
        let (queues, holding, next_id) = match &mut self.line {
            Line::Json(_) => return self.get_json(wait),
            Line::Python {
                queues,
                holding,
                next_id,
            } => (queues, holding, next_id),
        };
        match queues.get(wait, REPLY_GRACE) {
            Ok(Some(n)) => {
                *next_id += 1;
                holding.push((*next_id, n));
                Ok(Got::Task {
                    id: *next_id,
                    n,
                    lease: None,
                })
            }
            Ok(None) => Ok(Got::Empty),
            Err(Broken::Closed | Broken::Io(_)) if holding.is_empty() => {
                Ok(Got::ShutDown)
            }
            Err(broken) => Err(lost(&self.manager, broken, wait + REPLY_GRACE)),
        }
    }

    fn get_json(&mut self, wait: Duration) -> Result<Got, String> {
        let wait_ms = wait.as_millis().try_into().unwrap_or(u64::MAX);
        match self.call(&ToManager::Get { wait_ms }, wait + REPLY_GRACE)? {
            ToWorker::Task { id, n, lease_ms } => Ok(Got::Task {
                id,
                n,
                lease: lease_ms.map(Duration::from_millis),
            }),
            ToWorker::Empty => Ok(Got::Empty),
            ToWorker::Finished => Ok(Got::Finished),
            other => Err(self.unexpected(&other, "get")),
        }
    }

    // ANCHOR_END: calls

    // ANCHOR: put
    /// Python: `result.put(r)`, and wait for the acknowledgement. To a
    /// Python manager, `r` is the tutorial's text, `'%d * %d = %d'`.
    pub fn put(&mut self, id: u64, square: u64) -> Result<(), String> {
        if let Line::Python {
            queues, holding, ..
        } = &mut self.line
        {
            let Some(at) = holding.iter().position(|&(held, _)| held == id) else {
                return Err(format!("task {id} is not one we hold"));
            };
            let (_, n) = holding.remove(at);
            let result = format!("{n} * {n} = {square}");
            return queues
                .put(&result, REPLY_GRACE)
                .map_err(|broken| lost(&self.manager, broken, REPLY_GRACE));
        }
        match self.call(&ToManager::Put { id, square }, REPLY_GRACE)? {
            ToWorker::Ack { id: acknowledged } if acknowledged == id => Ok(()),
            other => Err(self.unexpected(&other, "put")),
        }
    }

    /// Not in Python: still working on task `id`, so its lease starts again.
    pub fn renew(&mut self, id: u64) -> Result<(), String> {
        match self.call(&ToManager::Renew { id }, REPLY_GRACE)? {
            ToWorker::Renewed { id: renewed } if renewed == id => Ok(()),
            other => Err(self.unexpected(&other, "renew")),
        }
    }

    /// Sends a request and waits, at most `limit`, for the manager's reply.
    fn call(&mut self, request: &ToManager, limit: Duration) -> Result<ToWorker, String> {
        let Line::Json(connection) = &mut self.line else {
            return Err("a Python manager has no leases to renew".to_owned());
        };
        let reply = connection
            .send(request)
            .and_then(|()| connection.recv(Instant::now() + limit));
        reply.map_err(|broken| lost(&self.manager, broken, limit))
    }
    // ANCHOR_END: put

    fn unexpected(&self, reply: &ToWorker, call: &str) -> String {
        format!(
            "the manager at {} answered {reply:?} to a {call}: not this protocol",
            self.manager
        )
    }
}

/// A TCP connection to the manager, and the handshake on it.
fn open(manager: &str, key: &AuthKey) -> Result<(Connection, Form), CannotConnect> {
    let cannot = |why: String| CannotConnect {
        why: format!("cannot connect to the manager at {manager}: {why}"),
        busy: true,
    };
    let addresses = manager
        .to_socket_addrs()
        .map_err(|e| cannot(e.to_string()))?;
    let mut last_error = "the name has no address".to_owned();
    let mut stream = None;
    for address in addresses {
        match TcpStream::connect_timeout(&address, CONNECT_LIMIT) {
            Ok(connected) => {
                stream = Some(connected);
                break;
            }
            Err(e) => last_error = e.to_string(),
        }
    }
    let stream = stream.ok_or_else(|| cannot(last_error))?;
    let mut connection = Connection::new(stream).map_err(|e| cannot(e.to_string()))?;

    let deadline = Instant::now() + HANDSHAKE_LIMIT;
    let form =
        auth::handshake_as_worker(&mut connection, key, deadline).map_err(|e| {
            // A connection closed or silent: the manager may be busy, try
            // again. A key refused: trying again will not change it.
            let busy = matches!(e, AuthError::Broken(_));
            let why = format!("cannot authenticate with the manager at {manager}: {e}");
            CannotConnect { why, busy }
        })?;
    Ok((connection, form))
}

/// What a worker says when its manager's connection fails.
fn lost(manager: &str, broken: Broken, limit: Duration) -> String {
    match broken {
        Broken::Silent => format!(
            "the manager at {manager} did not answer within {limit:?}: is it still there?"
        ),
        other => format!("lost the manager at {manager}: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use super::*;

    /// A manager that lets one worker in, then answers each request it gets
    /// with the next of `replies`.
    fn manager_replying(replies: Vec<ToWorker>) -> (String, std::thread::JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        (address, serve(listener, replies))
    }

    fn serve(
        listener: TcpListener,
        replies: Vec<ToWorker>,
    ) -> std::thread::JoinHandle<()> {
        std::thread::spawn(move || {
            let key = AuthKey::new("abc").unwrap();
            let (stream, _) = listener.accept().unwrap();
            let mut connection = Connection::new(stream).unwrap();
            let deadline = Instant::now() + HANDSHAKE_LIMIT;
            let challenge = auth::send_challenge(&mut connection).unwrap();
            auth::finish_handshake_as_manager(
                &mut connection,
                &key,
                &challenge,
                deadline,
            )
            .unwrap();
            for reply in replies {
                let _: ToManager = connection.recv(Instant::now() + REPLY_GRACE).unwrap();
                connection.send(&reply).unwrap();
            }
        })
    }

    /// A port on which nothing listens (yet).
    fn free_address() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().to_string()
    }

    /// A worker started before its manager tries again until the manager
    /// is there: here the manager starts when the worker first fails.
    #[test]
    fn a_worker_waits_for_a_manager_that_starts_late() {
        let key = AuthKey::new("abc").unwrap();
        let address = free_address();
        let mut manager = None;
        let (mut queues, _) = RemoteQueues::connect_patiently(
            &address,
            &key,
            Dialect::Json,
            KEEP_TRYING,
            |why, _| {
                assert!(why.contains("cannot connect to the manager"), "{why}");
                if manager.is_none() {
                    let listener = TcpListener::bind(&address).unwrap();
                    manager = Some(serve(listener, vec![ToWorker::Ack { id: 1 }]));
                }
            },
        )
        .expect("the worker got in once the manager started");
        assert_eq!(queues.put(1, 1), Ok(()));
        manager.unwrap().join().unwrap();
    }

    /// With no manager at all, the worker gives up when it has kept trying
    /// for long enough (20 s in the lesson, 3 s here), having tried again
    /// with pauses that double.
    #[test]
    fn a_worker_gives_up_on_a_manager_that_never_comes() {
        let key = AuthKey::new("abc").unwrap();
        let keep_trying = Duration::from_secs(3);
        let mut pauses = Vec::new();
        let gave_up = RemoteQueues::connect_patiently(
            &free_address(),
            &key,
            Dialect::Json,
            keep_trying,
            |_, pause| pauses.push(pause),
        );
        let why = gave_up.err().expect("connected to nothing");
        assert!(why.contains("cannot connect to the manager"), "{why}");
        assert_eq!(pauses[..3], [100, 200, 400].map(Duration::from_millis));
        let waited: Duration = pauses.iter().sum();
        assert!(waited < keep_trying, "paused {waited:?} in all");
    }

    /// An acknowledgement or a renewal for another task than the one we
    /// sent is not this protocol: the worker must not take it for its own.
    #[test]
    fn a_reply_about_another_task_is_refused() {
        let replies = vec![
            ToWorker::Ack { id: 7 },
            ToWorker::Ack { id: 8 },
            ToWorker::Renewed { id: 7 },
            ToWorker::Renewed { id: 8 },
        ];
        let (address, manager) = manager_replying(replies);
        let key = AuthKey::new("abc").unwrap();
        let (mut queues, _) =
            RemoteQueues::connect(&address, &key, Dialect::Json).unwrap();
        assert_eq!(queues.put(7, 49), Ok(()));
        let refused = queues.put(7, 49).unwrap_err();
        assert!(
            refused.contains("answered Ack { id: 8 } to a put"),
            "{refused}"
        );
        assert_eq!(queues.renew(7), Ok(()));
        let refused = queues.renew(7).unwrap_err();
        assert!(
            refused.contains("answered Renewed { id: 8 } to a renew"),
            "{refused}"
        );
        manager.join().unwrap();
    }
}
