//! Golden-output tests: run a lesson binary as a learner would and compare
//! what it prints with the golden files kept in the lesson folder.
//!
//! ```text
//! lessons/join/golden/<variant>.stdout   what the variant prints
//! lessons/join/golden/<variant>.stderr   only for variants that print to stderr
//! ```
//!
//! What truly varies between runs is redacted to a placeholder before the
//! comparison; the placeholders are defined once, in [`redactions`]:
//!
//! | placeholder | replaces                                         | example in the output   |
//! |-------------|--------------------------------------------------|-------------------------|
//! | `[PID]`     | the number after `pid`                           | `pid 4242`, `ppid=17`   |
//! | `[TID]`     | the number after `tid`                           | `tid 4243`              |
//! | `[ELAPSED]` | a measured duration, printed with decimals       | `1.00s`, `102.35ms`     |
//! | `[LINE]`    | line and column in a panic message               | `panicked at src/main.rs:20:5:` |
//! | `[PORT]`    | the port after an IP address or `localhost`      | `127.0.0.1:40123`       |
//! | `[PERCENT]` | a measured percentage                            | `163%`, `99.5%`         |
//! | `[RATIO]`   | a measured ratio such as a speedup, with decimals | `1.93x`                 |
//!
//! A golden may also use snapbox's `[..]` (any text within a line) where a
//! value is unspecified, and a comment beside the check must say why.
//!
//! Two kinds of check, chosen per variant:
//! - [`Check::exact`]: the output is the golden, line for line. For everything
//!   whose order the program guarantees (joins, channels, locks, barriers).
//! - [`Check::interleaved`]: threads printing at the same time. Each named
//!   thread's own lines must come in their golden order, and every other line
//!   (an *anchor*, printed by `main` around the threads) must stay where it is,
//!   but lines of different threads may interleave in any way.
//!
//! `SNAPSHOTS=overwrite cargo test` (or `cargo xtask bless`) rewrites a golden
//! that no longer matches; review the diff before committing it.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use regex::Regex;
use snapbox::report::Palette;
use snapbox::{Assert, Data, Redactions, assert::Action};

/// How long one run of a lesson may take before the test fails. Generous:
/// lessons finish in seconds, but CI machines are shared and slow.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// Set (to anything) to check an exercise's reference solution instead of
/// the learner's file.
pub const SOLUTION_VAR: &str = "EXERCISE_SOLUTION";

/// How many runs `cargo xtask bless` tries to record a sample that shows what
/// [`Check::sample_shows`] asks for.
pub const SAMPLE_ATTEMPTS: u32 = 200;

/// The course's placeholders for what varies between runs.
pub fn redactions() -> Redactions {
    let mut redactions = Redactions::new();
    let patterns = [
        ("[PID]", r"(?i:pid)[ =:#]{0,2}(?<redacted>\d+)"),
        ("[TID]", r"(?i:tid)[ =:#]{0,2}(?<redacted>\d+)"),
        // A panic message names the thread and its id: thread 'T1' (4243) panicked
        ("[TID]", r"thread '[^']*' \((?<redacted>\d+)\) panicked"),
        ("[ELAPSED]", r"\b\d+\.\d+(?:s|ms|µs|ns)\b"),
        // The port the kernel picked for a listener on port 0.
        (
            "[PORT]",
            r"(?:\b\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|\blocalhost):(?<redacted>\d{1,5})\b",
        ),
        // Measured figures: a CPU utilisation or a share, and a speedup.
        ("[PERCENT]", r"\b\d+(?:\.\d+)?%"),
        ("[RATIO]", r"\b\d+\.\d+x\b"),
        // Where a panic happened: moves whenever the lesson's code is edited.
        ("[LINE]", r"panicked at [^\s:]+:(?<redacted>\d+:\d+):"),
    ];
    for (placeholder, pattern) in patterns {
        let pattern = Regex::new(pattern).expect("placeholder pattern");
        redactions
            .insert(placeholder, pattern)
            .expect("placeholder");
    }
    redactions
}

/// How one variant's output is checked.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    variant: &'static str,
    /// The command line, when it is not just the variant's name.
    args: Option<&'static [&'static str]>,
    threads: &'static [&'static str],
    may_omit: &'static [&'static str],
    exit_code: i32,
    /// A regex that some line of the recorded sample must match.
    sample_shows: Option<&'static str>,
    /// The variant runs other programs (python3...): it gets the test's PATH.
    keeps_path: bool,
}

impl Check {
    /// The output must equal the golden, line for line.
    pub const fn exact(variant: &'static str) -> Self {
        Check {
            variant,
            args: None,
            threads: &[],
            may_omit: &[],
            exit_code: 0,
            sample_shows: None,
            keeps_path: false,
        }
    }

