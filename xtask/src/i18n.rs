//! The Chinese edition (中文版), with the gettext workflow of
//! mdbook-i18n-helpers: `mdbook-xgettext` cuts the English book into
//! messages (`po/messages.pot`), `po/zh-CN.po` holds their translations, and
//! the `mdbook-gettext` preprocessor builds the book from them.
//!
//! Code blocks and program output stay as they are in both editions: before
//! either tool sees a chapter, a preprocessor of ours marks every code block
//! `<!-- i18n:skip -->`. Only prose becomes messages, and a change to a
//! lesson's code never touches the translation.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use polib::catalog::Catalog;
use polib::message::{Message, MessageFlags, MessageView};
use polib::metadata::CatalogMetadata;
use polib::po_file;

use crate::{Result, workspace_root};

/// The language of the translation, as mdbook's `book.language` and the
/// PO file's name give it.
pub const LANGUAGE: &str = "zh-CN";
/// The Chinese edition's title (the English one is in book.toml).
const TITLE: &str = "Rust 线程与进程：写给 Python 程序员";
/// Where the translation lives, from the workspace root.
pub const PO: &str = "po/zh-CN.po";
/// The messages of the English book, written by `cargo xtask po` (not
/// committed: the PO file is the record).
const POT: &str = "po/messages.pot";
/// mdbook-i18n-helpers, installed into target/tools as mdbook is.
const HELPERS_VERSION: &str = "0.4.0";
/// The command that brings the PO file up to date.
pub const REFRESH: &str = "cargo xtask po";
/// A new message whose English is at least this close to a message that left
/// the book gets that message's translation, marked fuzzy, to be checked.
const FUZZY_SIMILARITY: f64 = 0.75;

/// The folder of `mdbook-gettext` and `mdbook-xgettext` of the pinned
/// version: target/tools/bin, installed there now when missing.
pub fn helpers() -> Result<PathBuf> {
    let root = workspace_root();
    let tools = root.join("target/tools");
    if !is_installed(&tools) {
        crate::run(
            &format!(
                "cargo install mdbook-i18n-helpers {HELPERS_VERSION} into target/tools"
            ),
            crate::cargo().args([
                "install",
                "mdbook-i18n-helpers",
                "--locked",
                "--version",
                HELPERS_VERSION,
                "--root",
                "target/tools",
            ]),
        )?;
    }
    match is_installed(&tools) {
        true => Ok(tools.join("bin")),
        false => Err(format!(
            "target/tools has no mdbook-i18n-helpers {HELPERS_VERSION}"
        )),
    }
}

/// cargo install's record of what it put in `tools`, and the programs there.
fn is_installed(tools: &Path) -> bool {
    let record = std::fs::read_to_string(tools.join(".crates.toml")).unwrap_or_default();
    record.contains(&format!("\"mdbook-i18n-helpers {HELPERS_VERSION} "))
        && ["mdbook-gettext", "mdbook-xgettext"]
            .iter()
            .all(|program| tools.join("bin").join(program).is_file())
}

/// The environment that makes `mdbook build book` use the helpers in
/// `helpers` and our code-block marker, which runs after `{{#include}}` has
/// put the code in and before gettext reads the chapters.
fn with_helpers(command: &mut Command, helpers: &Path, gettext: bool) -> Result {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![helpers.to_owned()];
    dirs.extend(std::env::split_paths(&path));
    let path = std::env::join_paths(dirs).map_err(|err| format!("PATH: {err}"))?;
    let xtask = std::env::current_exe().map_err(|err| format!("xtask's path: {err}"))?;
    let xtask = rebuilt(&xtask);
    let mut marker = serde_json::json!({
        "command": format!("{} mark-code-blocks", xtask.display()),
        "after": ["links"],
    });
    if gettext {
        marker["before"] = serde_json::json!(["gettext"]);
    }
    command
        .env("PATH", path)
        .env("MDBOOK_PREPROCESSOR__MARK_CODE_BLOCKS", marker.to_string());
    Ok(())
}

/// This program's path, also when cargo has rebuilt it while it runs (as
/// `cargo xtask ci` does, in its `cargo test`): Linux then names the running
/// file `PATH (deleted)`, and the new build is at `PATH`.
fn rebuilt(exe: &Path) -> PathBuf {
    let text = exe.to_string_lossy();
    match text.strip_suffix(" (deleted)") {
        Some(path) if !exe.exists() => PathBuf::from(path),
        _ => exe.to_owned(),
    }
}

