//! The command line every lesson shares.
//!
//! A lesson is a list of variants, one per program of the Python original.
//! `lesson-join no-join` runs one variant; `lesson-join` with no argument runs
//! them all in order, each under a heading; `--help` lists them.
//!
//! Each variant of a full run goes in a fresh process (this same binary, run
//! again with the variant's name). A variant that leaves a thread behind when
//! `main` returns must not leak it into the next variant: in a process of its
//! own it ends exactly as it would when a learner runs it alone.
//!
//! A variant that panics on purpose calls [`panics_without_backtrace`] first,
//! so that its panic prints the same short message in every shell.

use std::io::Write;
use std::process::{Command, ExitCode};
#[cfg(unix)]
use std::sync::atomic::{AtomicBool, Ordering};

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Arg, ArgAction};

/// One runnable program of a lesson.
#[derive(Clone, Copy)]
pub struct Variant {
    /// What a learner types: `cargo run -p lesson-join -- <name>`.
    pub name: &'static str,
    /// One line for `--help` and for the heading.
    pub about: &'static str,
    pub run: fn(),
}

/// A lesson binary: its name (as in `lesson-<name>`), a line about it, and its
/// variants in course order.
pub struct Lesson {
    pub name: &'static str,
    pub about: &'static str,
    pub variants: &'static [Variant],
}

impl Lesson {
    /// Parses the command line and runs what it asks for.
    ///
    /// An unknown variant or flag prints the usage and exits with status 2
    /// (clap's usage-error status).
    pub fn main(&self) -> ExitCode {
        let mut command = self.command();
        let matches = match command.try_get_matches_from_mut(std::env::args_os()) {
            Ok(matches) => matches,
            // --help: clap prints it to stdout and exits with status 0.
            Err(help) if !help.use_stderr() => help.exit(),
            Err(error) => {
                let message = error.render().to_string();
                eprint!("{message}");
                // clap shows the usage for some mistakes only; a learner needs it for all.
                if !message.contains("Usage:") {
                    eprintln!("\n{}", command.render_usage());
                }
                return ExitCode::from(2);
            }
        };
        match matches.get_one::<String>("variant") {
            Some(name) => {
                let variant = self.variants.iter().find(|v| v.name == name);
                // clap only accepts the names we gave it.
                (variant.expect("clap checked the variant name").run)();
                ExitCode::SUCCESS
            }
            None => self.run_all(),
        }
    }

    fn command(&self) -> clap::Command {
        let names = self
            .variants
            .iter()
            .map(|v| PossibleValue::new(v.name).help(v.about));
        clap::Command::new(format!("lesson-{}", self.name))
            .about(self.about)
            .after_help(format!(
                "With no VARIANT, runs every variant in the order above.\n\
                 Example: cargo run -p lesson-{} -- {}",
                self.name, self.variants[0].name
            ))
            .arg(
                Arg::new("variant")
                    .value_name("VARIANT")
                    .help("Which program of the lesson to run")
                    .value_parser(PossibleValuesParser::new(names))
                    .action(ArgAction::Set),
            )
    }

