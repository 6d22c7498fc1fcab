//! `cargo xtask learn` as a learner meets it, run as a program: its exit
//! statuses, its messages, and what it changes or leaves alone.
//!
//! Only the bad-name tests run in the course itself, as they change nothing.
//! The others run on a copy of two lessons' exercises in a folder of their
//! own, so that they never touch the learner's files, and with a stand-in
//! for cargo, so that a build fails at once, passes at once, or runs until
//! Ctrl-C, as each test needs.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use expectrl::session::OsSession;
use expectrl::{Eof, Expect};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_owned()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_bad_name_or_command_exits_2_and_says_what_was_meant() {
    let cases: [&[&str]; 4] = [
        &["hint", "bogus"],
        // --manual: were the name taken, the runner would stop at the end of
        // its (empty) input instead of watching files for ever.
        &["--manual", "go", "bogus"],
        &["reset", "bogus"],
        &["bogus"],
    ];
    for args in cases {
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("learn")
            .args(args)
            .current_dir(workspace())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "learn {args:?}:\n{stderr}");
        assert!(
            stderr
                .lines()
                .any(|line| line.trim_start().starts_with("did you mean")),
            "learn {args:?} offers nothing:\n{stderr}"
        );
    }
}

#[test]
fn a_usage_error_names_the_command_as_it_is_typed() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["learn", "--bogus"])
        .current_dir(workspace())
        .output()
        .unwrap();
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("Usage: cargo xtask learn"), "{stderr}");
}

/// What the stand-in for cargo does.
enum Cargo {
    /// Fails at once, as a build with a compile error does.
    Fails,
    /// Builds until it is stopped, saying first that it started.
    BuildsUntilStopped,
    /// Builds the program and its check at once, and the check passes.
    Passes,
    /// As in a course a learner left half done: lock/overbooked does not
    /// compile, join/results_by_join fails its check, lock/lock_once hangs
    /// (its time limit made 1 s), and the others pass.
    Mixed,
}

/// What the stand-in check of [`Cargo::Mixed`] does, by exercise (the
/// check's first argument is the test's name). Lock_once's check leaves the
/// file `CHECKING` in the course's folder before it hangs.
const MIXED_CHECK: &str = "case \"$1\" in\n\
    results_by_join) echo 'T1 is missing: not what a right answer prints'; exit 101;;\n\
    lock_once) : > \"$(dirname \"$0\")/checking\"; exec sleep 600;;\n\
    esac\nexit 0";

/// The file lock_once's stand-in check leaves when it starts.
const CHECKING: &str = "checking";

/// What the stand-in for cargo prints to stderr when it starts a build that
/// only Ctrl-C ends.
const BUILDING: &str = "stand-in cargo: building";

/// A copy of the exercises of lessons join and lock in a folder of its own,
/// as a course of their own, with a stand-in for cargo.
struct Course {
    root: PathBuf,
}

impl Course {
    const LESSONS: [&str; 2] = ["join", "lock"];

