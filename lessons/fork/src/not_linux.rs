//! The stand-ins for what reads Linux's `/proc`, on the other Unix systems
//! (macOS, the BSDs): they ask `ps` instead, or skip the demonstration.
//!
//! A file of its own because Linux, where the tests run, never compiles it:
//! cargo-mutants leaves it alone (see `.cargo/mutants.toml`).

use std::io;
use std::process::Command;

use nix::unistd::Pid;
use shared::say;

/// The threads of this process, as `ps -M` lists them on macOS: a header
/// line, then one line per thread (no names).
pub fn thread_names() -> io::Result<Vec<String>> {
    let output = Command::new("ps")
        .args(["-M", "-p", &std::process::id().to_string()])
        .output()?;
    let lines = String::from_utf8_lossy(&output.stdout).lines().count();
    if !output.status.success() || lines < 2 {
        return Err(io::Error::other(
            "ps -M did not list this process's threads",
        ));
    }
    Ok((1..lines).map(|n| format!("thread {n}")).collect())
}

/// A process's state as `ps` shows it, or None if there is no such process
/// (macOS and the BSDs have no /proc).
pub fn process_state(pid: Pid) -> io::Result<Option<char>> {
    let output = Command::new("ps")
        .args(["-o", "state=", "-p", &pid.to_string()])
        .output()?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .trim()
        .chars()
        .next())
}

pub fn copy_on_write() {
    say!(
        "copy-on-write: this demonstration reads Linux's /proc/self/pagemap; skipped here"
    );
}
