//! `cargo xtask learn check --all`: every exercise checked again, in course
//! order, then a table of how each went.
//!
//! What this module decides is kept apart from the building and running (in
//! `learn.rs`), so that it can be tested without a compiler: what a verdict
//! does to the progress file, and what the table says.

use crate::progress::Progress;

/// How one exercise's check went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Passes,
    Fails,
    DoesNotCompile,
    /// Stopped at its time limit.
    Hangs,
}

impl Verdict {
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Passes => "passes",
            Verdict::Fails => "fails",
            Verdict::DoesNotCompile => "does not compile",
            Verdict::Hangs => "hangs",
        }
    }
}

/// One line of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub verdict: Verdict,
    /// It was marked done, and no longer passes: the mark was taken off.
    pub unmarked: bool,
}

/// Changes `progress` as a check of `id` with this verdict does, and returns
/// the table's row: a pass is marked done, as a single check marks it; an
/// exercise marked done that no longer passes is to do again, since a mark
/// that says otherwise would lie.
pub fn record(progress: &mut Progress, id: &str, verdict: Verdict) -> Row {
    let unmarked = verdict != Verdict::Passes && progress.is_done(id);
    if verdict == Verdict::Passes {
        progress.mark_done(id);
    } else {
        progress.mark_to_do(id);
    }
    Row {
        id: id.to_owned(),
        verdict,
        unmarked,
    }
}

/// The line that shows how far the run is, redrawn in place on a terminal:
/// `▓▓▓░░░░ 3/30 lock/overbooked`.
pub fn progress_line(done: usize, total: usize, id: &str) -> String {
    format!("{} {id}", crate::screen::progress_bar(done, total, 20))
}

/// The table, then a summary line; the width of the name column fits the
/// longest name.
pub fn table(rows: &[Row]) -> String {
    let width = rows
        .iter()
        .map(|row| row.id.chars().count())
        .max()
        .unwrap_or(0)
        .max("exercise".len());
    let mut text = format!("{:<width$}  verdict\n", "exercise");
    text.push_str(&format!("{}  {}\n", "─".repeat(width), "─".repeat(16)));
    for row in rows {
        let mark = if row.verdict == Verdict::Passes {
            "✓"
        } else {
            "✗"
        };
        text.push_str(&format!(
            "{:<width$}  {mark} {}",
            row.id,
            row.verdict.words()
        ));
        if row.unmarked {
            text.push_str(" (was done: now to do again)");
        }
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&summary(rows));
    text
}

/// `28 of 30 pass; 1 fails, 1 hangs.`, and what to do next.
pub fn summary(rows: &[Row]) -> String {
    let count = |verdict| rows.iter().filter(|row| row.verdict == verdict).count();
    let passing = count(Verdict::Passes);
    if passing == rows.len() {
        return format!("All {} exercises pass.", rows.len());
    }
    let others: Vec<String> = [Verdict::Fails, Verdict::DoesNotCompile, Verdict::Hangs]
        .into_iter()
        .filter(|verdict| count(*verdict) > 0)
        .map(|verdict| format!("{} {}", count(verdict), verdict.words()))
        .collect();
    let unmarked = rows.iter().filter(|row| row.unmarked).count();
    let mut text = format!("{passing} of {} pass; {}.", rows.len(), others.join(", "));
    match unmarked {
        0 => {}
        1 => text.push_str("\n1 marked done no longer passes, and is to do again."),
        _ => text.push_str(&format!(
            "\n{unmarked} marked done no longer pass, and are to do again."
        )),
    }
    text.push_str(
        "\n`cargo xtask learn check NAME` shows what one of them found,\n\
         and `cargo xtask learn go NAME` takes it.",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pass_is_marked_done_and_a_failure_of_a_done_exercise_is_unmarked() {
        let mut progress = Progress::default();
        progress.mark_done("join/a");
        progress.mark_done("join/b");

        let row = record(&mut progress, "join/a", Verdict::Passes);
        assert!(!row.unmarked);
        assert!(progress.is_done("join/a"));

        for verdict in [Verdict::Fails, Verdict::DoesNotCompile, Verdict::Hangs] {
            progress.mark_done("join/b");
            let row = record(&mut progress, "join/b", verdict);
            assert!(row.unmarked, "{verdict:?}");
            assert!(!progress.is_done("join/b"), "{verdict:?} left it done");
        }

        // Not done before, not done after, and nothing was taken off.
        let row = record(&mut progress, "lock/c", Verdict::Fails);
        assert!(!row.unmarked);
        let row = record(&mut progress, "lock/c", Verdict::Passes);
        assert!(progress.is_done("lock/c") && !row.unmarked);
    }

    fn row(id: &str, verdict: Verdict, unmarked: bool) -> Row {
        Row {
            id: id.into(),
            verdict,
            unmarked,
        }
    }

    #[test]
    fn the_table_gives_each_verdict_and_sums_them_up() {
        let rows = [
            row("join/wait_for_both", Verdict::Passes, false),
            row("lock/overbooked", Verdict::DoesNotCompile, false),
            row("lock/lock_once", Verdict::Hangs, true),
            row("lock/poisoned", Verdict::Fails, false),
        ];
        let table = table(&rows);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "exercise            verdict", "{table}");
        assert_eq!(lines[2], "join/wait_for_both  ✓ passes");
        assert_eq!(lines[3], "lock/overbooked     ✗ does not compile");
        assert_eq!(
            lines[4],
            "lock/lock_once      ✗ hangs (was done: now to do again)"
        );
        assert_eq!(lines[5], "lock/poisoned       ✗ fails");
        assert!(
            table.contains("1 of 4 pass; 1 fails, 1 does not compile, 1 hangs."),
            "{table}"
        );
        assert!(
            table.contains("1 marked done no longer passes, and is to do again."),
            "{table}"
        );
        for line in lines {
            assert!(line.chars().count() <= 80, "{line}");
        }
    }

    /// The sum names only the verdicts that some exercise got, and says
    /// nothing of marks taken off when none was.
    #[test]
    fn the_sum_names_only_what_happened() {
        let rows = [
            row("join/a", Verdict::Passes, false),
            row("join/b", Verdict::Fails, false),
        ];
        let sum = summary(&rows);
        assert!(sum.starts_with("1 of 2 pass; 1 fails.\n"), "{sum}");
        assert!(!sum.contains("marked done"), "{sum}");
        let unmarked = [
            row("join/a", Verdict::Fails, true),
            row("join/b", Verdict::Hangs, true),
        ];
        let sum = summary(&unmarked);
        assert!(
            sum.contains("\n2 marked done no longer pass, and are to do again."),
            "{sum}"
        );
    }

    #[test]
    fn all_passing_says_so_and_nothing_else() {
        let rows = [
            row("join/a", Verdict::Passes, false),
            row("join/b", Verdict::Passes, false),
        ];
        assert_eq!(summary(&rows), "All 2 exercises pass.");
    }
}
