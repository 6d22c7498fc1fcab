//! Finding an exercise by the name a learner types, and what they probably
//! meant when no exercise has that name.

use crate::keys::{self, Place};

/// Why a typed name found no single exercise.
#[derive(Debug, PartialEq, Eq)]
pub enum NameError {
    /// No exercise has this name; the closest ones, best first.
    Unknown { typed: String, closest: Vec<String> },
    /// Two lessons have an exercise of this name.
    Ambiguous { typed: String, all: Vec<String> },
}

impl NameError {
    /// What went wrong, what was probably meant, and how to see every name,
    /// in the words of the place where it is read.
    pub fn message(&self, place: Place) -> String {
        let (what, meant) = match self {
            NameError::Unknown { typed, closest } => {
                (format!("no exercise {typed:?}"), closest)
            }
            NameError::Ambiguous { typed, all } => {
                (format!("{typed:?} names more than one exercise"), all)
            }
        };
        // In the runner it is a sentence of its own; in a shell it follows
        // "error: ".
        let what = match place {
            Place::Runner => what[..1].to_uppercase() + &what[1..],
            Place::Shell => what,
        };
        format!(
            "{what}\n  did you mean {}?\n  `{}` shows them all.",
            one_of(meant),
            keys::list(place)
        )
    }
}

/// "a", "a or b", "a, b or c".
fn one_of(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [first @ .., last] => format!("{} or {last}", first.join(", ")),
    }
}

/// How many names a "did you mean" offers.
const CLOSEST: usize = 3;

/// The exercise named `typed`, as an index into `ids` (every exercise's
/// `lesson/name`, in course order). It may be named by its id, by its name
/// alone when only one lesson has it, by its lesson (the lesson's first
/// exercise), or by the path of its file; with dashes for underscores, in
/// any case, with or without `.rs`.
pub fn find(ids: &[String], typed: &str) -> Result<usize, NameError> {
    let wanted = normalize(typed);
    if let Some(at) = ids.iter().position(|id| *id == wanted) {
        return Ok(at);
    }
    if let Some(at) = ids.iter().position(|id| lesson_and_name(id).0 == wanted) {
        return Ok(at);
    }
    let named: Vec<usize> = (0..ids.len())
        .filter(|&at| lesson_and_name(&ids[at]).1 == wanted)
        .collect();
    match named[..] {
        [at] => Ok(at),
        [] => Err(NameError::Unknown {
            typed: typed.trim().to_owned(),
            closest: closest(ids, typed, CLOSEST),
        }),
        _ => Err(NameError::Ambiguous {
            typed: typed.trim().to_owned(),
            all: named.iter().map(|&at| ids[at].clone()).collect(),
        }),
    }
}

fn lesson_and_name(id: &str) -> (&str, &str) {
    id.split_once('/').unwrap_or(("", id))
}

/// The way `find` reads a typed name.
fn normalize(typed: &str) -> String {
    let text = typed.trim().to_lowercase().replace('-', "_");
    let text = text.trim_start_matches("./").trim_end_matches('/');
    let text = text.strip_suffix(".rs").unwrap_or(text);
    // The path the runner shows: lessons/<lesson>/exercises/<name>.rs
    match text
        .strip_prefix("lessons/")
        .and_then(|rest| rest.split_once("/exercises/"))
    {
        Some((lesson, name)) => format!("{lesson}/{name}"),
        None => text.to_owned(),
    }
}

/// The `how_many` ids closest to `typed`: first those that its lesson, its
/// name or itself start with what was typed, then by edit distance (a
/// letter added, dropped, changed or two swapped) to the nearest of the
/// three; ties in course order.
pub fn closest(ids: &[String], typed: &str, how_many: usize) -> Vec<String> {
    let wanted = normalize(typed);
    let mut ranked: Vec<(Closeness, &String)> =
        ids.iter().map(|id| (closeness(id, &wanted), id)).collect();
    // A stable sort keeps the course order among equals.
    ranked.sort_by_key(|&(closeness, _)| closeness);
    ranked
        .into_iter()
        .take(how_many)
        .map(|(_, id)| id.clone())
        .collect()
}

/// The id `typed` most likely means, if it is close enough to be worth
/// offering on its own: a start of it, or a typo of it (as in
/// [`closest_word`]).
pub fn likely(ids: &[String], typed: &str) -> Option<String> {
    let wanted = normalize(typed);
    let id = closest(ids, typed, 1).pop()?;
    let Closeness {
        not_a_start,
        distance,
    } = closeness(&id, &wanted);
    let typo = distance <= 2 && distance * 2 <= wanted.chars().count();
    (!not_a_start || typo).then_some(id)
}

/// How close an id is to what was typed; less is closer.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Closeness {
    /// Neither the id, nor its lesson, nor its name starts with it.
    not_a_start: bool,
    /// Edits from the nearest of the three.
    distance: usize,
}

fn closeness(id: &str, wanted: &str) -> Closeness {
    let (lesson, name) = lesson_and_name(id);
    let parts = [id, lesson, name];
    Closeness {
        not_a_start: wanted.is_empty() || !parts.iter().any(|p| p.starts_with(wanted)),
        distance: parts
            .iter()
            .map(|part| strsim::damerau_levenshtein(wanted, part))
            .min()
            .unwrap_or(usize::MAX),
    }
}

