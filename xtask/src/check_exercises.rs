//! `cargo xtask check-exercises`: every exercise is whole, every starter
//! fails its check and every solution passes it.

use std::collections::BTreeSet;
use std::path::Path;

use crate::exercises::{
    self, Exercise, Outcome, Program, build_lessons, catalogue, read,
    starter_from_solution,
};
use crate::{Result, cargo, run};

/// At least this many exercises per lesson.
const PER_LESSON: usize = 2;

/// Checks every lesson's exercises, or only those of `only` when it names some.
pub fn check_exercises(only: &[String]) -> Result {
    let all = whole_exercises(catalogue()?, only)?;
    eprintln!(
        "==> {} exercises listed, each with its starter cut from its solution, a TODO, a hint and a check",
        all.len()
    );

    let lessons: Vec<&str> = shared::course::LESSONS
        .iter()
        .copied()
        .filter(|lesson| all.iter().any(|e| e.lesson == *lesson))
        .collect();
    let packages: Vec<String> = lessons
        .iter()
        .flat_map(|lesson| ["--package".to_owned(), format!("exercises-{lesson}")])
        .collect();
    run(
        "exercises: cargo fmt --check",
        cargo().args(["fmt", "--check"]).args(&packages),
    )?;
    run(
        "exercises: cargo clippy -D warnings (programs)",
        cargo()
            .args(["clippy", "--bins"])
            .args(&packages)
            .args(["--", "-D", "warnings"]),
    )?;
    // The checks are the tests of a library with `test = false`: only the
    // test profile lints them.
    run(
        "exercises: cargo clippy -D warnings (checks)",
        cargo()
            .args(["clippy", "--lib", "--profile", "test"])
            .args(&packages)
            .args(["--", "-D", "warnings"]),
    )?;
    eprintln!("\n==> exercises: build the programs and the checks");
    let built = build_lessons(&lessons)?;

    exercises::stop_on_ctrl_c();
    let mut wrong = Vec::new();
    for exercise in &all {
        let check = built.check(exercise.lesson)?;
        let starter = exercises::run_check(exercise, check, Program::Learner)?;
        let solution = exercises::run_check(exercise, check, Program::Solution)?;
        if exercises::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
            return Err("interrupted".into());
        }
        let (line, problems) = verdict(&exercise.id(), starter, solution);
        eprintln!("{line}");
        wrong.extend(problems);
    }
    if wrong.is_empty() {
        eprintln!("==> all {} starters fail and all solutions pass", all.len());
        Ok(())
    } else {
        Err(wrong.join("\n"))
    }
}

/// `all` (the catalogue), kept to the lessons in `only` when it names some,
/// if every exercise is whole: each lesson has at least `PER_LESSON`, each
/// is listed once with all its pieces, and no file is left unlisted.
/// Otherwise every problem found.
fn whole_exercises(mut all: Vec<Exercise>, only: &[String]) -> Result<Vec<Exercise>> {
    let mut problems = Vec::new();
    if !only.is_empty() {
        for lesson in only {
            if !shared::course::LESSONS.contains(&lesson.as_str()) {
                return Err(format!("no lesson named {lesson}"));
            }
        }
        all.retain(|exercise| only.iter().any(|lesson| lesson == exercise.lesson));
    }
    for lesson in shared::course::LESSONS {
        if !only.is_empty() && !only.iter().any(|l| l == lesson) {
            continue;
        }
        let count = all.iter().filter(|e| e.lesson == lesson).count();
        if count < PER_LESSON {
            problems.push(format!(
                "lesson {lesson} has {count} exercises, fewer than {PER_LESSON}"
            ));
        }
        if count > 0
            && let Err(problem) = checks_are_the_library(lesson)
        {
            problems.push(problem);
        }
    }
    let mut ids = BTreeSet::new();
    for exercise in &all {
        if !ids.insert(exercise.id()) {
            problems.push(format!("{} is listed twice", exercise.id()));
        }
        if let Err(problem) = whole(exercise) {
            problems.push(format!("{}: {problem}", exercise.id()));
        }
    }
    problems.extend(unlisted_files(&all, only));
    if !problems.is_empty() {
        return Err(format!(
            "the exercises are not all whole:\n  - {}",
            problems.join("\n  - ")
        ));
    }
    Ok(all)
}

