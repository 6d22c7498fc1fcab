//! `cargo xtask measure-async`: lesson async_io's crowd of waiting threads or
//! tasks, measured on this machine, side by side with Python, and written
//! into the book.
//!
//! 1. Builds lesson-async_io in release and runs it in its hidden worker role
//!    `many` (see `lessons/async_io/src/many.rs`), once a crowd: 1,000 and
//!    10,000 OS threads, 1,000, 10,000 and 100,000 tokio tasks. Every member
//!    waits on a barrier; the worker prints one JSON line: its peak resident
//!    memory before the crowd and with all of it waiting, the time from the
//!    first spawn until all wait, and from letting them go until all are done.
//! 2. Runs `lessons/async_io/python/many.py` with `python3`, if there is one:
//!    the same crowds of `threading.Thread`s and asyncio tasks, printing the
//!    same line. Without `python3` the Python rows are left out, and the page
//!    says so.
//! 3. Writes `book/src/lessons/async_io/measured.md` (the machine, one table
//!    with Python beside Rust, the chart with its caption, why there are no
//!    100,000 threads, the aims with their verdicts), which the chapter
//!    includes; the chart of memory per waiting member against the crowd's
//!    size, as `many.svg` for the text column and `many-narrow.svg` for
//!    phones; and `measured.json`: the machine, the limits on threads and
//!    every record both programs printed, which the page and the charts are
//!    drawn from.
//!
//! Each crowd runs in a fresh process, so that the process's peak memory is
//! that crowd's; each is run `--repeats` times, round-robin, and the median
//! of each figure kept. Everything is bounded in time: a program that runs
//! past its limit is killed, and the task fails.
//!
//! With `--redraw` nothing is measured: `measured.md` and the charts are
//! drawn again from the `measured.json` in the output folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use plotters::prelude::*;
use serde_json::{Value, json};

use crate::measure::{
    self, Area, Edition, Layout, Line, Machine, NO_WRAP, cell, chart_builder,
    finish_chart, first_line, grid_style, grouped, json_text, run_with_limit,
    split_for_legend, write_charts,
};
use crate::{Result, workspace_root};

/// What `cargo xtask measure-async` is asked to do.
pub struct Options {
    /// How many times each crowd is measured; the median is kept.
    pub repeats: u32,
    /// Where the page and the charts go; default the chapter's folder.
    pub out: Option<PathBuf>,
}

/// Where the page and the charts go by default.
const CHAPTER: &str = "book/src/lessons/async_io";

/// The crowds, each measured in both languages: (way, how many).
const CROWDS: [(&str, u64); 5] = [
    ("threads", 1_000),
    ("threads", 10_000),
    ("tasks", 1_000),
    ("tasks", 10_000),
    ("tasks", 100_000),
];

/// The languages, in the order of the table's rows.
const LANGUAGES: [&str; 2] = ["rust", "python"];

/// What a waiting member is called on the page and in the chart's legend.
fn member(language: &str, way: &str) -> &'static str {
    member_in(Edition::English, language, way)
}

/// [`member`], in the words of `edition`'s charts.
fn member_in(edition: Edition, language: &str, way: &str) -> &'static str {
    let (english, chinese) = match (language, way) {
        ("rust", "threads") => ("OS thread", "操作系统线程"),
        ("rust", _) => ("tokio task", "tokio 任务"),
        (_, "threads") => ("Python thread", "Python 线程"),
        _ => ("asyncio task", "asyncio 任务"),
    };
    edition.words(english, chinese)
}

/// One crowd measured once, as either program prints it.
#[derive(Debug, Clone, PartialEq)]
struct Record {
    language: String,
    way: String,
    count: u64,
    before_kib: u64,
    peak_kib: u64,
    start_s: f64,
    finish_s: f64,
}

impl Record {
    /// A program's output: one JSON line.
    fn parse(output: &str) -> Result<Record> {
        let line = output.trim();
        let value: Value = serde_json::from_str(line)
            .map_err(|err| format!("not one JSON line ({err}): {line}"))?;
        Record::from_json(&value)
    }

    fn from_json(record: &Value) -> Result<Record> {
        let text = |key: &str| json_text(record, key);
        let whole = |key: &str| {
            record[key]
                .as_u64()
                .ok_or_else(|| format!("no whole number {key} in {record}"))
        };
        let seconds = |key: &str| {
            record[key]
                .as_f64()
                .filter(|s| *s >= 0.0)
                .ok_or_else(|| format!("no time {key} in {record}"))
        };
        let parsed = Record {
            language: text("language")?,
            way: text("way")?,
            count: whole("count")?,
            before_kib: whole("before_kib")?,
            peak_kib: whole("peak_kib")?,
            start_s: seconds("start_s")?,
            finish_s: seconds("finish_s")?,
        };
        if !LANGUAGES.contains(&parsed.language.as_str())
            || !["threads", "tasks"].contains(&parsed.way.as_str())
            || parsed.count == 0
        {
            return Err(format!("not a crowd of either program: {record}"));
        }
        Ok(parsed)
    }

