//! The learner's progress: which exercises passed, and which one is current.
//!
//! It lives in the file `.learn-progress` at the top of the course, and
//! nowhere else. A runner stays open for hours while the learner runs one-off
//! commands in another shell (`cargo xtask learn reset NAME`), or opens a
//! second runner; a copy kept in memory would soon be out of date, and writing
//! it back would bring back a mark that was taken off, or take off one that
//! was added. So every screen reads the file, and every change is made to
//! what the file holds at that moment ([`ProgressFile::update`]):
//!
//! - under a lock (`.learn-progress.lock`), so that two changes at the same
//!   time are made one after the other, each to what the other wrote;
//! - written whole to a temporary file in the same folder and renamed over
//!   the old one, so that a reader sees the old file or the new one, never
//!   half of one, even when a writer is killed half-way.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::Result;

/// The file's name, at the top of the course (git ignores it).
pub const FILE: &str = ".learn-progress";

/// What the file says. Marks of exercises the course does not have (renamed,
/// or on another branch) are kept, and not counted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Progress {
    done: BTreeSet<String>,
    current: Option<String>,
}

impl Progress {
    /// Reads the file's text: `current ID` and `done ID` lines. Anything else
    /// (comments, a line cut short, stray bytes) is skipped rather than
    /// refused: a learner should never lose their marks to a typo.
    pub fn parse(text: &str) -> Progress {
        let mut progress = Progress::default();
        for line in text.lines() {
            match line.trim().split_once(' ') {
                Some(("done", id)) if is_id(id.trim()) => {
                    progress.done.insert(id.trim().to_owned());
                }
                Some(("current", id)) if is_id(id.trim()) => {
                    progress.current = Some(id.trim().to_owned());
                }
                _ => {}
            }
        }
        progress
    }

    pub fn render(&self) -> String {
        let mut text = String::from(
            "# cargo xtask learn: your progress. Delete this file to start over;\n\
             # your exercise files stay as they are.\n",
        );
        if let Some(current) = &self.current {
            text.push_str(&format!("current {current}\n"));
        }
        for id in &self.done {
            text.push_str(&format!("done {id}\n"));
        }
        text
    }

    pub fn is_done(&self, id: &str) -> bool {
        self.done.contains(id)
    }

    pub fn mark_done(&mut self, id: &str) {
        self.done.insert(id.to_owned());
    }

    pub fn mark_to_do(&mut self, id: &str) {
        self.done.remove(id);
    }

    pub fn set_current(&mut self, id: &str) {
        self.current = Some(id.to_owned());
    }

    /// How many of the course's exercises (`ids`, in course order) are done.
    pub fn done_count(&self, ids: &[String]) -> usize {
        ids.iter().filter(|id| self.is_done(id)).count()
    }

    /// Where in `ids` the current exercise is: the one chosen last, or else
    /// the first one not done yet (the last one when all are done).
    pub fn current(&self, ids: &[String]) -> usize {
        self.current
            .as_ref()
            .and_then(|current| ids.iter().position(|id| id == current))
            .or_else(|| ids.iter().position(|id| !self.is_done(id)))
            .unwrap_or(ids.len().saturating_sub(1))
    }

    /// The first exercise after `ids[at]` that is not done, going round.
    pub fn next_after(&self, ids: &[String], at: usize) -> Option<usize> {
        (at + 1..ids.len())
            .chain(0..at)
            .find(|&i| !self.is_done(&ids[i]))
    }
}

