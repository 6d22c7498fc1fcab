//! The checks of lesson process's exercises. `cargo xtask learn` runs the one
//! for the exercise at hand; `cargo xtask check-exercises` runs each against
//! the starter (it must fail) and the solution (it must pass).
//!
//! The leak check adopts and reaps every child of this test process, so the
//! checks take turns (`one_at_a_time`) even when cargo test runs them side by
//! side.

use std::sync::{Mutex, MutexGuard};

use shared::golden::{Check, Lesson};

fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs the program once more and checks that it left no process behind:
/// this test makes itself a child subreaper (Linux), so that a process the
/// program leaves, running or dead but never waited for, is adopted by this
/// test, which finds it in /proc, reports it, and then kills and reaps it.
/// The program runs with a temporary folder of its own (TMPDIR), which must
/// be empty when it ends.
///
/// (`Lesson::check_leaves_nothing` also looks at /dev/shm, which the whole
/// machine shares; these programs make no shared memory, so this check stays
/// out of it, and cannot be misled by another program that does.)
#[cfg(target_os = "linux")]
fn leaves_nothing(program: &Lesson) {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    nix::sys::prctl::set_child_subreaper(true).expect("become a child subreaper");
    let tmpdir = std::env::temp_dir().join(format!("exercise-leaks-{}", std::process::id()));
    std::fs::create_dir_all(&tmpdir).expect("create a temporary folder");
    let mut child = Command::new(program.bin())
        .env_clear()
        .env("TMPDIR", &tmpdir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the program");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        match child.try_wait().expect("wait for the program") {
            Some(status) => break Some(status),
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            None => break None,
        }
    };
    if status.is_none() {
        child.kill().ok();
        child.wait().ok();
    }
    let mut problems = left_behind();
    let files = std::fs::read_dir(&tmpdir).into_iter().flatten().flatten();
    problems.extend(files.map(|file| format!("a file left behind: {}", file.path().display())));
    std::fs::remove_dir_all(&tmpdir).ok();
    assert!(
        status.is_some_and(|status| status.success()),
        "run once more to look for what it leaves behind, the program ended with {status:?}"
    );
    assert!(
        problems.is_empty(),
        "the program left things behind:\n  {}",
        problems.join("\n  ")
    );
}

/// Every child of this test, described; each is then killed and reaped. A
/// process killed here may leave children of its own, which this test adopts
/// in turn: look again until none is left.
#[cfg(target_os = "linux")]
fn left_behind() -> Vec<String> {
    use nix::sys::signal::{Signal, kill};
    use nix::sys::wait::waitpid;
    use nix::unistd::Pid;

    let me = std::process::id();
    let mut found = Vec::new();
    for _ in 0..10 {
        let mut children = Vec::new();
        for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // "pid (name) state ppid ...": the name may hold spaces and ')'.
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                continue;
            };
            let mut fields = stat[close + 1..].split_whitespace();
            let state = fields.next().unwrap_or("?").to_owned();
            if fields.next().and_then(|ppid| ppid.parse::<u32>().ok()) == Some(me) {
                children.push((pid, state, stat[open + 1..close].to_owned()));
            }
        }
        if children.is_empty() {
            break;
        }
        for (pid, state, name) in children {
            found.push(if state == "Z" {
                format!(
                    "process {pid} ({name}), a zombie (state Z): it has exited, but its \
                     parent never waited for it (Child::wait)"
                )
            } else {
                format!(
                    "process {pid} ({name}), still running (state {state}) after the program ended"
                )
            });
            kill(Pid::from_raw(pid), Signal::SIGKILL).ok();
            waitpid(Pid::from_raw(pid), None).ok();
        }
    }
    found
}

/// /proc and child subreapers are Linux's: elsewhere only the output is checked.
#[cfg(not(target_os = "linux"))]
fn leaves_nothing(_program: &Lesson) {}

#[test]
fn exit_status() {
    let _turn = one_at_a_time();
    let program = shared::exercise!("process-exit_status");
    program.check(Check::exact("exit_status").args(&[]));
    leaves_nothing(&program);
}

#[test]
fn start_both() {
    let _turn = one_at_a_time();
    let program = shared::exercise!("process-start_both");
    let output = program.run(&[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains("asker: exit status: 0") && stdout.contains("answerer: exit status: 0"),
        "the workers did not both succeed:\n{stdout}\nWhat they said:\n{stderr}\n\
         Each worker waits for the other's line: it can only come if both workers are \
         running at the same time."
    );
    // The workers' lines on stderr come in one order: each waits for the other's.
    program.check(Check::exact("start_both").args(&[]));
    leaves_nothing(&program);
}

#[test]
fn kill_stuck() {
    let _turn = one_at_a_time();
    let program = shared::exercise!("process-kill_stuck");
    program.check(Check::exact("kill_stuck").args(&[]));
    leaves_nothing(&program);
}
