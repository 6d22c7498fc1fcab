//! Every variant of lesson-shared_value against its golden file in `golden/`.
//!
//! A segment's name carries the parent's pid (`pid[PID]` in the goldens).

use shared::golden::{Check, line_after};

const VALUE_ARRAY: Check = Check::exact("value-array");
/// The child prints before it ends, the parent only after it has waited for
/// that: the order is certain.
const NEGATE: Check = Check::exact("negate");
/// The two jobs run at the same time (a start barrier makes sure they
/// overlap), so their lines interleave as the scheduler decides, and the value
/// each line shows depends on what the other job did meanwhile: two lines may
/// show the same number, and an update may be lost, so the total is `[..]` too.
/// Each job's ten lines keep their order; the parent's lines come before the
/// jobs start and after both are joined.
const JOBS_NO_LOCK: Check = Check::interleaved("jobs-no-lock", &["job1:", "job2:"]);
/// The two processes' `v|` pieces interleave as the scheduler decides and may
/// collide, hence `[..]` for each value; there are always ten pieces, and the
/// final line comes after both joins.
const ADD_NO_LOCK: Check = Check::exact("add-no-lock");
/// How many load + store increments get lost depends on how the two processes
/// overlapped: unpredictable, not even whether there are any (`[..]`).
/// fetch_add loses none: that line is exact. The book's recorded run must show
/// the race: a load + store run that lost some.
const LOST_UPDATES: Check =
    Check::exact("lost-updates").sample_shows(r"^load-store: .*lost updates: [1-9]");
/// job2 starts only once job1 holds the lock, and job1 lets go only after its
/// ten lines: the order is certain. By then job1, the only other process, has
/// taken the lock exactly once, which the last line says.
const JOBS_LOCK: Check = Check::exact("jobs-lock");
/// p2 (+3) starts only once p1 (+1) holds the lock: the order is certain, and
/// the lock has been taken exactly once when p2 starts (last line).
const ADD_LOCK: Check = Check::exact("add-lock");
/// The holder prints, then exits; the parent prints only after it has waited
/// for that. The holder is dead, so the parent's try must fail: certain.
const HOLDER_DIES: Check = Check::exact("holder-dies");
/// The parent writes, starts the child, and reads only after it has ended.
const STRING: Check = Check::exact("string");

shared::golden_tests!(env!("CARGO_BIN_EXE_lesson-shared_value"), {
    value_array: VALUE_ARRAY,
    negate: NEGATE,
    jobs_no_lock: JOBS_NO_LOCK,
    add_no_lock: ADD_NO_LOCK,
    lost_updates: LOST_UPDATES,
    jobs_lock: JOBS_LOCK,
    add_lock: ADD_LOCK,
    holder_dies: HOLDER_DIES,
    string: STRING,
});

/// What holds however the two processes overlapped, in the run and in the
/// sample the book shows: every increment either made it into the counter
/// or was lost; and however two such loops interleave, at least 2
/// increments survive (the worst case of two load + store loops).
#[test]
fn load_store_accounts_for_every_increment() {
    let recorded = lesson().sample_path("lost-updates", "stdout");
    let recorded = std::fs::read_to_string(&recorded).expect("the recorded run");
    let run = lesson().stdout_of(&["lost-updates"]);
    for stdout in [run.as_str(), &recorded] {
        let line = line_after(stdout, "load-store: counter = ");
        let numbers: Vec<u64> = (line.split(|c: char| !c.is_ascii_digit()))
            .filter_map(|n| n.parse().ok())
            .collect();
        let [total, of, lost] = numbers[..] else {
            panic!("not \"counter = N of M, lost updates: L\": {line}");
        };
        assert_eq!(of, 2_000_000, "{stdout}");
        assert_eq!(total + lost, of, "{stdout}");
        assert!(total >= 2, "fewer than 2 increments survived:\n{stdout}");
    }
}

/// A variant that fails (here it has too few file descriptors, `ulimit -n
/// 4`, to map its segment a second time) says why, exits with status 1, and
/// leaves no segment behind. Descriptors 3 to 9 are closed first: one that
/// the test inherited (cargo-mutants leaves some open) would take the place
/// the program needs to load its libraries.
#[test]
fn a_variant_that_fails_says_why_and_exits_1() {
    let closed = "exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-";
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            &format!("{closed}; ulimit -n 4; exec \"$0\" value-array"),
        ])
        .arg(env!("CARGO_BIN_EXE_lesson-shared_value"))
        .output()
        .expect("sh runs the lesson");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let name = (stderr.strip_prefix("error: cannot open shared memory /"))
        .and_then(|rest| rest.split(':').next())
        .unwrap_or_else(|| panic!("not the error expected: {stderr}"));
    let segment = std::path::Path::new("/dev/shm").join(name);
    assert!(!segment.exists(), "{} was left behind", segment.display());
}