/// `mdbook build` of the Chinese edition into `out`, from the PO file.
pub fn build_chinese(mdbook: &Path, helpers: &Path, out: &Path) -> Result {
    let mut command = Command::new(mdbook);
    command
        .arg("build")
        .arg(workspace_root().join("book"))
        .arg("--dest-dir")
        .arg(out)
        .env("MDBOOK_BOOK__LANGUAGE", LANGUAGE)
        .env("MDBOOK_BOOK__TITLE", TITLE)
        // mdbook's page for a wrong address is no chapter, so no message:
        // each edition has its own (renamed 404.html below), found from the
        // Chinese edition's folder of the site.
        .env(
            "MDBOOK_OUTPUT__HTML__INPUT_404",
            format!("404.{LANGUAGE}.md"),
        )
        .env("MDBOOK_OUTPUT__HTML__SITE_URL", format!("/{LANGUAGE}/"))
        .env(
            "MDBOOK_PREPROCESSOR__GETTEXT",
            serde_json::json!({ "after": ["links"], "po-dir": "../po" }).to_string(),
        );
    with_helpers(&mut command, helpers, true)?;
    crate::run("mdbook build (中文版, from po/zh-CN.po)", &mut command)?;
    let not_found = out.join(format!("404.{LANGUAGE}.html"));
    std::fs::rename(&not_found, out.join("404.html"))
        .map_err(|err| format!("{}: {err}", not_found.display()))
}

/// The English book's messages, cut by mdbook-xgettext into `dir`.
pub fn extract(mdbook: &Path, helpers: &Path, dir: &Path) -> Result<Catalog> {
    let _ = std::fs::remove_dir_all(dir);
    let mut command = Command::new(mdbook);
    command
        .arg("build")
        .arg(workspace_root().join("book"))
        .arg("--dest-dir")
        .arg(dir)
        .env(
            "MDBOOK_OUTPUT",
            serde_json::json!({ "xgettext": { "pot-file": "messages.pot", "granularity": 0 } })
                .to_string(),
        );
    with_helpers(&mut command, helpers, false)?;
    crate::run("mdbook-xgettext: the English book's messages", &mut command)?;
    let pot = [dir.join("messages.pot"), dir.join("xgettext/messages.pot")]
        .into_iter()
        .find(|pot| pot.is_file())
        .ok_or_else(|| {
            format!("mdbook-xgettext wrote no messages.pot in {}", dir.display())
        })?;
    let catalog =
        po_file::parse(&pot).map_err(|err| format!("{}: {err}", pot.display()))?;
    // mdbook skips a preprocessor that fails to answer `supports`, silently.
    if let Some(code) = catalog.messages().find(|m| m.msgid().starts_with("```")) {
        return Err(format!(
            "mdbook-xgettext took a code block for a message ({:?}): the preprocessor \
             `cargo xtask mark-code-blocks` did not run",
            shorten(code.msgid())
        ));
    }
    let kept = workspace_root().join(POT);
    std::fs::create_dir_all(kept.parent().unwrap_or(dir))
        .and_then(|()| std::fs::copy(&pot, &kept))
        .map_err(|err| format!("{}: {err}", kept.display()))?;
    Ok(catalog)
}

/// The translation as committed, or an empty one when there is none yet.
fn read_po() -> Result<Catalog> {
    let path = workspace_root().join(PO);
    if !path.exists() {
        return Ok(Catalog::new(new_metadata()));
    }
    po_file::parse(&path).map_err(|err| format!("{PO}: {err}"))
}

/// The header of a new PO file. mdbook-gettext's reader (polib) refuses a
/// file that lacks any of these fields.
fn new_metadata() -> CatalogMetadata {
    let mut metadata = CatalogMetadata::new();
    metadata.project_id_version = "threads-and-processes-in-rust".into();
    metadata.pot_creation_date = "2026-12-03 00:00+0000".into();
    metadata.po_revision_date = "2026-12-03 00:00+0000".into();
    metadata.last_translator = "The course team".into();
    metadata.language_team = "Chinese (simplified)".into();
    metadata.mime_version = "1.0".into();
    metadata.content_type = "text/plain; charset=UTF-8".into();
    metadata.content_transfer_encoding = "8bit".into();
    metadata.language = LANGUAGE.into();
    metadata
}