/// The line of the report for one exercise, and what is wrong with it: a
/// starter must fail its check (or hang), and a solution must pass it.
fn verdict(id: &str, starter: Outcome, solution: Outcome) -> (String, Vec<String>) {
    let starter_verdict = match &starter {
        Outcome::Passed => "PASSES (it must fail)",
        Outcome::Failed(_) => "fails",
        Outcome::TimedOut(_) => "hangs, stopped",
    };
    let solution_verdict = match &solution {
        Outcome::Passed => "passes",
        Outcome::Failed(_) => "FAILS",
        Outcome::TimedOut(_) => "HANGS",
    };
    let line =
        format!("{id:<40} starter {starter_verdict:<22} solution {solution_verdict}");
    let mut wrong = Vec::new();
    if matches!(starter, Outcome::Passed) {
        wrong.push(format!("{id}: the starter passes its check"));
    }
    if let Outcome::Failed(output) | Outcome::TimedOut(output) = solution {
        wrong.push(format!("{id}: the solution does not pass:\n{output}"));
    }
    (line, wrong)
}

/// The pieces an exercise needs, and the starter is exactly the one cut from
/// its solution.
fn whole(exercise: &Exercise) -> Result {
    let solution = read(&exercise.solution())?;
    let starter = read(&exercise.starter())?;
    exercise.title_and_task()?;
    let cut = starter_from_solution(&solution)?;
    if starter != cut {
        return Err(format!(
            "{} is not the starter cut from its solution: run `cargo xtask cut-starters`",
            Exercise::shown(&exercise.starter())
        ));
    }
    if !starter.contains("TODO") {
        return Err("the starter has no TODO".into());
    }
    if exercise.hint.is_empty() {
        return Err("no hint in exercises.toml".into());
    }
    let manifest = read(&exercise.dir().join("Cargo.toml"))?;
    for (bin, path) in [
        (exercise.bin(), format!("{}.rs", exercise.name)),
        (
            format!("{}-solution", exercise.bin()),
            format!("solutions/{}.rs", exercise.name),
        ),
    ] {
        let declared = format!("name = \"{bin}\"\npath = \"{path}\"");
        if !manifest.contains(&declared) {
            return Err(format!(
                "Cargo.toml declares no [[bin]] with {}",
                declared.replace('\n', " and ")
            ));
        }
    }
    let check = read(&exercise.dir().join("check.rs"))?;
    if !check.contains(&format!("fn {}()", exercise.name)) {
        return Err(format!("check.rs has no test `fn {}()`", exercise.name));
    }
    Ok(())
}

/// The checks are the package's library, whose tests cargo builds without
/// building any of its binaries: so each exercise builds on its own.
fn checks_are_the_library(lesson: &str) -> Result {
    let path = exercises::exercises_dir(lesson).join("Cargo.toml");
    let manifest: toml::Table = toml::from_str(&read(&path)?)
        .map_err(|err| format!("{}: {err}", Exercise::shown(&path)))?;
    let lib = manifest.get("lib").and_then(toml::Value::as_table);
    let declares =
        |key: &str, value: toml::Value| lib.and_then(|lib| lib.get(key)) == Some(&value);
    let right = declares("path", "check.rs".into())
        && declares("test", false.into())
        && declares("doctest", false.into())
        && !manifest.contains_key("test");
    if right {
        Ok(())
    } else {
        Err(format!(
            "{} must declare check.rs as its [lib], with test = false and \
             doctest = false, and no [[test]]",
            Exercise::shown(&path)
        ))
    }
}

