//! The course's exercises: where they are, how a starter is cut from its
//! solution, and how a check is built and run under a time limit.
//!
//! Each lesson keeps its exercises in `lessons/<lesson>/exercises/`:
//!
//! ```text
//! exercises.toml          the runner's list: name, hint, optional time limit
//! <name>.rs               the starter: the file the learner edits
//! solutions/<name>.rs     the reference solution, the one source of both
//! check.rs                one #[test] per exercise: the package's library
//!                         (test = false), whose tests need none of its bins
//! golden/<name>.stdout    what a correct program prints, for golden checks
//! Cargo.toml              package exercises-<lesson>: bins <lesson>-<name>
//!                         and <lesson>-<name>-solution, lib check.rs
//! ```
//!
//! An exercise is built and checked on its own: only its program and the
//! lesson's checks are compiled, and the check finds that program at run time
//! (`shared::exercise!`). A sibling left half done never blocks it, and a
//! compiler error on the screen is always in the learner's file.
//!
//! A solution marks what the learner has to write between
//! `// ANCHOR: solution` and `// ANCHOR_END: solution` (mdbook's anchors, so
//! the book can show just that part), and gives the starter's version of it
//! in lines starting with `//~ `. The starter is the solution with every
//! solution region taken out and the `//~ ` taken off: `cargo xtask
//! cut-starters` writes it, and `cargo xtask check-exercises` fails if a
//! committed starter is not exactly that.

use std::fmt::Write as _;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::{Result, cargo, workspace_root};

/// How long one run of a check may take unless the exercise says otherwise.
/// Every exercise finishes in a few seconds when it is right.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(15);

/// What usually makes a concurrent program hang, shown when a check is
/// stopped at its time limit.
// ANCHOR: hang_causes
pub const USUAL_HANG_CAUSES: &str = "\
A program that never finishes is usually waiting for something that cannot happen:
  - a join() on a thread that is itself waiting (for a lock, a message, a child);
  - a recv() on a channel whose senders are still alive: often one that main
    (or the receiving thread itself) still holds, so the channel never closes;
  - a lock taken twice by the same thread, or two locks taken in opposite orders;
  - waiting for a child process before reading what it writes, so the pipe
    fills and the child blocks on write while the parent blocks on wait;
  - a loop whose stop condition depends on a value no other thread ever changes.";
// ANCHOR_END: hang_causes

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExercisesToml {
    exercise: Vec<ExerciseToml>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExerciseToml {
    name: String,
    hint: String,
    /// Seconds one run of the check may take (default 15).
    time_limit: Option<u64>,
    /// What usually makes this exercise hang, shown beside the general causes.
    if_it_hangs: Option<String>,
}

/// One exercise, as the runner and the author check see it.
#[derive(Debug, Clone)]
pub struct Exercise {
    pub lesson: &'static str,
    pub name: String,
    pub hint: String,
    pub time_limit: Duration,
    pub if_it_hangs: Option<String>,
}

impl Exercise {
    /// `lesson/name`, as the runner's commands take it.
    pub fn id(&self) -> String {
        format!("{}/{}", self.lesson, self.name)
    }

    pub fn dir(&self) -> PathBuf {
        exercises_dir(self.lesson)
    }

    /// The file the learner edits.
    pub fn starter(&self) -> PathBuf {
        self.dir().join(format!("{}.rs", self.name))
    }

    pub fn solution(&self) -> PathBuf {
        self.dir()
            .join("solutions")
            .join(format!("{}.rs", self.name))
    }

    /// A path relative to the workspace root, for messages.
    pub fn shown(path: &Path) -> String {
        path.strip_prefix(workspace_root())
            .unwrap_or(path)
            .display()
            .to_string()
    }

    pub fn package(&self) -> String {
        format!("exercises-{}", self.lesson)
    }

    pub fn bin(&self) -> String {
        format!("{}-{}", self.lesson, self.name)
    }

    /// The title and the task, from the `//!` lines that open the solution
    /// (and so the starter): `//! # Title`, then the task.
    pub fn title_and_task(&self) -> Result<(String, String)> {
        let source = read(&self.solution())?;
        title_and_task(&source).ok_or_else(|| {
            format!(
                "{} does not open with `//! # Title` and its task",
                Exercise::shown(&self.solution())
            )
        })
    }
}

pub fn exercises_dir(lesson: &str) -> PathBuf {
    workspace_root()
        .join("lessons")
        .join(lesson)
        .join("exercises")
}

pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|err| format!("{}: {err}", Exercise::shown(path)))
}

