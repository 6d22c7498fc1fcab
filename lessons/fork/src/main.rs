//! Lesson 6 — fork: copying a process.
//!
//! Python's `os.fork()` makes a copy of the running process: same memory,
//! same open files, same position in the program. Both copies return from
//! the call; the child gets 0, the parent the child's pid. Rust reaches the
//! same system call through `nix::unistd::fork`, and marks it `unsafe`: the
//! copy holds only the thread that called it, so the lesson checks that this
//! process has a single thread before every fork.
//!
//! Every child the lesson starts is waited for (reaped) before the lesson
//! ends, and every wait has a deadline: nothing is left behind, and a stuck
//! child cannot hang the lesson.

// fork(2) is a Unix system call: Windows has no way to copy a running process.
#[cfg(not(unix))]
compile_error!(
    "lesson-fork needs fork(2), which only Unix systems have (Linux and macOS). \
     On Windows, see lesson-process: it starts processes the portable way."
);

use std::io::{self, Write};
use std::panic::AssertUnwindSafe;
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork, getpid, getppid};
use shared::{Lesson, Variant, say};

fn main() -> ExitCode {
    Lesson {
        name: "fork",
        about: "Copying a process: fork, getpid/getppid, waitpid, zombies and orphans",
        variants: &[
            Variant {
                name: "os-fork",
                about: "os.fork(): the child gets 0, the parent gets the child's pid",
                run: os_fork,
            },
            Variant {
                name: "parent-child",
                about: "both copies print what fork returned and who they are",
                run: parent_child,
            },
            Variant {
                name: "global",
                about: "a global changed in the child is unchanged in the parent",
                run: global,
            },
            Variant {
                name: "copy-on-write",
                about: "fork copies memory lazily: a page is copied when it is written",
                run: copy_on_write,
            },
            Variant {
                name: "zombie",
                about: "a child that has exited but is not waited for: a zombie, until waitpid",
                run: zombie,
            },
            Variant {
                name: "orphan",
                about: "the parent ends without waiting: its child is adopted, then reaped",
                run: orphan,
            },
            Variant {
                name: "flush",
                about: "a print! still in the buffer at fork time is printed twice",
                run: flush,
            },
            Variant {
                name: "threads",
                about: "fork is refused while a second thread runs; Command is not",
                run: threads,
            },
        ],
    }
    .main()
}

/// How long any wait for a child may last before the lesson gives up on it.
/// Children here finish in milliseconds: this bound only matters if one is
/// stuck, and then the lesson reports it instead of hanging.
const WAIT_LIMIT: Duration = Duration::from_secs(10);

/// How often a bounded wait looks again.
const POLL: Duration = Duration::from_millis(1);

// ANCHOR: fork_checked
/// `fork()`, but only where it is sound: in a process with a single thread.
///
/// fork copies the whole memory of the process, but only the thread that
/// calls it. Had another thread been holding a lock at that moment (the
/// memory allocator's, stdout's, one of ours), the child would get the lock
/// locked, with no thread left to unlock it: its first `println!` or `Vec`
/// could wait forever. With one thread, no lock can be held by anyone else.
fn fork_single_threaded() -> Result<ForkResult, String> {
    let threads = thread_names().map_err(|err| format!("cannot count threads: {err}"))?;
    if threads.len() != 1 {
        return Err(format!(
            "refusing to fork: this process has {} threads ({}); the child would \
             get a copy of the calling thread only, and a lock held by another \
             thread would stay locked in the child forever",
            threads.len(),
            threads.join(", ")
        ));
    }
    // SAFETY: the process has exactly one thread (checked just above; only
    // this thread could start another, and it is busy here), so no other
    // thread can be holding a lock or be half-way through changing memory.
    // The child starts from a consistent copy and may call any function, not
    // only the async-signal-safe ones that a multi-threaded parent's child is
    // limited to.
    unsafe { fork() }.map_err(|errno| format!("fork failed: {errno}"))
}

/// What every variant calls: flush, check, fork; or stop with the reason.
fn fork_checked() -> ForkResult {
    // Text that print! left in stdout's buffer would be copied into the
    // child and printed by both processes (variant `flush` shows it).
    io::stdout().flush().ok();
    fork_single_threaded().unwrap_or_else(|why| stop(&why))
}

/// Ends the lesson with a message, in the process that could not fork.
fn stop(why: &str) -> ! {
    eprintln!("error: {why}");
    std::process::exit(1);
}
// ANCHOR_END: fork_checked

