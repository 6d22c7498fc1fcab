//! A copied or moved checkout works on its own files: xtask finds the
//! workspace where it runs, not where it was compiled (cargo does not
//! rebuild a checkout that moved, rust-lang/cargo#8693).

use std::path::{Path, PathBuf};
use std::process::Command;

const SOLUTION: &str = "\
//! # Demo
//!
//! Say hello.

fn main() {
    //~ // TODO: say hello.
    // ANCHOR: solution
    println!(\"hello\");
    // ANCHOR_END: solution
}
";

/// A folder for this test, removed with everything in it at the end.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A workspace with one exercise of lesson join (a solution, no starter yet).
fn fake_workspace(name: &str) -> Scratch {
    let root = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    write(&root.join("Cargo.toml"), "[workspace]\nmembers = []\n");
    write(
        &root.join("xtask/Cargo.toml"),
        "[package]\nname = \"xtask\"\n",
    );
    let exercises = root.join("lessons/join/exercises");
    write(
        &exercises.join("exercises.toml"),
        "[[exercise]]\nname = \"demo\"\nhint = \"Print it.\"\n",
    );
    write(&exercises.join("solutions/demo.rs"), SOLUTION);
    Scratch(root)
}

/// Runs `xtask cut-starters` in `dir`, with `manifest_dir` as what cargo
/// would set, and returns what it printed.
fn cut_starters(dir: &Path, manifest_dir: Option<&Path>) -> String {
    // Cargo says at run time where it built the binary.
    let xtask = std::env::var_os("CARGO_BIN_EXE_xtask").expect("run by cargo test");
    let mut command = Command::new(xtask);
    command.arg("cut-starters").current_dir(dir);
    match manifest_dir {
        Some(manifest_dir) => command.env("CARGO_MANIFEST_DIR", manifest_dir),
        None => command.env_remove("CARGO_MANIFEST_DIR"),
    };
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn xtask_works_in_the_workspace_it_runs_in() {
    let copy = fake_workspace("xtask-copied-checkout");
    let root = &copy.0;
    let starter = root.join("lessons/join/exercises/demo.rs");

    // As `cargo xtask` runs it: cargo gives the xtask package's folder.
    let printed = cut_starters(&std::env::temp_dir(), Some(&root.join("xtask")));
    assert_eq!(printed, "wrote lessons/join/exercises/demo.rs\n");
    let cut = std::fs::read_to_string(&starter).expect("the starter, in the copy");
    assert!(cut.contains("// TODO: say hello.") && !cut.contains("println!"));

    // Run some other way: from the current folder, anywhere below the root.
    std::fs::remove_file(&starter).unwrap();
    cut_starters(&root.join("lessons/join"), None);
    assert!(starter.exists(), "no starter written in the copy");
}
