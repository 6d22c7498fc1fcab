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
//!    tables, the figures the lesson aims for) and `speedup.svg` (speedup
//!    against workers, drawn with plotters), which the chapter includes.
//!
//! Both programs print JSON lines of the same shape; each run is repeated and
//! the fastest repetition kept. Everything is bounded in time: a program that
//! runs past its limit is killed, and the task fails.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use plotters::prelude::*;
use serde_json::Value;

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
const LIMIT: Duration = Duration::from_secs(300);

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
}

impl Report {
    fn parse(lang: &str, output: &str) -> Result<Report> {
        let mut report = Report::default();
        for line in output.lines().filter(|l| !l.trim().is_empty()) {
            let record: Value = serde_json::from_str(line)
                .map_err(|err| format!("{lang}: not a JSON line ({err}): {line}"))?;
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
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| root.join("book/src/lessons/gil_efficiency"));
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let max_workers = options.max_workers.unwrap_or(2 * cores).max(1);

    let lesson = build_lesson()?;
    eprintln!(
        "\n==> Rust: n = {}, 1 to {max_workers} workers, best of {}",
        options.rust_n, options.rust_repeats
    );
    let rust_output = run_with_limit(
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
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let page = measured.page()?;
    let page_path = out.join("measured.md");
    std::fs::write(&page_path, &page).map_err(|e| format!("{}: {e}", page_path.display()))?;
    let chart_path = out.join("speedup.svg");
    measured.chart(&chart_path)?;
    println!("{}", measured.aims()?);
    eprintln!(
        "\nWrote {} and {}",
        page_path.display(),
        chart_path.display()
    );
    Ok(())
}

/// Builds the lesson in release; the path of its executable.
fn build_lesson() -> Result<PathBuf> {
    eprintln!("\n==> cargo build --release -p lesson-gil_efficiency");
    let output = cargo()
        .args([
            "build",
            "--release",
            "--package",
            "lesson-gil_efficiency",
            "--bin",
            "lesson-gil_efficiency",
            "--message-format=json-render-diagnostics",
        ])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if !output.status.success() {
        return Err(format!("building the lesson failed ({})", output.status));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| {
            m["reason"] == "compiler-artifact" && m["target"]["name"] == "lesson-gil_efficiency"
        })
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo built no lesson-gil_efficiency executable".to_owned())
}

/// Runs `command` to its end, at most [`LIMIT`], and returns its stdout;
/// `None` if the program does not exist. Its stderr goes to ours.
fn run_with_limit(command: &mut Command) -> Result<Option<String>> {
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
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => {
                child.kill().ok();
                child.wait().ok();
                return Err(format!("{command:?} ran past {LIMIT:?}: killed"));
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

/// What the page says about the machine.
struct Machine {
    cores: usize,
    cpu: String,
    os: String,
    date: String,
    rustc: String,
}

impl Machine {
    fn describe(cores: usize) -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split_once(':'))
                    .map(|(_, name)| name.trim().to_owned())
            })
            .or_else(|| first_line(Command::new("sysctl").args(["-n", "machdep.cpu.brand_string"])))
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
}

fn first_line(command: &mut Command) -> Option<String> {
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
fn human(seconds: f64) -> String {
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

/// A count with thousands separators: `200,000,000`.
fn grouped(n: u64) -> String {
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
                let field = |key: &str| python.info.get(key).cloned().unwrap_or(Value::Null);
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

    /// The Markdown page.
    fn page(&self) -> Result<String> {
        let options = self.options;
        let machine = &self.machine;
        let mut page = String::new();
        let w = &mut page;
        let _ = writeln!(
            w,
            "<!-- Written by `cargo xtask measure` on {}. Run it again to measure your own machine. -->\n",
            machine.date
        );
        let _ = writeln!(
            w,
            "Measured on {} by `cargo xtask measure`: **{} cores** ({}), {}; {} (release build) and {}.\n",
            machine.date,
            machine.cores,
            machine.cpu,
            machine.os,
            machine.rustc,
            self.python_description()
        );

        let _ = writeln!(w, "### Σ(i + i² + i³) for i < n, split among the workers\n");
        let runs = |count: u32| match count {
            1 => "1 run".to_owned(),
            count => format!("{count} runs"),
        };
        if self.python.is_some() {
            let _ = writeln!(
                w,
                "Rust sums for i < {}; Python, much slower per step, for i < {}. \
                 Each speedup is over the same language's plain run, and processes include their start-up. \
                 Each figure is the fastest of {} (Rust) or {} (Python).\n",
                grouped(options.rust_n),
                grouped(options.python_n),
                runs(options.rust_repeats),
                runs(options.python_repeats)
            );
        } else {
            let _ = writeln!(
                w,
                "Rust sums for i < {}. Each speedup is over the plain run, and processes include \
                 their start-up. Each figure is the fastest of {}.\n",
                grouped(options.rust_n),
                runs(options.rust_repeats)
            );
        }
        let _ = writeln!(
            w,
            "| language | way | workers | wall time | CPU time | CPU use | speedup |"
        );
        let _ = writeln!(w, "|---|---|--:|--:|--:|--:|--:|");
        let mut languages = vec![("Rust", &self.rust, options.rust_n)];
        if let Some(python) = &self.python {
            languages.push(("Python", python, options.python_n));
        }
        for (language, report, n) in &languages {
            let plain = report.plain(*n)?.wall;
            for way in ["plain", "threads", "processes"] {
                for run in report.runs.iter().filter(|r| r.way == way && r.n == *n) {
                    let _ = writeln!(
                        w,
                        "| {language} | {way} | {} | {} | {} | {:.0}% | {:.2}× |",
                        run.workers,
                        human(run.wall),
                        human(run.cpu),
                        100.0 * run.cpu / run.wall,
                        plain / run.wall
                    );
                }
            }
        }
        if self.python.is_none() {
            let _ = writeln!(
                w,
                "\n*No Python rows: `python3` was not found on the machine that measured this. \
                 Install it and run `cargo xtask measure` again.*"
            );
        }

        let _ = writeln!(w, "\n### The same job in both languages\n");
        let rust_same = self.rust.plain(options.python_n)?.wall;
        match &self.python {
            Some(python) => {
                let python_same = python.plain(options.python_n)?.wall;
                let _ = writeln!(w, "| job, plain | Rust | Python | Python takes |");
                let _ = writeln!(w, "|---|--:|--:|--:|");
                let _ = writeln!(
                    w,
                    "| Σ(i + i² + i³) for i < {} | {} | {} | {:.0}× as long |",
                    grouped(options.python_n),
                    human(rust_same),
                    human(python_same),
                    python_same / rust_same
                );
            }
            None => {
                let _ = writeln!(
                    w,
                    "Rust, plain, Σ(i + i² + i³) for i < {}: {}. (No Python to compare with.)",
                    grouped(options.python_n),
                    human(rust_same)
                );
            }
        }

        let _ = writeln!(w, "\n### Starting and switching\n");
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
                .map_or("–".to_owned(), |s| human(*s));
            let python = self
                .python
                .as_ref()
                .and_then(|p| p.costs.get(what))
                .map_or("–".to_owned(), |s| human(*s));
            let _ = writeln!(w, "| {label} | {rust} | {python} |");
        }

        let unprotected = self
            .rust
            .find("plain-without-black-box", 1, options.rust_n)
            .ok_or("no run without black_box")?;
        let _ = writeln!(w, "\n### The optimiser and `black_box`\n");
        let _ = writeln!(
            w,
            "The Rust loop for i < {}, release build: {} with `black_box`, {} without it.\n",
            grouped(options.rust_n),
            human(self.rust.plain(options.rust_n)?.wall),
            human(unprotected.wall)
        );

        let _ = writeln!(w, "### The figures the lesson aims for\n");
        let _ = writeln!(w, "{}", self.aims()?);
        Ok(page)
    }

    /// The figures that the issue asks for, as a Markdown list.
    fn aims(&self) -> Result<String> {
        let options = self.options;
        let n = options.rust_n;
        let mut text = String::new();
        let w = &mut text;
        let plain = self.rust.plain(n)?.wall;
        let at = |way: &str, workers: usize| self.rust.find(way, workers, n).map(|r| r.wall);
        let two = 2.min(self.max_workers);
        if let (Some(threads), Some(processes)) = (at("threads", two), at("processes", two)) {
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

    /// The chart: speedup against workers, a line per language and way.
    fn chart(&self, path: &Path) -> Result {
        let options = self.options;
        let mut lines = vec![
            Line {
                label: "Rust threads",
                color: RGBColor(0xb7, 0x41, 0x0e),
                points: self.rust.speedups("threads", options.rust_n)?,
            },
            Line {
                label: "Rust processes",
                color: RGBColor(0xe6, 0x9f, 0x00),
                points: self.rust.speedups("processes", options.rust_n)?,
            },
        ];
        if let Some(python) = &self.python {
            lines.push(Line {
                label: "Python threads",
                color: RGBColor(0x30, 0x69, 0x98),
                points: python.speedups("threads", options.python_n)?,
            });
            lines.push(Line {
                label: "Python processes",
                color: RGBColor(0x56, 0xb4, 0xe9),
                points: python.speedups("processes", options.python_n)?,
            });
        }
        let root = SVGBackend::new(path, (760, 460)).into_drawing_area();
        draw(
            root,
            &lines,
            self.machine.cores,
            self.max_workers,
            self.python.is_some(),
        )
        .map_err(|err| format!("drawing {}: {err}", path.display()))
    }
}

/// One line of the chart: (workers, speedup) points.
struct Line {
    label: &'static str,
    color: RGBColor,
    points: Vec<(usize, f64)>,
}

fn draw(
    root: DrawingArea<SVGBackend, plotters::coord::Shift>,
    lines: &[Line],
    cores: usize,
    max_workers: usize,
    with_python: bool,
) -> std::result::Result<(), Box<dyn std::error::Error>> {
    // With more workers than cores, the cores are shared: the best possible
    // speedup is the number of cores busy.
    let ideal: Vec<(f64, f64)> = (1..=max_workers)
        .map(|w| (w as f64, w.min(cores) as f64))
        .collect();
    let top = lines
        .iter()
        .flat_map(|line| line.points.iter().map(|p| p.1))
        .chain(ideal.iter().map(|p| p.1))
        .fold(1.0f64, f64::max)
        * 1.15;

    root.fill(&WHITE)?;
    let caption = if with_python {
        format!("Speedup over plain, Σ(i + i² + i³), {cores} cores")
    } else {
        format!("Speedup over plain, Σ(i + i² + i³), {cores} cores (no Python found)")
    };
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(44)
        .y_label_area_size(52)
        .build_cartesian_2d(0.7f64..(max_workers as f64 + 0.3), 0f64..top)?;
    chart
        .configure_mesh()
        .x_desc("workers")
        .y_desc("speedup over plain (×)")
        .x_labels(max_workers)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| format!("{y:.1}"))
        .light_line_style(WHITE)
        .draw()?;
    for line in lines {
        let color = line.color;
        chart
            .draw_series(
                LineSeries::new(
                    line.points.iter().map(|&(w, s)| (w as f64, s)),
                    color.stroke_width(3),
                )
                .point_size(4),
            )?
            .label(line.label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(3))
            });
    }
    // Drawn last, so that its dashes show where a line runs along it.
    let grey = RGBColor(0x40, 0x40, 0x40);
    chart
        .draw_series(DashedLineSeries::new(ideal, 6, 4, grey.stroke_width(2)))?
        .label(format!("ideal: min(workers, {cores} cores)"))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], grey.stroke_width(2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
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
}