// ANCHOR: run_child
/// Runs `work` in a forked child, then ends the child right there with
/// `_exit` and the exit status that `work` returned.
///
/// The child must never return from here: everything after the fork in the
/// caller (the rest of the variant, the rest of `main`) is the parent's code,
/// and would run a second time. Not even a panic may unwind out.
fn run_child(work: impl FnOnce() -> i32) -> ! {
    let status = std::panic::catch_unwind(AssertUnwindSafe(work)).unwrap_or(101);
    // _exit writes nothing out for us: flush what the child printed.
    io::stdout().flush().ok();
    // Python: os._exit(status)
    // Unlike std::process::exit, _exit runs no exit handlers (C's atexit,
    // stdio buffers) that the child inherited from the parent, so nothing
    // the parent set up is flushed or cleaned up twice; like it, _exit runs
    // no Rust destructors, so a value both processes own (a temp file
    // guard, a shared-memory owner) is dropped by the parent alone.
    // SAFETY: _exit has no preconditions (it is unsafe only because it is a
    // C function); it is async-signal-safe and never returns.
    unsafe { nix::libc::_exit(status) }
}
// ANCHOR_END: run_child

// ANCHOR: reap
/// Waits for `child` to end and collects its exit status (Python:
/// `os.waitpid(pid, 0)`); that also lets the kernel forget the child.
///
/// The wait is bounded: a child still running after `WAIT_LIMIT` is killed
/// and reaped, and the answer says so. The lesson never hangs on a child.
fn reap(child: Pid) -> String {
    let give_up = Instant::now() + WAIT_LIMIT;
    loop {
        match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) if Instant::now() < give_up => thread::sleep(POLL),
            Ok(WaitStatus::StillAlive) => {
                kill(child, Signal::SIGKILL).ok();
                waitpid(child, None).ok(); // SIGKILL cannot be ignored: this returns at once
                return format!("did not end within {WAIT_LIMIT:?} and was killed");
            }
            Ok(status) => return describe(status),
            Err(errno) => return format!("could not be waited for: {errno}"),
        }
    }
}

/// How a child ended, in words.
fn describe(status: WaitStatus) -> String {
    match status {
        WaitStatus::Exited(_, code) => format!("exited with status {code}"),
        WaitStatus::Signaled(_, signal, _) => format!("was killed by {signal:?}"),
        other => format!("changed state: {other:?}"),
    }
}
// ANCHOR_END: reap

// ANCHOR: os_fork
fn os_fork() {
    say!("Process (pid {}) start...", getpid()); // Python: os.getpid()
    match fork_checked() {
        // Python: pid = os.fork(); if pid == 0: ...
        ForkResult::Child => run_child(|| {
            say!(
                "I am child process (pid {}) and my parent is pid {}.",
                getpid(),
                getppid() // Python: os.getppid()
            );
            0
        }),
        ForkResult::Parent { child } => {
            say!(
                "I (pid {}) just created a child process (pid {child}).",
                getpid()
            );
            // From here on, the two processes run at the same time: the two
            // lines above can come out in either order.
            let status = reap(child);
            say!("waitpid: the child pid {child} {status}");
        }
    }
}
// ANCHOR_END: os_fork

// ANCHOR: parent_child
fn parent_child() {
    // Python: res = os.fork(); print(f'res == {res}')
    // Python's fork returns a number, and the program must remember that 0
    // means "child". nix returns an enum: forgetting a case does not compile.
    match fork_checked() {
        ForkResult::Child => run_child(|| {
            say!("child: res == ForkResult::Child");
            say!(
                "child: I am the child, pid {}; my parent is ppid {}",
                getpid(),
                getppid()
            );
            0
        }),
        ForkResult::Parent { child } => {
            say!("parent: res == ForkResult::Parent {{ child: pid {child} }}");
            say!("parent: I am the parent, pid {}", getpid());
            // The Python program ends here without waiting (variant `orphan`
            // shows what that means); this one reaps its child.
            let status = reap(child);
            say!("waitpid: the child pid {child} {status}");
        }
    }
}
// ANCHOR_END: parent_child

// ANCHOR: global
// Python: num = 100 (a module global)
// A Rust global that may change must be an atomic or sit behind a lock. Both
// are shared between threads; neither is shared with a forked child, which
// gets its own copy of the whole memory, this global included.
static NUM: AtomicI32 = AtomicI32::new(100);