/// `cargo xtask po`: the English book's messages into po/messages.pot, and
/// po/zh-CN.po brought up to date with them.
pub fn refresh(mdbook: &Path) -> Result {
    let helpers = helpers()?;
    let pot = extract(mdbook, &helpers, &workspace_root().join("target/i18n/pot"))?;
    let (po, counts) = merge(&pot, &read_po()?);
    let path = workspace_root().join(PO);
    po_file::write(&po, &path).map_err(|err| format!("{PO}: {err}"))?;
    eprintln!("==> {PO}: {counts}");
    if counts.new + counts.fuzzy > 0 {
        eprintln!(
            "    Translate the messages with an empty msgstr, check those marked \
             `#, fuzzy` (a guess from an earlier sentence) and remove the mark."
        );
    }
    Ok(())
}

/// What [`merge`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Messages whose translation was kept.
    pub kept: usize,
    /// New messages given the translation of a similar one that left the book.
    pub fuzzy: usize,
    /// New messages with no translation yet.
    pub new: usize,
    /// New messages that are the same in Chinese (figures, code), filled in.
    pub as_is: usize,
    /// Translations of messages that are no longer in the book, dropped.
    pub dropped: usize,
}

impl std::fmt::Display for Merged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} translations kept, {} new messages to translate, {} guessed \
             from an earlier sentence (fuzzy), {} the same in Chinese (figures, \
             code), {} dropped (no longer in the book)",
            self.kept, self.new, self.fuzzy, self.as_is, self.dropped
        )
    }
}

/// The PO file for the messages of `pot`, from the translations of `old`, as
/// gettext's msgmerge does: a message keeps its translation; a new one takes
/// that of the closest message that left the book, marked fuzzy, or none.
pub fn merge(pot: &Catalog, old: &Catalog) -> (Catalog, Merged) {
    let wanted: HashSet<&str> = pot.messages().map(|m| m.msgid()).collect();
    let translated: HashMap<&str, &dyn MessageView> = old
        .messages()
        .filter(|m| !m.msgid().is_empty() && m.is_translated())
        .map(|m| (m.msgid(), m))
        .collect();
    let left: Vec<&dyn MessageView> = translated
        .values()
        .filter(|m| !wanted.contains(m.msgid()))
        .copied()
        .collect();
    let mut counts = Merged {
        dropped: left.len(),
        ..Merged::default()
    };
    let mut merged = Catalog::new(copy_metadata(old));
    for message in pot.messages() {
        let mut flags = MessageFlags::new();
        let msgstr = match translated.get(message.msgid()) {
            Some(known) => {
                counts.kept += 1;
                if known.is_fuzzy() {
                    flags.add_flag("fuzzy");
                }
                known.msgstr().unwrap_or_default().to_owned()
            }
            None => match closest(message.msgid(), &left) {
                Some(similar) => {
                    counts.fuzzy += 1;
                    flags.add_flag("fuzzy");
                    similar.msgstr().unwrap_or_default().to_owned()
                }
                None if needs_no_translation(message.msgid()) => {
                    counts.as_is += 1;
                    message.msgid().to_owned()
                }
                None => {
                    counts.new += 1;
                    String::new()
                }
            },
        };
        merged.append_or_update(
            Message::build_singular()
                .with_source(message.source().to_owned())
                .with_msgid(message.msgid().to_owned())
                .with_msgstr(msgstr)
                .with_flags(flags)
                .done(),
        );
    }
    (merged, counts)
}

/// A message with no words to translate: figures and their units, or code
/// spans, such as a cell of a measured table (`1.98×`, `412 ms`,
/// `` `Mutex<T>` ``). It is its own translation, so that measuring again
/// needs no translator.
pub fn needs_no_translation(msgid: &str) -> bool {
    const UNITS: [&str; 12] = [
        "ms", "s", "µs", "ns", "min", "x", "KiB", "MiB", "GiB", "kB", "MB", "GB",
    ];
    let mut prose = String::new();
    for (i, part) in msgid.split('`').enumerate() {
        // Even parts are outside code spans.
        if i % 2 == 0 {
            prose.push_str(part);
            prose.push(' ');
        }
    }
    prose
        .split(|c: char| !c.is_alphabetic())
        .filter(|word| !word.is_empty())
        .all(|word| UNITS.contains(&word))
}

