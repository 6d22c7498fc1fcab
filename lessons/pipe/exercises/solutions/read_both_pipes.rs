//! # Read both pipes at once
//!
//! The worker checks 20,000 items and, for each, writes a line to its stdout
//! and a warning to its stderr: several times what a pipe holds, on each.
//! The parent reads the worker's stdout to the end, then its stderr, and only
//! then waits for it. It reads before it waits, as the lesson says, and still
//! hangs: while it reads stdout, nobody reads stderr, which fills up, and the
//! worker stops in its next warning. Read the two pipes at the same time
//! (Python: `proc.communicate()`), so that neither can fill up.

use std::io::{self, Read, Write};
use std::process::{ExitCode, Stdio};

const ITEMS: usize = 20_000;

fn main() -> ExitCode {
    // The worker is this same program, started again in a role (see `checker`).
    if shared::worker::role().is_some() {
        return checker();
    }

    // Python: proc = subprocess.Popen(cmd, stdout=PIPE, stderr=PIPE)
    let mut child = shared::worker::command("checker")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the worker");
    let mut stdout = child.stdout.take().expect("the worker's stdout is a pipe");
    let mut stderr = child.stderr.take().expect("the worker's stderr is a pipe");
    println!(
        "parent: the worker writes a line to stdout and a warning to stderr per item"
    );

    //~ // TODO: read the two pipes at the same time, not one after the other.
    //~ let mut out = String::new();
    //~ // Python: proc.stdout.read()
    //~ stdout.read_to_string(&mut out).expect("read stdout");
    //~ let mut err = String::new();
    //~ // Python: proc.stderr.read()
    //~ stderr.read_to_string(&mut err).expect("read stderr");
    // ANCHOR: solution
    // Python: out, err = proc.communicate()
    // A thread of our own reads stderr while this one reads stdout.
    let stderr_reader = std::thread::spawn(move || {
        let mut err = String::new();
        stderr.read_to_string(&mut err).map(|_| err)
    });
    let mut out = String::new();
    stdout.read_to_string(&mut out).expect("read stdout");
    let err = stderr_reader
        .join()
        .expect("the stderr reader panicked")
        .expect("read stderr");
    // ANCHOR_END: solution

    // Both pipes have ended: the worker has closed them by exiting.
    let status = child.wait().expect("wait for the worker"); // Python: proc.wait()
    for (name, text) in [("stdout", &out), ("stderr", &err)] {
        let last = text.lines().next_back().unwrap_or_default();
        println!(
            "parent: {name}: {} lines, the last {last:?}",
            text.lines().count()
        );
    }
    println!("parent: the worker exited ({status})");
    ExitCode::SUCCESS
}

/// The worker: a line on stdout and a warning on stderr for every item.
fn checker() -> ExitCode {
    let mut out = io::stdout().lock();
    let mut err = io::stderr().lock();
    for item in 0..ITEMS {
        let written = writeln!(out, "item {item}: ok")
            .and_then(|()| writeln!(err, "warning: item {item} took long"));
        if written.is_err() {
            return ExitCode::FAILURE; // the parent has closed its ends
        }
    }
    ExitCode::SUCCESS
}
