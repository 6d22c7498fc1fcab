//! `cargo xtask measure`: the claims of lesson gil_efficiency, measured on
//! this machine, side by side with Python, and written into the book.
//!
//! 1. Builds lesson-gil_efficiency in release and runs it in its hidden
//!    worker role `measure` (see `lessons/gil_efficiency/src/measure.rs`):
//!    Σ(i + i² + i³) for i < N plainly and split among 1..2×cores threads
//!    and processes, the same plain job at Python's N, the loop without
//!    `black_box`, and the costs of starting and switching.
//! 2. Runs `lessons/gil_efficiency/python/workloads.py` with `python3`, if
//!    there is one: the same job, plainly, with `threading` and with
//!    `multiprocessing.Pool`. Without `python3` the Python figures are left
//!    out, and the page says so.
//! 3. Writes `book/src/lessons/gil_efficiency/measured.md` (the machine, the
//!    tables, the chart with its caption, the figures the lesson aims for),
//!    which the chapter includes; the chart of speedup against workers, drawn
//!    with plotters, as `speedup.svg` for the text column and
//!    `speedup-narrow.svg` for phones; and `measured.json`: the machine, the
//!    options and every record both programs printed, which the page and the
//!    charts are drawn from.
//!
//! Both programs print JSON lines of the same shape; each run is repeated and
//! the fastest repetition kept. Everything is bounded in time: a program that
//! runs past its limit is killed, and the task fails.
//!
//! **Redrawing without measuring.** With `--redraw`,
//! `cargo xtask measure` measures nothing: it reads `measured.json` from the
//! output folder and writes `measured.md` and the charts again (after a
//! change to how they are drawn; a fresh measurement on a busy machine would
//! only add noise).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters::style::text_anchor;
use serde_json::{Value, json};

use crate::{Result, cargo, workspace_root};

/// What `cargo xtask measure` is asked to do.
pub struct Options {
    /// n for the Rust runs: large, so that the work dwarfs starting processes.
    pub rust_n: u64,
    /// n for the Python runs (CPython is some hundred times slower per step).
    pub python_n: u64,
    pub rust_repeats: u32,
    pub python_repeats: u32,
    /// Workers from 1 to this; default twice the number of cores.
    pub max_workers: Option<usize>,
    /// Where the page and the chart go; default the chapter's folder.
    pub out: Option<PathBuf>,
}

/// The longest each program may run.
pub(crate) const LIMIT: Duration = Duration::from_secs(300);

/// One measured run: a way of doing the job with some workers.
#[derive(Debug, Clone)]
struct Run {
    way: String,
    workers: usize,
    n: u64,
    wall: f64,
    cpu: f64,
}

/// What one language's program reported.
#[derive(Debug, Default)]
struct Report {
    info: BTreeMap<String, Value>,
    runs: Vec<Run>,
    costs: BTreeMap<String, f64>,
    /// The records as the program printed them, kept in `measured.json`.
    records: Vec<Value>,
}

impl Report {
    /// A program's output: one JSON record per line.
    fn parse(lang: &str, output: &str) -> Result<Report> {
        let records = output
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|line| {
                serde_json::from_str(line)
                    .map_err(|err| format!("{lang}: not a JSON line ({err}): {line}"))
            })
            .collect::<Result<Vec<Value>>>()?;
        Report::from_records(lang, records)
    }

    fn from_records(lang: &str, records: Vec<Value>) -> Result<Report> {
        let mut report = Report::default();
        for record in &records {
            let line = record.to_string();
            let text = |key: &str| record[key].as_str().unwrap_or_default().to_owned();
            let number = |key: &str| {
                record[key]
                    .as_f64()
                    .ok_or_else(|| format!("{lang}: no number {key} in {line}"))
            };
            match record["kind"].as_str() {
                Some("info") => {
                    if let Value::Object(map) = &record {
                        report.info.extend(map.clone());
                    }
                }
                Some("run") => report.runs.push(Run {
                    way: text("way"),
                    workers: number("workers")? as usize,
                    n: number("n")? as u64,
                    wall: number("wall_s")?,
                    cpu: number("cpu_s")?,
                }),
                Some("cost") => {
                    report.costs.insert(text("what"), number("seconds")?);
                }
                _ => return Err(format!("{lang}: unknown record {line}")),
            }
        }
        report.records = records;
        Ok(report)
    }

    fn find(&self, way: &str, workers: usize, n: u64) -> Option<&Run> {
        self.runs
            .iter()
            .find(|r| r.way == way && r.workers == workers && r.n == n)
    }

    /// The plain run at `n`, which speedups are measured against.
    fn plain(&self, n: u64) -> Result<&Run> {
        self.find("plain", 1, n)
            .ok_or_else(|| format!("no plain run for n = {n}"))
    }

    /// (workers, speedup over plain) for `way` at `n`.
    fn speedups(&self, way: &str, n: u64) -> Result<Vec<(usize, f64)>> {
        let plain = self.plain(n)?.wall;
        Ok(self
            .runs
            .iter()
            .filter(|r| r.way == way && r.n == n)
            .map(|r| (r.workers, plain / r.wall))
            .collect())
    }
}

pub fn measure(options: &Options) -> Result {
    let root = workspace_root();
    let out = options.out.clone().unwrap_or_else(|| root.join(CHAPTER));
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let max_workers = options.max_workers.unwrap_or(2 * cores).max(1);

    let lesson = build_lesson("gil_efficiency")?;
    eprintln!(
        "\n==> Rust: n = {}, 1 to {max_workers} workers, best of {}",
        options.rust_n, options.rust_repeats
    );
    let rust_output = run_with_limit(
        LIMIT,
        Command::new(&lesson)
            .env("LESSON_WORKER", "measure")
            .arg(options.rust_n.to_string())
            .arg(max_workers.to_string())
            .arg(options.rust_repeats.to_string())
            .arg(options.python_n.to_string()),
    )?
    .ok_or_else(|| format!("cannot start {}", lesson.display()))?;
    let rust = Report::parse("rust", &rust_output)?;

    let script = root.join("lessons/gil_efficiency/python/workloads.py");
    eprintln!(
        "\n==> Python: n = {}, 1 to {max_workers} workers, best of {}",
        options.python_n, options.python_repeats
    );
    let python = match run_with_limit(
        LIMIT,
        Command::new("python3")
            .arg(&script)
            .arg("--n")
            .arg(options.python_n.to_string())
            .arg("--max-workers")
            .arg(max_workers.to_string())
            .arg("--repeats")
            .arg(options.python_repeats.to_string()),
    )? {
        Some(output) => Some(Report::parse("python", &output)?),
        None => {
            eprintln!("no python3 on this machine: the Python figures are left out");
            None
        }
    };

    let measured = Measured {
        machine: Machine::describe(cores),
        options,
        max_workers,
        rust,
        python,
    };
    write_data(&out, &measured.to_json())?;
    write_page_and_chart(&measured, &out)
}

