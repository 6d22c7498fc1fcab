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
//!
//! In the same run, the job on Redis beside the lesson's own manager: 10,000
//! tasks with 1, 2 and 4 workers each way, on a `redis-server` this command
//! starts on loopback (no persistence) and stops. Writes `measured-redis.md`.

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
/// The own manager against Redis: this many tasks, with these many workers.
const VERSUS_TASKS: u64 = 10_000;
const VERSUS_WORKERS: [usize; 3] = [1, 2, 4];
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

    /// How long one worker spends on one task: its round trips to the
    /// broker, since the task itself (squaring) costs nothing.
    fn per_task(&self) -> f64 {
        self.seconds * self.workers as f64 / self.tasks as f64
    }
}

/// Who holds the queues: the lesson's own manager, or Redis at a URL.
#[derive(Clone, Copy)]
enum Queues<'a> {
    Own,
    Redis(&'a str),
}

pub fn measure(out: Option<PathBuf>) -> Result {
    let began = Instant::now();
    let lesson = build_lesson("distributed")?;
    let mut jobs = Vec::new();
    for tasks in TASKS {
        for workers in WORKERS {
            let job = run_job(&lesson, tasks, workers, Queues::Own)?;
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

    let redis = RedisServer::start()?;
    let mut versus = Vec::new();
    for workers in VERSUS_WORKERS {
        for queues in [Queues::Own, Queues::Redis(&redis.url)] {
            let job = run_job(&lesson, VERSUS_TASKS, workers, queues)?;
            let name = match queues {
                Queues::Own => "own",
                Queues::Redis(_) => "Redis",
            };
            eprintln!(
                "{name}, {workers} workers: {:.0} tasks/s, {:.0} µs per task",
                job.per_second(),
                job.per_task() * 1e6
            );
            versus.push((job, name));
        }
    }
    let version = redis.version();
    drop(redis);
    let versus_path = out.join("measured-redis.md");
    write(
        &versus_path,
        &versus_page(&Machine::describe(cores), &version, &versus),
    )?;
    eprintln!("Wrote {}", versus_path.display());
    eprintln!(
        "Wrote {}\nMeasured in {:.0?}",
        path.display(),
        began.elapsed()
    );
    Ok(())
}

/// A manager with `tasks` tasks and `workers` workers, to the end of the job.
fn run_job(lesson: &Path, tasks: u64, workers: usize, queues: Queues) -> Result<Job> {
    let role = |role: &str| {
        let mut command = Command::new(lesson);
        command
            .arg(role)
            .env("LESSON_AUTHKEY", "measure")
            .stdin(Stdio::null());
        command
    };
    let count = tasks.to_string();
    let (manager_role, queue_args): (&str, Vec<&str>) = match queues {
        Queues::Own => ("manager", vec!["--listen", "127.0.0.1:0"]),
        Queues::Redis(url) => ("redis", vec!["--redis", url, "--workers", "0"]),
    };
    let mut manager = role(manager_role)
        .args(queue_args)
        .args(["--seed", "1", "--tasks", &count])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the manager: {e}"))?;
    // Our manager says where it listens; on Redis, the tasks are in when it
    // waits for results.
    let worker = match queues {
        Queues::Own => {
            let address = line_after(&mut manager, "Manager listening on ")?;
            ["worker", "--connect"]
                .map(str::to_owned)
                .into_iter()
                .chain([address])
        }
        Queues::Redis(url) => {
            line_after(&mut manager, "Try get results...")?;
            ["redis-worker", "--redis"]
                .map(str::to_owned)
                .into_iter()
                .chain([url.to_owned()])
        }
    }
    .collect::<Vec<String>>();
    let started = Instant::now();
    let mut crew: Vec<Child> = Vec::new();
    for number in 1..=workers {
        let worker = role(&worker[0])
            .args(&worker[1..])
            .args(["--pause", "0", "--name", &format!("w{number}")])
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

/// Reads the manager's lines until one starts with `prefix`, and returns the
/// rest of it; a thread then reads (and drops) the rest, so that the manager
/// never blocks on a full pipe.
fn line_after(manager: &mut Child, prefix: &'static str) -> Result<String> {
    let stdout = manager.stdout.take().expect("piped");
    let (found_tx, found) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(|l| l.ok()) {
            if let Some(rest) = line.strip_prefix(prefix) {
                found_tx.send(rest.trim().to_owned()).ok();
            }
        }
    });
    found
        .recv_timeout(Duration::from_secs(60))
        .map_err(|_| format!("the manager never printed {prefix:?}"))
}

/// A `redis-server` for the measurement: loopback, a free port, no
/// persistence, no password; stopped when dropped.
struct RedisServer {
    child: Child,
    url: String,
}

impl RedisServer {
    fn start() -> Result<RedisServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(std::env::temp_dir())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start redis-server ({e}): sudo apt-get install redis-server"
                )
            })?;
        let server = RedisServer {
            child,
            url: format!("redis://127.0.0.1:{port}/"),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while server.ask("PING").as_deref() != Some("+PONG") {
            if Instant::now() > deadline {
                return Err("redis-server did not answer PING".to_owned());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(server)
    }

    /// The first line of Redis's answer to `command` (`+PONG`).
    fn ask(&self, command: &str) -> Option<String> {
        use std::io::Write;
        let port = self.url.rsplit(':').next()?.trim_end_matches('/');
        let mut stream =
            std::net::TcpStream::connect(format!("127.0.0.1:{port}")).ok()?;
        stream.write_all(format!("{command}\r\n").as_bytes()).ok()?;
        let mut reader = BufReader::new(stream);
        let mut first = String::new();
        reader.read_line(&mut first).ok()?;
        Some(first.trim_end().to_owned())
    }

    /// `7.0.15`, from `redis-server --version` (`Redis server v=7.0.15 ...`).
    fn version(&self) -> String {
        let output = Command::new("redis-server").arg("--version").output();
        let text = output.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
        let text = text.unwrap_or_default();
        text.split_whitespace()
            .find_map(|word| word.strip_prefix("v="))
            .unwrap_or("(version unknown)")
            .to_owned()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// What both pages start with: how to write them again, when, where and by
/// what they were measured, and then `rest` of the sentence.
fn header(machine: &Machine, rest: &str) -> String {
    format!(
        "<!-- Written by `cargo xtask measure-distributed`. Run it again to \
         measure your own machine. -->\n\n\
         Measured on {} by `cargo xtask measure-distributed`: **{} cores** ({}), {}; \
         {} (release build){rest}\n\n",
        machine.date, machine.cores, machine.cpu, machine.os, machine.rustc
    )
}

/// The own manager against Redis, job by job.
fn versus_page(machine: &Machine, redis: &str, jobs: &[(Job, &str)]) -> String {
    let mut page = header(
        machine,
        &format!(
            "; Redis {redis} on loopback, without persistence. Each job is {} \
             tasks, on the lesson's own manager (own) or on Redis; \"per task\" \
             is the time one worker spends on one task, which here is nothing \
             but the round trips to the queues.",
            grouped(VERSUS_TASKS)
        ),
    );
    // Four short columns, so that the table fits a phone.
    page.push_str("| queues | workers | tasks/s | per task |\n");
    page.push_str("|---|--:|--:|--:|\n");
    for (job, queues) in jobs {
        let _ = writeln!(
            page,
            "| {queues} | {} | {} | {} |",
            job.workers,
            grouped(job.per_second().round() as u64),
            format_args!("{:.0}&nbsp;µs", job.per_task() * 1e6),
        );
    }
    page
}

/// The page: the machine, the command, and the table.
fn page(machine: &Machine, jobs: &[Job]) -> String {
    let mut page = header(
        machine,
        ". Each job runs on loopback; its time runs from the first worker's \
         start to the manager's exit, and includes printing every task and result.",
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

    #[test]
    fn the_versus_table_gives_the_time_per_task_of_one_worker() {
        let job = |workers, seconds| Job {
            tasks: 10_000,
            workers,
            seconds,
            manager_peak_kib: 0,
        };
        let jobs = [(job(1, 0.5), "own"), (job(4, 2.0), "Redis")];
        let page = versus_page(&Machine::for_tests(), "7.0.15", &jobs);
        assert!(page.contains("| own | 1 | 20,000 | 50&nbsp;µs |"), "{page}");
        assert!(
            page.contains("| Redis | 4 | 5,000 | 800&nbsp;µs |"),
            "{page}"
        );
        assert!(page.contains("Redis 7.0.15 on loopback"), "{page}");
    }
}
