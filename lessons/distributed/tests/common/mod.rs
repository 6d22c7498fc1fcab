//! Running the lesson's manager and workers as processes, with every wait
//! bounded: a test that goes wrong fails with what the processes printed,
//! and never hangs.
#![allow(dead_code)] // each test binary uses its own part of this

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_lesson-distributed");

/// The longest any single step of a test may take.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A process of the lesson, its stdout read line by line as it comes.
pub struct Running {
    pub name: String,
    child: Child,
    lines: Receiver<String>,
    pub seen: Vec<String>,
    stderr: Option<thread::JoinHandle<String>>,
}

impl Running {
    /// Starts the lesson binary with `args`; `key`, if any, goes in
    /// LESSON_AUTHKEY. The environment is otherwise empty.
    pub fn start(name: &str, args: &[&str], key: Option<&str>) -> Running {
        let mut command = Command::new(BIN);
        command.args(args).env_clear();
        if let Some(key) = key {
            command.env("LESSON_AUTHKEY", key);
        }
        Running::spawn(name, command)
    }

    /// Starts any command, as it is (e.g. `python3 -c ...`).
    pub fn spawn(name: &str, mut command: Command) -> Running {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let stdout = child.stdout.take().expect("piped");
        let mut stderr = child.stderr.take().expect("piped");
        let (sender, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = thread::spawn(move || {
            let mut text = String::new();
            stderr.read_to_string(&mut text).ok();
            text
        });
        Running {
            name: name.to_owned(),
            child,
            lines,
            seen: Vec::new(),
            stderr: Some(stderr),
        }
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Waits (at most `PATIENCE`) for a line containing `text`; returns it.
    pub fn wait_for(&mut self, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "{} never printed {text:?}; it printed:\n{}",
                    self.name,
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// The manager's address, from its first line.
    pub fn address(&mut self) -> SocketAddr {
        let line = self.wait_for("Manager listening on ");
        line.rsplit(' ')
            .next()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
    }

    /// Waits (at most `limit`) for the process to end; kills it if it does
    /// not. Returns its status (None: killed), all of its stdout, its stderr.
    pub fn finish(
        mut self,
        limit: Duration,
    ) -> (Option<ExitStatus>, Vec<String>, String) {
        let deadline = Instant::now() + limit;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(5))
                }
                _ => {
                    self.child.kill().ok();
                    self.child.wait().ok();
                    break None;
                }
            }
        };
        // The process is gone: its pipes close, and the readers end.
        let deadline = Instant::now() + PATIENCE;
        while let Ok(line) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            self.seen.push(line);
        }
        let stderr = self
            .stderr
            .take()
            .map(|reader| reader.join().unwrap_or_default())
            .unwrap_or_default();
        (status, std::mem::take(&mut self.seen), stderr)
    }

    /// Sends `signal` to the process.
    pub fn signal(&self, signal: nix::sys::signal::Signal) {
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(self.pid()), signal).ok();
    }
}

impl Drop for Running {
    /// A process a failing test leaves behind is killed and reaped.
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// A manager on a free loopback port, with `key`, putting `tasks` tasks.
pub fn start_manager(key: &str, tasks: u32, seed: u64) -> (Running, SocketAddr) {
    let (tasks, seed) = (tasks.to_string(), seed.to_string());
    let args = [
        "manager",
        "--listen",
        "127.0.0.1:0",
        "--tasks",
        &tasks,
        "--seed",
        &seed,
    ];
    let mut manager = Running::start("manager", &args, Some(key));
    let address = manager.address();
    (manager, address)
}

/// A worker of the lesson connecting to `address` with `key`.
pub fn start_worker(name: &str, address: SocketAddr, key: &str, pause: &str) -> Running {
    let address = address.to_string();
    let args = [
        "worker",
        "--connect",
        &address,
        "--name",
        name,
        "--pause",
        pause,
    ];
    Running::start(name, &args, Some(key))
}

/// The numbers a manager puts, from its "Put task N..." lines.
pub fn puts(lines: &[String]) -> Vec<u64> {
    lines
        .iter()
        .filter_map(|l| {
            l.strip_prefix("Put task ")?
                .strip_suffix("...")?
                .parse()
                .ok()
        })
        .collect()
}

/// The (n, square) of each "Result: n * n = square" line, in order.
pub fn results(lines: &[String]) -> Vec<(u64, u64)> {
    lines
        .iter()
        .filter_map(|line| {
            let rest = line.strip_prefix("Result: ")?;
            let (n, rest) = rest.split_once(" * ")?;
            let (again, square) = rest.split_once(" = ")?;
            assert_eq!(n, again, "{line}");
            Some((n.parse().ok()?, square.parse().ok()?))
        })
        .collect()
}

/// Every put number has exactly one result, and each result is right.
#[track_caller]
pub fn assert_every_result_exactly_once(lines: &[String]) {
    let mut put = puts(lines);
    let results = results(lines);
    assert!(!put.is_empty(), "no task was put:\n{}", lines.join("\n"));
    for &(n, square) in &results {
        assert_eq!(square, n * n, "a wrong result for {n}");
    }
    let mut answered: Vec<u64> = results.iter().map(|&(n, _)| n).collect();
    put.sort_unstable();
    answered.sort_unstable();
    assert_eq!(
        answered,
        put,
        "the results must answer each task exactly once:\n{}",
        lines.join("\n")
    );
}

/// Whether `redis-server` is installed (on PATH) for the Redis tests. Where it
/// is not: a failure when `CI` is set (CI must run them), else the test says
/// it is skipped, and the caller returns.
pub fn redis_server_installed() -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    if std::env::split_paths(&path).any(|dir| dir.join("redis-server").is_file()) {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "redis-server is not installed, and CI must run the Redis tests: \
         sudo apt-get install redis-server"
    );
    println!(
        "skipped: redis-server is not installed (sudo apt-get install redis-server)"
    );
    false
}

/// Whether `python3` with the `redis` package runs here; in CI it must.
pub fn python_redis_installed() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import redis"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the Python worker: python3 -m pip install redis"
        );
        println!("skipped: no python3 with the redis package");
    }
    found
}

/// The process ended with status 0; otherwise the failure shows its status,
/// its stdout and its stderr.
#[track_caller]
pub fn assert_success(outcome: &(Option<ExitStatus>, Vec<String>, String)) {
    let (status, lines, stderr) = outcome;
    assert!(
        status.is_some_and(|s| s.success()),
        "ended with {status:?}:\n{}\n{stderr}",
        lines.join("\n")
    );
}
