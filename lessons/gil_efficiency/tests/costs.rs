//! The costs that the `costs` variant and `cargo xtask measure` print. Their
//! figures vary and are redacted in the golden, so what is checked here is
//! what holds on any machine: an average of `count` runs is a share of the
//! time they all took (more than 0, and no more than that time over
//! `count`), and a partner that does not play is reported, not timed.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use lesson_gil_efficiency::costs::{self, Echo};
use lesson_gil_efficiency::work::sum_of_powers_formula;

const PROGRAM: &str = env!("CARGO_BIN_EXE_lesson-gil_efficiency");

/// Runs `measure`, which averages `count` runs, and checks its average
/// against the time the whole call took.
#[track_caller]
fn check_average(what: &str, count: u32, measure: impl FnOnce() -> Duration) {
    let began = Instant::now();
    let average = measure();
    let took = began.elapsed();
    assert!(average > Duration::ZERO, "{what}: an average of 0");
    assert!(
        average * count <= took,
        "{what}: {count} x {average:?} is more than the {took:?} they all took"
    );
}

#[test]
fn each_cost_is_an_average_of_its_runs() {
    let program = Path::new(PROGRAM);
    check_average("thread_start", 20, || costs::thread_start(20));
    check_average("thread_round_trip", 100, || costs::thread_round_trip(100));
    check_average("process_start", 3, || {
        costs::process_start(program, 3).expect("3 processes start")
    });
    check_average("process_round_trip", 100, || {
        costs::process_round_trip(program, 100).expect("the echo plays")
    });
}

/// `true` is no echo: it exits at once, so the ball never comes back; and
/// `false` fails, which `stop` reports.
#[test]
fn a_partner_that_does_not_play_is_reported() {
    let mut silent = Echo::start(Path::new("true")).expect("true starts");
    assert!(silent.round_trip().is_err(), "a ball came back from `true`");
    silent.stop().expect("`true` ends well");
    let failing = Echo::start(Path::new("false")).expect("false starts");
    assert!(failing.stop().is_err(), "`false` failing was not reported");
}

/// The hidden role `measure` (what `cargo xtask measure` runs): every way
/// and every number of workers, each with its sum checked, then the four
/// costs.
#[test]
fn the_measure_role_prints_every_run_and_every_cost() {
    let out = Command::new(PROGRAM)
        .env(shared::worker::ROLE_VAR, "measure")
        .args(["1000", "2", "2", "100"])
        .output()
        .expect("the lesson starts");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let runs: Vec<String> = (stdout.lines())
        .filter(|line| line.contains(r#""kind": "run""#))
        .map(|line| line.split(r#", "wall_s""#).next().unwrap().to_owned() + &sum(line))
        .collect();
    let expected: Vec<String> = [
        ("plain", 1, 1000),
        ("plain", 1, 100),
        ("threads", 1, 1000),
        ("threads", 2, 1000),
        ("processes", 1, 1000),
        ("processes", 2, 1000),
        ("plain-without-black-box", 1, 1000),
    ]
    .iter()
    .map(|(way, workers, n)| {
        format!(
            r#"{{"kind": "run", "lang": "rust", "way": "{way}", "workers": {workers}, "n": {n} sum {}"#,
            sum_of_powers_formula(*n)
        )
    })
    .collect();
    assert_eq!(runs, expected, "{stdout}");
    for what in [
        "thread_start",
        "process_start",
        "thread_round_trip",
        "process_round_trip",
    ] {
        let cost =
            format!(r#"{{"kind": "cost", "lang": "rust", "what": "{what}", "seconds": "#);
        assert!(stdout.contains(&cost), "no {what} in:\n{stdout}");
    }
}

/// The `"sum": "..."` of a run line, as ` sum N`.
fn sum(line: &str) -> String {
    let sum = line.split(r#""sum": ""#).nth(1).unwrap_or("");
    format!(" sum {}", sum.trim_end_matches("\"}"))
}
