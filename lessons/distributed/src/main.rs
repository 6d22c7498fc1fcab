//! distributed: processes on several machines.
//!
//! Tutorial 003's `taskmanager.py` puts ten random numbers on a task queue
//! that Python's `BaseManager` serves over TCP, protected by an `authkey`;
//! `taskworker.py`, on another machine, connects, takes each number, squares
//! it, and puts the answer on a result queue, which the manager prints.
//!
//! This port is one program with three ways to run it:
//! - `lesson-distributed`: the whole demo on this machine (a manager on a
//!   free loopback port, and worker processes started for you);
//! - `lesson-distributed manager --listen ADDR`: the manager alone;
//! - `lesson-distributed worker --connect ADDR`: a worker alone, on this
//!   machine or another;
//! - `lesson-distributed redis`: the same job on a real broker, Redis (a
//!   private redis-server, or `--redis URL`), with worker processes;
//! - `lesson-distributed redis-worker --redis URL`: a worker of that job.
//!
//! The modules, one idea each: `tasks` (the two Python programs), `server`
//! and `client` (the two ends of a connection), `queues` (the queues the
//! manager owns, with acknowledgements), `protocol` (frames, typed messages,
//! deadlines), `auth` (the HMAC handshake), `demo` (the one-command demo and
//! its worker processes), `cli` (the command line); and on Redis:
//! `redis_tasks` (the manager and the worker), `broker` (keys, messages, a
//! patient connection), `redis_server` (a private redis-server).

#[cfg(not(unix))]
compile_error!(
    "lesson-distributed runs on Linux and macOS only: its demo stops its worker \
     processes on Ctrl-C with Unix signals"
);

mod auth;
mod basemanager;
mod broker;
mod cli;
mod client;
mod demo;
mod pickle;
mod protocol;
mod queues;
mod redis_server;
mod redis_tasks;
mod server;
mod tasks;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Role};
use crate::client::Dialect;

fn main() -> ExitCode {
    let cli = Cli::try_parse().unwrap_or_else(|error| cli::usage_error(error));
    let outcome = match cli.role {
        None => demo::demo(cli.demo),
        Some(Role::Manager(args)) => {
            let key = cli::authkey(args.authkey, "manager");
            tasks::task_numbers(&args.tasks).and_then(|numbers| {
                tasks::task_manager(&args.listen, key, &numbers, args.lease, None)
            })
        }
        Some(Role::Worker(args)) => {
            let key = cli::authkey(args.authkey, "worker");
            let dialect = match args.python_manager {
                true => Dialect::Python,
                false => Dialect::Json,
            };
            tasks::task_worker(&args.connect, &key, (&args.name, dialect), args.pause)
        }
        Some(Role::Redis(args)) => {
            // A missing prerequisite, like a missing authkey: status 2, before
            // anything starts.
            fn missing(why: String) -> std::path::PathBuf {
                eprintln!("error: {why}");
                std::process::exit(2)
            }
            let server = match args.redis {
                Some(_) => None,
                None => Some(redis_server::find_redis_server().unwrap_or_else(missing)),
            };
            let python = match args.python_workers {
                0 => None,
                _ => Some(redis_tasks::python_worker().unwrap_or_else(missing)),
            };
            redis_tasks::redis_manager(args, server, python)
        }
        Some(Role::RedisWorker(args)) => {
            let name =
                (args.name).unwrap_or_else(|| format!("worker {}", std::process::id()));
            redis_tasks::redis_worker(&args.redis, &name, args.pause)
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
