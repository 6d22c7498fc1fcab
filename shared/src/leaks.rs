//! Checks that a lesson cleans up after itself: run it (or interrupt it as
//! Ctrl-C would), then look for what it may have left behind.
//!
//! - **Processes.** The test process makes itself a *child subreaper*
//!   (Linux's `PR_SET_CHILD_SUBREAPER`): a process orphaned anywhere below it
//!   is adopted by the test instead of by `init`. After the lesson has ended,
//!   the test must have no child at all, neither a zombie nor a live one.
//! - **Temporary files and sockets.** The lesson runs with `TMPDIR` set to a
//!   fresh folder (ipc-channel and `std::env::temp_dir` use it), which must be
//!   empty afterwards.
//! - **Shared memory.** No new entry may remain in `/dev/shm`.
//!
//! Whatever is found is reported and then removed, so that one failing check
//! does not spoil the next.
//!
//! Each check looks at (and reaps) *every* child of the test process, so call
//! these from a test binary of their own (`tests/cleanup.rs`), never beside
//! other tests that start processes; within that binary they take turns.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::sys::signal::{
    SigHandler, SigSet, SigmaskHow, Signal, kill, killpg, signal, sigprocmask,
};
use nix::sys::wait::{WaitPidFlag, waitpid};
use nix::unistd::Pid;

use crate::golden::{Lesson, RUN_TIMEOUT};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

impl Lesson {
    /// Runs the lesson with `args` to the end and checks that it left no
    /// process, temporary file or shared-memory segment behind.
    #[track_caller]
    pub fn check_leaves_nothing(&self, args: &[&str]) {
        if let Err(found) = self.leftovers(args) {
            panic!("{found}");
        }
    }

    /// [`check_leaves_nothing`](Lesson::check_leaves_nothing), with `why`
    /// (what the learner most likely forgot) before what was found.
    #[track_caller]
    pub fn check_leaves_nothing_because(&self, args: &[&str], why: &str) {
        if let Err(found) = self.leftovers(args) {
            panic!("{why}\n\n{found}");
        }
    }

    fn leftovers(&self, args: &[&str]) -> Result<(), String> {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let scene = Scene::prepare();
        let mut child = scene
            .command(self.bin(), args)
            .stdout(Stdio::null())
            .spawn()
            .expect("start the lesson");
        let status = wait_with_timeout(&mut child, RUN_TIMEOUT);
        let problems = scene.finish();
        if !status.is_some_and(|s| s.success()) {
            return Err(format!("{} ended with {status:?}", self.run_with(args)));
        }
        if !problems.is_empty() {
            return Err(format!(
                "{} left things behind:\n{}",
                self.run_with(args),
                problems.join("\n")
            ));
        }
        Ok(())
    }

    /// Starts the lesson with `args`, waits until it prints a line containing
    /// `after`, then sends SIGINT to its whole process group, as Ctrl-C in a
    /// terminal does, and checks that it left nothing behind.
    #[track_caller]
    pub fn check_interrupt_leaves_nothing(&self, args: &[&str], after: &str) {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let scene = Scene::prepare();
        let mut child = scene
            .command(self.bin(), args)
            .stdout(Stdio::piped())
            .process_group(0) // like a shell's job: its own group, led by the lesson
            .spawn()
            .expect("start the lesson");
        let group = Pid::from_raw(child.id() as i32);

        let (lines_tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if lines_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + RUN_TIMEOUT;
        let mut seen = Vec::new();
        let reached = loop {
            match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(line) if line.contains(after) => break true,
                Ok(line) => seen.push(line),
                Err(_) => break false,
            }
        };
        if reached {
            killpg(group, Signal::SIGINT).ok();
        }
        let status = wait_with_timeout(&mut child, RUN_TIMEOUT);
        if status.is_none() {
            killpg(group, Signal::SIGKILL).ok();
            child.wait().ok();
        }
        // Before waiting for the reader: a leftover process may hold the pipe open.
        let problems = scene.finish();
        drop(lines);
        reader.join().ok();
        assert!(
            reached,
            "{args:?} never printed a line containing {after:?}; it printed:\n{}",
            seen.join("\n")
        );
        // It may have been killed by SIGINT, have ended with 130 after
        // cleaning up, or have finished just before the signal came: all fine,
        // as long as nothing is left behind.
        assert!(
            status.is_some(),
            "{args:?} did not end within {RUN_TIMEOUT:?} of SIGINT"
        );
        assert!(
            problems.is_empty(),
            "{args:?} interrupted with SIGINT left things behind:\n{}",
            problems.join("\n")
        );
    }
}

/// What the world looked like before the lesson ran.
struct Scene {
    tmpdir: PathBuf,
    shm_before: BTreeSet<String>,
}

impl Scene {
    fn prepare() -> Scene {
        nix::sys::prctl::set_child_subreaper(true).expect("become a child subreaper");
        let leftovers = reap_children();
        assert!(
            leftovers.is_empty(),
            "children left over from an earlier test: {leftovers:?}"
        );
        static RUNS: AtomicU32 = AtomicU32::new(0);
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let tmpdir = std::env::temp_dir()
            .join(format!("course-leak-check-{}-{run}", std::process::id()));
        std::fs::create_dir_all(&tmpdir).expect("create the lesson's TMPDIR");
        Scene {
            tmpdir,
            shm_before: shm_entries(),
        }
    }

