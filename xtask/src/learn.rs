//! `cargo xtask learn`: the exercises one after another, each checked as
//! soon as the learner saves the file.
//!
//! Progress is the file `.learn-progress` at the top of the workspace (git
//! ignores it): which exercises passed, and which one is current. It is read
//! before every screen and changed where it is (see [`crate::progress`]), so
//! that a command in another shell, or a second runner, is never undone.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crossbeam_channel::{Receiver, select};
use notify::{RecursiveMode, Watcher};

use crate::check_all;
use crate::exercises::{
    self, Exercise, INTERRUPTED, Outcome, Program, USUAL_HANG_CAUSES, build, catalogue,
    read, starter_from_solution,
};
use crate::keypress::{self, Input, Typing};
use crate::keys::{self, Place, Typed};
use crate::list_view::{self, ListView};
use crate::names;
use crate::progress::{Progress, ProgressFile};
use crate::screen;
use crate::workspace_root;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Check again when you press Enter, instead of each time you save
    /// (for file systems where watching files does not work).
    #[arg(long)]
    manual: bool,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Every exercise: done (✓), current (▶) or still to do.
    List,
    /// The hint for the current exercise, or for NAME.
    Hint { name: Option<String> },
    /// Put NAME's file back to its starter (after asking): your changes to it
    /// are lost.
    Reset {
        name: String,
        /// Do not ask first (for scripts).
        #[arg(long, short)]
        yes: bool,
    },
    /// Make NAME the current exercise, then take it.
    Go { name: String },
    /// Check the current exercise (or NAME) once; exit status 0 if it passes.
    Check {
        name: Option<String>,
        /// Check every exercise again, in course order, and end with a table;
        /// exit status 0 if all pass.
        #[arg(long, conflicts_with = "name")]
        all: bool,
    },
    /// Anything else: a mistyped command, or a name without `go`. Taken here
    /// rather than by clap, to say what was probably meant.
    #[command(external_subcommand)]
    Other(Vec<String>),
}

/// Why `cargo xtask learn` ends early; each has its own exit status.
enum Stop {
    /// Something went wrong, or a check did not pass: exit status 1.
    Failed(String),
    /// A name or command that does not exist: exit status 2, as for the
    /// usage errors clap reports.
    BadName(String),
    /// Ctrl-C: exit status 130, as a shell reports a program ended by SIGINT.
    Interrupted,
}

impl From<String> for Stop {
    fn from(why: String) -> Stop {
        Stop::Failed(why)
    }
}

type Result<T = ()> = std::result::Result<T, Stop>;

/// How the runner ends, by `q` or by Ctrl-C: nothing to save, as every
/// change was written when it was made.
const PROGRESS_SAVED: &str =
    "Your progress is saved: `cargo xtask learn` brings you back here.";

pub fn learn(args: Args) -> ExitCode {
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Stop::Failed(why)) => {
            eprintln!("xtask: {why}");
            ExitCode::FAILURE
        }
        Err(Stop::BadName(why)) => {
            eprintln!("error: {why}");
            ExitCode::from(2)
        }
        Err(Stop::Interrupted) => {
            println!("\nStopped. {PROGRESS_SAVED}");
            ExitCode::from(130)
        }
    }
}

fn run(args: Args) -> Result {
    // `cargo xtask learn list | head` should end quietly, as other tools do,
    // not panic on a closed pipe (Rust ignores SIGPIPE unless told otherwise).
    // SAFETY: no other thread runs yet, and no handler is installed.
    #[cfg(unix)]
    unsafe {
        let _ = nix::sys::signal::signal(
            nix::sys::signal::Signal::SIGPIPE,
            nix::sys::signal::SigHandler::SigDfl,
        );
    }
    let course = Course::load()?;
    match args.command {
        None => watch(&course, None, args.manual),
        Some(Command::List) => {
            print_list(&course, &course.progress()?, Place::Shell);
            Ok(())
        }
        Some(Command::Hint { name }) => {
            let exercise = match name {
                Some(name) => course.find(&name, Place::Shell)?,
                None => course.current(&course.progress()?),
            };
            print_hint(exercise);
            Ok(())
        }
        Some(Command::Reset { name, yes }) => {
            let exercise = course.find(&name, Place::Shell)?;
            if !yes && !confirm_reset(exercise)? {
                return Err(Stop::Failed(format!(
                    "not reset: {} is as it was (y resets it; --yes skips the question)",
                    Exercise::shown(&exercise.starter())
                )));
            }
            println!("{}", reset(&course, exercise)?);
            Ok(())
        }
        Some(Command::Go { name }) => {
            let exercise = course.find(&name, Place::Shell)?;
            watch(&course, Some(exercise), args.manual)
        }
        Some(Command::Check { all: true, .. }) => check_every_exercise(&course),
        Some(Command::Check { name, .. }) => {
            let exercise = match name {
                Some(name) => course.find(&name, Place::Shell)?,
                None => course.current(&course.progress()?),
            };
            exercises::stop_on_ctrl_c();
            show_task(&course, exercise)?;
            match check(exercise, &course.file)? {
                Verdict::Passed => show_pass(&course, exercise, Place::Shell),
                Verdict::NotYet(report) => {
                    // In a shell the whole report is shown: it scrolls.
                    if let Some(report) = report {
                        screen::say(&report);
                    }
                    Err(Stop::Failed(format!("{} does not pass yet", exercise.id())))
                }
                Verdict::Stopped => Err(Stop::Interrupted),
            }
        }
        Some(Command::Other(words)) => {
            Err(Stop::BadName(unknown_command(&course, &words)))
        }
    }
}

