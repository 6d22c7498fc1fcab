//! Worker processes: this same program, started again in a role.
//!
//! Python's `multiprocessing` starts a fresh interpreter and tells it which
//! function to run; here the program starts its own executable with the role
//! in the environment variable `LESSON_WORKER` (see `shared::worker`), and
//! `main` runs the role's function instead of the lesson. A worker hands its
//! answer back on its stdout, a pipe that only its parent reads.
//!
//! What every process lesson of the course promises, kept here once:
//! - **Every wait has a bound.** A worker that has not finished after
//!   [`JOIN_LIMIT`] is killed and reported; one that dies is reported at once.
//! - **Every worker is reaped**, also when its parent gives up on it.
//! - **Ctrl-C leaves nothing behind.** The terminal sends SIGINT to every
//!   process of the program. The workers die of it; this process catches it,
//!   reaps them, and ends (see [`stop_workers_on_ctrl_c`]).

use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Mutex, MutexGuard, Once, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::sys::wait::waitpid;
use nix::unistd::Pid;
use signal_hook::consts::SIGINT;
use signal_hook::iterator::Signals;

/// The longest the lesson waits for a worker before killing it.
pub const JOIN_LIMIT: Duration = Duration::from_secs(60);

/// This lesson's own executable, which worker processes run.
pub fn this_program() -> PathBuf {
    std::env::current_exe().expect("the path of this program")
}

/// A command that starts `program` (this lesson's own executable) as a
/// worker in `role`. Add arguments as with any `Command`.
pub fn command(program: &Path, role: &str) -> Command {
    let mut command = Command::new(program);
    command.env(shared::worker::ROLE_VAR, role);
    command
}

/// Why a worker gave no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failed(pub String);

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Failed {}

impl From<io::Error> for Failed {
    fn from(err: io::Error) -> Self {
        Failed(format!("cannot start a worker: {err}"))
    }
}

// ANCHOR: worker
/// A running worker process. `join` waits for it and returns what it printed.
pub struct Worker {
    /// `None` once reaped.
    child: Option<Child>,
    /// The worker's whole stdout, read by a thread of its own, so that a
    /// worker never waits for us to make room in its pipe.
    output: Option<mpsc::Receiver<io::Result<Vec<u8>>>>,
}

impl Worker {
    /// Python: `p = Process(...); p.start()`. Starts a worker whose stdout
    /// comes back to us, whole, from `join`.
    pub fn start(command: &mut Command) -> io::Result<Worker> {
        let mut worker = Worker::spawn(command.stdout(Stdio::piped()))?;
        let mut stdout = worker.stdout().expect("stdout is piped");
        let (output_tx, output) = mpsc::channel();
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let read = stdout.read_to_end(&mut bytes).map(|_| bytes);
            output_tx.send(read).ok(); // Err: join gave up waiting
        });
        worker.output = Some(output);
        Ok(worker)
    }

    /// Python: `p.join()`, then the result. Waits until the worker has ended
    /// (at most [`JOIN_LIMIT`]; then it is killed), reaps it, and returns what
    /// it printed, or why it failed.
    pub fn join(mut self) -> Result<Vec<u8>, Failed> {
        let deadline = Instant::now() + JOIN_LIMIT;
        let pid = self.id();
        // The output is complete when the worker closes its stdout, which it
        // does when it ends, however it ends.
        let output = match self.output.take() {
            Some(output) => match output.recv_timeout(JOIN_LIMIT) {
                Ok(Ok(bytes)) => Ok(bytes),
                Ok(Err(err)) => Err(format!("reading its output failed: {err}")),
                Err(_) => Err(format!("it was still running after {JOIN_LIMIT:?}")),
            },
            None => Ok(Vec::new()),
        };
        let child = self.child.take().expect("a worker is joined once");
        let status = reap(child, deadline);
        match (status, output) {
            (Ok(status), Ok(bytes)) if status.success() => Ok(bytes),
            (Ok(status), Ok(_)) => {
                Err(Failed(format!("worker pid {pid} failed ({status})")))
            }
            (Ok(_), Err(why)) | (Err(why), _) => {
                Err(Failed(format!("worker pid {pid} failed: {why}")))
            }
        }
    }
}
// ANCHOR_END: worker

/// The plumbing: a worker to talk to, its pipes, and the list Ctrl-C reads.
impl Worker {
    /// Starts a worker to talk to: its stdin and its stdout are pipes, taken
    /// with [`stdin`](Self::stdin) and [`stdout`](Self::stdout).
    pub fn start_talking(command: &mut Command) -> io::Result<Worker> {
        Worker::spawn(command.stdin(Stdio::piped()).stdout(Stdio::piped()))
    }

    /// The pipe to the worker's stdin, if it has one (once).
    pub fn stdin(&mut self) -> Option<ChildStdin> {
        self.child.as_mut()?.stdin.take()
    }

    /// The pipe from the worker's stdout, if nothing reads it yet (once).
    pub fn stdout(&mut self) -> Option<ChildStdout> {
        self.child.as_mut()?.stdout.take()
    }

