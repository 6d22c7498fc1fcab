//! Lesson 12 — distributed: processes on several machines.
//!
//! The tutorial's `taskmanager.py` puts ten random numbers on a task queue
//! that Python's `BaseManager` serves over TCP, protected by an `authkey`;
//! `taskworker.py`, on another machine, connects, takes each number, squares
//! it, and puts the answer on a result queue, which the manager prints.
//!
//! This port is one program with three ways to run it:
//! - `lesson-distributed`: the whole demo on this machine (a manager on a
//!   free loopback port, and worker processes started for you);
//! - `lesson-distributed manager --listen ADDR`: the manager alone;
//! - `lesson-distributed worker --connect ADDR`: a worker alone, on this
//!   machine or another.
//!
//! `task_manager` and `task_worker` below are the two Python programs. The
//! network is in modules: `protocol` (frames, typed messages, deadlines),
//! `auth` (the HMAC handshake), `queues` (the queues the manager owns, with
//! acknowledgements), `server` and `client` (the two ends), `demo` (the
//! demo's worker processes).

#[cfg(not(unix))]
compile_error!(
    "lesson-distributed runs on Linux and macOS only: its demo stops its worker \
     processes on Ctrl-C with Unix signals"
);

mod auth;
mod client;
mod demo;
mod protocol;
mod queues;
mod server;

use std::collections::HashSet;
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use shared::say;

use crate::auth::AuthKey;
use crate::client::{Got, RemoteQueues};
use crate::server::Manager;

// ANCHOR: cli
/// The environment variable that may hold the authkey.
pub const AUTHKEY_VAR: &str = "LESSON_AUTHKEY";

/// Python's distributed task manager and task worker, over TCP, with an authkey
#[derive(Parser)]
#[command(
    name = "lesson-distributed",
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true,
    after_help = "With no command: the whole demo on this machine, a manager on a free \
                  loopback port and worker processes, with a random authkey.\n\
                  In two terminals (or on two machines):\n  \
                  LESSON_AUTHKEY=secret cargo run -p lesson-distributed -- manager --listen 127.0.0.1:5000\n  \
                  LESSON_AUTHKEY=secret cargo run -p lesson-distributed -- worker --connect 127.0.0.1:5000"
)]
struct Cli {
    #[command(subcommand)]
    role: Option<Role>,
    #[command(flatten)]
    demo: DemoArgs,
}

#[derive(Subcommand)]
enum Role {
    /// The manager alone (taskmanager.py): puts the tasks, prints the results
    Manager(ManagerArgs),
    /// A worker alone (taskworker.py): takes tasks, squares them, puts the results
    Worker(WorkerArgs),
}

#[derive(Args)]
struct TaskArgs {
    /// Seed for the task numbers: the same seed gives the same numbers
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// How many tasks the manager puts
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    tasks: u32,
}

#[derive(Args)]
#[command(next_help_heading = "Options of the demo")]
struct DemoArgs {
    #[command(flatten)]
    tasks: TaskArgs,
    /// How many worker processes the demo starts
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=8))]
    workers: u32,
    /// How long a worker pauses on each task, in seconds (Python: time.sleep(1))
    #[arg(long, value_name = "SECONDS", default_value = "0.1", value_parser = seconds)]
    pause: Duration,
}

#[derive(Args)]
struct ManagerArgs {
    /// The address to listen on; 0.0.0.0:5000 accepts workers from other machines
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:5000")]
    listen: String,
    /// The shared secret. Safer in LESSON_AUTHKEY: a command line shows in `ps`
    #[arg(long, value_name = "KEY", env = AUTHKEY_VAR, hide_env_values = true)]
    authkey: Option<String>,
    #[command(flatten)]
    tasks: TaskArgs,
}

#[derive(Args)]
struct WorkerArgs {
    /// The manager's address
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:5000")]
    connect: String,
    /// The shared secret. Safer in LESSON_AUTHKEY: a command line shows in `ps`
    #[arg(long, value_name = "KEY", env = AUTHKEY_VAR, hide_env_values = true)]
    authkey: Option<String>,
    /// How long to pause on each task, in seconds (Python: time.sleep(1))
    #[arg(long, value_name = "SECONDS", default_value = "0.1", value_parser = seconds)]
    pause: Duration,
    /// The name at the start of this worker's lines
    #[arg(long, default_value = "worker")]
    name: String,
}
// ANCHOR_END: cli

fn main() -> ExitCode {
    let cli = Cli::try_parse().unwrap_or_else(|error| usage_error(error));
    let outcome = match cli.role {
        None => demo(cli.demo),
        Some(Role::Manager(args)) => {
            let key = authkey(args.authkey, "manager");
            let numbers = task_numbers(&args.tasks);
            task_manager(&args.listen, key, &numbers, None)
        }
        Some(Role::Worker(args)) => {
            let key = authkey(args.authkey, "worker");
            task_worker(&args.connect, &key, &args.name, args.pause)
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("error: {why}");
            ExitCode::FAILURE
        }
    }
}

// ANCHOR: demo
/// The whole demo on this machine: a manager on a free loopback port (port 0:
/// the kernel picks one), with a random authkey that only its workers get.
fn demo(args: DemoArgs) -> Result<(), String> {
    let key = AuthKey::random();
    let numbers = task_numbers(&args.tasks);
    let workers = (args.workers, args.pause);
    task_manager("127.0.0.1:0", key, &numbers, Some(workers))
}
// ANCHOR_END: demo

// ANCHOR: task_manager
/// How long the manager waits for each result (Python's tutorial: 10 s;
/// longer here, to leave you time to start a worker in another terminal).
const RESULT_WAIT: Duration = Duration::from_secs(30);