/// Every exercise of the course, lesson by lesson in course order and, within
/// a lesson, in the order of its `exercises.toml`.
pub fn catalogue() -> Result<Vec<Exercise>> {
    let mut all = Vec::new();
    for lesson in shared::course::LESSONS {
        let list = exercises_dir(lesson).join("exercises.toml");
        if !list.exists() {
            continue;
        }
        let parsed: ExercisesToml = toml::from_str(&read(&list)?)
            .map_err(|err| format!("{}: {err}", Exercise::shown(&list)))?;
        for exercise in parsed.exercise {
            all.push(Exercise {
                lesson,
                name: exercise.name,
                hint: exercise.hint.trim().to_owned(),
                time_limit: exercise
                    .time_limit
                    .map_or(DEFAULT_TIME_LIMIT, Duration::from_secs),
                if_it_hangs: exercise.if_it_hangs.map(|text| text.trim().to_owned()),
            });
        }
    }
    Ok(all)
}

/// The first `//!` block: `# Title`, a blank line, then the task.
pub fn title_and_task(source: &str) -> Option<(String, String)> {
    let header: Vec<&str> = source
        .lines()
        .take_while(|line| line.starts_with("//!"))
        .map(|line| {
            let text = &line[3..];
            text.strip_prefix(' ').unwrap_or(text)
        })
        .collect();
    let title = header.first()?.strip_prefix("# ")?.trim().to_owned();
    let task = header[1..].join("\n").trim().to_owned();
    (!task.is_empty()).then_some((title, task))
}

const SOLUTION_START: &str = "// ANCHOR: solution";
const SOLUTION_END: &str = "// ANCHOR_END: solution";
const STARTER_LINE: &str = "//~";

/// The starter cut from a solution: solution regions out, `//~ ` lines in.
pub fn starter_from_solution(solution: &str) -> Result<String> {
    let mut starter = String::new();
    let mut in_solution = false;
    let mut any_region = false;
    for (number, line) in solution.lines().enumerate() {
        let trimmed = line.trim_start();
        let at = || format!("line {}", number + 1);
        if trimmed.starts_with(SOLUTION_START) {
            if in_solution {
                return Err(format!("{}: a solution region inside another", at()));
            }
            in_solution = true;
            any_region = true;
        } else if trimmed.starts_with(SOLUTION_END) {
            if !in_solution {
                return Err(format!("{}: ANCHOR_END without its ANCHOR", at()));
            }
            in_solution = false;
        } else if let Some(rest) = trimmed.strip_prefix(STARTER_LINE) {
            if in_solution {
                return Err(format!("{}: a //~ line inside a solution region", at()));
            }
            let indent = &line[..line.len() - trimmed.len()];
            let code = rest.strip_prefix(' ').unwrap_or(rest);
            if !code.is_empty() {
                starter.push_str(indent);
                starter.push_str(code);
            }
            starter.push('\n');
        } else if !in_solution {
            starter.push_str(line);
            starter.push('\n');
        }
    }
    if in_solution {
        return Err("a solution region is never closed".into());
    }
    if !any_region {
        return Err(format!("no `{SOLUTION_START}` region"));
    }
    Ok(starter)
}

/// How one run of a check ended.
pub enum Outcome {
    Passed,
    Failed(String),
    /// Still running at the time limit: stopped, with everything it started.
    TimedOut(String),
}

/// Which program a check runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Program {
    /// The learner's file (the starter, until they change it).
    Learner,
    /// The reference solution.
    Solution,
}

/// What [`build`] or [`build_lessons`] made: each lesson's check, and
/// exercise programs (learner's or solution) by binary name.
#[derive(Default)]
pub struct Built {
    pub checks: Vec<(String, PathBuf)>,
    pub programs: Vec<(String, PathBuf)>,
}

