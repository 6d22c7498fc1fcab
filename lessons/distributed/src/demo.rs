//! The one-command demo, `cargo run -p lesson-distributed`: the tutorial's
//! two terminals (`python taskmanager.py`, then `python taskworker.py`) in
//! one command. The manager starts its own worker processes, waits for them
//! (always with a bound), and stops them on Ctrl-C.
//!
//! A demo worker is exactly what you would start in a second terminal:
//! this program with `worker --connect ADDRESS`. The authkey goes to it in
//! its environment, not on its command line, where `ps` would show it.

use std::process::{Child, Command};
use std::sync::Once;
use std::thread;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use signal_hook::consts::SIGINT;
use signal_hook::iterator::Signals;

use crate::auth::AuthKey;
use crate::cli::DemoArgs;
use crate::{redis_server, server, tasks};

// ANCHOR: demo
/// The whole demo on this machine: a manager on a free loopback port (port 0:
/// the kernel picks one), with a random authkey that only its workers get.
pub fn demo(args: DemoArgs) -> Result<(), String> {
    let key = AuthKey::random();
    let numbers = tasks::task_numbers(&args.tasks)?;
    let workers = (args.workers, args.pause);
    tasks::task_manager("127.0.0.1:0", key, &numbers, server::LEASE, Some(workers))
}
// ANCHOR_END: demo

/// How long a worker may take to finish once the job is done.
const JOIN_LIMIT: Duration = Duration::from_secs(10);

// ANCHOR: start
/// The demo's worker processes that are not reaped yet, by name.
static WORKERS: Mutex<Vec<(String, Child)>> = Mutex::new(Vec::new());

/// The demo's workers, while they run. Dropped without `join` (an error, a
/// panic), it kills and reaps them.
pub struct Workers(());

/// Starts `count` worker processes, named `{named} 1`, `{named} 2`, ...:
/// each is `command()` with `--name NAME --pause SECONDS`, and the secret
/// (the authkey, or the Redis URL with its password) in the environment
/// variable `secret.0`.
pub fn start_workers(
    (count, named): (u32, &str),
    command: impl Fn() -> Command,
    secret: (&str, &str),
    pause: Duration,
) -> Result<Workers, String> {
    stop_workers_on_ctrl_c();
    let workers_so_far = Workers(()); // if one fails to start, the others stop
    for number in 1..=count {
        let name = format!("{named} {number}");
        // Held while the worker starts: Ctrl-C waits, then stops it too.
        let mut workers = WORKERS.lock();
        let child = command()
            .args(["--name", &name, "--pause", &pause.as_secs_f64().to_string()])
            .env(secret.0, secret.1)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        workers.push((name, child));
    }
    Ok(workers_so_far)
}

/// This program, in the worker's `role` (`worker --connect ADDRESS`...).
pub fn this_program(role: &[&str]) -> Result<impl Fn() -> Command, String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let role: Vec<String> = role.iter().map(|&arg| arg.to_owned()).collect();
    Ok(move || {
        let mut command = Command::new(&exe);
        command.args(&role);
        command
    })
}
// ANCHOR_END: start

// ANCHOR: join
impl Workers {
    /// Waits for every worker to exit (each has heard `Finished`), and reaps
    /// it. One that does not exit within `JOIN_LIMIT` is killed and reported.
    pub fn join(self) -> Result<(), String> {
        join_workers(JOIN_LIMIT)
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        let mut workers = WORKERS.lock();
        for (_, mut child) in workers.drain(..) {
            child.kill().ok();
            child.wait().ok();
        }
    }
}
// ANCHOR_END: join

// ANCHOR: join_workers
fn join_workers(limit: Duration) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    let mut failures = Vec::new();
    loop {
        // The lock is taken for one look at a time, so that Ctrl-C is never
        // kept waiting for long.
        let mut workers = WORKERS.lock();
        let mut index = 0;
        while index < workers.len() {
            match workers[index].1.try_wait() {
                Ok(None) => index += 1,
                Ok(Some(status)) => {
                    let (name, _) = workers.swap_remove(index);
                    if !status.success() {
                        failures.push(format!("{name} failed ({status})"));
                    }
                }
                Err(e) => {
                    let (name, mut child) = workers.swap_remove(index);
                    child.kill().ok();
                    child.wait().ok();
                    failures.push(format!("cannot watch {name}: {e}"));
                }
            }
        }
        if workers.is_empty() {
            break;
        }
        if Instant::now() > deadline {
            for (name, mut child) in workers.drain(..) {
                child.kill().ok();
                child.wait().ok(); // SIGKILL cannot be ignored: this wait is short
                failures.push(format!("{name} did not exit within {limit:?}: killed it"));
            }
            break;
        }
        drop(workers);
        thread::sleep(Duration::from_millis(5));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}