    /// Lines starting with one of `thread_prefixes` belong to that thread:
    /// each thread's lines keep their golden order, but the threads' lines may
    /// interleave. Every other line is an anchor and keeps its place.
    pub const fn interleaved(
        variant: &'static str,
        thread_prefixes: &'static [&'static str],
    ) -> Self {
        Check {
            variant,
            args: None,
            threads: thread_prefixes,
            may_omit: &[],
            exit_code: 0,
            sample_shows: None,
            keeps_path: false,
        }
    }

    /// Lines the program may or may not print (say why beside the check):
    /// each may appear at most once and is otherwise ignored.
    pub const fn may_omit(mut self, lines: &'static [&'static str]) -> Self {
        self.may_omit = lines;
        self
    }

    /// Runs the lesson with these arguments instead of the variant's name
    /// (the golden file is still `<variant>.stdout`).
    pub const fn args(mut self, args: &'static [&'static str]) -> Self {
        self.args = Some(args);
        self
    }

    /// The exit status the variant must end with (0 unless set).
    pub const fn exit_code(mut self, code: i32) -> Self {
        self.exit_code = code;
        self
    }

    /// The variant starts other programs found on the PATH (`python3`,
    /// `redis-server`): it runs with the test's PATH, in an otherwise clean
    /// environment.
    pub const fn keeps_path(mut self) -> Self {
        self.keeps_path = true;
        self
    }

    /// The sample the book shows must contain a line that the regex `line`
    /// matches: for a race, a run where the race happened. `cargo xtask
    /// bless` runs the variant until one run shows it (at most
    /// [`SAMPLE_ATTEMPTS`] runs); say beside the check how often that is.
    pub const fn sample_shows(mut self, line: &'static str) -> Self {
        self.sample_shows = Some(line);
        self
    }

    pub fn variant(&self) -> &'static str {
        self.variant
    }
}

/// A lesson binary and its golden folder.
pub struct Lesson {
    bin: PathBuf,
    golden_dir: PathBuf,
    /// An exercise's program: failures are worded for the learner.
    exercise: bool,
}

impl Lesson {
    /// The program `bin`, run as given, with the goldens in
    /// `<manifest_dir>/golden`. For a binary of the package under test, use
    /// [`Lesson::built`] instead: a path baked in with `env!` still names the
    /// original folder after the checkout is copied or moved, and cargo does
    /// not rebuild for that.
    pub fn new(bin: &str, manifest_dir: &str) -> Self {
        Lesson {
            bin: PathBuf::from(bin),
            golden_dir: Path::new(manifest_dir).join("golden"),
            exercise: false,
        }
    }

    /// Binary `bin` of the package under test, and that package's goldens,
    /// both found where the test runs (see [`built_program`] and
    /// [`package_dir`]).
    pub fn built(bin: &str) -> Self {
        Lesson {
            bin: built_program(bin),
            golden_dir: package_dir().join("golden"),
            exercise: false,
        }
    }

    /// An exercise's program, for the exercise checks in
    /// `lessons/<name>/exercises/check.rs`: binary `bin` of package `package`
    /// (the learner's file), or `<bin>-solution` when [`SOLUTION_VAR`] is set
    /// (as `cargo xtask check-exercises` does). Its golden files are in
    /// `exercises/golden/`. Use it through [`exercise!`](crate::exercise).
    ///
    /// The check does not build the program: `cargo xtask learn` builds just
    /// this one, so that a sibling exercise left half done never stops it.
    /// Run by hand, build it first; a missing one is a clear failure.
    #[track_caller]
    pub fn exercise(bin: &str, package: &str) -> Self {
        let bin = if std::env::var_os(SOLUTION_VAR).is_some() {
            format!("{bin}-solution")
        } else {
            bin.to_owned()
        };
        let program = built_program(&bin);
        assert!(
            program.exists(),
            "{} is not built: build it with `cargo build -p {package} --bin {bin}` \
             (`cargo xtask learn` does that for you)",
            program.display()
        );
        Lesson {
            bin: program,
            golden_dir: package_dir().join("golden"),
            exercise: true,
        }
    }

    /// What a failure message calls the program that ran.
    fn subject(&self, check: &Check) -> String {
        if self.exercise {
            "your program".to_owned()
        } else {
            format!("variant {}", check.variant)
        }
    }

    /// What a failure message calls the program run with `args`.
    pub(crate) fn run_with(&self, args: &[&str]) -> String {
        if self.exercise {
            "your program".to_owned()
        } else {
            format!("{args:?}")
        }
    }

    /// Runs the lesson binary with `args`, as `cargo run -p lesson-<name> -- args`
    /// would, in a clean environment (no `RUST_BACKTRACE`, no locale) and with
    /// a time limit.
    pub fn run(&self, args: &[&str]) -> Output {
        // On timeout snapbox kills the child, which then fails its exit-status check.
        snapbox::cmd::Command::new(&self.bin)
            .args(args)
            .env_clear()
            .timeout(RUN_TIMEOUT)
            .output()
            .unwrap_or_else(|err| panic!("cannot run {}: {err}", self.bin.display()))
    }

    /// What the program printed on stdout with `args`, however it ended: for
    /// an exercise's check, which says what went wrong before it compares.
    pub fn printed(&self, args: &[&str]) -> String {
        String::from_utf8_lossy(&self.run(args).stdout).into_owned()
    }

