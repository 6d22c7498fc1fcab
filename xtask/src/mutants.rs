//! `cargo xtask mutants [-p PACKAGE]...`: do the tests bite? cargo-mutants
//! breaks the code one small change at a time (a `+` made `-`, a function
//! emptied) and runs the package's tests on each change: a change no test
//! notices is a test that does not bite.
//!
//! It runs every lesson package, `shared` and `xtask`'s runner (or the ones
//! named), one package at a time, and writes a summary per package: mutants, caught,
//! timeout, unviable, missed, and the share of viable mutants the tests
//! catch (caught and timeout over all minus unviable). On two cores this
//! takes hours, so `cargo xtask ci` does not run it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::{Result, workspace_root};

/// The cargo-mutants this course is checked with, installed into
/// `target/tools` where it is missing (as mdbook is).
const CARGO_MUTANTS_VERSION: &str = "27.1.0";
/// The least time one mutant's tests may run before it counts as a timeout
/// (caught: a mutant that makes a program hang must not hang the run). It is
/// at least 5 times what the unmutated tests took.
const MINIMUM_TIMEOUT_SECONDS: &str = "30";
/// The share of viable mutants each package's tests must catch.
const AIM: f64 = 0.95;
/// The cargo profile the mutants are built with (see the workspace's
/// Cargo.toml): cargo puts its builds, binaries too, in `target/mutants`.
const PROFILE: &str = "mutants";
/// Where the runs are kept, one folder per package: not inside the
/// profile's folder, where a package's folder would clash with its binary.
const RUNS: &str = "target/mutation-runs";
/// What each shard of a run found, committed, so that a run too long for
/// one sitting can be made shard by shard, on several days.
const SHARDS: &str = ".cargo/mutation-shards";

/// One of `count` equal parts of a package's mutants (`--shard 2/4`), for
/// cargo-mutants' `--shard`, which counts from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub number: u32,
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `K/N`, with 1 ≤ K ≤ N.
    fn from_str(text: &str) -> Result<Shard> {
        let wrong = || {
            format!("{text:?} is not a shard: give K/N, such as 2/4, with 1 <= K <= N")
        };
        let (number, count) = text.split_once('/').ok_or_else(wrong)?;
        let number: u32 = number.trim().parse().map_err(|_| wrong())?;
        let count: u32 = count.trim().parse().map_err(|_| wrong())?;
        match (1..=count).contains(&number) {
            true => Ok(Shard { number, count }),
            false => Err(wrong()),
        }
    }
}

impl Shard {
    fn name(self) -> String {
        format!("shard-{}-of-{}", self.number, self.count)
    }
}

/// What cargo-mutants found in one package, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Counts {
    package: String,
    /// The day the run started, `YYYY-MM-DD`.
    date: String,
    mutants: u64,
    caught: u64,
    timeout: u64,
    unviable: u64,
    missed: u64,
}

impl Counts {
    /// From cargo-mutants' `mutants.out/outcomes.json`.
    fn from_outcomes(package: &str, outcomes: &Value) -> Result<Counts> {
        let count = |key: &str| {
            outcomes[key]
                .as_u64()
                .ok_or_else(|| format!("{package}: outcomes.json has no {key:?}"))
        };
        let start = outcomes["start_time"].as_str().unwrap_or_default();
        Ok(Counts {
            package: package.to_owned(),
            date: start.get(..10).unwrap_or("unknown").to_owned(),
            mutants: count("total_mutants")?,
            caught: count("caught")?,
            timeout: count("timeout")?,
            unviable: count("unviable")?,
            missed: count("missed")?,
        })
    }

    /// Caught (a timeout counts: the mutant was noticed) over viable.
    fn score(&self) -> Option<f64> {
        let viable = self.mutants - self.unviable;
        (viable > 0).then(|| (self.caught + self.timeout) as f64 / viable as f64)
    }
}

/// xtask's files that a learner uses: the runner (`cargo xtask learn`,
/// `learn check --all`) and what it reads. The rest of xtask is the course's
/// own tooling (the check that every starter fails and every solution
/// passes, the book's checks, the measurements, this file), whose work is
/// checked where it lands: CI fails on a broken exercise or book, and a
/// measurement's table is read in the book.
const XTASK_RUNNER: [&str; 9] = [
    "learn",
    "exercises",
    "list_view",
    "screen",
    "check_all",
    "progress",
    "keypress",
    "keys",
    "names",
];