    fn run_all(&self) -> ExitCode {
        let exe = match std::env::current_exe() {
            Ok(exe) => exe,
            Err(err) => {
                eprintln!("error: cannot find this program to run its variants: {err}");
                return ExitCode::FAILURE;
            }
        };
        // Ctrl-C reaches every process of the terminal's foreground group: the
        // variant's processes handle it (or die of it). We only note it, wait
        // for the variant to end, and then end the same way, as a shell's
        // `system()` does, so that no variant is left unwaited for.
        #[cfg(unix)]
        let interrupted = {
            static INTERRUPTED: AtomicBool = AtomicBool::new(false);
            // A caught signal goes back to its default action across exec, so
            // the variants still get the ordinary Ctrl-C.
            signal_hook::flag::register(signal_hook::consts::SIGINT, &INTERRUPTED).ok();
            &INTERRUPTED
        };
        let total = self.variants.len();
        for (index, variant) in self.variants.iter().enumerate() {
            let mut stdout = std::io::stdout().lock();
            let separator = if index > 0 { "\n" } else { "" };
            let printed =
                writeln!(stdout, "{separator}{}", heading(index + 1, total, variant))
                    // The child writes to the same stdout: what we printed must be out first.
                    .and_then(|()| stdout.flush());
            if printed.is_err() {
                // Nobody reads our output any more (e.g. `| head`): stop quietly.
                return ExitCode::FAILURE;
            }
            drop(stdout);
            let status = Command::new(&exe).arg(variant.name).status();
            #[cfg(unix)]
            if interrupted.load(Ordering::Relaxed) {
                signal_hook::low_level::emulate_default_handler(
                    signal_hook::consts::SIGINT,
                )
                .ok();
                return ExitCode::from(130); // if SIGINT's default action did not end us
            }
            match status {
                Ok(status) if status.success() => {}
                Ok(status) => {
                    eprintln!("error: variant {} failed ({status})", variant.name);
                    return ExitCode::FAILURE;
                }
                Err(err) => {
                    eprintln!("error: cannot start variant {}: {err}", variant.name);
                    return ExitCode::FAILURE;
                }
            }
        }
        ExitCode::SUCCESS
    }
}

/// For a variant that panics on purpose, to show what a panic does: from here
/// on, a panic anywhere in this process prints the standard message (which
/// thread, where, and why) and nothing more, whatever `RUST_BACKTRACE` says.
///
/// A panic's message is printed by the *panic hook*, not by the thread that
/// panics nor by `join`; `std::panic::set_hook` replaces it for the whole
/// process (the idea of Python's `threading.excepthook`). The standard hook
/// reads `RUST_BACKTRACE`, which many shells set: with it, a panic on purpose
/// would bury its one line under a backtrace of the standard library and of
/// this plumbing, different at every Rust release. The message already says
/// where the panic happened, which is all that the lesson is about.
pub fn panics_without_backtrace() {
    std::panic::set_hook(Box::new(|info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("<unnamed>");
        // As the standard hook does: the kernel's id of the thread, where we know it.
        let id =
            crate::os::current_tid().map_or(String::new(), |tid| format!(" ({tid})"));
        let place = info
            .location()
            .map_or(String::new(), |at| format!(" at {at}"));
        let why = info.payload_as_str().unwrap_or("Box<dyn Any>");
        // The standard text, less its note about RUST_BACKTRACE (which would
        // not be true here). The first newline puts the message on a line of
        // its own even when it interrupts a half-printed line.
        let text = format!("\nthread '{name}'{id} panicked{place}:\n{why}\n");
        // One write, so that another thread's output cannot cut it in two.
        std::io::stderr().lock().write_all(text.as_bytes()).ok();
    }));
}

/// For the lessons' tests: runs `check`'s variant with `RUST_BACKTRACE=1`
/// and with `RUST_BACKTRACE=full`, as learners' shells often have it, and
/// checks that it prints what its golden files say and ends as a run with an
/// empty environment does. (The golden checks run with an empty environment,
/// so they cannot see a backtrace.)
#[cfg(feature = "golden")]
#[track_caller]
pub fn check_ignores_rust_backtrace(
    lesson: &crate::golden::Lesson,
    check: crate::golden::Check,
) {
    use crate::golden::{RUN_TIMEOUT, equivalent, redactions};
    let variant = check.variant();
    let plain = lesson.run(&[variant]).status;
    for value in ["1", "full"] {
        let run = format!("variant {variant} with RUST_BACKTRACE={value}");
        let output = snapbox::cmd::Command::new(lesson.bin())
            .arg(variant)
            .env_clear()
            .env("RUST_BACKTRACE", value)
            .timeout(RUN_TIMEOUT)
            .output()
            .unwrap_or_else(|err| panic!("cannot run {run}: {err}"));
        assert_eq!(
            output.status.code(),
            plain.code(),
            "{run} ended with {}, unlike a run without it",
            output.status
        );
        for (stream, printed) in [("stdout", output.stdout), ("stderr", output.stderr)] {
            // The package's folder as it is now, not where it was compiled.
            let path = crate::golden::package_dir()
                .join("golden")
                .join(format!("{variant}.{stream}"));
            // No stderr golden: the variant prints nothing on stderr.
            let golden = std::fs::read_to_string(&path).unwrap_or_default();
            let printed = String::from_utf8_lossy(&printed);
            let redacted = redactions().redact(&printed);
            if let Err(why) = equivalent(&golden, &redacted, &check) {
                let golden = path.display();
                panic!(
                    "{run}: its {stream} is not {golden}: {why}\n\
                     --- {stream} ---\n{printed}"
                );
            }
        }
    }
}