/// The course's exercises, and the learner's progress file.
struct Course {
    all: Vec<Exercise>,
    /// Each exercise's `lesson/name`, in course order.
    ids: Vec<String>,
    file: ProgressFile,
}

impl Course {
    fn load() -> Result<Course> {
        let all = catalogue()?;
        if all.is_empty() {
            return Err(Stop::Failed("the course has no exercises yet".into()));
        }
        Ok(Course {
            ids: all.iter().map(Exercise::id).collect(),
            all,
            file: ProgressFile::in_folder(&workspace_root()),
        })
    }

    /// What the progress file says now.
    fn progress(&self) -> Result<Progress> {
        Ok(self.file.read()?)
    }

    /// The exercise a learner named, or what they probably meant.
    fn find(&self, name: &str, place: Place) -> Result<&Exercise> {
        names::find(&self.ids, name)
            .map(|at| &self.all[at])
            .map_err(|error| Stop::BadName(error.message(place)))
    }

    fn current(&self, progress: &Progress) -> &Exercise {
        &self.all[progress.current(&self.ids)]
    }

    fn next_after(&self, progress: &Progress, exercise: &Exercise) -> Option<&Exercise> {
        progress
            .next_after(&self.ids, self.number(exercise) - 1)
            .map(|at| &self.all[at])
    }

    /// Where the exercise stands in the course, from 1.
    fn number(&self, exercise: &Exercise) -> usize {
        self.ids
            .iter()
            .position(|id| *id == exercise.id())
            .unwrap_or(0)
            + 1
    }
}

/// `cargo xtask learn WORD`, where WORD is no command: a command mistyped,
/// or an exercise named without `go`.
fn unknown_command(course: &Course, words: &[String]) -> String {
    let typed = words.first().map(String::as_str).unwrap_or_default();
    let commands = ["list", "hint", "go", "reset", "check"];
    let meant = if let Some(command) = names::closest_word(&commands, typed) {
        format!("cargo xtask learn {command}")
    } else if let Some(id) = names::likely(&course.ids, typed) {
        keys::go_to(Place::Shell, &id)
    } else {
        keys::list(Place::Shell).to_owned()
    };
    format!(
        "unknown command {typed:?}\n  did you mean `{meant}`?\n  \
         The commands: list, hint, go NAME, reset NAME, check; --help says more."
    )
}

fn print_list(course: &Course, progress: &Progress, place: Place) {
    let current = course.current(progress).id();
    let mut lesson = "";
    for exercise in &course.all {
        if exercise.lesson != lesson {
            lesson = exercise.lesson;
            println!("\n{lesson}");
        }
        let mark = if exercise.id() == current {
            "▶"
        } else if progress.is_done(&exercise.id()) {
            "✓"
        } else {
            " "
        };
        let title = exercise
            .title_and_task()
            .map(|(title, _)| title)
            .unwrap_or_default();
        screen::say(&format!("  {mark} {:<34} {title}", exercise.id()));
    }
    screen::say(&format!(
        "\n{} of {} done. ▶ is current: `{}` moves to another.",
        progress.done_count(&course.ids),
        course.all.len(),
        keys::go(place)
    ));
}

fn print_hint(exercise: &Exercise) {
    println!("Hint for {}:\n", exercise.id());
    for line in exercise.hint.lines() {
        screen::say(&format!("  {line}"));
    }
}

/// The question asked before a reset.
fn reset_question(exercise: &Exercise) -> String {
    format!(
        "Put {} back to its starter?\nYour changes to it are lost. Reset it? [y/N] ",
        Exercise::shown(&exercise.starter())
    )
}

/// Asks on the terminal before a one-off reset. No answer (no input, as in
/// a script) is a no.
fn confirm_reset(exercise: &Exercise) -> Result<bool> {
    print!("{}", reset_question(exercise));
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    let read = std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|err| format!("cannot read the answer: {err}"))?;
    // A typed answer ends its own line; none, or one from a pipe, does not.
    if read == 0 || !std::io::stdin().is_terminal() {
        println!();
    }
    Ok(keys::is_yes(&answer))
}

/// The exercise's file back to its starter, and the exercise to do again.
/// Returns what to tell the learner.
fn reset(course: &Course, exercise: &Exercise) -> Result<String> {
    let starter = starter_from_solution(&read(&exercise.solution())?)?;
    std::fs::write(exercise.starter(), starter).map_err(|err| err.to_string())?;
    course
        .file
        .update(|progress| progress.mark_to_do(&exercise.id()))?;
    Ok(format!(
        "{} is back to its starter, and {} is to do again.",
        Exercise::shown(&exercise.starter()),
        exercise.id()
    ))
}

