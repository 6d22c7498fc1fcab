//! `cargo xtask <command>`: the course's own tasks.
//!
//! - `ci`      format check, clippy with `-D warnings`, every test, the book
//! - `bless`   rewrite the golden files from the lessons' real output
//! - `book`    build the book, English and Chinese (installs a pinned mdbook and
//!   mdbook-i18n-helpers locally if needed), and check the HTML: links,
//!   listing sizes, no golden placeholders; and that po/zh-CN.po is complete
//! - `po`      bring the Chinese translation (po/zh-CN.po) up to date with the
//!   English book
//! - `tour`    run every lesson in course order
//! - `stress`  run golden tests many times with the other core busy
//! - `measure` lesson gil_efficiency's figures, Rust beside Python, into the book
//! - `measure-async` lesson async_io's crowds of waiting threads and tasks, likewise
//! - `measure-distributed` lesson distributed's jobs: tasks/s, the manager's memory
//! - `learn`   the exercises, one after another, checked as you save
//! - `check-exercises`  every starter fails its check, every solution passes
//! - `cut-starters`     write each exercise's starter from its solution

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::{Parser, Subcommand};

mod book_check;
mod check_all;
mod check_exercises;
mod exercises;
mod i18n;
mod keypress;
mod keys;
mod learn;
mod list_view;
mod measure;
mod measure_async;
mod measure_distributed;
mod mutants;
mod names;
mod progress;
mod screen;