impl Built {
    pub fn check(&self, lesson: &str) -> Result<&Path> {
        self.checks
            .iter()
            .find(|(name, _)| name == lesson)
            .map(|(_, exe)| exe.as_path())
            .ok_or_else(|| format!("no check was built for lesson {lesson}"))
    }

    pub fn program(&self, bin: &str) -> Option<&Path> {
        self.programs
            .iter()
            .find(|(name, _)| name == bin)
            .map(|(_, exe)| exe.as_path())
    }
}

/// Builds one exercise's program (the learner's file or the solution) and
/// its lesson's checks, and nothing else: a sibling exercise left half done
/// is not compiled, so it neither blocks this one nor puts its errors on the
/// screen. Compiler messages go to stderr as cargo renders them.
pub fn build(exercise: &Exercise, program: Program) -> Result<Built> {
    build_exercise(exercise, program, true)
}

/// As [`build`], without the compiler's messages: for `learn check --all`,
/// whose table says which exercises do not compile.
pub fn build_quietly(exercise: &Exercise, program: Program) -> Result<Built> {
    build_exercise(exercise, program, false)
}

fn build_exercise(exercise: &Exercise, program: Program, show: bool) -> Result<Built> {
    let bin = match program {
        Program::Learner => exercise.bin(),
        Program::Solution => format!("{}-solution", exercise.bin()),
    };
    build_showing(&exercise.dir(), &[exercise.package()], Some(&bin), show)
}

/// Builds every program of these lessons' exercises, and their checks: for
/// `cargo xtask check-exercises`, where every one must compile.
pub fn build_lessons(lessons: &[&str]) -> Result<Built> {
    let packages: Vec<String> = lessons
        .iter()
        .map(|lesson| format!("exercises-{lesson}"))
        .collect();
    build_in(&workspace_root(), &packages, None)
}

/// Builds, with cargo run in `dir`, binary `bin` (or every binary) of
/// `packages`, then those packages' checks: the unit tests of their library,
/// which cargo builds without building any of their binaries.
fn build_in(dir: &Path, packages: &[String], bin: Option<&str>) -> Result<Built> {
    build_showing(dir, packages, bin, true)
}

/// [`build_in`], with the compiler's messages shown on stderr or left out.
fn build_showing(
    dir: &Path,
    packages: &[String],
    bin: Option<&str>,
    show_messages: bool,
) -> Result<Built> {
    let mut programs = cargo_in(dir, &["build"]);
    match bin {
        Some(bin) => programs.args(["--bin", bin]),
        None => programs.arg("--bins"),
    };
    let checks = cargo_in(dir, &["test", "--no-run", "--lib"]);
    let mut built = Built::default();
    for (mut command, what) in [
        (programs, "it does not compile"),
        (checks, "its check (check.rs) does not compile"),
    ] {
        for package in packages {
            command.args(["--package", package]);
        }
        command.stderr(if show_messages {
            Stdio::inherit()
        } else {
            Stdio::null()
        });
        let Some(artifacts) = artifacts(&mut command)? else {
            return Err(format!("{what} (the compiler's messages are above)"));
        };
        for artifact in artifacts {
            if !artifact.test {
                built.programs.push((artifact.name, artifact.exe));
            } else if let Some(lesson) = artifact.name.strip_prefix("exercises_") {
                // A library's tests are named after it: exercises_<lesson>.
                built.checks.push((lesson.to_owned(), artifact.exe));
            }
        }
    }
    Ok(built)
}

/// `cargo <subcommand>` with JSON messages, run in `dir` so that it finds
/// the workspace that holds it.
fn cargo_in(dir: &Path, subcommand: &[&str]) -> Command {
    let mut command = cargo();
    command
        .current_dir(dir)
        .args(subcommand)
        .args(["--quiet", "--message-format=json-render-diagnostics"]);
    command
}

/// An executable cargo made.
struct Artifact {
    /// The target's name: the binary's, or the library's for its tests.
    name: String,
    exe: PathBuf,
    /// A test executable, not a program.
    test: bool,
}