fn global() {
    say!("parent: start");
    match fork_checked() {
        ForkResult::Child => run_child(|| {
            say!("child: start");
            NUM.fetch_add(1, Ordering::Relaxed); // Python: global num; num += 1
            say!("child: num = {}", NUM.load(Ordering::Relaxed));
            say!("child: end");
            0
        }),
        ForkResult::Parent { child } => {
            let status = reap(child); // Python: p.join()
            say!("parent: the child pid {child} {status}");
            say!("parent: end, num = {}", NUM.load(Ordering::Relaxed));
        }
    }
}
// ANCHOR_END: global

// ANCHOR: copy_on_write
/// The size of the buffer that parent and child share after the fork.
#[cfg(target_os = "linux")]
const BUFFER: usize = 4 << 20; // 4 MiB

#[cfg(target_os = "linux")]
fn copy_on_write() {
    // Huge pages (2 MiB each) would blur the count: ask for ordinary ones.
    nix::sys::prctl::set_thp_disable(true).expect("prctl(PR_SET_THP_DISABLE)");
    let page = page_size();
    // One page more than needed, so that a page-aligned 4 MiB fits inside.
    let mut memory = vec![1u8; BUFFER + page];
    let start = memory.as_ptr().align_offset(page);
    let buffer = &mut memory[start..start + BUFFER];
    say!(
        "parent: filled a buffer of {} KiB, all of it its own: {} KiB",
        BUFFER / 1024,
        own_kib(buffer)
    );
    match fork_checked() {
        ForkResult::Child => run_child(|| {
            // fork copied the page tables, not the pages: both processes map
            // the same memory, read-only, until one of them writes to a page.
            say!("child: right after fork, its own: {} KiB", own_kib(buffer));
            for chunk in buffer.chunks_mut(page).step_by(2) {
                chunk[0] = 2; // the first write to a page makes the kernel copy it
            }
            std::hint::black_box(&*buffer); // the writes must happen: keep them
            say!(
                "child: after writing 1 byte in every other page, its own: {} KiB",
                own_kib(buffer)
            );
            for chunk in buffer.chunks_mut(page) {
                chunk[0] = 3;
            }
            std::hint::black_box(&*buffer);
            say!(
                "child: after writing 1 byte in every page, its own: {} KiB",
                own_kib(buffer)
            );
            0
        }),
        ForkResult::Parent { child } => {
            let status = reap(child);
            say!("parent: the child pid {child} {status}");
            let untouched = buffer.iter().all(|&byte| byte == 1);
            say!("parent: every byte of its buffer is still 1: {untouched}");
        }
    }
}

/// How many KiB of `memory` this process has to itself: pages that no other
/// process maps. Linux tells, page by page, in /proc/self/pagemap: 8 bytes
/// per page, and bit 56 says "mapped by this process only".
#[cfg(target_os = "linux")]
fn own_kib(memory: &[u8]) -> usize {
    use std::io::{Read, Seek, SeekFrom};
    let page = page_size();
    let first_page = memory.as_ptr() as usize / page;
    let mut entries = vec![0u8; memory.len() / page * 8];
    let mut pagemap = std::fs::File::open("/proc/self/pagemap").expect("open /proc/self/pagemap");
    pagemap
        .seek(SeekFrom::Start(first_page as u64 * 8))
        .and_then(|_| pagemap.read_exact(&mut entries))
        .expect("read /proc/self/pagemap");
    let own_pages = entries
        .chunks_exact(8)
        .map(|entry| u64::from_ne_bytes(entry.try_into().expect("8 bytes")))
        .filter(|entry| entry >> 56 & 1 == 1)
        .count();
    own_pages * page / 1024
}

#[cfg(target_os = "linux")]
fn page_size() -> usize {
    use nix::unistd::{SysconfVar, sysconf};
    match sysconf(SysconfVar::PAGE_SIZE) {
        Ok(Some(size)) => size as usize,
        _ => 4096,
    }
}
// ANCHOR_END: copy_on_write

#[cfg(not(target_os = "linux"))]
fn copy_on_write() {
    say!("copy-on-write: this demonstration reads Linux's /proc/self/pagemap; skipped here");
}

// ANCHOR: zombie
fn zombie() {
    match fork_checked() {
        ForkResult::Child => run_child(|| {
            say!("child: pid {} exits now, with status 3", getpid());
            3
        }),
        ForkResult::Parent { child } => {
            // Wait until the child has exited, without collecting its status.
            match wait_for_state(child, 'Z') {
                Ok(state) => {
                    say!("parent: the child pid {child} has exited, unwaited: state {state}")
                }
                Err(other) => say!("parent: the child pid {child} is still in state {other}"),
            }
            // The zombie is all that is left of the child: its pid and its
            // exit status, kept until the parent asks for them.
            let status = reap(child); // Python: os.waitpid(pid, 0)
            say!("parent: waitpid collected it: the child {status}");
            let state = process_state(child).expect("read the process state");
            say!(
                "parent: the kernel still lists pid {child}: {}",
                state.is_some()
            );
        }
    }
}

