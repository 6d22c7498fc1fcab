//! The job on a real broker, Redis, with a real `redis-server` (never a
//! mock): a job completes with every result exactly once; a worker killed,
//! or stopped, in the middle of a task loses it to another when its lease
//! runs out; the manager ignores duplicate, wrong and foreign results; the
//! private redis-server and its folder are gone after the lesson, also after
//! Ctrl-C. Without redis-server the tests say they are skipped (a failure
//! when `CI` is set).

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::{
    PATIENCE, Running, assert_every_result_exactly_once, assert_success, puts,
    python_redis_installed, redis_server_installed,
};
use nix::sys::signal::Signal;

/// A redis-server of the test's own: loopback, no password, no persistence.
/// Killed and reaped when dropped.
struct TestRedis {
    child: Child,
    port: u16,
    url: String,
    /// More of redis-server's arguments (`--requirepass PASSWORD`).
    extra: Vec<String>,
}

impl TestRedis {
    fn start() -> TestRedis {
        TestRedis::start_with(&[])
    }

    fn start_with(extra: &[&str]) -> TestRedis {
        for _ in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|listener| listener.local_addr())
                .expect("a free port")
                .port();
            let extra: Vec<String> = extra.iter().map(|&a| a.to_owned()).collect();
            let mut redis = TestRedis {
                child: TestRedis::spawn(port, &extra),
                port,
                url: format!("redis://127.0.0.1:{port}/"),
                extra,
            };
            if redis.answers() {
                return redis;
            }
        }
        panic!("redis-server did not come up on any of 3 free ports");
    }

    fn spawn(port: u16, extra: &[String]) -> Child {
        Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(std::env::temp_dir())
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server")
    }

    /// Kills the server and starts a new one on the same port: with no
    /// persistence, it comes back empty.
    fn restart(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
        self.child = TestRedis::spawn(self.port, &self.extra);
        assert!(self.answers(), "redis-server did not come back");
    }

    /// Waits (at most `PATIENCE`) for PONG; false if the server ended.
    fn answers(&mut self) -> bool {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if self.replies_to_ping() {
                return true;
            }
            if !matches!(self.child.try_wait(), Ok(None)) {
                return false; // the port was taken after all
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server did not answer PING within {PATIENCE:?}");
    }

    /// PONG, or NOAUTH from a server with a password: either way, it is up.
    fn replies_to_ping(&self) -> bool {
        let mut stream = match TcpStream::connect(("127.0.0.1", self.port)) {
            Ok(stream) => stream,
            Err(_) => return false,
        };
        let mut reply = [0u8; 7];
        stream.set_read_timeout(Some(Duration::from_secs(1))).ok();
        let asked = stream.write_all(b"PING\r\n").is_ok();
        asked
            && stream.read_exact(&mut reply).is_ok()
            && (&reply == b"+PONG\r\n" || reply.starts_with(b"-NOAUTH"))
    }

    fn connection(&self) -> Option<redis::Connection> {
        let client = redis::Client::open(self.url.as_str()).ok()?;
        let mut connection = client
            .get_connection_with_timeout(Duration::from_millis(200))
            .ok()?;
        redis::cmd("PING").query::<String>(&mut connection).ok()?;
        Some(connection)
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// The lesson's `redis` role (the manager) against `redis`, with `args`.
fn manager(redis: &TestRedis, args: &[&str]) -> Running {
    let all = [&["redis", "--redis", redis.url.as_str()], args].concat();
    Running::start("manager", &all, None)
}

/// A `redis-worker` named `name` against `redis`; its URL in LESSON_REDIS_URL.
fn worker(redis: &TestRedis, name: &str, pause: &str) -> Running {
    let mut command = Command::new(common::BIN);
    command
        .args(["redis-worker", "--name", name, "--pause", pause])
        .env_clear()
        .env("LESSON_REDIS_URL", &redis.url);
    Running::spawn(name, command)
}

/// (a) The whole job with its private redis-server and two workers.
#[test]
fn a_job_of_ten_tasks_with_two_workers_completes_exactly_once() {
    if !redis_server_installed() {
        return;
    }
    let args = ["redis", "--workers", "2", "--tasks", "10", "--seed", "1"];
    let lesson = Running::start("lesson", &args, None);
    let outcome = lesson.finish(PATIENCE);
    assert_success(&outcome);
    let lines = &outcome.1;
    assert!(
        lines[0].starts_with("Redis at 127.0.0.1:")
            && lines[0].ends_with(" (private: started by this lesson)"),
        "{lines:?}"
    );
    assert_every_result_exactly_once(lines);
    // Two Rust workers, and no line about a kind of which none is started.
    assert_eq!(
        starting(lines),
        ["Starting 2 Rust worker processes; the Redis URL goes in LESSON_REDIS_URL"]
    );
    for name in ["worker 1", "worker 2"] {
        assert!(
            lines.contains(&format!("{name}: worker exit.")),
            "{lines:?}"
        );
    }
    assert_eq!(
        lines.last().map(String::as_str),
        Some("Manager shut down: 10 tasks, a result for 10 of them.")
    );
}

/// A test redis-server, and a manager with three tasks, a lease of 1 s and
/// no workers of its own, its tasks put.
fn three_tasks_with_a_short_lease() -> (TestRedis, Running) {
    let redis = TestRedis::start();
    let mut manager =
        manager(&redis, &["--workers", "0", "--lease", "1", "--tasks", "3"]);
    manager.wait_for("Try get results...");
    (redis, manager)
}

/// (b) A worker killed (SIGKILL) in the middle of a task: the task stays in
/// its `processing` list until its lease (1 s) runs out, then goes back on
/// the queue, and another worker does it. Every result exactly once.
#[test]
fn a_task_of_a_killed_worker_is_done_by_another_exactly_once() {
    if !redis_server_installed() {
        return;
    }
    let (redis, mut manager) = three_tasks_with_a_short_lease();

    let mut doomed = worker(&redis, "doomed", "10");
    let taken = doomed.wait_for("doomed: run task ");
    doomed.signal(Signal::SIGKILL);
    let (status, _, _) = doomed.finish(PATIENCE);
    assert!(status.is_some_and(|s| !s.success()), "SIGKILL: {status:?}");

    let helper = worker(&redis, "helper", "0");
    let requeued = manager.wait_for("goes back on the queue");
    assert!(requeued.ends_with("doomed's lease ran out"), "{requeued}");
    let n = taken.trim_end_matches("...").rsplit(' ').next().unwrap();
    assert!(
        requeued.contains(&format!("(n = {n})")),
        "{requeued} / {taken}"
    );

    let outcome = manager.finish(PATIENCE);
    assert_success(&outcome);
    assert_every_result_exactly_once(&outcome.1);
    let helper = helper.finish(PATIENCE);
    assert_success(&helper);
    assert!(helper.1.contains(&format!("helper: run task {n} * {n}...")));
}

/// (c) A worker stopped (SIGSTOP) in the middle of a task cannot renew its
/// lease: its task goes to another worker. Resumed (SIGCONT) after the job
/// is done, it finishes its now useless task and exits: the broker delivered
/// that task twice, and the manager counted it once.
#[test]
fn a_stalled_worker_loses_its_task_when_its_lease_runs_out() {
    if !redis_server_installed() {
        return;
    }
    let (redis, mut manager) = three_tasks_with_a_short_lease();

    let mut stalled = worker(&redis, "stalled", "2");
    stalled.wait_for("stalled: run task ");
    stalled.signal(Signal::SIGSTOP);

    let helper = worker(&redis, "helper", "0");
    let requeued = manager.wait_for("goes back on the queue");
    assert!(requeued.ends_with("stalled's lease ran out"), "{requeued}");
    let outcome = manager.finish(PATIENCE);
    assert_success(&outcome);
    assert_every_result_exactly_once(&outcome.1);
    assert_success(&helper.finish(PATIENCE));

    stalled.signal(Signal::SIGCONT);
    let stalled = stalled.finish(PATIENCE);
    assert_success(&stalled);
    assert!(stalled.1.contains(&"stalled: worker exit.".to_owned()));
}

/// A worker that works longer than its lease (4 s of work, a lease of 3 s)
/// but renews it keeps its task: nothing goes back on the queue. (It renews
/// every second; only a worker stalled for 2 s would lose the task.)
#[test]
fn a_worker_that_renews_its_lease_keeps_its_task() {
    if !redis_server_installed() {
        return;
    }
    let redis = TestRedis::start();
    let mut manager =
        manager(&redis, &["--workers", "0", "--lease", "3", "--tasks", "1"]);
    manager.wait_for("Try get results...");
    let slow = worker(&redis, "slow", "4");
    let outcome = manager.finish(PATIENCE);
    assert_success(&outcome);
    assert_every_result_exactly_once(&outcome.1);
    let requeued = outcome
        .1
        .iter()
        .find(|l| l.contains("goes back on the queue"));
    assert_eq!(requeued, None, "{:?}", outcome.1);
    assert_success(&slow.finish(PATIENCE));
}

/// Exactly once is the manager's: a result for a task already answered, a
/// wrong square (the task is sent again), a result for no task of the job,
/// and JSON that is no result, all pushed by the test itself, are ignored.
#[test]
fn the_manager_counts_each_task_once_and_ignores_the_rest() {
    if !redis_server_installed() {
        return;
    }
    let redis = TestRedis::start();
    let mut manager = manager(&redis, &["--workers", "0", "--tasks", "2", "--seed", "3"]);
    manager.wait_for("Try get results...");
    let n = puts(&manager.seen)[0];
    let result =
        |square: u64| format!(r#"{{"id":0,"n":{n},"square":{square},"worker":"test"}}"#);
    let mut connection = redis.connection().expect("the test's redis answers");
    let pushed: Vec<String> = vec![
        "not JSON".into(),
        result(n * n + 1),
        result(n * n),
        result(n * n),
        r#"{"id":9,"n":1,"square":1,"worker":"test"}"#.into(),
    ];
    let _: () = redis::cmd("RPUSH")
        .arg("lesson:squares:results")
        .arg(&pushed)
        .query(&mut connection)
        .expect("RPUSH");
    for line in [
        r#"manager: "not JSON" is not a result: ignored"#,
        &format!(
            "manager: task 0: test says {n} * {n} = {}: wrong, sent again",
            n * n + 1
        ),
        &format!("Result: {n} * {n} = {}", n * n),
        "manager: task 0 answered again: ignored (delivered twice)",
        "manager: task 9 (n = 1) is not a task of this job: ignored",
    ] {
        assert_eq!(manager.wait_for(line), line);
    }
    let helper = worker(&redis, "helper", "0");
    let outcome = manager.finish(PATIENCE);
    assert_success(&outcome);
    assert_every_result_exactly_once(&outcome.1);
    assert_success(&helper.finish(PATIENCE));
}

/// Redis restarted in the middle of the job, and back empty (no
/// persistence), while one worker is stopped with a task in hand. The
/// manager waits for Redis, puts every task without a result on the queue
/// again, the stopped worker resumes and delivers its result, a fresh worker
/// does the rest, and every result is there exactly once.
#[test]
fn a_redis_restarted_mid_job_loses_no_task() {
    if !redis_server_installed() {
        return;
    }
    let mut redis = TestRedis::start();
    let args = ["--workers", "0", "--tasks", "6", "--seed", "5"];
    let mut manager = manager(&redis, &args);
    manager.wait_for("Try get results...");
    let mut stopped = worker(&redis, "stopped", "0.5");
    stopped.wait_for("stopped: run task ");
    stopped.signal(Signal::SIGSTOP);

    redis.restart();
    let again = manager.wait_for("Redis was away");
    assert!(again.contains("the 6 tasks without a result"), "{again}");
    stopped.signal(Signal::SIGCONT);
    let fresh = worker(&redis, "fresh", "0");

    let outcome = manager.finish(PATIENCE);
    assert_success(&outcome);
    assert_every_result_exactly_once(&outcome.1);
    for worker in [stopped, fresh] {
        let outcome = worker.finish(PATIENCE);
        assert_success(&outcome);
    }
}

/// A Redis with a password (`requirepass`): the manager and a worker given a
/// wrong one, or none, stop at once with a message that says so (no retries:
/// waiting will not change a password).
#[test]
fn a_wrong_redis_password_is_refused_with_a_clear_message() {
    if !redis_server_installed() {
        return;
    }
    let redis = TestRedis::start_with(&["--requirepass", "right"]);
    let port = redis.port;
    for url in [
        format!("redis://:wrong@127.0.0.1:{port}/"),
        format!("redis://127.0.0.1:{port}/"),
    ] {
        let manager = Running::start("manager", &["redis", "--redis", &url], None);
        let mut command = Command::new(common::BIN);
        command
            .args(["redis-worker", "--name", "w"])
            .env_clear()
            .env("LESSON_REDIS_URL", &url);
        let worker = Running::spawn("worker", command);
        for process in [manager, worker] {
            let (status, _, stderr) = process.finish(PATIENCE);
            assert_eq!(status.and_then(|s| s.code()), Some(1), "{stderr}");
            let why = format!("error: Redis at 127.0.0.1:{port} wants a password");
            assert!(stderr.starts_with(&why), "{stderr}");
            assert!(!stderr.contains("wrong@"), "the URL is never printed");
            assert!(!stderr.contains("trying again"), "{stderr}");
        }
    }
}

/// No Redis at all (nothing listens on the port): a worker tries again, its
/// pauses doubling from 100 ms, and gives up after 20 s, saying so. No
/// redis-server is needed for this one.
#[test]
fn a_worker_with_no_redis_tries_again_then_gives_up() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let mut command = Command::new(common::BIN);
    command
        .args(["redis-worker", "--name", "w"])
        .env_clear()
        .env("LESSON_REDIS_URL", format!("redis://127.0.0.1:{port}/"));
    let (status, lines, stderr) = Running::spawn("worker", command).finish(PATIENCE);
    assert_eq!(status.and_then(|s| s.code()), Some(1), "{stderr}");
    let why = format!("cannot reach Redis at 127.0.0.1:{port} for 20s");
    assert!(stderr.contains(&why), "{stderr}");
    let pauses: Vec<&str> = (lines.iter())
        .filter_map(|line| line.split("; trying again in ").nth(1))
        .collect();
    assert_eq!(pauses[..3], ["100ms", "200ms", "400ms"], "{lines:?}");
}

/// A Redis error that connecting again cannot cure (here WRONGTYPE: the key
/// of the task list holds a string) stops a worker at once, with Redis's own
/// message: it is not taken for a lost connection, and not tried again.
#[test]
fn an_error_that_reconnecting_cannot_cure_is_not_tried_again() {
    if !redis_server_installed() {
        return;
    }
    let redis = TestRedis::start();
    let mut connection = redis.connection().expect("the test server answers");
    let _: () = redis::cmd("SET")
        .arg("lesson:squares:tasks")
        .arg("not a list")
        .query(&mut connection)
        .expect("SET");
    let (status, lines, stderr) = worker(&redis, "w", "0").finish(PATIENCE);
    assert_eq!(status.and_then(|s| s.code()), Some(1), "{stderr}");
    assert!(stderr.contains("WRONGTYPE"), "{stderr}");
    let tried_again = lines.iter().find(|line| line.contains("trying again"));
    assert_eq!(tried_again, None, "{stderr}");
}

/// The `Redis at 127.0.0.1:PORT` and `Redis data in DIR` of a private server.
fn private_server(lines: &[String]) -> (u16, String) {
    let find = |prefix: &str| {
        lines
            .iter()
            .find_map(|line| line.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} line in {lines:?}"))
            .to_owned()
    };
    let address = find("Redis at 127.0.0.1:");
    let port = address.split(' ').next().and_then(|p| p.parse().ok());
    (port.expect("a port"), find("Redis data in "))
}

/// The private server is gone: its folder removed, its port closed, and no
/// `redis-server 127.0.0.1:PORT` (the title Redis gives itself) running.
#[track_caller]
fn assert_gone(port: u16, dir: &str) {
    assert!(!Path::new(dir).exists(), "{dir} is still there");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "something still answers on port {port}"
    );
    let title = format!("redis-server 127.0.0.1:{port}");
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline);
        assert!(!cmdline.starts_with(&title), "still running: {cmdline}");
    }
}

