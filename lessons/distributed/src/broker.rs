//! The job on a real broker, Redis: its key names and its messages, all in
//! one place, and a connection that rides out a broker that goes away for a
//! while. The manager and worker that use them are in `redis_tasks`.
//!
//! The reliable-queue pattern: a worker takes a task by *moving* it, in one
//! atomic step (BLMOVE), from the task list to a list of its own, the tasks
//! it is processing; it removes it from there (LREM, the acknowledgement) in
//! the same transaction that puts its result. A worker that dies leaves its
//! tasks in its list, where the manager finds them once the worker's lease
//! (a key that expires unless renewed) has run out, and moves them back.
//!
//! So the broker delivers each task *at least once*: a worker that was only
//! slow (stopped, or cut off) may still answer a task that went to another
//! worker meanwhile. Exactly once comes from the manager, which keeps the
//! first result for each task id and ignores the others.

use std::thread;
use std::time::{Duration, Instant};

use redis::{Client, Connection, ErrorKind, RedisError, RedisResult};
use serde::{Deserialize, Serialize};
use shared::say;

// ANCHOR: keys
/// The names of the job's keys in Redis, `lesson:{job}:...`. The job's name
/// keeps its keys apart from anything else on a shared server.
pub struct Keys {
    prefix: String,
}

/// The one job of this lesson: a manager and its workers must agree on it.
pub const JOB: &str = "squares";

impl Keys {
    pub fn of_job(job: &str) -> Keys {
        Keys {
            prefix: format!("lesson:{job}:"),
        }
    }

    /// The pattern that matches every key of the job (for `redis-cli --scan`).
    pub fn every_key(&self) -> String {
        format!("{}*", self.prefix)
    }

    /// A list of `Task`s in JSON, waiting for a worker: RPUSH at the tail,
    /// taken from the head, put back at the head when a lease runs out.
    pub fn tasks(&self) -> String {
        format!("{}tasks", self.prefix)
    }

    /// A list of the tasks `worker` has taken and not yet acknowledged.
    pub fn processing(&self, worker: &str) -> String {
        format!("{}processing:{worker}", self.prefix)
    }

    /// The pattern that matches every worker's `processing` list (for SCAN).
    pub fn every_processing(&self) -> String {
        format!("{}processing:*", self.prefix)
    }

    // ANCHOR_END: keys
    /// The worker whose `processing` list this is.
    pub fn worker_of<'a>(&self, processing: &'a str) -> Option<&'a str> {
        processing.strip_prefix(&self.processing(""))
    }

    // ANCHOR: keys_lease
    /// `worker`'s lease: a key that exists while the worker renews it (SET
    /// with PX, milliseconds), and expires when the worker stops doing so.
    pub fn alive(&self, worker: &str) -> String {
        format!("{}alive:{worker}", self.prefix)
    }

    /// How long a lease lasts, in milliseconds: set by the manager (`--lease`),
    /// read by the workers.
    pub fn lease_ms(&self) -> String {
        format!("{}lease_ms", self.prefix)
    }

    /// A list of `Outcome`s in JSON: RPUSH by the workers, BLPOP by the manager.
    pub fn results(&self) -> String {
        format!("{}results", self.prefix)
    }

    /// Exists once the job is done: the workers' signal to exit. It expires
    /// on its own (`DONE_FOR`), so that a server is left clean.
    pub fn done(&self) -> String {
        format!("{}done", self.prefix)
    }
}

/// How long the `done` key stays: long enough for every worker, blocked for
/// at most a second on the empty task list, to see it.
pub const DONE_FOR: Duration = Duration::from_secs(60);
// ANCHOR_END: keys_lease

// ANCHOR: messages
/// A task on the `tasks` list: `{"id":3,"n":3036}`. The id is the task's
/// place in the job (0, 1, ...): the manager knows each result by it.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub id: u64,
    pub n: u64,
}

/// A result on the `results` list:
/// `{"id":3,"n":3036,"square":9217296,"worker":"worker 1"}`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub id: u64,
    pub n: u64,
    pub square: u64,
    pub worker: String,
}
// ANCHOR_END: messages

// ANCHOR: connection
/// The first pause before connecting again, doubled after each failure...
const FIRST_PAUSE: Duration = Duration::from_millis(100);
/// ...up to this.
const LONGEST_PAUSE: Duration = Duration::from_secs(2);
/// How long to keep trying before giving up.
const GIVE_UP_AFTER: Duration = Duration::from_secs(20);
/// How long one reply may take. The longest command, a blocking pop, waits
/// for at most a second: a reply much later means the connection is lost.
const REPLY_LIMIT: Duration = Duration::from_secs(10);

/// A connection to Redis that connects again (with pauses that double) when
/// the broker goes away, for at most `GIVE_UP_AFTER`. A wrong password is not
/// something that passes: it ends the program at once.
pub struct Broker {
    client: Client,
    connection: Option<Connection>,
    /// Who we are, at the start of the lines about the connection.
    who: String,
    /// Connections made: more than one means the broker went away a while.
    connections: u64,
}

