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
}