/// The word of `words` that `typed` is most likely a typo of, if it is
/// close enough: at most two edits away, and no more edits than half its
/// letters (so that "g" is not taken for "go", nor "x" for anything).
pub fn closest_word<'a>(words: &[&'a str], typed: &str) -> Option<&'a str> {
    let typed = typed.trim().to_lowercase();
    words
        .iter()
        .map(|word| (strsim::damerau_levenshtein(&typed, word), *word))
        .min_by_key(|&(distance, _)| distance)
        .filter(|&(distance, _)| distance <= 2 && distance * 2 <= typed.chars().count())
        .map(|(_, word)| word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> Vec<String> {
        [
            "join/wait_for_both",
            "join/results_by_join",
            "lock/lost_updates",
            "lock/overbooked",
            "queue/wait_for_both",
            "pool/stuck_job",
        ]
        .map(String::from)
        .to_vec()
    }

    fn found(typed: &str) -> &'static str {
        let at = find(&ids(), typed).unwrap_or_else(|e| panic!("{typed:?}: {e:?}"));
        ids()[at].clone().leak()
    }

    #[test]
    fn an_exercise_is_found_by_id_by_unique_name_by_lesson_or_by_path() {
        assert_eq!(found("join/wait_for_both"), "join/wait_for_both");
        assert_eq!(found("lost-updates"), "lock/lost_updates");
        assert_eq!(found("lost_updates.rs"), "lock/lost_updates");
        assert_eq!(found(" Lock/Overbooked "), "lock/overbooked");
        assert_eq!(found("lock"), "lock/lost_updates");
        assert_eq!(
            found("lessons/pool/exercises/stuck_job.rs"),
            "pool/stuck_job"
        );
        assert_eq!(
            found("./lessons/pool/exercises/stuck_job.rs"),
            "pool/stuck_job"
        );
    }

    #[test]
    fn a_name_two_lessons_share_is_ambiguous() {
        assert_eq!(
            find(&ids(), "wait_for_both"),
            Err(NameError::Ambiguous {
                typed: "wait_for_both".into(),
                all: vec!["join/wait_for_both".into(), "queue/wait_for_both".into()],
            })
        );
    }

    #[test]
    fn a_typo_suggests_what_was_meant_first() {
        assert_eq!(closest(&ids(), "lock/overboked", 1), ["lock/overbooked"]);
        assert_eq!(closest(&ids(), "overbookd", 1), ["lock/overbooked"]);
        assert_eq!(closest(&ids(), "stuck_jbo", 1), ["pool/stuck_job"]);
        assert_eq!(closest(&ids(), "lokc", 1), ["lock/lost_updates"]);
        assert_eq!(closest(&ids(), "Lost-Update", 1), ["lock/lost_updates"]);
    }

    #[test]
    fn what_a_name_starts_with_comes_before_what_is_merely_close() {
        // "res" is 3 edits from "pool" and "lock", but starts an exercise.
        assert_eq!(closest(&ids(), "res", 1), ["join/results_by_join"]);
        assert_eq!(
            closest(&ids(), "lock/", 3),
            ["lock/lost_updates", "lock/overbooked", "join/wait_for_both"]
        );
    }

    #[test]
    fn a_word_is_taken_for_a_typo_only_when_close() {
        let words = ["list", "hint", "go", "reset", "check"];
        assert_eq!(closest_word(&words, "lsit"), Some("list"));
        assert_eq!(closest_word(&words, "LIST"), Some("list"));
        assert_eq!(closest_word(&words, "chek"), Some("check"));
        assert_eq!(closest_word(&words, "rest"), Some("reset"));
        assert_eq!(closest_word(&words, "g"), None);
        assert_eq!(closest_word(&words, "og"), Some("go"));
        assert_eq!(closest_word(&words, "bogus"), None);
        assert_eq!(closest_word(&words, "lock/overbooked"), None);
    }

    #[test]
    fn only_a_close_name_is_offered_on_its_own() {
        assert_eq!(
            likely(&ids(), "overbookd").as_deref(),
            Some("lock/overbooked")
        );
        assert_eq!(likely(&ids(), "stuck").as_deref(), Some("pool/stuck_job"));
        assert_eq!(
            likely(&ids(), "lock/overbooked").as_deref(),
            Some("lock/overbooked")
        );
        assert_eq!(likely(&ids(), "bogus"), None);
        assert_eq!(likely(&ids(), "x"), None);
        // Two edits from "join" are within two, but as many as the letters
        // typed: too far to be a typo.
        assert_eq!(likely(&ids(), "jn"), None);
        // One edit in two letters is half of them: a typo still.
        let short = ["pool/map".to_owned()];
        assert_eq!(likely(&short, "ap").as_deref(), Some("pool/map"));
    }

    #[test]
    fn even_a_name_far_from_all_gets_suggestions() {
        assert_eq!(closest(&ids(), "bogus", 3).len(), 3);
        let Err(NameError::Unknown { closest, .. }) = find(&ids(), "bogus") else {
            panic!("bogus was found");
        };
        assert_eq!(closest.len(), CLOSEST);
    }

    #[test]
    fn the_message_says_what_was_meant_and_how_to_list_where_it_is_read() {
        let error = find(&ids(), "overbookd").unwrap_err();
        let message = error.message(Place::Runner);
        assert!(
            message.starts_with(
                "No exercise \"overbookd\"\n  did you mean lock/overbooked, "
            ),
            "{message}"
        );
        assert!(message.ends_with("?\n  `l` shows them all."), "{message}");
        let message = error.message(Place::Shell);
        assert!(message.starts_with("no exercise"), "{message}");
        assert!(
            message.ends_with("`cargo xtask learn list` shows them all."),
            "{message}"
        );
        let error = find(&ids(), "wait_for_both").unwrap_err();
        assert!(
            error
                .message(Place::Runner)
                .contains("did you mean join/wait_for_both or queue/wait_for_both?")
        );
    }
}