/// (d) After the lesson ends, its private redis-server is gone.
#[cfg(target_os = "linux")]
#[test]
fn the_private_redis_server_is_gone_after_the_lesson() {
    if !redis_server_installed() {
        return;
    }
    let lesson = Running::start("lesson", &["redis", "--tasks", "3"], None);
    let outcome = lesson.finish(PATIENCE);
    assert_success(&outcome);
    let (port, dir) = private_server(&outcome.1);
    assert_gone(port, &dir);
    // Stopped by SIGTERM, as Redis likes (no persistence: it exits at once),
    // not killed after 5 s.
    assert!(!outcome.2.contains("did not exit"), "{}", outcome.2);
}

/// (d) After Ctrl-C (SIGINT to the manager alone: its handler stops the
/// workers and the private redis-server) in the middle of the job, too.
#[cfg(target_os = "linux")]
#[test]
fn the_private_redis_server_is_gone_after_ctrl_c() {
    if !redis_server_installed() {
        return;
    }
    let args = ["redis", "--workers", "2", "--pause", "0.5"];
    let mut lesson = Running::start("lesson", &args, None);
    lesson.wait_for(": run task");
    lesson.signal(Signal::SIGINT);
    let (status, lines, stderr) = lesson.finish(PATIENCE);
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(130),
        "{lines:?}\n{stderr}"
    );
    let (port, dir) = private_server(&lines);
    assert_gone(port, &dir);
}