    fn to_json(&self) -> Value {
        json!({
            "language": self.language,
            "way": self.way,
            "count": self.count,
            "before_kib": self.before_kib,
            "peak_kib": self.peak_kib,
            "start_s": self.start_s,
            "finish_s": self.finish_s,
        })
    }

    /// The memory each waiting member added to the peak, in KiB.
    fn each_kib(&self) -> f64 {
        self.peak_kib.saturating_sub(self.before_kib) as f64 / self.count as f64
    }
}

/// The middle value; the mean of the middle two for an even number.
fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// One crowd's figures: each the median of its runs.
#[derive(Debug, Clone, PartialEq)]
struct Figures {
    language: &'static str,
    way: &'static str,
    count: u64,
    runs: usize,
    each_kib: f64,
    start_s: f64,
    finish_s: f64,
}

/// The figures of every crowd measured, in the table's order: the crowds,
/// Rust before Python in each.
fn figures(records: &[Record]) -> Vec<Figures> {
    let mut all = Vec::new();
    for (way, count) in CROWDS {
        for language in LANGUAGES {
            let runs: Vec<&Record> = records
                .iter()
                .filter(|r| r.language == language && r.way == way && r.count == count)
                .collect();
            let middle = |figure: fn(&Record) -> f64| {
                median(runs.iter().map(|r| figure(r)).collect())
            };
            if let (Some(each_kib), Some(start_s), Some(finish_s)) = (
                middle(Record::each_kib),
                middle(|r| r.start_s),
                middle(|r| r.finish_s),
            ) {
                all.push(Figures {
                    language,
                    way,
                    count,
                    runs: runs.len(),
                    each_kib,
                    start_s,
                    finish_s,
                });
            }
        }
    }
    all
}

/// A memory figure for a table cell: `9.6&nbsp;KiB`, `0.57&nbsp;KiB`.
fn kib(value: f64) -> String {
    let decimals = match value {
        v if v >= 100.0 => 0,
        v if v >= 1.0 => 1,
        _ => 2,
    };
    format!("{value:.decimals$}&nbsp;KiB")
}

/// One of the machine's limits on threads, as read when measuring.
#[derive(Debug, Clone, PartialEq)]
struct Limit {
    /// What it limits, for the page.
    what: String,
    /// Where it was read.
    file: String,
    /// As read (`max`, `unlimited` or a number); `None`: not readable.
    value: Option<String>,
    /// How many of what it counts one thread takes.
    per_thread: u64,
}

impl Limit {
    fn read(what: &str, file: &str, per_thread: u64) -> Limit {
        Limit {
            what: what.to_owned(),
            file: file.to_owned(),
            value: std::fs::read_to_string(file)
                .ok()
                .map(|text| text.trim().to_owned()),
            per_thread,
        }
    }

    /// The limits on threads of this machine that can be read.
    fn of_this_machine() -> Vec<Limit> {
        let cgroup = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
        let pids_max = cgroup_pids_files(&cgroup)
            .into_iter()
            .map(|file| Limit::read("tasks in this cgroup", &file, 1))
            .find(|limit| limit.value.is_some())
            .unwrap_or_else(|| Limit {
                what: "tasks in this cgroup".to_owned(),
                file: cgroup_pids_files(&cgroup)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "/sys/fs/cgroup/…/pids.max".to_owned()),
                value: None,
                per_thread: 1,
            });
        let processes = std::fs::read_to_string("/proc/self/limits")
            .ok()
            .and_then(|limits| max_processes(&limits));
        vec![
            Limit::read(
                "threads in the whole system",
                "/proc/sys/kernel/threads-max",
                1,
            ),
            Limit::read(
                "ids for processes and threads, all processes together",
                "/proc/sys/kernel/pid_max",
                1,
            ),
            pids_max,
            Limit {
                what: "processes and threads of this user (`ulimit -u`)".to_owned(),
                file: "/proc/self/limits".to_owned(),
                value: processes,
                per_thread: 1,
            },
            Limit::read(
                "memory mappings in one process (a thread's stack and its guard page are two)",
                "/proc/sys/vm/max_map_count",
                2,
            ),
        ]
    }

    /// The threads it lets one process have, if it is a number.
    fn threads(&self) -> Option<u64> {
        let value: u64 = self.value.as_deref()?.parse().ok()?;
        Some(value / self.per_thread)
    }

    fn to_json(&self) -> Value {
        json!({
            "what": self.what,
            "file": self.file,
            "value": self.value,
            "per_thread": self.per_thread,
        })
    }

    fn from_json(limit: &Value) -> Result<Limit> {
        let text = |key: &str| json_text(limit, key);
        Ok(Limit {
            what: text("what")?,
            file: text("file")?,
            value: limit["value"].as_str().map(str::to_owned),
            per_thread: limit["per_thread"].as_u64().unwrap_or(1).max(1),
        })
    }
}

