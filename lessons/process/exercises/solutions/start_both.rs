//! # Start both, then wait
//!
//! Two workers talk through two pipes: the asker sends the answerer a
//! question and waits, at most 5 seconds, for the answer. The starter starts
//! the asker and waits for it to end before it starts the answerer, like
//! `p1.start(); p1.join(); p2.start(); p2.join()` in Python: the asker waits
//! for a partner that does not exist yet, gives up, and both fail. Start both
//! workers, then wait for both.

use std::io::{self, BufRead, Write};
use std::process::{Child, Command, ExitCode};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// How long a worker waits for a line from its partner before giving up.
const PATIENCE: Duration = Duration::from_secs(5);

fn main() -> ExitCode {
    // Python: if __name__ == "__main__": a worker goes its own way first.
    if let Some(role) = shared::worker::role() {
        return match role.as_str() {
            "asker" => asker(),
            "answerer" => answerer(),
            _ => ExitCode::from(2),
        };
    }
    // Python: question_r, question_w = os.pipe(); answer_r, answer_w = os.pipe()
    let (question_r, question_w) = io::pipe().expect("a pipe");
    let (answer_r, answer_w) = io::pipe().expect("a pipe");
    // The asker writes questions on its stdout and reads answers on its stdin;
    // the answerer the other way round.
    let mut asker = shared::worker::command("asker");
    asker.stdout(question_w).stdin(answer_r);
    let mut answerer = shared::worker::command("answerer");
    answerer.stdin(question_r).stdout(answer_w);

    //~ // TODO: start both workers before you wait for either.
    //~ // Python: p1.start(); p1.join()
    //~ let asker_status = start(asker).wait().expect("wait for the asker");
    //~ // Python: p2.start(); p2.join()
    //~ let answerer_status = start(answerer).wait().expect("wait for the answerer");
    // ANCHOR: solution
    let mut asker = start(asker); // Python: p1.start()
    let mut answerer = start(answerer); // Python: p2.start()
    // Both run now, and can talk. Whichever ends first, both waits return.
    let asker_status = asker.wait().expect("wait for the asker"); // Python: p1.join()
    // Python: p2.join()
    let answerer_status = answerer.wait().expect("wait for the answerer");
    // ANCHOR_END: solution
    println!("asker: {asker_status}");
    println!("answerer: {answerer_status}");
    ExitCode::SUCCESS
}

/// Starts a worker (Python: `p.start()`). The command held our copies of the
/// pipe ends it hands the worker: it is dropped here, so that from now on
/// only the worker holds them.
fn start(mut command: Command) -> Child {
    command.spawn().expect("the OS refused to start a process")
}

fn asker() -> ExitCode {
    eprintln!("asker: what is 6 times 7?");
    if writeln!(io::stdout(), "what is 6 times 7?").is_err() {
        eprintln!("asker: nobody reads my question");
        return ExitCode::FAILURE;
    }
    match read_line_within(PATIENCE) {
        Some(answer) => {
            eprintln!("asker: the answerer says {answer}");
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("asker: no answer within {PATIENCE:?}; giving up");
            ExitCode::FAILURE
        }
    }
}

fn answerer() -> ExitCode {
    let Some(question) = read_line_within(PATIENCE) else {
        eprintln!("answerer: no question within {PATIENCE:?}; giving up");
        return ExitCode::FAILURE;
    };
    eprintln!("answerer: I was asked {question:?}");
    if writeln!(io::stdout(), "42").is_err() {
        eprintln!("answerer: nobody reads my answer");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// One line from stdin, or None if none comes within `patience` (or stdin
/// ends first). Reading stdin has no timeout: a thread reads, and this one
/// waits for the thread's message with a timeout.
fn read_line_within(patience: Duration) -> Option<String> {
    let (line_tx, line_rx) = mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        let read = io::stdin().lock().read_line(&mut line);
        if read.is_ok_and(|bytes| bytes > 0) {
            line_tx.send(line.trim_end().to_owned()).ok();
        }
    });
    line_rx.recv_timeout(patience).ok()
}