    /// Runs the program with `args`, checks that it succeeded, and returns
    /// what it printed on stdout: for checks that look at the output before
    /// (or instead of) comparing it with a golden file.
    #[track_caller]
    pub fn stdout_of(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{} ended with {}; it printed on stderr:\n{}",
            self.run_with(args),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Runs one variant and checks its exit status, stdout and stderr; then
    /// checks the recorded sample the book shows (see [`Lesson::check_sample`]).
    #[track_caller]
    pub fn check(&self, check: Check) {
        let output = self.run_variant(&check);
        self.check_output(&check, &output);
        if !self.exercise {
            if blessing() {
                self.record_sample(&check, output);
            }
            self.check_sample(&check);
        }
    }

    fn run_variant(&self, check: &Check) -> Output {
        let args = check.args.unwrap_or(std::slice::from_ref(&check.variant));
        if !check.keeps_path {
            return self.run(args);
        }
        let path = std::env::var_os("PATH").unwrap_or_default();
        snapbox::cmd::Command::new(&self.bin)
            .args(args)
            .env_clear()
            .env("PATH", path)
            .timeout(RUN_TIMEOUT)
            .output()
            .unwrap_or_else(|err| panic!("cannot run {}: {err}", self.bin.display()))
    }

    #[track_caller]
    fn check_output(&self, check: &Check, output: &Output) {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(check.exit_code),
            "{} ended with {} instead of exit status {}\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}",
            self.subject(check),
            output.status,
            check.exit_code,
        );
        self.compare(check, "stdout", &stdout);
        let stderr_golden = self.golden_path(check.variant, "stderr");
        if stderr_golden.exists() {
            self.compare(check, "stderr", &stderr);
        } else {
            assert!(
                stderr.is_empty(),
                "{} printed to stderr:\n{stderr}",
                self.subject(check)
            );
        }
    }

    /// The recorded run of a variant that the book shows:
    /// `golden/<variant>.sample` for stdout, `golden/<variant>.stderr.sample`
    /// for stderr (only where the variant has a stderr golden).
    pub fn sample_path(&self, variant: &str, stream: &str) -> PathBuf {
        match stream {
            "stdout" => self.golden_dir.join(format!("{variant}.sample")),
            _ => self.golden_dir.join(format!("{variant}.{stream}.sample")),
        }
    }

    fn streams(&self, variant: &str) -> Vec<&'static str> {
        if self.golden_path(variant, "stderr").exists() {
            vec!["stdout", "stderr"]
        } else {
            vec!["stdout"]
        }
    }

    /// Writes the run's output, unredacted, as the variant's samples. Where
    /// the check asks the sample to show something, runs again until a run
    /// shows it.
    fn record_sample(&self, check: &Check, mut output: Output) {
        let mut attempts = 1;
        while let Some(line) = check.sample_shows {
            if shows(line, &String::from_utf8_lossy(&output.stdout)) {
                break;
            }
            assert!(
                attempts < SAMPLE_ATTEMPTS,
                "variant {}: no run in {SAMPLE_ATTEMPTS} printed a line like {line:?}",
                check.variant
            );
            output = self.run_variant(check);
            self.check_output(check, &output);
            attempts += 1;
        }
        for stream in self.streams(check.variant) {
            let text = if stream == "stdout" {
                &output.stdout
            } else {
                &output.stderr
            };
            let path = self.sample_path(check.variant, stream);
            std::fs::write(&path, text).expect("write sample");
            eprintln!("recorded {} (run {attempts})", path.display());
        }
    }

    /// The sample the book shows is a run the golden allows, and shows what
    /// the check asks it to show: a sample can never show what the program
    /// no longer does.
    #[track_caller]
    pub fn check_sample(&self, check: &Check) {
        for stream in self.streams(check.variant) {
            let path = self.sample_path(check.variant, stream);
            let sample = std::fs::read_to_string(&path).unwrap_or_else(|err| {
                panic!(
                    "no sample {} ({err}): record one with `cargo xtask bless`",
                    path.display()
                )
            });
            let golden = self.read_golden(check.variant, stream);
            if let Err(why) = equivalent(&golden, &redactions().redact(&sample), check) {
                panic!(
                    "the sample {} no longer matches its golden: {why}\n\
                     Record it again with `cargo xtask bless`.",
                    path.display()
                );
            }
            if let (Some(line), "stdout") = (check.sample_shows, stream) {
                assert!(
                    shows(line, &sample),
                    "the sample {} must show a line like {line:?}: \
                     record it again with `cargo xtask bless`",
                    path.display()
                );
            }
        }
    }

    /// Runs the lesson with no argument, as a learner's first `cargo run`
    /// does, and checks that it runs exactly these variants, in this order,
    /// each under its heading and each section passing its variant's check.
    #[track_caller]
    pub fn check_all(&self, checks: &[Check]) {
        let output = self.run(&[]);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "full run ended with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let sections = split_sections(&stdout);
        let ran: Vec<&str> = sections.iter().map(|(name, _)| *name).collect();
        let expected: Vec<&str> = checks.iter().map(|c| c.variant).collect();
        assert_eq!(ran, expected, "the variants of a full run, in order");
        for ((_, section), check) in sections.iter().zip(checks) {
            let golden = self.read_golden(check.variant, "stdout");
            if let Err(why) = equivalent(&golden, &redactions().redact(section), check) {
                panic!(
                    "variant {} in the full run: {why}\n--- section ---\n{section}",
                    check.variant
                );
            }
        }
    }

    /// Checks the command-line contract: `--help` lists every variant, and an
    /// unknown variant or flag is refused with a message and exit status 2.
    #[track_caller]
    pub fn check_command_line(&self, checks: &[Check]) {
        let help = self.run(&["--help"]);
        assert!(help.status.success(), "--help failed");
        let help = String::from_utf8_lossy(&help.stdout);
        for check in checks {
            assert!(
                help.contains(&format!("- {}:", check.variant)),
                "--help does not list variant {}:\n{help}",
                check.variant
            );
        }
        for wrong in [&["no-such-variant"][..], &["--no-such-flag"], &["a", "b"]] {
            let output = self.run(wrong);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{wrong:?} must exit with status 2"
            );
            assert!(
                stderr.starts_with("error: ") && stderr.contains("Usage:"),
                "{wrong:?} must explain itself and show the usage:\n{stderr}"
            );
            assert!(output.stdout.is_empty(), "{wrong:?} printed to stdout");
        }
    }

    /// The program under test, for checks that start it their own way.
    pub fn bin(&self) -> &Path {
        &self.bin
    }

    fn golden_path(&self, variant: &str, stream: &str) -> PathBuf {
        self.golden_dir.join(format!("{variant}.{stream}"))
    }

    fn read_golden(&self, variant: &str, stream: &str) -> String {
        let path = self.golden_path(variant, stream);
        std::fs::read_to_string(&path).unwrap_or_else(|err| {
            panic!(
                "no golden file {} ({err}); create it with `cargo xtask bless`",
                path.display()
            )
        })
    }

    #[track_caller]
    fn compare(&self, check: &Check, stream: &str, actual: &str) {
        let path = self.golden_path(check.variant, stream);
        let bless = blessing();
        let redacted = redactions().redact(actual);
        let verdict = if !path.exists() {
            Err(format!("no golden file {}", path.display()))
        } else if check.threads.is_empty() && check.may_omit.is_empty() && !self.exercise
        {
            // snapbox gives the clearest diff for a line-for-line comparison.
            Assert::new()
                .action(Action::Verify)
                .palette(Palette::plain())
                .redact_with(redactions())
                .try_eq(
                    Some(&format!("{} {stream}", check.variant)),
                    Data::text(actual.to_owned()),
                    Data::read_from(&path, None),
                )
                .map_err(|err| err.to_string())
        } else {
            equivalent(&self.read_golden(check.variant, stream), &redacted, check)
        };
        match verdict {
            Ok(()) => {}
            Err(_) if bless => {
                std::fs::create_dir_all(&self.golden_dir).expect("create golden folder");
                std::fs::write(&path, &redacted).expect("write golden");
                eprintln!("blessed {}", path.display());
            }
            Err(why) if self.exercise => panic!(
                "The {stream} of your program is not what a right answer prints.\n{why}\n\
                 --- a right answer prints ({}){} ---\n{}--- your program printed ---\n{redacted}",
                self.golden_dir
                    .parent()
                    .and_then(|dir| path.strip_prefix(dir).ok())
                    .unwrap_or(&path)
                    .display(),
                if check.threads.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", where the lines of {} may interleave",
                        check.threads.join(" and ")
                    )
                },
                self.read_golden(check.variant, stream),
            ),
            Err(why) => panic!(
                "{} of variant {} does not match {}:\n{why}\n--- actual (redacted) ---\n{redacted}\n\
                 If the change is intended: cargo xtask bless, then review the diff.",
                stream,
                check.variant,
                path.display()
            ),
        }
    }
}

