//! Checks of the built book, on the HTML a reader gets: every internal link
//! and anchor resolves inside the build folder, no listing is longer than a
//! screen or wider than the text column, and the lesson and solution pages
//! show real runs, never a golden's placeholders. The Chinese edition, built
//! into the folder `zh-CN` of the English one, is checked the same way, and
//! also for what makes it an edition: the same pages as the English book,
//! and no paragraph of English prose outside the code.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use regex::Regex;

/// The most visible lines one code or output block may have.
pub const MAX_LISTING_LINES: usize = 60;
/// The widest line a code or output block may have, in characters.
pub const MAX_COLUMNS: usize = 90;

/// What the goldens write where a run varies; a reader must never meet one.
const PLACEHOLDERS: [&str; 8] = [
    "[ELAPSED]",
    "[PID]",
    "[TID]",
    "[PERCENT]",
    "[RATIO]",
    "[PORT]",
    "[LINE]",
    "[..]",
];

/// The folder of the Chinese edition, inside the English one's.
const CHINESE: &str = "zh-CN";

/// Every problem found in the book built into `build`, one line each.
pub fn check_built_book(build: &Path) -> Vec<String> {
    let pages = html_pages(build);
    let mut ids: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut texts = Vec::new();
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap_or_default();
        ids.insert(page.clone(), ids_of(&html));
        texts.push((page.clone(), html));
    }
    let mut problems = Vec::new();
    for (page, html) in &texts {
        let path = page.strip_prefix(build).unwrap_or(page);
        let name = path.display().to_string();
        // The page's place in its edition: the same for both editions.
        let (chinese, in_edition) = match path.strip_prefix(CHINESE) {
            Ok(in_chinese) => (true, in_chinese),
            Err(_) => (false, path),
        };
        let in_edition = in_edition.display().to_string();
        problems.extend(
            broken_links(build, page, html, &ids)
                .into_iter()
                .map(|link| format!("{name}: link to {link} leads nowhere in the book")),
        );
        // print.html repeats every page; its problems are those of the pages.
        if in_edition == "print.html" {
            continue;
        }
        problems.extend(
            listing_problems(html)
                .into_iter()
                .map(|problem| format!("{name}: {problem}")),
        );
        if chinese {
            problems.extend(english_prose_in(html).into_iter().map(|text| {
                format!("{name}: English prose on a Chinese page: {text:?}")
            }));
            problems.extend(unrendered_emphasis_in(html).into_iter().map(|text| {
                format!(
                    "{name}: emphasis that did not render: {text:?} (write <em>, <strong> \
                     in Chinese messages)"
                )
            }));
        }
        if in_edition.starts_with("lessons/") || in_edition.starts_with("solutions/") {
            problems.extend(
                placeholders_in(html)
                    .into_iter()
                    .map(|p| format!("{name}: shows the golden placeholder {p}: include the recorded run (.sample)")),
            );
        }
    }
    problems.extend(pages_missing_from_an_edition(build, &pages));
    problems
}

/// Pages that one edition has and the other lacks, where the language switch
/// would lead nowhere. (No Chinese edition at all is not a problem here.)
fn pages_missing_from_an_edition(build: &Path, pages: &[PathBuf]) -> Vec<String> {
    let chinese = build.join(CHINESE);
    if !chinese.is_dir() {
        return Vec::new();
    }
    let in_edition = |prefix: &Path| -> HashSet<PathBuf> {
        pages
            .iter()
            .filter(|page| {
                page.starts_with(prefix)
                    && (prefix != build || !page.starts_with(&chinese))
            })
            .filter_map(|page| page.strip_prefix(prefix).ok())
            .map(Path::to_owned)
            .collect()
    };
    let english = in_edition(build);
    let translated = in_edition(&chinese);
    let mut problems: Vec<String> = english
        .difference(&translated)
        .map(|page| format!("{}: no Chinese edition of this page", page.display()))
        .chain(translated.difference(&english).map(|page| {
            format!(
                "{CHINESE}/{}: no English edition of this page",
                page.display()
            )
        }))
        .collect();
    problems.sort();
    problems
}