// ANCHOR: both_kinds
/// `python/redisworker.py` beside a Rust worker, on one job. The Rust worker
/// takes a task and works on it for 10 s; meanwhile the Python worker takes
/// the others. Every result exactly once, from both languages.
#[test]
fn python_and_rust_workers_share_one_job() {
    if !redis_server_installed() || !python_redis_installed() {
        return;
    }
    let redis = TestRedis::start();
    let mut manager = manager(&redis, &["--workers", "0", "--tasks", "4", "--seed", "6"]);
    manager.wait_for("Try get results...");
    let mut rust = worker(&redis, "rust", "10");
    rust.wait_for("rust: run task ");

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/python/redisworker.py");
    let mut command = Command::new("python3");
    command
        .args([script, "--name", "python", "--pause", "0"])
        .env("LESSON_REDIS_URL", &redis.url);
    let mut python = Running::spawn("python", command);
    python.wait_for("python: run task ");

    let outcome = manager.finish(PATIENCE);
    assert_success(&outcome);
    assert_every_result_exactly_once(&outcome.1);
    for worker in [rust, python] {
        let outcome = worker.finish(PATIENCE);
        assert_success(&outcome);
        let name = &worker_name(&outcome.1);
        assert!(outcome.1.contains(&format!("{name}: worker exit.")));
    }
}