/// The exercise's title, where it stands in the course, its task and its
/// file, with the progress as the file says it is now, wrapped to the
/// terminal. Returns how many lines it took.
fn show_task(course: &Course, exercise: &Exercise) -> Result<usize> {
    let lines = task_lines(course, exercise, screen::size().0)?;
    for line in &lines {
        println!("{line}");
    }
    Ok(lines.len())
}

fn task_lines(course: &Course, exercise: &Exercise, width: usize) -> Result<Vec<String>> {
    let (title, task) = exercise.title_and_task()?;
    let text = task_text(course, exercise, &course.progress()?, &title, &task);
    Ok(screen::wrap(&text, width))
}

fn task_text(
    course: &Course,
    exercise: &Exercise,
    progress: &Progress,
    title: &str,
    task: &str,
) -> String {
    let total = course.all.len();
    let done = progress.done_count(&course.ids);
    let bar = screen::bar(done, total, 20);
    format!(
        "━━ Exercise {} of {total} ━━  {bar} done {done}/{total}\n{title} ({})\n\n\
         {task}\n\nYour file: {}",
        course.number(exercise),
        exercise.id(),
        Exercise::shown(&exercise.starter())
    )
}

/// What the learner sees after a pass: the task drawn again, so that its
/// count of what is done includes this one, and where the solution is. The
/// runner draws it on a clear screen; a one-off command below what it said.
fn show_pass(course: &Course, exercise: &Exercise, place: Place) -> Result {
    if place == Place::Runner {
        clear_screen();
    } else {
        println!();
    }
    show_task(course, exercise)?;
    screen::say(&format!(
        "\n✓ {} passes its check. Well done!\n  \
         Compare with the reference solution: {}\n  \
         (and in the book: Solutions › {}).",
        exercise.id(),
        Exercise::shown(&exercise.solution()),
        exercise.lesson
    ));
    Ok(())
}

fn clear_screen() {
    if std::io::stdout().is_terminal() {
        print!("\x1b[2J\x1b[H");
    }
}

fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// How one check ended.
#[derive(PartialEq, Eq)]
enum Verdict {
    /// It passed, and is marked done.
    Passed,
    /// It failed or hung: with the report to show (verdict first), or none
    /// when the compiler's messages and the verdict are already shown.
    NotYet(Option<String>),
    /// Ctrl-C came before it ended: nothing can be said about the file.
    Stopped,
}

/// Builds and runs the exercise's check once and says how it went.
fn check(exercise: &Exercise, file: &ProgressFile) -> Result<Verdict> {
    println!("\nChecking...");
    let built = match build(exercise, Program::Learner) {
        Ok(built) => built,
        // Ctrl-C reaches cargo too, and stops the build: that says nothing
        // about the learner's file.
        Err(_) if interrupted() => return Ok(Verdict::Stopped),
        Err(why) => {
            screen::say(&format!(
                "\n✗ {}: {why}",
                Exercise::shown(&exercise.starter())
            ));
            return Ok(Verdict::NotYet(None));
        }
    };
    match exercises::run_check(exercise, built.check(exercise.lesson)?, Program::Learner)?
    {
        Outcome::Passed => {
            file.update(|progress| progress.mark_done(&exercise.id()))?;
            Ok(Verdict::Passed)
        }
        // A check cut short by Ctrl-C fails for that alone.
        _ if interrupted() => Ok(Verdict::Stopped),
        Outcome::Failed(output) => Ok(Verdict::NotYet(Some(format!(
            "✗ Not yet. What the check found:\n\n{}",
            indent(&output)
        )))),
        Outcome::TimedOut(_) => {
            let report = hang_report(exercise, built.program(&exercise.bin()))?;
            // Ctrl-C during the second run cuts the report short.
            Ok(if interrupted() {
                Verdict::Stopped
            } else {
                Verdict::NotYet(Some(report))
            })
        }
    }
}

