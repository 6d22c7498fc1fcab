// ANCHOR: sequence
//! Python's `BaseManager` protocol, after the handshake: what the
//! tutorial's unmodified `taskworker.py` asks of our manager, and what our
//! worker asks of its unmodified `taskmanager.py`.
//!
//! Every message is a pickle in a frame (`pickle.rs`). A proxy's request is
//! `(id, method, args, kwargs)`; the answer is `('#RETURN', value)`,
//! `('#ERROR', exception)`, which the proxy raises, or `('#TRACEBACK', text)`,
//! which it raises as `RemoteError`. A worker's `m.connect()` and its two
//! `m.get_..._queue()` calls take a connection for each request; its method
//! calls share one more:
//!
//! ```text
//! (None, 'dummy', (), {})                     m.connect(): anyone there?
//! (None, 'create', ('get_task_queue',), {})   -> (id, methods it may call)
//! (None, 'incref', (id,), {})                 the proxy's own reference
//! (None, 'decref', (id,), {})                 create's reference, given back
//!                                             ...the same for get_result_queue
//! (None, 'accept_connection', ('MainProcess|MainThread',), {})
//!     and then, on that same connection, one call after another:
//! (task_id, 'get', (), {'timeout': 1})        -> ('#RETURN', 3036)
//! (result_id, 'put', ('3036 * 3036 = 9217296',), {})  -> ('#RETURN', None)
//! ```
// ANCHOR_END: sequence

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use shared::say;

use crate::pickle::{self, Value};
use crate::protocol::{Broken, Connection, MAX_FRAME};
use crate::queues::{Completed, Taken, TaskQueue, WorkerId};

// ANCHOR: messages
/// A proxy's request: call `method` on object `object` (None: on the
/// manager itself) with `args` and `kwargs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub object: Option<String>,
    pub method: String,
    pub args: Vec<Value>,
    pub kwargs: Vec<(Value, Value)>,
}

/// The manager's answer to a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// `('#RETURN', value)`.
    Return(Value),
    /// `('#ERROR', exception)`: only ever `_queue.Empty()` here.
    Error(Value),
    /// `('#TRACEBACK', text)`: the proxy raises `RemoteError(text)`.
    Traceback(String),
}
// ANCHOR_END: messages

impl Call {
    fn to_value(&self) -> Value {
        let object = self.object.clone().map_or(Value::None, Value::Str);
        Value::Tuple(vec![
            object,
            Value::Str(self.method.clone()),
            Value::Tuple(self.args.clone()),
            Value::Dict(self.kwargs.clone()),
        ])
    }

    fn from_value(value: Value) -> Result<Call, String> {
        let Value::Tuple(items) = value else {
            return Err(format!("a request must be a tuple, not {value}"));
        };
        match <[Value; 4]>::try_from(items) {
            Ok(
                [
                    object,
                    Value::Str(method),
                    Value::Tuple(args),
                    Value::Dict(kwargs),
                ],
            ) => {
                let object = match object {
                    Value::None => None,
                    Value::Str(id) => Some(id),
                    other => return Err(format!("an object id {other}")),
                };
                Ok(Call {
                    object,
                    method,
                    args,
                    kwargs,
                })
            }
            _ => Err("a request is (id, method, args, kwargs)".to_owned()),
        }
    }
}

impl std::fmt::Display for Call {
    /// `create('get_task_queue')`, as Python would write the call.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let args = Value::Tuple(self.args.clone()).to_string();
        let args = args
            .strip_suffix(",)")
            .or(args.strip_suffix(')'))
            .unwrap_or(&args);
        write!(f, "{}{args})", self.method)
    }
}

impl Answer {
    fn to_value(&self) -> Value {
        let (kind, value) = match self {
            Answer::Return(value) => ("#RETURN", value.clone()),
            Answer::Error(value) => ("#ERROR", value.clone()),
            Answer::Traceback(text) => ("#TRACEBACK", Value::Str(text.clone())),
        };
        Value::Tuple(vec![Value::Str(kind.to_owned()), value])
    }

    fn from_value(value: Value) -> Result<Answer, String> {
        let Value::Tuple(items) = value else {
            return Err(format!("an answer must be a tuple, not {value}"));
        };
        match <[Value; 2]>::try_from(items) {
            Ok([Value::Str(kind), value]) => match (kind.as_str(), value) {
                ("#RETURN", value) => Ok(Answer::Return(value)),
                ("#ERROR", value) => Ok(Answer::Error(value)),
                ("#TRACEBACK" | "#UNSERIALIZABLE", Value::Str(text)) => {
                    Ok(Answer::Traceback(text))
                }
                (kind, value) => Err(format!("an answer ({kind:?}, {value})")),
            },
            _ => Err("an answer is (kind, value)".to_owned()),
        }
    }
}

