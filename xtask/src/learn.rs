//! `cargo xtask learn`: the exercises one after another, each checked as
//! soon as the learner saves the file.
//!
//! Progress is kept in `.learn-progress` at the top of the workspace (git
//! ignores it): which exercises passed, and which one is current.

use std::collections::BTreeSet;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use crossbeam_channel::{Receiver, select};
use notify::{RecursiveMode, Watcher};

use crate::exercises::{
    self, Exercise, INTERRUPTED, Outcome, Program, USUAL_HANG_CAUSES, build, catalogue,
    read, starter_from_solution,
};
use crate::{Result, workspace_root};

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
    /// Put NAME's file back to its starter: your changes to it are lost.
    Reset { name: String },
    /// Make NAME the current exercise, then take it.
    Go { name: String },
    /// Check the current exercise (or NAME) once; exit status 0 if it passes.
    Check { name: Option<String> },
}

pub fn learn(args: Args) -> Result {
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
    let all = catalogue()?;
    if all.is_empty() {
        return Err("the course has no exercises yet".into());
    }
    let mut progress = Progress::load(&all);
    match args.command {
        None => watch(&all, &mut progress, args.manual),
        Some(Command::List) => {
            print_list(&all, &progress);
            Ok(())
        }
        Some(Command::Hint { name }) => {
            let exercise = match name {
                Some(name) => find(&all, &name)?,
                None => progress.current(&all),
            };
            print_hint(exercise);
            Ok(())
        }
        Some(Command::Reset { name }) => reset(find(&all, &name)?, &mut progress),
        Some(Command::Go { name }) => {
            let exercise = find(&all, &name)?;
            progress.set_current(exercise);
            progress.save()?;
            watch(&all, &mut progress, args.manual)
        }
        Some(Command::Check { name }) => {
            let exercise = match name {
                Some(name) => find(&all, &name)?,
                None => progress.current(&all),
            };
            exercises::stop_on_ctrl_c();
            show_task(exercise, &all, &progress)?;
            if check(exercise, all.len(), &mut progress)? {
                Ok(())
            } else {
                Err(format!("{} does not pass yet", exercise.id()))
            }
        }
    }
}

/// An exercise by `lesson/name`, or by `name` alone when only one lesson has it.
fn find<'a>(all: &'a [Exercise], wanted: &str) -> Result<&'a Exercise> {
    let wanted = wanted.trim().trim_end_matches(".rs").replace('-', "_");
    let matches: Vec<&Exercise> = all
        .iter()
        .filter(|e| e.id() == wanted || e.name == wanted || e.lesson == wanted)
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        // A lesson's name: its first exercise.
        [first, ..] if first.lesson == wanted => Ok(first),
        [] => Err(format!(
            "no exercise {wanted}; `cargo xtask learn list` shows them all"
        )),
        several => Err(format!(
            "{wanted} is ambiguous: {}",
            several
                .iter()
                .map(|e| e.id())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// What passed, and what is current.
struct Progress {
    path: PathBuf,
    done: BTreeSet<String>,
    current: Option<String>,
}

impl Progress {
    const FILE: &str = ".learn-progress";

    /// Reads the progress file; entries for exercises that no longer exist
    /// are dropped.
    fn load(all: &[Exercise]) -> Progress {
        let path = workspace_root().join(Progress::FILE);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        Progress::parse(path, &text, all)
    }

    fn parse(path: PathBuf, text: &str, all: &[Exercise]) -> Progress {
        let known = |id: &str| all.iter().any(|e| e.id() == id);
        let mut progress = Progress {
            path,
            done: BTreeSet::new(),
            current: None,
        };
        for line in text.lines() {
            match line.split_once(' ') {
                Some(("done", id)) if known(id) => {
                    progress.done.insert(id.to_owned());
                }
                Some(("current", id)) if known(id) => {
                    progress.current = Some(id.to_owned())
                }
                _ => {}
            }
        }
        progress
    }

    fn render(&self) -> String {
        let mut text = String::from(
            "# cargo xtask learn: your progress. Delete this file to start over;\n\
             # your exercise files stay as they are.\n",
        );
        if let Some(current) = &self.current {
            text.push_str(&format!("current {current}\n"));
        }
        for id in &self.done {
            text.push_str(&format!("done {id}\n"));
        }
        text
    }

    fn save(&self) -> Result {
        std::fs::write(&self.path, self.render())
            .map_err(|err| format!("{}: {err}", Exercise::shown(&self.path)))
    }

    fn is_done(&self, exercise: &Exercise) -> bool {
        self.done.contains(&exercise.id())
    }

    /// The exercise chosen last, or else the first one not done yet (the
    /// last one when all are done).
    fn current<'a>(&self, all: &'a [Exercise]) -> &'a Exercise {
        self.current
            .as_deref()
            .and_then(|id| all.iter().find(|e| e.id() == id))
            .or_else(|| all.iter().find(|e| !self.is_done(e)))
            .unwrap_or(&all[all.len() - 1])
    }

    fn set_current(&mut self, exercise: &Exercise) {
        self.current = Some(exercise.id());
    }

    /// The first exercise after `exercise` that is not done, going round.
    fn next_after<'a>(
        &self,
        all: &'a [Exercise],
        exercise: &Exercise,
    ) -> Option<&'a Exercise> {
        let at = all
            .iter()
            .position(|e| e.id() == exercise.id())
            .unwrap_or(0);
        all[at + 1..]
            .iter()
            .chain(&all[..at])
            .find(|e| !self.is_done(e))
    }
}