/// The check did not finish in time: say so, show what the program printed
/// before it got stuck, and what usually causes that.
fn hang_report(exercise: &Exercise, program: Option<&Path>) -> Result<String> {
    let mut report = format!(
        "⏱ Stopped after {} s: your program did not finish, so it was killed with \
         everything it started. It is probably stuck (a deadlock, or waiting for \
         something that never comes).\n",
        exercise.time_limit.as_secs()
    );
    // What this exercise's author says comes first: it is what stays on
    // screen when the report is folded.
    if let Some(advice) = &exercise.if_it_hangs {
        let _ = write!(report, "\nIn this exercise:\n{}\n", indent(advice));
    }
    if let Some(program) = program {
        // Run it once more on its own, briefly, to show where it stops.
        let limit = Duration::from_secs(3);
        let mut command = std::process::Command::new(program);
        command.current_dir(exercise.dir());
        let (status, output) = exercises::run_limited(command, limit)?;
        if interrupted() {
            return Ok(report);
        }
        let last: Vec<&str> = output.lines().rev().take(15).collect();
        let last: Vec<&str> = last.into_iter().rev().collect();
        if status.is_none() {
            let printed = if last.is_empty() {
                "(nothing)".into()
            } else {
                last.join("\n")
            };
            let _ = write!(
                report,
                "\nRun on its own for {} s, it printed this and was still \
                 running:\n\n{}\n",
                limit.as_secs(),
                indent(&printed)
            );
        }
    }
    let _ = write!(
        report,
        "\nRun it yourself (Ctrl-C stops it): cargo run -p {} --bin {}\n\n\
         {USUAL_HANG_CAUSES}",
        exercise.package(),
        exercise.bin()
    );
    Ok(report)
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A report wrapped to `width`, and folded to the rows that `height` leaves
/// once `others` lines (task, keys) are drawn: what to show (from a blank
/// line above it), and, if it was folded, the whole report for `m`.
fn fit_report(
    report: &str,
    others: usize,
    width: usize,
    height: usize,
) -> (Vec<String>, Option<Vec<String>>) {
    let whole = screen::wrap(report, width);
    // The blank line above the report, and the cursor's line at the bottom.
    let rows = height.saturating_sub(others + 2);
    let folded = screen::fold(&whole, rows.max(MIN_REPORT_ROWS), "m");
    let was_folded = folded != whole;
    let mut shown = vec![String::new()];
    shown.extend(folded);
    (shown, was_folded.then_some(whole))
}

/// How long the exercise's folder stays quiet before a save is checked:
/// most editors write a file in steps a few milliseconds apart, and every
/// millisecond here is one more between a save and its verdict.
const SETTLE: Duration = Duration::from_millis(80);

/// The fewest lines of a report shown, however long the task above it: the
/// verdict and the start of what it found.
const MIN_REPORT_ROWS: usize = 4;

/// What can happen while the runner waits.
enum Event {
    Saved,
    Line(String),
    InputClosed,
    /// Nothing yet: a moment to see whether Ctrl-C was pressed.
    Tick,
}

/// `cargo xtask learn check --all`: every exercise checked again, in course
/// order, each whatever the others did; then a table. Progress is changed
/// as each check ends, as a single check changes it.
fn check_every_exercise(course: &Course) -> Result {
    exercises::stop_on_ctrl_c();
    // On a terminal the bar is redrawn on one line; elsewhere (a log, CI)
    // each step is a line of its own.
    let on_terminal = std::io::stdout().is_terminal();
    let total = course.all.len();
    let mut rows = Vec::new();
    for (at, exercise) in course.all.iter().enumerate() {
        let id = exercise.id();
        let line = check_all::progress_line(at, total, &id);
        if on_terminal {
            print!("\r\x1b[K{line}");
            let _ = std::io::stdout().flush();
        } else {
            println!("{line}");
        }
        let Some(verdict) = verdict_of(exercise)? else {
            if on_terminal {
                println!();
            }
            return Err(Stop::Interrupted);
        };
        let mut row = None;
        course
            .file
            .update(|progress| row = Some(check_all::record(progress, &id, verdict)))?;
        rows.extend(row);
    }
    if on_terminal {
        print!("\r\x1b[K");
    }
    println!("{}", check_all::progress_line(total, total, "checked"));
    println!("\n{}", check_all::table(&rows));
    let failing = rows
        .iter()
        .filter(|row| row.verdict != check_all::Verdict::Passes)
        .count();
    if failing > 0 {
        return Err(Stop::Failed(format!(
            "{failing} of {total} exercises do not pass"
        )));
    }
    Ok(())
}

/// The verdict on one exercise, with nothing shown; `None` if Ctrl-C came
/// first. A build or a check that fails is a verdict on this exercise alone,
/// never a reason to stop checking the others.
fn verdict_of(exercise: &Exercise) -> Result<Option<check_all::Verdict>> {
    use check_all::Verdict;
    let built = match exercises::build_quietly(exercise, Program::Learner) {
        Ok(built) => built,
        Err(_) if interrupted() => return Ok(None),
        Err(_) => return Ok(Some(Verdict::DoesNotCompile)),
    };
    let outcome =
        exercises::run_check(exercise, built.check(exercise.lesson)?, Program::Learner)?;
    if interrupted() {
        return Ok(None);
    }
    Ok(Some(match outcome {
        Outcome::Passed => Verdict::Passes,
        Outcome::Failed(_) => Verdict::Fails,
        Outcome::TimedOut(_) => Verdict::Hangs,
    }))
}

/// The interactive runner: shows an exercise (`start`, or the current one),
/// checks it, then checks again on every save (or Enter), until the learner
/// quits.
fn watch(course: &Course, start: Option<&Exercise>, manual: bool) -> Result {
    exercises::stop_on_ctrl_c();
    // On a terminal, keys act as they are pressed; the terminal is put back
    // as it was when this guard goes, however the runner ends.
    let keys_at_once = keypress::Cbreak::start();
    let mut input = keypress::input(keys_at_once.is_some());
    let mut typing = Typing::default();
    let mut exercise = match start {
        Some(exercise) => exercise,
        None => course.current(&course.progress()?),
    };
    course
        .file
        .update(|progress| progress.set_current(&exercise.id()))?;

    // Watch the lesson's exercises folder; events name the file that changed.
    let (saved_tx, saved) = crossbeam_channel::unbounded::<PathBuf>();
    let mut watcher = if manual {
        None
    } else {
        match notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event
                && (event.kind.is_modify() || event.kind.is_create())
            {
                for path in event.paths {
                    let _ = saved_tx.send(path);
                }
            }
        }) {
            Ok(watcher) => Some(watcher),
            Err(err) => {
                println!("Cannot watch files here ({err}): press Enter to check again.");
                None
            }
        }
    };
    let mut watched: Option<PathBuf> = None;
    // What the last command said (a reset), shown under the task until the
    // learner does something else: the check that follows draws the screen
    // again, and would otherwise wipe it at once.
    let mut notice: Option<String> = None;
    // The last check, when the screen is only to be drawn again (back from
    // the list): the file as it checked it, and its verdict. A verdict whose
    // compiler messages were shown as they came cannot be drawn again, so
    // that one is checked again.
    let mut last: Option<(Option<String>, Verdict)> = None;

    loop {
        if let Some(w) = watcher.as_mut() {
            let dir = exercise.dir();
            if watched.as_deref() != Some(dir.as_path()) {
                if let Some(old) = watched.take() {
                    let _ = w.unwatch(&old);
                }
                match w.watch(&dir, RecursiveMode::NonRecursive) {
                    Ok(()) => watched = Some(dir),
                    Err(err) => {
                        println!(
                            "Cannot watch {} ({err}): press Enter to check again.",
                            dir.display()
                        );
                        watcher = None;
                    }
                }
            }
        }
        let (checked, verdict) = match last.take() {
            Some((checked, verdict)) if verdict != Verdict::NotYet(None) => {
                (checked, verdict)
            }
            _ => {
                clear_screen();
                show_task(course, exercise)?;
                show_notice(&notice);
                // The learner's file as this check sees it. A save that
                // changes nothing (the runner's own reset, an editor saving
                // twice) is not checked again; Enter is there for that.
                let checked = std::fs::read_to_string(exercise.starter()).ok();
                (checked, check(exercise, &course.file)?)
            }
        };
        // Ctrl-C during the check (its verdict is then `Stopped`) or after it.
        if interrupted() {
            return Err(Stop::Interrupted);
        }
        let (width, height) = screen::size();
        // What ends every screen: what to do next, and the keys.
        let mut tail = String::from("\n");
        if verdict == Verdict::Passed {
            match course.next_after(&course.progress()?, exercise) {
                Some(next) => tail.push_str(&format!("n: next exercise ({})", next.id())),
                None => tail.push_str(
                    "That was the last one: every exercise is done. Congratulations!",
                ),
            }
        } else if watcher.is_some() {
            tail.push_str(&format!(
                "Save {} to check it again.",
                Exercise::shown(&exercise.starter())
            ));
        }
        tail.push('\n');
        tail.push_str(&keys::key_bar());
        let tail = screen::wrap(&tail, width);
        // The report, when it was folded to fit: `m` shows it whole.
        let mut whole_report: Option<Vec<String>> = None;
        match &verdict {
            Verdict::Passed => {
                show_pass(course, exercise, Place::Runner)?;
                show_notice(&notice);
            }
            // The report is drawn again on a clear screen, under the task and
            // above the keys, folded to the rows left between them.
            Verdict::NotYet(Some(report)) => {
                clear_screen();
                let used = show_task(course, exercise)? + show_notice(&notice);
                let (shown, folded) =
                    fit_report(report, used + tail.len(), width, height);
                for line in &shown {
                    println!("{line}");
                }
                whole_report = folded;
            }
            // The compiler's messages are on the screen, whole, with the
            // verdict under them.
            Verdict::NotYet(None) | Verdict::Stopped => {}
        }
        for line in &tail {
            println!("{line}");
        }
        let _ = std::io::stdout().flush();

        // Wait for a save of this exercise's file, or a command.
        let next = loop {
            let event = select! {
                recv(saved) -> path => match path {
                    Ok(path) if same_file(&path, &exercise.starter()) => Event::Saved,
                    _ => continue,
                },
                recv(input) -> typed => match typed {
                    Ok(typed) => match typing.take(typed) {
                        Some(line) => Event::Line(line),
                        None => continue,
                    },
                    Err(_) => Event::InputClosed,
                },
                default(Duration::from_millis(200)) => Event::Tick,
            };
            // Ctrl-C comes first, whatever came with it.
            if interrupted() {
                return Err(Stop::Interrupted);
            }
            match event {
                Event::Tick => continue,
                Event::Saved => {
                    // An editor may write a file in several steps: let it
                    // finish, that is, until the folder is quiet for a moment.
                    // A step that comes later still is a change of its own,
                    // and is checked in turn.
                    while saved.recv_timeout(SETTLE).is_ok() {}
                    if std::fs::read_to_string(exercise.starter()).ok() == checked {
                        continue;
                    }
                    break exercise;
                }
                Event::InputClosed if watcher.is_none() => {
                    println!("No more input: stopping. {PROGRESS_SAVED}");
                    return Ok(());
                }
                // Nothing more to read (stdin is not a terminal): go on
                // watching files, without asking the closed input again.
                Event::InputClosed => {
                    input = crossbeam_channel::never();
                    continue;
                }
                Event::Line(line) => {
                    notice = None;
                    if let Some(whole) = &whole_report
                        && matches!(line.trim(), "m" | "more")
                    {
                        println!();
                        for line in whole {
                            println!("{line}");
                        }
                        println!("\n{}", keys::key_bar());
                        continue;
                    }
                    match keys::parse(&line) {
                        Typed::Check => break exercise,
                        Typed::Quit => {
                            println!("{PROGRESS_SAVED}");
                            return Ok(());
                        }
                        Typed::Hint => print_hint(exercise),
                        // On a terminal, a list to move about in; otherwise
                        // (a pipe) the list printed.
                        Typed::List if keys_at_once.is_some() => {
                            match browse(course, exercise, &input)? {
                                Browsed::Go(to) => break to,
                                Browsed::Back => {
                                    last = Some((checked, verdict));
                                    break exercise;
                                }
                            }
                        }
                        Typed::List => {
                            print_list(course, &course.progress()?, Place::Runner)
                        }
                        Typed::Next => {
                            match course.next_after(&course.progress()?, exercise) {
                                Some(next) => break next,
                                None => println!("Every other exercise is done."),
                            }
                        }
                        Typed::GoWhere => {
                            let progress = course.progress()?;
                            print_list(course, &progress, Place::Runner);
                            let example = course
                                .next_after(&progress, exercise)
                                .unwrap_or(exercise);
                            println!(
                                "\ng needs the exercise to go to: `{}`, or its lesson alone.",
                                keys::go_to(Place::Runner, &example.id())
                            );
                        }
                        Typed::Go(name) => match course.find(&name, Place::Runner) {
                            Ok(found) => break found,
                            Err(Stop::BadName(why)) => println!("{why}"),
                            Err(stop) => return Err(stop),
                        },
                        Typed::Reset => {
                            if ask(&input, &mut typing, &reset_question(exercise))? {
                                notice = Some(reset(course, exercise)?);
                                break exercise;
                            }
                            println!("Not reset: your file is as it was.");
                        }
                        Typed::Unknown(typed) => {
                            println!("{}", unknown_key(course, &typed))
                        }
                    }
                }
            }
        };
        if next.id() != exercise.id() {
            notice = None;
        }
        exercise = next;
        course
            .file
            .update(|progress| progress.set_current(&exercise.id()))?;
    }
}