/// The file beside the page that keeps everything measured.
const DATA: &str = "measured.json";

/// Writes `data` into `measured.json` in `out`, making the folder if need be.
pub(crate) fn write_data(out: &Path, data: &Value) -> Result {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let path = out.join(DATA);
    let text = serde_json::to_string_pretty(data)
        .map_err(|err| format!("{}: {err}", path.display()))?;
    write(&path, &(text + "\n"))
}

/// Reads `measured.json` in `out` back with `parse`, for `cargo xtask
/// {task} --redraw`.
pub(crate) fn read_data<T>(
    out: &Path,
    task: &str,
    parse: impl FnOnce(&str) -> Result<T>,
) -> Result<T> {
    let path = out.join(DATA);
    let text = std::fs::read_to_string(&path).map_err(|err| {
        format!(
            "{}: {err} (run `cargo xtask {task}` once to measure)",
            path.display()
        )
    })?;
    let data = parse(&text).map_err(|err| format!("{}: {err}", path.display()))?;
    eprintln!("==> redrawing from {}", path.display());
    Ok(data)
}

/// Writes `measured.md` and the charts of both editions (`speedup.svg`,
/// `speedup-narrow.svg`, and their `.zh-CN.svg` twins) into `out`.
fn write_page_and_chart(measured: &Measured, out: &Path) -> Result {
    let page_path = out.join("measured.md");
    write(&page_path, &measured.page()?)?;
    let charts = measured.charts(out)?;
    println!("{}", measured.aims()?);
    eprintln!("\nWrote {}", page_path.display());
    for chart in charts {
        eprintln!("Wrote {}", chart.display());
    }
    Ok(())
}

pub(crate) fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// `measured.md` and the charts drawn again from `measured.json` in `out`
/// (default: the chapter's folder), without measuring anything.
pub fn redraw(out: Option<PathBuf>) -> Result {
    let out = out.unwrap_or_else(|| workspace_root().join(CHAPTER));
    let saved = read_data(&out, "measure", Saved::parse)?;
    let measured = Measured {
        machine: saved.machine,
        options: &saved.options,
        max_workers: saved.max_workers,
        rust: saved.rust,
        python: saved.python,
    };
    write_page_and_chart(&measured, &out)
}

/// Where the page and the chart go by default.
const CHAPTER: &str = "book/src/lessons/gil_efficiency";

/// What `measured.json` holds, read back.
struct Saved {
    machine: Machine,
    options: Options,
    max_workers: usize,
    rust: Report,
    python: Option<Report>,
}

impl Saved {
    fn parse(text: &str) -> Result<Saved> {
        let data: Value = serde_json::from_str(text).map_err(|err| err.to_string())?;
        let number = |section: &str, key: &str| {
            data[section][key]
                .as_u64()
                .ok_or_else(|| format!("no number {section}.{key}"))
        };
        let records = |lang: &str| -> Result<Option<Report>> {
            match &data[lang] {
                Value::Null => Ok(None),
                Value::Array(records) => {
                    Report::from_records(lang, records.clone()).map(Some)
                }
                _ => Err(format!("{lang}: not a list of records")),
            }
        };
        let repeats = |key: &str| -> Result<u32> {
            u32::try_from(number("options", key)?).map_err(|err| format!("{key}: {err}"))
        };
        Ok(Saved {
            machine: Machine::from_json(&data["machine"])?,
            options: Options {
                rust_n: number("options", "rust_n")?,
                python_n: number("options", "python_n")?,
                rust_repeats: repeats("rust_repeats")?,
                python_repeats: repeats("python_repeats")?,
                max_workers: None,
                out: None,
            },
            max_workers: data["max_workers"]
                .as_u64()
                .ok_or("no number max_workers")? as usize,
            rust: records("rust")?.ok_or("no Rust records")?,
            python: records("python")?,
        })
    }
}

/// Builds lesson-`lesson` in release; the path of its executable.
pub(crate) fn build_lesson(lesson: &str) -> Result<PathBuf> {
    let package = format!("lesson-{lesson}");
    eprintln!("\n==> cargo build --release -p {package}");
    let output = cargo()
        .args([
            "build",
            "--release",
            "--package",
            &package,
            "--bin",
            &package,
        ])
        .arg("--message-format=json-render-diagnostics")
        .stderr(Stdio::inherit())
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if !output.status.success() {
        return Err(format!("building {package} failed ({})", output.status));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| {
            m["reason"] == "compiler-artifact" && m["target"]["name"] == package.as_str()
        })
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| format!("cargo built no {package} executable"))
}

/// Runs `command` to its end, at most `limit`, and returns its stdout;
/// `None` if the program does not exist. Its stderr goes to ours.
pub(crate) fn run_with_limit(
    limit: Duration,
    command: &mut Command,
) -> Result<Option<String>> {
    let mut child = match command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
    {
        Ok(child) => child,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(format!("cannot start {command:?}: {err}")),
    };
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => {
                child.kill().ok();
                child.wait().ok();
                return Err(format!("{command:?} ran past {limit:?}: killed"));
            }
        }
    };
    let text = reader
        .join()
        .map_err(|_| "the reader thread panicked".to_owned())?
        .map_err(|err| format!("reading the output of {command:?}: {err}"))?;
    if !status.success() {
        return Err(format!("{command:?} failed ({status})"));
    }
    Ok(Some(text))
}

/// The text under `key` in a JSON object.
pub(crate) fn json_text(object: &Value, key: &str) -> Result<String> {
    object[key]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no text {key} in {object}"))
}

/// What the page says about the machine.
pub(crate) struct Machine {
    pub(crate) cores: usize,
    pub(crate) cpu: String,
    pub(crate) os: String,
    pub(crate) date: String,
    pub(crate) rustc: String,
}