fn closest<'a>(
    english: &str,
    left: &[&'a dyn MessageView],
) -> Option<&'a dyn MessageView> {
    left.iter()
        .map(|m| (strsim::normalized_levenshtein(english, m.msgid()), *m))
        .filter(|(similarity, _)| *similarity >= FUZZY_SIMILARITY)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, m)| m)
}

/// polib's metadata is not Clone: the header's fields, one by one (its
/// Plural-Forms type is not public).
fn copy_metadata(po: &Catalog) -> CatalogMetadata {
    let from = &po.metadata;
    let mut metadata = new_metadata();
    metadata
        .project_id_version
        .clone_from(&from.project_id_version);
    metadata
        .pot_creation_date
        .clone_from(&from.pot_creation_date);
    metadata.po_revision_date.clone_from(&from.po_revision_date);
    metadata.last_translator.clone_from(&from.last_translator);
    metadata.language_team.clone_from(&from.language_team);
    // Plural-Forms stays polib's default, nplurals=1: Chinese has one form.
    metadata
}

/// How far the PO file is from the English book's messages.
#[derive(Debug, Default)]
pub struct Staleness {
    /// English messages the PO file does not have.
    pub missing: Vec<String>,
    /// Messages it has with no translation.
    pub untranslated: Vec<String>,
    /// Translations marked fuzzy: guessed, not yet checked.
    pub fuzzy: Vec<String>,
    /// Translations of English that is no longer in the book.
    pub obsolete: Vec<String>,
}

impl Staleness {
    pub fn is_current(&self) -> bool {
        self.missing.is_empty()
            && self.untranslated.is_empty()
            && self.fuzzy.is_empty()
            && self.obsolete.is_empty()
    }
}

/// Compares the PO file with the book's messages.
pub fn staleness(pot: &Catalog, po: &Catalog) -> Staleness {
    let wanted: HashSet<&str> = pot.messages().map(|m| m.msgid()).collect();
    let mut stale = Staleness::default();
    for message in pot.messages() {
        match po.find_message(None, message.msgid(), None) {
            None => stale.missing.push(message.msgid().to_owned()),
            Some(m) if !m.is_translated() => {
                stale.untranslated.push(m.msgid().to_owned())
            }
            Some(m) if m.is_fuzzy() => stale.fuzzy.push(m.msgid().to_owned()),
            Some(_) => {}
        }
    }
    stale.obsolete = po
        .messages()
        .map(|m| m.msgid())
        .filter(|msgid| !msgid.is_empty() && !wanted.contains(msgid))
        .map(str::to_owned)
        .collect();
    stale
}

/// The reader's report of a stale PO file: counts, a few of the messages,
/// and the command that refreshes it.
pub fn report(stale: &Staleness) -> String {
    let mut text = format!("{PO} is out of date with the English book:\n");
    for (what, messages) in [
        ("English messages missing from it", &stale.missing),
        ("messages not translated", &stale.untranslated),
        (
            "translations marked fuzzy (guessed, not checked)",
            &stale.fuzzy,
        ),
        (
            "translations of English no longer in the book",
            &stale.obsolete,
        ),
    ] {
        if messages.is_empty() {
            continue;
        }
        let _ = writeln!(text, "  {what}: {}, for example:", messages.len());
        for message in messages.iter().take(3) {
            let _ = writeln!(text, "    {:?}", shorten(message));
        }
    }
    let _ = write!(
        text,
        "Run `{REFRESH}` to bring it up to date, translate the messages it leaves \
         empty, check the ones it marks fuzzy, and commit {PO} with the English change."
    );
    text
}

fn shorten(message: &str) -> String {
    const SHOWN: usize = 70;
    match message.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", &message[..end]),
        None => message.to_owned(),
    }
}

/// The check `cargo xtask book` makes: the book's messages, extracted again,
/// are all in the PO file, translated and checked.
pub fn check_current(mdbook: &Path, helpers: &Path) -> Result {
    let pot = extract(mdbook, helpers, &workspace_root().join("target/i18n/pot"))?;
    let stale = staleness(&pot, &read_po()?);
    if stale.is_current() {
        eprintln!(
            "==> {PO}: all {} messages of the English book translated, none fuzzy",
            pot.count()
        );
        Ok(())
    } else {
        Err(report(&stale))
    }
}