// ANCHOR: wire
/// Sends `value` as a pickle in a frame (Python: `connection.send(value)`).
fn send(connection: &mut Connection, value: &Value) -> Result<(), Broken> {
    connection.send_bytes(&pickle::write(value))
}

/// Reads a pickle from a frame, with our reader: never Python's `loads`.
fn decode(bytes: &[u8]) -> Result<Value, Broken> {
    pickle::read(bytes).map_err(|refused| Broken::Garbled(refused.to_string()))
}
// ANCHOR_END: wire

/// The id our manager gives each queue (Python gives `'%x' % id(queue)`),
/// and what a proxy may call on it.
const TASK_QUEUE: &str = "task_queue";
const RESULT_QUEUE: &str = "result_queue";
const EXPOSED: [&str; 2] = ["get", "put"];

/// The longest a Python `get` may wait (its `timeout`, or for ever) and how
/// long a Python worker may stay silent: the manager's own limits.
pub struct Limits {
    pub max_wait: Duration,
    pub idle: Duration,
}

// ANCHOR: serve
/// A Python worker's connection, from its first request (`first`, a pickle
/// already read) to its end. Each connection is one request, except the one
/// `accept_connection` opens for the proxies' method calls.
pub fn serve_python(
    connection: &mut Connection,
    first: &[u8],
    (peer, worker): (SocketAddr, WorkerId),
    queue: &TaskQueue,
    limits: &Limits,
) -> Result<(), Broken> {
    let call = Call::from_value(decode(first)?).map_err(Broken::Garbled)?;
    say!("manager: {peer} is a Python BaseManager proxy: {call}");
    let answer = match (&call.object, call.method.as_str(), call.args.as_slice()) {
        (None, "dummy", []) => Answer::Return(Value::None),
        (None, "create", [Value::Str(typeid)]) => match typeid.as_str() {
            "get_task_queue" => created(TASK_QUEUE),
            "get_result_queue" => created(RESULT_QUEUE),
            _ => {
                return refuse(
                    connection,
                    format!("no queue is registered as {typeid:?}"),
                );
            }
        },
        // We count no references: our queues live as long as the manager.
        (None, "incref" | "decref", [Value::Str(id)])
            if [TASK_QUEUE, RESULT_QUEUE].contains(&id.as_str()) =>
        {
            Answer::Return(Value::None)
        }
        (None, "accept_connection", [Value::Str(_)]) => {
            send(connection, &Answer::Return(Value::None).to_value())?;
            return serve_calls(connection, worker, queue, limits);
        }
        // `shutdown` among them: Python lets anyone with the key stop the
        // manager; here the job ends when its results are in.
        _ => return refuse(connection, format!("{call} is not served here")),
    };
    send(connection, &answer.to_value())
}
// ANCHOR_END: serve

/// `create`'s answer: the queue's id and the methods its proxy may call.
fn created(id: &str) -> Answer {
    let exposed = EXPOSED
        .iter()
        .map(|m| Value::Str((*m).to_owned()))
        .collect();
    Answer::Return(Value::Tuple(vec![
        Value::Str(id.to_owned()),
        Value::Tuple(exposed),
    ]))
}

/// Tells the proxy why (it raises `RemoteError`), and drops the connection:
/// any task it held goes back on the queue.
fn refuse(connection: &mut Connection, why: String) -> Result<(), Broken> {
    send(connection, &Answer::Traceback(why.clone()).to_value()).ok();
    Err(Broken::Violation(why))
}

// ANCHOR: serve_calls
/// The proxies' method calls: `task.get(timeout=...)` and `result.put(r)`.
fn serve_calls(
    connection: &mut Connection,
    worker: WorkerId,
    queue: &TaskQueue,
    limits: &Limits,
) -> Result<(), Broken> {
    loop {
        let frame = match connection.recv_bytes(MAX_FRAME, Instant::now() + limits.idle) {
            // Python's worker says nothing when it is done: it just closes.
            Err(Broken::Closed) => return Ok(()),
            other => other?,
        };
        let call = Call::from_value(decode(&frame)?).map_err(Broken::Garbled)?;
        let answer = match (call.object.as_deref(), call.method.as_str()) {
            (Some(TASK_QUEUE), "get") => {
                let wait = match wait_of(&call) {
                    Ok(wait) => wait.min(limits.max_wait),
                    Err(why) => return refuse(connection, why),
                };
                match queue.take(worker, wait) {
                    Taken::Task(task) => {
                        let n = i64::try_from(task.n).expect("task numbers are small");
                        Answer::Return(Value::Int(n))
                    }
                    // Python has no "finished": a finished job is an empty
                    // queue, at once, for as long as the worker asks.
                    Taken::Empty | Taken::Finished => Answer::Error(Value::QueueEmpty),
                }
            }
            (Some(RESULT_QUEUE), "put") => match call.args.as_slice() {
                [Value::Str(text)] => match record(text, worker, queue) {
                    Ok(()) => Answer::Return(Value::None),
                    Err(why) => return refuse(connection, why),
                },
                _ => return refuse(connection, format!("{call}: put one string")),
            },
            _ => return refuse(connection, format!("{call} is not served here")),
        };
        send(connection, &answer.to_value())?;
    }
}