/// Python: taskmanager.py. With `demo_workers`, it also starts that many
/// worker processes, pausing that long on each task, once the tasks are in:
/// what you would otherwise do in another terminal.
fn task_manager(
    listen: &str,
    key: AuthKey,
    numbers: &[u64],
    demo_workers: Option<(u32, Duration)>,
) -> Result<(), String> {
    // Python: manager = QueueManager(address=('', 5000), authkey=b'abc'); manager.start()
    let manager = Manager::start(listen, key.clone())?;
    say!("Manager listening on {}", manager.address());
    // Python: task = manager.get_task_queue(); result = manager.get_result_queue()
    let (task, result) = (manager.task_queue(), manager.result_queue());

    for &n in numbers {
        say!("Put task {n}...");
        task.put(n); // Python: task.put(n)
    }
    task.close(); // not in Python: no more tasks will come, so workers can finish
    say!("Try get results...");

    let workers = match demo_workers {
        Some((count, pause)) => {
            let processes = if count == 1 { "process" } else { "processes" };
            say!("Starting {count} worker {processes}; the authkey goes in {AUTHKEY_VAR}");
            Some(demo::start_workers(count, manager.address(), &key, pause)?)
        }
        None => None,
    };

    let mut answered = HashSet::new();
    for _ in numbers {
        // Python: r = result.get(timeout=10)
        let done = result
            .recv_timeout(RESULT_WAIT)
            .map_err(|_| format!("no result within {RESULT_WAIT:?}: is a worker running?"))?;
        let n = done.task.n;
        say!("Result: {n} * {n} = {}", done.square); // Python: print('Result: %s' % r)
        answered.insert(done.task.id);
    }
    manager.shutdown(); // Python: manager.shutdown()
    if let Some(workers) = workers {
        workers.join()?;
    }
    say!(
        "Manager shut down: {} tasks, a result for {} of them.",
        numbers.len(),
        answered.len()
    );
    Ok(())
}
// ANCHOR_END: task_manager

// ANCHOR: task_worker
/// How long a worker waits for a task before it hears `Empty` (Python:
/// `task.get(timeout=1)`).
const TASK_WAIT: Duration = Duration::from_secs(1);

/// Python: taskworker.py.
fn task_worker(manager: &str, key: &AuthKey, name: &str, pause: Duration) -> Result<(), String> {
    say!("{name}: Connect to server {manager}...");
    // Python: m = QueueManager(address=(server_addr, 5000), authkey=b'abc'); m.connect()
    let (mut queues, form) = RemoteQueues::connect(manager, key)?;
    say!("{name}: connected, and each side proved it knows the authkey ({form})");
    loop {
        // Python: n = task.get(timeout=1)
        match queues.get(TASK_WAIT)? {
            Got::Task { id, n } => {
                say!("{name}: run task {n} * {n}...");
                let square = n
                    .checked_mul(n)
                    .ok_or_else(|| format!("task {n} is too large to square"))?;
                thread::sleep(pause); // Python: time.sleep(1)
                queues.put(id, square)?; // Python: result.put(r)
            }
            // Python: except Queue.Empty: print('task queue is empty.')
            Got::Empty => say!("{name}: task queue is empty."),
            // Not in Python, whose worker stops after ten tries.
            Got::Finished => break,
        }
    }
    say!("{name}: worker exit.");
    Ok(())
}
// ANCHOR_END: task_worker

// ANCHOR: numbers
/// Python: `n = random.randint(0, 10000)`, `count` times. With a seed, the
/// numbers come from Xoshiro256++, one of the generators whose algorithm the
/// `rand` crate keeps fixed ("portable"): with the versions in Cargo.lock, a
/// seed gives the same numbers on every machine. Without one, they come from
/// `rand::rng()`, a generator seeded by the operating system.
fn task_numbers(args: &TaskArgs) -> Vec<u64> {
    let count = args.tasks as usize;
    match args.seed {
        Some(seed) => draw(&mut Xoshiro256PlusPlus::seed_from_u64(seed), count),
        None => draw(&mut rand::rng(), count),
    }
}

fn draw(rng: &mut impl RngExt, count: usize) -> Vec<u64> {
    (0..count).map(|_| rng.random_range(0..=10_000)).collect()
}
// ANCHOR_END: numbers

// ANCHOR: authkey
/// The authkey from `--authkey` or `LESSON_AUTHKEY`. There is no default:
/// a manager with a key everybody knows protects nothing.
fn authkey(given: Option<String>, role: &str) -> AuthKey {
    let mut command = Cli::command();
    command.build(); // gives the subcommands their full names for the usage line
    let command = command
        .find_subcommand_mut(role)
        .expect("manager and worker are subcommands");
    let Some(text) = given else {
        command
            .error(
                ErrorKind::MissingRequiredArgument,
                format!(
                    "the {role} needs an authkey: set {AUTHKEY_VAR}=KEY (safer: \
                     a command line shows in `ps`), or pass --authkey KEY"
                ),
            )
            .exit()
    };
    AuthKey::new(&text).unwrap_or_else(|why| command.error(ErrorKind::InvalidValue, why).exit())
}
// ANCHOR_END: authkey

/// `--pause 0.5`: seconds, from 0 to 10.
fn seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(0.0..=10.0).contains(&seconds) {
        return Err("a pause is from 0 to 10 seconds".to_owned());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// A mistake on the command line: the message, the usage, and status 2.
fn usage_error(error: clap::Error) -> ! {
    if !error.use_stderr() {
        error.exit(); // --help: printed to stdout, status 0
    }
    let message = error.render().to_string();
    eprint!("{message}");
    // clap shows the usage for some mistakes only; a learner needs it for all.
    if !message.contains("Usage:") {
        eprintln!("\n{}", Cli::command().render_usage());
    }
    std::process::exit(2);
}