// ANCHOR_END: join_workers

// ANCHOR: ctrl_c
/// Ctrl-C sends SIGINT to every process of the terminal's foreground group:
/// the manager and its workers. The workers die of it at once, which is fine
/// for them (they hold nothing but a socket, which the kernel closes). The
/// manager must not die before it has reaped them, or they would stay
/// behind as zombies. So it handles SIGINT: a thread waits for it, takes the
/// `WORKERS` lock (waiting for a worker being started), kills and reaps
/// every worker, and ends the program as a Ctrl-C would, with status 130.
///
/// The `redis` role also has a private redis-server to stop, and its folder
/// to remove: that is done while the lock is still held, so that the main
/// thread, which would see its workers gone, cannot end the program first.
pub fn stop_workers_on_ctrl_c() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let Ok(mut signals) = Signals::new([SIGINT]) else {
            return; // then Ctrl-C ends us the default way
        };
        thread::Builder::new()
            .name("ctrl-c".into())
            .spawn(move || {
                if signals.forever().next().is_none() {
                    return;
                }
                let mut workers = WORKERS.lock();
                for (_, child) in workers.iter_mut() {
                    child.kill().ok();
                }
                for (_, child) in workers.iter_mut() {
                    child.wait().ok();
                }
                redis_server::stop_private_server(); // if there is one
                eprintln!("interrupted: every worker process stopped and reaped");
                std::process::exit(130); // 128 + SIGINT: what a shell reports for Ctrl-C
            })
            .ok();
    });
}
// ANCHOR_END: ctrl_c

#[cfg(test)]
mod tests {
    use super::*;

    /// The workers live in one static list: one test at a time.
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

    /// A stand-in worker: `sh -c SCRIPT`, which takes our `--name` and
    /// `--pause` as its `$0`, `$1`... and ignores them.
    fn shell(script: &'static str) -> impl Fn() -> Command {
        move || {
            let mut command = Command::new("sh");
            // A worker left behind must not hold the test's output open.
            command
                .args(["-c", script])
                .stderr(std::process::Stdio::null());
            command
        }
    }

    /// `join` waits for every worker and says which failed, and how.
    #[test]
    fn join_reports_each_worker_that_failed() {
        let _alone = ONE_AT_A_TIME.lock();
        let pause = Duration::ZERO;
        let fine = start_workers((2, "fine"), shell("exit 0"), ("SECRET", "x"), pause);
        assert_eq!(fine.unwrap().join(), Ok(()));
        let failing =
            start_workers((2, "failing"), shell("exit 3"), ("SECRET", "x"), pause);
        let failed = failing.unwrap().join().unwrap_err();
        for name in ["failing 1", "failing 2"] {
            assert!(
                failed.contains(&format!("{name} failed (exit status: 3)")),
                "{failed}"
            );
        }
        assert!(WORKERS.lock().is_empty(), "a worker was not reaped");
    }

    /// A worker that has not exited within the limit (`JOIN_LIMIT`, 10 s,
    /// for the demo; 2 s here) of the end of the job is killed, reaped and
    /// reported; one that has is not.
    #[test]
    fn join_kills_a_worker_that_does_not_exit_in_time() {
        let _alone = ONE_AT_A_TIME.lock();
        let pause = Duration::ZERO;
        let secret = ("SECRET", "x");
        let _quick = start_workers((1, "quick"), shell("exit 0"), secret, pause);
        let _stuck = start_workers((1, "stuck"), shell("exec sleep 600"), secret, pause);
        let stuck_pid = WORKERS.lock()[1].1.id();
        // `join` waits for every worker started, the stuck one too.
        let failed = join_workers(Duration::from_secs(2)).unwrap_err();
        assert_eq!(failed, "stuck 1 did not exit within 2s: killed it");
        let status = std::path::PathBuf::from(format!("/proc/{stuck_pid}"));
        assert!(!status.exists(), "the stuck worker is still there");
    }

    /// Dropped without `join` (an error on the way), the workers are killed
    /// and reaped at once: none is left running, none a zombie.
    #[test]
    fn dropped_workers_are_killed_and_reaped() {
        let _alone = ONE_AT_A_TIME.lock();
        let workers = start_workers(
            (2, "sleeper"),
            shell("exec sleep 60"),
            ("SECRET", "x"),
            Duration::ZERO,
        )
        .unwrap();
        let pids: Vec<u32> = WORKERS.lock().iter().map(|(_, child)| child.id()).collect();
        assert_eq!(pids.len(), 2);
        drop(workers);
        assert!(WORKERS.lock().is_empty(), "the workers are still listed");
        for pid in pids {
            // Reaped: the pid names no process, not even a zombie.
            let status = std::path::PathBuf::from(format!("/proc/{pid}"));
            assert!(!status.exists(), "worker {pid} is still there");
        }
    }
}