/// Whether a line of `output` matches the regex `line`.
fn shows(line: &str, output: &str) -> bool {
    let line = Regex::new(line).expect("the regex of sample_shows");
    output.lines().any(|got| line.is_match(got))
}

/// Whether this run rewrites goldens and records samples (`cargo xtask bless`).
fn blessing() -> bool {
    std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite")
}

/// Splits a full run's stdout into (variant, section) at the headings.
fn split_sections(stdout: &str) -> Vec<(&str, String)> {
    let mut sections: Vec<(&str, String)> = Vec::new();
    for line in stdout.lines() {
        if let Some(name) = crate::lesson::heading_variant(line) {
            sections.push((name, String::new()));
        } else if let Some((_, section)) = sections.last_mut() {
            section.push_str(line);
            section.push('\n');
        }
    }
    // The blank line that separates one section from the next heading.
    let last = sections.len().saturating_sub(1);
    for (index, (_, section)) in sections.iter_mut().enumerate() {
        if index < last && section.ends_with("\n\n") {
            section.pop();
        }
    }
    sections
}

/// Whether `actual` (already redacted) is an allowed form of `golden` under
/// `check`; otherwise, why not.
pub fn equivalent(golden: &str, actual: &str, check: &Check) -> Result<(), String> {
    let golden = without_omissible(golden, check.may_omit)?;
    let actual = without_omissible(actual, check.may_omit)?;
    let golden = segments(&golden, check.threads);
    let actual = segments(&actual, check.threads);
    // Without threads, every line is an anchor: say "line", not "anchor line".
    let kind = if check.threads.is_empty() {
        "line"
    } else {
        "anchor line"
    };
    if golden.anchors.len() != actual.anchors.len() && check.threads.is_empty() {
        return Err(format!(
            "expected {} lines, found {}",
            golden.anchors.len(),
            actual.anchors.len()
        ));
    }
    if golden.anchors.len() != actual.anchors.len() {
        return Err(format!(
            "expected {} anchor lines (lines no thread prefix claims), found {}: {:?}",
            golden.anchors.len(),
            actual.anchors.len(),
            actual.anchors
        ));
    }
    for (want, got) in golden.anchors.iter().zip(&actual.anchors) {
        if !line_matches(want, got) {
            return Err(format!("{kind} {got:?} should be {want:?}"));
        }
    }
    for (segment, (want, got)) in golden.threads.iter().zip(&actual.threads).enumerate() {
        for (prefix, (want, got)) in check.threads.iter().zip(want.iter().zip(got)) {
            let same = want.len() == got.len()
                && want.iter().zip(got).all(|(w, g)| line_matches(w, g));
            if !same {
                return Err(format!(
                    "thread {prefix:?} after anchor {segment}: expected its lines {want:?}, found {got:?}"
                ));
            }
        }
    }
    Ok(())
}