impl Broker {
    /// Checks the URL and connects (patiently).
    pub fn connect(url: &str, who: &str) -> Result<Broker, String> {
        // Not the URL itself in the message: it may hold a password.
        let client = Client::open(url).map_err(|e| {
            format!(
                "the Redis URL is not valid ({e}): it looks like redis://HOST:PORT/, \
                 or redis://:PASSWORD@HOST:PORT/"
            )
        })?;
        let mut broker = Broker {
            client,
            connection: None,
            who: who.to_owned(),
            connections: 0,
        };
        broker.run(|connection| redis::cmd("PING").query::<String>(connection))?;
        Ok(broker)
    }

    /// `host:port`: the address, without the password.
    pub fn address(&self) -> String {
        self.client.get_connection_info().addr().to_string()
    }

    /// Runs `commands` on the connection. If the connection is lost, connects
    /// again and runs them again: so `commands` must be safe to repeat,
    /// which at-least-once delivery makes them (see the module's comment).
    pub fn run<T>(
        &mut self,
        mut commands: impl FnMut(&mut Connection) -> RedisResult<T>,
    ) -> Result<T, String> {
        let (mut pause, started) = (FIRST_PAUSE, Instant::now());
        loop {
            let outcome = match self.connection() {
                Ok(connection) => commands(connection),
                Err(e) => Err(e),
            };
            let e = match outcome {
                Ok(value) => return Ok(value),
                Err(e) => e,
            };
            let address = self.address();
            if is_wrong_password(&e) {
                return Err(format!(
                    "Redis at {address} wants a password, and ours is wrong or \
                     missing ({e}): check the URL, redis://:PASSWORD@HOST:PORT/"
                ));
            }
            if !is_lost_connection(&e) {
                return Err(format!("Redis at {address}: {e}"));
            }
            self.connection = None; // a lost connection may hold half a reply
            if started.elapsed() + pause > GIVE_UP_AFTER {
                return Err(format!(
                    "cannot reach Redis at {address} for {GIVE_UP_AFTER:?}: {e}"
                ));
            }
            say!(
                "{}: Redis at {address}: {e}; trying again in {pause:?}",
                self.who
            );
            thread::sleep(pause);
            pause = (pause * 2).min(LONGEST_PAUSE);
        }
    }

    /// How many times the connection was lost and made again. What the
    /// broker held meanwhile may be gone (a restart without persistence), or
    /// a reply lost on the way (a task moved, a result popped).
    pub fn reconnections(&self) -> u64 {
        self.connections.saturating_sub(1)
    }

    /// The connection, made now if there is none.
    fn connection(&mut self) -> RedisResult<&mut Connection> {
        if self.connection.is_none() {
            let connection = self.client.get_connection_with_timeout(REPLY_LIMIT)?;
            connection.set_read_timeout(Some(REPLY_LIMIT))?;
            connection.set_write_timeout(Some(REPLY_LIMIT))?;
            self.connection = Some(connection);
            self.connections += 1;
        }
        Ok(self.connection.as_mut().expect("made above"))
    }
}

/// WRONGPASS (a wrong password), NOAUTH (none given, one needed).
fn is_wrong_password(e: &RedisError) -> bool {
    e.kind() == ErrorKind::AuthenticationFailed
        || matches!(e.code(), Some("WRONGPASS" | "NOAUTH"))
}

/// The kinds of error that connecting again may cure: any I/O error (the
/// connection refused, dropped or timed out are all I/O errors to redis-rs),
/// and a restarted server still reading its data.
fn is_lost_connection(e: &RedisError) -> bool {
    e.is_io_error() || e.code() == Some("LOADING")
}

// ANCHOR_END: connection

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_messages_are_the_documented_json() {
        let task = Task { id: 3, n: 3036 };
        assert_eq!(
            serde_json::to_string(&task).unwrap(),
            r#"{"id":3,"n":3036}"#
        );
        let outcome = Outcome {
            id: 3,
            n: 3036,
            square: 9217296,
            worker: "worker 1".into(),
        };
        assert_eq!(
            serde_json::to_string(&outcome).unwrap(),
            r#"{"id":3,"n":3036,"square":9217296,"worker":"worker 1"}"#
        );
        assert!(serde_json::from_str::<Task>(r#"{"id":3,"n":1,"x":0}"#).is_err());
    }

    /// The names `python/redisworker.py` uses too: both sides must agree.
    #[test]
    fn the_keys_are_the_ones_the_python_worker_uses() {
        let keys = Keys::of_job(JOB);
        assert_eq!(keys.every_key(), "lesson:squares:*");
        assert_eq!(keys.tasks(), "lesson:squares:tasks");
        assert_eq!(keys.alive("w"), "lesson:squares:alive:w");
        assert_eq!(keys.lease_ms(), "lesson:squares:lease_ms");
        assert_eq!(keys.results(), "lesson:squares:results");
        assert_eq!(keys.done(), "lesson:squares:done");
        assert_eq!(keys.every_processing(), "lesson:squares:processing:*");
    }

    #[test]
    fn a_processing_key_names_its_worker() {
        let keys = Keys::of_job("squares");
        assert_eq!(
            keys.processing("worker 1"),
            "lesson:squares:processing:worker 1"
        );
        assert_eq!(
            keys.worker_of(&keys.processing("worker 1")),
            Some("worker 1")
        );
        assert_eq!(keys.worker_of("lesson:squares:tasks"), None);
    }
}