const HEADING_OPEN: &str = "=== [";

/// The heading printed above a variant in a full run:
/// `=== [2/7] join: main waits for T1 ===`.
pub fn heading(position: usize, total: usize, variant: &Variant) -> String {
    format!(
        "{HEADING_OPEN}{position}/{total}] {}: {} ===",
        variant.name, variant.about
    )
}

/// The variant name in a heading line, if the line is a heading.
pub fn heading_variant(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(HEADING_OPEN)?.strip_suffix(" ===")?;
    let (_position, rest) = rest.split_once("] ")?;
    Some(rest.split_once(':')?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nothing() {}

    #[test]
    fn a_heading_names_its_variant() {
        let variant = Variant {
            name: "join-both",
            about: "start T1 and T2: then wait for both",
            run: nothing,
        };
        let line = heading(4, 7, &variant);
        assert_eq!(
            line,
            "=== [4/7] join-both: start T1 and T2: then wait for both ==="
        );
        assert_eq!(heading_variant(&line), Some("join-both"));
        assert_eq!(heading_variant("T1 Start"), None);
        assert_eq!(heading_variant("=== not a heading ==="), None);
    }

    #[cfg(feature = "golden")]
    mod demo {
        use super::super::check_ignores_rust_backtrace;
        use crate::golden::Check;
        use crate::golden::tests::{DEMO, Demo, failure};

        #[test]
        fn a_full_run_puts_a_blank_line_between_the_variants() {
            let stdout = Demo::new().stdout_of(&[]);
            let first =
                "=== [1/6] greet: one line, with a process id ===\nhello from pid ";
            assert!(stdout.starts_with(first), "{stdout}");
            let second = "\n\n=== [2/6] environment: the names of the environment";
            assert!(stdout.contains(second), "{stdout}");
        }

        #[test]
        fn a_full_run_stops_at_the_first_variant_that_fails() {
            let demo = Demo::new();
            let output = std::process::Command::new(demo.bin())
                .env_clear()
                .env("DEMO_LESSON_FAILS", "1")
                .output()
                .expect("run the demo");
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
            assert!(
                stdout.ends_with(
                    "=== [2/3] fails: ends with exit status 3 ===\ngiving up\n"
                )
            );
            assert_eq!(stderr, "error: variant fails failed (exit status: 3)\n");
        }

        /// Only a variant that calls `panics_without_backtrace` prints the
        /// same with `RUST_BACKTRACE` set.
        #[test]
        fn a_backtrace_is_left_out_only_where_the_variant_asks() {
            let demo = Demo::new();
            check_ignores_rust_backtrace(&demo, DEMO[3]);
            let plain = failure(|| {
                check_ignores_rust_backtrace(&demo, Check::exact("panics-plainly"))
            });
            assert!(
                plain
                    .contains("variant panics-plainly with RUST_BACKTRACE=1: its stderr"),
                "{plain}"
            );
        }
    }
}