/// The lines of an output, split at anchors: `threads[segment][thread]` holds
/// the lines of `thread` between anchor `segment - 1` and anchor `segment`.
struct Segments<'a> {
    anchors: Vec<&'a str>,
    threads: Vec<Vec<Vec<&'a str>>>,
}

fn segments<'a>(text: &'a str, prefixes: &[&str]) -> Segments<'a> {
    let mut split = Segments {
        anchors: Vec::new(),
        threads: vec![vec![Vec::new(); prefixes.len()]],
    };
    for line in text.lines() {
        match prefixes.iter().position(|p| line.starts_with(p)) {
            Some(thread) => {
                split.threads.last_mut().expect("one segment")[thread].push(line)
            }
            None => {
                split.anchors.push(line);
                split.threads.push(vec![Vec::new(); prefixes.len()]);
            }
        }
    }
    split
}

/// Drops the lines that `may_omit` allows to be missing. The very last line
/// may also be cut short: a thread that the end of the process stops in the
/// middle of printing leaves half a line (which a full run then ends with a
/// newline of its own before the next heading).
fn without_omissible(text: &str, may_omit: &[&str]) -> Result<String, String> {
    let mut kept = String::new();
    let mut seen = vec![0; may_omit.len()];
    let last = text.lines().count().saturating_sub(1);
    for (index, line) in text.lines().enumerate() {
        let omissible = |o: &&str| {
            line_matches(o, line)
                || (index == last && !line.is_empty() && o.starts_with(line))
        };
        match may_omit.iter().position(omissible) {
            Some(index) => seen[index] += 1,
            None => {
                kept.push_str(line);
                kept.push('\n');
            }
        }
    }
    match may_omit.iter().zip(&seen).find(|(_, n)| **n > 1) {
        Some((line, n)) => {
            Err(format!("{line:?} may appear at most once, found {n} times"))
        }
        None => Ok(kept),
    }
}

/// `want` matches `got` if equal, where `[..]` in `want` stands for any text.
fn line_matches(want: &str, got: &str) -> bool {
    let mut pieces = want.split("[..]");
    let first = pieces.next().unwrap_or_default();
    let Some(mut rest) = got.strip_prefix(first) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Declares the golden tests of a lesson: one `#[test]` per variant, in
/// course order, plus `all_variants_in_order` (the run with no argument) and
/// `command_line` (`--help`, and exit status 2 for a wrong variant or flag).
///
/// ```text
/// shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-join"), {
///     no_join: NO_JOIN,
///     join: JOIN,
/// });
/// ```
///
/// Only the name of the binary is taken from the path `env!` gives (so a
/// wrong name is a compile error): the binary and the goldens are found
/// where the test runs, as [`Lesson::built`] does, never in the folder the
/// test was compiled in.
#[macro_export]
macro_rules! golden_tests {
    ($bin:expr, { $($test:ident: $check:expr),+ $(,)? }) => {
        fn lesson() -> $crate::golden::Lesson {
            $crate::golden::Lesson::built($crate::golden::file_name($bin))
        }

        const ALL: &[$crate::golden::Check] = &[$($check),+];

        $(
            #[test]
            fn $test() {
                lesson().check($check);
            }
        )+

        #[test]
        fn all_variants_in_order() {
            lesson().check_all(ALL);
        }

        #[test]
        fn command_line() {
            lesson().check_command_line(ALL);
        }
    };
}

/// The leak checks look in /proc and /dev/shm, which only Linux has; elsewhere
/// they check nothing, and the exercises' checks still compare the output.
#[cfg(not(target_os = "linux"))]
impl Lesson {
    pub fn check_leaves_nothing(&self, _args: &[&str]) {}

    pub fn check_leaves_nothing_because(&self, _args: &[&str], _why: &str) {}
}

/// The rest of the line of `stdout` that starts with `prefix`; a failure if
/// no line does.
#[track_caller]
pub fn line_after<'a>(stdout: &'a str, prefix: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in:\n{stdout}"))
}

/// Makes the checks of one test binary take turns: a leak check adopts and
/// reaps every child of the test process, which would break a check running
/// beside it. (The runner runs one check at a time; a person running a whole
/// `check.rs` with `cargo test` may not.)
pub fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The program of one exercise, as a [`Lesson`]: `exercise!("join-wait_for_both")`
/// is bin `join-wait_for_both` (the learner's file) or, with
/// [`SOLUTION_VAR`] set, bin `join-wait_for_both-solution`, both of the
/// exercises package whose check this is. See [`Lesson::exercise`].
#[macro_export]
macro_rules! exercise {
    ($bin:literal) => {
        $crate::golden::Lesson::exercise($bin, env!("CARGO_PKG_NAME"))
    };
}

/// The folder of the package under test, from `CARGO_MANIFEST_DIR` as cargo
/// sets it when it runs a test (and `cargo xtask learn` when it runs a
/// check). Not `env!("CARGO_MANIFEST_DIR")`: that is the folder the test was
/// compiled in, and a copied or moved checkout would read the original's files.
#[track_caller]
pub fn package_dir() -> PathBuf {
    match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => panic!(
            "CARGO_MANIFEST_DIR is not set, so the golden files cannot be found: \
             run the tests with `cargo test`"
        ),
    }
}

/// Where binary `name` of the package under test was built, found at run
/// time. Cargo says where when it runs an integration test
/// (`CARGO_BIN_EXE_<name>` in its environment); otherwise, as for an
/// exercise's check (the unit tests of a library), see [`beside_test`].
pub fn built_program(name: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(format!("CARGO_BIN_EXE_{name}")) {
        return PathBuf::from(path);
    }
    let test = std::env::current_exe().expect("the path of the running test");
    beside_test(&test, name)
}