// ANCHOR_END: serve_calls

/// Python: `Queue.get(block=True, timeout=None)`: how long to wait.
fn wait_of(call: &Call) -> Result<Duration, String> {
    let mut parameters = [Value::Bool(true), Value::None]; // block, timeout
    if call.args.len() > 2 {
        return Err(format!("{call}: too many arguments"));
    }
    for (parameter, value) in parameters.iter_mut().zip(&call.args) {
        *parameter = value.clone();
    }
    for (name, value) in &call.kwargs {
        match name {
            Value::Str(name) if name == "block" => parameters[0] = value.clone(),
            Value::Str(name) if name == "timeout" => parameters[1] = value.clone(),
            _ => return Err(format!("{call}: get() has no argument {name}")),
        }
    }
    match parameters {
        [Value::Bool(false), _] => Ok(Duration::ZERO),
        [_, Value::None] => Ok(Duration::MAX),
        [_, Value::Int(seconds)] if seconds >= 0 => {
            Ok(Duration::from_secs(seconds as u64))
        }
        [_, Value::Float(seconds)] => Duration::try_from_secs_f64(seconds)
            .map_err(|_| format!("{call}: a timeout of {seconds} s")),
        _ => Err(format!(
            "{call}: block must be a bool, timeout a number of seconds"
        )),
    }
}

// ANCHOR: record
/// Python's worker puts `'%d * %d = %d' % (n, n, n * n)`: no task id. The
/// task it answers is the one this connection holds with that `n`; so a
/// result still counts only from the worker that holds the task, once.
fn record(text: &str, worker: WorkerId, queue: &TaskQueue) -> Result<(), String> {
    let Some((n, square)) = parse_result(text) else {
        return Err(format!("{text:?} is not 'n * n = square'"));
    };
    let held = queue.held_by(worker);
    let Some(task) = held.iter().find(|task| task.n == n) else {
        return Err(format!(
            "a result for {n}, and this worker holds no task {n}"
        ));
    };
    match queue.complete(worker, task.id, square) {
        Completed::Recorded => Ok(()),
        Completed::Wrong { n } => Err(format!("{square} is not the square of {n}")),
        Completed::NotHeld => Err(format!("task {} is no longer this worker's", task.id)),
    }
}

fn parse_result(text: &str) -> Option<(u64, u64)> {
    let (n, rest) = text.split_once(" * ")?;
    let (again, square) = rest.split_once(" = ")?;
    if n != again {
        return None;
    }
    Some((n.parse().ok()?, square.parse().ok()?))
}
// ANCHOR_END: record

/// A Python manager's two queues, as our worker uses them: the ids that
/// `create` gave, and the connection that `accept_connection` opened.
pub struct PythonQueues {
    connection: Connection,
    task_queue: String,
    result_queue: String,
}

impl PythonQueues {
    // ANCHOR: client
    /// What `m.connect()`, `m.get_task_queue()` and `m.get_result_queue()`
    /// do, a request per connection; `open` makes each connection (TCP and
    /// the handshake). Python's proxies also count references (`incref`,
    /// `decref`); ours do not: the ids live as long as the manager does.
    pub fn connect<E>(
        mut open: impl FnMut() -> Result<Connection, E>,
        limit: Duration,
        wrong: impl Fn(String) -> E,
    ) -> Result<PythonQueues, E> {
        let mut one_request = |call: Call| -> Result<Answer, E> {
            let mut connection = open()?;
            ask(&mut connection, &call, limit).map_err(|e| wrong(e.to_string()))
        };
        one_request(manager_call("dummy", vec![]))?;
        let mut create =
            |typeid: &str| match one_request(manager_call("create", vec![text(typeid)]))?
            {
                Answer::Return(Value::Tuple(created)) => match created.as_slice() {
                    [Value::Str(id), Value::Tuple(_)] => Ok(id.clone()),
                    _ => Err(wrong(format!("create({typeid:?}) gave {created:?}"))),
                },
                other => Err(wrong(format!("create({typeid:?}) answered {other:?}"))),
            };
        let task_queue = create("get_task_queue")?;
        let result_queue = create("get_result_queue")?;
        let mut connection = open()?;
        let name = text(&format!("lesson-distributed|{}", std::process::id()));
        match ask(
            &mut connection,
            &manager_call("accept_connection", vec![name]),
            limit,
        ) {
            Ok(Answer::Return(Value::None)) => Ok(PythonQueues {
                connection,
                task_queue,
                result_queue,
            }),
            Ok(other) => Err(wrong(format!("accept_connection answered {other:?}"))),
            Err(why) => Err(wrong(why.to_string())),
        }
    }
    // ANCHOR_END: client