/// Shows what the last command said, if anything; returns how many lines
/// it took.
fn show_notice(notice: &Option<String>) -> usize {
    let Some(notice) = notice else { return 0 };
    let lines = screen::wrap(&format!("\n{notice}"), screen::size().0);
    for line in &lines {
        println!("{line}");
    }
    lines.len()
}

/// Asks a question in the runner; only y or yes is a yes.
fn ask(input: &Receiver<Input>, typing: &mut Typing, question: &str) -> Result<bool> {
    print!("{question}");
    let _ = std::io::stdout().flush();
    loop {
        select! {
            recv(input) -> typed => match typed {
                Ok(typed) => if let Some(line) = typing.take(typed) {
                    return Ok(keys::is_yes(&line));
                },
                Err(_) => return Ok(false),
            },
            default(Duration::from_millis(200)) => {
                if interrupted() {
                    return Err(Stop::Interrupted);
                }
            }
        }
    }
}

/// How the learner left the list.
enum Browsed<'a> {
    /// To this exercise, with Enter.
    Go(&'a Exercise),
    /// Back where they were.
    Back,
}

/// The list of exercises, on a screen of its own (`l`): see [`ListView`].
fn browse<'a>(
    course: &'a Course,
    exercise: &Exercise,
    input: &Receiver<Input>,
) -> Result<Browsed<'a>> {
    let mut list = ListView::new(list_rows(course)?, &exercise.id());
    let mut message = String::new();
    // The reset asked about, waiting for y.
    let mut asking: Option<&Exercise> = None;
    loop {
        let (width, height) = screen::size();
        clear_screen();
        let (lines, selected) = list.lines(&message, width, height);
        for (at, line) in lines.iter().enumerate() {
            if Some(at) == selected {
                // Reverse video: the selected row.
                println!("\x1b[7m{line}\x1b[0m");
            } else {
                println!("{line}");
            }
        }
        let _ = std::io::stdout().flush();
        let key = loop {
            select! {
                recv(input) -> typed => match typed {
                    Ok(Input::Key(key)) => break key,
                    Ok(Input::Line(_)) => continue,
                    Err(_) => return Ok(Browsed::Back),
                },
                default(Duration::from_millis(200)) => if interrupted() {
                    return Err(Stop::Interrupted);
                },
            }
        };
        if let Some(to_reset) = asking.take() {
            message = if key == crossterm::event::KeyCode::Char('y') {
                let said = reset(course, to_reset)?;
                list.refresh(list_rows(course)?);
                said
            } else {
                format!("Not reset: {} is as it was.", to_reset.id())
            };
            continue;
        }
        message.clear();
        match list.press(key, ListView::page(height)) {
            list_view::Action::Stay => {}
            list_view::Action::Back => return Ok(Browsed::Back),
            list_view::Action::Go(id) => {
                return Ok(Browsed::Go(course.find(&id, Place::Runner)?));
            }
            list_view::Action::Reset(id) => {
                let found = course.find(&id, Place::Runner)?;
                message = reset_question(found);
                asking = Some(found);
            }
        }
    }
}

