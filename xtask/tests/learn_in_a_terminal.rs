//! `cargo xtask learn` driven as a learner drives it: keys pressed on a
//! terminal of 80×24 (a pseudo-terminal), files saved, and the screen read
//! back as the terminal draws it (vt100).
//!
//! It runs on a copy of the course, with real builds, so that a learner's
//! files are never touched. The copy is also the test of a copied checkout:
//! the xtask built here is run there, and must work on the copy's files.

use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use expectrl::Expect;
use expectrl::process::Healthcheck;
use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use nix::sys::termios::{LocalFlags, tcgetattr};

/// One test at a time: they share the copy, its progress file and its builds.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// The terminal's size, as the issue that asked for this test gives it.
const ROWS: NonZeroU16 = NonZeroU16::new(24).unwrap();
const COLUMNS: NonZeroU16 = NonZeroU16::new(80).unwrap();

/// The longest wait for a screen: the first run builds the exercises'
/// dependencies from nothing, on two cores.
const FIRST_BUILD: Duration = Duration::from_secs(600);
/// The longest wait for a screen that needs no build.
const A_KEY: Duration = Duration::from_secs(60);

fn course() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the course")
        .to_owned()
}

/// Where the copy and its builds live: under target/, kept between runs so
/// that the exercises' dependencies are built once.
fn scratch() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("learn-in-a-terminal")
}

fn copy() -> PathBuf {
    scratch().join("course")
}

/// Makes the copy the same as the course: every file whose content differs
/// (or that is missing) is written; one that is the same keeps its time, so
/// that cargo does not rebuild it. Builds, git's files and the book's HTML
/// are left out.
fn sync(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if matches!(name.to_str(), Some("target" | ".git" | ".learn-progress"))
            || from.join(&name) == course().join("book/build")
        {
            continue;
        }
        let (source, copy) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            sync(&source, &copy);
        } else {
            let text = std::fs::read(&source).unwrap();
            if std::fs::read(&copy).ok().as_ref() != Some(&text) {
                std::fs::write(&copy, text).unwrap();
            }
        }
    }
}

/// The copy as the course is, with no progress: each test starts here.
fn fresh_copy() -> MutexGuard<'static, ()> {
    let guard = ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    sync(&course(), &copy());
    let _ = std::fs::remove_file(copy().join(".learn-progress"));
    guard
}

/// The runner on a pseudo-terminal, and the screen as a terminal shows it.
struct Runner {
    session: OsSession,
    screen: vt100::Parser,
    /// Everything it printed, escape sequences and all.
    printed: Vec<u8>,
}

impl Runner {
    /// `xtask learn ARGS`, started in `dir` of the copy as a learner starts
    /// it there (with `cargo xtask`, which gives xtask no hint of the
    /// course built here).
    fn start(dir: &str, args: &[&str]) -> Runner {
        let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .arg("learn")
            .args(args)
            .current_dir(copy().join(dir))
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("RUST_BACKTRACE")
            .env("CARGO_TARGET_DIR", scratch().join("target"));
        let mut session = OsSession::spawn(command).expect("no pseudo-terminal");
        session
            .get_process_mut()
            .set_window_size(COLUMNS.get(), ROWS.get())
            .expect("cannot size the terminal");
        Runner {
            session,
            screen: vt100::Parser::new(ROWS, COLUMNS, 0),
            printed: Vec::new(),
        }
    }

    /// Takes in what the runner printed since last asked.
    fn read(&mut self) -> bool {
        let mut bytes = [0u8; 4096];
        match self.session.try_read(&mut bytes) {
            Ok(read @ 1..) => {
                self.screen.process(&bytes[..read]);
                self.printed.extend_from_slice(&bytes[..read]);
                true
            }
            _ => false,
        }
    }

    /// The 24 lines the terminal shows now.
    fn text(&self) -> String {
        self.screen.screen().contents()
    }

