//! Fitting the runner's screens to the terminal: lines wrapped on words to
//! its width, long reports folded to its height, and the progress bar.
//!
//! A learner's terminal is often 80×24 (a tmux pane, a laptop's split).
//! A line one column too long wraps by itself into a second line of one
//! character, and a long report pushes the task and the keys off the top of
//! the screen: so every line is wrapped here, and long reports are folded
//! to what fits, with a key that shows the rest.

use std::io::IsTerminal;

/// The size assumed when it cannot be known (output to a pipe or a file).
pub const DEFAULT_WIDTH: usize = 80;
pub const DEFAULT_HEIGHT: usize = 24;

/// The terminal's width and height, or 80×24 when output is not a terminal.
pub fn size() -> (usize, usize) {
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return (DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }
    match terminal_size::terminal_size_of(&stdout) {
        // A terminal of a few columns cannot show much; wrapping to a width
        // that small would only make each word a line.
        Some((width, height)) => (usize::from(width.0).max(20), usize::from(height.0)),
        None => (DEFAULT_WIDTH, DEFAULT_HEIGHT),
    }
}

/// How many columns a string takes (one per character: the runner's own
/// symbols, ✓ ✗ ▓ ━, are one column wide).
fn columns(text: &str) -> usize {
    text.chars().count()
}

/// `text` wrapped to `width` columns, on spaces. A line keeps its
/// indentation on the lines it wraps onto, so that an indented report stays
/// indented. A single word wider than the line (a long path) is the only
/// thing ever cut, as it cannot fit otherwise.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if columns(line) <= width {
            lines.push(line.to_owned());
            continue;
        }
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        // A deep indentation would leave no room: wrap from the margin.
        let indent = if columns(indent) * 2 > width {
            ""
        } else {
            indent
        };
        let room = width - columns(indent);
        let mut current = String::new();
        for word in body.split(' ').filter(|word| !word.is_empty()) {
            let needed = if current.is_empty() {
                columns(word)
            } else {
                columns(&current) + 1 + columns(word)
            };
            if needed <= room {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(word);
                continue;
            }
            if !current.is_empty() {
                lines.push(format!("{indent}{current}"));
                current.clear();
            }
            let mut word: Vec<char> = word.chars().collect();
            while word.len() > room {
                let rest = word.split_off(room);
                lines.push(format!("{indent}{}", word.iter().collect::<String>()));
                word = rest;
            }
            current = word.into_iter().collect();
        }
        if !current.is_empty() {
            lines.push(format!("{indent}{current}"));
        }
    }
    lines
}

/// Prints `text` wrapped to the terminal's width.
pub fn say(text: &str) {
    for line in wrap(text, size().0) {
        println!("{line}");
    }
}

/// A report cut to `rows` lines: its first lines, then one that says how
/// many are hidden and which key shows them. Its first lines are the
/// verdict and what to do, so that is what stays.
pub fn fold(lines: &[String], rows: usize, show_all: &str) -> Vec<String> {
    if lines.len() <= rows {
        return lines.to_vec();
    }
    let kept = rows.saturating_sub(1).max(1);
    let mut folded = lines[..kept].to_vec();
    folded.push(format!(
        "  … {} more lines: {show_all} shows the whole report.",
        lines.len() - kept
    ));
    folded
}

/// `▓▓▓░░░░░░░ 3/10`: `done` of `total`, in `cells` cells.
pub fn progress_bar(done: usize, total: usize, cells: usize) -> String {
    format!("{} {done}/{total}", bar(done, total, cells))
}