    fn new(test: &str, cargo: Cargo) -> Course {
        let root = std::env::temp_dir()
            .join(format!("xtask-learn-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        let course = Course { root };
        std::fs::write(
            course.root.join("Cargo.toml"),
            "[workspace]\nmembers = []\n",
        )
        .unwrap();
        for lesson in Course::LESSONS {
            let from = workspace().join("lessons").join(lesson).join("exercises");
            copy_dir(
                &from,
                &course.root.join("lessons").join(lesson).join("exercises"),
            );
        }
        let check = course.root.join("stand-in-check");
        write_script(
            &check,
            if matches!(cargo, Cargo::Mixed) {
                MIXED_CHECK
            } else {
                "exit 0"
            },
        );
        let checks_built = Course::LESSONS
            .iter()
            .map(|lesson| {
                format!(
                    "echo '{}'",
                    artifact(&format!("exercises_{lesson}"), "lib", true, &check)
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        let script = match cargo {
            Cargo::Fails => "exit 101".to_owned(),
            Cargo::Mixed => format!(
                "case \"$*\" in\n*'--bin lock-overbooked '*)\n    \
                 echo 'error: expected one of `:` or `)`' >&2\n    exit 101;;\n\
                 esac\n{checks_built}"
            ),
            // It says so through a FIFO rather than on stderr, which
            // `check --all` does not show.
            Cargo::BuildsUntilStopped => {
                let building = course.file("building");
                nix::unistd::mkfifo(&building, nix::sys::stat::Mode::S_IRWXU).unwrap();
                format!(
                    "echo '{BUILDING}' > '{}'\nexec sleep 600",
                    building.display()
                )
            }
            // What cargo prints for a program and for a check, in its JSON
            // messages (each program is `true`, each check passes).
            Cargo::Passes => Course::LESSONS
                .iter()
                .map(|lesson| {
                    format!(
                        "echo '{}'\necho '{}'",
                        artifact(&format!("exercises_{lesson}"), "lib", true, &check),
                        artifact(
                            &format!("{lesson}-wait_for_both"),
                            "bin",
                            false,
                            Path::new("/bin/true")
                        ),
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
        };
        write_script(&course.cargo(), &script);
        // Before anything can be changed: this is the course xtask works on.
        let list = course.learn(&["list"], "");
        let count = list.stdout.lines().filter(|l| l.contains('/')).count();
        assert!(
            list.stdout.contains("0 of ") && count >= 3 && !list.stdout.contains("queue"),
            "xtask does not work on the copy of the course:\n{}",
            list.stdout
        );
        course
    }

    fn cargo(&self) -> PathBuf {
        self.root.join("stand-in-cargo")
    }

    /// `cargo xtask learn ARGS` in this course.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .arg("learn")
            .args(args)
            .current_dir(&self.root)
            // What `cargo xtask` (a `cargo run`) gives xtask, here in the copy.
            .env("CARGO_MANIFEST_DIR", self.root.join("xtask"))
            .env("CARGO", self.cargo());
        command
    }

    /// Runs `cargo xtask learn ARGS` with `input` typed, to its end.
    fn learn(&self, args: &[&str], input: &str) -> Ran {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        Ran::from(child.wait_with_output().unwrap())
    }

    fn file(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.file(path)).unwrap_or_default()
    }

    fn progress(&self) -> String {
        self.read(".learn-progress")
    }
}

impl Drop for Course {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// One line of cargo's `--message-format=json` for a target it built.
fn artifact(name: &str, kind: &str, test: bool, exe: &Path) -> String {
    format!(
        r#"{{"reason":"compiler-artifact","package_id":"path+file:///course#0.1.0","target":{{"kind":["{kind}"],"crate_types":["{kind}"],"name":"{name}","src_path":"/course/src.rs"}},"profile":{{"test":{test}}},"filenames":["{exe}"],"executable":"{exe}","fresh":true}}"#,
        exe = exe.display()
    )
}

fn write_script(path: &Path, body: &str) {
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// How a run of xtask ended.
struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl From<Output> for Ran {
    fn from(output: Output) -> Ran {
        Ran {
            code: output.status.code(),
            stdout: text(&output.stdout),
            stderr: text(&output.stderr),
        }
    }
}

impl Ran {
    /// What the last screen shows: everything after the last task header.
    fn last_screen(&self) -> &str {
        let start = self.stdout.rfind("━━ Exercise").unwrap_or(0);
        &self.stdout[start..]
    }
}

const STARTER: &str = "lessons/join/exercises/wait_for_both.rs";
const EDITED: &str = "\n// The learner's own work, which a reset would lose.\n";

#[test]
fn a_reset_asks_first_and_without_a_yes_changes_nothing() {
    let course = Course::new("reset", Cargo::Fails);
    let edited = course.read(STARTER) + EDITED;
    std::fs::write(course.file(STARTER), &edited).unwrap();
    std::fs::write(course.file(".learn-progress"), "done join/wait_for_both\n").unwrap();

    for answer in ["", "n\n", "no\n", "yes please\n"] {
        let ran = course.learn(&["reset", "join/wait_for_both"], answer);
        // An answer from a pipe, or none, is not echoed: the question's line
        // is ended for it.
        assert!(
            ran.stdout.ends_with("[y/N] \n"),
            "no question, or its line left open:\n{:?}",
            ran.stdout
        );
        assert_eq!(ran.code, Some(1), "answer {answer:?}: {}", ran.stderr);
        assert!(ran.stderr.contains("not reset"), "{}", ran.stderr);
        assert_eq!(
            course.read(STARTER),
            edited,
            "answer {answer:?} reset the file"
        );
        assert!(course.progress().contains("done join/wait_for_both"));
    }

    let ran = course.learn(&["reset", "join/wait_for_both"], "y\n");
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.stdout.contains("is back to its starter"),
        "{}",
        ran.stdout
    );
    assert!(!course.read(STARTER).contains(EDITED));
    assert!(!course.progress().contains("done join/wait_for_both"));

    // --yes, for scripts, asks nothing.
    std::fs::write(course.file(STARTER), &edited).unwrap();
    let ran = course.learn(&["reset", "--yes", "join/wait_for_both"], "");
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(!ran.stdout.contains("[y/N]"));
    assert!(!course.read(STARTER).contains(EDITED));
}

#[test]
fn a_reset_answered_on_a_terminal_adds_no_blank_line() {
    let course = Course::new("reset-on-a-terminal", Cargo::Fails);
    let mut session =
        OsSession::spawn(course.command(&["reset", "join/wait_for_both"])).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(60)));
    session.expect("[y/N] ").expect("no question");
    // The pseudo-terminal starts without echo; a learner's terminal echoes,
    // and the Enter typed ends the question's line.
    (session.get_process_mut().set_echo(true, None)).expect("no echo");
    session.send("n\r").unwrap();
    let rest = session.expect(Eof).expect("xtask does not end");
    let rest = text(rest.get(0).unwrap_or_default());
    let lines: Vec<&str> = rest.split("\r\n").collect();
    assert_eq!(lines[0], "n", "{rest:?}");
    assert!(
        lines[1].contains("not reset"),
        "a blank line, or none: {rest:?}"
    );
}

#[test]
fn on_a_terminal_lines_are_wrapped_to_its_width() {
    let course = Course::new("width", Cargo::Fails);
    let args = ["hint", "join/wait_for_both"];
    let widest = |text: &str| text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    // To a pipe: 80 columns, wider than the terminal below.
    let piped = course.learn(&args, "");
    assert!(widest(&piped.stdout) > 60, "{}", piped.stdout);

    // The terminal is made 60 columns wide before xtask starts.
    let xtask = course.command(&args);
    let mut command = Command::new("sh");
    command
        .args(["-c", "stty cols 60 rows 24 && exec \"$@\"", "sh"])
        .arg(xtask.get_program())
        .args(xtask.get_args())
        .current_dir(&course.root)
        .envs(
            xtask
                .get_envs()
                .filter_map(|(key, value)| Some((key, value?))),
        );
    let mut session = OsSession::spawn(command).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(60)));
    let shown = session.expect(Eof).expect("xtask does not end");
    let shown = text(shown.get(0).unwrap_or_default()).replace('\r', "");
    assert!(shown.contains("Hint for join/wait_for_both"), "{shown}");
    assert!(widest(&shown) <= 60, "{shown}");
}

#[test]
fn the_list_heads_each_lesson_once_and_marks_the_current_and_the_done() {
    let course = Course::new("list", Cargo::Fails);
    std::fs::write(
        course.file(".learn-progress"),
        "current lock/lock_once\ndone join/wait_for_both\n",
    )
    .unwrap();
    let ran = course.learn(&["list"], "");
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let lines: Vec<&str> = ran.stdout.lines().collect();
    for lesson in Course::LESSONS {
        let headings: Vec<usize> =
            (0..lines.len()).filter(|&i| lines[i] == lesson).collect();
        assert_eq!(
            headings.len(),
            1,
            "{lesson} is not one heading:\n{}",
            ran.stdout
        );
        assert!(
            lines[headings[0] + 1].contains(&format!(" {lesson}/")),
            "{lesson}'s heading is not above its exercises:\n{}",
            ran.stdout
        );
    }
    let marked = |mark: char| -> Vec<&str> {
        (lines.iter())
            .filter_map(|line| line.strip_prefix(&format!("  {mark} ")))
            .filter_map(|row| row.split_whitespace().next())
            .collect()
    };
    assert_eq!(marked('▶'), ["lock/lock_once"], "{}", ran.stdout);
    assert_eq!(marked('✓'), ["join/wait_for_both"], "{}", ran.stdout);
}

#[test]
fn the_runner_asks_before_a_reset_and_keeps_saying_what_it_did() {
    let course = Course::new("runner-reset", Cargo::Fails);
    let edited = course.read(STARTER) + EDITED;
    std::fs::write(course.file(STARTER), &edited).unwrap();

    let ran = course.learn(&["--manual", "go", "join/wait_for_both"], "reset\nn\n");
    assert!(ran.stdout.contains("[y/N]"), "{}", ran.stdout);
    assert!(ran.stdout.contains("Not reset"), "{}", ran.stdout);
    assert_eq!(course.read(STARTER), edited);

    let ran = course.learn(&["--manual", "go", "join/wait_for_both"], "reset\ny\n");
    assert!(!course.read(STARTER).contains(EDITED));
    // The screen is drawn again after a reset (it checks the file again):
    // what the reset did is on that screen, not above it.
    assert!(
        ran.last_screen().contains("is back to its starter"),
        "the last screen does not say what reset did:\n{}",
        ran.stdout
    );
}

#[test]
fn on_a_pipe_l_prints_the_list() {
    let course = Course::new("list-on-a-pipe", Cargo::Fails);
    let ran = course.learn(&["--manual", "go", "join/wait_for_both"], "l\n");
    assert!(
        ran.stdout.contains("  ▶ join/wait_for_both")
            && ran
                .stdout
                .contains("▶ is current: `g NAME` moves to another."),
        "{}",
        ran.stdout
    );
}

/// Without --manual the runner watches the files: input that ends (a pipe,
/// /dev/null) does not stop it, a save does get checked.
#[test]
fn when_its_input_ends_the_runner_goes_on_watching_the_files() {
    let course = Course::new("input-ends", Cargo::Fails);
    let mut runner = course
        .command(&["go", "join/wait_for_both"])
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(runner.stdout.take().unwrap());
    let mut seen = String::new();
    let mut read_until = |what: &str, seen: &mut String| {
        let from = seen.len();
        while !seen[from..].contains(what) {
            if stdout.read_line(seen).unwrap() == 0 {
                return false;
            }
        }
        true
    };
    // The folder is watched before the first check starts.
    let watching = read_until("to check it again", &mut seen);
    if watching {
        std::fs::write(course.file(STARTER), course.read(STARTER) + EDITED).unwrap();
    }
    let checked_again = watching && read_until("Checking...", &mut seen);
    killpg(Pid::from_raw(runner.id() as i32), Signal::SIGINT).unwrap();
    runner.wait().unwrap();
    assert!(checked_again, "the runner stopped watching:\n{seen}");
    assert!(!seen.contains("No more input"), "{seen}");
}

#[test]
fn the_runner_names_its_own_keys() {
    let course = Course::new("keys", Cargo::Fails);
    let ran = course.learn(
        &["--manual", "go", "join/wait_for_both"],
        "g\ng bogus\nlsit\nl\n",
    );
    let out = &ran.stdout;
    assert!(!out.contains("Unknown command \"g\""), "{out}");
    assert!(out.contains("g needs the exercise to go to"), "{out}");
    assert!(out.contains("did you mean"), "{out}");
    assert!(out.contains("Did you mean `l`?"), "{out}");
    assert!(out.contains("`l` shows them all"), "{out}");
    assert!(
        out.contains("▶ is current: `g NAME` moves to another."),
        "{out}"
    );
    for shell_only in ["cargo xtask learn list", "cargo xtask learn go"] {
        assert!(
            !out.contains(shell_only),
            "the runner says {shell_only:?}:\n{out}"
        );
    }
}

#[test]
fn q_says_that_the_progress_is_saved() {
    let course = Course::new("quit", Cargo::Fails);
    let ran = course.learn(&["--manual", "go", "join/wait_for_both"], "q\n");
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    let last = ran.stdout.lines().last().unwrap_or_default();
    assert!(last.contains("Your progress is saved"), "{}", ran.stdout);
}

/// Waits until the stand-in cargo says it builds.
fn building(course: &Course) {
    // Opening the FIFO waits for the stand-in to open it, that is, for the
    // build to start.
    let mut said = String::new();
    std::fs::File::open(course.file("building"))
        .unwrap()
        .read_to_string(&mut said)
        .unwrap();
    assert_eq!(said.trim(), BUILDING);
}

/// Waits until lock_once's stand-in check has started (and hangs).
fn checking(course: &Course) {
    let started = std::time::Instant::now();
    while !course.file(CHECKING).exists() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no check started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts `args`, waits until `ready` returns, then presses Ctrl-C: a
/// SIGINT to the whole foreground group, as a terminal sends it.
fn ctrl_c_once(course: &Course, args: &[&str], ready: fn(&Course)) -> Ran {
    let mut child: Child = course
        .command(args)
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let group = Pid::from_raw(child.id() as i32);
    ready(course);
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    // Ctrl-C leaves the terminal open: so does this, until xtask ends
    // (`wait` would close it first).
    let _terminal = child.stdin.take();
    killpg(group, Signal::SIGINT).unwrap();
    let status = child.wait().unwrap();
    // Anything the stand-in left behind goes too.
    let _ = killpg(group, Signal::SIGKILL);
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    stderr.read_to_string(&mut seen).unwrap();
    Ran {
        code: status.code(),
        stdout,
        stderr: seen,
    }
}

#[test]
fn ctrl_c_during_a_build_or_a_check_says_stopped_gives_no_verdict_and_exits_130() {
    let during_a_build = Course::new("ctrl-c", Cargo::BuildsUntilStopped);
    let during_a_check = Course::new("ctrl-c-check", Cargo::Mixed);
    // Lock_once's check hangs: only Ctrl-C may end it here, not its limit.
    let list = during_a_check.file("lessons/lock/exercises/exercises.toml");
    let toml = std::fs::read_to_string(&list).unwrap();
    std::fs::write(&list, toml.replace("time_limit = 8", "time_limit = 600")).unwrap();
    for (course, ready, args) in [
        (
            &during_a_build,
            building as fn(&Course),
            &["check", "join/wait_for_both"][..],
        ),
        (
            &during_a_build,
            building,
            &["--manual", "go", "join/wait_for_both"],
        ),
        (&during_a_build, building, &["check", "--all"]),
        (&during_a_check, checking, &["check", "lock/lock_once"]),
        (
            &during_a_check,
            checking,
            &["--manual", "go", "lock/lock_once"],
        ),
    ] {
        std::fs::remove_file(course.file(CHECKING)).ok();
        let ran = ctrl_c_once(course, args, ready);
        assert_eq!(
            ran.code,
            Some(130),
            "learn {args:?}:\n{}{}",
            ran.stdout,
            ran.stderr
        );
        assert!(
            ran.stdout.contains("Stopped."),
            "learn {args:?}:\n{}",
            ran.stdout
        );
        assert!(
            ran.stdout.contains("Your progress is saved"),
            "{}",
            ran.stdout
        );
        for verdict in ["✗", "✓", "does not compile", "Not yet"] {
            assert!(
                !ran.stdout.contains(verdict),
                "learn {args:?} gives a verdict ({verdict}):\n{}",
                ran.stdout
            );
        }
    }
}

#[test]
fn ctrl_c_while_the_runner_waits_says_stopped_and_exits_130() {
    let course = Course::new("ctrl-c-waiting", Cargo::Fails);
    let mut runner = course
        .command(&["--manual", "go", "join/wait_for_both"])
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(runner.stdout.take().unwrap());
    let mut seen = String::new();
    while !seen.contains("q: quit") {
        if stdout.read_line(&mut seen).unwrap() == 0 {
            panic!("the runner ended early:\n{seen}");
        }
    }
    // Ctrl-C leaves the terminal open: so does this, until the runner ends
    // (`wait` would close it first).
    let _terminal = runner.stdin.take();
    killpg(Pid::from_raw(runner.id() as i32), Signal::SIGINT).unwrap();
    let status = runner.wait().unwrap();
    stdout.read_to_string(&mut seen).unwrap();
    assert_eq!(status.code(), Some(130), "{seen}");
    let last = seen.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("Stopped. Your progress is saved"),
        "{seen}"
    );
}

#[test]
fn after_a_pass_the_screen_counts_it_done() {
    let course = Course::new("pass", Cargo::Passes);
    for args in [
        &["check", "join/wait_for_both"][..],
        &["--manual", "go", "join/wait_for_both"],
    ] {
        std::fs::remove_file(course.file(".learn-progress")).ok();
        let ran = course.learn(args, "");
        let screen = ran.last_screen();
        assert!(
            screen.contains("✓ join/wait_for_both passes"),
            "{}",
            ran.stdout
        );
        let header = screen.lines().next().unwrap_or_default();
        assert!(
            header.contains("done 1/"),
            "a stale count after a pass: {header}"
        );
        assert!(course.progress().contains("done join/wait_for_both"));
    }
}

#[test]
fn what_another_shell_changes_is_what_the_runner_shows_and_keeps() {
    let course = Course::new("other-shell", Cargo::Fails);
    std::fs::write(course.file(".learn-progress"), "done join/wait_for_both\n").unwrap();
    let mut runner = course
        .command(&["--manual", "go", "lock"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(runner.stdout.take().unwrap());
    let mut seen = String::new();
    // The runner has drawn its screen and waits for a key.
    while !seen.contains("q: quit") {
        if stdout.read_line(&mut seen).unwrap() == 0 {
            panic!("the runner ended early:\n{seen}");
        }
    }
    assert!(seen.contains("done 1/"), "{seen}");

    // Meanwhile, in another shell:
    let other = course.learn(&["reset", "--yes", "join/wait_for_both"], "");
    assert_eq!(other.code, Some(0), "{}", other.stderr);

    // The runner moves on (which it writes down), then quits.
    runner
        .stdin
        .take()
        .unwrap()
        .write_all(b"g join/results_by_join\nq\n")
        .unwrap();
    stdout.read_to_string(&mut seen).unwrap();
    runner.wait().unwrap();
    let last = &seen[seen.rfind("━━ Exercise").unwrap()..];
    assert!(
        last.contains("done 0/"),
        "the runner shows an old count:\n{seen}"
    );
    let progress = course.progress();
    assert!(
        !progress.contains("done join/wait_for_both"),
        "the runner brought back a mark reset in another shell:\n{progress}"
    );
    assert!(
        progress.contains("current join/results_by_join"),
        "{progress}"
    );
}

#[test]
fn a_failed_check_shows_what_the_check_printed_indented_under_its_verdict() {
    let course = Course::new("failed-check", Cargo::Mixed);
    let ran = course.learn(&["check", "join/results_by_join"], "");
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    assert!(
        ran.stdout.contains(
            "✗ Not yet. What the check found:\n\n  \
             T1 is missing: not what a right answer prints\n"
        ),
        "{}",
        ran.stdout
    );
}

#[test]
fn check_all_succeeds_when_every_exercise_passes() {
    let course = Course::new("check-all-pass", Cargo::Passes);
    let ran = course.learn(&["check", "--all"], "");
    assert_eq!(ran.code, Some(0), "{}{}", ran.stdout, ran.stderr);
    assert!(
        ran.stdout.contains("All 5 exercises pass."),
        "{}",
        ran.stdout
    );
}

/// Issue 11 asked for `learn check --all`: every exercise checked again in
/// course order, whatever the others do, then a table; a pass is marked
/// done, and an exercise marked done that no longer passes is unmarked.
#[test]
fn check_all_checks_every_exercise_and_ends_with_a_table() {
    let course = Course::new("check-all", Cargo::Mixed);
    let list = "lessons/lock/exercises/exercises.toml";
    let toml = course.read(list);
    assert!(
        toml.contains("time_limit = 8"),
        "lock_once's limit moved:\n{toml}"
    );
    std::fs::write(
        course.file(list),
        toml.replace("time_limit = 8", "time_limit = 1"),
    )
    .unwrap();
    std::fs::write(
        course.file(".learn-progress"),
        "current lock/poisoned\ndone join/results_by_join\n",
    )
    .unwrap();

    let ran = course.learn(&["check", "--all"], "");
    let out = &ran.stdout;
    assert_eq!(ran.code, Some(1), "{out}{}", ran.stderr);
    assert!(
        ran.stderr.contains("3 of 5 exercises do not pass"),
        "{}",
        ran.stderr
    );
    // Only the table says what did not compile, not the compiler.
    assert!(!ran.stderr.contains("expected one of"), "{}", ran.stderr);
    // Not a terminal: each step on a line of its own, in course order.
    assert!(!out.contains('\r'), "{out:?}");
    let steps: Vec<&str> = out
        .lines()
        .filter(|line| line.contains('░') || line.contains('▓'))
        .collect();
    assert_eq!(steps.len(), 6, "{out}");
    assert!(steps[0].ends_with(" 0/5 join/wait_for_both"), "{out}");
    assert!(steps[4].ends_with(" 4/5 lock/poisoned"), "{out}");
    for (id, verdict) in [
        ("join/wait_for_both", "✓ passes"),
        (
            "join/results_by_join",
            "✗ fails (was done: now to do again)",
        ),
        ("lock/overbooked", "✗ does not compile"),
        ("lock/lock_once", "✗ hangs"),
        ("lock/poisoned", "✓ passes"),
    ] {
        assert!(
            out.lines()
                .any(|line| line.starts_with(id) && line.ends_with(verdict)),
            "no row {id} {verdict}:\n{out}"
        );
    }
    assert!(
        out.contains("2 of 5 pass; 1 fails, 1 does not compile, 1 hangs."),
        "{out}"
    );
    let progress = course.progress();
    assert!(progress.contains("done join/wait_for_both"), "{progress}");
    assert!(progress.contains("done lock/poisoned"), "{progress}");
    assert!(
        !progress.contains("done join/results_by_join"),
        "{progress}"
    );
    assert!(progress.contains("current lock/poisoned"), "{progress}");
}
