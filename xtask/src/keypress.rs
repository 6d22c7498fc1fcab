//! Single keys without Enter, when the runner reads a terminal.
//!
//! The terminal is put in "cbreak" mode: it hands over each key as it is
//! pressed, without echoing it, but still turns Ctrl-C into SIGINT (so it
//! stops a check as before) and still starts each printed line at the left
//! margin. Full raw mode (crossterm's) would take both away from every
//! `println!` of the runner.
//!
//! Keys are turned back into the lines the runner already reads
//! ([`crate::keys::parse`]), so that the key names stay the same: `h`, `l`,
//! `n`, `m` and `q` act at once; anything else (`g NAME`, `reset`, an answer
//! to a question) is typed, shown, and sent with Enter.

use std::io::{IsTerminal, Read, Write};

use crossbeam_channel::{Receiver, Sender};
use nix::sys::termios::{self, LocalFlags, SetArg, Termios};

/// The keys that act as soon as they are pressed, at the start of a line.
const AT_ONCE: [char; 5] = ['h', 'l', 'n', 'm', 'q'];

/// A line being typed, key by key.
#[derive(Default)]
pub struct Typing {
    line: String,
}

impl Typing {
    /// Takes one key: returns the line it completes, if any, and what to
    /// show on the screen for it.
    pub fn key(&mut self, key: char) -> (Option<String>, String) {
        match key {
            '\r' | '\n' => {
                let echo = if self.line.is_empty() { "" } else { "\n" };
                (Some(std::mem::take(&mut self.line)), echo.into())
            }
            // Backspace, as terminals send it.
            '\x7f' | '\x08' => match self.line.pop() {
                Some(_) => (None, "\x08 \x08".into()),
                None => (None, String::new()),
            },
            key if self.line.is_empty() && AT_ONCE.contains(&key) => {
                (Some(key.to_string()), format!("{key}\n"))
            }
            key if !key.is_control() => {
                self.line.push(key);
                (None, key.to_string())
            }
            _ => (None, String::new()),
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

/// Reads keys from stdin on a thread of its own, and sends the lines they
/// make, as [`Typing`] makes them.
pub fn read_keys(lines: Sender<String>) {
    let mut typing = Typing::default();
    let mut stdin = std::io::stdin().lock();
    let mut bytes = [0u8; 64];
    // Until stdin ends (0 bytes) or fails.
    while let Ok(read @ 1..) = stdin.read(&mut bytes) {
        let text = String::from_utf8_lossy(&bytes[..read]).into_owned();
        // An arrow or function key comes as an escape sequence in one read:
        // none of them means anything here.
        let text = text.split('\x1b').next().unwrap_or_default();
        for key in text.chars() {
            let (line, echo) = typing.key(key);
            if !echo.is_empty() {
                print!("{echo}");
                let _ = std::io::stdout().flush();
            }
            if let Some(line) = line
                && lines.send(line).is_err()
            {
                return;
            }
        }
    }
}

/// Lines from the learner's keys: one key at a time on a terminal, whole
/// lines otherwise (a pipe, a test).
pub fn lines(on_keys: bool) -> Receiver<String> {
    let (sender, lines) = crossbeam_channel::unbounded();
    std::thread::spawn(move || {
        if on_keys {
            read_keys(sender);
        } else {
            use std::io::BufRead;
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        }
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &str) -> Vec<String> {
        let mut typing = Typing::default();
        keys.chars().filter_map(|key| typing.key(key).0).collect()
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
    }

    #[test]
    fn what_is_typed_is_shown_and_a_key_that_acts_starts_a_new_line() {
        let mut typing = Typing::default();
        assert_eq!(typing.key('h').1, "h\n");
        assert_eq!(typing.key('g').1, "g");
        assert_eq!(typing.key('\x7f').1, "\x08 \x08");
        assert_eq!(typing.key('\x7f').1, "");
        assert_eq!(typing.key('\x01').1, "");
    }
}