/// `cargo xtask mark-code-blocks`, an mdbook preprocessor: every fenced code
/// block of every chapter gets `<!-- i18n:skip -->` before it, so that
/// mdbook-xgettext leaves it out of the messages and mdbook-gettext leaves it
/// as it is.
pub fn mark_code_blocks_preprocessor(arguments: &[String]) -> Result {
    if arguments.first().map(String::as_str) == Some("supports") {
        return Ok(());
    }
    let input: serde_json::Value = serde_json::from_reader(std::io::stdin())
        .map_err(|err| format!("mark-code-blocks: mdbook's input: {err}"))?;
    let mut book = input
        .get(1)
        .cloned()
        .ok_or("mark-code-blocks: mdbook sent no book")?;
    mark_items(&mut book["items"]);
    serde_json::to_writer(std::io::stdout(), &book)
        .map_err(|err| format!("mark-code-blocks: {err}"))
}

fn mark_items(items: &mut serde_json::Value) {
    let Some(items) = items.as_array_mut() else {
        return;
    };
    for item in items {
        let Some(chapter) = item.get_mut("Chapter") else {
            continue;
        };
        if let Some(content) = chapter["content"].as_str() {
            chapter["content"] = mark_code_blocks(content).into();
        }
        mark_items(&mut chapter["sub_items"]);
    }
}

pub const SKIP: &str = "<!-- i18n:skip -->";