/// Runs cargo-mutants on `packages` (all when empty), `jobs` mutants at a
/// time, or only reads what earlier runs left in `target/mutation-runs`
/// (`record_only`), and writes the summary and the book's table.
pub fn mutants(
    packages: &[String],
    record_only: bool,
    jobs: u32,
    shard: Option<Shard>,
) -> Result {
    let packages = if packages.is_empty() {
        every_package()?
    } else {
        packages.to_vec()
    };
    let root = workspace_root();
    if !record_only {
        let program = cargo_mutants()?;
        for package in &packages {
            run_on(&program, package, jobs, shard)?;
            if let Some(shard) = shard {
                keep_shard(package, shard)?;
            }
        }
    }
    let mut all = Vec::new();
    for package in &packages {
        let outcomes = root
            .join(RUNS)
            .join(package)
            .join("mutants.out/outcomes.json");
        if !outcomes.is_file() {
            // No whole run here: a whole set of shards, or its row in the
            // book stays as it is.
            all.extend(shards_of(package)?);
            continue;
        }
        all.push(Counts::from_outcomes(package, &read_json(&outcomes)?)?);
    }
    let table = summary(&all);
    let path = root.join(RUNS).join("summary.md");
    std::fs::create_dir_all(root.join(RUNS)).map_err(|e| e.to_string())?;
    std::fs::write(&path, &table).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("{table}\nWritten to {}", path.display());
    let page = root.join(BOOK_TABLE);
    let old = std::fs::read_to_string(&page).unwrap_or_default();
    std::fs::write(&page, book_table(&old, &all, &every_package()?))
        .map_err(|e| format!("{}: {e}", page.display()))?;
    println!("and to {}", page.display());
    let below: Vec<&str> = (all.iter())
        .filter(|c| c.score().is_some_and(|s| s < AIM))
        .map(|c| c.package.as_str())
        .collect();
    match below.as_slice() {
        [] => Ok(()),
        _ => Err(format!(
            "below {:.0}% of viable mutants caught: {}; see the missed ones in \
             {RUNS}/PACKAGE/mutants.out/missed.txt",
            AIM * 100.0,
            below.join(", ")
        )),
    }
}

fn read_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// What a shard found, kept in `.cargo/mutation-shards` with a hash of the
/// package's code and tests ([`tree_of`]): shards count as one run only if
/// they tested the same code.
fn keep_shard(package: &str, shard: Shard) -> Result {
    let root = workspace_root();
    let out = root.join(RUNS).join(package).join(shard.name());
    let outcomes = read_json(&out.join("mutants.out/outcomes.json"))?;
    let counts = Counts::from_outcomes(package, &outcomes)?;
    let tested = counts.caught + counts.timeout + counts.unviable + counts.missed;
    if tested != counts.mutants {
        return Err(format!(
            "{package}, {}: {tested} of its {} mutants tested (see {}): not kept",
            shard.name(),
            counts.mutants,
            out.join("mutants.out/debug.log").display()
        ));
    }
    let missed =
        std::fs::read_to_string(out.join("mutants.out/missed.txt")).unwrap_or_default();
    let record = serde_json::json!({
        "package": package,
        "shard": shard.number,
        "of": shard.count,
        "tree": tree_of(package)?,
        "date": counts.date,
        "total_mutants": counts.mutants,
        "caught": counts.caught,
        "timeout": counts.timeout,
        "unviable": counts.unviable,
        "missed": counts.missed,
        "missed_mutants": missed.lines().collect::<Vec<_>>(),
    });
    let dir = root.join(SHARDS);
    let path = dir.join(format!("{package}-{}.json", shard.name()));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, format!("{record:#}\n")))
        .map_err(|e| format!("{}: {e}", path.display()))?;
    eprintln!("==> kept in {} (commit it)", path.display());
    Ok(())
}

/// What a package's mutants and the tests that catch them are made of: for
/// a lesson its folder, for xtask its runner's files, its tests and its
/// manifest (a change to the rest of xtask, such as the book's checks,
/// changes neither).
fn code_of(package: &str) -> Vec<String> {
    match package {
        "xtask" => (XTASK_RUNNER.iter())
            .map(|name| format!("xtask/src/{name}.rs"))
            .chain(["xtask/tests".to_owned(), "xtask/Cargo.toml".to_owned()])
            .collect(),
        _ => vec![match package.strip_prefix("lesson-") {
            Some(lesson) => format!("lessons/{lesson}"),
            None => package.to_owned(),
        }],
    }
}

