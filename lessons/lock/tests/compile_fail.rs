//! The lesson claims that safe Rust refuses to compile Python's unlocked
//! counter. This test keeps the claim true: it feeds each program in
//! `compile_fail/` to rustc, checks that rustc refuses it with the expected
//! error code, and compares rustc's whole verdict with the `.stderr` file
//! beside the program, which the book shows.
//!
//! (A `compile_fail,E0499` doctest would not do: rustdoc checks the error code
//! of such a test on nightly only, and on stable any error at all passes.)

use std::path::{Path, PathBuf};
use std::process::Command;

/// The compiler that cargo uses, when `RUSTC` says so; else `rustc` from PATH.
fn rustc() -> std::ffi::OsString {
    std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into())
}

/// A folder for rustc's output (there should be none), removed on drop, also
/// when an assertion fails.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!(
            "lesson-lock-compile-fail-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).expect("create a temporary folder");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What may differ between two machines with the same compiler: where the
/// standard library's source lives (`/rustc/<commit>/library/...`, or a local
/// copy), and whether rustc can show that source (with the `rust-src`
/// component). Such a location becomes `[..]/library/...:[..]`, any source
/// lines shown below it are dropped, and the margin of line numbers is as
/// wide as the remaining lines need (a std line number widens it). Last, a
/// note too long for the book's page is wrapped (see [`wrap_long_notes`]).
fn normalize(verdict: &str) -> String {
    wrap_long_notes(&regutter(&without_std_source(verdict)))
}

use shared::golden::BOOK_WIDTH as PAGE_WIDTH;

/// rustc writes each `= note: ...` on one line, however long: see
/// [`shared::golden::wrap_long_notes`]. Only notes are wrapped: the programs
/// in `compile_fail/` are written so that every other line of the verdict fits.
fn wrap_long_notes(verdict: &str) -> String {
    shared::golden::wrap_long_notes(verdict, PAGE_WIDTH)
}

fn without_std_source(verdict: &str) -> String {
    let mut normalized = String::new();
    let mut in_std_snippet = false;
    for line in verdict.lines() {
        if let Some(location) = std_location(line) {
            normalized.push_str(&location);
            normalized.push('\n');
            in_std_snippet = true;
            continue;
        }
        if in_std_snippet && !line.is_empty() {
            continue;
        }
        in_std_snippet = false;
        normalized.push_str(line);
        normalized.push('\n');
    }
    normalized
}