/// `▓▓▓░░░░░░░`: `done` of `total`, in `cells` cells. The first one done
/// fills a cell, and the bar is full only when all are done, so that the
/// bar never says less or more than the count beside it.
pub fn bar(done: usize, total: usize, cells: usize) -> String {
    // Rounded down, the bar is full only when all are done.
    let mut filled = (done * cells).checked_div(total).unwrap_or(0).min(cells);
    if done > 0 && filled == 0 {
        filled = 1;
    }
    format!("{}{}", "▓".repeat(filled), "░".repeat(cells - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: &str = "A program that never finishes is usually waiting for \
                         something that cannot happen: a join on a thread that is \
                         itself waiting for a lock, a message or a child, or a recv \
                         on a channel whose senders are still alive.";

    #[test]
    fn a_long_line_wraps_on_words_and_never_cuts_one() {
        let message = format!("{WORDS} {WORDS}");
        assert!(columns(&message) > 160);
        for width in [80, 60, 160] {
            let lines = wrap(&message, width);
            assert!(lines.len() > 1, "{width}: {lines:?}");
            for line in &lines {
                assert!(columns(line) <= width, "{width}: {line:?}");
            }
            // Every word is whole on some line, in the same order.
            let words: Vec<&str> = lines.iter().flat_map(|l| l.split(' ')).collect();
            let original: Vec<&str> = message.split(' ').collect();
            assert_eq!(words, original, "{width}");
        }
    }

    #[test]
    fn a_line_of_81_or_82_columns_wraps_on_a_word_not_one_character() {
        for extra in ["x", "xy"] {
            let line = format!("{} {extra}", "word ".repeat(15) + "abcdefghijklmnop");
            assert!(columns(&line) > 80, "{}", columns(&line));
            let lines = wrap(&line, 80);
            assert_eq!(lines.len(), 2, "{lines:?}");
            assert!(columns(&lines[1]) > 2, "{lines:?}");
        }
    }

    #[test]
    fn wrapped_lines_keep_their_indentation() {
        let lines = wrap(&format!("  - {WORDS}"), 80);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(line.starts_with("  "), "{line:?}");
            assert!(columns(line) <= 80);
        }
    }

    #[test]
    fn a_line_indented_past_half_the_width_wraps_from_the_margin() {
        let words = "one two three four five six";
        let lines = wrap(&format!("{}{words}", " ".repeat(12)), 20);
        assert_eq!(lines, ["one two three four", "five six"]);
        // Half the width is not past it: the indentation stays.
        let lines = wrap(&format!("{}{words}", " ".repeat(10)), 20);
        assert_eq!(lines[0], format!("{}one two", " ".repeat(10)));
    }

    #[test]
    fn only_a_word_wider_than_the_line_is_cut() {
        let path = "x".repeat(100);
        let lines = wrap(&format!("file {path}"), 80);
        assert_eq!(lines[0], "file");
        assert_eq!(lines[1].len(), 80);
        assert_eq!(lines[2].len(), 20);
    }

    #[test]
    fn short_lines_and_blank_lines_are_kept_as_they_are() {
        assert_eq!(wrap("a\n\n  b", 80), ["a", "", "  b"]);
    }

    #[test]
    fn a_long_report_folds_to_its_rows_and_names_the_key() {
        let report: Vec<String> = (1..=40).map(|n| format!("line {n}")).collect();
        let folded = fold(&report, 8, "m");
        assert_eq!(folded.len(), 8);
        assert_eq!(folded[0], "line 1");
        assert!(folded[7].contains("33 more lines: m shows"), "{folded:?}");
        assert_eq!(fold(&report[..5], 8, "m"), &report[..5]);
    }

    #[test]
    fn the_bar_fills_with_what_is_done() {
        assert_eq!(progress_bar(3, 10, 10), "▓▓▓░░░░░░░ 3/10");
        assert_eq!(progress_bar(0, 30, 5), "░░░░░ 0/30");
        assert_eq!(progress_bar(30, 30, 5), "▓▓▓▓▓ 30/30");
        assert_eq!(progress_bar(0, 0, 3), "░░░ 0/0");
        assert_eq!(progress_bar(1, 30, 20), format!("▓{} 1/30", "░".repeat(19)));
        assert_eq!(progress_bar(29, 30, 5), "▓▓▓▓░ 29/30");
    }
}
