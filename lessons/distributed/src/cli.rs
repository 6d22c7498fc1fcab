//! The command line: the roles and their flags. Python has none of this: the
//! tutorial's `taskmanager.py` writes its address and authkey into the code,
//! `address=('', 5000), authkey=b'abc'`, and so does `taskworker.py`.
//!
//! The authkey comes from `--authkey` or from `LESSON_AUTHKEY`, and never has
//! a default: a manager with a key everybody knows protects nothing.

use std::time::Duration;

use clap::error::ErrorKind;
use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::auth::AuthKey;

/// The environment variable that may hold the authkey.
pub const AUTHKEY_VAR: &str = "LESSON_AUTHKEY";

/// The environment variable that may hold a Redis worker's URL: with a
/// password in it, it does not belong on a command line.
pub const REDIS_URL_VAR: &str = "LESSON_REDIS_URL";

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
pub struct Cli {
    #[command(subcommand)]
    pub role: Option<Role>,
    #[command(flatten)]
    pub demo: DemoArgs,
}

// ANCHOR: roles
#[derive(Subcommand)]
pub enum Role {
    /// The manager alone (taskmanager.py): puts the tasks, prints the results
    Manager(ManagerArgs),
    /// A worker alone (taskworker.py): takes tasks, squares them, puts the results
    Worker(WorkerArgs),
    /// The same job on a real broker: the manager on Redis, with worker processes
    Redis(RedisArgs),
    /// A worker of the job on Redis
    RedisWorker(RedisWorkerArgs),
}

#[derive(Args)]
pub struct ManagerArgs {
    /// The address to listen on; 0.0.0.0:5000 accepts workers from other machines
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:5000")]
    pub listen: String,
    /// The shared secret. Safer in LESSON_AUTHKEY: a command line shows in `ps`
    #[arg(long, value_name = "KEY", env = AUTHKEY_VAR, hide_env_values = true)]
    pub authkey: Option<String>,
    #[command(flatten)]
    pub tasks: TaskArgs,
    /// How long a worker may hold a task without renewing it, in seconds
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = lease)]
    pub lease: Duration,
}

#[derive(Args)]
pub struct WorkerArgs {
    /// The manager's address
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:5000")]
    pub connect: String,
    /// The shared secret. Safer in LESSON_AUTHKEY: a command line shows in `ps`
    #[arg(long, value_name = "KEY", env = AUTHKEY_VAR, hide_env_values = true)]
    pub authkey: Option<String>,
    /// How long to pause on each task, in seconds (Python: time.sleep(1))
    #[arg(long, value_name = "SECONDS", default_value = "0.1", value_parser = seconds)]
    pub pause: Duration,
    /// The name at the start of this worker's lines
    #[arg(long, default_value = "worker")]
    pub name: String,
    /// The manager is Python's own BaseManager (python/taskmanager.py):
    /// speak its pickled method calls instead of the lesson's JSON
    #[arg(long)]
    pub python_manager: bool,
}
// ANCHOR_END: roles

// ANCHOR: redis_roles
#[derive(Args)]
pub struct RedisArgs {
    /// A running Redis to use, such as redis://127.0.0.1:6379/ (with a password:
    /// redis://:PASSWORD@HOST:PORT/). Without it: a private redis-server
    #[arg(long, value_name = "URL")]
    pub redis: Option<String>,
    /// How many Rust worker processes to start (0: none; start them yourself, redis-worker)
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(0..=8))]
    pub workers: u32,
    /// How many Python worker processes to start (python/redisworker.py; needs
    /// python3 with the redis package: python3 -m pip install redis)
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(u32).range(0..=8))]
    pub python_workers: u32,
    #[command(flatten)]
    pub tasks: TaskArgs,
    /// How long the workers it starts pause on each task, in seconds
    #[arg(long, value_name = "SECONDS", default_value = "0.1", value_parser = seconds)]
    pub pause: Duration,
    /// How long a worker may hold tasks without renewing its lease, in seconds
    #[arg(long, value_name = "SECONDS", default_value = "10", value_parser = lease)]
    pub lease: Duration,
}

#[derive(Args)]
pub struct RedisWorkerArgs {
    /// The Redis of the job. Safer in LESSON_REDIS_URL if it has a password:
    /// a command line shows in `ps`
    #[arg(long, value_name = "URL", env = REDIS_URL_VAR, hide_env_values = true,
          default_value = "redis://127.0.0.1:6379/")]
    pub redis: String,
    /// The name at the start of this worker's lines, unique among the job's
    /// workers [default: worker PID]
    #[arg(long)]
    pub name: Option<String>,
    /// How long to pause on each task, in seconds (Python: time.sleep(1))
    #[arg(long, value_name = "SECONDS", default_value = "0.1", value_parser = seconds)]
    pub pause: Duration,
}
// ANCHOR_END: redis_roles

#[derive(Args)]
pub struct TaskArgs {
    /// Seed for the task numbers: the same seed gives the same numbers
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// How many tasks the manager puts (as many as memory holds)
    #[arg(long, value_name = "N", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub tasks: u32,
}

#[derive(Args)]
#[command(next_help_heading = "Options of the demo")]
pub struct DemoArgs {
    #[command(flatten)]
    pub tasks: TaskArgs,
    /// How many worker processes the demo starts
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=8))]
    pub workers: u32,
    /// How long a worker pauses on each task, in seconds (Python: time.sleep(1))
    #[arg(long, value_name = "SECONDS", default_value = "0.1", value_parser = seconds)]
    pub pause: Duration,
}

// ANCHOR: authkey
/// The authkey from `--authkey` or `LESSON_AUTHKEY`. There is no default:
/// a manager with a key everybody knows protects nothing.
pub fn authkey(given: Option<String>, role: &str) -> AuthKey {
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
    AuthKey::new(&text)
        .unwrap_or_else(|why| command.error(ErrorKind::InvalidValue, why).exit())
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

/// `--lease 2`: seconds, more than 0 and less than the server's idle limit
/// (30 s), so that a silent worker's task comes back before its connection
/// is dropped (see the chapter's page on leases).
fn lease(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(seconds > 0.0 && seconds < 30.0) {
        return Err("a lease is more than 0 and less than 30 seconds".to_owned());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// A mistake on the command line: the message, the usage, and status 2.
pub fn usage_error(error: clap::Error) -> ! {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lease_is_more_than_0_and_less_than_30_seconds() {
        assert_eq!(lease("2"), Ok(Duration::from_secs(2)));
        assert_eq!(lease("0.25"), Ok(Duration::from_millis(250)));
        for refused in ["0", "-1", "30", "31", "NaN"] {
            assert!(lease(refused).is_err(), "--lease {refused} was accepted");
        }
        assert!(lease("two").unwrap_err().contains("not a number"));
    }

    #[test]
    fn a_pause_is_from_0_to_10_seconds() {
        assert_eq!(seconds("0"), Ok(Duration::ZERO));
        assert_eq!(seconds("10"), Ok(Duration::from_secs(10)));
        for refused in ["-0.5", "10.5", "NaN"] {
            assert!(seconds(refused).is_err(), "--pause {refused} was accepted");
        }
    }
}