/// Binary `name` of the same build as the test executable `test`: cargo puts
/// tests in `target/<profile>/deps/` and binaries in `target/<profile>/`.
pub fn beside_test(test: &Path, name: &str) -> PathBuf {
    let deps = test.parent().unwrap_or(Path::new("."));
    deps.parent().unwrap_or(deps).join(name)
}

/// The file name of `path`: [`golden_tests!`](crate::golden_tests) takes a
/// binary's name from the path `env!("CARGO_BIN_EXE_<name>")` gives.
pub fn file_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(path)
}

/// The widest line a book page shows without scrolling sideways.
pub const BOOK_WIDTH: usize = 90;

/// rustc writes each `= note: ...` and `= help: ...` on one line, however
/// long. A book page shows at most `width` columns: a longer note is wrapped
/// between words, its further lines indented under the note's first word,
/// the way rustc lays out a note that has several lines of its own.
pub fn wrap_long_notes(verdict: &str, width: usize) -> String {
    let mut wrapped = String::new();
    for line in verdict.lines() {
        let label = ["= note: ", "= help: "]
            .into_iter()
            .find_map(|label| line.find(label).map(|at| at + label.len()));
        let Some(indent) = label.filter(|_| line.chars().count() > width) else {
            wrapped.push_str(line);
            wrapped.push('\n');
            continue;
        };
        let mut current = line[..indent].to_owned();
        let mut first_word = true;
        for word in line[indent..].split(' ') {
            if !first_word && current.chars().count() + 1 + word.chars().count() > width {
                wrapped.push_str(&current);
                wrapped.push('\n');
                current = " ".repeat(indent);
                first_word = true;
            }
            if !first_word {
                current.push(' ');
            }
            current.push_str(word);
            first_word = false;
        }
        wrapped.push_str(&current);
        wrapped.push('\n');
    }
    wrapped
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::atomic::{AtomicU32, Ordering};

    const BOTH: Check = Check::interleaved("both", &["T1", "T2"]);

    const GREET: Check = Check::exact("greet");
    const THREADS: Check = Check::interleaved("threads", &["T1", "T2"]);
    const PANICS: Check = Check::exact("panics");
    /// The variants of `examples/demo_lesson.rs`, in order.
    pub(crate) const DEMO: &[Check] = &[
        GREET,
        Check::exact("environment"),
        THREADS,
        PANICS,
        Check::exact("panics-plainly"),
        Check::exact("worker"),
    ];

    /// The demo lesson (`examples/demo_lesson.rs`, which `cargo test` builds)
    /// with a copy of its goldens (`shared/golden/`) in a fresh folder, removed
    /// when dropped: whatever a check writes, it writes there, never into the
    /// checkout.
    pub(crate) struct Demo {
        lesson: Lesson,
        dir: PathBuf,
    }

    impl Demo {
        pub(crate) fn new() -> Demo {
            Demo::copy(false)
        }

        /// The demo as an exercise's program: without recorded samples,
        /// which exercises do not have.
        fn exercise() -> Demo {
            Demo::copy(true)
        }

        fn copy(exercise: bool) -> Demo {
            static COPIES: AtomicU32 = AtomicU32::new(0);
            let copy = COPIES.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir()
                .join(format!("shared-golden-test-{}-{copy}", std::process::id()));
            let lesson = Lesson {
                bin: built_program("examples/demo_lesson"),
                golden_dir: dir.join("golden"),
                exercise,
            };
            // From here on, a failure removes the folder when `demo` is dropped.
            let demo = Demo { lesson, dir };
            let bin = demo.bin();
            assert!(
                bin.exists(),
                "{}: `cargo test -p shared` builds it",
                bin.display()
            );
            std::fs::create_dir_all(&demo.golden_dir).expect("create the golden copy");
            let goldens =
                std::fs::read_dir(package_dir().join("golden")).expect("goldens");
            for path in goldens.map(|entry| entry.expect("golden").path()) {
                if exercise && path.extension().is_some_and(|e| e == "sample") {
                    continue;
                }
                let name = path.file_name().expect("file name");
                std::fs::copy(&path, demo.golden_dir.join(name)).expect("copy a golden");
            }
            demo
        }

        fn write(&self, file: &str, text: &str) {
            std::fs::write(self.golden_dir.join(file), text).expect("write a golden");
        }
    }

    impl std::ops::Deref for Demo {
        type Target = Lesson;

        fn deref(&self) -> &Lesson {
            &self.lesson
        }
    }

    impl Drop for Demo {
        fn drop(&mut self) {
            std::fs::remove_dir_all(&self.dir).ok();
        }
    }

    /// The message of the panic that `check` must end in.
    #[track_caller]
    pub(crate) fn failure(check: impl FnOnce()) -> String {
        let payload = catch_unwind(AssertUnwindSafe(check)).expect_err("it must fail");
        match payload.downcast::<String>() {
            Ok(message) => *message,
            Err(payload) => payload.downcast_ref::<&str>().unwrap_or(&"").to_string(),
        }
    }

    #[test]
    fn the_demo_lesson_passes_every_kind_of_check() {
        let demo = Demo::new();
        for check in DEMO {
            demo.check(*check);
        }
        let path = Check::exact("environment-path").args(&["environment"]);
        demo.check(path.keeps_path());
        let refused = Check::exact("wrong-variant").args(&["no-such-variant"]);
        demo.check(refused.exit_code(2));
        demo.check_all(DEMO);
        demo.check_command_line(DEMO);
    }

    #[test]
    fn a_run_unlike_its_golden_fails_and_says_how() {
        let demo = Demo::new();
        let status = failure(|| demo.check(GREET.exit_code(1)));
        assert!(
            status.contains(
                "variant greet ended with exit status: 0 instead of exit status 1"
            ),
            "{status}"
        );
        demo.write("greet.stdout", "hello from nobody\n");
        let differs = failure(|| demo.check(GREET));
        assert!(
            differs.contains("stdout of variant greet does not match")
                && differs.contains("cargo xtask bless"),
            "{differs}"
        );
        std::fs::remove_file(demo.golden_dir.join("panics.stderr")).expect("remove");
        let stderr = failure(|| demo.check(PANICS));
        assert!(
            stderr.contains("variant panics printed to stderr"),
            "{stderr}"
        );
    }

    #[test]
    fn an_exercise_is_judged_in_the_learners_words_and_has_no_sample() {
        let demo = Demo::exercise();
        demo.check(GREET);
        demo.check(THREADS);
        let status = failure(|| demo.check(GREET.exit_code(1)));
        assert!(
            status.contains("your program ended with exit status: 0"),
            "{status}"
        );
        demo.write("greet.stdout", "hello from nobody\n");
        let differs = failure(|| demo.check(GREET));
        assert!(
            differs
                .contains("The stdout of your program is not what a right answer prints")
                && differs.contains("a right answer prints (golden/greet.stdout)"),
            "{differs}"
        );
        // Which line is wrong, said plainly rather than as a diff.
        let wrong_line = r#"line "hello from pid [PID]" should be "hello from nobody""#;
        assert!(differs.contains(wrong_line), "{differs}");
    }

    #[test]
    fn the_sample_must_match_its_golden_and_show_what_it_must() {
        let demo = Demo::new();
        demo.check(GREET.sample_shows(r"^hello from pid \d+$"));
        let unshown = failure(|| demo.check(GREET.sample_shows("goodbye")));
        assert!(
            unshown.contains(r#"must show a line like "goodbye""#),
            "{unshown}"
        );
        demo.write("panics.stderr.sample", "thread 'T1' panicked\n");
        let stale = failure(|| demo.check(PANICS));
        assert!(
            stale.contains("panics.stderr.sample no longer matches its golden"),
            "{stale}"
        );
    }

    #[test]
    fn a_full_run_must_run_the_variants_given_in_order() {
        let demo = Demo::new();
        let without_first = failure(|| demo.check_all(&DEMO[1..]));
        assert!(
            without_first.contains("the variants of a full run"),
            "{without_first}"
        );
        demo.write("threads.stdout", "start\nall done\n");
        let differs = failure(|| demo.check_all(DEMO));
        assert!(
            differs.contains("variant threads in the full run"),
            "{differs}"
        );
        let unlisted = failure(|| demo.check_command_line(&[Check::exact("missing")]));
        assert!(
            unlisted.contains("--help does not list variant missing"),
            "{unlisted}"
        );
    }

    #[test]
    fn stdout_of_is_what_a_successful_run_printed() {
        let demo = Demo::new();
        assert_eq!(demo.stdout_of(&["worker"]), "worker in role helper\n");
        assert_eq!(demo.printed(&["worker"]), "worker in role helper\n");
        assert_eq!(demo.printed(&["no-such-variant"]), "");
        let refused = failure(|| {
            demo.stdout_of(&["no-such-variant"]);
        });
        assert!(
            refused.contains(r#"["no-such-variant"] ended with exit status: 2"#)
                && refused.contains("error: invalid value"),
            "{refused}"
        );
        let exercise = Demo::exercise();
        let refused = failure(|| {
            exercise.stdout_of(&["no-such-variant"]);
        });
        assert!(refused.contains("your program ended with"), "{refused}");
    }

    #[test]
    fn a_check_knows_its_variant_and_where_its_samples_are() {
        let demo = Demo::new();
        assert_eq!(THREADS.variant(), "threads");
        let sample = demo.sample_path("threads", "stdout");
        assert_eq!(sample, demo.golden_dir.join("threads.sample"));
        let sample = demo.sample_path("panics", "stderr");
        assert_eq!(sample, demo.golden_dir.join("panics.stderr.sample"));
        assert!(package_dir().is_absolute() && package_dir().join("golden").is_dir());
    }

    #[test]
    fn line_after_is_the_rest_of_the_line_with_that_start() {
        let stdout = "total: 3\nworkers: 2\n";
        assert_eq!(line_after(stdout, "workers: "), "2");
        let missing = failure(|| {
            line_after(stdout, "speedup: ");
        });
        assert!(
            missing.contains(r#"no line starting with "speedup: ""#),
            "{missing}"
        );
    }

    #[test]
    fn interleaving_keeps_each_threads_order_and_the_anchors() {
        let golden = "start\nT1 a\nT1 b\nT2 a\nT2 b\nall done\n";
        assert!(equivalent(golden, golden, &BOTH).is_ok());
        let mixed = "start\nT2 a\nT1 a\nT2 b\nT1 b\nall done\n";
        assert!(equivalent(golden, mixed, &BOTH).is_ok());
        let t1_reversed = "start\nT1 b\nT2 a\nT1 a\nT2 b\nall done\n";
        assert!(equivalent(golden, t1_reversed, &BOTH).is_err());
        let crossed_anchor = "start\nT1 a\nT2 a\nT2 b\nall done\nT1 b\n";
        assert!(equivalent(golden, crossed_anchor, &BOTH).is_err());
        let missing = "start\nT1 a\nT2 a\nT2 b\nall done\n";
        assert!(equivalent(golden, missing, &BOTH).is_err());
        let extra_anchor = "start\nT1 a\nT1 b\nT2 a\nT2 b\nall done\nbye\n";
        assert!(equivalent(golden, extra_anchor, &BOTH).is_err());
    }

    #[test]
    fn an_omissible_line_may_be_missing_but_not_doubled() {
        let check = Check::exact("x").may_omit(&["T1 Start"]);
        let golden = "all done\nT1 Start\n";
        assert!(equivalent(golden, "all done\n", &check).is_ok());
        assert!(equivalent(golden, "T1 Start\nall done\n", &check).is_ok());
        assert!(equivalent(golden, "T1 Start\nall done\nT1 Start\n", &check).is_err());
        assert!(equivalent(golden, "T1 Start\nall done\nT1 Finish\n", &check).is_err());
        // Cut short by the end of the process: only as the very last line.
        assert!(equivalent(golden, "all done\nT1 St", &check).is_ok());
        assert!(equivalent(golden, "T1 St\nall done\n", &check).is_err());
    }

    #[test]
    fn wildcards_match_any_text_within_a_line() {
        assert!(line_matches("job1 [..]", "job1 23"));
        assert!(line_matches("a [..] b [..] c", "a 1 b 2 c"));
        assert!(!line_matches("job1 [..]", "job2 23"));
        assert!(!line_matches("a[..]ab", "ab"));
        assert!(line_matches("exact", "exact"));
        assert!(!line_matches("exact", "exact!"));
        assert!(!line_matches("job [..] done", "job 1 failed"));
        // Each piece is used up once it is found.
        assert!(!line_matches("a[..]b[..]b", "ab"));
    }

    #[test]
    fn placeholders_replace_what_varies() {
        let redacted =
            redactions().redact("pid 4242, ppid=17, tid 99 took 1.25s and 3.50ms");
        assert_eq!(
            redacted,
            "pid [PID], ppid=[PID], tid [TID] took [ELAPSED] and [ELAPSED]"
        );
        let redacted = redactions().redact("thread 'T1' (6562) panicked at x.rs:3:4:");
        assert_eq!(redacted, "thread 'T1' ([TID]) panicked at x.rs:[LINE]:");
        assert_eq!(redactions().redact("sleeps 100ms"), "sleeps 100ms");
        assert_eq!(
            redactions().redact("on 127.0.0.1:40123 and [::1]:5000, not 10:30"),
            "on 127.0.0.1:[PORT] and [::1]:[PORT], not 10:30"
        );
        assert_eq!(
            redactions().redact("cpu 163% and 99.5%, speedup 1.93x, 4 workers"),
            "cpu [PERCENT] and [PERCENT], speedup [RATIO], 4 workers"
        );
    }

    #[test]
    fn a_built_binary_is_found_beside_the_folder_of_the_test() {
        let test = Path::new("/copy/target/debug/deps/exercises_lock-0123abcd");
        assert_eq!(
            beside_test(test, "lock-lock_once"),
            Path::new("/copy/target/debug/lock-lock_once")
        );
        assert_eq!(
            file_name("/original/target/debug/lesson-join"),
            "lesson-join"
        );
        assert_eq!(file_name("lesson-join"), "lesson-join");
    }

    #[test]
    fn a_full_run_splits_at_headings() {
        let stdout = "=== [1/2] a: first ===\none\n\n=== [2/2] b: second ===\ntwo\n\n";
        let sections = split_sections(stdout);
        assert_eq!(
            sections,
            vec![("a", "one\n".to_owned()), ("b", "two\n\n".to_owned())]
        );
    }

    /// A note or help longer than the page is wrapped between words, under
    /// its first word; a short one, or a long line of code, is left alone.
    #[test]
    fn long_notes_are_wrapped_to_the_page() {
        let long = format!("   = note: {}", "word ".repeat(40).trim_end());
        let help = format!("   = help: {}", "wörd ".repeat(30).trim_end());
        let code = format!("10 |     {}", "x".repeat(100));
        let verdict = format!("{long}\n   = note: short\n{help}\n{code}\n");
        let wrapped = wrap_long_notes(&verdict, 90);
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(lines.len() > 6, "{wrapped}");
        let fits = |line: &&str| line.chars().count() <= 90 || line.starts_with("10 |");
        assert!(lines.iter().all(fits), "{wrapped}");
        assert!(lines[1].starts_with("           word"), "{wrapped}");
        assert!(lines.contains(&"   = note: short"), "{wrapped}");
        assert_eq!(lines.last(), Some(&code.as_str()));
        let words = |text: &str| text.split_whitespace().count();
        assert_eq!(words(&wrapped), words(&verdict));
    }

    /// Each line takes as many words as fit: "aa bb" fills 15 columns
    /// exactly, "aa bbb" would need 16.
    #[test]
    fn a_wrapped_note_fills_each_line() {
        let verdict = "  = note: aa bb cc\n  = help: aa bbb\n";
        let wrapped = wrap_long_notes(verdict, 15);
        let indent = " ".repeat(10);
        let expected =
            format!("  = note: aa bb\n{indent}cc\n  = help: aa\n{indent}bbb\n");
        assert_eq!(wrapped, expected);
    }
}