// ANCHOR_END: both_kinds

fn worker_name(lines: &[String]) -> String {
    let first = lines.first().expect("a worker prints");
    first.split(':').next().unwrap_or_default().to_owned()
}

/// The lesson's own `redis --python-workers 1`: a private Redis, a Rust and
/// a Python worker process, the job completes, each worker exits.
#[test]
fn the_lesson_starts_python_workers_too() {
    if !redis_server_installed() || !python_redis_installed() {
        return;
    }
    let args = [
        "redis",
        "--workers",
        "1",
        "--python-workers",
        "1",
        "--tasks",
        "6",
    ];
    let mut command = Command::new(common::BIN);
    command.args(args).env_clear();
    // The Python worker needs python3 on the PATH; nothing else is passed on.
    command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    let outcome = Running::spawn("lesson", command).finish(PATIENCE);
    assert_success(&outcome);
    assert_every_result_exactly_once(&outcome.1);
    for exit in ["worker 1: worker exit.", "python 1: worker exit."] {
        assert!(outcome.1.contains(&exit.to_owned()), "{:?}", outcome.1);
    }
    assert_eq!(
        starting(&outcome.1),
        [
            "Starting 1 Rust worker process; the Redis URL goes in LESSON_REDIS_URL",
            "Starting 1 Python worker process; the Redis URL goes in LESSON_REDIS_URL",
        ]
    );
    // Each kind is the program it claims to be: the Python worker greets
    // without the address, the Rust one with it.
    let greeting = |name: &str| {
        let prefix = format!("{name}: connected to Redis");
        let line = outcome.1.iter().find(|line| line.starts_with(&prefix));
        line.unwrap_or_else(|| panic!("no {prefix:?} in {:?}", outcome.1))
            .clone()
    };
    assert_eq!(greeting("python 1"), "python 1: connected to Redis");
    assert!(
        greeting("worker 1").starts_with("worker 1: connected to Redis at 127.0.0.1:")
    );
}