/// A git hash of [`code_of`] the package as committed, or `dirty` when it
/// has changes not committed.
fn tree_of(package: &str) -> Result<String> {
    let paths = code_of(package);
    let git = || {
        let mut command = Command::new("git");
        command.current_dir(workspace_root());
        command
    };
    let clean = git()
        .args(["diff", "--quiet", "HEAD", "--"])
        .args(&paths)
        .status()
        .map_err(|e| format!("git diff: {e}"))?;
    if !clean.success() {
        return Ok("dirty".to_owned());
    }
    let listing = git()
        .args(["ls-tree", "-r", "HEAD", "--"])
        .args(&paths)
        .output()
        .map_err(|e| format!("git ls-tree: {e}"))?;
    let mut hashing = git()
        .args(["hash-object", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("git hash-object: {e}"))?;
    if let Some(mut stdin) = hashing.stdin.take() {
        use std::io::Write as _;
        stdin
            .write_all(&listing.stdout)
            .map_err(|e| format!("git hash-object: {e}"))?;
    }
    let hash = hashing
        .wait_with_output()
        .map_err(|e| format!("git hash-object: {e}"))?;
    Ok(String::from_utf8_lossy(&hash.stdout).trim().to_owned())
}

/// The package's counts from its kept shards, when one set of them covers
/// every shard of the same code; none otherwise.
fn shards_of(package: &str) -> Result<Option<Counts>> {
    let dir = workspace_root().join(SHARDS);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(None);
    };
    let mut records = Vec::new();
    for entry in entries.flatten() {
        let record = read_json(&entry.path())?;
        if record["package"] == package {
            records.push(record);
        }
    }
    Ok(whole_set(package, &records))
}

/// One whole set of shards (every number from 1 to N, of one tree that is
/// not dirty), summed; the most recent set if there are several.
fn whole_set(package: &str, records: &[Value]) -> Option<Counts> {
    let mut sets: Vec<(String, u64, Vec<&Value>)> = Vec::new();
    for record in records {
        let tree = record["tree"].as_str().unwrap_or("dirty").to_owned();
        let of = record["of"].as_u64().unwrap_or(0);
        match sets.iter_mut().find(|(t, o, _)| *t == tree && *o == of) {
            Some((_, _, members)) => members.push(record),
            None => sets.push((tree, of, vec![record])),
        }
    }
    let whole = |(tree, of, members): &(String, u64, Vec<&Value>)| {
        let numbers: std::collections::BTreeSet<u64> =
            members.iter().filter_map(|m| m["shard"].as_u64()).collect();
        tree != "dirty" && *of > 0 && numbers == (1..=*of).collect()
    };
    let sum = |members: &[&Value], key: &str| -> u64 {
        members.iter().filter_map(|m| m[key].as_u64()).sum()
    };
    sets.iter()
        .filter(|set| whole(set))
        .map(|(_, _, members)| Counts {
            package: package.to_owned(),
            date: (members.iter())
                .filter_map(|m| m["date"].as_str())
                .max()
                .unwrap_or("unknown")
                .to_owned(),
            mutants: sum(members, "total_mutants"),
            caught: sum(members, "caught"),
            timeout: sum(members, "timeout"),
            unviable: sum(members, "unviable"),
            missed: sum(members, "missed"),
        })
        .max_by(|a, b| a.date.cmp(&b.date))
}

/// One package's run (or one shard of it), into
/// `target/mutation-runs/PACKAGE` (or its folder `shard-K-of-N`).
fn run_on(program: &Path, package: &str, jobs: u32, shard: Option<Shard>) -> Result {
    let root = workspace_root();
    let mut out = root.join(RUNS).join(package);
    let mut sharding = Vec::new();
    if let Some(shard) = shard {
        out.push(shard.name());
        sharding = vec![
            "--shard".to_owned(),
            format!("{}/{}", shard.number - 1, shard.count),
        ];
    }
    eprintln!("==> cargo mutants -p {package} (into {})", out.display());
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    if package == "xtask" {
        warm_up_the_runner_s_tests()?;
    }
    // Its exit status says whether mutants were missed: the summary says it
    // better, so only a run that wrote no outcomes is an error.
    Command::new(program)
        .args(["mutants", "--package", package])
        .args(["--minimum-test-timeout", MINIMUM_TIMEOUT_SECONDS])
        .args(["--profile", PROFILE, "--jobs", &jobs.to_string()])
        .args(package_arguments(package))
        .args(sharding)
        .arg("--output")
        .arg(&out)
        .current_dir(&root)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    Ok(())
}