    /// The lesson, as a learner would run it, in a clean environment whose
    /// only variable is `TMPDIR`.
    fn command(&self, bin: &Path, args: &[&str]) -> Command {
        let mut command = Command::new(bin);
        command
            .args(args)
            .env_clear()
            .env("TMPDIR", &self.tmpdir)
            .stdin(Stdio::null())
            .stderr(Stdio::null());
        // A test runner started in the background may itself ignore or block
        // SIGINT, and children inherit both. The lesson gets Ctrl-C as a
        // program started from a terminal does.
        // SAFETY: between fork and exec only async-signal-safe calls are
        // allowed; sigaction and sigprocmask are.
        unsafe {
            command.pre_exec(|| {
                signal(Signal::SIGINT, SigHandler::SigDfl)
                    .map_err(std::io::Error::from)?;
                let mut sigint = SigSet::empty();
                sigint.add(Signal::SIGINT);
                sigprocmask(SigmaskHow::SIG_UNBLOCK, Some(&sigint), None)
                    .map_err(std::io::Error::from)
            });
        }
        command
    }

    /// Everything left behind, described; and removed.
    fn finish(self) -> Vec<String> {
        let mut problems = Vec::new();
        for (pid, state, name) in reap_children() {
            problems.push(if state == 'Z' {
                format!(
                    "process {pid} ({name}) was left behind, a zombie (state Z): it has \
                     exited, but its parent never waited for it (waitpid)"
                )
            } else {
                format!(
                    "process {pid} ({name}) was left behind, still running (state {state}) \
                     after the program ended"
                )
            });
        }
        let leftovers: Vec<_> = std::fs::read_dir(&self.tmpdir)
            .map(|dir| dir.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        for path in leftovers {
            problems.push(format!("temporary file left behind: {}", path.display()));
        }
        std::fs::remove_dir_all(&self.tmpdir).ok();
        // A new entry that a live process still has open or mapped belongs to
        // someone else running at the same time (another test binary on the
        // same machine); what nobody holds any more was left behind.
        // List first, then look who holds what: an entry made after the
        // listing is not ours to judge.
        let now = shm_entries();
        let held = shm_in_use();
        for name in now.difference(&self.shm_before) {
            if held.contains(name) {
                continue;
            }
            problems.push(format!(
                "shared-memory segment left behind: /dev/shm/{name}"
            ));
            std::fs::remove_file(Path::new("/dev/shm").join(name)).ok();
        }
        problems
    }
}

fn shm_entries() -> BTreeSet<String> {
    std::fs::read_dir("/dev/shm")
        .map(|dir| {
            dir.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The /dev/shm entries that some process has open or mapped.
fn shm_in_use() -> BTreeSet<String> {
    let mut held = BTreeSet::new();
    for process in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let path = process.path();
        if let Ok(maps) = std::fs::read_to_string(path.join("maps")) {
            for line in maps.lines() {
                if let Some((_, name)) = line.split_once("/dev/shm/") {
                    held.insert(name.trim_end_matches(" (deleted)").to_owned());
                }
            }
        }
        for fd in std::fs::read_dir(path.join("fd"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if let Ok(target) = std::fs::read_link(fd.path())
                && let Ok(name) = target.strip_prefix("/dev/shm")
            {
                held.insert(name.to_string_lossy().into_owned());
            }
        }
    }
    held
}

/// The children of this process as (pid, state, name), after killing the
/// live ones and reaping them all.
fn reap_children() -> Vec<(i32, char, String)> {
    let me = std::process::id() as i32;
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (name) S ppid ...": the name may hold spaces and parentheses.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let mut fields = stat[close + 1..].split_whitespace();
        let state = fields.next().and_then(|s| s.chars().next()).unwrap_or('?');
        let ppid = fields.next().and_then(|s| s.parse::<i32>().ok());
        if ppid == Some(me) {
            found.push((pid, state, stat[open + 1..close].to_owned()));
        }
    }
    for &(pid, _, _) in &found {
        kill(Pid::from_raw(pid), Signal::SIGKILL).ok();
        waitpid(Pid::from_raw(pid), None).ok();
    }
    // Anything that became a zombie meanwhile.
    while let Ok(status) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
        if status.pid().is_none() {
            break;
        }
    }
    found
}

fn wait_with_timeout(
    child: &mut std::process::Child,
    timeout: Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(10));
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What someone else running at the same time holds is not a leftover.
    #[test]
    fn a_segment_this_process_holds_open_is_in_use() {
        let name = format!("shared-leaks-test-{}", std::process::id());
        let path = Path::new("/dev/shm").join(&name);
        let segment = std::fs::File::create(&path).expect("create a segment");
        let held = shm_in_use();
        drop(segment);
        std::fs::remove_file(&path).expect("remove the segment");
        assert!(held.contains(&name), "{held:?}");
    }
}
