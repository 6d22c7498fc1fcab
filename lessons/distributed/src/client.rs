//! The worker's side of the connection: what Python's
//! `QueueManager.register('get_task_queue')` and `m.connect()` give a worker,
//! a stand-in for the manager's queues whose methods are network calls.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use crate::auth::{self, AuthError, AuthKey, Form};
use crate::protocol::{Broken, Connection, ToManager, ToWorker};

// ANCHOR: limits
/// How long connecting to the manager may take.
const CONNECT_LIMIT: Duration = Duration::from_secs(5);
/// How long the handshake may take.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(5);
/// How long a worker keeps trying to get in when the manager is busy or not
/// there yet, waiting twice as long after each try, from 100 ms to 2 s.
const KEEP_TRYING: Duration = Duration::from_secs(20);
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
}

/// The manager's queues, as a worker sees them.
pub struct RemoteQueues {
    connection: Connection,
    manager: String,
}

impl RemoteQueues {
    // ANCHOR: connect
    /// Python: `m = QueueManager(address=..., authkey=...); m.connect()`,
    /// tried again, after a pause that doubles each time, for as long as the
    /// manager is busy or not there (`KEEP_TRYING`); `tried_again` hears each
    /// failure. A wrong key is not tried again. Returns the form of the
    /// handshake we answered the manager's challenge in.
    pub fn connect_patiently(
        manager: &str,
        key: &AuthKey,
        mut tried_again: impl FnMut(&str, Duration),
    ) -> Result<(RemoteQueues, Form), String> {
        let give_up = Instant::now() + KEEP_TRYING;
        let mut pause = Duration::from_millis(100);
        loop {
            match RemoteQueues::connect(manager, key) {
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
    ) -> Result<(RemoteQueues, Form), CannotConnect> {
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
        let mut connection =
            Connection::new(stream).map_err(|e| cannot(e.to_string()))?;

        let deadline = Instant::now() + HANDSHAKE_LIMIT;
        let form =
            auth::handshake_as_worker(&mut connection, key, deadline).map_err(|e| {
                // A connection closed or silent: the manager may be busy, try
                // again. A key refused: trying again will not change it.
                let busy = matches!(e, AuthError::Broken(_));
                let why =
                    format!("cannot authenticate with the manager at {manager}: {e}");
                CannotConnect { why, busy }
            })?;
        let queues = RemoteQueues {
            connection,
            manager: manager.to_owned(),
        };
        Ok((queues, form))
    }
    // ANCHOR_END: connect

    // ANCHOR: calls
    /// Python: `task.get(timeout=wait)`.
    pub fn get(&mut self, wait: Duration) -> Result<Got, String> {
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

    /// Python: `result.put(r)`, and wait for the acknowledgement.
    pub fn put(&mut self, id: u64, square: u64) -> Result<(), String> {
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
        let reply = self
            .connection
            .send(request)
            .and_then(|()| self.connection.recv(Instant::now() + limit));
        reply.map_err(|broken| match broken {
            Broken::Silent => format!(
                "the manager at {} did not answer within {limit:?}: is it still there?",
                self.manager
            ),
            other => format!("lost the manager at {}: {other}", self.manager),
        })
    }
    // ANCHOR_END: calls

    fn unexpected(&self, reply: &ToWorker, call: &str) -> String {
        format!(
            "the manager at {} answered {reply:?} to a {call}: not this protocol",
            self.manager
        )
    }
}