/// xtask's tests drive the runner on a copy of the course, and its first run
/// builds every exercise's dependencies there from nothing: minutes, on two
/// busy cores more than the time limit below. Run once here, they leave that
/// build in target/, which cargo-mutants then copies (`--copy-target`) into
/// the folders where it builds and tests the mutants.
fn warm_up_the_runner_s_tests() -> Result {
    crate::run(
        "warm-up: cargo test -p xtask, whose builds every mutant's tests reuse",
        crate::cargo().args(["test", "--package", "xtask", "--profile", PROFILE]),
    )
}

/// The arguments that only some packages need: for xtask, the files of its
/// runner, its warm builds, and a time limit on each mutant's tests.
/// cargo-mutants would set it to 5 times the unmutated run, which for xtask
/// may include building every exercise once (3 minutes), so that each mutant
/// that hangs the runner would cost a quarter of an hour. With the builds
/// warm, a run takes under a minute.
fn package_arguments(package: &str) -> Vec<String> {
    match package {
        "xtask" => (XTASK_RUNNER.iter())
            .flat_map(|name| ["--file".to_owned(), format!("xtask/src/{name}.rs")])
            .chain(["--copy-target=true".to_owned()])
            .chain(["--timeout".to_owned(), XTASK_TIMEOUT_SECONDS.to_owned()])
            .collect(),
        _ => Vec::new(),
    }
}

/// See `package_arguments`.
const XTASK_TIMEOUT_SECONDS: &str = "180";

/// The page the appendix on goldens includes: one row per package, each
/// from that package's latest run.
const BOOK_TABLE: &str = "book/src/measured-mutants.md";

/// The book's table: the rows of `old` (the page as it was), with the rows
/// of the packages in `new` replaced, in the order of `packages`; a package
/// never measured says so.
fn book_table(old: &str, new: &[Counts], packages: &[String]) -> String {
    // Six narrow columns, so that the table fits a phone's width too.
    let mut page = String::from(
        "<!-- Written by `cargo xtask mutants`: each row by its latest run. -->\n\n\
         | package | run on | viable | caught | missed | score |\n\
         |---|---|--:|--:|--:|--:|\n",
    );
    for package in packages {
        let name = package.strip_prefix("lesson-").unwrap_or(package);
        let cell = format!("| {name} |");
        let row = match new.iter().find(|c| &c.package == package) {
            Some(c) => format!(
                "| {name} | {} | {} | {} | {} | {} |",
                c.date,
                c.mutants - c.unviable,
                c.caught + c.timeout,
                c.missed,
                c.score_cell()
            ),
            None => match old.lines().find(|line| line.starts_with(&cell)) {
                Some(line) => line.to_owned(),
                None => format!("| {name} | not yet | | | | |"),
            },
        };
        page.push_str(&row);
        page.push('\n');
    }
    page
}

impl Counts {
    /// The share of viable mutants caught, in bold below the aim.
    fn score_cell(&self) -> String {
        match self.score() {
            Some(score) if score < AIM => format!("**{:.1}%**", score * 100.0),
            Some(score) => format!("{:.1}%", score * 100.0),
            None => "no viable mutant".to_owned(),
        }
    }

    /// The counts' cells of a row of the summary, ending with the score.
    fn cells(&self) -> String {
        let Counts {
            mutants,
            caught,
            timeout,
            unviable,
            missed,
            ..
        } = self;
        let score = self.score_cell();
        format!("{mutants} | {caught} | {timeout} | {unviable} | {missed} | {score}")
    }
}

/// The table: one row per package, and the share of viable mutants caught.
fn summary(all: &[Counts]) -> String {
    let mut table = String::from(
        "| package | mutants | caught | timeout | unviable | missed | caught of viable |\n\
         |---|--:|--:|--:|--:|--:|--:|\n",
    );
    for c in all {
        let _ = writeln!(table, "| {} | {} |", c.package, c.cells());
    }
    table
}

/// Every lesson package (`lessons/<name>` is `lesson-<name>`), `shared` and
/// `xtask`. Not the exercises: their starters are meant to fail.
fn every_package() -> Result<Vec<String>> {
    let lessons = workspace_root().join("lessons");
    let entries =
        std::fs::read_dir(&lessons).map_err(|e| format!("{}: {e}", lessons.display()))?;
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .map(|entry| format!("lesson-{}", entry.file_name().to_string_lossy()))
        .collect();
    names.sort();
    names.extend(["shared".to_owned(), "xtask".to_owned()]);
    Ok(names)
}