    /// Python: `task.get(timeout=wait)`: `Some(n)`, or `None` for
    /// `queue.Empty`.
    pub fn get(
        &mut self,
        wait: Duration,
        grace: Duration,
    ) -> Result<Option<u64>, Broken> {
        let timeout = vec![(text("timeout"), Value::Float(wait.as_secs_f64()))];
        let call = self.call(&self.task_queue, "get", vec![], timeout);
        match self.ask(&call, wait + grace)? {
            Answer::Return(Value::Int(n)) if n >= 0 => Ok(Some(n as u64)),
            Answer::Error(Value::QueueEmpty) => Ok(None),
            other => Err(Broken::Violation(format!("get() answered {other:?}"))),
        }
    }

    /// Python: `result.put(r)`.
    pub fn put(&mut self, result: &str, grace: Duration) -> Result<(), Broken> {
        let call = self.call(&self.result_queue, "put", vec![text(result)], vec![]);
        match self.ask(&call, grace)? {
            Answer::Return(Value::None) => Ok(()),
            other => Err(Broken::Violation(format!("put() answered {other:?}"))),
        }
    }

    fn call(
        &self,
        object: &str,
        method: &str,
        args: Vec<Value>,
        kwargs: Vec<(Value, Value)>,
    ) -> Call {
        Call {
            object: Some(object.to_owned()),
            method: method.to_owned(),
            args,
            kwargs,
        }
    }

    fn ask(&mut self, call: &Call, limit: Duration) -> Result<Answer, Broken> {
        match ask(&mut self.connection, call, limit) {
            Ok(Answer::Traceback(text)) => Err(Broken::Violation(format!(
                "the manager raised an exception:\n{}",
                text.trim_end()
            ))),
            other => other,
        }
    }
}

fn manager_call(method: &str, args: Vec<Value>) -> Call {
    Call {
        object: None,
        method: method.to_owned(),
        args,
        kwargs: vec![],
    }
}

fn text(s: &str) -> Value {
    Value::Str(s.to_owned())
}