/// `markdown` with [`SKIP`] before every fenced code block, indented as the
/// fence is (so that it stays in its list item). A fence inside a code block
/// is code, not a fence.
pub fn mark_code_blocks(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 1024);
    // The fence that opened the code block we are in: its character, length.
    let mut open: Option<(char, usize)> = None;
    for line in markdown.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        let fence = ['`', '~'].into_iter().find_map(|c| {
            let length = rest.len() - rest.trim_start_matches(c).len();
            (length >= 3).then_some((c, length))
        });
        match (open, fence) {
            (None, Some(opening)) if indent < 4 => {
                out.push_str(&line[..indent]);
                out.push_str(SKIP);
                out.push('\n');
                open = Some(opening);
            }
            (Some((c, length)), Some((close, close_length)))
                if c == close
                    && close_length >= length
                    && rest.trim_start_matches(c).trim().is_empty() =>
            {
                open = None;
            }
            _ => {}
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(messages: &[(&str, &str, bool)]) -> Catalog {
        let mut catalog = Catalog::new(new_metadata());
        for &(msgid, msgstr, fuzzy) in messages {
            let mut flags = MessageFlags::new();
            if fuzzy {
                flags.add_flag("fuzzy");
            }
            catalog.append_or_update(
                Message::build_singular()
                    .with_msgid(msgid.into())
                    .with_msgstr(msgstr.into())
                    .with_flags(flags)
                    .done(),
            );
        }
        catalog
    }

    fn translation(po: &Catalog, msgid: &str) -> (String, bool) {
        let m = po.find_message(None, msgid, None).expect(msgid);
        (m.msgstr().unwrap().to_owned(), m.is_fuzzy())
    }

    #[test]
    fn a_merge_keeps_translations_guesses_close_ones_and_drops_the_rest() {
        let pot = catalog(&[
            ("Threads share memory.", "", false),
            ("A process has its own memory space.", "", false),
            ("A brand new sentence.", "", false),
            ("Checked later.", "", false),
        ]);
        let old = catalog(&[
            ("Threads share memory.", "线程共享内存。", false),
            ("A process has its own memory.", "进程有自己的内存。", false),
            (
                "A sentence that left the book entirely.",
                "离开了的句子。",
                false,
            ),
            ("Checked later.", "稍后检查。", true),
        ]);
        let (po, counts) = merge(&pot, &old);
        assert_eq!(
            counts,
            Merged {
                kept: 2,
                fuzzy: 1,
                new: 1,
                as_is: 0,
                dropped: 2
            }
        );
        assert_eq!(
            translation(&po, "Threads share memory."),
            ("线程共享内存。".into(), false)
        );
        assert_eq!(
            translation(&po, "A process has its own memory space."),
            ("进程有自己的内存。".into(), true)
        );
        assert_eq!(
            translation(&po, "A brand new sentence."),
            (String::new(), false)
        );
        assert_eq!(
            translation(&po, "Checked later."),
            ("稍后检查。".into(), true)
        );
        assert_eq!(po.count(), 4);
        assert!(staleness(&pot, &po).obsolete.is_empty());
    }

    #[test]
    fn figures_and_code_are_their_own_translation() {
        for as_is in [
            "1.98×",
            "412 ms",
            "`Mutex<T>`",
            "3 / 4",
            "12.5 MiB",
            "`a`, `b`",
            "—",
        ] {
            assert!(needs_no_translation(as_is), "{as_is}");
        }
        for words in ["Threads", "the `Mutex` guard", "4 workers", "ms and more"] {
            assert!(!needs_no_translation(words), "{words}");
        }
        let pot = catalog(&[("1.98×", "", false), ("Threads", "", false)]);
        let (po, counts) = merge(&pot, &catalog(&[]));
        assert_eq!((counts.as_is, counts.new), (1, 1));
        assert_eq!(translation(&po, "1.98×"), ("1.98×".into(), false));
        assert_eq!(translation(&po, "Threads"), (String::new(), false));
        assert!(staleness(&pot, &po).obsolete.is_empty());
    }

    #[test]
    fn a_po_file_is_current_only_when_every_message_is_translated_and_checked() {
        let pot = catalog(&[
            ("One.", "", false),
            ("Two.", "", false),
            ("Three.", "", false),
        ]);
        let whole = catalog(&[
            ("One.", "一。", false),
            ("Two.", "二。", false),
            ("Three.", "三。", false),
        ]);
        assert!(staleness(&pot, &whole).is_current());

        let stale = catalog(&[
            ("One.", "", false),
            ("Two.", "二？", true),
            ("Gone.", "走了。", false),
        ]);
        let found = staleness(&pot, &stale);
        assert_eq!(found.missing, ["Three."]);
        assert_eq!(found.untranslated, ["One."]);
        assert_eq!(found.fuzzy, ["Two."]);
        assert_eq!(found.obsolete, ["Gone."]);
        assert!(!found.is_current());
        let report = report(&found);
        assert!(
            report.contains("English messages missing from it: 1,"),
            "{report}"
        );
        assert!(report.contains(REFRESH), "{report}");
    }

    #[test]
    fn each_kind_of_staleness_alone_makes_it_stale() {
        let one = |field: fn(&mut Staleness) -> &mut Vec<String>| {
            let mut stale = Staleness::default();
            field(&mut stale).push("x".into());
            assert!(!stale.is_current());
        };
        one(|s| &mut s.missing);
        one(|s| &mut s.untranslated);
        one(|s| &mut s.fuzzy);
        one(|s| &mut s.obsolete);
        assert!(Staleness::default().is_current());
    }

    #[test]
    fn every_code_block_is_marked_and_nothing_inside_one() {
        let markdown = "Text.\n\n```rust\nlet a = 1;\n```\n\n- item\n\n  ~~~text\n  out\n  ~~~\n\n\
                        ````md\n```rust\nnot a fence\n```\n````\n    ```indented code```\n";
        assert_eq!(
            mark_code_blocks(markdown),
            format!(
                "Text.\n\n{SKIP}\n```rust\nlet a = 1;\n```\n\n- item\n\n  {SKIP}\n  ~~~text\n  out\n  ~~~\n\n\
                 {SKIP}\n````md\n```rust\nnot a fence\n```\n````\n    ```indented code```\n"
            )
        );
    }

    #[test]
    fn a_program_rebuilt_while_it_runs_is_found_at_its_path() {
        let gone = Path::new("/nonexistent/target/debug/xtask (deleted)");
        assert_eq!(rebuilt(gone), Path::new("/nonexistent/target/debug/xtask"));
        let here = std::env::current_exe().unwrap();
        assert_eq!(rebuilt(&here), here);
    }

    #[test]
    fn long_messages_are_shortened_in_the_report() {
        assert_eq!(shorten("短"), "短");
        let long = "字".repeat(80);
        assert_eq!(shorten(&long).chars().count(), 71);
    }
}