/// cargo-mutants of the pinned version: on the PATH, in `target/tools`, or
/// installed there now (`cargo install`, a few minutes once).
fn cargo_mutants() -> Result<PathBuf> {
    let local = workspace_root().join("target/tools/bin/cargo-mutants");
    for candidate in [PathBuf::from("cargo-mutants"), local.clone()] {
        if is_pinned_version(&candidate) {
            return Ok(candidate);
        }
    }
    crate::run(
        &format!("cargo install cargo-mutants {CARGO_MUTANTS_VERSION} into target/tools"),
        crate::cargo().args([
            "install",
            "cargo-mutants",
            "--locked",
            "--version",
            CARGO_MUTANTS_VERSION,
            "--root",
            "target/tools",
        ]),
    )?;
    match is_pinned_version(&local) {
        true => Ok(local),
        false => Err(format!(
            "{} is not cargo-mutants {CARGO_MUTANTS_VERSION}",
            local.display()
        )),
    }
}

/// Run as itself, cargo-mutants wants the `mutants` that cargo would pass.
fn is_pinned_version(program: &Path) -> bool {
    Command::new(program)
        .args(["mutants", "--version"])
        .output()
        .is_ok_and(|out| {
            String::from_utf8_lossy(&out.stdout).trim()
                == format!("cargo-mutants {CARGO_MUTANTS_VERSION}")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What cargo-mutants 27.1.0 wrote for lesson-distributed's pickle.rs
    /// and basemanager.rs (outcomes elided).
    const OUTCOMES: &str = r#"{"outcomes": [], "total_mutants": 172, "missed": 14,
        "caught": 139, "timeout": 0, "unviable": 19, "success": 0,
        "start_time": "2026-12-02T07:41:09.5Z", "cargo_mutants_version": "27.1.0"}"#;

    #[test]
    fn the_counts_come_from_outcomes_json() {
        let json: Value = serde_json::from_str(OUTCOMES).unwrap();
        let counts = Counts::from_outcomes("lesson-distributed", &json).unwrap();
        assert_eq!(
            counts,
            Counts {
                package: "lesson-distributed".into(),
                date: "2026-12-02".into(),
                mutants: 172,
                caught: 139,
                timeout: 0,
                unviable: 19,
                missed: 14,
            }
        );
        // 139 caught of 153 viable.
        assert_eq!(format!("{:.4}", counts.score().unwrap()), "0.9085");
        let broken: Value = serde_json::from_str(r#"{"caught": 1}"#).unwrap();
        let error = Counts::from_outcomes("x", &broken).unwrap_err();
        assert!(error.contains("total_mutants"), "{error}");
    }

    #[test]
    fn the_summary_marks_a_package_below_the_aim() {
        let counts = |package: &str, caught, timeout, missed| Counts {
            package: package.into(),
            date: "2026-12-03".into(),
            mutants: 110,
            caught,
            timeout,
            unviable: 10,
            missed,
        };
        let table = summary(&[
            counts("lesson-lock", 90, 5, 5),
            counts("lesson-join", 94, 0, 6),
            Counts {
                unviable: 110,
                ..counts("shared", 0, 0, 0)
            },
        ]);
        assert!(
            table.contains("| lesson-lock | 110 | 90 | 5 | 10 | 5 | 95.0% |"),
            "{table}"
        );
        assert!(
            table.contains("| lesson-join | 110 | 94 | 0 | 10 | 6 | **94.0%** |"),
            "{table}"
        );
        assert!(table.contains("| shared | 110 | 0 | 0 | 110 | 0 | no viable mutant |"));
    }

    /// xtask is measured on its runner's files, each of which exists (a
    /// file renamed would otherwise drop out of the run unnoticed), with its
    /// own time limit; a lesson on all its files, with cargo-mutants' limit.
    #[test]
    fn xtask_is_run_on_its_runner_only() {
        let arguments = package_arguments("xtask");
        let (files, rest) = arguments.split_at(2 * XTASK_RUNNER.len());
        for pair in files.chunks(2) {
            assert_eq!(pair[0], "--file");
            let file = workspace_root().join(&pair[1]);
            assert!(file.is_file(), "{} is not a file", file.display());
        }
        assert!(files.contains(&"xtask/src/learn.rs".to_owned()));
        assert_eq!(
            rest,
            ["--copy-target=true", "--timeout", XTASK_TIMEOUT_SECONDS]
        );
        assert_eq!(package_arguments("lesson-lock"), Vec::<String>::new());
    }

    /// cargo builds the profile's binaries into `target/PROFILE`: a run's
    /// folder there would be taken by the binary of the same name.
    #[test]
    fn runs_are_kept_apart_from_the_profile_s_builds() {
        let builds = Path::new("target").join(PROFILE);
        assert!(
            !Path::new(RUNS).starts_with(&builds),
            "{RUNS} is in {builds:?}"
        );
        assert!(
            Path::new(RUNS).starts_with("target"),
            "{RUNS} is not ignored by git"
        );
    }

    #[test]
    fn shards_are_bound_to_the_code_they_tested() {
        let runner = code_of("xtask");
        assert!(runner.contains(&"xtask/src/learn.rs".to_owned()));
        assert!(runner.contains(&"xtask/tests".to_owned()));
        assert!(!runner.contains(&"xtask/src/book_check.rs".to_owned()));
        assert_eq!(code_of("lesson-lock"), ["lessons/lock"]);
        assert_eq!(code_of("shared"), ["shared"]);
        // git runs as a child that `run_limited` in another test would reap.
        let _alone = crate::exercises::ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let (lock, join) = (
            tree_of("lesson-lock").unwrap(),
            tree_of("lesson-join").unwrap(),
        );
        assert!(lock == "dirty" || lock.len() == 40, "{lock}");
        if lock != "dirty" && join != "dirty" {
            assert_ne!(lock, join);
        }
    }

    #[test]
    fn a_shard_is_k_of_n() {
        assert_eq!(
            "2/4".parse(),
            Ok(Shard {
                number: 2,
                count: 4
            })
        );
        assert_eq!(
            "1/1".parse::<Shard>().map(Shard::name),
            Ok("shard-1-of-1".into())
        );
        for wrong in ["0/4", "5/4", "4", "a/b", "/4", "1/0"] {
            assert!(wrong.parse::<Shard>().is_err(), "{wrong}");
        }
    }

    #[test]
    fn only_every_shard_of_one_tree_makes_a_run() {
        let shard = |number: u64, of: u64, tree: &str, date: &str, caught: u64| {
            serde_json::json!({"package": "xtask", "shard": number, "of": of, "tree": tree,
                "date": date, "total_mutants": 10, "caught": caught, "timeout": 1,
                "unviable": 1, "missed": 8 - caught})
        };
        let one = shard(1, 2, "abc", "2026-12-03", 8);
        let two = shard(2, 2, "abc", "2026-12-05", 7);
        let counts = whole_set("xtask", &[one.clone(), two.clone()]).unwrap();
        assert_eq!(
            counts,
            Counts {
                package: "xtask".into(),
                date: "2026-12-05".into(),
                mutants: 20,
                caught: 15,
                timeout: 2,
                unviable: 2,
                missed: 1,
            }
        );
        assert_eq!(whole_set("xtask", std::slice::from_ref(&one)), None);
        let other_code = shard(2, 2, "def", "2026-12-05", 8);
        assert_eq!(whole_set("xtask", &[one.clone(), other_code]), None);
        let dirty = [shard(1, 1, "dirty", "2026-12-05", 8)];
        assert_eq!(whole_set("xtask", &dirty), None);
        let other_split = shard(2, 3, "abc", "2026-12-05", 8);
        assert_eq!(whole_set("xtask", &[one, other_split]), None);
    }

    #[test]
    fn the_book_keeps_the_rows_of_packages_not_run_again() {
        let packages: Vec<String> =
            ["lesson-join", "lesson-lock", "lesson-pipe", "shared"]
                .map(String::from)
                .to_vec();
        let old = "<!-- -->\n\n| package | measured |\n|---|---|\n\
                   | join | 2026-12-01 | 14 | 14 | 0 | 100.0% |\n\
                   | lock | 2026-12-01 | 57 | 53 | 4 | **93.0%** |\n";
        let lock = Counts {
            package: "lesson-lock".into(),
            date: "2026-12-03".into(),
            mutants: 63,
            caught: 55,
            timeout: 3,
            unviable: 5,
            missed: 0,
        };
        let page = book_table(old, &[lock], &packages);
        let rows: Vec<&str> = page.lines().skip(4).collect();
        assert_eq!(
            rows,
            [
                "| join | 2026-12-01 | 14 | 14 | 0 | 100.0% |",
                "| lock | 2026-12-03 | 58 | 58 | 0 | 100.0% |",
                "| pipe | not yet | | | | |",
                "| shared | not yet | | | | |",
            ],
            "{page}"
        );
    }
}