/// One line of rustc's margin: `12 |code`, `   |marks`, `  --> file`,
/// `   = note`; or any other line.
enum Margin<'a> {
    Numbered(&'a str, &'a str),
    Bar(&'a str),
    Location(&'a str),
    Note(&'a str),
    Other(&'a str),
}

fn margin(line: &str) -> Margin<'_> {
    let trimmed = line.trim_start();
    let indented = trimmed.len() < line.len();
    let digits = trimmed.len()
        - trimmed
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    if digits > 0 && trimmed[digits..].starts_with(" |") {
        return Margin::Numbered(&trimmed[..digits], &trimmed[digits + 2..]);
    }
    match (indented, trimmed) {
        (true, t) if t.starts_with('|') => Margin::Bar(&t[1..]),
        (true, t) if t.starts_with("--> ") => Margin::Location(&t[4..]),
        (true, t) if t.starts_with("= ") => Margin::Note(&t[2..]),
        _ => Margin::Other(line),
    }
}

/// Redraws the margin as wide as the widest line number left in `verdict`.
fn regutter(verdict: &str) -> String {
    let width = verdict
        .lines()
        .filter_map(|line| match margin(line) {
            Margin::Numbered(number, _) => Some(number.len()),
            _ => None,
        })
        .max()
        .unwrap_or(1);
    let mut redrawn = String::new();
    for line in verdict.lines() {
        let line = match margin(line) {
            Margin::Numbered(number, rest) => format!("{number:>width$} |{rest}"),
            Margin::Bar(rest) => format!("{:width$} |{rest}", ""),
            Margin::Location(rest) => format!("{:width$}--> {rest}", ""),
            Margin::Note(rest) => format!("{:width$} = {rest}", ""),
            Margin::Other(line) => line.to_owned(),
        };
        redrawn.push_str(&line);
        redrawn.push('\n');
    }
    redrawn
}

/// `  --> /rustc/<commit>/library/std/src/x.rs:203:34` becomes
/// `  --> [..]/library/std/src/x.rs:[..]`; any other line gives None.
fn std_location(line: &str) -> Option<String> {
    let (indent, path) = line.split_once("--> ")?;
    if !indent.trim().is_empty() {
        return None;
    }
    let path = &path[path.find("/library/")?..];
    let mut parts = path.rsplitn(3, ':');
    let (_column, _line, file) = (parts.next()?, parts.next()?, parts.next()?);
    Some(format!("{indent}--> [..]{file}:[..]"))
}

/// Compiles `compile_fail/<name>.rs` in that folder (so that rustc names the
/// file without a path), checks that rustc refuses it with `error[<code>]`,
/// and compares the verdict with `compile_fail/<name>.stderr`.
#[track_caller]
fn refused(name: &str, code: &str) {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("compile_fail");
    let out = TempDir::new(name);
    let output = Command::new(rustc())
        .current_dir(&folder)
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "bin",
            "--color",
            "never",
        ])
        .arg("--out-dir")
        .arg(&out.0)
        .arg(format!("{name}.rs"))
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("cannot run rustc (set RUSTC to the compiler's path)");
    let verdict = normalize(&String::from_utf8_lossy(&output.stderr));
    assert!(
        !output.status.success(),
        "compile_fail/{name}.rs compiled, but the lesson says it must not:\n{verdict}"
    );
    assert!(
        verdict.starts_with(&format!("error[{code}]")),
        "compile_fail/{name}.rs must be refused with error[{code}], rustc said:\n{verdict}"
    );

    let golden = folder.join(format!("{name}.stderr"));
    let expected = std::fs::read_to_string(&golden).unwrap_or_default();
    if verdict != expected {
        if std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite") {
            std::fs::write(&golden, &verdict).expect("write the verdict");
            eprintln!("blessed {}", golden.display());
        } else {
            panic!(
                "rustc's verdict on compile_fail/{name}.rs differs from {}:\n\
                 --- expected ---\n{expected}\n--- rustc said (normalized) ---\n{verdict}\n\
                 If the new wording is right: SNAPSHOTS=overwrite cargo test -p lesson-lock, \
                 then review the diff.",
                golden.display()
            );
        }
    }
}

/// Two closures, each doing `global_num += 1` on one local variable, spawned
/// as two scoped threads: both need the variable mutably at the same time.
#[test]
fn unlocked_counter_is_refused() {
    refused("counter", "E0499");
}

/// The same with a `static mut` global, as Python wrote it: touching it is
/// `unsafe`, and safe code may not.
#[test]
fn unlocked_static_counter_is_refused() {
    refused("counter_static", "E0133");
}

/// With the standard library's source at hand, rustc shows a std line (here
/// 203) and widens the whole margin; the verdict must not change with it.
#[test]
fn the_margin_does_not_depend_on_the_std_source() {
    let with_std_source = "\
error[E0499]: x
   --> counter.rs:16:17
    |
 10 |     a
    |     - b
    = note: c
note: d
   --> /home/me/.rustup/toolchains/x/lib/rustlib/src/rust/library/std/src/thread/scoped.rs:203:5
    |
203 |     pub fn spawn
    |     ^^^^^
";
    let without = "\
error[E0499]: x
  --> counter.rs:16:17
   |
10 |     a
   |     - b
   = note: c
note: d
  --> /rustc/0123/library/std/src/thread/scoped.rs:203:5
";
    let expected = "\
error[E0499]: x
  --> counter.rs:16:17
   |
10 |     a
   |     - b
   = note: c
note: d
  --> [..]/library/std/src/thread/scoped.rs:[..]
";
    assert_eq!(normalize(with_std_source), expected);
    assert_eq!(normalize(without), expected);
}