/// Runs a cargo build made by [`cargo_in`] and returns the executables it
/// made, or `None` if it failed (cargo has then said why, on the stderr
/// the caller gave it).
fn artifacts(command: &mut Command) -> Result<Option<Vec<Artifact>>> {
    // stderr is as the caller set it: cargo's messages shown, or not.
    command.stdout(Stdio::piped());
    let output = command
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if !output.status.success() {
        return Ok(None);
    }
    let mut made = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let (Some(name), Some(exe)) = (
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) else {
            continue;
        };
        made.push(Artifact {
            name: name.to_owned(),
            exe: PathBuf::from(exe),
            test: message["profile"]["test"] == true,
        });
    }
    Ok(Some(made))
}

/// Set when the runner is asked to stop (Ctrl-C): a running check is then
/// stopped with everything it started, and the runner ends.
pub static INTERRUPTED: LazyLock<Arc<AtomicBool>> = LazyLock::new(Arc::default);

/// Makes Ctrl-C set [`INTERRUPTED`] instead of killing us outright, so that a
/// running check (in a process group of its own, out of the terminal's reach)
/// is stopped and reaped first.
pub fn stop_on_ctrl_c() {
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGINT,
        Arc::clone(&INTERRUPTED),
    );
}

/// Runs one exercise's check (already built: `check_exe`) against the
/// learner's file or the solution, with the exercise's time limit.
pub fn run_check(
    exercise: &Exercise,
    check_exe: &Path,
    program: Program,
) -> Result<Outcome> {
    run_check_in(
        &exercise.dir(),
        &exercise.name,
        check_exe,
        program,
        exercise.time_limit,
    )
}

/// Runs test `test` of the check `check_exe` of the exercises in `dir`.
fn run_check_in(
    dir: &Path,
    test: &str,
    check_exe: &Path,
    program: Program,
    limit: Duration,
) -> Result<Outcome> {
    let mut command = Command::new(check_exe);
    command
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .current_dir(dir)
        // Where the check finds its golden files, as `cargo test` would say.
        .env("CARGO_MANIFEST_DIR", dir)
        .env_remove("SNAPSHOTS")
        .env_remove(shared::golden::SOLUTION_VAR)
        .env("RUST_BACKTRACE", "0");
    if program == Program::Solution {
        command.env(shared::golden::SOLUTION_VAR, "1");
    }
    let (status, output) = run_limited(command, limit)?;
    let output = tidy_check_output(&output, test);
    Ok(match status {
        Some(status) if status.success() => Outcome::Passed,
        Some(_) => Outcome::Failed(output),
        None => Outcome::TimedOut(output),
    })
}

/// Runs `command` with stdout and stderr together, for at most `limit`.
/// It runs in a process group of its own; at the limit, or on Ctrl-C, the
/// whole group is killed, and so is whatever left the group and was orphaned
/// to us (we become a child subreaper). The status is `None` if it was
/// stopped.
pub fn run_limited(
    mut command: Command,
    limit: Duration,
) -> Result<(Option<ExitStatus>, String)> {
    let (mut reader, writer) = std::io::pipe().map_err(|err| err.to_string())?;
    command
        .stdin(Stdio::null())
        .stdout(writer.try_clone().map_err(|err| err.to_string())?)
        .stderr(writer)
        .process_group(0);
    become_subreaper();
    let mut child = command
        .spawn()
        .map_err(|err| format!("cannot run {:?}: {err}", command.get_program()))?;
    // The command holds the pipe's write ends: drop them, or the pipe never ends.
    drop(command);
    let group = child.id() as i32;
    let (sender, output) = crossbeam_channel::bounded(1);
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = reader.read_to_end(&mut bytes);
        let _ = sender.send(bytes);
    });

    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|err| err.to_string())? {
            break Some(status);
        }
        if Instant::now() >= deadline || INTERRUPTED.load(Ordering::Relaxed) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // Whatever it started and left running goes, passed or not.
    kill_group(group);
    let _ = child.wait();
    kill_orphans();
    // Everything that held the pipe is dead now; the timeout is for a
    // process that escaped both the group and us, which we then leave alone.
    let output = output
        .recv_timeout(Duration::from_secs(2))
        .unwrap_or_default();
    Ok((status, String::from_utf8_lossy(&output).into_owned()))
}

