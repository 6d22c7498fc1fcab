//! What a learner can ask the runner for, and how to ask for it where they
//! are: a key inside the runner (`l`, `g NAME`), a one-off command in a shell
//! (`cargo xtask learn list`). Every message takes its words from here, so
//! that it names what works where it is read.

/// Where a message is read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Place {
    /// Inside the runner, which takes single keys.
    Runner,
    /// In a shell, after a one-off command.
    Shell,
}

/// How to see every exercise.
pub fn list(place: Place) -> &'static str {
    match place {
        Place::Runner => "l",
        Place::Shell => "cargo xtask learn list",
    }
}

/// How to make another exercise current.
pub fn go(place: Place) -> &'static str {
    match place {
        Place::Runner => "g NAME",
        Place::Shell => "cargo xtask learn go NAME",
    }
}

/// How to go to this exercise, ready to type.
pub fn go_to(place: Place, id: &str) -> String {
    go(place).replace("NAME", id)
}

/// The runner's keys: a letter acts at once, a word or a name is typed and
/// sent with Enter.
pub const RUNNER_KEYS: [(&str, &str); 7] = [
    ("Enter", "check"),
    ("h", "hint"),
    ("l", "list"),
    ("n", "next"),
    ("g NAME", "go"),
    ("reset", "start over"),
    ("q", "quit"),
];

/// The keys as the runner shows them under each verdict.
pub fn key_bar() -> String {
    RUNNER_KEYS
        .iter()
        .map(|(key, does)| format!("{key}: {does}"))
        .collect::<Vec<_>>()
        .join("  ")
}

/// The keys typed before Enter, for a short reminder.
pub fn key_names() -> String {
    let keys: Vec<&str> = RUNNER_KEYS[1..].iter().map(|(key, _)| *key).collect();
    format!(
        "{} or {}",
        keys[..keys.len() - 1].join(", "),
        keys[keys.len() - 1]
    )
}

/// What a line typed into the runner asks for.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Typed {
    Check,
    Hint,
    List,
    Next,
    Go(String),
    /// `g` without a name.
    GoWhere,
    Reset,
    Quit,
    Unknown(String),
}

/// Reads a typed line. The long words (`hint`, `list`, `go`...) work too, as
/// they are what the one-off commands are called.
pub fn parse(line: &str) -> Typed {
    let line = line.trim();
    let (word, rest) = match line.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (line, ""),
    };
    match (word, rest) {
        ("", _) => Typed::Check,
        ("h" | "hint", "") => Typed::Hint,
        ("l" | "list", "") => Typed::List,
        ("n" | "next", "") => Typed::Next,
        ("g" | "go", "") => Typed::GoWhere,
        ("g" | "go", name) => Typed::Go(name.to_owned()),
        ("reset", "") => Typed::Reset,
        ("q" | "quit" | "exit", "") => Typed::Quit,
        _ => Typed::Unknown(line.to_owned()),
    }
}

/// A confirmation: only a yes is a yes.
pub fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_their_long_words_are_read() {
        assert_eq!(parse(""), Typed::Check);
        assert_eq!(parse("  "), Typed::Check);
        assert_eq!(parse("h"), Typed::Hint);
        assert_eq!(parse("hint"), Typed::Hint);
        assert_eq!(parse("l"), Typed::List);
        assert_eq!(parse("n"), Typed::Next);
        assert_eq!(parse(" q "), Typed::Quit);
        assert_eq!(parse("reset"), Typed::Reset);
        assert_eq!(
            parse("g lock/overbooked"),
            Typed::Go("lock/overbooked".into())
        );
        assert_eq!(parse("go   lock "), Typed::Go("lock".into()));
        assert_eq!(parse("x"), Typed::Unknown("x".into()));
        assert_eq!(parse("hint me"), Typed::Unknown("hint me".into()));
    }

    #[test]
    fn g_alone_asks_where_to() {
        assert_eq!(parse("g"), Typed::GoWhere);
        assert_eq!(parse("go "), Typed::GoWhere);
    }

    #[test]
    fn every_key_the_runner_names_is_a_key_it_takes() {
        for (key, _) in RUNNER_KEYS {
            let typed = match key {
                "Enter" => "".to_owned(),
                key => key.replace("NAME", "lock"),
            };
            assert!(
                !matches!(parse(&typed), Typed::Unknown(_) | Typed::GoWhere),
                "the runner names {key:?} but does not take it"
            );
        }
        assert!(!matches!(
            parse(&go_to(Place::Runner, "lock")),
            Typed::Unknown(_)
        ));
        assert!(!matches!(parse(list(Place::Runner)), Typed::Unknown(_)));
    }

    #[test]
    fn the_runner_names_keys_and_the_shell_names_commands() {
        for place in [Place::Runner, Place::Shell] {
            let words = [list(place).to_owned(), go_to(place, "lock/overbooked")];
            for words in words {
                assert_eq!(
                    words.starts_with("cargo xtask learn"),
                    place == Place::Shell,
                    "{words:?} in {place:?}"
                );
            }
        }
        assert!(!key_bar().contains("cargo"));
        assert_eq!(key_names(), "h, l, n, g NAME, reset or q");
    }

    #[test]
    fn the_key_bar_fits_80_columns() {
        assert!(key_bar().chars().count() <= 80, "{}", key_bar());
    }

    #[test]
    fn only_yes_confirms() {
        for yes in ["y", "Y", "yes", " YES "] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "n", "no", "ye", "yes please", "q"] {
            assert!(!is_yes(no), "{no:?}");
        }
    }
}