/// Exercise files that exercises.toml does not list.
fn unlisted_files(all: &[Exercise], only: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    for lesson in shared::course::LESSONS {
        if !only.is_empty() && !only.iter().any(|l| l == lesson) {
            continue;
        }
        let dir = exercises::exercises_dir(lesson);
        for folder in [dir.clone(), dir.join("solutions")] {
            for name in rust_files(&folder) {
                let listed = name == "check"
                    || all.iter().any(|e| e.lesson == lesson && e.name == name);
                if !listed {
                    problems.push(format!(
                        "{}/{name}.rs is not listed in exercises.toml",
                        Exercise::shown(&folder)
                    ));
                }
            }
        }
    }
    problems
}

fn rust_files(folder: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            entry
                .file_name()
                .to_str()?
                .strip_suffix(".rs")
                .map(str::to_owned)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lessons(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    /// The course as it is: every exercise whole, in every lesson.
    #[test]
    fn the_course_s_exercises_are_whole() {
        let all = catalogue().unwrap();
        let count = all.len();
        let whole = whole_exercises(all, &[]).unwrap();
        assert_eq!(whole.len(), count);
        for lesson in shared::course::LESSONS {
            let here = whole.iter().filter(|e| e.lesson == lesson).count();
            assert!(here >= PER_LESSON, "{lesson} has {here}");
        }
    }

    /// Named lessons keep theirs only; a name that is no lesson is refused.
    #[test]
    fn only_the_named_lessons_are_checked() {
        let all = catalogue().unwrap();
        let in_lock = all.iter().filter(|e| e.lesson == "lock").count();
        let kept = whole_exercises(all.clone(), &lessons(&["lock"])).unwrap();
        assert_eq!(kept.len(), in_lock);
        assert!(kept.iter().all(|e| e.lesson == "lock"));
        let wrong = whole_exercises(all, &lessons(&["lock", "locks"])).unwrap_err();
        assert_eq!(wrong, "no lesson named locks");
    }

    /// A lesson with too few exercises, one listed twice, and files that no
    /// entry lists: each is reported.
    #[test]
    fn what_is_not_whole_is_reported() {
        let mut lock: Vec<Exercise> = (catalogue().unwrap().into_iter())
            .filter(|e| e.lesson == "lock")
            .collect();
        let dropped = lock.pop().unwrap();
        lock.truncate(1);
        let kept = lock[0].clone();
        let problems = whole_exercises(lock.clone(), &lessons(&["lock"])).unwrap_err();
        assert!(
            problems.contains("lesson lock has 1 exercises, fewer than 2"),
            "{problems}"
        );
        let unlisted = format!("{}.rs is not listed in exercises.toml", dropped.name);
        assert!(problems.contains(&unlisted), "{problems}");
        lock.push(kept.clone());
        let problems = whole_exercises(lock, &lessons(&["lock"])).unwrap_err();
        assert!(
            problems.contains(&format!("{} is listed twice", kept.id())),
            "{problems}"
        );
    }

    /// A starter that passes, or a solution that fails or hangs, is wrong;
    /// a starter that fails or hangs with a passing solution is right.
    #[test]
    fn a_starter_must_fail_and_a_solution_pass() {
        let failed = || Outcome::Failed("assertion failed".into());
        let (line, wrong) = verdict("lock/x", failed(), Outcome::Passed);
        assert_eq!(
            line,
            format!("{:<40} starter {:<22} solution passes", "lock/x", "fails")
        );
        assert!(wrong.is_empty());
        let (_, wrong) =
            verdict("lock/x", Outcome::TimedOut(String::new()), Outcome::Passed);
        assert!(wrong.is_empty(), "{wrong:?}");
        let (line, wrong) = verdict("lock/x", Outcome::Passed, failed());
        assert!(line.contains("PASSES (it must fail)") && line.ends_with("FAILS"));
        assert_eq!(
            wrong,
            [
                "lock/x: the starter passes its check",
                "lock/x: the solution does not pass:\nassertion failed"
            ]
        );
        let (line, wrong) =
            verdict("lock/x", failed(), Outcome::TimedOut("stuck".into()));
        assert!(line.ends_with("HANGS"), "{line}");
        assert_eq!(wrong, ["lock/x: the solution does not pass:\nstuck"]);
    }
}