/// The `pids.max` files that may hold this process's cgroup limit, from
/// `/proc/self/cgroup`: cgroup v2 (`0::/path`) and v1 (`N:pids:/path`).
fn cgroup_pids_files(cgroup: &str) -> Vec<String> {
    cgroup
        .lines()
        .filter_map(|line| {
            let mut fields = line.splitn(3, ':');
            let (_, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
            let path = path.trim_end_matches('/');
            match controllers {
                "" => Some(format!("/sys/fs/cgroup{path}/pids.max")),
                c if c.split(',').any(|c| c == "pids") => {
                    Some(format!("/sys/fs/cgroup/pids{path}/pids.max"))
                }
                _ => None,
            }
        })
        .collect()
}

/// The soft limit on processes (`ulimit -u`) from `/proc/self/limits`.
fn max_processes(limits: &str) -> Option<String> {
    let line = limits.lines().find(|l| l.starts_with("Max processes"))?;
    line.trim_start_matches("Max processes")
        .split_whitespace()
        .next()
        .map(str::to_owned)
}

/// Everything measured (or read back), ready to be written.
struct Measured {
    machine: Machine,
    /// `CPython 3.11.7`; `None`: no `python3`.
    python: Option<String>,
    repeats: u32,
    limits: Vec<Limit>,
    records: Vec<Record>,
}

pub fn measure(options: &Options) -> Result {
    let started = Instant::now();
    let root = workspace_root();
    let out = options.out.clone().unwrap_or_else(|| root.join(CHAPTER));
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let repeats = options.repeats.max(1);
    let lesson = measure::build_lesson("async_io")?;
    let script = root.join("lessons/async_io/python/many.py");
    let mut python = first_line(Command::new("python3").args([
        "-c",
        "import platform; print(platform.python_implementation(), platform.python_version())",
    ]));
    if python.is_none() {
        eprintln!("no python3 on this machine: the Python rows are left out");
    }

    let mut records = Vec::new();
    for run in 1..=repeats {
        eprintln!("\n==> run {run} of {repeats}: each crowd in a process of its own");
        for (way, count) in CROWDS {
            for language in LANGUAGES {
                let mut command = match language {
                    "rust" => {
                        let mut command = Command::new(&lesson);
                        // The lesson's worker role `many` (many::ROLE there).
                        command.env(shared::worker::ROLE_VAR, "many");
                        command
                    }
                    _ if python.is_some() => {
                        let mut command = Command::new("python3");
                        command.arg(&script);
                        command
                    }
                    _ => continue,
                };
                command.args([way, &count.to_string()]);
                let Some(output) = run_with_limit(measure::LIMIT, &mut command)? else {
                    if language == "python" {
                        eprintln!(
                            "python3 cannot be started: the Python rows are left out"
                        );
                        python = None;
                        continue;
                    }
                    return Err(format!("cannot start {}", lesson.display()));
                };
                let record = Record::parse(&output)
                    .map_err(|err| format!("{language} {way} {count}: {err}"))?;
                if (record.language.as_str(), record.way.as_str(), record.count)
                    != (language, way, count)
                {
                    return Err(format!(
                        "asked for {language} {way} {count}, got {output}"
                    ));
                }
                eprintln!(
                    "{:>7} {:<13} {:>9} each, started in {:>9}, finished in {:>9}",
                    grouped(count),
                    member(language, way),
                    kib(record.each_kib()).replace("&nbsp;", " "),
                    measure::human(record.start_s),
                    measure::human(record.finish_s),
                );
                records.push(record);
            }
        }
    }
    if python.is_none() {
        records.retain(|r| r.language != "python");
    }

    let measured = Measured {
        machine: Machine::describe(cores),
        python,
        repeats,
        limits: Limit::of_this_machine(),
        records,
    };
    measure::write_data(&out, &measured.to_json())?;
    write_page_and_charts(&measured, &out)?;
    eprintln!("Measured in {:.0?}", started.elapsed());
    Ok(())
}

/// `measured.md` and the charts drawn again from `measured.json` in `out`
/// (default: the chapter's folder), without measuring anything.
pub fn redraw(out: Option<PathBuf>) -> Result {
    let out = out.unwrap_or_else(|| workspace_root().join(CHAPTER));
    let measured = measure::read_data(&out, "measure-async", Measured::parse)?;
    write_page_and_charts(&measured, &out)
}

/// Writes `measured.md`, `many.svg` and `many-narrow.svg` into `out`.
fn write_page_and_charts(measured: &Measured, out: &Path) -> Result {
    let page_path = out.join("measured.md");
    measure::write(&page_path, &measured.page())?;
    let charts = measured.charts(out)?;
    println!("{}", measured.table());
    println!("{}", measured.aims());
    eprintln!("\nWrote {}", page_path.display());
    for chart in charts {
        eprintln!("Wrote {}", chart.display());
    }
    Ok(())
}

/// For the text column, and for phones: the gil_efficiency chart's layouts.
const WIDE: Layout = Layout {
    file: "many.svg",
    ..measure::WIDE
};
const NARROW: Layout = Layout {
    file: "many-narrow.svg",
    ..measure::NARROW
};

impl Measured {
    fn to_json(&self) -> Value {
        json!({
            "about": "Written by `cargo xtask measure-async`, which draws measured.md \
                      and the charts from it; `cargo xtask measure-async --redraw` \
                      draws them again from this file without measuring.",
            "machine": self.machine.to_json(),
            "python": self.python,
            "repeats": self.repeats,
            "limits": self.limits.iter().map(Limit::to_json).collect::<Vec<_>>(),
            "records": self.records.iter().map(Record::to_json).collect::<Vec<_>>(),
        })
    }

    fn parse(text: &str) -> Result<Measured> {
        let data: Value = serde_json::from_str(text).map_err(|err| err.to_string())?;
        let list =
            |key: &str| data[key].as_array().ok_or_else(|| format!("no list {key}"));
        let measured = Measured {
            machine: Machine::from_json(&data["machine"])?,
            python: data["python"].as_str().map(str::to_owned),
            repeats: data["repeats"]
                .as_u64()
                .and_then(|r| u32::try_from(r).ok())
                .ok_or("no number repeats")?,
            limits: list("limits")?
                .iter()
                .map(Limit::from_json)
                .collect::<Result<_>>()?,
            records: list("records")?
                .iter()
                .map(Record::from_json)
                .collect::<Result<_>>()?,
        };
        if !measured.records.iter().any(|r| r.language == "rust") {
            return Err("no Rust records".to_owned());
        }
        Ok(measured)
    }

    fn find(&self, language: &str, way: &str, count: u64) -> Option<Figures> {
        figures(&self.records)
            .into_iter()
            .find(|f| f.language == language && f.way == way && f.count == count)
    }

    /// "the median of 3 runs"
    fn median_of(&self) -> String {
        match self.repeats {
            1 => "from 1 run".to_owned(),
            n => format!("the median of {n} runs"),
        }
    }

    /// The Markdown page, which the chapter includes under a heading of its
    /// own: no headings here.
    fn page(&self) -> String {
        let machine = &self.machine;
        let mut page = String::new();
        let w = &mut page;
        let _ = writeln!(
            w,
            "<!-- Written by `cargo xtask measure-async` from measured.json, measured on \
             {}. Run it again to measure your own machine. -->\n",
            machine.date
        );
        let python = match &self.python {
            Some(python) => {
                format!("{python} (`python3 lessons/async_io/python/many.py`)")
            }
            None => "no Python (`python3` was not found)".to_owned(),
        };
        let _ = writeln!(
            w,
            "Measured on {} by `cargo xtask measure-async`: **{} cores** ({}), {}; \
             {} (release build) and {python}.\n",
            machine.date, machine.cores, machine.cpu, machine.os, machine.rustc,
        );
        let _ = writeln!(
            w,
            "Each crowd waits in a process of its own, twice on a barrier: once when \
             all have started, and once more until the main code lets them go. \
             *Memory each* is the process's peak resident memory with the whole crowd \
             waiting, less its peak before the crowd (with the tokio runtime or the \
             asyncio event loop already running: their own cost is not a task's), \
             divided by the crowd's size; \
             *start* runs from the first spawn until all wait, *finish* from letting \
             them go until all have finished. Each figure is {}, each figure on its own. \
             The peak is the kernel's high-water mark of resident memory (`VmHWM` in \
             Rust, `ru_maxrss` in Python). A Python thread is an OS thread too, with the \
             interpreter's state besides.\n",
            self.median_of()
        );
        let _ = writeln!(
            w,
            "{}",
            measure::figure(&WIDE, &NARROW, &self.chart_alt(), &self.chart_caption())
        );
        let _ = writeln!(w, "{NO_WRAP}\n\n{}\n</div>\n", self.table());
        if self.python.is_none() {
            let _ = writeln!(
                w,
                "*No Python rows: `python3` was not found on the machine that measured \
                 this. Install it and run `cargo xtask measure-async` again.*\n"
            );
        }
        let _ = writeln!(w, "{}\n", self.no_hundred_thousand_threads());
        let _ = writeln!(w, "**The aims, measured:**\n\n{}", self.aims());
        page
    }

    /// The one table: a row for each way and size of crowd, Python under Rust.
    fn table(&self) -> String {
        let mut table = String::new();
        let w = &mut table;
        let _ = writeln!(
            w,
            "| each waiting | how many | memory each | start | finish |"
        );
        let _ = writeln!(w, "|---|--:|--:|--:|--:|");
        for f in figures(&self.records) {
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} |",
                member(f.language, f.way),
                grouped(f.count),
                kib(f.each_kib),
                cell(f.start_s),
                cell(f.finish_s)
            );
        }
        table
    }

    /// Why there is no row for 100,000 threads, with this machine's limits.
    fn no_hundred_thousand_threads(&self) -> String {
        let mut text = String::new();
        let w = &mut text;
        let _ = writeln!(
            w,
            "**No 100,000 threads.** Not tried: each thread is a kernel thread, with a \
             thread id, a stack of its own and a guard page under it, and the kernel \
             caps how many there may be. This machine's limits:\n"
        );
        for limit in &self.limits {
            let value = limit
                .value
                .as_deref()
                .map_or("not readable".to_owned(), |v| {
                    v.parse().map_or(format!("`{v}`"), grouped)
                });
            let _ = writeln!(w, "- {}: {value} (`{}`)", limit.what, limit.file);
        }
        let lowest = self.limits.iter().filter_map(Limit::threads).min();
        match lowest {
            Some(lowest) if lowest < 100_000 => {
                let _ = write!(
                    w,
                    "\nThe lowest of them lets one process have at most some {} threads, \
                     fewer than 100,000, whatever the memory.",
                    grouped(lowest)
                );
            }
            Some(lowest) => {
                let _ = write!(
                    w,
                    "\nHere the lowest of them, some {} threads, would let 100,000 start; \
                     they are still left out, so as not to crowd a shared machine.",
                    grouped(lowest)
                );
            }
            None => {
                let _ = write!(w, "\nNone of them could be read as a number here.");
            }
        }
        text
    }

    /// The aims of the lesson, each with its verdict, as a Markdown list.
    fn aims(&self) -> String {
        let mut text = String::new();
        let w = &mut text;
        let verdict = |met: bool| if met { "**met**" } else { "**not met**" };
        // The lesson's crowd first; the smaller one after it.
        let tasks_each = |count| self.find("rust", "tasks", count).map(|f| f.each_kib);
        let mut parts = Vec::new();
        for (count, which) in [(10_000, ", the lesson's crowd"), (1_000, "")] {
            let rust = |way| self.find("rust", way, count);
            let (Some(thread), Some(task)) = (rust("threads"), rust("tasks")) else {
                parts.push(format!("not measured at {}", grouped(count)));
                continue;
            };
            let times = thread.each_kib / task.each_kib;
            // Fewer tasks share the runtime's own threads and set-up.
            let shared = match (tasks_each(10_000), times >= 10.0) {
                (Some(larger), false) if count < 10_000 && task.each_kib > larger => {
                    ", where fewer tasks share the runtime's own threads and set-up"
                }
                _ => "",
            };
            parts.push(format!(
                "{} at {}{which}: {times:.1}× ({} against {}){shared}",
                verdict(times >= 10.0),
                grouped(count),
                kib(thread.each_kib),
                kib(task.each_kib)
            ));
        }
        let _ = writeln!(
            w,
            "- A waiting tokio task takes at least 10× less memory than a waiting OS \
             thread: {}.",
            parts.join("; ")
        );

        let aim = "- tokio ahead of asyncio in memory and in time (start and finish) at \
                   10,000 and 100,000 tasks";
        if self.python.is_none() {
            let _ = write!(w, "{aim}: **not measured**: `python3` was not found.");
            return text;
        }
        let mut parts = Vec::new();
        let mut all = true;
        for count in [10_000, 100_000] {
            let (Some(tokio), Some(asyncio)) = (
                self.find("rust", "tasks", count),
                self.find("python", "tasks", count),
            ) else {
                all = false;
                parts.push(format!("not measured at {}", grouped(count)));
                continue;
            };
            let memory = asyncio.each_kib / tokio.each_kib;
            let start = asyncio.start_s / tokio.start_s;
            let finish = asyncio.finish_s / tokio.finish_s;
            let met = memory > 1.0 && start > 1.0 && finish > 1.0;
            all &= met;
            parts.push(format!(
                "{} at {}: {memory:.1}× less memory ({} against {}), \
                 {start:.1}× faster to start ({} against {}), \
                 {finish:.1}× faster to finish ({} against {})",
                verdict(met),
                grouped(count),
                kib(tokio.each_kib),
                kib(asyncio.each_kib),
                cell(tokio.start_s),
                cell(asyncio.start_s),
                cell(tokio.finish_s),
                cell(asyncio.finish_s)
            ));
        }
        let _ = write!(w, "{aim}: {} overall; {}.", verdict(all), parts.join("; "));
        text
    }

    /// The chart's text alternative.
    fn chart_alt(&self) -> String {
        let series = match self.python {
            Some(_) => "OS threads, tokio tasks, Python threads and asyncio tasks",
            None => "OS threads and tokio tasks",
        };
        format!(
            "Line chart, log scales, of the memory each waiting member takes in KiB \
             against how many wait at once, 1,000 to 100,000, for {series}"
        )
    }

    /// The caption under the chart, in HTML.
    fn chart_caption(&self) -> String {
        let machine = &self.machine;
        format!(
            "<strong>The chart:</strong> the memory each waiting member takes, in KiB \
             (the peak resident memory with the crowd waiting, less the peak before it, \
             over the crowd's size), against how many wait at once, both on log scales. \
             No OS threads at 100,000 (see below). Each series has its own colour, \
             marker and dashes. Measured on {date} on {cores}&nbsp;cores ({cpu}) with \
             <code>cargo xtask measure-async</code>; each point is {median}.",
            date = machine.date,
            cores = machine.cores,
            cpu = machine.cpu,
            median = self.median_of()
        )
    }

    /// The charts, wide and narrow, of both editions: memory each against
    /// the crowd's size, a line per way. Their paths.
    fn charts(&self, out: &Path) -> Result<Vec<PathBuf>> {
        let mut paths = Vec::new();
        for edition in Edition::BOTH {
            paths.extend(self.charts_of(edition, out)?);
        }
        Ok(paths)
    }

    fn charts_of(&self, edition: Edition, out: &Path) -> Result<Vec<PathBuf>> {
        let all = figures(&self.records);
        let mut lines = Vec::new();
        for (nth, (language, way)) in [
            ("rust", "threads"),
            ("rust", "tasks"),
            ("python", "threads"),
            ("python", "tasks"),
        ]
        .into_iter()
        .enumerate()
        {
            let points: Vec<(usize, f64)> = all
                .iter()
                .filter(|f| f.language == language && f.way == way)
                // A log scale has no 0: an unmeasurably small figure sits at the bottom.
                .map(|f| (f.count as usize, f.each_kib.max(MIN_KIB)))
                .collect();
            let label = member_in(edition, language, way);
            if !points.is_empty() {
                lines.push(Line::series(nth, label, points));
            }
        }
        let no_python = match self.python {
            Some(_) => "",
            None => edition.words(" (no Python found)", "（未找到 Python）"),
        };
        let cores = self.machine.cores;
        write_charts(out, edition, [WIDE, NARROW], &lines, |root, layout| {
            let title = match (edition, layout.columns) {
                (Edition::English, 1) => format!("Memory per waiting member{no_python}"),
                (Edition::English, _) => {
                    format!("Memory per waiting member, {cores} cores{no_python}")
                }
                (Edition::Chinese, 1) => format!("每个等待者占用的内存{no_python}"),
                (Edition::Chinese, _) => {
                    format!("每个等待者占用的内存，{cores} 核{no_python}")
                }
            };
            let axes = [
                edition.words("waiting at once", "同时等待的数量"),
                edition.words("memory each (KiB)", "每个占用的内存（KiB）"),
            ];
            draw(root, layout, &title, axes, &lines)
        })
    }
}