/// `lesson/name`: the only thing a mark may name.
fn is_id(text: &str) -> bool {
    let word = |part: &str| {
        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    matches!(text.split_once('/'), Some((lesson, name)) if word(lesson) && word(name))
}

/// The progress file of a course.
pub struct ProgressFile {
    path: PathBuf,
}

impl ProgressFile {
    /// The progress file in `folder` (the top of the course).
    pub fn in_folder(folder: &Path) -> ProgressFile {
        ProgressFile {
            path: folder.join(FILE),
        }
    }

    /// What the file says now; no file is no progress yet.
    pub fn read(&self) -> Result<Progress> {
        match std::fs::read(&self.path) {
            // Stray bytes (a bad copy, an editor's encoding) spoil one line,
            // not the whole file.
            Ok(bytes) => Ok(Progress::parse(&String::from_utf8_lossy(&bytes))),
            Err(err) if err.kind() == ErrorKind::NotFound => Ok(Progress::default()),
            Err(err) => Err(format!("cannot read {}: {err}", self.path.display())),
        }
    }

    /// Reads the file, makes `change` to what it holds, and writes it back,
    /// all under the lock. Returns the progress as written.
    pub fn update(&self, change: impl FnOnce(&mut Progress)) -> Result<Progress> {
        let _locked = self.lock()?;
        let mut progress = self.read()?;
        change(&mut progress);
        self.write(&progress)?;
        Ok(progress)
    }

    /// Waits until no other runner or command is changing the file; the lock
    /// is held until the returned file is dropped.
    fn lock(&self) -> Result<File> {
        let file = self.lock_file()?;
        file.lock().map_err(|err| {
            format!("cannot lock {}: {err}", self.lock_path().display())
        })?;
        Ok(file)
    }

    fn lock_file(&self) -> Result<File> {
        OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.lock_path())
            .map_err(|err| format!("cannot open {}: {err}", self.lock_path().display()))
    }

    fn lock_path(&self) -> PathBuf {
        self.path.with_file_name(format!("{FILE}.lock"))
    }

    /// Writes the file whole, then renames it into place: a rename within a
    /// folder replaces the old file at once.
    fn write(&self, progress: &Progress) -> Result {
        let temporary = self.path.with_file_name(format!("{FILE}.new"));
        let written = File::create(&temporary).and_then(|mut file| {
            file.write_all(progress.render().as_bytes())?;
            // On disk before the rename, so that a crash leaves the old file
            // or the new one, not an empty one.
            file.sync_all()
        });
        let renamed = written.and_then(|()| std::fs::rename(&temporary, &self.path));
        renamed.map_err(|err| {
            let _ = std::fs::remove_file(&temporary);
            format!("cannot write {}: {err}", self.path.display())
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn ids() -> Vec<String> {
        [
            "join/wait_for_both",
            "join/results_by_join",
            "lock/lost_updates",
            "queue/wait_for_both",
        ]
        .map(String::from)
        .to_vec()
    }

    /// A folder of its own under the system's temporary folder, removed at
    /// the end of the test.
    pub(crate) struct Folder(pub(crate) PathBuf);

    impl Folder {
        pub(crate) fn new(test: &str) -> Folder {
            let path = std::env::temp_dir()
                .join(format!("xtask-progress-{test}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            Folder(path)
        }

        fn names(&self) -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(&self.0)
                .unwrap()
                .map(|entry| entry.unwrap().file_name().into_string().unwrap())
                .collect();
            names.sort();
            names
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn the_current_exercise_is_the_one_chosen_or_the_first_not_done() {
        let ids = ids();
        let mut progress = Progress::default();
        assert_eq!(progress.current(&ids), 0);
        progress.mark_done("join/wait_for_both");
        assert_eq!(progress.current(&ids), 1);
        progress.set_current("queue/wait_for_both");
        assert_eq!(progress.current(&ids), 3);
        // A current exercise the course no longer has: the first not done.
        progress.set_current("gone/exercise");
        assert_eq!(progress.current(&ids), 1);
        for id in &ids {
            progress.mark_done(id);
        }
        progress.current = None;
        assert_eq!(progress.current(&ids), 3, "all done: the last one");
    }

    #[test]
    fn next_skips_what_is_done_and_goes_round() {
        let ids = ids();
        let mut progress = Progress::default();
        progress.mark_done("join/wait_for_both");
        progress.mark_done("lock/lost_updates");
        assert_eq!(progress.next_after(&ids, 1), Some(3));
        assert_eq!(progress.next_after(&ids, 3), Some(1));
        progress.mark_done("queue/wait_for_both");
        assert_eq!(progress.next_after(&ids, 1), None);
    }

    #[test]
    fn only_the_courses_exercises_are_counted() {
        let mut progress = Progress::default();
        progress.mark_done("join/wait_for_both");
        progress.mark_done("gone/exercise");
        assert_eq!(progress.done_count(&ids()), 1);
        progress.mark_to_do("join/wait_for_both");
        assert_eq!(progress.done_count(&ids()), 0);
    }

    #[test]
    fn the_text_reads_back_as_it_was_written() {
        let mut progress = Progress::default();
        progress.mark_done("join/wait_for_both");
        progress.mark_done("gone/exercise");
        progress.set_current("lock/lost_updates");
        assert_eq!(Progress::parse(&progress.render()), progress);
    }

    #[test]
    fn a_damaged_or_hand_edited_file_keeps_every_mark_it_still_has() {
        let text = "# a comment\r\n\
                    done join/wait_for_both\r\n\
                    done\n\
                    current\n\
                    done lock/\n\
                    garbage \u{FFFD}\u{FFFD}\n\
                    done  lock/lost_updates  \n\
                    current queue/wait_for_both\n\
                    current queue/\n\
                    done queue/wait_fo";
        let progress = Progress::parse(text);
        assert!(progress.is_done("join/wait_for_both"), "CRLF line ends");
        assert!(progress.is_done("lock/lost_updates"), "extra spaces");
        assert_eq!(progress.done_count(&ids()), 2);
        // A later `current` line that names no exercise does not count.
        assert_eq!(progress.current.as_deref(), Some("queue/wait_for_both"));
        assert!(!progress.is_done("lock/"));
    }

    #[test]
    fn the_file_round_trips_and_no_file_is_no_progress() {
        let folder = Folder::new("round-trip");
        let file = ProgressFile::in_folder(&folder.0);
        assert_eq!(file.read().unwrap(), Progress::default());
        let written = file
            .update(|progress| {
                progress.mark_done("join/wait_for_both");
                progress.set_current("join/results_by_join");
            })
            .unwrap();
        assert_eq!(file.read().unwrap(), written);
        assert!(written.is_done("join/wait_for_both"));
    }

    #[test]
    fn stray_bytes_in_the_file_spoil_only_their_line() {
        let folder = Folder::new("bytes");
        let file = ProgressFile::in_folder(&folder.0);
        let mut bytes = b"done join/wait_for_both\n".to_vec();
        bytes.extend_from_slice(b"done \xff\xfe/x\n");
        bytes.extend_from_slice(b"done lock/lost_updates\n");
        std::fs::write(folder.0.join(FILE), bytes).unwrap();
        let progress = file.read().unwrap();
        assert!(progress.is_done("join/wait_for_both"));
        assert!(progress.is_done("lock/lost_updates"));
    }

    #[test]
    fn a_file_that_cannot_be_read_is_an_error_not_an_empty_progress() {
        let folder = Folder::new("unreadable");
        // A folder where the file should be: reading it fails, and the
        // runner must say so rather than start over and write on top of it.
        std::fs::create_dir(folder.0.join(FILE)).unwrap();
        let file = ProgressFile::in_folder(&folder.0);
        assert!(file.read().is_err());
        assert!(file.update(|p| p.mark_done("join/wait_for_both")).is_err());
    }

    #[test]
    fn a_change_is_made_to_what_the_file_holds_not_to_an_old_copy() {
        let folder = Folder::new("two-writers");
        let runner = ProgressFile::in_folder(&folder.0);
        let other_shell = ProgressFile::in_folder(&folder.0);
        runner
            .update(|p| {
                p.mark_done("join/wait_for_both");
                p.mark_done("join/results_by_join");
            })
            .unwrap();
        // The runner has drawn its screen from this...
        let seen_by_runner = runner.read().unwrap();
        assert!(seen_by_runner.is_done("join/wait_for_both"));
        // ...when a command in another shell resets one exercise and passes
        // another.
        other_shell
            .update(|p| {
                p.mark_to_do("join/wait_for_both");
                p.mark_done("queue/wait_for_both");
            })
            .unwrap();
        // The runner's next move keeps both changes.
        let after = runner
            .update(|p| p.set_current("lock/lost_updates"))
            .unwrap();
        assert!(
            !after.is_done("join/wait_for_both"),
            "a reset mark came back"
        );
        assert!(after.is_done("queue/wait_for_both"), "a new mark was lost");
        assert!(after.is_done("join/results_by_join"));
        assert_eq!(runner.read().unwrap(), after);
    }

    #[test]
    fn no_one_else_can_change_the_file_while_a_change_is_made() {
        let folder = Folder::new("lock");
        let runner = ProgressFile::in_folder(&folder.0);
        let other_shell = ProgressFile::in_folder(&folder.0);
        runner
            .update(|_| {
                // Between this change's read and its write, another writer
                // would read what is about to be replaced, and undo it.
                let lock = other_shell.lock_file().unwrap();
                assert!(
                    lock.try_lock().is_err(),
                    "a second writer could start in the middle of a change"
                );
            })
            .unwrap();
        other_shell
            .update(|p| p.mark_done("lock/lost_updates"))
            .unwrap();
    }

    #[test]
    fn a_reader_sees_the_old_file_or_the_new_one_never_a_mix() {
        let folder = Folder::new("whole");
        let file = ProgressFile::in_folder(&folder.0);
        file.update(|p| p.mark_done("join/wait_for_both")).unwrap();
        let before = std::fs::read_to_string(folder.0.join(FILE)).unwrap();
        // A reader that opened the file just before a change...
        let mut reader = File::open(folder.0.join(FILE)).unwrap();
        file.update(|p| p.mark_done("lock/lost_updates")).unwrap();
        // ...still reads the old file, whole: the new one replaced it rather
        // than being written into it.
        let mut read = String::new();
        std::io::Read::read_to_string(&mut reader, &mut read).unwrap();
        assert_eq!(read, before);
        assert!(file.read().unwrap().is_done("lock/lost_updates"));
    }

    #[test]
    fn a_write_leaves_only_the_progress_file_and_its_lock() {
        let folder = Folder::new("atomic");
        let file = ProgressFile::in_folder(&folder.0);
        file.update(|p| p.mark_done("join/wait_for_both")).unwrap();
        file.update(|p| p.mark_done("lock/lost_updates")).unwrap();
        assert_eq!(
            folder.names(),
            [FILE.to_owned(), format!("{FILE}.lock")],
            "a temporary file was left behind"
        );
    }
}