/// The lesson's `Starting N ... worker process(es)` lines.
fn starting(lines: &[String]) -> Vec<&str> {
    (lines.iter())
        .filter(|line| line.starts_with("Starting "))
        .map(String::as_str)
        .collect()
}

/// Without python3 (or its redis package), `--python-workers` is refused
/// before anything starts, with the command that installs it: status 2.
#[test]
fn python_workers_without_python_are_refused_with_status_2() {
    let args = [
        "redis",
        "--redis",
        "redis://127.0.0.1:1/",
        "--python-workers",
        "1",
    ];
    let mut command = Command::new(common::BIN);
    command.args(args).env_clear().env("PATH", "/nonexistent");
    let (status, lines, stderr) = Running::spawn("lesson", command).finish(PATIENCE);
    assert_eq!(status.and_then(|s| s.code()), Some(2), "{stderr}");
    assert!(lines.is_empty(), "nothing started: {lines:?}");
    assert!(stderr.contains("python3 -m pip install redis"), "{stderr}");
}

/// A `python3` that runs but has no redis package (here a script that fails
/// `import redis` as such a python3 would) is refused the same way.
#[test]
fn python_workers_without_the_redis_package_are_refused_with_status_2() {
    let bin = TempDir::new("python");
    let python3 = bin.0.join("python3");
    // Written by another process: a file this one had open for writing could
    // be open in a child forked meanwhile, and running it would fail (ETXTBSY).
    let made = Command::new("sh")
        .args([
            "-c",
            r#"printf '#!/bin/sh\nexit 1\n' > "$1" && chmod 755 "$1""#,
            "sh",
        ])
        .arg(&python3)
        .status();
    assert!(
        made.is_ok_and(|status| status.success()),
        "cannot write {python3:?}"
    );
    let mut command = Command::new(common::BIN);
    command
        .args([
            "redis",
            "--redis",
            "redis://127.0.0.1:1/",
            "--python-workers",
            "1",
        ])
        .env_clear()
        .env("PATH", &bin.0);
    let (status, lines, stderr) = Running::spawn("lesson", command).finish(PATIENCE);
    assert_eq!(status.and_then(|s| s.code()), Some(2), "{stderr}");
    assert!(lines.is_empty(), "nothing started: {lines:?}");
    assert!(stderr.contains("python3 -m pip install redis"), "{stderr}");
}