/// The least memory each a log scale shows.
const MIN_KIB: f64 = 0.01;

/// Round ticks for a log scale from `low` to `high`: 1, 2 and 5 times the
/// powers of ten between them.
fn log_ticks(low: f64, high: f64) -> Vec<f64> {
    let mut ticks = Vec::new();
    let mut power = 10f64.powf(low.log10().floor());
    while power <= high {
        for m in [1.0, 2.0, 5.0] {
            let tick = m * power;
            if (low..=high).contains(&tick) {
                ticks.push(tick);
            }
        }
        power *= 10.0;
    }
    ticks
}

/// A tick's label: `0.2`, `5`, `20`.
fn tick_label(value: f64) -> String {
    if value >= 1.0 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').to_owned()
    }
}

fn draw(
    root: Area<'_>,
    layout: &Layout,
    title: &str,
    [x_axis, y_axis]: [&str; 2],
    lines: &[Line],
) -> measure::DrawResult {
    let (upper, legend) = split_for_legend(&root, layout)?;
    let (low, high) = measure::y_range(lines);
    let (low, high) = (low / 1.6, high * 1.6);
    let x = (500f64..200_000f64)
        .log_scale()
        .with_key_points(vec![1_000.0, 10_000.0, 100_000.0]);
    let y = (low..high)
        .log_scale()
        .with_key_points(log_ticks(low, high));
    let mut chart = chart_builder(&upper, title).build_cartesian_2d(x, y)?;
    let mut mesh = chart.configure_mesh();
    grid_style(&mut mesh);
    mesh.x_desc(x_axis)
        .y_desc(y_axis)
        .x_label_formatter(&|x| grouped(x.round() as u64))
        .y_label_formatter(&|y| tick_label(*y))
        .draw()?;
    finish_chart(&root, [&upper, &legend], layout, lines, |count, each| {
        chart.backend_coord(&(count as f64, each))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(language: &str, way: &str, count: u64, each: u64, start: f64) -> Record {
        Record {
            language: language.to_owned(),
            way: way.to_owned(),
            count,
            before_kib: 3_000,
            peak_kib: 3_000 + each * count,
            start_s: start,
            finish_s: start / 2.0,
        }
    }

    #[test]
    fn a_record_parses_as_either_program_prints_it() {
        let rust = r#"{"before_kib":2908,"count":10000,"finish_s":1.04,"language":"rust","peak_kib":98852,"start_s":0.51,"way":"threads"}"#;
        let parsed = Record::parse(&format!("{rust}\n")).unwrap();
        assert_eq!(
            (parsed.count, parsed.before_kib, parsed.peak_kib),
            (10_000, 2908, 98852)
        );
        assert!((parsed.each_kib() - 9.5944).abs() < 1e-9);
        let python = r#"{"language":"python","way":"tasks","count":1000,"before_kib":22308,"peak_kib":24612,"start_s":0.0078,"finish_s":0.0076}"#;
        let parsed = Record::parse(python).unwrap();
        assert_eq!(parsed.language, "python");
        assert!((parsed.each_kib() - 2.304).abs() < 1e-9);
        assert_eq!(Record::from_json(&parsed.to_json()).unwrap(), parsed);
        assert!(Record::parse("not json").is_err());
        assert!(Record::parse(r#"{"language":"rust"}"#).is_err());
        assert!(Record::parse(&python.replace("tasks", "fibers")).is_err());
        // A peak below the start (it cannot be) counts as nothing, not as a wrap.
        let mut odd = parsed;
        odd.peak_kib = 1;
        assert_eq!(odd.each_kib(), 0.0);
    }

    #[test]
    fn the_median_of_each_figure_is_kept() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), Some(2.5));
        let records = [
            record("rust", "tasks", 1_000, 1, 0.3),
            record("rust", "tasks", 1_000, 9, 0.1),
            record("rust", "tasks", 1_000, 2, 0.2),
            record("python", "threads", 1_000, 16, 0.2),
        ];
        let all = figures(&records);
        // The crowds' order: threads before tasks, Rust before Python.
        assert_eq!(
            all.iter()
                .map(|f| (f.language, f.way, f.runs))
                .collect::<Vec<_>>(),
            [("python", "threads", 1), ("rust", "tasks", 3)]
        );
        // Each figure's own median, not one run's.
        let tasks = &all[1];
        assert_eq!(
            (tasks.each_kib, tasks.start_s, tasks.finish_s),
            (2.0, 0.2, 0.1)
        );
    }

    fn sample(python: bool) -> Measured {
        let mut records = vec![
            record("rust", "threads", 1_000, 10, 0.05),
            record("rust", "threads", 10_000, 10, 0.5),
            record("rust", "tasks", 1_000, 2, 0.003),
            record("rust", "tasks", 10_000, 1, 0.01),
            record("rust", "tasks", 100_000, 1, 0.1),
        ];
        if python {
            records.extend([
                record("python", "threads", 1_000, 16, 0.2),
                record("python", "threads", 10_000, 16, 6.0),
                record("python", "tasks", 1_000, 2, 0.008),
                record("python", "tasks", 10_000, 2, 0.14),
                record("python", "tasks", 100_000, 2, 3.1),
            ]);
        }
        Measured {
            machine: Machine::for_tests(),
            python: python.then(|| "CPython 3.11.7".to_owned()),
            repeats: 3,
            limits: vec![
                Limit {
                    what: "threads in the whole system".to_owned(),
                    file: "/proc/sys/kernel/threads-max".to_owned(),
                    value: Some("192726".to_owned()),
                    per_thread: 1,
                },
                Limit {
                    what: "memory mappings".to_owned(),
                    file: "/proc/sys/vm/max_map_count".to_owned(),
                    value: Some("65530".to_owned()),
                    per_thread: 2,
                },
                Limit {
                    what: "tasks in this cgroup".to_owned(),
                    file: "pids.max".to_owned(),
                    value: None,
                    per_thread: 1,
                },
            ],
            records,
        }
    }

    #[test]
    fn the_table_puts_python_beside_rust_in_narrow_cells() {
        let measured = sample(true);
        let table = measured.table();
        let rows: Vec<&str> = table.lines().collect();
        assert_eq!(rows.len(), 2 + 10);
        assert_eq!(
            rows[2],
            "| OS thread | 1,000 | 10.0&nbsp;KiB | 50.0&nbsp;ms | 25.0&nbsp;ms |"
        );
        assert_eq!(
            rows[3],
            "| Python thread | 1,000 | 16.0&nbsp;KiB | 200.0&nbsp;ms | 100.0&nbsp;ms |"
        );
        assert_eq!(
            rows[11],
            "| asyncio task | 100,000 | 2.0&nbsp;KiB | 3.10&nbsp;s | 1.55&nbsp;s |"
        );
        assert!(rows.iter().all(|row| row.len() < 90), "{table}");
        assert_eq!(kib(0.5712), "0.57&nbsp;KiB");
        assert_eq!(kib(123.4), "123&nbsp;KiB");
    }

    #[test]
    fn the_page_gives_verdicts_and_draws_again_from_its_json() {
        let measured = sample(true);
        let page = measured.page();
        assert!(
            !page
                .lines()
                .any(|l| l.starts_with("# ") || l.starts_with("## "))
        );
        assert!(page.contains(NO_WRAP));
        assert!(
            page.contains(
                r#"<source media="(max-width: 600px)" srcset="many-narrow.svg">"#
            )
        );
        assert!(page.contains(r#"<img src="many.svg" alt="Line chart"#));
        // 10 KiB against 2 at 1,000 is 5×: not met; 10× at 10,000: met.
        assert!(page.contains(
            "thread: **met** at 10,000, the lesson's crowd: 10.0× (10.0&nbsp;KiB against \
             1.0&nbsp;KiB); **not met** at 1,000: 5.0× (10.0&nbsp;KiB against \
             2.0&nbsp;KiB), where fewer tasks share"
        ));
        assert!(page.contains("**met** at 100,000: 2.0× less memory"));
        // The lowest limit: 65,530 mappings, two a thread.
        assert!(page.contains("at most some 32,765 threads"));
        assert!(page.contains("tasks in this cgroup: not readable"));
        let again = Measured::parse(&measured.to_json().to_string()).unwrap();
        assert_eq!(again.page(), page);
        assert!(Measured::parse("{}").is_err());
        assert!(Measured::parse("not json").is_err());
    }

    #[test]
    fn without_python_the_page_says_so() {
        let measured = sample(false);
        let page = measured.page();
        assert!(page.contains("*No Python rows: `python3` was not found"));
        assert!(!page.contains("asyncio task |"));
        assert!(page.contains("tasks: **not measured**: `python3` was not found."));
        let again = Measured::parse(&measured.to_json().to_string()).unwrap();
        assert_eq!(again.page(), page);
    }

    #[test]
    fn the_pids_limit_is_looked_for_in_either_cgroup_version() {
        assert_eq!(
            cgroup_pids_files("0::/user.slice/session-1.scope\n"),
            ["/sys/fs/cgroup/user.slice/session-1.scope/pids.max"]
        );
        assert_eq!(
            cgroup_pids_files("8:pids:/\n4:memory:/x\n0::/\n"),
            ["/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/pids.max"]
        );
        let limits = "Limit  Soft Limit  Hard Limit  Units\n\
                      Max processes             96363                96363                processes\n";
        assert_eq!(max_processes(limits).as_deref(), Some("96363"));
    }

    #[test]
    fn the_charts_have_every_series_and_round_ticks() {
        assert_eq!(log_ticks(0.3, 25.0), [0.5, 1.0, 2.0, 5.0, 10.0, 20.0]);
        assert_eq!(tick_label(0.5), "0.5");
        assert_eq!(tick_label(20.0), "20");
        let measured = sample(true);
        let out = std::env::temp_dir()
            .join(format!("xtask-measure-async-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        let paths = measured.charts(&out).unwrap();
        let files = [
            "many.svg",
            "many-narrow.svg",
            "many.zh-CN.svg",
            "many-narrow.zh-CN.svg",
        ];
        assert_eq!(paths, files.map(|file| out.join(file)));
        let english = [
            "OS thread",
            "tokio task",
            "Python thread",
            "asyncio task",
            "10,000",
        ];
        let chinese = [
            "操作系统线程",
            "tokio 任务",
            "Python 线程",
            "asyncio 任务",
            "同时等待的数量",
        ];
        for (path, labels) in paths.iter().zip([english, english, chinese, chinese]) {
            let svg = std::fs::read_to_string(path).unwrap();
            for label in labels {
                assert!(svg.contains(label), "no {label} in {}", path.display());
            }
        }
        std::fs::remove_dir_all(&out).unwrap();
    }
}