/// One request, one answer (Python: `dispatch`, and each proxy call).
fn ask(
    connection: &mut Connection,
    call: &Call,
    limit: Duration,
) -> Result<Answer, Broken> {
    send(connection, &call.to_value())?;
    let bytes = connection.recv_bytes(MAX_FRAME, Instant::now() + limit)?;
    Answer::from_value(decode(&bytes)?).map_err(Broken::Garbled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::queues::Loans;

    fn get(args: Vec<Value>, kwargs: Vec<(&str, Value)>) -> Call {
        Call {
            object: Some(TASK_QUEUE.to_owned()),
            method: "get".to_owned(),
            args,
            kwargs: kwargs.into_iter().map(|(k, v)| (text(k), v)).collect(),
        }
    }

    #[test]
    fn calls_and_answers_are_python_s_tuples() {
        let call = manager_call("create", vec![text("get_task_queue")]);
        assert_eq!(
            call.to_value().to_string(),
            "(None, 'create', ('get_task_queue',), {})"
        );
        assert_eq!(call.to_string(), "create('get_task_queue')");
        assert_eq!(Call::from_value(call.to_value()), Ok(call));
        let two = get(vec![Value::Bool(true), Value::Int(2)], vec![]);
        assert_eq!(two.to_string(), "get(True, 2)");
        assert_eq!(manager_call("dummy", vec![]).to_string(), "dummy()");
        for answer in [
            Answer::Return(Value::Int(3036)),
            Answer::Error(Value::QueueEmpty),
            Answer::Traceback("RemoteError".to_owned()),
        ] {
            assert_eq!(Answer::from_value(answer.to_value()), Ok(answer));
        }
        assert_eq!(
            Answer::Error(Value::QueueEmpty).to_value().to_string(),
            "('#ERROR', _queue.Empty())"
        );
        for wrong in ["(1, 'get', (), {})", "('a', 'get', ())"] {
            let value = match wrong {
                "(1, 'get', (), {})" => Value::Tuple(vec![
                    Value::Int(1),
                    text("get"),
                    Value::Tuple(vec![]),
                    Value::Dict(vec![]),
                ]),
                _ => Value::Tuple(vec![text("a"), text("get"), Value::Tuple(vec![])]),
            };
            assert!(Call::from_value(value).is_err(), "{wrong}");
        }
        let unknown = Value::Tuple(vec![text("#PROXY"), Value::None]);
        assert!(Answer::from_value(unknown).is_err());
    }

    /// `Queue.get(block=True, timeout=None)`, bound as Python binds it.
    #[test]
    fn get_s_arguments_are_bound_as_python_binds_them() {
        let secs = Duration::from_secs;
        let cases = [
            (get(vec![], vec![("timeout", Value::Int(1))]), Ok(secs(1))),
            (
                get(vec![], vec![("timeout", Value::Float(0.25))]),
                Ok(secs(1) / 4),
            ),
            (get(vec![], vec![]), Ok(Duration::MAX)),
            (get(vec![Value::Bool(false)], vec![]), Ok(Duration::ZERO)),
            (
                get(vec![Value::Bool(true), Value::Int(3)], vec![]),
                Ok(secs(3)),
            ),
            (
                get(
                    vec![],
                    vec![("block", Value::Bool(false)), ("timeout", Value::Int(9))],
                ),
                Ok(Duration::ZERO),
            ),
        ];
        for (call, expected) in cases {
            assert_eq!(wait_of(&call), expected, "{call}");
        }
        for call in [
            get(vec![], vec![("timeout", Value::Int(-1))]),
            get(vec![], vec![("timeout", Value::Float(-0.5))]),
            get(vec![], vec![("timeout", text("1"))]),
            get(vec![], vec![("wait", Value::Int(1))]),
            get(
                vec![Value::Bool(true), Value::Int(1), Value::Int(2)],
                vec![],
            ),
        ] {
            assert!(wait_of(&call).is_err(), "{call}");
        }
    }

    /// A number that is no task (negative: a `u64` cannot hold it) from a
    /// Python manager is refused, not wrapped around.
    #[test]
    fn a_negative_task_from_a_python_manager_is_refused() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client =
            std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        let mut manager = Connection::new(server).unwrap();
        let mut queues = PythonQueues {
            connection: Connection::new(client).unwrap(),
            task_queue: TASK_QUEUE.to_owned(),
            result_queue: RESULT_QUEUE.to_owned(),
        };
        let answer = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(5);
            manager.recv_bytes(MAX_FRAME, deadline).unwrap();
            send(&mut manager, &Answer::Return(Value::Int(-5)).to_value()).unwrap();
        });
        let got = queues.get(Duration::ZERO, Duration::from_secs(5));
        assert!(matches!(got, Err(Broken::Violation(_))), "{got:?}");
        answer.join().unwrap();
    }

    /// A Python worker's text answers the task it holds with that number,
    /// once, and only if the square is right.
    #[test]
    fn a_result_text_answers_the_task_held_with_its_number() {
        let (queue, results) = TaskQueue::new(Loans {
            lease: Duration::from_secs(10),
            most_per_worker: 2,
        });
        let (a, b) = (queue.put(12), queue.put(345));
        assert_eq!(queue.take(1, Duration::ZERO), Taken::Task(a));
        assert_eq!(queue.take(1, Duration::ZERO), Taken::Task(b));
        let refusals = [
            ("12 * 12 = 145", "145 is not the square of 12"),
            ("12 * 13 = 156", "is not 'n * n = square'"),
            ("twelve", "is not 'n * n = square'"),
            ("7 * 7 = 49", "holds no task 7"),
        ];
        for (text, why) in refusals {
            let refused = record(text, 1, &queue).unwrap_err();
            assert!(refused.contains(why), "{text}: {refused}");
        }
        assert!(
            record("12 * 12 = 144", 2, &queue).is_err(),
            "worker 2 holds nothing"
        );
        assert_eq!(record("345 * 345 = 119025", 1, &queue), Ok(()));
        assert_eq!(record("12 * 12 = 144", 1, &queue), Ok(()));
        assert!(record("12 * 12 = 144", 1, &queue).is_err(), "a second time");
        let done: Vec<(u64, u64)> =
            results.try_iter().map(|d| (d.task.n, d.square)).collect();
        assert_eq!(done, vec![(345, 119025), (12, 144)]);
    }
}
