//! `cargo xtask measure-distributed`: how fast lesson distributed's manager
//! and workers get through a job, and how much memory the manager needs, on
//! this machine, written into the book.
//!
//! Builds lesson-distributed in release, then for 1,000 and 100,000 tasks
//! and 1, 2, 4 and 8 workers, on loopback: starts a manager, waits for its
//! address, starts the workers (no pause on a task), and times the job from
//! the first worker's start to the manager's exit. The manager's peak
//! resident memory (`VmHWM`) is read from `/proc` while it runs; its last
//! reading before the exit is the peak. Writes
//! `book/src/lessons/distributed/measured.md`, which the chapter includes.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::measure::{Machine, build_lesson, cell, grouped, write};
use crate::{Result, workspace_root};

/// Where the page goes.
const CHAPTER: &str = "book/src/lessons/distributed";
const TASKS: [u64; 2] = [1_000, 100_000];
const WORKERS: [usize; 4] = [1, 2, 4, 8];
/// The longest one job may take.
const LIMIT: Duration = Duration::from_secs(300);

/// One job, measured.
#[derive(Debug, Clone, PartialEq)]
struct Job {
    tasks: u64,
    workers: usize,
    seconds: f64,
    manager_peak_kib: u64,
}

impl Job {
    fn per_second(&self) -> f64 {
        self.tasks as f64 / self.seconds
    }
}

pub fn measure(out: Option<PathBuf>) -> Result {
    let began = Instant::now();
    let lesson = build_lesson("distributed")?;
    let mut jobs = Vec::new();
    for tasks in TASKS {
        for workers in WORKERS {
            let job = run_job(&lesson, tasks, workers)?;
            eprintln!(
                "{tasks} tasks, {workers} workers: {:.2} s, {:.0} tasks/s, manager {} KiB",
                job.seconds,
                job.per_second(),
                job.manager_peak_kib
            );
            jobs.push(job);
        }
    }
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let page = page(&Machine::describe(cores), &jobs);
    let out = out.unwrap_or_else(|| workspace_root().join(CHAPTER));
    let path = out.join("measured.md");
    write(&path, &page)?;
    eprintln!(
        "Wrote {}\nMeasured in {:.0?}",
        path.display(),
        began.elapsed()
    );
    Ok(())
}

/// A manager with `tasks` tasks and `workers` workers, to the end of the job.
fn run_job(lesson: &Path, tasks: u64, workers: usize) -> Result<Job> {
    let role = |role: &str| {
        let mut command = Command::new(lesson);
        command
            .arg(role)
            .env("LESSON_AUTHKEY", "measure")
            .stdin(Stdio::null());
        command
    };
    let mut manager = role("manager")
        .args([
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "1",
            "--tasks",
            &tasks.to_string(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the manager: {e}"))?;
    let address = listening_on(&mut manager)?;
    let started = Instant::now();
    let mut crew: Vec<Child> = Vec::new();
    for number in 1..=workers {
        let worker = role("worker")
            .args([
                "--connect",
                &address,
                "--pause",
                "0",
                "--name",
                &format!("w{number}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start a worker: {e}"))?;
        crew.push(worker);
    }
    let mut peak_kib = 0;
    let status = loop {
        if let Ok(kib) = shared::os::peak_rss_kib_of(manager.id()) {
            peak_kib = kib;
        }
        match manager.try_wait().map_err(|e| e.to_string())? {
            Some(status) => break status,
            None if started.elapsed() < LIMIT => {
                std::thread::sleep(Duration::from_millis(10))
            }
            None => {
                for child in crew.iter_mut().chain([&mut manager]) {
                    child.kill().ok();
                    child.wait().ok();
                }
                return Err(format!("{tasks} tasks, {workers} workers: past {LIMIT:?}"));
            }
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    for mut worker in crew {
        worker.wait().map_err(|e| e.to_string())?;
    }
    if !status.success() {
        return Err(format!("the manager failed ({status})"));
    }
    Ok(Job {
        tasks,
        workers,
        seconds,
        manager_peak_kib: peak_kib,
    })
}

/// Reads the manager's lines until it says where it listens; a thread then
/// reads (and drops) the rest, so that the manager never blocks on a full pipe.
fn listening_on(manager: &mut Child) -> Result<String> {
    let stdout = manager.stdout.take().expect("piped");
    let (address_tx, address) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
            if let Some(rest) = line.strip_prefix("Manager listening on ") {
                address_tx.send(rest.trim().to_owned()).ok();
            }
        }
    });
    address
        .recv_timeout(Duration::from_secs(30))
        .map_err(|_| "the manager never said where it listens".to_owned())
}

/// The page: the machine, the command, and the table.
fn page(machine: &Machine, jobs: &[Job]) -> String {
    let mut page = String::new();
    let _ = writeln!(
        page,
        "<!-- Written by `cargo xtask measure-distributed`. Run it again to \
         measure your own machine. -->\n\n\
         Measured on {} by `cargo xtask measure-distributed`: **{} cores** ({}), {}; \
         {} (release build). Each job runs on loopback; its time runs from \
         the first worker's start to the manager's exit, and includes printing \
         every task and result.\n",
        machine.date, machine.cores, machine.cpu, machine.os, machine.rustc
    );
    page.push_str("| tasks | workers | time | tasks/s | manager's peak memory |\n");
    page.push_str("|--:|--:|--:|--:|--:|\n");
    for job in jobs {
        let _ = writeln!(
            page,
            "| {} | {} | {} | {} | {}&nbsp;MiB |",
            grouped(job.tasks),
            job.workers,
            cell(job.seconds),
            grouped(job.per_second().round() as u64),
            format_args!("{:.1}", job.manager_peak_kib as f64 / 1024.0),
        );
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_row_per_job_with_its_rate() {
        let jobs = [
            Job {
                tasks: 1_000,
                workers: 1,
                seconds: 0.5,
                manager_peak_kib: 2048,
            },
            Job {
                tasks: 100_000,
                workers: 8,
                seconds: 4.0,
                manager_peak_kib: 51_200,
            },
        ];
        let page = page(&Machine::for_tests(), &jobs);
        assert!(
            page.contains("| 1,000 | 1 | 500.0&nbsp;ms | 2,000 | 2.0&nbsp;MiB |"),
            "{page}"
        );
        assert!(
            page.contains("| 100,000 | 8 | 4.00&nbsp;s | 25,000 | 50.0&nbsp;MiB |"),
            "{page}"
        );
        assert!(page.contains("**2 cores** (Test CPU)"), "{page}");
    }
}