impl Machine {
    pub(crate) fn describe(cores: usize) -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, name)| name.trim().to_owned())
            })
            .or_else(|| {
                first_line(
                    Command::new("sysctl").args(["-n", "machdep.cpu.brand_string"]),
                )
            })
            .unwrap_or_else(|| "unknown CPU".to_owned());
        let os = first_line(Command::new("uname").args(["-sr"]))
            .unwrap_or_else(|| std::env::consts::OS.to_owned());
        let rustc = first_line(Command::new("rustc").arg("--version"))
            .unwrap_or_else(|| "rustc".to_owned());
        Machine {
            cores,
            cpu,
            os,
            date: today(),
            rustc,
        }
    }

    /// A made-up machine, for the tests of the pages.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Machine {
        Machine {
            cores: 2,
            cpu: "Test CPU".to_owned(),
            os: "Linux 6.1".to_owned(),
            date: "2026-01-02".to_owned(),
            rustc: "rustc 1.95.0".to_owned(),
        }
    }

    /// How `measured.json` keeps it.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "date": self.date,
            "cores": self.cores,
            "cpu": self.cpu,
            "os": self.os,
            "rustc": self.rustc,
        })
    }

    /// Read back from `measured.json`.
    pub(crate) fn from_json(machine: &Value) -> Result<Machine> {
        let text = |key: &str| json_text(machine, key);
        Ok(Machine {
            cores: machine["cores"].as_u64().ok_or("no number machine.cores")? as usize,
            cpu: text("cpu")?,
            os: text("os")?,
            date: text("date")?,
            rustc: text("rustc")?,
        })
    }
}

pub(crate) fn first_line(command: &mut Command) -> Option<String> {
    let output = command.stderr(Stdio::null()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.to_owned())
}

/// Today's date (UTC) as YYYY-MM-DD, from the days since 1970-01-01.
fn today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// Everything measured, ready to be written.
struct Measured<'a> {
    machine: Machine,
    options: &'a Options,
    max_workers: usize,
    rust: Report,
    python: Option<Report>,
}

/// A time in seconds, for people: `412 ms`, `38.2 µs`, `1.25 s`.
pub(crate) fn human(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 1e-3 {
        format!("{:.1} ms", seconds * 1e3)
    } else if seconds >= 1e-6 {
        format!("{:.1} µs", seconds * 1e6)
    } else {
        format!("{:.0} ns", seconds * 1e9)
    }
}

/// Opens a block whose tables never wrap a cell: on a narrow screen they
/// scroll sideways instead of breaking `327.5 ms` or `processes` in pieces.
/// (Markdown goes on inside it after a blank line; `</div>` closes it.)
pub(crate) const NO_WRAP: &str = r#"<div style="white-space: nowrap">"#;

/// A time for a table cell or a sentence: `412&nbsp;ms`, never wrapped
/// between the number and its unit.
pub(crate) fn cell(seconds: f64) -> String {
    human(seconds).replace(' ', "&nbsp;")
}

/// The chart as a figure with its caption: the `wide` one in the text
/// column, and on a phone the `narrow` one, where the wide one would shrink
/// its labels to a few pixels. The picture and the caption are paragraphs of
/// their own, not one block of HTML, so that the translation reaches them: the
/// Chinese edition's message names its own charts (`speedup.zh-CN.svg`) and
/// translates the description and the caption.
pub(crate) fn figure(wide: &Layout, narrow: &Layout, alt: &str, caption: &str) -> String {
    format!(
        "<figure>\n\n<picture>\
         <source media=\"(max-width: 600px)\" srcset=\"{}\">\
         <img src=\"{}\" alt=\"{alt}\"></picture>\n\n\
         <figcaption>\n\n{caption}\n\n</figcaption>\n</figure>\n",
        narrow.file, wide.file,
    )
}

/// The book's two editions. Each has its own charts, whose words are in its
/// language: `speedup.svg`, and `speedup.zh-CN.svg` for the Chinese one. The
/// SVG names its font only (sans-serif): the reader's browser draws the
/// Chinese, so drawing needs no CJK font here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edition {
    English,
    Chinese,
}

impl Edition {
    pub(crate) const BOTH: [Edition; 2] = [Edition::English, Edition::Chinese];

    /// The file of a chart of this edition, from the English one's name.
    pub(crate) fn file(self, english: &str) -> String {
        match self {
            Edition::English => english.to_owned(),
            Edition::Chinese => {
                english.replace(".svg", &format!(".{}.svg", crate::i18n::LANGUAGE))
            }
        }
    }

    /// The words of this edition, of the two given.
    pub(crate) fn words<'a>(self, english: &'a str, chinese: &'a str) -> &'a str {
        match self {
            Edition::English => english,
            Edition::Chinese => chinese,
        }
    }
}

/// A count with thousands separators: `200,000,000`.
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