/// The mdbook the book is built with, installed into `target/tools` when the
/// machine has no mdbook of this version.
const MDBOOK_VERSION: &str = "0.5.4";

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    // What a usage message shows, rather than the binary's own name.
    bin_name = "cargo xtask",
    about = "Tasks of the threads-and-processes course"
)]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Everything CI checks: fmt, clippy -D warnings, cargo test --workspace, the exercises, the book.
    Ci,
    /// Rewrite golden files that no longer match (review `git diff` afterwards).
    Bless {
        /// Only these packages, e.g. lesson-join (default: the whole workspace).
        #[arg(short, long = "package")]
        packages: Vec<String>,
    },
    /// Build the book into book/build and its Chinese edition into
    /// book/build/zh-CN (or serve the English one with live reload).
    Book {
        /// Serve on localhost and rebuild on change, instead of building once.
        #[arg(long)]
        serve: bool,
    },
    /// Bring the Chinese translation, po/zh-CN.po, up to date with the English
    /// book: new messages added untranslated, or guessed (fuzzy) from a
    /// similar sentence that left; messages no longer in the book dropped.
    Po,
    /// mdbook calls this preprocessor: it marks every code block of the book
    /// so that the translation leaves it as it is.
    #[command(hide = true)]
    MarkCodeBlocks {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        arguments: Vec<String>,
    },
    /// Run every lesson, in course order, as a learner would.
    Tour,
    /// Run the tests of some packages many times in a row, with a busy loop on
    /// another core, and count the passes.
    Stress {
        /// Packages to test, e.g. lesson-join.
        #[arg(short, long = "package", required = true)]
        packages: Vec<String>,
        /// How many runs.
        #[arg(long, default_value_t = 30)]
        runs: u32,
    },
    /// Take the exercises: the next one, checked each time you save.
    Learn(learn::Args),
    /// Author check: every exercise is whole, every starter compiles and fails
    /// its check, every solution passes, is formatted and clippy-clean.
    CheckExercises {
        /// Only these lessons' exercises, e.g. --lesson join (default: all).
        #[arg(long = "lesson")]
        lessons: Vec<String>,
    },
    /// Write each exercise's starter from its solution (after editing a solution).
    CutStarters,
    /// Measure lesson gil_efficiency on this machine (Rust threads and processes
    /// beside Python's) and write the table and the chart into the book.
    Measure {
        /// The Rust job: Σ(i + i² + i³) for i < this.
        #[arg(long, default_value_t = 200_000_000)]
        rust_n: u64,
        /// The Python job (and the Rust plain run it is compared with).
        #[arg(long, default_value_t = 4_000_000)]
        python_n: u64,
        /// Repetitions of each Rust run; the fastest is kept.
        #[arg(long, default_value_t = 7)]
        rust_repeats: u32,
        /// Repetitions of each Python run; the fastest is kept.
        #[arg(long, default_value_t = 3)]
        python_repeats: u32,
        /// Workers from 1 to this (default: twice the number of cores).
        #[arg(long)]
        max_workers: Option<usize>,
        /// Measure nothing: draw measured.md and the charts again from the
        /// measured.json already there (after a change to how they are drawn).
        #[arg(long)]
        redraw: bool,
        /// Where to write measured.md and speedup.svg
        /// (default: book/src/lessons/gil_efficiency).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Measure lesson distributed's jobs (1,000 and 100,000 tasks, 1 to 8
    /// workers; 10,000 tasks on its own manager and on Redis) and write the
    /// tables into the book.
    MeasureDistributed {
        /// Where to write measured.md (default: book/src/lessons/distributed).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run cargo-mutants on each lesson, shared and xtask (or the packages
    /// named), and summarise how many mutants the tests catch. Hours on two
    /// cores: not part of `ci`.
    Mutants {
        /// Only these packages, e.g. lesson-lock (default: every lesson, shared, xtask).
        #[arg(short, long = "package")]
        packages: Vec<String>,
        /// Run nothing: only write the summary and the book's table from
        /// the runs left in target/mutation-runs and the shards kept in
        /// .cargo/mutation-shards.
        #[arg(long)]
        record_only: bool,
        /// How many mutants to build and test at once (lesson distributed's
        /// tests mostly wait, so 2 suits it on two cores).
        #[arg(short, long, default_value_t = 1)]
        jobs: u32,
        /// Only part K of N of each package's mutants (e.g. 1/4): a run too
        /// long for one sitting, made on several days. Each shard's counts
        /// are kept in .cargo/mutation-shards (commit them); the book's row
        /// is written when every shard of the same code is there.
        #[arg(long, value_name = "K/N")]
        shard: Option<mutants::Shard>,
    },
    /// Measure lesson async_io's crowds of waiting OS threads and tokio tasks
    /// (beside Python's threads and asyncio tasks) and write the table and the
    /// chart into the book.
    MeasureAsync {
        /// Runs of each crowd; the median of each figure is kept.
        #[arg(long, default_value_t = 3)]
        repeats: u32,
        /// Measure nothing: draw measured.md and the charts again from the
        /// measured.json already there.
        #[arg(long)]
        redraw: bool,
        /// Where to write measured.md, measured.json and many.svg
        /// (default: book/src/lessons/async_io).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Task::Ci => ci(),
        Task::Bless { packages } => bless(&packages),
        Task::Book { serve } => book(serve),
        Task::Po => mdbook().and_then(|mdbook| i18n::refresh(&mdbook)),
        Task::MarkCodeBlocks { arguments } => {
            i18n::mark_code_blocks_preprocessor(&arguments)
        }
        Task::Tour => tour(),
        // Its own exit statuses: 2 for a bad name, 130 for Ctrl-C.
        Task::Learn(args) => return learn::learn(args),
        Task::CheckExercises { lessons } => check_exercises::check_exercises(&lessons),
        Task::CutStarters => exercises::cut_starters(),
        Task::Stress { packages, runs } => stress(&packages, runs),
        Task::Measure {
            redraw: true, out, ..
        } => measure::redraw(out),
        Task::Measure {
            rust_n,
            python_n,
            rust_repeats,
            python_repeats,
            max_workers,
            redraw: false,
            out,
        } => measure::measure(&measure::Options {
            rust_n,
            python_n,
            rust_repeats,
            python_repeats,
            max_workers,
            out,
        }),
        Task::MeasureDistributed { out } => measure_distributed::measure(out),
        Task::Mutants {
            packages,
            record_only,
            jobs,
            shard,
        } => mutants::mutants(&packages, record_only, jobs, shard),
        Task::MeasureAsync {
            redraw: true, out, ..
        } => measure_async::redraw(out),
        Task::MeasureAsync { repeats, out, .. } => {
            measure_async::measure(&measure_async::Options { repeats, out })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

type Result<T = ()> = std::result::Result<T, String>;

/// The top folder of the workspace, found where xtask runs: `cargo xtask` is
/// `cargo run`, which gives the program its package's folder in
/// `CARGO_MANIFEST_DIR`; run some other way, it starts from the current
/// folder. Never `env!("CARGO_MANIFEST_DIR")`, the folder it was compiled in:
/// cargo does not rebuild a copied or moved checkout, whose xtask would then
/// read and write the original's files.
fn workspace_root() -> PathBuf {
    static ROOT: std::sync::LazyLock<PathBuf> = std::sync::LazyLock::new(|| {
        let start = match std::env::var_os("CARGO_MANIFEST_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => std::env::current_dir().unwrap_or_default(),
        };
        find_workspace_root(&start).unwrap_or_else(|| {
            eprintln!(
                "xtask: no Cargo.toml with a [workspace] in {} or above it: \
                 run it in the course's folder, as `cargo xtask`",
                start.display()
            );
            std::process::exit(1)
        })
    });
    ROOT.clone()
}

/// The nearest folder, `start` or above it, whose Cargo.toml has a
/// `[workspace]` table: the one cargo itself would take.
fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        let manifest: toml::Table = toml::from_str(&manifest).ok()?;
        manifest.contains_key("workspace").then(|| dir.to_owned())
    })
}

fn cargo() -> Command {
    let mut command =
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(workspace_root());
    command
}

/// Runs a command to completion, echoing it first; an error if it fails.
fn run(step: &str, command: &mut Command) -> Result {
    eprintln!("\n==> {step}");
    let started = Instant::now();
    let status = command
        .status()
        .map_err(|err| format!("{step}: cannot start: {err}"))?;
    if !status.success() {
        return Err(format!("{step} failed ({status})"));
    }
    eprintln!("==> {step}: ok in {:.0?}", started.elapsed());
    Ok(())
}

fn ci() -> Result {
    run(
        "cargo fmt --check",
        cargo().args(["fmt", "--all", "--", "--check"]),
    )?;
    run(
        "cargo clippy -D warnings",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run(
        "cargo test --workspace",
        cargo().args(["test", "--workspace"]),
    )?;
    check_exercises::check_exercises(&[])?;
    book(false)
}

fn bless(packages: &[String]) -> Result {
    let mut command = cargo();
    command.arg("test").env("SNAPSHOTS", "overwrite");
    if packages.is_empty() {
        command.arg("--workspace");
    }
    for package in packages {
        command.args(["--package", package]);
    }
    run("cargo test with SNAPSHOTS=overwrite", &mut command)?;
    eprintln!("\nReview what changed before committing:  git diff -- lessons/*/golden");
    Ok(())
}

fn book(serve: bool) -> Result {
    let mdbook = mdbook()?;
    let root = workspace_root();
    let mut command = Command::new(&mdbook);
    command
        .arg(if serve { "serve" } else { "build" })
        .arg(root.join("book"));
    run("mdbook", &mut command)?;
    if serve {
        return Ok(());
    }
    let build = root.join("book/build");
    let helpers = i18n::helpers()?;
    i18n::build_chinese(&mdbook, &helpers, &build.join(i18n::LANGUAGE))?;
    // The translation first: an English change that it lacks also shows as
    // English prose on Chinese pages, and this says what to run.
    i18n::check_current(&mdbook, &helpers)?;
    let problems = book_check::check_built_book(&build);
    if !problems.is_empty() {
        return Err(format!(
            "the built book has {} problems:\n{}",
            problems.len(),
            problems.join("\n")
        ));
    }
    eprintln!(
        "==> the built book, both editions: every link resolves, every listing fits \
         ({} lines, {} columns), no placeholders on lesson pages, every page in both",
        book_check::MAX_LISTING_LINES,
        book_check::MAX_COLUMNS
    );
    eprintln!("The book is in {}", build.join("index.html").display());
    eprintln!(
        "Its Chinese edition is in {}",
        build.join(i18n::LANGUAGE).join("index.html").display()
    );
    Ok(())
}

/// An mdbook of the pinned version: on the PATH, in target/tools, or freshly
/// installed there from crates.io.
fn mdbook() -> Result<PathBuf> {
    let local = workspace_root().join("target/tools/bin/mdbook");
    for candidate in [PathBuf::from("mdbook"), local.clone()] {
        if is_mdbook_version(&candidate) {
            return Ok(candidate);
        }
    }
    run(
        &format!("cargo install mdbook {MDBOOK_VERSION} into target/tools"),
        cargo().args([
            "install",
            "mdbook",
            "--locked",
            "--version",
            MDBOOK_VERSION,
            "--root",
            "target/tools",
        ]),
    )?;
    if is_mdbook_version(&local) {
        Ok(local)
    } else {
        Err(format!(
            "{} is not mdbook {MDBOOK_VERSION}",
            local.display()
        ))
    }
}

fn is_mdbook_version(program: &Path) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|out| {
            String::from_utf8_lossy(&out.stdout).trim()
                == format!("mdbook v{MDBOOK_VERSION}")
        })
}