    /// Waits until the screen shows each of `all`; fails with the screen
    /// after `limit` (a hang of the runner, not a slow machine).
    fn wait_for(&mut self, all: &[&str], limit: Duration) -> String {
        let started = Instant::now();
        loop {
            while self.read() {}
            let text = self.text();
            if all.iter().all(|what| text.contains(what)) {
                return text;
            }
            assert!(
                started.elapsed() < limit,
                "after {} s, the screen does not show {all:?}:\n{text}\n\
                 ── everything printed ──\n{}",
                limit.as_secs(),
                self.everything()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything printed, as text.
    fn everything(&self) -> String {
        String::from_utf8_lossy(&self.printed).into_owned()
    }

    fn press(&mut self, keys: &str) {
        self.session.send(keys).expect("cannot type");
    }

    /// Waits for the runner to end, and returns its exit status.
    fn exit_status(&mut self) -> i32 {
        let started = Instant::now();
        loop {
            while self.read() {}
            match self.session.get_status() {
                Ok(WaitStatus::Exited(_, code)) => return code,
                Ok(WaitStatus::StillAlive) => {}
                other => panic!("the runner ended as {other:?}"),
            }
            assert!(started.elapsed() < A_KEY, "the runner does not end");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the terminal reads whole lines, as a shell leaves it, rather
    /// than each key as it is pressed, as the runner sets it (cbreak mode).
    fn reads_lines(&self) -> bool {
        let pty = (self.session.get_process().get_raw_handle()).expect("no terminal");
        let settings = tcgetattr(&pty).expect("cannot read the terminal's settings");
        settings.local_flags.contains(LocalFlags::ICANON)
    }

    /// The text of row `row` of the screen.
    fn row(&self, row: u16) -> String {
        self.screen
            .screen()
            .contents_between(row, 0, row, COLUMNS.get())
    }

    /// The row the terminal shows `what` on, and whether it is in reverse
    /// video (the selected row of the list).
    fn row_of(&self, what: &str) -> Option<(u16, bool)> {
        let screen = self.screen.screen();
        (0..24).find_map(|row| {
            let line = screen.contents_between(row, 0, row, 80);
            line.contains(what)
                .then(|| (row, screen.cell(row, 2).is_some_and(|cell| cell.inverse())))
        })
    }
}

impl Drop for Runner {
    /// A test that fails leaves nothing running: Ctrl-C, which the runner
    /// answers by stopping its check with everything it started.
    fn drop(&mut self) {
        if let Ok(WaitStatus::StillAlive) = self.session.get_status() {
            let _ = self.session.send("\x03");
            let _ = self.exit_status_quietly();
        }
    }
}

impl Runner {
    fn exit_status_quietly(&mut self) -> Option<i32> {
        for _ in 0..500 {
            while self.read() {}
            if let Ok(WaitStatus::Exited(_, code)) = self.session.get_status() {
                return Some(code);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

/// A file of the copy, and of the course.
fn in_copy(path: &str) -> PathBuf {
    copy().join(path)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// Every process whose program was built into the copy's target folder.
fn programs_left() -> Vec<String> {
    let target = scratch().join("target");
    let mut left = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(exe) = std::fs::read_link(entry.path().join("exe"))
            && exe.starts_with(&target)
        {
            left.push(format!("{} {}", entry.file_name().display(), exe.display()));
        }
    }
    left
}

/// How many exercises the course has, as its lessons list them.
fn total() -> usize {
    let mut total = 0;
    for lesson in std::fs::read_dir(course().join("lessons"))
        .unwrap()
        .flatten()
    {
        if let Ok(list) =
            std::fs::read_to_string(lesson.path().join("exercises/exercises.toml"))
        {
            total += list.matches("[[exercise]]").count();
        }
    }
    total
}

/// The header of exercise `number`.
fn header(number: usize) -> String {
    format!("━━ Exercise {number} of {} ━━", total())
}

/// The count of exercises done, as the header gives it.
fn done(count: usize) -> String {
    format!("done {count}/{}", total())
}

/// The key bar, as the runner draws it last on every screen.
const KEY_BAR: &str = "q: quit";

#[test]
fn a_learner_fails_takes_a_hint_fixes_passes_moves_on_lists_resets_and_quits() {
    let _one = fresh_copy();
    let starter_path = "lessons/add_thread/exercises/name_the_workers.rs";
    let progress_of_the_course = std::fs::read(course().join(".learn-progress")).ok();
    let starter = read(&in_copy(starter_path));

    // Started in a lesson's folder, as a learner might: the course is found
    // above it.
    let mut runner = Runner::start("lessons/add_thread", &[]);
    let screen = runner.wait_for(&["✗ Not yet", KEY_BAR], FIRST_BUILD);
    assert!(screen.contains(&header(1)), "{screen}");
    assert!(screen.contains(&done(0)), "{screen}");
    assert!(screen.contains(starter_path), "{screen}");
    assert!(
        !runner.reads_lines(),
        "the runner reads whole lines, not each key"
    );

    runner.press("h");
    runner.wait_for(&["Hint for add_thread/name_the_workers"], A_KEY);

    // The learner's fix: the reference solution, saved over the starter.
    let saved = Instant::now();
    std::fs::copy(
        in_copy("lessons/add_thread/exercises/solutions/name_the_workers.rs"),
        in_copy(starter_path),
    )
    .unwrap();
    let screen = runner.wait_for(&["passes its check", KEY_BAR], FIRST_BUILD);
    eprintln!("save to verdict: {:.2} s", saved.elapsed().as_secs_f64());
    // Drawn on a clear screen, from its top row: nothing of the failing
    // check or of the hint is left above it.
    let top = runner.row(0);
    assert!(
        top.contains(&header(1)) && top.contains(&done(1)),
        "{screen}"
    );
    assert!(screen.contains("n: next exercise (add_thread/run_hands_back)"));

    runner.press("n");
    runner.wait_for(&[&header(2), "✗ Not yet", KEY_BAR], FIRST_BUILD);

    // The list and back (q): the screen as it was, not checked again.
    let before = runner.printed.len();
    runner.press("l");
    runner.wait_for(&["━━ Exercises ━━"], A_KEY);
    runner.press("q");
    let screen = runner.wait_for(&[&header(2), "✗ Not yet", KEY_BAR], A_KEY);
    let since = String::from_utf8_lossy(&runner.printed[before..]).into_owned();
    assert!(!since.contains("Checking..."), "checked again:\n{screen}");

    // The list opens on the current exercise, selected.
    runner.press("l");
    let all = format!("showing: all ({})", total());
    runner.wait_for(&["━━ Exercises ━━", &all], A_KEY);
    assert_eq!(
        runner.row_of("▶ add_thread/run_hands_back").map(|r| r.1),
        Some(true)
    );
    assert_eq!(
        runner.row_of("✓ add_thread/name_the_workers").map(|r| r.1),
        Some(false)
    );
    // Up: the exercise done is selected; d: only the done ones are shown.
    runner.press("\x1b[A");
    runner.press("d");
    runner.wait_for(&["showing: done (1)"], A_KEY);
    assert_eq!(
        runner.row_of("add_thread/name_the_workers").map(|r| r.1),
        Some(true)
    );
    // r asks first; y resets it.
    runner.press("r");
    runner.wait_for(
        &[
            "name_the_workers.rs back to its starter?",
            "Reset it? [y/N]",
        ],
        A_KEY,
    );
    runner.press("y");
    runner.wait_for(
        &["is back to its starter", &done(0), "showing: done (0)"],
        A_KEY,
    );
    assert_eq!(read(&in_copy(starter_path)), starter);
    // a: all again; Enter goes to the selection.
    runner.press("a");
    runner.wait_for(&[&all], A_KEY);
    runner.press("\r");
    let screen = runner.wait_for(&[&header(1), "✗ Not yet", KEY_BAR], A_KEY);
    assert!(screen.contains(&done(0)), "{screen}");

    runner.press("q");
    runner.wait_for(&["Your progress is saved"], A_KEY);
    assert_eq!(runner.exit_status(), 0);
    // The shell the learner goes back to needs its lines again.
    assert!(
        runner.reads_lines(),
        "the runner left the terminal in cbreak mode"
    );
    let progress = read(&in_copy(".learn-progress"));
    assert!(
        progress.contains("add_thread/name_the_workers"),
        "{progress}"
    );

    // The course this copy was made from is as it was.
    assert_eq!(
        std::fs::read(course().join(".learn-progress")).ok(),
        progress_of_the_course
    );
    assert_eq!(read(&course().join(starter_path)), starter);
}

#[test]
fn a_hang_is_stopped_within_its_limit_and_leaves_nothing_running() {
    let _one = fresh_copy();
    let mut runner = Runner::start("", &["go", "add_thread/start_both_first"]);
    let screen = runner.wait_for(&["⏱ Stopped after 5 s", KEY_BAR], FIRST_BUILD);
    // The report is folded: the task above it (from the top row) and the
    // keys below stay.
    assert!(runner.row(0).contains(&header(3)), "{screen}");
    assert!(screen.contains("In this exercise:"), "{screen}");
    assert!(screen.contains("m shows the whole report"), "{screen}");
    assert_eq!(programs_left(), Vec::<String>::new());
    runner.press("m");
    runner.wait_for(&["Run it yourself (Ctrl-C stops it)"], A_KEY);

    // A reset checks again, with a notice under the task: the report is
    // folded to the rows the task, the notice and the keys leave it.
    runner.press("reset\r");
    runner.wait_for(&["Reset it? [y/N]"], A_KEY);
    runner.press("y\r");
    let notice = "start_both_first.rs is back to its starter";
    let screen = runner.wait_for(&[notice, "m shows the whole report", KEY_BAR], A_KEY);
    assert!(runner.row(0).contains(&header(3)), "{screen}");
    // The keys on the row above the cursor's, the last.
    assert!(runner.row(ROWS.get() - 2).contains(KEY_BAR), "{screen}");
    assert_eq!(programs_left(), Vec::<String>::new());

    runner.press("q");
    assert_eq!(runner.exit_status(), 0);
    assert_eq!(programs_left(), Vec::<String>::new());
}

#[test]
fn a_broken_sibling_blocks_nothing_and_a_compile_error_is_shown_whole() {
    let _one = fresh_copy();
    let exercises = "lessons/lock/exercises";
    // One exercise of the lesson left half done...
    std::fs::write(
        in_copy(&format!("{exercises}/overbooked.rs")),
        "fn half_done( {\n",
    )
    .unwrap();
    // ... and another one solved: it passes.
    let lock_once = in_copy(&format!("{exercises}/lock_once.rs"));
    std::fs::copy(
        in_copy(&format!("{exercises}/solutions/lock_once.rs")),
        &lock_once,
    )
    .unwrap();
    let mut runner = Runner::start(exercises, &["go", "lock/lock_once"]);
    runner.wait_for(&["✓ lock/lock_once passes its check", KEY_BAR], FIRST_BUILD);

    // Now it does not compile: the compiler's message is on the screen,
    // whole, with the verdict under it that names this file.
    let solved = read(&lock_once);
    std::fs::write(
        &lock_once,
        format!("{solved}\nfn answer() -> u32 {{\n    \"forty-two\"\n}}\n"),
    )
    .unwrap();
    let screen = runner.wait_for(
        &[
            "error[E0308]: mismatched types",
            "✗ lessons/lock/exercises/lock_once.rs: it does not compile",
            KEY_BAR,
        ],
        FIRST_BUILD,
    );
    assert!(screen.contains("\"forty-two\""), "{screen}");
    assert!(screen.contains("expected `u32`, found `&str`"), "{screen}");
    assert!(!runner.everything().contains("overbooked.rs"), "{screen}");

    // The list and back (q): the compiler's message, which is not kept, is
    // on the screen again, checked again.
    runner.press("l");
    runner.wait_for(&["━━ Exercises ━━"], A_KEY);
    runner.press("q");
    runner.wait_for(&["error[E0308]: mismatched types", KEY_BAR], A_KEY);
    runner.press("q");
    assert_eq!(runner.exit_status(), 0);
}