impl Measured<'_> {
    fn python_description(&self) -> String {
        match &self.python {
            None => "no Python (`python3` was not found)".to_owned(),
            Some(python) => {
                let field =
                    |key: &str| python.info.get(key).cloned().unwrap_or(Value::Null);
                let name = field("implementation");
                let version = field("version");
                let gil = if field("gil") == Value::Bool(false) {
                    "free-threaded, no GIL"
                } else {
                    "with its GIL"
                };
                format!(
                    "{} {} ({gil}; multiprocessing start method `{}`)",
                    name.as_str().unwrap_or("Python"),
                    version.as_str().unwrap_or("?"),
                    field("start_method").as_str().unwrap_or("?")
                )
            }
        }
    }

    /// What `measured.json` keeps: enough to write the page and the chart again.
    fn to_json(&self) -> Value {
        let options = self.options;
        json!({
            "about": "Written by `cargo xtask measure`, which draws measured.md and \
                      the charts from it; `cargo xtask measure --redraw` draws \
                      them again from this file without measuring.",
            "machine": self.machine.to_json(),
            "options": {
                "rust_n": options.rust_n,
                "python_n": options.python_n,
                "rust_repeats": options.rust_repeats,
                "python_repeats": options.python_repeats,
            },
            "max_workers": self.max_workers,
            "rust": self.rust.records,
            "python": self.python.as_ref().map(|python| &python.records),
        })
    }

    /// "the fastest of 7 runs (Rust) or 3 runs (Python)"
    fn fastest_of(&self) -> String {
        let runs = |count: u32| match count {
            1 => "1 run".to_owned(),
            count => format!("{count} runs"),
        };
        let options = self.options;
        match self.python {
            Some(_) => format!(
                "the fastest of {} (Rust) or {} (Python)",
                runs(options.rust_repeats),
                runs(options.python_repeats)
            ),
            None => format!("the fastest of {}", runs(options.rust_repeats)),
        }
    }

    /// The Markdown page.
    fn page(&self) -> Result<String> {
        let options = self.options;
        let machine = &self.machine;
        let mut page = String::new();
        let w = &mut page;
        let _ = writeln!(
            w,
            "<!-- Written by `cargo xtask measure` from measured.json, measured on {}. \
             Run it again to measure your own machine. -->\n",
            machine.date
        );
        let _ = writeln!(
            w,
            "Measured on {} by `cargo xtask measure`: **{} cores** ({}), {}; \
             {} (release build) and {}.\n",
            machine.date,
            machine.cores,
            machine.cpu,
            machine.os,
            machine.rustc,
            self.python_description()
        );

        let _ = writeln!(w, "## Σ(i + i² + i³) for i < n, split among the workers\n");
        if self.python.is_some() {
            let _ = writeln!(
                w,
                "Rust sums for i < {}; Python, much slower per step, for i < {}. \
                 Each speedup is over the same language's plain run, and processes \
                 include their start-up. Each figure is {}.\n",
                grouped(options.rust_n),
                grouped(options.python_n),
                self.fastest_of()
            );
        } else {
            let _ = writeln!(
                w,
                "Rust sums for i < {}. Each speedup is over the plain run, and processes \
                 include their start-up. Each figure is {}.\n",
                grouped(options.rust_n),
                self.fastest_of()
            );
        }
        let _ = writeln!(
            w,
            "{}",
            figure(&WIDE, &NARROW, &self.chart_alt(), &self.chart_caption())
        );

        let mut languages = vec![("Rust", &self.rust, options.rust_n)];
        if let Some(python) = &self.python {
            languages.push(("Python", python, options.python_n));
        }
        for (language, report, n) in &languages {
            let _ = writeln!(w, "### {language}, i < {}\n", grouped(*n));
            let _ = writeln!(w, "{NO_WRAP}\n");
            let _ = writeln!(
                w,
                "| way | workers | wall time | CPU time | CPU use | speedup |"
            );
            let _ = writeln!(w, "|---|--:|--:|--:|--:|--:|");
            let plain = report.plain(*n)?.wall;
            for way in ["plain", "threads", "processes"] {
                for run in report.runs.iter().filter(|r| r.way == way && r.n == *n) {
                    let _ = writeln!(
                        w,
                        "| {way} | {} | {} | {} | {:.0}% | {:.2}× |",
                        run.workers,
                        cell(run.wall),
                        cell(run.cpu),
                        100.0 * run.cpu / run.wall,
                        plain / run.wall
                    );
                }
            }
            let _ = writeln!(w, "\n</div>\n");
        }
        if self.python.is_none() {
            let _ = writeln!(
                w,
                "*No Python rows: `python3` was not found on the machine that measured \
                 this. Install it and run `cargo xtask measure` again.*\n"
            );
        }

        let _ = writeln!(w, "## The same job in both languages\n");
        let rust_same = self.rust.plain(options.python_n)?.wall;
        match &self.python {
            Some(python) => {
                let python_same = python.plain(options.python_n)?.wall;
                let _ = writeln!(w, "{NO_WRAP}\n");
                let _ = writeln!(w, "| job, plain | Rust | Python | Python takes |");
                let _ = writeln!(w, "|---|--:|--:|--:|");
                let _ = writeln!(
                    w,
                    "| Σ(i + i² + i³) for i < {} | {} | {} | {:.0}× as long |",
                    grouped(options.python_n),
                    cell(rust_same),
                    cell(python_same),
                    python_same / rust_same
                );
                let _ = writeln!(w, "\n</div>");
            }
            None => {
                let _ = writeln!(
                    w,
                    "Rust, plain, Σ(i + i² + i³) for i < {}: {}. (No Python to compare with.)",
                    grouped(options.python_n),
                    cell(rust_same)
                );
            }
        }

        let _ = writeln!(
            w,
            "\n## Starting and switching {{#starting-and-switching}}\n"
        );
        let _ = writeln!(w, "{NO_WRAP}\n");
        let _ = writeln!(w, "| what | Rust | Python |");
        let _ = writeln!(w, "|---|--:|--:|");
        for (what, label) in [
            ("thread_start", "start a thread and join it"),
            ("process_start", "start a process and join it"),
            (
                "thread_round_trip",
                "a round trip between two threads (channels)",
            ),
            (
                "process_round_trip",
                "a round trip between two processes (pipes)",
            ),
        ] {
            let rust = self
                .rust
                .costs
                .get(what)
                .map_or("–".to_owned(), |s| cell(*s));
            let python = self
                .python
                .as_ref()
                .and_then(|p| p.costs.get(what))
                .map_or("–".to_owned(), |s| cell(*s));
            let _ = writeln!(w, "| {label} | {rust} | {python} |");
        }
        let _ = writeln!(w, "\n</div>");

        let unprotected = self
            .rust
            .find("plain-without-black-box", 1, options.rust_n)
            .ok_or("no run without black_box")?;
        let _ = writeln!(w, "\n## The optimiser and `black_box`\n");
        let _ = writeln!(
            w,
            "The Rust loop for i < {}, release build: {} with `black_box`, {} without it.\n",
            grouped(options.rust_n),
            cell(self.rust.plain(options.rust_n)?.wall),
            cell(unprotected.wall)
        );

        let _ = writeln!(w, "## The figures the lesson aims for\n");
        let _ = writeln!(w, "{}", self.aims()?);
        Ok(page)
    }

    /// The chart's text alternative.
    fn chart_alt(&self) -> String {
        let lines = if self.python.is_some() {
            "Rust threads, Rust processes, Python threads and Python processes"
        } else {
            "Rust threads and Rust processes"
        };
        format!(
            "Line chart of the speedup over plain against the number of workers, \
             1 to {}, for {lines}, with the ideal line",
            self.max_workers
        )
    }

    /// The caption under the chart, in HTML: what it shows, where and how it
    /// was measured.
    fn chart_caption(&self) -> String {
        let options = self.options;
        let machine = &self.machine;
        let jobs = match self.python {
            Some(_) => format!(
                "Rust for i&nbsp;&lt;&nbsp;{}, Python for i&nbsp;&lt;&nbsp;{}",
                grouped(options.rust_n),
                grouped(options.python_n)
            ),
            None => format!("for i&nbsp;&lt;&nbsp;{}", grouped(options.rust_n)),
        };
        format!(
            "<strong>The chart:</strong> the speedup over plain (the plain run's wall \
             time over the wall time with the workers) against the number of workers, \
             on Σ(i + i² + i³): {jobs}. The thin dark line is the ideal, \
             min(workers, {cores}&nbsp;cores). Each series has its own colour, marker \
             and dashes, and is shifted a few pixels sideways, so that lines that meet \
             stay apart. Measured on {date} on {cores}&nbsp;cores ({cpu}) with \
             <code>cargo xtask measure</code>; each point is {fastest}.",
            cores = machine.cores,
            date = machine.date,
            cpu = machine.cpu,
            fastest = self.fastest_of()
        )
    }

    /// The figures that the issue asks for, as a Markdown list.
    fn aims(&self) -> Result<String> {
        let options = self.options;
        let n = options.rust_n;
        let mut text = String::new();
        let w = &mut text;
        let plain = self.rust.plain(n)?.wall;
        let at =
            |way: &str, workers: usize| self.rust.find(way, workers, n).map(|r| r.wall);
        let two = 2.min(self.max_workers);
        if let (Some(threads), Some(processes)) =
            (at("threads", two), at("processes", two))
        {
            let _ = writeln!(
                w,
                "- Rust threads, {two} workers: **{:.2}×** over plain (the aim: at least 1.8× on 2 cores).",
                plain / threads
            );
            let _ = writeln!(
                w,
                "- Rust processes against Rust threads, {two} workers: **{:+.1}%** wall time \
                 (the aim: within 10% once the work is large).",
                100.0 * (processes / threads - 1.0)
            );
        }
        let rust_same = self.rust.plain(options.python_n)?.wall;
        match &self.python {
            Some(python) => {
                let python_same = python.plain(options.python_n)?.wall;
                let _ = writeln!(
                    w,
                    "- Rust plain against CPython plain on the same job (i < {}): **{:.0}×** faster.",
                    grouped(options.python_n),
                    python_same / rust_same
                );
                let speedup = |way: &str| -> Result<f64> {
                    let plain = python.plain(options.python_n)?.wall;
                    python
                        .find(way, two, options.python_n)
                        .map(|r| plain / r.wall)
                        .ok_or_else(|| format!("no Python {way} run with {two} workers"))
                };
                let _ = writeln!(
                    w,
                    "- Python threads, {two} workers: **{:.2}×** over plain; Python processes, {two} workers: **{:.2}×**.",
                    speedup("threads")?,
                    speedup("processes")?
                );
            }
            None => {
                let _ = writeln!(w, "- No Python figures: `python3` was not found.");
            }
        }
        let _ = write!(
            w,
            "- This machine has {} cores; the figures for more cores are not measured here.",
            self.machine.cores
        );
        Ok(text)
    }

    /// The charts, wide and narrow, of both editions: speedup against
    /// workers, a line per language and way. Their paths.
    fn charts(&self, out: &Path) -> Result<Vec<PathBuf>> {
        let mut paths = Vec::new();
        for edition in Edition::BOTH {
            paths.extend(self.charts_of(edition, out)?);
        }
        Ok(paths)
    }

    fn charts_of(&self, edition: Edition, out: &Path) -> Result<Vec<PathBuf>> {
        let options = self.options;
        let words = |english, chinese| edition.words(english, chinese);
        let mut lines = vec![
            Line::series(
                0,
                words("Rust threads", "Rust 线程"),
                self.rust.speedups("threads", options.rust_n)?,
            ),
            Line::series(
                1,
                words("Rust processes", "Rust 进程"),
                self.rust.speedups("processes", options.rust_n)?,
            ),
        ];
        if let Some(python) = &self.python {
            let speedups = |way| python.speedups(way, options.python_n);
            let (threads, processes) = (speedups("threads")?, speedups("processes")?);
            lines.push(Line::series(
                2,
                words("Python threads", "Python 线程"),
                threads,
            ));
            lines.push(Line::series(
                3,
                words("Python processes", "Python 进程"),
                processes,
            ));
        }
        let cores = self.machine.cores;
        lines.push(Line {
            label: match edition {
                Edition::English => format!("ideal: min(workers, {cores} cores)"),
                Edition::Chinese => format!("理想：min(工作者数, {cores} 核)"),
            },
            color: RGBColor(0x33, 0x33, 0x33),
            dashes: &[7.0, 4.0],
            marker: Marker::None,
            // With more workers than cores, the cores are shared: the best
            // possible speedup is the number of cores busy.
            points: (1..=self.max_workers)
                .map(|w| (w, w.min(cores) as f64))
                .collect(),
        });
        let no_python = match self.python {
            Some(_) => "",
            None => words(" (no Python found)", "（未找到 Python）"),
        };
        write_charts(out, edition, [WIDE, NARROW], &lines, |root, layout| {
            let title = match (edition, layout.columns) {
                (Edition::English, 1) => {
                    format!("Speedup over plain, {cores} cores{no_python}")
                }
                (Edition::English, _) => {
                    format!(
                        "Speedup over plain, Σ(i + i² + i³), {cores} cores{no_python}"
                    )
                }
                (Edition::Chinese, 1) => {
                    format!("相对普通方式的加速比，{cores} 核{no_python}")
                }
                (Edition::Chinese, _) => {
                    format!("相对普通方式的加速比，Σ(i + i² + i³)，{cores} 核{no_python}")
                }
            };
            let axes = [
                words("workers", "工作者数"),
                words("speedup over plain (×)", "加速比（×）"),
            ];
            draw(root, layout, &title, axes, &lines, self.max_workers)
        })
    }
}

