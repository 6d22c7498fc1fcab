//! `cargo xtask bless` (SNAPSHOTS=overwrite): a check rewrites a golden that
//! no longer matches and records the samples. A test binary of its own, as
//! it sets SNAPSHOTS for the whole process.

use std::path::PathBuf;

use shared::golden::{Check, Lesson, SAMPLE_ATTEMPTS, built_program, package_dir};

/// A copy of the demo lesson's goldens (`shared/golden/`), removed when dropped.
struct Copy(PathBuf);

impl Copy {
    fn of_the_goldens() -> Copy {
        let dir =
            std::env::temp_dir().join(format!("shared-bless-{}", std::process::id()));
        // From here on, a failure removes the folder when `copy` is dropped.
        let copy = Copy(dir);
        std::fs::create_dir_all(copy.0.join("golden")).expect("create the copy");
        for entry in std::fs::read_dir(package_dir().join("golden")).expect("goldens") {
            let path = entry.expect("golden").path();
            let name = path.file_name().expect("a name");
            std::fs::copy(&path, copy.0.join("golden").join(name))
                .expect("copy a golden");
        }
        copy
    }

    fn read(&self, file: &str) -> String {
        std::fs::read_to_string(self.0.join("golden").join(file)).expect("read")
    }

    fn write(&self, file: &str, text: &str) {
        std::fs::write(self.0.join("golden").join(file), text).expect("write");
    }

    fn remove(&self, file: &str) {
        std::fs::remove_file(self.0.join("golden").join(file)).expect("remove");
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

#[test]
fn blessing_rewrites_the_golden_and_records_the_samples() {
    // SAFETY: the only test of this binary, so no other thread reads the
    // environment meanwhile.
    unsafe { std::env::set_var("SNAPSHOTS", "overwrite") };
    let copy = Copy::of_the_goldens();
    let bin = built_program("examples/demo_lesson");
    assert!(
        bin.exists(),
        "{}: `cargo test -p shared` builds it",
        bin.display()
    );
    let utf8 = |path: &PathBuf| path.to_str().expect("a UTF-8 path").to_owned();
    let demo = Lesson::new(&utf8(&bin), &utf8(&copy.0));

    copy.write("greet.stdout", "hello from nobody\n");
    copy.write("greet.sample", "hello from nobody\n");
    demo.check(Check::exact("greet"));
    assert_eq!(copy.read("greet.stdout"), "hello from pid [PID]\n");
    let sample = copy.read("greet.sample");
    let pid = sample.strip_prefix("hello from pid ").expect(&sample);
    assert!(pid.trim_end().parse::<u32>().is_ok(), "{sample}");

    copy.remove("panics.sample");
    copy.remove("panics.stderr.sample");
    demo.check(Check::exact("panics"));
    assert_eq!(copy.read("panics.sample"), "T1 panicked: true\n");
    let stderr = copy.read("panics.stderr.sample");
    assert!(stderr.contains("T1 gives up"), "{stderr}");

    let never = std::panic::catch_unwind(|| {
        demo.check(Check::exact("greet").sample_shows("goodbye"));
    });
    let message = never.expect_err("no run says goodbye");
    let message = message.downcast_ref::<String>().expect("a message");
    let expected = format!("no run in {SAMPLE_ATTEMPTS} printed a line like \"goodbye\"");
    assert!(message.contains(&expected), "{message}");
}