fn become_subreaper() {
    #[cfg(target_os = "linux")]
    let _ = nix::sys::prctl::set_child_subreaper(true);
}

fn kill_group(group: i32) {
    use nix::sys::signal::{Signal, killpg};
    let _ = killpg(nix::unistd::Pid::from_raw(group), Signal::SIGKILL);
}

/// Kills and reaps every process orphaned to us: one that left the group of
/// a program we ran, once its parent died. Killing one may orphan its own
/// children to us in turn, hence the rounds.
fn kill_orphans() {
    use nix::sys::signal::{Signal, kill};
    use nix::sys::wait::waitpid;
    let me = std::process::id();
    for _ in 0..100 {
        let orphans = killable(children_of(me), me);
        if orphans.is_empty() {
            return;
        }
        for orphan in &orphans {
            let _ = kill(*orphan, Signal::SIGKILL);
        }
        for orphan in orphans {
            let _ = waitpid(orphan, None);
        }
    }
}

/// The pids that may be killed as orphans of `parent`: those still its
/// children, read again here, apart from [`children_of`]. Mutation tests
/// made `children_of` answer `[0]`, and the kill that followed took the
/// whole process group (`kill` takes 0 for it, -1 for every process); and
/// answer every process but the children, and it took the machine. 0, -1
/// and init (1) are never anyone's child here. A child is not reaped
/// before the kill, so its pid cannot have been reused.
fn killable(pids: Vec<i32>, parent: u32) -> Vec<nix::unistd::Pid> {
    pids.into_iter()
        .filter(|&pid| parent_of(pid) == Some(parent))
        .map(nix::unistd::Pid::from_raw)
        .collect()
}

/// The pids whose parent is `parent`, from /proc.
fn children_of(parent: u32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    (entries.flatten())
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| parent_of(pid) == Some(parent))
        .collect()
}

