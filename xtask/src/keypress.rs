//! Single keys without Enter, when the runner reads a terminal.
//!
//! The terminal is put in "cbreak" mode: it hands over each key as it is
//! pressed, without echoing it, but still turns Ctrl-C into SIGINT (so it
//! stops a check as before) and still starts each printed line at the left
//! margin. Full raw mode would take both away from every `println!` of the
//! runner. crossterm reads the keys (arrows come as escape sequences, which
//! it decodes), as it does for rustlings.
//!
//! Outside the list, keys are turned back into the lines the runner already
//! reads ([`crate::keys::parse`]), so that the key names stay the same: `h`,
//! `l`, `n`, `m` and `q` act at once; anything else (`g NAME`, `reset`, an
//! answer to a question) is typed, shown, and sent with Enter.

use std::io::IsTerminal;

use crossbeam_channel::Receiver;
use crossterm::event::{Event, KeyCode, KeyEventKind};
use nix::sys::termios::{self, LocalFlags, SetArg, Termios};

/// The keys that act as soon as they are pressed, at the start of a line.
const AT_ONCE: [char; 5] = ['h', 'l', 'n', 'm', 'q'];

/// What the learner typed.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Input {
    /// One key, from a terminal.
    Key(KeyCode),
    /// A whole line, from a pipe (a script, a test).
    Line(String),
}

/// A line being typed, key by key.
#[derive(Default)]
pub struct Typing {
    line: String,
}

impl Typing {
    /// Takes one key: returns the line it completes, if any, and what to
    /// show on the screen for it.
    pub fn key(&mut self, key: KeyCode) -> (Option<String>, String) {
        match key {
            KeyCode::Enter => {
                let echo = if self.line.is_empty() { "" } else { "\n" };
                (Some(std::mem::take(&mut self.line)), echo.into())
            }
            KeyCode::Backspace => match self.line.pop() {
                Some(_) => (None, "\x08 \x08".into()),
                None => (None, String::new()),
            },
            KeyCode::Char(key) if self.line.is_empty() && AT_ONCE.contains(&key) => {
                (Some(key.to_string()), format!("{key}\n"))
            }
            KeyCode::Char(key) if !key.is_control() => {
                self.line.push(key);
                (None, key.to_string())
            }
            // Arrows and the like mean nothing on a line.
            _ => (None, String::new()),
        }
    }

    /// Takes what was typed: the line it completes, if any (printing what
    /// a key shows).
    pub fn take(&mut self, input: Input) -> Option<String> {
        match input {
            Input::Line(line) => Some(line),
            Input::Key(key) => {
                let (line, echo) = self.key(key);
                if !echo.is_empty() {
                    print!("{echo}");
                    let _ = std::io::Write::flush(&mut std::io::stdout());
                }
                line
            }
        }
    }
}

/// The terminal as it was, put back when the runner ends (by `q`, Ctrl-C,
/// an error or a panic).
pub struct Cbreak {
    saved: Termios,
}

impl Cbreak {
    /// Puts the terminal in cbreak mode, if stdin is one.
    pub fn start() -> Option<Cbreak> {
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return None;
        }
        let saved = termios::tcgetattr(&stdin).ok()?;
        let mut keys = saved.clone();
        keys.local_flags
            .remove(LocalFlags::ICANON | LocalFlags::ECHO);
        termios::tcsetattr(&stdin, SetArg::TCSANOW, &keys).ok()?;
        Some(Cbreak { saved })
    }
}

impl Drop for Cbreak {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(std::io::stdin(), SetArg::TCSANOW, &self.saved);
    }
}

/// What the learner types, read on a thread of its own: one key at a time
/// on a terminal, whole lines otherwise. The channel closes when the input
/// ends.
pub fn input(on_keys: bool) -> Receiver<Input> {
    let (sender, input) = crossbeam_channel::unbounded();
    std::thread::spawn(move || {
        if on_keys {
            while let Ok(event) = crossterm::event::read() {
                let Event::Key(key) = event else { continue };
                if key.kind != KeyEventKind::Release
                    && sender.send(Input::Key(key.code)).is_err()
                {
                    break;
                }
            }
        } else {
            use std::io::BufRead;
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if sender.send(Input::Line(line)).is_err() {
                    break;
                }
            }
        }
    });
    input
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of `keys`, as crossterm reads them from a terminal.
    fn code(key: char) -> KeyCode {
        match key {
            '\r' => KeyCode::Enter,
            '\x7f' => KeyCode::Backspace,
            '\x1b' => KeyCode::Esc,
            key => KeyCode::Char(key),
        }
    }

    fn typed(keys: &str) -> Vec<String> {
        let mut typing = Typing::default();
        keys.chars()
            .filter_map(|key| typing.key(code(key)).0)
            .collect()
    }

    #[test]
    fn the_one_letter_keys_act_at_once() {
        assert_eq!(typed("h"), ["h"]);
        assert_eq!(typed("lnmq"), ["l", "n", "m", "q"]);
        assert_eq!(typed("\r"), [""]);
    }

    #[test]
    fn a_key_with_a_name_or_a_word_waits_for_enter() {
        assert_eq!(typed("g lock/overbooked\r"), ["g lock/overbooked"]);
        // Inside a line, h, l, n, m and q are letters.
        assert_eq!(typed("g lock/lock_once\r"), ["g lock/lock_once"]);
        assert_eq!(typed("reset\r"), ["reset"]);
        assert_eq!(typed("y\r"), ["y"]);
        assert_eq!(typed("g lx\x7fock\r"), ["g lock"]);
        assert!(typed("g lock").is_empty());
        assert_eq!(typed("g lo\x1bck\r"), ["g lock"], "Esc is no letter");
        assert_eq!(typed("g lo\x01ck\r"), ["g lock"], "nor is Ctrl-A");
    }

    #[test]
    fn what_is_typed_is_shown_and_a_key_that_acts_starts_a_new_line() {
        let mut typing = Typing::default();
        assert_eq!(typing.key(code('h')).1, "h\n");
        assert_eq!(typing.key(code('g')).1, "g");
        assert_eq!(typing.key(code('\x7f')).1, "\x08 \x08");
        assert_eq!(typing.key(code('\x7f')).1, "");
        assert_eq!(typing.key(KeyCode::Up).1, "");
        assert_eq!(typing.key(code('\x1b')).1, "");
    }
}
