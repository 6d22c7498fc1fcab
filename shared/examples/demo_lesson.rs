//! A lesson in miniature, built on the same plumbing as the real ones, for
//! the tests of `shared` itself: they run it through the golden checks (its
//! goldens are in `shared/golden/`) and through its command line.
//!
//! With `DEMO_LESSON_FAILS` set, a variant that fails comes second, so that a
//! full run has one to stop at.

use std::process::ExitCode;
use std::thread;

use shared::lesson::panics_without_backtrace;
use shared::{Lesson, Variant, say};

const GREET: Variant = Variant {
    name: "greet",
    about: "one line, with a process id",
    run: greet,
};

const DEMO: Lesson = Lesson {
    name: "demo",
    about: "A lesson in miniature, for the tests of shared",
    variants: &[
        GREET,
        Variant {
            name: "environment",
            about: "the names of the environment variables it was given",
            run: environment,
        },
        Variant {
            name: "threads",
            about: "T1 and T2 take turns, each printing two lines",
            run: threads,
        },
        Variant {
            name: "panics",
            about: "T1 panics after panics_without_backtrace; main carries on",
            run: panics,
        },
        Variant {
            name: "panics-plainly",
            about: "T1 panics with the standard panic hook; main carries on",
            run: panics_plainly,
        },
        Variant {
            name: "worker",
            about: "starts itself again as a worker and passes on what it said",
            run: worker,
        },
    ],
};

const FAILING: Lesson = Lesson {
    name: "demo",
    about: "A lesson in miniature whose second variant fails",
    variants: &[
        GREET,
        Variant {
            name: "fails",
            about: "ends with exit status 3",
            run: fails,
        },
        Variant {
            name: "never",
            about: "comes after the failure, so a full run never gets here",
            run: greet,
        },
    ],
};

fn main() -> ExitCode {
    if let Some(role) = shared::worker::role() {
        say!("worker in role {role}");
        return ExitCode::SUCCESS;
    }
    if std::env::var_os("DEMO_LESSON_FAILS").is_some() {
        FAILING.main()
    } else {
        DEMO.main()
    }
}

fn greet() {
    say!("hello from pid {}", std::process::id());
}

fn environment() {
    let names: Vec<String> = std::env::vars_os()
        .map(|(name, _)| name.to_string_lossy().into_owned())
        .collect();
    say!("environment: {names:?}");
}

/// Deterministic: each thread is joined before the next starts.
fn threads() {
    say!("start");
    for step in ["a", "b"] {
        for name in ["T1", "T2"] {
            thread::Builder::new()
                .name(name.to_owned())
                .spawn(move || say!("{name} {step}"))
                .expect("spawn")
                .join()
                .expect("join");
        }
    }
    say!("all done");
}

fn panics() {
    panics_without_backtrace();
    panics_plainly();
}

fn panics_plainly() {
    let joined = thread::Builder::new()
        .name("T1".to_owned())
        .spawn(|| panic!("T1 gives up"))
        .expect("spawn")
        .join();
    say!("T1 panicked: {}", joined.is_err());
}

fn fails() {
    say!("giving up");
    std::process::exit(3);
}

fn worker() {
    let output = shared::worker::command("helper")
        // Should the role get lost, the worker runs one variant, not all.
        .arg("greet")
        .output()
        .expect("run the worker");
    print!("{}", String::from_utf8_lossy(&output.stdout));
}