/// The paragraphs, list items, headings and table cells of a page's main
/// part whose prose is English: three words or more outside code, and not
/// one Chinese character. English meant to be English, such as the
/// glossary's column of English terms, is marked `<span lang="en">`.
fn english_prose_in(html: &str) -> Vec<String> {
    let main = html
        .split_once("<main>")
        .and_then(|(_, rest)| rest.split_once("</main>"))
        .map_or(html, |(main, _)| main);
    let code =
        Regex::new(r#"(?s)<pre\b.*?</pre>|<code\b.*?</code>|<span lang="en">.*?</span>"#)
            .expect("regex");
    let block = Regex::new(r"(?s)<(p|li|h[1-6]|td|th|figcaption)\b[^>]*>(.*?)</(?:p|li|h[1-6]|td|th|figcaption)>")
        .expect("regex");
    let tag = Regex::new(r"<[^>]*>").expect("regex");
    let word = Regex::new(r"[A-Za-z]{2,}").expect("regex");
    // A list of lessons' names (`pool, gil_efficiency, lock`) is names.
    let names = Regex::new(r"^[a-z_]+(?:, [a-z_]+)+$").expect("regex");
    let without_code = code.replace_all(main, " ");
    block
        .captures_iter(&without_code)
        .map(|c| decode(&tag.replace_all(&c[2], " ")))
        .filter(|text| {
            !names.is_match(text.trim())
                && word.find_iter(text).count() >= 3
                && !text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        })
        .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Emphasis marks shown as text on a Chinese page: a `*` or `_` beside a
/// Chinese character, outside code. mdbook-gettext writes a translation's
/// `*x*` back as `_x_`, which CommonMark does not read as emphasis between
/// two Chinese characters.
fn unrendered_emphasis_in(html: &str) -> Vec<String> {
    let main = html
        .split_once("<main>")
        .and_then(|(_, rest)| rest.split_once("</main>"))
        .map_or(html, |(main, _)| main);
    let code = Regex::new(r"(?s)<pre\b.*?</pre>|<code\b.*?</code>").expect("regex");
    let tag = Regex::new(r"<[^>]*>").expect("regex");
    let text = decode(&tag.replace_all(&code.replace_all(main, " "), " "));
    let mark = Regex::new(r"\S{0,4}(?:\p{Han}[_*]+|[_*]+\p{Han})\S{0,4}").expect("regex");
    mark.find_iter(&text)
        .map(|m| m.as_str().to_owned())
        .collect()
}

fn html_pages(build: &Path) -> Vec<PathBuf> {
    let mut pages = Vec::new();
    let mut pending = vec![build.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                pages.push(path);
            }
        }
    }
    pages.sort();
    pages
}