/// Draws the chart in each of the `layouts` with `draw`, into the layout's
/// file for `edition` in `out`; the files' paths.
pub(crate) fn write_charts(
    out: &Path,
    edition: Edition,
    layouts: [Layout; 2],
    lines: &[Line],
    draw: impl Fn(Area<'_>, &Layout) -> DrawResult,
) -> Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for layout in layouts {
        let path = out.join(edition.file(layout.file));
        let root = SVGBackend::new(&path, layout.size(lines.len())).into_drawing_area();
        draw(root, &layout)
            .map_err(|err| format!("drawing {}: {err}", path.display()))?;
        paths.push(path);
    }
    Ok(paths)
}

/// How a chart is laid out: one for the book's text column, one for phones.
pub(crate) struct Layout {
    pub(crate) file: &'static str,
    pub(crate) width: u32,
    /// The height of the chart itself, above the legend.
    pub(crate) height: u32,
    /// Legend entries to a row.
    pub(crate) columns: usize,
    /// Where the legend starts, from the left.
    pub(crate) legend_left: f64,
}

/// For the text column, 860 px wide at 1280 (and scaled down to fit a
/// narrower one): labels of 17 px.
pub(crate) const WIDE: Layout = Layout {
    file: "speedup.svg",
    width: 860,
    height: 450,
    columns: 2,
    legend_left: 90.0,
};

/// For a phone, shown some 350 px wide instead of the wide chart: labels of
/// 17 px, scaled down to some 13 px.
pub(crate) const NARROW: Layout = Layout {
    file: "speedup-narrow.svg",
    width: 450,
    height: 400,
    columns: 1,
    legend_left: 30.0,
};

/// Plotters writes a font size of `size / 1.24` into the SVG: 21 gives 17 px.
const FONT: f64 = 21.0;
const TITLE_FONT: f64 = 23.0;
const LEGEND_ROW: u32 = 30;