fn tour() -> Result {
    let root = workspace_root();
    let mut missing = Vec::new();
    for name in shared::course::LESSONS {
        if !root.join("lessons").join(name).join("Cargo.toml").exists() {
            missing.push(name);
            continue;
        }
        println!("\n############ lesson-{name} ############");
        run(
            &format!("cargo run -p lesson-{name}"),
            cargo().args(["run", "--quiet", "--package", &format!("lesson-{name}")]),
        )?;
    }
    if !missing.is_empty() {
        println!("\nNot written yet: {}", missing.join(", "));
    }
    Ok(())
}

fn stress(packages: &[String], runs: u32) -> Result {
    let package_args: Vec<&str> = packages
        .iter()
        .flat_map(|p| ["--package", p.as_str()])
        .collect();
    run(
        "build the tests once",
        cargo().args(["test", "--no-run"]).args(&package_args),
    )?;

    // Keep one core busy for the whole run, as a noisy shared machine would.
    let stop = Arc::new(AtomicBool::new(false));
    let busy = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut x = 0u64;
            while !stop.load(Ordering::Relaxed) {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
        })
    };

    let logs = workspace_root().join("target/stress");
    std::fs::create_dir_all(&logs).map_err(|e| e.to_string())?;
    let mut passed = 0;
    for attempt in 1..=runs {
        let output = cargo()
            .args(["test", "--quiet"])
            .args(&package_args)
            .output()
            .map_err(|e| e.to_string())?;
        if output.status.success() {
            passed += 1;
        } else {
            let log = logs.join(format!("failure-{attempt}.log"));
            let mut text = output.stdout;
            text.extend_from_slice(&output.stderr);
            std::fs::write(&log, text).map_err(|e| e.to_string())?;
            eprintln!("run {attempt}: FAILED, log in {}", log.display());
        }
        eprint!("\r{attempt}/{runs} runs, {passed} passed ");
    }
    stop.store(true, Ordering::Relaxed);
    busy.join().ok();
    eprintln!();
    println!(
        "stress: {passed}/{runs} runs of `cargo test {}` passed with the other core busy",
        package_args.join(" ")
    );
    if passed == runs {
        Ok(())
    } else {
        Err(format!("{} of {runs} runs failed", runs - passed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::Scratch;

    #[test]
    fn the_root_is_the_nearest_folder_with_a_workspace_above_where_it_starts() {
        let scratch = Scratch::new(
            std::env::temp_dir().join(format!("xtask-root-{}", std::process::id())),
        );
        scratch.write("Cargo.toml", "[workspace]\nmembers = [\"xtask\"]\n");
        scratch.write("xtask/Cargo.toml", "[package]\nname = \"xtask\"\n");
        scratch.write("lessons/join/src/main.rs", "fn main() {}\n");
        let root = &scratch.0;
        assert_eq!(
            find_workspace_root(&root.join("xtask")).as_ref(),
            Some(root)
        );
        assert_eq!(
            find_workspace_root(&root.join("lessons/join/src")).as_ref(),
            Some(root)
        );
        assert_eq!(find_workspace_root(root).as_ref(), Some(root));
    }
}