    /// The worker's process id.
    pub fn id(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Starts `command`, noted in the list of workers that Ctrl-C stops.
    fn spawn(command: &mut Command) -> io::Result<Worker> {
        stop_workers_on_ctrl_c();
        // Held while the process starts: Ctrl-C waits until it is on the list.
        let mut unreaped = unreaped();
        let child = command.spawn()?;
        unreaped.push(child.id());
        Ok(Worker {
            child: Some(child),
            output: None,
        })
    }
}

/// A worker dropped without `join` (a panic on the way, an early return) is
/// killed and reaped, never left behind.
impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            reap(child, Instant::now()).ok();
        }
    }
}

/// Waits for `child` to end until `deadline`, then kills it; reaps it either
/// way. An error if it had to be killed.
fn reap(mut child: Child, deadline: Instant) -> Result<ExitStatus, String> {
    let mut pause = Duration::from_micros(10);
    loop {
        {
            let mut unreaped = unreaped();
            let ended = child.try_wait();
            if let Ok(Some(status)) = ended {
                unreaped.retain(|&pid| pid != child.id());
                return Ok(status);
            }
            if ended.is_err() || Instant::now() >= deadline {
                child.kill().ok();
                // SIGKILL cannot be caught or ignored: this wait is short.
                let status = child.wait();
                unreaped.retain(|&pid| pid != child.id());
                return Err(match status {
                    Ok(status) => format!("killed after {JOIN_LIMIT:?} ({status})"),
                    Err(err) => format!("cannot wait for it: {err}"),
                });
            }
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(1));
    }
}

/// The process ids of the workers started and not reaped yet.
static UNREAPED: Mutex<Vec<u32>> = Mutex::new(Vec::new());

fn unreaped() -> MutexGuard<'static, Vec<u32>> {
    // A panic elsewhere while holding the lock leaves the list as it was: usable.
    UNREAPED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

// ANCHOR: ctrl_c
/// Ctrl-C sends SIGINT to every process of the program. Each worker dies of
/// it; but a dead child stays a zombie until its parent reaps it, and by
/// default the parent dies at the same moment, reaping nobody. So once this
/// program starts a worker, a thread of its own waits for SIGINT, takes the
/// list of workers (which `spawn` holds while a worker starts), kills and
/// reaps every one of them, and ends the program as Ctrl-C would have.
fn stop_workers_on_ctrl_c() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let mut signals =
            Signals::new([SIGINT]).expect("cannot install a SIGINT handler");
        thread::Builder::new()
            .name("ctrl-c".into())
            .spawn(move || {
                if signals.forever().next().is_none() {
                    return;
                }
                let unreaped = unreaped();
                let pids: Vec<Pid> = unreaped
                    .iter()
                    .map(|&pid| Pid::from_raw(pid as i32))
                    .collect();
                for &pid in &pids {
                    kill(pid, Signal::SIGKILL).ok();
                }
                for &pid in &pids {
                    waitpid(pid, None).ok();
                }
                eprintln!("interrupted: every worker process stopped");
                std::process::exit(130); // 128 + SIGINT, what a shell reports for Ctrl-C
            })
            .expect("cannot start the Ctrl-C thread");
    });
}
// ANCHOR_END: ctrl_c

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    /// Reaped: the pid names no process any more, not even a zombie, and is
    /// off the list that Ctrl-C reads.
    #[track_caller]
    fn assert_reaped(pid: u32) {
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "{pid} is still there"
        );
        assert!(!unreaped().contains(&pid), "{pid} is still on the list");
    }

    /// `join` gives back what the worker printed, or says how it failed.
    #[test]
    fn join_returns_the_output_or_the_failure() {
        let worker = Worker::start(&mut shell("echo $$")).unwrap();
        let pid = worker.id();
        let printed = worker.join().unwrap();
        assert_eq!(String::from_utf8_lossy(&printed).trim(), pid.to_string());
        assert_reaped(pid);

        let worker = Worker::start(&mut shell("echo partial; exit 3")).unwrap();
        let pid = worker.id();
        let failed = worker.join().unwrap_err();
        assert_eq!(
            failed.to_string(),
            format!("worker pid {pid} failed (exit status: 3)")
        );
        assert_reaped(pid);
    }

    /// Reaping one worker leaves the others on the list; a worker dropped
    /// without `join` is killed and reaped at once.
    #[test]
    fn a_dropped_worker_is_killed_and_reaped() {
        // Its stderr is not ours: a sleeper left behind must not keep the
        // test's output open.
        let mut sleep = shell("exec sleep 600");
        let sleeper = Worker::start_talking(sleep.stderr(Stdio::null())).unwrap();
        let sleeping = sleeper.id();
        let quick = Worker::start(&mut shell("exit 0")).unwrap();
        let quick_pid = quick.id();
        quick.join().unwrap();
        assert_reaped(quick_pid);
        assert!(
            unreaped().contains(&sleeping),
            "a running worker left the list"
        );
        drop(sleeper);
        assert_reaped(sleeping);
    }
}