impl Layout {
    pub(crate) fn size(&self, entries: usize) -> (u32, u32) {
        let rows = entries.div_ceil(self.columns) as u32;
        (self.width, self.height + rows * LEGEND_ROW + 12)
    }
}

/// One line of the chart: (workers, speedup) points, and how it is drawn.
pub(crate) struct Line {
    label: String,
    color: RGBColor,
    /// Lengths of dash, gap, dash, gap... in pixels; none: a solid line.
    dashes: &'static [f64],
    marker: Marker,
    pub(crate) points: Vec<(usize, f64)>,
}

#[derive(Clone, Copy)]
pub(crate) enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
    None,
}

pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
pub(crate) type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

impl Line {
    /// The `nth` series, `label`led, through `points`: Okabe–Ito colours,
    /// which stay apart for colour-blind readers, and a marker and a dash
    /// pattern of its own besides.
    pub(crate) fn series(nth: usize, label: &str, points: Vec<(usize, f64)>) -> Line {
        const LOOKS: [(RGBColor, &[f64], Marker); 4] = [
            (RGBColor(0xd5, 0x5e, 0x00), &[], Marker::Circle), // vermillion
            (RGBColor(0x00, 0x72, 0xb2), &[14.0, 6.0], Marker::Square), // blue
            (RGBColor(0x00, 0x9e, 0x73), &[3.0, 5.0], Marker::Triangle), // bluish green
            (
                RGBColor(0xcc, 0x79, 0xa7), // reddish purple
                &[14.0, 5.0, 3.0, 5.0],
                Marker::Diamond,
            ),
        ];
        let (color, dashes, marker) = LOOKS[nth % LOOKS.len()];
        Line {
            label: label.to_owned(),
            color,
            dashes,
            marker,
            points,
        }
    }

    /// The line through `points` (pixels), with its dashes, and a marker at
    /// each of `marked`.
    fn draw(
        &self,
        area: &Area<'_>,
        points: &[(f64, f64)],
        marked: &[(f64, f64)],
    ) -> DrawResult {
        let width = if matches!(self.marker, Marker::None) {
            2
        } else {
            3
        };
        for piece in dashed(points, self.dashes) {
            let piece: Vec<(i32, i32)> = piece.iter().map(|&p| pixel(p)).collect();
            area.draw(&PathElement::new(piece, self.color.stroke_width(width)))?;
        }
        for &point in marked {
            self.marker.draw(area, pixel(point), self.color)?;
        }
        Ok(())
    }
}

fn pixel((x, y): (f64, f64)) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

impl Marker {
    /// A filled marker with a white rim, which keeps it apart from the lines
    /// that cross it.
    fn draw(self, area: &Area<'_>, (x, y): (i32, i32), color: RGBColor) -> DrawResult {
        self.shape(area, (x, y), 8, WHITE)?;
        self.shape(area, (x, y), 6, color)
    }

    fn shape(
        self,
        area: &Area<'_>,
        (x, y): (i32, i32),
        r: i32,
        color: RGBColor,
    ) -> DrawResult {
        let style = color.filled();
        match self {
            Marker::Circle => area.draw(&Circle::new((x, y), r, style))?,
            Marker::Square => {
                let r = r - 1;
                area.draw(&Rectangle::new([(x - r, y - r), (x + r, y + r)], style))?;
            }
            Marker::Triangle => {
                let r = r + 1;
                let corners =
                    vec![(x, y - r), (x + r, y + r * 3 / 4), (x - r, y + r * 3 / 4)];
                area.draw(&Polygon::new(corners, style))?;
            }
            Marker::Diamond => {
                let r = r + 1;
                let corners = vec![(x, y - r), (x + r, y), (x, y + r), (x - r, y)];
                area.draw(&Polygon::new(corners, style))?;
            }
            Marker::None => {}
        }
        Ok(())
    }
}

fn draw(
    root: Area<'_>,
    layout: &Layout,
    title: &str,
    [x_axis, y_axis]: [&str; 2],
    lines: &[Line],
    max_workers: usize,
) -> DrawResult {
    let (upper, legend) = split_for_legend(&root, layout)?;
    let (low, high) = y_range(lines);
    let y = Axis::fitted(low, high);
    let mut chart = chart_builder(&upper, title)
        .build_cartesian_2d(0.6f64..(max_workers as f64 + 0.4), y.low..y.high)?;
    let y_label = |v: &f64| format!("{v:.*}", y.decimals());
    let mut mesh = chart.configure_mesh();
    grid_style(&mut mesh);
    mesh.x_desc(x_axis)
        .y_desc(y_axis)
        .x_labels(max_workers.min(16))
        .y_labels(y.ticks())
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&y_label)
        .draw()?;
    finish_chart(
        &root,
        [&upper, &legend],
        layout,
        lines,
        |workers, speedup| chart.backend_coord(&(workers as f64, speedup)),
    )
}

/// The series on the chart's `upper` part, each through its points placed
/// by `pixel_of`, the legend under it, and the whole written out.
pub(crate) fn finish_chart(
    root: &Area<'_>,
    [upper, legend]: [&Area<'_>; 2],
    layout: &Layout,
    lines: &[Line],
    pixel_of: impl Fn(usize, f64) -> (i32, i32),
) -> DrawResult {
    draw_series(upper, lines, pixel_of)?;
    draw_legend(legend, layout, lines)?;
    root.present()?;
    Ok(())
}

/// The lowest and the highest y of all the lines' points.
pub(crate) fn y_range(lines: &[Line]) -> (f64, f64) {
    lines
        .iter()
        .flat_map(|line| line.points.iter().map(|p| p.1))
        .fold((f64::MAX, f64::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)))
}

/// A chart's area on white, cut into the chart itself and the legend below it.
pub(crate) fn split_for_legend<'a>(
    root: &Area<'a>,
    layout: &Layout,
) -> std::result::Result<(Area<'a>, Area<'a>), Box<dyn std::error::Error>> {
    root.fill(&WHITE)?;
    Ok(root.split_vertically(layout.height))
}

/// The chart's title, margins and room for the axes' labels.
pub(crate) fn chart_builder<'a, 'b>(
    area: &'a Area<'b>,
    title: &str,
) -> ChartBuilder<'a, 'b, SVGBackend<'b>> {
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(title, ("sans-serif", TITLE_FONT))
        .margin_top(8)
        .margin_left(8)
        .margin_right(24)
        .x_label_area_size(58)
        .y_label_area_size(72);
    builder
}

