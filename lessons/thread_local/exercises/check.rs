//! The checks of lesson thread_local's exercises. `cargo xtask learn` runs the
//! one for the exercise at hand; `cargo xtask check-exercises` runs each
//! against the starter (it must fail) and the solution (it must pass).
//!
//! Each check first looks for the usual mistakes and says what they are in
//! plain words, then (where the output is fixed) compares the whole output
//! with the golden file.

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use shared::golden::Check;

#[test]
fn count_per_thread() {
    let program = shared::exercise!("thread_local-count_per_thread");
    let stdout = program.stdout_of(&[]);
    for (document, words) in [("spawn", 14), ("join", 17), ("local", 16)] {
        assert!(
            stdout.contains(&format!("{document}: {words} words,")),
            "the worker that read {document:?} should hand back {words} words: \
             the words it read itself, not one more, not one fewer. Its count \
             must not be shared with main or with the other workers.\n\
             --- output ---\n{stdout}"
        );
    }
    assert!(
        stdout.contains("main read 5 words itself"),
        "main's own count is not the 5 words of the title: main read someone \
         else's words. Every thread must count into a counter of its own.\n\
         --- output ---\n{stdout}"
    );
    program.check(Check::exact("count_per_thread").args(&[]));
}

/// How many lines a `LogBuffer` prints at a time.
const BATCH: usize = 4;

/// The two threads flush at the same time, each batch as one block: only
/// each thread's own order is fixed, and main's lines come after all of them.
#[test]
fn flush_on_exit() {
    let program = shared::exercise!("thread_local-flush_on_exit");
    let stdout = program.stdout_of(&[]);
    assert!(
        stdout.contains("Thread-A: row 10 = 10"),
        "Thread-A's last rows (9 and 10) never got printed: they were still in \
         its buffer when the thread ended. Its thread-local buffer is dropped \
         as the thread exits; flush there.\n--- output ---\n{stdout}"
    );
    assert!(
        stdout.contains("Thread-B: row 2 = 30"),
        "Thread-B's rows before its error never got printed: `import` returned \
         early at the bad row (the `?`), and nobody flushed its buffer. Flush in \
         `Drop for LogBuffer`, which runs however the thread's work ended.\n\
         --- output ---\n{stdout}"
    );
    assert!(
        !stdout.contains("(1 lines flushed)"),
        "a thread printed a batch of one line: keep the buffer's batches of {BATCH} \
         lines; only what is left when the thread exits may go out in a smaller \
         batch.\n--- output ---\n{stdout}"
    );
    let check = Check::interleaved("flush_on_exit", &["Thread-A", "Thread-B"]);
    program.check(check.args(&[]));
}

const THREADS: usize = 2;
const LOOKUPS: u32 = 8;

/// Which pool thread runs which lookup, and so how many connections are
/// opened (one or two), differs from run to run: this check counts instead of
/// comparing with a golden file.
#[test]
fn connection_per_worker() {
    let program = shared::exercise!("thread_local-connection_per_worker");
    let stdout = program.stdout_of(&[]);
    let summary = stdout
        .lines()
        .find(|line| line.contains("connections opened for"))
        .unwrap_or_else(|| {
            panic!("no summary line \"N connections opened for ...\":\n{stdout}")
        });
    let opened: usize = summary
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            panic!("the summary line does not start with a number: {summary:?}")
        });
    assert!(
        opened <= THREADS,
        "{opened} connections opened for {LOOKUPS} lookups on {THREADS} pool threads: \
         at most {THREADS} are needed, one per thread, opened by the first lookup on \
         that thread and reused by the next ones.\n--- output ---\n{stdout}"
    );
    assert!(opened >= 1, "no connection opened at all:\n{stdout}");
    let announced = stdout
        .lines()
        .filter(|line| line.starts_with("opened connection #"))
        .count();
    assert_eq!(
        announced, opened,
        "the program announced {announced} openings but counted {opened}:\n{stdout}"
    );

    let mut used = Vec::new();
    for key in 1..=LOOKUPS {
        let start = format!("lookup {key}: {key} squared is {} (connection #", key * key);
        let line = stdout
            .lines()
            .find(|line| line.starts_with(&start))
            .unwrap_or_else(|| panic!("no answer for lookup {key}:\n{stdout}"));
        let id = line[start.len()..].trim_end_matches(')').to_owned();
        if !used.contains(&id) {
            used.push(id);
        }
    }
    assert_eq!(
        used.len(),
        opened,
        "the lookups used {} different connections, but {opened} were opened:\n{stdout}",
        used.len()
    );
    let lines = stdout.lines().count();
    assert_eq!(
        lines,
        opened + LOOKUPS as usize + 1,
        "expected only the openings, one answer per lookup and the summary:\n{stdout}"
    );
}