/// Waits (at most `WAIT_LIMIT`) until process `pid` is in state `wanted`;
/// its state then, or the state it was stuck in.
fn wait_for_state(pid: Pid, wanted: char) -> Result<char, char> {
    let give_up = Instant::now() + WAIT_LIMIT;
    loop {
        // A process we have not reaped cannot vanish: it is always listed.
        let state = process_state(pid).ok().flatten().unwrap_or('?');
        if state == wanted {
            return Ok(state);
        }
        if Instant::now() >= give_up {
            return Err(state);
        }
        thread::sleep(POLL);
    }
}

/// A process's state as the kernel shows it ('R' running, 'S' sleeping,
/// 'Z' zombie...), or None if there is no such process.
#[cfg(target_os = "linux")]
fn process_state(pid: Pid) -> io::Result<Option<char>> {
    // "/proc/<pid>/stat" reads "4243 (lesson-fork) Z 4242 ...": the state
    // comes after the name in parentheses (a name may hold spaces).
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            let after_name = stat.rfind(')').map_or("", |close| &stat[close + 1..]);
            Ok(after_name.trim_start().chars().next())
        }
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) if err.raw_os_error() == Some(Errno::ESRCH as i32) => Ok(None),
        Err(err) => Err(err),
    }
}
// ANCHOR_END: zombie

/// A process's state as `ps` shows it, or None if there is no such process
/// (macOS and the BSDs have no /proc).
#[cfg(not(target_os = "linux"))]
fn process_state(pid: Pid) -> io::Result<Option<char>> {
    let output = Command::new("ps")
        .args(["-o", "state=", "-p", &pid.to_string()])
        .output()?;
    Ok(String::from_utf8_lossy(&output.stdout)
        .trim()
        .chars()
        .next())
}

// ANCHOR: orphan
fn orphan() {
    let main_pid = getpid();
    // An orphan is adopted by the nearest ancestor that asked to be a "child
    // subreaper", or else by init (pid 1). Linux lets this process ask, so
    // the orphan comes back to us and we can reap it.
    #[cfg(target_os = "linux")]
    nix::sys::prctl::set_child_subreaper(true).expect("prctl(PR_SET_CHILD_SUBREAPER)");
    say!("main: pid {main_pid} plays the shell that ran the Python program");

    match fork_checked() {
        // This child plays the Python program: it forks, prints, and ends
        // without waiting for its own child.
        ForkResult::Child => run_child(|| {
            let parent = getpid();
            match fork_checked() {
                ForkResult::Child => run_child(|| {
                    // Wait (bounded) until the parent is gone: getppid() changes
                    // the moment this process is adopted.
                    let give_up = Instant::now() + WAIT_LIMIT;
                    while getppid() == parent {
                        if Instant::now() >= give_up {
                            say!("child: my parent is still alive after {WAIT_LIMIT:?}");
                            return 1;
                        }
                        thread::sleep(POLL);
                    }
                    say!(
                        "child: my parent pid {parent} has ended; my parent is now ppid {} \
                         (the main process: {})",
                        getppid(),
                        getppid() == main_pid
                    );
                    0
                }),
                ForkResult::Parent { child } => {
                    say!("parent: pid {parent} forked child pid {child}; my last line, no wait");
                    0 // ends without waitpid: its child becomes an orphan
                }
            }
        }),
        ForkResult::Parent { child: parent } => {
            let parent_status = reap(parent);
            // Python: os.wait() (any child): the orphan is ours now.
            let orphan = reap_any();
            say!("main: reaped the parent pid {parent}: it {parent_status}");
            match orphan {
                Ok((pid, status)) => say!("main: reaped the adopted orphan pid {pid}: it {status}"),
                Err(why) => say!("main: no orphan to reap: {why}"),
            }
        }
    }
}

/// Reaps the next child of this process to end, whichever it is (Python:
/// `os.wait()`), waiting at most `WAIT_LIMIT`: its pid and how it ended.
fn reap_any() -> Result<(Pid, String), String> {
    let give_up = Instant::now() + WAIT_LIMIT;
    loop {
        match waitpid(None::<Pid>, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::StillAlive) if Instant::now() < give_up => thread::sleep(POLL),
            Ok(WaitStatus::StillAlive) => {
                return Err(format!("no child ended within {WAIT_LIMIT:?}"));
            }
            Ok(status) => {
                let pid = status.pid().expect("an ended child has a pid");
                return Ok((pid, describe(status)));
            }
            Err(Errno::ECHILD) => return Err("this process has no child (init adopted it)".into()),
            Err(errno) => return Err(format!("waitpid failed: {errno}")),
        }
    }
}
// ANCHOR_END: orphan