/// Labels large enough to read, pale grid lines at the labels only.
pub(crate) fn grid_style<X: Ranged, Y: Ranged, DB: DrawingBackend>(
    mesh: &mut MeshStyle<'_, '_, X, Y, DB>,
) {
    mesh.label_style(("sans-serif", FONT))
        .axis_desc_style(("sans-serif", FONT))
        .bold_line_style(RGBColor(0xdd, 0xdd, 0xdd))
        .light_line_style(TRANSPARENT);
}

/// The series, each through its points placed by `pixel_of`, and each a few
/// pixels sideways from the next: where two lines meet, both stay visible.
fn draw_series(
    area: &Area<'_>,
    lines: &[Line],
    pixel_of: impl Fn(usize, f64) -> (i32, i32),
) -> DrawResult {
    let series = lines
        .iter()
        .filter(|l| !matches!(l.marker, Marker::None))
        .count();
    let mut nth = 0;
    for line in lines.iter().rev() {
        let shift = if matches!(line.marker, Marker::None) {
            0.0
        } else {
            nth += 1;
            (series as f64 + 1.0 - 2.0 * nth as f64) * 4.0
        };
        let points: Vec<(f64, f64)> = line
            .points
            .iter()
            .map(|&(x, y)| {
                let (x, y) = pixel_of(x, y);
                (f64::from(x) + shift, f64::from(y))
            })
            .collect();
        line.draw(area, &points, &points)?;
    }
    Ok(())
}

/// The legend, under the chart. Two entries to a row give each language a
/// row of its own.
fn draw_legend(legend: &Area<'_>, layout: &Layout, lines: &[Line]) -> DrawResult {
    let text = ("sans-serif", FONT)
        .into_font()
        .color(&BLACK)
        .pos(text_anchor::Pos::new(
            text_anchor::HPos::Left,
            text_anchor::VPos::Center,
        ));
    let column_width =
        (f64::from(layout.width) - layout.legend_left) / layout.columns as f64;
    for (i, line) in lines.iter().enumerate() {
        let x = layout.legend_left + column_width * (i % layout.columns) as f64;
        let y = f64::from(LEGEND_ROW) * ((i / layout.columns) as f64 + 0.5) + 6.0;
        line.draw(legend, &[(x, y), (x + 52.0, y)], &[(x + 26.0, y)])?;
        legend.draw(&Text::new(
            line.label.as_str(),
            (x as i32 + 64, y as i32),
            text.clone(),
        ))?;
    }
    Ok(())
}

/// The y axis: a range fitted to the data, with round ticks.
#[derive(Debug, PartialEq)]
struct Axis {
    low: f64,
    high: f64,
    step: f64,
}

impl Axis {
    /// From a little below `low` to a little above `high`, in steps of 1, 2,
    /// 2.5 or 5 times a power of ten, some six of them.
    fn fitted(low: f64, high: f64) -> Axis {
        let span = (high - low).max(0.1);
        let (low, high) = (low - 0.05 * span, high + 0.05 * span);
        let rough = (high - low) / 6.0;
        let power = 10f64.powf(rough.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .map(|m| m * power)
            .find(|&step| step >= rough)
            .unwrap_or(10.0 * power);
        Axis {
            low: (low / step).floor() * step,
            high: (high / step).ceil() * step,
            step,
        }
    }

    /// How many ticks, from `low` to `high`.
    fn ticks(&self) -> usize {
        ((self.high - self.low) / self.step).round() as usize + 1
    }

    /// Decimals that show every tick exactly: 1 for 0.2, 2 for 0.25.
    fn decimals(&self) -> usize {
        (0..3)
            .find(|&d| {
                let scaled = self.step * 10f64.powi(d as i32);
                (scaled - scaled.round()).abs() < 1e-9
            })
            .unwrap_or(3)
    }
}

/// The pieces of the polyline `points` that a dash pattern draws: dash,
/// gap, dash, gap..., in pixels, running on round the corners (an odd
/// pattern repeats with dashes and gaps swapped, as in SVG). An empty
/// pattern draws the whole line.
fn dashed(points: &[(f64, f64)], pattern: &[f64]) -> Vec<Vec<(f64, f64)>> {
    if pattern.is_empty() || pattern.iter().any(|&l| l <= 0.0) {
        return vec![points.to_vec()];
    }
    let mut pieces = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    // Which length of the pattern we are in, how much of it is left, and
    // whether it is a dash.
    let (mut part, mut left, mut dash) = (0, pattern[0], true);
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        let length = (x1 - x0).hypot(y1 - y0);
        let at = |d: f64| (x0 + (x1 - x0) * d / length, y0 + (y1 - y0) * d / length);
        let mut done = 0.0;
        while done < length {
            let step = left.min(length - done);
            if dash {
                if current.is_empty() {
                    current.push(at(done));
                }
                current.push(at(done + step));
            }
            done += step;
            left -= step;
            if left <= 1e-9 {
                if dash {
                    pieces.push(std::mem::take(&mut current));
                }
                part = (part + 1) % pattern.len();
                left = pattern[part];
                dash = !dash;
            }
        }
    }
    if current.len() > 1 {
        pieces.push(current);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_for_people() {
        assert_eq!(grouped(200_000_000), "200,000,000");
        assert_eq!(grouped(999), "999");
        assert_eq!(human(0.41234), "412.3 ms");
        assert_eq!(human(1.5), "1.50 s");
        assert_eq!(human(38.2e-6), "38.2 µs");
        assert_eq!(human(40e-9), "40 ns");
        assert_eq!(cell(0.3275), "327.5&nbsp;ms");
    }

    #[test]
    fn reports_parse() {
        let output = r#"{"kind": "info", "lang": "rust", "cores": 2}
{"kind": "run", "lang": "rust", "way": "plain", "workers": 1, "n": 10, "wall_s": 2e0, "cpu_s": 2e0, "sum": "1"}
{"kind": "run", "lang": "rust", "way": "threads", "workers": 2, "n": 10, "wall_s": 1e0, "cpu_s": 2e0, "sum": "1"}
{"kind": "cost", "lang": "rust", "what": "thread_start", "seconds": 3e-5}
"#;
        let report = Report::parse("rust", output).unwrap();
        assert_eq!(report.speedups("threads", 10).unwrap(), vec![(2, 2.0)]);
        assert_eq!(report.costs["thread_start"], 3e-5);
        assert!(Report::parse("rust", "not json").is_err());
    }

    /// A small measurement, as both programs would print it.
    fn sample(options: &Options) -> Measured<'_> {
        let run = |lang: &str, way: &str, workers: usize, n: u64, wall: f64, cpu: f64| {
            format!(
                r#"{{"kind": "run", "lang": "{lang}", "way": "{way}", "workers": {workers}, "n": {n}, "wall_s": {wall:e}, "cpu_s": {cpu:e}, "sum": "1"}}"#
            )
        };
        let rust = [
            r#"{"kind": "info", "lang": "rust", "cores": 2}"#.to_owned(),
            run("rust", "plain", 1, 100, 0.4, 0.4),
            run("rust", "plain", 1, 10, 0.004, 0.004),
            run("rust", "threads", 1, 100, 0.4, 0.4),
            run("rust", "threads", 2, 100, 0.21, 0.42),
            run("rust", "processes", 1, 100, 0.41, 0.41),
            run("rust", "processes", 2, 100, 0.22, 0.43),
            run("rust", "plain-without-black-box", 1, 100, 3e-7, 3e-7),
            r#"{"kind": "cost", "lang": "rust", "what": "thread_start", "seconds": 3e-5}"#
                .to_owned(),
        ];
        let python = [
            r#"{"kind": "info", "lang": "python", "implementation": "CPython", "version": "3.12.1", "gil": true, "start_method": "fork"}"#.to_owned(),
            run("python", "plain", 1, 10, 0.6, 0.6),
            run("python", "threads", 1, 10, 0.6, 0.6),
            run("python", "threads", 2, 10, 0.62, 0.63),
            run("python", "processes", 1, 10, 0.65, 0.66),
            run("python", "processes", 2, 10, 0.33, 0.65),
        ];
        Measured {
            machine: Machine::for_tests(),
            options,
            max_workers: 2,
            rust: Report::parse("rust", &rust.join("\n")).unwrap(),
            python: Some(Report::parse("python", &python.join("\n")).unwrap()),
        }
    }