fn print_list(all: &[Exercise], progress: &Progress) {
    let current = progress.current(all).id();
    let mut lesson = "";
    for exercise in all {
        if exercise.lesson != lesson {
            lesson = exercise.lesson;
            println!("\n{lesson}");
        }
        let mark = if exercise.id() == current {
            "▶"
        } else if progress.is_done(exercise) {
            "✓"
        } else {
            " "
        };
        let title = exercise
            .title_and_task()
            .map(|(title, _)| title)
            .unwrap_or_default();
        println!("  {mark} {:<34} {title}", exercise.id());
    }
    println!(
        "\n{} of {} done. ▶ is current: `cargo xtask learn go NAME` moves to another.",
        progress.done.len(),
        all.len()
    );
}

fn print_hint(exercise: &Exercise) {
    println!("Hint for {}:\n", exercise.id());
    for line in exercise.hint.lines() {
        println!("  {line}");
    }
}

/// The exercise's file back to its starter, and the exercise to do again.
fn reset(exercise: &Exercise, progress: &mut Progress) -> Result {
    let starter = starter_from_solution(&read(&exercise.solution())?)?;
    std::fs::write(exercise.starter(), starter).map_err(|err| err.to_string())?;
    progress.done.remove(&exercise.id());
    progress.save()?;
    println!(
        "{} is back to its starter, and {} is to do again.",
        Exercise::shown(&exercise.starter()),
        exercise.id()
    );
    Ok(())
}

/// The exercise's title, where it stands in the course, its task and its file.
fn show_task(exercise: &Exercise, all: &[Exercise], progress: &Progress) -> Result {
    let (title, task) = exercise.title_and_task()?;
    let number = all
        .iter()
        .position(|e| e.id() == exercise.id())
        .unwrap_or(0)
        + 1;
    println!(
        "━━ Exercise {number} of {}: {} ({}) ━━  done {}/{}",
        all.len(),
        title,
        exercise.id(),
        progress.done.len(),
        all.len()
    );
    println!("\n{task}\n");
    println!("Your file: {}", Exercise::shown(&exercise.starter()));
    Ok(())
}

/// Builds and runs the exercise's check once and says how it went. True if
/// it passed (and it is then marked done).
fn check(exercise: &Exercise, total: usize, progress: &mut Progress) -> Result<bool> {
    println!("\nChecking...");
    let built = match build(&[exercise.lesson]) {
        Ok(built) => built,
        Err(why) => {
            println!("\n✗ {}: {why}", Exercise::shown(&exercise.starter()));
            return Ok(false);
        }
    };
    match exercises::run_check(exercise, built.check(exercise.lesson)?, Program::Learner)?
    {
        Outcome::Passed => {
            progress.done.insert(exercise.id());
            progress.save()?;
            println!("\n✓ {} passes its check. Well done!", exercise.id());
            println!(
                "  Compare with the reference solution: {}",
                Exercise::shown(&exercise.solution())
            );
            println!(
                "  (and in the book: Solutions › {}). done {}/{total}",
                exercise.lesson,
                progress.done.len(),
            );
            Ok(true)
        }
        Outcome::Failed(output) => {
            println!("\n✗ Not yet. What the check found:\n");
            println!("{}", indent(&output));
            Ok(false)
        }
        Outcome::TimedOut(_) if INTERRUPTED.load(Ordering::Relaxed) => Ok(false),
        Outcome::TimedOut(_) => {
            report_hang(exercise, built.program(&exercise.bin()))?;
            Ok(false)
        }
    }
}