/// Every exercise as the list shows it, done or not as the progress file
/// says now.
fn list_rows(course: &Course) -> Result<Vec<list_view::Row>> {
    let progress = course.progress()?;
    Ok(course
        .all
        .iter()
        .map(|exercise| list_view::Row {
            id: exercise.id(),
            title: exercise
                .title_and_task()
                .map(|(title, _)| title)
                .unwrap_or_default(),
            done: progress.is_done(&exercise.id()),
        })
        .collect())
}

/// A line the runner does not take: the keys it does, and what was probably
/// meant.
fn unknown_key(course: &Course, typed: &str) -> String {
    // The long words, each with its key.
    let words = [
        ("hint", "h"),
        ("list", "l"),
        ("next", "n"),
        ("go", "g NAME"),
        ("reset", "reset"),
        ("quit", "q"),
    ];
    let long: Vec<&str> = words.iter().map(|(word, _)| *word).collect();
    let meant = match names::closest_word(&long, typed) {
        Some(word) => words
            .iter()
            .find(|(long, _)| *long == word)
            .map(|(_, key)| key.to_string()),
        // A name without its g.
        None => {
            names::likely(&course.ids, typed).map(|id| keys::go_to(Place::Runner, &id))
        }
    };
    let mut message = format!("Unknown command {typed:?}.");
    if let Some(meant) = meant {
        message.push_str(&format!(" Did you mean `{meant}`?"));
    }
    message.push_str(&format!(
        "\nThe keys: {}; Enter alone checks again.",
        keys::key_names()
    ));
    message
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || a.canonicalize().ok() == b.canonicalize().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_the_same_however_its_path_is_spelled() {
        let folder = crate::progress::tests::Folder::new("same-file");
        let dir = &folder.0;
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        let (file, other) = (dir.join("a.rs"), dir.join("b.rs"));
        std::fs::write(&file, "").unwrap();
        std::fs::write(&other, "").unwrap();
        assert!(same_file(&file, &file));
        assert!(same_file(&file, &dir.join("sub/../a.rs")));
        assert!(!same_file(&file, &other));
    }

    fn course() -> Course {
        let exercise = |lesson, name: &str| Exercise {
            lesson,
            name: name.to_owned(),
            hint: "hint".into(),
            time_limit: Duration::from_secs(1),
            if_it_hangs: None,
        };
        let all = vec![
            exercise("join", "wait_for_both"),
            exercise("lock", "overbooked"),
            exercise("queue", "wait_for_both"),
        ];
        Course {
            ids: all.iter().map(Exercise::id).collect(),
            all,
            file: ProgressFile::in_folder(Path::new("/nonexistent")),
        }
    }

    fn unknown(words: &[&str]) -> String {
        let words: Vec<String> = words.iter().map(|word| word.to_string()).collect();
        unknown_command(&course(), &words)
    }

    #[test]
    fn a_mistyped_command_suggests_the_command() {
        let message = unknown(&["lsit"]);
        assert!(message.starts_with("unknown command \"lsit\""), "{message}");
        assert!(
            message.contains("did you mean `cargo xtask learn list`?"),
            "{message}"
        );
        assert!(unknown(&["chekc"]).contains("`cargo xtask learn check`"));
    }

    #[test]
    fn a_name_without_go_suggests_going_there() {
        let message = unknown(&["lock/overbooked"]);
        assert!(
            message.contains("did you mean `cargo xtask learn go lock/overbooked`?"),
            "{message}"
        );
        assert!(unknown(&["overbookd", "x"]).contains("go lock/overbooked`?"));
        let message = unknown(&["bogus"]);
        assert!(
            message.contains("did you mean `cargo xtask learn list`?"),
            "{message}"
        );
    }

    #[test]
    fn in_the_runner_an_unknown_line_is_answered_with_keys() {
        let course = course();
        let message = unknown_key(&course, "lsit");
        assert!(message.contains("Did you mean `l`?"), "{message}");
        let message = unknown_key(&course, "overbooked");
        assert!(
            message.contains("Did you mean `g lock/overbooked`?"),
            "{message}"
        );
        let message = unknown_key(&course, "xyzzy");
        assert!(!message.contains("Did you mean"), "{message}");
        assert!(
            message.contains("The keys: h, l, n, g NAME, reset or q; Enter alone"),
            "{message}"
        );
        for typed in ["lsit", "overbooked", "xyzzy"] {
            assert!(!unknown_key(&course, typed).contains("cargo xtask"));
        }
    }

    #[test]
    fn a_bad_name_is_a_usage_error_worded_for_where_it_is_read() {
        let course = course();
        let Err(Stop::BadName(runner)) = course.find("overbookd", Place::Runner) else {
            panic!("overbookd was found, or is not a usage error");
        };
        assert!(runner.contains("did you mean lock/overbooked"), "{runner}");
        assert!(runner.contains("`l` shows them all"), "{runner}");
        let Err(Stop::BadName(shell)) = course.find("overbookd", Place::Shell) else {
            panic!("overbookd was found, or is not a usage error");
        };
        assert!(
            shell.contains("`cargo xtask learn list` shows them all"),
            "{shell}"
        );
        assert!(matches!(
            course.find("wait_for_both", Place::Shell),
            Err(Stop::BadName(_))
        ));
    }

    #[test]
    fn the_course_finds_the_next_exercise_from_the_progress_it_is_given() {
        let course = course();
        let mut progress = Progress::default();
        progress.mark_done("lock/overbooked");
        let next = course.next_after(&progress, &course.all[0]).unwrap();
        assert_eq!(next.id(), "queue/wait_for_both");
        assert_eq!(course.number(next), 3);
        assert_eq!(course.current(&progress).id(), "join/wait_for_both");
    }

    /// What the runner shows under a task after a hang, at `width`×`height`,
    /// with a hang report whose exercise adds `advice` lines of its own.
    fn hang_screen(advice: usize, width: usize, height: usize) -> Vec<String> {
        let course = course();
        let mut exercise = course.all[1].clone();
        exercise.if_it_hangs = (advice > 0).then(|| {
            (1..=advice)
                .map(|n| {
                    format!("Advice {n}: a lock taken in main is held across the join.")
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
        let mut progress = Progress::default();
        progress.mark_done("join/wait_for_both");
        // A task as long as the course's longest, with lines of 81 and 82
        // columns that must wrap on a word.
        let task = format!(
            "{}booked\n{}booking\nFix it so that every booking is made once, and \
             only once, whatever order the threads run in.\nThen run it again.",
            "word ".repeat(15),
            "word ".repeat(15)
        );
        let task = screen::wrap(
            &task_text(&course, &exercise, &progress, "Overbooked", &task),
            width,
        );
        let tail = screen::wrap(
            &format!(
                "\nSave {} to check it again.\n{}",
                Exercise::shown(&exercise.starter()),
                keys::key_bar()
            ),
            width,
        );
        let Ok(report) = hang_report(&exercise, None) else {
            panic!("no hang report");
        };
        let (shown, whole) = fit_report(&report, task.len() + tail.len(), width, height);
        if let Some(whole) = whole {
            assert!(whole.len() >= shown.len(), "a folded report lost lines");
            assert!(
                shown.last().unwrap().contains("m shows the whole report"),
                "{shown:?}"
            );
        }
        task.into_iter().chain(shown).chain(tail).collect()
    }

    /// Issue 11: at 80×24 the hang report pushed the verdict and the task
    /// off the screen.
    #[test]
    fn a_hang_report_folds_to_keep_task_verdict_and_keys_on_an_80_by_24_screen() {
        for advice in [0, 3, 30] {
            let screen = hang_screen(advice, 80, 24);
            let text = screen.join("\n");
            // The cursor's line is the 24th.
            assert!(screen.len() <= 23, "{} lines:\n{text}", screen.len());
            assert!(screen[0].starts_with("━━ Exercise 2 of 3 ━━"), "{text}");
            assert!(screen[0].ends_with("done 1/3"), "{text}");
            assert!(text.contains("Overbooked (lock/overbooked)"), "{text}");
            assert!(text.contains("⏱ Stopped after 1 s"), "{text}");
            assert_eq!(screen.last().unwrap(), &keys::key_bar(), "{text}");
        }
    }

    /// Issue 11: lines of 81 and 82 columns wrapped one character onto a
    /// line of their own, and at 160 columns a message broke mid-word.
    #[test]
    fn no_line_of_a_screen_is_wider_than_the_terminal_or_cut_mid_word() {
        for (width, height) in [(80, 24), (160, 50), (60, 40)] {
            let screen = hang_screen(3, width, height);
            for line in &screen {
                assert!(line.chars().count() <= width, "{width}: {line:?}");
            }
            for word in ["booked", "booking"] {
                assert!(
                    screen.iter().any(|line| line.split(' ').any(|w| w == word)),
                    "{width}: {word:?} was cut:\n{}",
                    screen.join("\n")
                );
            }
        }
        // With room for all of it, nothing is folded away.
        let tall = hang_screen(3, 80, 200).join("\n");
        assert!(!tall.contains("m shows the whole report"), "{tall}");
        assert!(tall.contains("a loop whose stop condition"), "{tall}");
    }
}