    fn options() -> Options {
        Options {
            rust_n: 100,
            python_n: 10,
            rust_repeats: 7,
            python_repeats: 3,
            max_workers: None,
            out: None,
        }
    }

    #[test]
    fn measured_json_draws_the_same_page_again() {
        let options = options();
        let measured = sample(&options);
        let saved = Saved::parse(&measured.to_json().to_string()).unwrap();
        let redrawn = Measured {
            machine: saved.machine,
            options: &saved.options,
            max_workers: saved.max_workers,
            rust: saved.rust,
            python: saved.python,
        };
        let page = measured.page().unwrap();
        assert_eq!(redrawn.page().unwrap(), page);
        // Numbers with units never wrap; every row of the tables is there.
        assert!(
            page.contains(
                "| threads | 2 | 210.0&nbsp;ms | 420.0&nbsp;ms | 200% | 1.90× |"
            )
        );
        assert!(page.contains(
            "| processes | 2 | 330.0&nbsp;ms | 650.0&nbsp;ms | 197% | 1.82× |"
        ));
        assert!(page.contains(NO_WRAP));
        assert!(Saved::parse("{}").is_err());
        assert!(Saved::parse("not json").is_err());
    }

    #[test]
    fn the_charts_are_drawn_large_enough_to_read() {
        let options = options();
        let measured = sample(&options);
        let out =
            std::env::temp_dir().join(format!("xtask-charts-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        let paths = measured.charts(&out).unwrap();
        let files = [
            "speedup.svg",
            "speedup-narrow.svg",
            "speedup.zh-CN.svg",
            "speedup-narrow.zh-CN.svg",
        ];
        assert_eq!(paths, files.map(|file| out.join(file)));
        for (path, layout) in paths.iter().zip([WIDE, NARROW, WIDE, NARROW]) {
            let svg = std::fs::read_to_string(path).unwrap();
            assert!(svg.starts_with(&format!(r#"<svg width="{}""#, layout.width)));
            let sizes: Vec<f64> = svg
                .split(r#"font-size=""#)
                .skip(1)
                .map(|rest| rest.split('"').next().unwrap().parse().unwrap())
                .collect();
            assert!(!sizes.is_empty());
            // 17 px: the wide chart shown in a 750 px column still has 14 px
            // labels, the narrow one on a phone 13 px.
            assert!(sizes.iter().all(|&size| size >= 16.5), "{sizes:?}");
            let labels = match path.to_string_lossy().contains(".zh-CN.") {
                false => [
                    "Rust threads",
                    "Python processes",
                    "ideal: min(workers, 2 cores)",
                ],
                true => ["Rust 线程", "Python 进程", "理想：min(工作者数, 2 核)"],
            };
            for label in labels {
                assert!(
                    svg.contains(label),
                    "no {label} in the legend of {}",
                    path.display()
                );
            }
        }
        std::fs::remove_dir_all(&out).unwrap();
        let page = measured.page().unwrap();
        assert!(page.contains(
            r#"<picture><source media="(max-width: 600px)" srcset="speedup-narrow.svg">"#
        ));
        assert!(page.contains(r#"<img src="speedup.svg" alt="Line chart"#));
        assert!(page.contains("<figcaption>\n\n<strong>The chart:</strong>"));
    }

    #[test]
    fn the_y_axis_fits_the_data() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        let axis = Axis::fitted(0.97, 2.0);
        assert!(close(axis.low, 0.8) && close(axis.high, 2.2) && close(axis.step, 0.2));
        assert_eq!((axis.ticks(), axis.decimals()), (8, 1));
        // Sixteen cores: a wider range, in steps of 5.
        let axis = Axis::fitted(0.97, 16.0);
        assert!(close(axis.low, 0.0) && close(axis.high, 20.0) && close(axis.step, 5.0));
        assert_eq!((axis.ticks(), axis.decimals()), (5, 0));
        // All the same: still a range around it.
        let axis = Axis::fitted(1.0, 1.0);
        assert!(axis.low < 1.0 && axis.high > 1.0);
        assert_eq!(
            Axis {
                low: 0.0,
                high: 1.0,
                step: 0.25
            }
            .decimals(),
            2
        );
    }

    #[test]
    fn dashes_run_on_round_corners() {
        let straight = dashed(&[(0.0, 0.0), (20.0, 0.0)], &[6.0, 4.0]);
        assert_eq!(
            straight,
            vec![vec![(0.0, 0.0), (6.0, 0.0)], vec![(10.0, 0.0), (16.0, 0.0)]]
        );
        let corner = dashed(&[(0.0, 0.0), (4.0, 0.0), (4.0, 4.0)], &[6.0, 2.0]);
        assert_eq!(corner, vec![vec![(0.0, 0.0), (4.0, 0.0), (4.0, 2.0)]]);
        let solid = dashed(&[(0.0, 0.0), (5.0, 5.0)], &[]);
        assert_eq!(solid, vec![vec![(0.0, 0.0), (5.0, 5.0)]]);
    }
}