fn ids_of(html: &str) -> HashSet<String> {
    let id = Regex::new(r#"\b(?:id|name)="([^"]+)""#).expect("regex");
    id.captures_iter(html).map(|c| decode(&c[1])).collect()
}

/// The links of `page` that point at a missing file or anchor of the build
/// (or out of it); links to other sites are not followed.
fn broken_links(
    build: &Path,
    page: &Path,
    html: &str,
    ids: &HashMap<PathBuf, HashSet<String>>,
) -> Vec<String> {
    let link = Regex::new(r#"\b(?:href|src)="([^"]*)""#).expect("regex");
    let mut broken = Vec::new();
    for capture in link.captures_iter(html) {
        let target = decode(&capture[1]);
        if target.is_empty()
            || target.contains("://")
            || target.starts_with("//")
            || target.starts_with("mailto:")
            || target.starts_with("javascript:")
            || target.starts_with("data:")
            // mdbook's theme writes some links from script at run time.
            || target.contains("{{")
        {
            continue;
        }
        let (file, fragment) = match target.split_once('#') {
            Some((file, fragment)) => (file, Some(fragment)),
            None => (target.as_str(), None),
        };
        let file = file.split('?').next().unwrap_or_default();
        let resolved = if file.is_empty() {
            Some(page.to_owned())
        } else {
            let resolved = match file.strip_prefix('/') {
                // The 404 page links from the site's root, where the book is served.
                Some(from_root) => resolve(build, from_root),
                None => resolve(page.parent().unwrap_or(build), file),
            };
            resolved.filter(|path| path.starts_with(build)).map(|path| {
                if path.is_dir() {
                    path.join("index.html")
                } else {
                    path
                }
            })
        };
        let ok = match resolved {
            Some(path) if path.is_file() => match (fragment, ids.get(&path)) {
                (Some(fragment), Some(ids)) if !fragment.is_empty() => {
                    ids.contains(&percent_decode(fragment))
                }
                _ => true,
            },
            _ => false,
        };
        if !ok {
            broken.push(target);
        }
    }
    broken
}

/// `relative` joined to `dir`, with `..` applied: None if it climbs above
/// the root of the file system.
fn resolve(dir: &Path, relative: &str) -> Option<PathBuf> {
    let mut path = PathBuf::new();
    for component in dir.join(percent_decode(relative)).components() {
        match component {
            Component::ParentDir => {
                if !path.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => path.push(other),
        }
    }
    Some(path)
}

/// Listings over [`MAX_LISTING_LINES`] visible lines, and lines of a listing
/// over [`MAX_COLUMNS`] characters: both make the reader scroll.
fn listing_problems(html: &str) -> Vec<String> {
    let pre = Regex::new(r"(?s)<pre\b[^>]*>(.*?)</pre>").expect("regex");
    let mut problems = Vec::new();
    for (index, block) in pre.captures_iter(html).enumerate() {
        let text = visible_text(&block[1]);
        let lines: Vec<&str> = text.trim_end_matches('\n').lines().collect();
        let first = lines.iter().find(|l| !l.trim().is_empty()).unwrap_or(&"");
        if lines.len() > MAX_LISTING_LINES {
            problems.push(format!(
                "listing {} is {} lines long (at most {MAX_LISTING_LINES}), starting {first:?}",
                index + 1,
                lines.len()
            ));
        }
        for line in lines {
            let width = line.chars().count();
            if width > MAX_COLUMNS {
                problems.push(format!(
                    "listing {}: a line of {width} characters (at most {MAX_COLUMNS}): {line:?}",
                    index + 1
                ));
            }
        }
    }
    problems
}

/// The text of a code block as the reader sees it: without the lines that
/// mdbook hides (`# ` lines of Rust, shown only on request), tags and entities.
fn visible_text(block: &str) -> String {
    let hidden = Regex::new(r#"(?s)<span class="boring">.*?</span>"#).expect("regex");
    let tag = Regex::new(r"<[^>]*>").expect("regex");
    decode(&tag.replace_all(&hidden.replace_all(block, ""), ""))
}

fn placeholders_in(html: &str) -> Vec<&'static str> {
    let main = html
        .split_once("<main>")
        .and_then(|(_, rest)| rest.split_once("</main>"))
        .map_or(html, |(main, _)| main);
    let tag = Regex::new(r"<[^>]*>").expect("regex");
    let text = decode(&tag.replace_all(main, ""));
    PLACEHOLDERS
        .into_iter()
        .filter(|placeholder| text.contains(placeholder))
        .collect()
}

fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny built book in a temporary folder.
    struct Book(PathBuf);

    impl Book {
        fn new(pages: &[(&str, &str)]) -> Book {
            let dir = std::env::temp_dir().join(format!(
                "book-check-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            let _ = std::fs::remove_dir_all(&dir);
            for (name, html) in pages {
                let path = dir.join(name);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, html).unwrap();
            }
            Book(dir)
        }

        fn problems(&self) -> Vec<String> {
            check_built_book(&self.0)
        }
    }

    impl Drop for Book {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn page(body: &str) -> String {
        format!("<html><body><main>{body}</main></body></html>")
    }

    #[test]
    fn links_and_anchors_inside_the_book_resolve() {
        let book = Book::new(&[
            (
                "index.html",
                &page(r#"<a href="lessons/a.html#two">a</a><a href="/">home</a>"#),
            ),
            (
                "lessons/a.html",
                &page(
                    r##"<h2 id="two">Two</h2><a href="../index.html">up</a><a href="#two">self</a><a href="https://docs.rs/x">x</a>"##,
                ),
            ),
        ]);
        assert_eq!(book.problems(), Vec::<String>::new());
    }

    #[test]
    fn a_missing_page_anchor_or_a_link_out_of_the_book_is_reported() {
        let book = Book::new(&[
            (
                "lessons/a.html",
                &page(
                    r#"<a href="b.html">missing page</a><a href="../index.html#nope">missing anchor</a><a href="../../../lessons/a/x.rs">out of the book</a>"#,
                ),
            ),
            ("index.html", &page("<h1 id=\"top\">x</h1>")),
        ]);
        let problems = book.problems();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems[0].contains("b.html"));
        assert!(problems[1].contains("#nope"));
        assert!(problems[2].contains("../../../lessons/a/x.rs"));
    }

    #[test]
    fn listings_longer_than_a_screen_or_wider_than_the_column_are_reported() {
        let long: String = (0..61).map(|i| format!("line {i}\n")).collect();
        let fits: String = (0..60).map(|i| format!("line {i}\n")).collect();
        let hidden: String = (0..30)
            .map(|i| format!("<span class=\"boring\">h {i}\n</span>"))
            .collect();
        let wide = "x".repeat(91);
        let html = page(&format!(
            "<pre><code>{fits}</code></pre><pre><code>{hidden}{fits}</code></pre>\
             <pre><code>{long}</code></pre><pre><code>{}&lt;</code></pre><pre>{wide}</pre>",
            "y".repeat(89)
        ));
        let problems = listing_problems(&html);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert!(problems[0].contains("listing 3 is 61 lines"));
        assert!(problems[1].contains("listing 5: a line of 91 characters"));
    }

    #[test]
    fn placeholders_are_reported_on_lesson_pages_only() {
        let shows = page("<pre><code>wall [ELAPSED], pid [PID]\n</code></pre>");
        let book = Book::new(&[
            ("lessons/a.html", &shows),
            ("solutions/a.html", &page("job1 [..]")),
            ("appendix-goldens.html", &shows),
        ]);
        let problems = book.problems();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(problems.iter().all(|p| !p.starts_with("appendix")));
        assert!(problems.iter().any(|p| p.contains("[ELAPSED]")));
        assert!(problems.iter().any(|p| p.contains("[..]")));
    }

    #[test]
    fn the_chinese_edition_is_checked_as_the_english_one_is() {
        let shows = page("<pre><code>wall [ELAPSED]\n</code></pre><p>时间</p>");
        let book = Book::new(&[
            ("lessons/a.html", &page("<p>Time</p>")),
            ("zh-CN/lessons/a.html", &shows),
            (
                "zh-CN/print.html",
                &page(&format!("<pre>{}</pre>", "x".repeat(91))),
            ),
            ("print.html", &page("")),
        ]);
        assert_eq!(
            book.problems(),
            [
                "zh-CN/lessons/a.html: shows the golden placeholder [ELAPSED]: include the recorded run (.sample)"
            ]
        );
    }

    #[test]
    fn a_page_in_one_edition_only_is_reported() {
        let book = Book::new(&[
            ("index.html", &page("")),
            ("lessons/a.html", &page("")),
            ("zh-CN/index.html", &page("")),
            ("zh-CN/lessons/b.html", &page("")),
        ]);
        assert_eq!(
            book.problems(),
            [
                "lessons/a.html: no Chinese edition of this page",
                "zh-CN/lessons/b.html: no English edition of this page",
            ]
        );
        let english_only = Book::new(&[("index.html", &page(""))]);
        assert!(english_only.problems().is_empty());
    }

    #[test]
    fn emphasis_marks_beside_chinese_text_are_reported() {
        let html = page(
            "<p>进程得到的是<em>文本</em>，不是<code>_x_</code>。</p><p>和_文本_与</p>\
             <p>**注意**：</p><pre>a_b *c*</pre><p>snake_case 和 a * b</p>",
        );
        assert_eq!(unrendered_emphasis_in(&html), ["和_文本_与", "**注意**："]);
    }

    #[test]
    fn english_prose_on_a_chinese_page_is_reported_but_not_code_or_names() {
        let html = page(
            "<h1>线程</h1><p>Threads share one address space.</p>\
             <p>用 <code>thread::spawn and then join it</code> 启动</p>\
             <pre><code>fn main() { let it = be; }</code></pre>\
             <table><tr><td>add_thread</td><td>a <code>Mutex</code> and a <code>Condvar</code></td>\
             <td>the lesson&#39;s own pool</td><td><span lang=\"en\">thread-local storage</span></td>\
             <td>fork, process, pool</td><td>process, pool and queue</td>\
             </tr></table><li>进程 (process) and more words</li>",
        );
        assert_eq!(
            english_prose_in(&html),
            [
                "Threads share one address space.",
                "the lesson's own pool",
                "process, pool and queue"
            ]
        );
    }
}
