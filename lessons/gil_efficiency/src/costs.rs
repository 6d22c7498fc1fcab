//! What the tutorials call expensive, measured: starting a thread, starting
//! a process, and switching from one to another and back.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{ChildStdin, ChildStdout, ExitCode};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::workers::{self, Failed, JOIN_LIMIT, Worker};

/// The worker role that does nothing at all: its cost is the start-up.
pub const NOTHING: &str = "nothing";
/// The worker role that sends back every byte it reads.
pub const ECHO: &str = "echo";

// ANCHOR: start
/// Start a thread that does nothing, and join it: the average of `count`.
pub fn thread_start(count: u32) -> Duration {
    let started = Instant::now();
    for _ in 0..count {
        thread::spawn(|| {})
            .join()
            .expect("an empty thread cannot panic");
    }
    started.elapsed() / count
}

/// Start a process that does nothing (this program, in the role
/// [`NOTHING`]), and join it: the average of `count`.
pub fn process_start(program: &Path, count: u32) -> Result<Duration, Failed> {
    let started = Instant::now();
    for _ in 0..count {
        Worker::start(&mut workers::command(program, NOTHING))?.join()?;
    }
    Ok(started.elapsed() / count)
}
// ANCHOR_END: start

// ANCHOR: thread_round_trip
/// Ping-pong between two threads over two channels: the average time of a
/// round trip, out and back, over `count` of them. Each one wakes the other
/// thread and waits for it: two switches from one thread to another.
pub fn thread_round_trip(count: u32) -> Duration {
    let (ping_tx, ping) = mpsc::channel::<u32>();
    let (pong_tx, pong) = mpsc::channel::<u32>();
    let partner = thread::spawn(move || {
        for ball in ping {
            if pong_tx.send(ball).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    for ball in 0..count {
        ping_tx.send(ball).expect("the partner waits for the ball");
        pong.recv().expect("the partner sends the ball back");
    }
    let elapsed = started.elapsed();
    drop(ping_tx); // the partner's loop ends
    partner.join().expect("the partner cannot panic");
    elapsed / count
}
// ANCHOR_END: thread_round_trip

// ANCHOR: process_round_trip
/// The same between two processes: one byte through a pipe to a worker in
/// the role [`ECHO`], and back through another pipe.
pub fn process_round_trip(program: &Path, count: u32) -> Result<Duration, Failed> {
    let mut echo = Echo::start(program)?;
    let started = Instant::now();
    let mut played = Ok(());
    for _ in 0..count {
        played = echo.round_trip();
        if played.is_err() {
            break;
        }
    }
    let elapsed = started.elapsed();
    echo.stop()?;
    played?;
    Ok(elapsed / count)
}
// ANCHOR_END: process_round_trip

/// A worker in the role [`ECHO`], and the two pipes to play with it.
///
/// Fields drop in this order: the watchdog is told first, the worker (killed
/// and reaped if `stop` was not called) last.
pub struct Echo {
    /// Dropping it tells the watchdog that the game is over.
    over: mpsc::Sender<()>,
    watchdog: thread::JoinHandle<()>,
    to_echo: ChildStdin,
    from_echo: ChildStdout,
    worker: Worker,
}

impl Echo {
    pub fn start(program: &Path) -> Result<Echo, Failed> {
        let mut worker = Worker::start_talking(&mut workers::command(program, ECHO))?;
        let to_echo = worker.stdin().expect("a talking worker has a stdin pipe");
        let from_echo = worker.stdout().expect("a talking worker has a stdout pipe");
        // A read has no timeout of its own: a watchdog kills the worker if
        // the game is not over in time, which ends any read with EOF.
        let (over, game) = mpsc::channel::<()>();
        let pid = Pid::from_raw(worker.id() as i32);
        let watchdog = thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = game.recv_timeout(JOIN_LIMIT) {
                // Safe: the worker is reaped only after this thread is joined.
                kill(pid, Signal::SIGKILL).ok();
            }
        });
        Ok(Echo {
            over,
            watchdog,
            to_echo,
            from_echo,
            worker,
        })
    }

    /// One byte out, and the same byte back.
    pub fn round_trip(&mut self) -> Result<(), Failed> {
        let mut ball = [1u8];
        self.to_echo
            .write_all(&ball)
            .and_then(|()| self.from_echo.read_exact(&mut ball))
            .map_err(|err| Failed(format!("the echo worker stopped playing: {err}")))
    }

    /// Ends the game: the worker reads EOF and ends, and is reaped.
    pub fn stop(self) -> Result<(), Failed> {
        let Echo {
            worker,
            to_echo,
            from_echo,
            over,
            watchdog,
        } = self;
        drop(over);
        watchdog.join().expect("the watchdog cannot panic");
        drop(to_echo);
        drop(from_echo);
        worker.join().map(drop)
    }
}

// ANCHOR: serve_echo
/// The worker side of [`process_round_trip`]: every byte read is written
/// straight back, until stdin closes.
pub fn serve_echo() -> ExitCode {
    let mut stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    let mut ball = [0u8];
    while stdin.read_exact(&mut ball).is_ok() {
        // stdout keeps what we write until a newline: flush sends it now.
        if stdout
            .write_all(&ball)
            .and_then(|()| stdout.flush())
            .is_err()
        {
            break;
        }
    }
    ExitCode::SUCCESS
}
// ANCHOR_END: serve_echo