/// The parent of process `pid`, from /proc, if it is still there.
fn parent_of(pid: i32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // pid (comm) state ppid ...: comm may hold spaces and parentheses.
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// The check's output without the test harness's own lines, which say
/// nothing a learner needs.
fn tidy_check_output(output: &str, test: &str) -> String {
    let noise = |line: &str| {
        line.starts_with("running 1 test")
            || line.starts_with(&format!("test {test} ..."))
            || line == "FAILED"
            || line.starts_with("test result:")
            || line == "failures:"
            || line == format!("    {test}")
            || line.starts_with("note: run with `RUST_BACKTRACE=1`")
            || line.starts_with("error: test failed")
            || line.starts_with(&format!("thread '{test}' ("))
    };
    let kept: Vec<&str> = output.lines().filter(|line| !noise(line)).collect();
    let mut text = String::new();
    for line in kept {
        let _ = writeln!(text, "{line}");
    }
    text.trim().to_owned()
}

/// Writes every starter from its solution.
pub fn cut_starters() -> Result {
    for exercise in catalogue()? {
        let starter = starter_from_solution(&read(&exercise.solution())?)
            .map_err(|err| format!("{}: {err}", Exercise::shown(&exercise.solution())))?;
        let path = exercise.starter();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(starter.as_str()) {
            std::fs::write(&path, starter).map_err(|err| err.to_string())?;
            println!("wrote {}", Exercise::shown(&path));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOLUTION: &str = "\
//! # Wait
//!
//! Make main wait.

fn main() {
    let t = spawn();
    //~ // TODO: wait for t.
    //~ drop(t);
    //~
    //~ if x {
    //~     y();
    //~ }
    // ANCHOR: solution
    t.join();
    // ANCHOR_END: solution
    done();
}
";

    #[test]
    fn the_starter_is_the_solution_without_its_regions_and_with_its_starter_lines() {
        let starter = starter_from_solution(SOLUTION).unwrap();
        assert_eq!(
            starter,
            "//! # Wait\n//!\n//! Make main wait.\n\nfn main() {\n    let t = spawn();\n    \
             // TODO: wait for t.\n    drop(t);\n\n    if x {\n        y();\n    }\n    done();\n}\n"
        );
    }

    #[test]
    fn broken_regions_are_refused() {
        assert!(starter_from_solution("fn main() {}\n").is_err());
        assert!(starter_from_solution("// ANCHOR: solution\nx\n").is_err());
        assert!(starter_from_solution("// ANCHOR_END: solution\n").is_err());
        let nested =
            "// ANCHOR: solution\n// ANCHOR: solution\n// ANCHOR_END: solution\n";
        assert!(starter_from_solution(nested).is_err());
        let starter_inside = "// ANCHOR: solution\n//~ x\n// ANCHOR_END: solution\n";
        assert!(starter_from_solution(starter_inside).is_err());
    }

    #[test]
    fn every_exercise_s_title_and_task_come_from_its_solution() {
        for exercise in catalogue().unwrap() {
            let (title, task) = exercise.title_and_task().unwrap();
            let solution = read(&exercise.solution()).unwrap();
            assert!(
                solution.starts_with(&format!("//! # {title}\n")),
                "{}: {title:?}",
                exercise.id()
            );
            assert!(!title.is_empty() && !task.is_empty(), "{}", exercise.id());
            assert!(solution.contains(task.lines().next().unwrap()));
        }
    }

    #[test]
    fn check_exercises_builds_every_program_of_its_lessons_and_their_checks() {
        // Its cargo is a child that `run_limited` in another test would reap.
        let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
        let built = build_lessons(&["join"]).unwrap();
        assert!(built.check("join").unwrap().is_file());
        let join: Vec<Exercise> = catalogue()
            .unwrap()
            .into_iter()
            .filter(|exercise| exercise.lesson == "join")
            .collect();
        assert!(!join.is_empty());
        for exercise in join {
            for bin in [exercise.bin(), format!("{}-solution", exercise.bin())] {
                let program = built.program(&bin);
                assert!(program.is_some_and(Path::is_file), "{bin}");
            }
        }
    }

    #[test]
    fn the_header_gives_title_and_task() {
        let (title, task) = title_and_task(SOLUTION).unwrap();
        assert_eq!(title, "Wait");
        assert_eq!(task, "Make main wait.");
        assert!(title_and_task("//! no title\n//!\n//! task\n").is_none());
        assert!(title_and_task("//! # Title only\n").is_none());
    }

    /// What `cargo test` prints for a check that fails, less its one line
    /// that says what failed.
    #[test]
    fn the_harness_lines_are_left_out() {
        let raw = "\nrunning 1 test\n\nthread 'x' (123) panicked at check.rs:3:4:\n\
                   golden differs\nnote: run with `RUST_BACKTRACE=1` environment \
                   variable to display a backtrace\ntest x ... FAILED\n\nfailures:\n\n\
                   failures:\n    x\n\ntest result: FAILED. 0 passed; 1 failed\n\
                   error: test failed, to rerun pass `--test check`\n";
        assert_eq!(tidy_check_output(raw, "x"), "golden differs");
    }
}

/// The tests that run programs through [`run_limited`], which kills and
/// reaps every child of the test process, take turns, and so must any test
/// that starts a process of its own meanwhile.
#[cfg(test)]
pub(crate) static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A folder for one test, emptied when it starts and removed with
/// everything in it when the test ends.
#[cfg(test)]
pub(crate) struct Scratch(pub PathBuf);

#[cfg(test)]
impl Scratch {
    pub(crate) fn new(dir: PathBuf) -> Scratch {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch folder");
        Scratch(dir)
    }

    /// Writes `text` into the file at `path` in the folder.
    pub(crate) fn write(&self, path: &str, text: &str) {
        let path = self.0.join(path);
        std::fs::create_dir_all(path.parent().expect("a folder"))
            .expect("create folders");
        std::fs::write(path, text).expect("write a scratch file");
    }
}

#[cfg(test)]
impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Each exercise builds and is checked on its own, and a check looks for its
/// program and golden files where it runs. The package these tests build is
/// like a lesson's exercises, of a lesson whose names clash with no real one.
#[cfg(test)]
mod on_its_own {
    use super::*;

    const GOOD: &str = "fn main() {\n    println!(\"not yet\");\n}\n";
    const GOOD_SOLUTION: &str = "fn main() {\n    println!(\"good\");\n}\n";
    const BROKEN: &str = "fn half_done( {\n";

    /// The target folder of this test: it is `<target>/<profile>/deps/<test>`.
    fn target_dir() -> PathBuf {
        let test = std::env::current_exe().expect("the test's path");
        test.ancestors()
            .nth(3)
            .expect("<target>/<profile>/deps")
            .to_owned()
    }

    /// Writes, into `scratch/exercises`, package `exercises-<lesson>` with
    /// exercise `good` and a sibling, `broken`, that does not compile. It
    /// builds into this test's own target folder (with the workspace's
    /// profiles and lock file), where the `shared` its check uses is built.
    fn fake_lesson(scratch: &Scratch, lesson: &str) -> PathBuf {
        let root = workspace_root();
        let manifest: toml::Table =
            toml::from_str(&read(&root.join("Cargo.toml")).unwrap())
                .expect("the workspace's Cargo.toml");
        let profiles = toml::to_string(&toml::Table::from_iter(
            manifest
                .get("profile")
                .map(|p| ("profile".to_owned(), p.clone())),
        ))
        .unwrap();
        let shared = root.join("shared");
        let mut bins = String::new();
        for (name, path) in [
            ("good", "good.rs"),
            ("good-solution", "solutions/good.rs"),
            ("broken", "broken.rs"),
            ("broken-solution", "solutions/broken.rs"),
        ] {
            let _ = write!(
                bins,
                "[[bin]]\nname = \"{lesson}-{name}\"\npath = \"{path}\"\ntest = false\n\n"
            );
        }
        let cargo_toml = format!(
            "[workspace]\n\n[package]\nname = \"exercises-{lesson}\"\n\
             version = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\
             autobins = false\nautotests = false\n\n\
             [lib]\npath = \"check.rs\"\ntest = false\ndoctest = false\n\n{bins}\
             [dev-dependencies]\nshared = {{ path = {shared:?}, features = [\"golden\"] }}\n\n\
             {profiles}"
        );
        let check = format!(
            "#![cfg(test)]\n\
             #[test]\nfn good() {{\n    shared::exercise!(\"{lesson}-good\")\n        \
             .check(shared::golden::Check::exact(\"good\").args(&[]));\n}}\n"
        );
        scratch.write("exercises/Cargo.toml", &cargo_toml);
        scratch.write(
            "exercises/.cargo/config.toml",
            &format!(
                "[build]\ntarget-dir = {:?}\n\n[net]\noffline = true\n",
                target_dir()
            ),
        );
        scratch.write(
            "exercises/Cargo.lock",
            &read(&root.join("Cargo.lock")).unwrap(),
        );
        scratch.write("exercises/check.rs", &check);
        scratch.write("exercises/good.rs", GOOD);
        scratch.write("exercises/solutions/good.rs", GOOD_SOLUTION);
        scratch.write("exercises/broken.rs", BROKEN);
        scratch.write("exercises/solutions/broken.rs", "fn main() {}\n");
        scratch.write("exercises/golden/good.stdout", "good\n");
        scratch.0.join("exercises")
    }

    fn check_good(dir: &Path, check: &Path, program: Program) -> Outcome {
        run_check_in(dir, "good", check, program, Duration::from_secs(60)).unwrap()
    }

    /// Issue 11: with one exercise of a lesson that does not compile, every
    /// other one of the lesson could not be checked, and the error above the
    /// verdict was in the wrong file.
    #[test]
    fn a_sibling_that_does_not_compile_blocks_nothing() {
        let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
        let lesson = "xtask_sibling";
        let scratch = Scratch::new(target_dir().join("xtask-tests").join(lesson));
        let dir = fake_lesson(&scratch, lesson);
        let package = [format!("exercises-{lesson}")];

        // The sibling really does not compile, and its error names its file.
        let broken = cargo_in(&dir, &["build", "--bin", &format!("{lesson}-broken")])
            .stdout(Stdio::null())
            .output()
            .unwrap();
        let errors = String::from_utf8_lossy(&broken.stderr);
        assert!(!broken.status.success(), "the broken exercise compiled");
        assert!(errors.contains("broken.rs"), "{errors}");

        let built = build_in(&dir, &package, Some(&format!("{lesson}-good")))
            .expect("a broken sibling stopped the build of another exercise");
        let check = built.check(lesson).unwrap().to_owned();
        assert!(built.program(&format!("{lesson}-good")).is_some());
        let Outcome::Failed(found) = check_good(&dir, &check, Program::Learner) else {
            panic!("the starter of `good` did not fail its check");
        };
        assert!(found.contains("not what a right answer prints"), "{found}");

        build_in(&dir, &package, Some(&format!("{lesson}-good-solution"))).unwrap();
        assert!(matches!(
            check_good(&dir, &check, Program::Solution),
            Outcome::Passed
        ));
    }

    /// Issue 11: a check found its program and golden files where it was
    /// compiled, so a copied or moved checkout checked the original's.
    #[test]
    fn a_moved_checkout_checks_its_own_files() {
        let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
        let lesson = "xtask_moved";
        let scratch = Scratch::new(target_dir().join("xtask-tests").join(lesson));
        let original = fake_lesson(&scratch, lesson);
        let package = [format!("exercises-{lesson}")];
        let built = build_in(
            &original,
            &package,
            Some(&format!("{lesson}-good-solution")),
        )
        .unwrap();

        // Move the sources, and copy what was built beside them, as a copy
        // of a whole checkout has it: here the learner's program is the
        // solution, which passes, while the original's fails or is missing.
        let moved = scratch.0.join("moved");
        std::fs::rename(&original, &moved).unwrap();
        let deps = scratch.0.join("target/debug/deps");
        std::fs::create_dir_all(&deps).unwrap();
        let check = built.check(lesson).unwrap();
        let copied_check = deps.join(check.file_name().unwrap());
        std::fs::copy(check, &copied_check).unwrap();
        let solution = built.program(&format!("{lesson}-good-solution")).unwrap();
        std::fs::copy(
            solution,
            scratch.0.join(format!("target/debug/{lesson}-good")),
        )
        .unwrap();

        let outcome = check_good(&moved, &copied_check, Program::Learner);
        if let Outcome::Failed(found) | Outcome::TimedOut(found) = outcome {
            panic!("the check did not use the moved checkout's files:\n{found}");
        }
    }
}

#[cfg(test)]
mod limits {
    use super::*;

    /// A program that never ends, with a child in its group and a grandchild
    /// that left the group: all are stopped, and none is left behind.
    #[test]
    fn a_hanging_program_is_stopped_with_everything_it_started() {
        let _alone = ONE_AT_A_TIME.lock().unwrap();
        let mut command = Command::new("sh");
        command.args(["-c", "echo started; sleep 1000 & setsid sleep 1000 & wait"]);
        let (status, output) = run_limited(command, Duration::from_millis(500)).unwrap();
        assert!(status.is_none(), "the program was not reported as stopped");
        assert_eq!(output, "started\n");
        assert_eq!(
            children_of(std::process::id()),
            Vec::<i32>::new(),
            "something the program started is still there"
        );
    }

    /// See [`killable`] for the mutants that made this test.
    #[test]
    fn only_children_are_killed_as_orphans() {
        let _alone = ONE_AT_A_TIME.lock().unwrap();
        let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
        let me = std::process::id();
        let every_process: Vec<i32> = (std::fs::read_dir("/proc").unwrap().flatten())
            .filter_map(|entry| entry.file_name().to_str()?.parse().ok())
            .chain([0, -1, 1])
            .collect();
        let orphans = killable(every_process, me);
        child.kill().unwrap();
        child.wait().unwrap();
        assert_eq!(orphans, [nix::unistd::Pid::from_raw(child.id() as i32)]);
        assert_eq!(killable(vec![0, -1, 1], 1), []);
    }

    #[test]
    fn a_program_that_ends_gives_its_status_and_output() {
        let _alone = ONE_AT_A_TIME.lock().unwrap();
        let mut command = Command::new("sh");
        command.args(["-c", "echo out; echo err >&2; exit 3"]);
        let (status, output) = run_limited(command, Duration::from_secs(60)).unwrap();
        assert_eq!(status.and_then(|s| s.code()), Some(3));
        assert_eq!(output, "out\nerr\n");
    }
}
