//! The runner's list of exercises (`l`): move with the arrows, show the done
//! ones or those still to do, Enter goes to one, `r` puts one back to its
//! starter. What it shows and how it answers a key are worked out here,
//! without a terminal, so that they can be tested; the runner draws the
//! lines and hands over the keys.

use crossterm::event::KeyCode;

use crate::screen;

/// One exercise, as the list shows it.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: String,
    pub title: String,
    pub done: bool,
}

/// Which exercises are shown.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Filter {
    All,
    Done,
    ToDo,
}

impl Filter {
    fn keeps(self, row: &Row) -> bool {
        match self {
            Filter::All => true,
            Filter::Done => row.done,
            Filter::ToDo => !row.done,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Done => "done",
            Filter::ToDo => "to do",
        }
    }
}

/// What a key in the list asks the runner to do.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Action {
    /// Nothing beyond drawing the list again.
    Stay,
    /// Make this exercise current and take it.
    Go(String),
    /// Put this exercise back to its starter, once the learner says yes.
    Reset(String),
    /// Back to the exercise, as it was.
    Back,
}

/// The rows kept for what the last key did (a question, what a reset did).
pub const MESSAGE_ROWS: usize = 2;

/// The keys of the list, as its last line names them.
pub const KEYS: &str =
    "↑↓: move  Enter: go  r: reset  d: done  t: to do  a: all  q: back";

pub struct ListView {
    rows: Vec<Row>,
    /// The exercise the runner is on (▶).
    current: String,
    filter: Filter,
    /// The selected exercise, as its place in `rows`; kept when the filter
    /// changes if it is still shown.
    selected: usize,
    /// The first row shown, when the list is longer than the screen.
    top: usize,
}

impl ListView {
    /// The list with the current exercise selected.
    pub fn new(rows: Vec<Row>, current: &str) -> ListView {
        let selected = rows.iter().position(|row| row.id == current).unwrap_or(0);
        ListView {
            rows,
            current: current.to_owned(),
            filter: Filter::All,
            selected,
            top: 0,
        }
    }

    /// The list again with what the progress file says now (after a reset),
    /// the selection and filter kept.
    pub fn refresh(&mut self, rows: Vec<Row>) {
        self.rows = rows;
        self.select_shown();
    }

    /// The places in `rows` of the rows the filter shows.
    fn shown(&self) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|&at| self.filter.keeps(&self.rows[at]))
            .collect()
    }

    /// The selected exercise, if the filter shows any.
    pub fn selected(&self) -> Option<&Row> {
        self.shown()
            .contains(&self.selected)
            .then(|| &self.rows[self.selected])
    }

    /// After a filter change: the selection stays if it is shown, or moves
    /// to the nearest row that is.
    fn select_shown(&mut self) {
        let shown = self.shown();
        if let Some(&nearest) = shown.iter().min_by_key(|&&at| at.abs_diff(self.selected))
        {
            self.selected = nearest;
        }
    }

    /// Moves the selection by `by` shown rows, stopping at either end.
    fn move_by(&mut self, by: isize) {
        let shown = self.shown();
        let Some(at) = shown.iter().position(|&row| row == self.selected) else {
            return;
        };
        let to = at.saturating_add_signed(by).min(shown.len() - 1);
        self.selected = shown[to];
    }

    /// Answers one key; `page` is how many rows a page is.
    pub fn press(&mut self, key: KeyCode, page: usize) -> Action {
        let page = page.max(1) as isize;
        match key {
            KeyCode::Up | KeyCode::Char('k') => self.move_by(-1),
            KeyCode::Down | KeyCode::Char('j') => self.move_by(1),
            KeyCode::PageUp => self.move_by(-page),
            KeyCode::PageDown => self.move_by(page),
            KeyCode::Home => self.move_by(isize::MIN / 2),
            KeyCode::End => self.move_by(isize::MAX / 2),
            KeyCode::Char(filter @ ('a' | 'd' | 't')) => {
                self.filter = match filter {
                    'd' => Filter::Done,
                    't' => Filter::ToDo,
                    _ => Filter::All,
                };
                self.select_shown();
            }
            KeyCode::Enter => {
                if let Some(row) = self.selected() {
                    return Action::Go(row.id.clone());
                }
            }
            KeyCode::Char('r') => {
                if let Some(row) = self.selected() {
                    return Action::Reset(row.id.clone());
                }
            }
            KeyCode::Char('q' | 'l') | KeyCode::Esc => return Action::Back,
            _ => {}
        }
        Action::Stay
    }

    /// How many exercise rows fit on a screen `height` rows high, under the
    /// header and above the line of rows not shown, a message of up to
    /// [`MESSAGE_ROWS`], the keys and the cursor's line.
    pub fn page(height: usize) -> usize {
        height.saturating_sub(4 + MESSAGE_ROWS).max(3)
    }

    /// The screen: a header, the rows that fit (scrolled so that the
    /// selected one is shown), `message` (what the last key did) and the
    /// keys. Returns the lines and which of them is selected.
    pub fn lines(
        &mut self,
        message: &str,
        width: usize,
        height: usize,
    ) -> (Vec<String>, Option<usize>) {
        let done = self.rows.iter().filter(|row| row.done).count();
        let total = self.rows.len();
        let shown = self.shown();
        let mut lines = vec![fit(
            &format!(
                "━━ Exercises ━━  {} done {done}/{total}  showing: {} ({})",
                screen::bar(done, total, 10),
                self.filter.words(),
                shown.len()
            ),
            width,
        )];
        let page = Self::page(height);
        let at = shown.iter().position(|&row| row == self.selected);
        if let Some(at) = at {
            // Scroll as little as keeps the selection on screen: the top row
            // not below it, and not more than a page above it.
            self.top = self.top.min(at).max((at + 1).saturating_sub(page));
        }
        self.top = self.top.min(shown.len().saturating_sub(page));
        let mut selected_line = None;
        for &row in shown.iter().skip(self.top).take(page) {
            let exercise = &self.rows[row];
            let mark = if exercise.id == self.current {
                "▶"
            } else if exercise.done {
                "✓"
            } else {
                " "
            };
            if row == self.selected {
                selected_line = Some(lines.len());
            }
            lines.push(fit(
                &format!("{mark} {:<34} {}", exercise.id, exercise.title),
                width,
            ));
        }
        if shown.is_empty() {
            lines.push(format!("  (no exercise is {})", self.filter.words()));
        }
        // Rows above or below the screen.
        let below = shown.len().saturating_sub(self.top + page);
        lines.push(match (self.top, below) {
            (0, 0) => String::new(),
            (above, below) => format!("  ({above} more above, {below} more below)"),
        });
        let mut message = screen::wrap(message.trim_end(), width);
        message.resize(MESSAGE_ROWS, String::new());
        lines.extend(message);
        lines.push(fit(KEYS, width));
        (lines, selected_line)
    }
}

