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
    let mut all = catalogue()?;
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
        eprintln!(
            "{:<40} starter {:<22} solution {}",
            exercise.id(),
            starter_verdict,
            solution_verdict
        );
        if matches!(starter, Outcome::Passed) {
            wrong.push(format!("{}: the starter passes its check", exercise.id()));
        }
        if let Outcome::Failed(output) | Outcome::TimedOut(output) = solution {
            wrong.push(format!(
                "{}: the solution does not pass:\n{output}",
                exercise.id()
            ));
        }
    }
    if wrong.is_empty() {
        eprintln!("==> all {} starters fail and all solutions pass", all.len());
        Ok(())
    } else {
        Err(wrong.join("\n"))
    }
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