/// The check did not finish in time: say so, show what the program printed
/// before it got stuck, and what usually causes that.
fn report_hang(exercise: &Exercise, program: Option<&Path>) -> Result {
    println!(
        "\n⏱ Stopped after {} s: your program did not finish, so it was killed\n  \
         with everything it started. It is probably stuck (a deadlock, or waiting\n  \
         for something that never comes).",
        exercise.time_limit.as_secs()
    );
    if let Some(program) = program {
        // Run it once more on its own, briefly, to show where it stops.
        let limit = Duration::from_secs(3);
        let mut command = std::process::Command::new(program);
        command.current_dir(exercise.dir());
        let (status, output) = exercises::run_limited(command, limit)?;
        let last: Vec<&str> = output.lines().rev().take(15).collect();
        let last: Vec<&str> = last.into_iter().rev().collect();
        if status.is_none() {
            println!(
                "\nRun on its own for {} s, it printed this and was still running:\n",
                limit.as_secs()
            );
            println!(
                "{}",
                indent(
                    if last.is_empty() {
                        "(nothing)".into()
                    } else {
                        last.join("\n")
                    }
                    .as_str()
                )
            );
        }
    }
    println!(
        "\nRun it yourself (Ctrl-C stops it): cargo run -p {} --bin {}",
        exercise.package(),
        exercise.bin()
    );
    if let Some(advice) = &exercise.if_it_hangs {
        println!("\nIn this exercise:\n{}", indent(advice));
    }
    println!("\n{USUAL_HANG_CAUSES}");
    Ok(())
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What can happen while the runner waits.
enum Event {
    Saved,
    Line(String),
    InputClosed,
}

/// The interactive runner: shows the current exercise, checks it, then
/// checks again on every save (or Enter), until the learner quits.
fn watch(all: &[Exercise], progress: &mut Progress, manual: bool) -> Result {
    exercises::stop_on_ctrl_c();
    let mut lines = read_lines();
    let mut exercise = progress.current(all);
    progress.set_current(exercise);
    progress.save()?;

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
        if std::io::stdout().is_terminal() {
            print!("\x1b[2J\x1b[H");
        }
        show_task(exercise, all, progress)?;
        let passed = check(exercise, all.len(), progress)?;
        if INTERRUPTED.load(Ordering::Relaxed) {
            break;
        }
        println!();
        if passed {
            match progress.next_after(all, exercise) {
                Some(next) => println!("n: next exercise ({})", next.id()),
                None => println!(
                    "That was the last one: every exercise is done. Congratulations!"
                ),
            }
        } else if watcher.is_some() {
            println!(
                "Save {} to check it again.",
                Exercise::shown(&exercise.starter())
            );
        }
        println!(
            "Enter: check again   h: hint   l: list   n: next   g NAME: go to   reset: start this one over   q: quit"
        );
        let _ = std::io::stdout().flush();

        // Wait for a save of this exercise's file, or a command.
        let next = loop {
            let event = select! {
                recv(saved) -> path => match path {
                    Ok(path) if same_file(&path, &exercise.starter()) => Event::Saved,
                    _ => continue,
                },
                recv(lines) -> line => match line {
                    Ok(line) => Event::Line(line),
                    Err(_) => Event::InputClosed,
                },
                default(Duration::from_millis(200)) => {
                    if INTERRUPTED.load(Ordering::Relaxed) {
                        println!("\nStopped. Your progress is saved.");
                        return Ok(());
                    }
                    continue;
                }
            };
            match event {
                Event::Saved => {
                    // An editor may write a file in several steps: let it finish.
                    std::thread::sleep(Duration::from_millis(300));
                    while saved.try_recv().is_ok() {}
                    break exercise;
                }
                Event::InputClosed if watcher.is_none() => {
                    println!("No more input: stopping. Your progress is saved.");
                    return Ok(());
                }
                // Nothing more to read (stdin is not a terminal): go on
                // watching files, without asking the closed input again.
                Event::InputClosed => {
                    lines = crossbeam_channel::never();
                    continue;
                }
                Event::Line(line) => match line.trim() {
                    "" => break exercise,
                    "q" | "quit" => return Ok(()),
                    "h" | "hint" => print_hint(exercise),
                    "l" | "list" => print_list(all, progress),
                    "n" | "next" => match progress.next_after(all, exercise) {
                        Some(next) => break next,
                        None => println!("Every other exercise is done."),
                    },
                    "reset" => {
                        reset(exercise, progress)?;
                        // Writing the file is a save: the watcher re-runs the check.
                        if watcher.is_none() {
                            break exercise;
                        }
                    }
                    command => {
                        if let Some(name) =
                            command.strip_prefix("g ").or(command.strip_prefix("go "))
                        {
                            match find(all, name) {
                                Ok(found) => break found,
                                Err(why) => println!("{why}"),
                            }
                        } else {
                            println!(
                                "Unknown command {command:?}. Enter, h, l, n, g NAME, reset or q."
                            );
                        }
                    }
                },
            }
        };
        exercise = next;
        progress.set_current(exercise);
        progress.save()?;
    }
    println!("\nStopped. Your progress is saved.");
    Ok(())
}