/// A folder of the test's own, removed when the test ends, also on failure.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(what: &str) -> TempDir {
        let name = format!("lesson-distributed-test-{what}-{}", std::process::id());
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// A Redis that holds another job's keys (its manager runs, or crashed) is
/// refused before anything is put: waiting tasks, or tasks a worker holds.
#[test]
fn a_redis_that_holds_another_job_is_refused() {
    if !redis_server_installed() {
        return;
    }
    for key in ["lesson:squares:tasks", "lesson:squares:processing:w"] {
        let redis = TestRedis::start();
        let mut connection = redis.connection().expect("the test server answers");
        let _: () = redis::cmd("RPUSH")
            .arg(key)
            .arg(r#"{"id":1,"n":2}"#)
            .query(&mut connection)
            .expect("RPUSH");
        let (status, lines, stderr) =
            manager(&redis, &["--workers", "0"]).finish(PATIENCE);
        assert_eq!(status.and_then(|s| s.code()), Some(1), "{key}: {stderr}");
        assert!(
            stderr.contains("holds another job's tasks"),
            "{key}: {stderr}"
        );
        assert!(puts(&lines).is_empty(), "{key}: nothing put: {lines:?}");
        let left: i64 = redis::cmd("LLEN")
            .arg(key)
            .query(&mut connection)
            .expect("LLEN");
        assert_eq!(left, 1, "{key}: the other job's task is left alone");
    }
}

/// A lesson killed with SIGKILL runs no handler: its private server dies
/// with it (PR_SET_PDEATHSIG), its folder stays. The next run of the lesson
/// removes the folder, whose pid is dead.
#[cfg(target_os = "linux")]
#[test]
fn the_folder_of_a_killed_lesson_is_removed_by_the_next_run() {
    if !redis_server_installed() {
        return;
    }
    let mut killed = Running::start("killed", &["redis", "--workers", "0"], None);
    killed.wait_for("Try get results...");
    let (port, dir) = private_server(&killed.seen);
    killed.signal(Signal::SIGKILL);
    killed.finish(PATIENCE);
    assert!(Path::new(&dir).exists(), "SIGKILL leaves {dir}");
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(("127.0.0.1", port)).is_ok() {
        assert!(Instant::now() < deadline, "the server outlived its lesson");
        thread::sleep(Duration::from_millis(20));
    }

    let next = Running::start("next", &["redis", "--workers", "1", "--tasks", "1"], None);
    assert_success(&next.finish(PATIENCE));
    assert!(!Path::new(&dir).exists(), "{dir} is still there");
}
