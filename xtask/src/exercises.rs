//! The course's exercises: where they are, how a starter is cut from its
//! solution, and how a check is built and run under a time limit.
//!
//! Each lesson keeps its exercises in `lessons/<lesson>/exercises/`:
//!
//! ```text
//! exercises.toml          the runner's list: name, hint, optional time limit
//! <name>.rs               the starter: the file the learner edits
//! solutions/<name>.rs     the reference solution, the one source of both
//! check.rs                one #[test] per exercise (test = false)
//! golden/<name>.stdout    what a correct program prints, for golden checks
//! Cargo.toml              package exercises-<lesson>: bins <lesson>-<name>
//!                         and <lesson>-<name>-solution, test `check`
//! ```
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
    let mut regions = 0;
    for (number, line) in solution.lines().enumerate() {
        let trimmed = line.trim_start();
        let at = || format!("line {}", number + 1);
        if trimmed.starts_with(SOLUTION_START) {
            if in_solution {
                return Err(format!("{}: a solution region inside another", at()));
            }
            in_solution = true;
            regions += 1;
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
    if regions == 0 {
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

/// What [`build`] made: each lesson's check, and every exercise program
/// (learner's and solution) by binary name.
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

/// Builds the checks of these lessons' exercises, and so every exercise
/// program of those lessons, showing compiler errors as cargo renders them.
pub fn build(lessons: &[&str]) -> Result<Built> {
    let mut command = cargo();
    command.args([
        "test",
        "--no-run",
        "--quiet",
        "--message-format=json-render-diagnostics",
    ]);
    for lesson in lessons {
        command.args(["--package", &format!("exercises-{lesson}")]);
    }
    command
        .args(["--test", "check"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    let output = command
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if !output.status.success() {
        return Err("it does not compile (the compiler's messages are above)".into());
    }
    let mut built = Built {
        checks: Vec::new(),
        programs: Vec::new(),
    };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let (Some(name), Some(exe)) = (
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        if name == "check" && message["profile"]["test"] == true {
            let id = message["package_id"].as_str().unwrap_or_default();
            let lesson = lessons
                .iter()
                .find(|lesson| id.contains(&format!("exercises-{lesson}")))
                .ok_or_else(|| format!("a check of an unexpected package: {id}"))?;
            built.checks.push((lesson.to_string(), PathBuf::from(exe)));
        } else {
            built.programs.push((name.to_owned(), PathBuf::from(exe)));
        }
    }
    Ok(built)
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
    let mut command = Command::new(check_exe);
    command
        .args([&exercise.name, "--exact", "--nocapture", "--test-threads=1"])
        .current_dir(exercise.dir())
        .env_remove("SNAPSHOTS")
        .env_remove(shared::golden::SOLUTION_VAR)
        .env("RUST_BACKTRACE", "0");
    if program == Program::Solution {
        command.env(shared::golden::SOLUTION_VAR, "1");
    }
    let (status, output) = run_limited(command, exercise.time_limit)?;
    let output = tidy_check_output(&output, &exercise.name);
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
    use nix::unistd::Pid;
    for _ in 0..100 {
        let orphans = children_of(std::process::id());
        if orphans.is_empty() {
            return;
        }
        for orphan in &orphans {
            let _ = kill(Pid::from_raw(*orphan), Signal::SIGKILL);
        }
        for orphan in orphans {
            let _ = waitpid(Pid::from_raw(orphan), None);
        }
    }
}

/// The pids whose parent is `parent`, from /proc.
fn children_of(parent: u32) -> Vec<i32> {
    let mut children = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return children;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ...: comm may hold spaces and parentheses.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|ppid| ppid.parse::<u32>().ok());
        if ppid == Some(parent) {
            children.push(pid);
        }
    }
    children
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
    fn the_header_gives_title_and_task() {
        let (title, task) = title_and_task(SOLUTION).unwrap();
        assert_eq!(title, "Wait");
        assert_eq!(task, "Make main wait.");
        assert!(title_and_task("//! no title\n//!\n//! task\n").is_none());
        assert!(title_and_task("//! # Title only\n").is_none());
    }

    #[test]
    fn the_harness_lines_are_left_out() {
        let raw = "\nrunning 1 test\n\nthread 'x' (123) panicked at check.rs:3:4:\n\
                   golden differs\ntest x ... FAILED\n\nfailures:\n\nfailures:\n    x\n\n\
                   test result: FAILED. 0 passed; 1 failed\n";
        assert_eq!(tidy_check_output(raw, "x"), "golden differs");
    }
}

#[cfg(test)]
mod limits {
    use super::*;

    /// Each test reaps every child of the test process: one at a time.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

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