// ANCHOR: flush
fn flush() {
    println!("1. print! without a newline, then fork:");
    print!("before the fork | "); // Python: print('before the fork', end=' | ')
    // No flush: the text is still in this process's stdout buffer, and fork
    // copies the buffer along with everything else.
    match fork_single_threaded().unwrap_or_else(|why| stop(&why)) {
        ForkResult::Child => run_child(|| {
            println!("child");
            0
        }),
        ForkResult::Parent { child } => {
            reap(child); // the child prints first: its line is out before ours
            println!("parent");
        }
    }

    println!("2. the same, with stdout flushed before the fork:");
    print!("before the fork | ");
    match fork_checked() {
        // fork_checked flushed: the buffer was empty when it was copied.
        ForkResult::Child => run_child(|| {
            println!("child");
            0
        }),
        ForkResult::Parent { child } => {
            reap(child);
            println!("parent");
        }
    }
}
// ANCHOR_END: flush

// ANCHOR: threads
fn threads() {
    let (started_tx, started_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let helper = thread::Builder::new()
        .name("helper".into())
        .spawn(move || {
            started_tx.send(()).ok(); // by now the thread carries its name
            stop_rx.recv().ok(); // runs until main drops stop_tx
        })
        .expect("the OS refused to start a thread");
    started_rx
        .recv_timeout(WAIT_LIMIT)
        .expect("the helper thread did not start");
    say!("main: started a thread; threads: {}", thread_names_line());

    match fork_single_threaded() {
        Err(why) => say!("main: {why}"),
        Ok(ForkResult::Child) => run_child(|| 0),
        Ok(ForkResult::Parent { child }) => {
            say!("main: forked?! the child pid {child} {}", reap(child))
        }
    }

    // Starting a *new program* is safe with any number of threads: Command
    // uses posix_spawn, or fork immediately followed by exec with only
    // async-signal-safe calls in between (lesson `process` builds on it).
    let exe = std::env::current_exe().expect("the path of this program");
    let started = Command::new(exe)
        .arg("--help")
        .stdout(Stdio::null())
        .status();
    match started {
        Ok(status) => say!("main: Command ran this program's --help meanwhile: {status}"),
        Err(err) => say!("main: Command failed: {err}"),
    }

    drop(stop_tx); // a thread cannot be stopped from outside: ask it to end
    helper.join().expect("helper panicked");
    // join returns as the thread hands back its result; the kernel removes
    // the thread a moment later.
    wait_until_single_threaded();
    say!("main: helper joined; threads: {}", thread_names_line());

    match fork_checked() {
        ForkResult::Child => run_child(|| {
            say!(
                "child: pid {}, forked from a single-threaded process",
                getpid()
            );
            0
        }),
        ForkResult::Parent { child } => say!("main: the child pid {child} {}", reap(child)),
    }
}

fn thread_names_line() -> String {
    thread_names().map_or_else(|err| format!("unknown ({err})"), |names| names.join(", "))
}

/// Waits (at most `WAIT_LIMIT`) until the OS lists a single thread here.
fn wait_until_single_threaded() {
    let give_up = Instant::now() + WAIT_LIMIT;
    while thread_names().is_ok_and(|names| names.len() > 1) && Instant::now() < give_up {
        thread::sleep(POLL);
    }
}
// ANCHOR_END: threads

// ANCHOR: thread_names
/// The names of this process's threads, as the OS lists them, main first.
#[cfg(target_os = "linux")]
fn thread_names() -> io::Result<Vec<String>> {
    // Linux: one directory per thread under /proc/self/task.
    Ok(shared::os::threads()?.into_iter().map(|t| t.name).collect())
}
// ANCHOR_END: thread_names

/// The threads of this process, as `ps -M` lists them on macOS: a header
/// line, then one line per thread (no names).
#[cfg(not(target_os = "linux"))]
fn thread_names() -> io::Result<Vec<String>> {
    let output = Command::new("ps")
        .args(["-M", "-p", &std::process::id().to_string()])
        .output()?;
    let lines = String::from_utf8_lossy(&output.stdout).lines().count();
    if !output.status.success() || lines < 2 {
        return Err(io::Error::other(
            "ps -M did not list this process's threads",
        ));
    }
    Ok((1..lines).map(|n| format!("thread {n}")).collect())
}