/// A line cut to `width` columns, with … where it was cut: a list row is
/// one line, however narrow the terminal.
fn fit(line: &str, width: usize) -> String {
    if line.chars().count() <= width {
        return line.to_owned();
    }
    let mut cut: String = line.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row> {
        (1..=30)
            .map(|n| Row {
                id: format!("lesson/exercise_{n:02}"),
                title: format!("Title {n}"),
                done: n % 3 == 0,
            })
            .collect()
    }

    fn selected(list: &ListView) -> String {
        list.selected()
            .map(|row| row.id.clone())
            .unwrap_or_default()
    }

    #[test]
    fn it_opens_on_the_current_exercise_and_the_arrows_move_within_the_list() {
        let mut list = ListView::new(rows(), "lesson/exercise_05");
        assert_eq!(selected(&list), "lesson/exercise_05");
        list.press(KeyCode::Down, 10);
        list.press(KeyCode::Char('j'), 10);
        assert_eq!(selected(&list), "lesson/exercise_07");
        list.press(KeyCode::Up, 10);
        assert_eq!(selected(&list), "lesson/exercise_06");
        list.press(KeyCode::PageDown, 10);
        assert_eq!(selected(&list), "lesson/exercise_16");
        list.press(KeyCode::PageUp, 4);
        assert_eq!(selected(&list), "lesson/exercise_12");
        list.press(KeyCode::End, 10);
        assert_eq!(selected(&list), "lesson/exercise_30");
        list.press(KeyCode::Down, 10);
        assert_eq!(selected(&list), "lesson/exercise_30", "past the end");
        list.press(KeyCode::Home, 10);
        list.press(KeyCode::Up, 10);
        assert_eq!(selected(&list), "lesson/exercise_01", "past the start");
    }

    #[test]
    fn the_filters_show_done_or_to_do_and_keep_a_selection_that_is_shown() {
        let mut list = ListView::new(rows(), "lesson/exercise_05");
        list.press(KeyCode::Char('d'), 10);
        // 5 is not done: the nearest done one is 6 (3 is as near; either).
        assert!(list.selected().unwrap().done);
        list.press(KeyCode::Down, 10);
        let after = selected(&list);
        assert!(list.selected().unwrap().done, "{after}");
        list.press(KeyCode::Char('t'), 10);
        assert!(!list.selected().unwrap().done);
        let (lines, _) = list.lines("", 80, 24);
        assert!(lines[0].ends_with("showing: to do (20)"), "{}", lines[0]);
        assert!(lines.iter().all(|line| !line.starts_with('✓')), "{lines:?}");
        list.press(KeyCode::Char('a'), 10);
        let (lines, _) = list.lines("", 80, 24);
        assert!(lines[0].ends_with("showing: all (30)"), "{}", lines[0]);
    }

    #[test]
    fn enter_goes_to_the_selected_exercise_and_r_asks_to_reset_it() {
        let mut list = ListView::new(rows(), "lesson/exercise_01");
        list.press(KeyCode::Down, 10);
        assert_eq!(
            list.press(KeyCode::Enter, 10),
            Action::Go("lesson/exercise_02".into())
        );
        assert_eq!(
            list.press(KeyCode::Char('r'), 10),
            Action::Reset("lesson/exercise_02".into())
        );
        for back in [KeyCode::Char('q'), KeyCode::Esc, KeyCode::Char('l')] {
            assert_eq!(list.press(back, 10), Action::Back);
        }
        assert_eq!(list.press(KeyCode::Char('x'), 10), Action::Stay);
    }

    #[test]
    fn with_nothing_shown_enter_and_r_do_nothing() {
        let none_done: Vec<Row> = rows()
            .into_iter()
            .map(|row| Row { done: false, ..row })
            .collect();
        let mut list = ListView::new(none_done, "lesson/exercise_01");
        list.press(KeyCode::Char('d'), 10);
        assert!(list.selected().is_none());
        assert_eq!(list.press(KeyCode::Enter, 10), Action::Stay);
        assert_eq!(list.press(KeyCode::Char('r'), 10), Action::Stay);
        let (lines, selected_line) = list.lines("", 80, 24);
        assert_eq!(selected_line, None);
        assert!(
            lines.contains(&"  (no exercise is done)".to_owned()),
            "{lines:?}"
        );
    }

    #[test]
    fn the_list_fits_80_by_24_and_scrolls_to_keep_the_selection_on_screen() {
        let mut list = ListView::new(rows(), "lesson/exercise_01");
        let page = ListView::page(24);
        for _ in 0..29 {
            list.press(KeyCode::Down, page);
            let message = "A message as long as a question: does it take two lines, \
                           or more than two, at eighty columns? [y/N]";
            let (lines, selected_line) = list.lines(message, 80, 24);
            // The cursor's line is the 24th, and no other row is left empty.
            assert_eq!(lines.len(), 23, "{lines:#?}");
            assert!(lines.iter().all(|line| line.chars().count() <= 80));
            let at = selected_line.expect("the selection is off the screen");
            assert!(lines[at].contains(&selected(&list)), "{lines:?}");
            assert_eq!(lines.last().unwrap(), KEYS);
            assert!(lines[lines.len() - 2].ends_with("[y/N]"), "{lines:?}");
            assert!(lines[0].starts_with("━━ Exercises ━━"));
        }
        let (lines, _) = list.lines("", 80, 24);
        assert!(
            lines
                .iter()
                .any(|line| line.contains("more above, 0 more below"))
        );
    }

    #[test]
    fn the_list_scrolls_as_little_as_keeps_the_selection_on_screen() {
        let mut list = ListView::new(rows(), "lesson/exercise_01");
        let page = ListView::page(24);
        // The screen's line of exercise `at` (line 0 is the header), when
        // the list is scrolled to `top`, and the line of rows not shown.
        let check = |list: &mut ListView, at: usize, top: usize| {
            let (lines, selected_line) = list.lines("", 80, 24);
            assert_eq!(
                selected_line,
                Some(1 + at - top),
                "exercise {at}: {lines:#?}"
            );
            let not_shown =
                format!("  ({top} more above, {} more below)", 30 - page - top);
            assert_eq!(lines[1 + page], not_shown, "exercise {at}");
        };
        check(&mut list, 0, 0);
        // Down: the selection moves down the screen, then the rows scroll
        // under it one at a time.
        for at in 1..30 {
            list.press(KeyCode::Down, page);
            check(&mut list, at, (at + 1).saturating_sub(page));
        }
        // Up: the rows stay until the selection reaches the top row.
        for at in (0..29).rev() {
            list.press(KeyCode::Up, page);
            check(&mut list, at, at.min(30 - page));
        }
    }

    #[test]
    fn marks_say_current_and_done_and_a_narrow_terminal_cuts_rows() {
        let mut list = ListView::new(rows(), "lesson/exercise_02");
        let (lines, _) = list.lines("", 40, 24);
        assert!(lines[2].starts_with("▶ lesson/exercise_02"), "{lines:?}");
        assert!(lines[3].starts_with("✓ lesson/exercise_03"), "{lines:?}");
        assert!(lines[1].starts_with("  lesson/exercise_01"), "{lines:?}");
        assert!(lines.iter().all(|line| line.chars().count() <= 40));
        assert!(lines[1].ends_with('…'), "{lines:?}");
    }
}