/// Lines typed by the learner, read on a thread of their own.
fn read_lines() -> Receiver<String> {
    let (sender, lines) = crossbeam_channel::unbounded();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    lines
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || a.canonicalize().ok() == b.canonicalize().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Vec<Exercise> {
        let exercise = |lesson, name: &str| Exercise {
            lesson,
            name: name.to_owned(),
            hint: "hint".into(),
            time_limit: Duration::from_secs(1),
            if_it_hangs: None,
        };
        vec![
            exercise("join", "wait_for_both"),
            exercise("join", "results_by_join"),
            exercise("lock", "lost_updates"),
            exercise("queue", "wait_for_both"),
        ]
    }

    #[test]
    fn an_exercise_is_found_by_id_by_unique_name_or_by_lesson() {
        let all = course();
        assert_eq!(
            find(&all, "join/wait_for_both").unwrap().id(),
            "join/wait_for_both"
        );
        assert_eq!(
            find(&all, "lost-updates").unwrap().id(),
            "lock/lost_updates"
        );
        assert_eq!(
            find(&all, "lost_updates.rs").unwrap().id(),
            "lock/lost_updates"
        );
        assert_eq!(find(&all, "join").unwrap().id(), "join/wait_for_both");
        assert!(
            find(&all, "wait_for_both")
                .unwrap_err()
                .contains("ambiguous")
        );
        assert!(find(&all, "nothing").unwrap_err().contains("no exercise"));
    }

    #[test]
    fn progress_survives_a_save_and_forgets_what_no_longer_exists() {
        let all = course();
        let mut progress = Progress::parse(PathBuf::new(), "", &all);
        assert_eq!(progress.current(&all).id(), "join/wait_for_both");
        progress.done.insert("join/wait_for_both".into());
        assert_eq!(progress.current(&all).id(), "join/results_by_join");
        progress.set_current(&all[2]);
        let text = progress.render() + "done gone/exercise\ncurrent\n";
        let again = Progress::parse(PathBuf::new(), &text, &all);
        assert_eq!(again.done, progress.done);
        assert_eq!(again.current(&all).id(), "lock/lost_updates");
    }

    #[test]
    fn next_skips_what_is_done_and_goes_round() {
        let all = course();
        let mut progress = Progress::parse(PathBuf::new(), "", &all);
        progress.done.insert("join/wait_for_both".into());
        progress.done.insert("lock/lost_updates".into());
        assert_eq!(
            progress.next_after(&all, &all[1]).unwrap().id(),
            "queue/wait_for_both"
        );
        assert_eq!(
            progress.next_after(&all, &all[3]).unwrap().id(),
            "join/results_by_join"
        );
        progress.done.insert("queue/wait_for_both".into());
        assert!(progress.next_after(&all, &all[1]).is_none());
    }
}
