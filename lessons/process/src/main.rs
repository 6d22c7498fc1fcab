//! Lesson 7 — process: starting and joining processes.
//!
//! Python's `multiprocessing.Process(target=f, args=(...))`, with the "spawn"
//! start method, starts a fresh interpreter that imports the main module again
//! and calls `f(*args)` there. This port does the same by hand: it starts its
//! own executable again (`std::env::current_exe()`) with a *role* in the
//! environment, and `main` runs the role's function with the arguments it
//! finds on its command line. Nothing is shared: arguments cross into the
//! child as strings, and what comes back is an exit status.

#[cfg(not(unix))]
compile_error!(
    "lesson-process uses Unix process APIs (getppid, exit signals): build it on Linux or macOS"
);

use std::io::{BufRead, Write};
use std::num::NonZero;
use std::os::unix::process::{ExitStatusExt, parent_id as getppid};
use std::process::{Child, Command, ExitCode, ExitStatus, Stdio, id as getpid};
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::thread;
use std::time::{Duration, Instant};

use shared::worker::ROLE_VAR;
use shared::{Lesson, Variant, say};

const VARIANTS: &[Variant] = &[
    Variant {
        name: "thread-and-process",
        about: "job(1, 2) once in a thread and once in a child process",
        run: thread_and_process,
    },
    Variant {
        name: "serial",
        about: "long_time_task twice in one process: 2 × 300 ms",
        run: serial,
    },
    Variant {
        name: "two-processes",
        about: "long_time_task in two child processes at once: about 300 ms",
        run: two_processes,
    },
    Variant {
        name: "run-proc",
        about: "Process(target=run_proc, args=('test',)): start, then join",
        run: run_proc_demo,
    },
    Variant {
        name: "pid-and-ppid",
        about: "a child prints its argument, its pid and its parent's pid",
        run: pid_and_ppid,
    },
    Variant {
        name: "hello",
        about: "Process(target=f, args=('john',)): \"hello john\"",
        run: hello,
    },
    Variant {
        name: "join-timeout",
        about: "join(timeout) gives up while the child runs; join() again later",
        run: join_timeout_demo,
    },
    Variant {
        name: "parent-ends-first",
        about: "the parent ends before its child; the orphan is adopted and reaped",
        run: parent_ends_first,
    },
    Variant {
        name: "info",
        about: "info(): module, parent pid, pid; active_children(); cpu_count()",
        run: info_demo,
    },
    Variant {
        name: "subclass",
        about: "a struct with run() started as a process (Python's Process subclass)",
        run: subclass,
    },
    Variant {
        name: "global-not-shared",
        about: "the child adds 1 to a global: 101 there, still 100 here",
        run: global_not_shared,
    },
    Variant {
        name: "exit-codes",
        about: "exit 0, exit 3, a panic (101), killed by a signal: the parent sees each",
        run: exit_codes,
    },
    Variant {
        name: "startup-cost",
        about: "how long starting a thread and starting a process take",
        run: startup_cost,
    },
];

// ANCHOR: main
fn main() -> ExitCode {
    // Am I a worker? A process started by `process()` below finds its role in
    // the environment variable LESSON_WORKER. This check comes first, before
    // any of the lesson runs: it is Rust's `if __name__ == "__main__":`.
    // Without it every worker would run the whole lesson again, and start
    // workers of its own, which would run the lesson again...
    if let Ok(role) = std::env::var(ROLE_VAR) {
        return worker(&role);
    }
    // No role: a learner started the lesson.
    Lesson {
        name: "process",
        about: "Starting and joining processes: Command on current_exe, worker roles, exit codes",
        variants: VARIANTS,
    }
    .main()
}
// ANCHOR_END: main

// ANCHOR: worker
/// The worker side. The role says which function to run; the arguments are
/// strings from the command line, parsed back into numbers where needed.
/// (Python's spawn pickles `target` and `args` for the child: the same idea.)
fn worker(role: &str) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map_or("", String::as_str);
    match role {
        "job" => job(number(arg(0)), number(arg(1))),
        "long-time-task" => long_time_task_numbered(number(arg(0))),
        "run-proc" => run_proc(arg(0)),
        "func" => func(arg(0)),
        "f" => f(arg(0)),
        "wait-for-go" => wait_for_go_then_finish(),
        "parent" => parent(number(arg(0))),
        "child" => child(number(arg(0)), number(arg(1))),
        "info-f" => info_f(arg(0)),
        NewProcess::ROLE => NewProcess::from_args(&args).run(),
        "global-num" => add_one_to_num(),
        "exit-with" => return ExitCode::from(number::<u8>(arg(0))),
        "panic" => panic!("the worker gave up"),
        "nothing" => {}
        _ => {
            eprintln!("error: unknown worker role {role:?}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

/// An argument that crossed as text, read back as a number.
fn number<T: std::str::FromStr>(text: &str) -> T {
    text.parse()
        .unwrap_or_else(|_| panic!("expected a number, got {text:?}"))
}
// ANCHOR_END: worker

// ANCHOR: process
/// Python: `mp.Process(target=..., args=(...))`, spawn start method.
///
/// The child is this same program, started afresh: the role in its
/// environment picks the function (see `main`), and the arguments travel as
/// strings on its command line. `spawn()` starts it (Python: `p.start()`).
fn process(role: &str, args: &[&str]) -> Command {
    let exe = std::env::current_exe().expect("the path of this program");
    let mut command = Command::new(exe);
    command.env(ROLE_VAR, role).args(args);
    command
}

/// `process(role, args)`, started. Its stdin, stdout and stderr are ours.
fn start_worker(role: &str, args: &[&str]) -> Child {
    process(role, args)
        .spawn()
        .expect("the OS refused to start a process")
}
// ANCHOR_END: process

// ANCHOR: join
/// The longest the lesson waits for any child before giving up on it.
const JOIN_LIMIT: Duration = Duration::from_secs(20);

/// Python: `p.join(timeout)`; `None` if the child is still running.
///
/// `Child::wait` has no timeout and `Child::try_wait` does not wait at all,
/// so a timed wait asks `try_wait` again and again, pausing a little longer
/// each time (50 µs at first, at most 5 ms), until the child has ended or
/// the time is up.
fn join_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_micros(50);
    loop {
        if let Some(status) = child.try_wait().expect("ask about a child") {
            return Some(status);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        thread::sleep(pause.min(left));
        pause = (pause * 2).min(Duration::from_millis(5));
    }
}

/// Python: `p.join()`. With a limit all the same: a stuck child is reported
/// and killed, so the lesson can never hang on one.
fn join(child: &mut Child) -> ExitStatus {
    if let Some(status) = join_timeout(child, JOIN_LIMIT) {
        return status;
    }
    eprintln!(
        "error: child pid {} still running after {JOIN_LIMIT:?}: killing it",
        child.id()
    );
    child.kill().ok();
    // SIGKILL cannot be caught or ignored: this wait ends.
    child.wait().expect("wait for a killed child")
}
// ANCHOR_END: join

// ANCHOR: thread_and_process
// Python: def job(a, b): print(a, b)
fn job(a: i32, b: i32) {
    say!("{a} {b}");
}

fn thread_and_process() {
    // The thread gets the numbers themselves. The process gets the role "job"
    // and the strings "1" and "2", and calls job(1, 2) on its own side.
    let t1 = thread::spawn(|| job(1, 2)); // Python: t1 = td.Thread(target=job, args=(1, 2)); t1.start()
    let mut p1 = start_worker("job", &["1", "2"]); // Python: p1 = mp.Process(target=job, args=(1, 2)); p1.start()

    t1.join().expect("t1 panicked"); // Python: t1.join()
    join(&mut p1); // Python: p1.join()
    say!("main: both have run job(1, 2)");
}
// ANCHOR_END: thread_and_process

// ANCHOR: serial
/// How long one "long" task takes (the original slept 2 s).
const TASK: Duration = Duration::from_millis(300);

// Python: def long_time_task(): print(os.getpid()); time.sleep(2); print(8 ** 20)
fn long_time_task() {
    say!("current process: pid {}", getpid());
    thread::sleep(TASK);
    say!("result: {}", 8u64.pow(20));
}

fn serial() {
    say!("parent process: pid {}", getpid());
    let began = Instant::now();
    for _ in 0..2 {
        long_time_task();
    }
    say!("took {:.2?}", began.elapsed()); // one task after the other: about 600 ms
}
// ANCHOR_END: serial

// ANCHOR: two_processes
// Python: def long_time_task(i): print(os.getpid(), i); time.sleep(2); print(8 ** 20)
fn long_time_task_numbered(i: u32) {
    say!("task {i}: child process pid {}", getpid());
    thread::sleep(TASK);
    say!("task {i}: result {}", 8u64.pow(20));
}

fn two_processes() {
    say!("parent process: pid {}", getpid());
    let began = Instant::now();
    say!("waiting for all child processes to finish");
    let mut p1 = start_worker("long-time-task", &["1"]); // Python: p1 = Process(target=long_time_task, args=(1,)); p1.start()
    let mut p2 = start_worker("long-time-task", &["2"]); // Python: p2 = ...args=(2,)); p2.start()
    join(&mut p1); // Python: p1.join()
    join(&mut p2); // Python: p2.join()
    say!("total {:.2?}", began.elapsed()); // both at once: about 300 ms, plus two start-ups
}
// ANCHOR_END: two_processes

// ANCHOR: run_proc
// Python: def run_proc(name): print(name, os.getpid())
fn run_proc(name: &str) {
    say!("Run child process {name} (pid {})...", getpid());
}

fn run_proc_demo() {
    say!("Parent process pid {}.", getpid());
    let mut command = process("run-proc", &["test"]); // Python: p = Process(target=run_proc, args=('test',))
    say!("Process will start.");
    let mut p = command.spawn().expect("start run_proc"); // Python: p.start()
    join(&mut p); // Python: p.join()
    say!("Process end.");
}
// ANCHOR_END: run_proc

// ANCHOR: pid_and_ppid
// Python: def func(s): print(s, os.getpid(), os.getppid())
fn func(s: &str) {
    say!("{s}: pid {}, ppid {}", getpid(), getppid());
}

fn pid_and_ppid() {
    say!("pid {}", getpid()); // Python: print(os.getpid())
    say!("main process start...");
    let mut p = start_worker("func", &["hello"]); // Python: p = Process(target=func, args=('hello',)); p.start()
    join(&mut p); // Python: p.join()
    say!("main process end!");
}
// ANCHOR_END: pid_and_ppid

// ANCHOR: hello
// Python: def f(name): print(f'hello {name}')
fn f(name: &str) {
    say!("hello {name}");
}

fn hello() {
    let mut p = start_worker("f", &["john"]); // Python: p = Process(target=f, args=('john',)); p.start()
    join(&mut p); // Python: p.join()
}
// ANCHOR_END: hello

// ANCHOR: join_timeout
/// Blocks until main writes "go" on this process's stdin; false if main
/// closed the pipe instead (or died, which closes it too).
fn wait_for_go() -> bool {
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    read.is_ok() && line.trim() == "go"
}

/// Writes "go" to a child started with a piped stdin, and closes the pipe.
fn tell_go(child: &mut Child) {
    let mut stdin = child.stdin.take().expect("the child's stdin is a pipe");
    stdin.write_all(b"go\n").ok(); // a child that has died cannot read it: fine
}

fn wait_for_go_then_finish() {
    if wait_for_go() {
        say!("worker: main said go; finishing");
    }
}

fn join_timeout_demo() {
    let mut p = process("wait-for-go", &[])
        .stdin(Stdio::piped())
        .spawn()
        .expect("start the worker"); // Python: p.start()
    say!("main: started a worker that finishes only when main says go");

    let began = Instant::now();
    let status = join_timeout(&mut p, Duration::from_millis(200)); // Python: p.join(0.2)
    say!("join(timeout=0.2) returned after {:.2?}", began.elapsed());
    say!("exit status so far: {}", shown(status)); // Python: p.exitcode

    say!("main: go");
    tell_go(&mut p);
    let status = join(&mut p); // Python: p.join()
    say!("join() returned: {status}");
    let again = join(&mut p); // Python: a process may be joined many times
    say!("join() again: {again}");
}

/// An exit status, or what Python's `p.exitcode = None` means.
fn shown(status: Option<ExitStatus>) -> String {
    status.map_or_else(|| "none, still running".to_owned(), |s| s.to_string())
}
// ANCHOR_END: join_timeout

// ANCHOR: parent_ends_first
fn parent_ends_first() {
    // Linux: this process becomes a "child subreaper". An orphan anywhere
    // below it is handed to it, instead of to init (pid 1), so that it can
    // wait for the orphan and reap it. (Not inherited by our children.)
    #[cfg(target_os = "linux")]
    {
        nix::sys::prctl::set_child_subreaper(true).expect("become a child subreaper");
        say!(
            "lesson: pid {}, a subreaper: adopts the orphans below it",
            getpid()
        );
    }

    let lesson = getpid().to_string();
    let mut parent = start_worker("parent", &[&lesson]);
    let parent_status = join(&mut parent);
    // The child lives on. Its lines come after all of the parent's (it waits
    // for the parent to end), and ours come after all of the child's.
    let orphan = reap_orphan();
    say!("lesson: the parent ended: {parent_status}");
    say!("lesson: {orphan}");
}

// Python: the main block prints, calls p.start(), prints again, and never calls p.join()
#[expect(
    clippy::zombie_processes,
    reason = "on purpose: the child outlives us, and the lesson (its subreaper) reaps it"
)]
fn parent(lesson: u32) {
    say!("parent: start, pid {}", getpid());
    let me = getpid().to_string();
    let child = start_worker("child", &[&me, &lesson.to_string()]); // Python: p.start()
    say!("parent: started child pid {}", child.id());
    say!("parent: end, without waiting for the child"); // Python: (no p.join())
    // Returning ends this process. Dropping `child` neither waits for the
    // child nor stops it: it lives on, an orphan.
}

// Python: def run(): print(...); time.sleep(2); print(...)
fn child(parent: u32, lesson: u32) {
    // Wait until the parent has ended: then the kernel gives us a new parent.
    // Bounded like every wait in this lesson.
    let deadline = Instant::now() + JOIN_LIMIT;
    while getppid() == parent && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(1));
    }
    say!("child: start, pid {}", getpid());
    say!(
        "child: parent pid {parent} has ended; my parent is now ppid {}",
        getppid()
    );
    say!(
        "child: adopted by the lesson (the subreaper): {}",
        getppid() == lesson
    );
    thread::sleep(TASK); // Python: time.sleep(2)
    say!("child: end");
}

/// Waits (bounded) for the orphan that was handed to this subreaper, and reaps
/// it: `Child::wait` cannot, there is no `Child` for a process we did not start.
#[cfg(target_os = "linux")]
fn reap_orphan() -> String {
    use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
    let deadline = Instant::now() + JOIN_LIMIT;
    loop {
        // Any child of ours: the parent is reaped already, so only the orphan is left.
        match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::Exited(pid, code)) => {
                return format!("reaped the orphan, pid {pid}: exit status: {code}");
            }
            Ok(WaitStatus::Signaled(pid, signal, _)) => {
                return format!("reaped the orphan, pid {pid}: killed by {signal}");
            }
            Err(nix::errno::Errno::ECHILD) => return "no orphan was handed to us".to_owned(),
            Ok(_) if Instant::now() < deadline => thread::sleep(Duration::from_millis(1)),
            other => {
                // Still running at the deadline (or waitpid failed): stop it.
                for pid in children_in_proc() {
                    let pid = nix::unistd::Pid::from_raw(pid as i32);
                    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).ok();
                    waitpid(pid, None).ok();
                }
                return format!("the orphan did not end in time ({other:?}): killed it");
            }
        }
    }
}

/// Without a subreaper (macOS), launchd (pid 1) adopts the orphan and reaps it.
#[cfg(not(target_os = "linux"))]
fn reap_orphan() -> String {
    "no subreaper on this system: launchd adopts the orphan and reaps it".to_owned()
}
// ANCHOR_END: parent_ends_first

// ANCHOR: info
// Python: def info(title): print(title, __name__, os.getppid(), os.getpid())
fn info(title: &str) {
    let role = std::env::var(ROLE_VAR).unwrap_or_else(|_| "none, the lesson itself".to_owned());
    say!("{title}");
    say!("  module name: {}", module_path!());
    say!("  worker role: {role}");
    say!("  parent process: ppid {}", getppid());
    say!("  process id: pid {}", getpid());
}

// Python: def f(name): info('function f'); print('hello', name)
fn info_f(name: &str) {
    // Not in the original: wait until main has listed its children, so that
    // this child is certainly alive in the list, and the output has one order.
    wait_for_go();
    info("function f");
    say!("hello {name}");
}

/// Python: `multiprocessing.active_children()`. Rust keeps no list of the
/// processes we started: we keep the handles, and ask each whether it is
/// still running (`try_wait` also reaps one that has ended, as Python does).
fn active_children(children: &mut [(String, Child)]) -> Vec<(&str, u32)> {
    let mut active = Vec::new();
    for (name, child) in children.iter_mut() {
        if let Ok(None) = child.try_wait() {
            active.push((name.as_str(), child.id()));
        }
    }
    active
}

fn info_demo() {
    info("main");
    let mut children = Vec::new();
    let p = process("info-f", &["bob"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("start f"); // Python: p = Process(target=f, args=('bob',)); p.start()
    children.push(("Process-1".to_owned(), p)); // Python names it for us

    for (name, pid) in active_children(&mut children) {
        say!("active child: name {name}, pid {pid}"); // Python: for p in active_children()
    }
    #[cfg(target_os = "linux")]
    for pid in children_in_proc() {
        say!("child in /proc: pid {pid}"); // the OS's own list
    }
    say!("main: listing done");
    // Python: multiprocessing.cpu_count()
    let cpus = thread::available_parallelism().map_or(1, NonZero::get);
    say!("cpu count: {cpus}");

    for (_, child) in &mut children {
        tell_go(child);
        join(child); // Python: p.join()
    }
}

/// The children of this process as the kernel sees them: every
/// `/proc/<pid>/stat` whose parent field is our pid.
#[cfg(target_os = "linux")]
fn children_in_proc() -> Vec<u32> {
    let me = getpid();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        // A process may end between read_dir and this read: then it is gone.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (name) state ppid ...": the name may contain spaces and ')'.
        let after_name = stat.rfind(')').map_or("", |at| &stat[at + 1..]);
        let ppid = after_name.split_whitespace().nth(1);
        if ppid.and_then(|p| p.parse::<u32>().ok()) == Some(me) {
            found.push(pid);
        }
    }
    found.sort();
    found
}
// ANCHOR_END: info

// ANCHOR: subclass
/// Python's `Process` subclass, as a trait: a type supplies `run`, and gets
/// `start`. What reaches the new process is data: the role naming the type,
/// and its fields as strings, from which the worker builds the value again
/// (Python pickles the object for a spawned child).
trait Process: Sized {
    const ROLE: &'static str;
    fn to_args(&self) -> Vec<String>;
    fn from_args(args: &[String]) -> Self;
    fn run(self);

    fn start(&self) -> Child {
        let args = self.to_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        start_worker(Self::ROLE, &args)
    }
}

/// How many rounds `run` makes (the original loops forever).
const ROUNDS: u32 = 3;

// Python: class NewProcess(Process): def __init__(self, num): self.num = num
struct NewProcess {
    num: u32,
}

impl Process for NewProcess {
    const ROLE: &'static str = "new-process";

    fn to_args(&self) -> Vec<String> {
        vec![self.num.to_string()]
    }

    fn from_args(args: &[String]) -> Self {
        NewProcess {
            num: number(&args[0]),
        }
    }

    // Python: def run(self): while True: print(...); time.sleep(1)
    fn run(self) {
        for round in 1..=ROUNDS {
            say!(
                "process {}: pid {}, round {round} of {ROUNDS}",
                self.num,
                getpid()
            );
            thread::sleep(Duration::from_millis(100));
        }
    }
}

fn subclass() {
    let mut processes: Vec<Child> = (0..2).map(|i| NewProcess { num: i }.start()).collect(); // Python: p = NewProcess(i); p.start()
    for p in &mut processes {
        join(p); // the original never joins (and never ends)
    }
    say!("main: both processes have ended");
}
// ANCHOR_END: subclass

// ANCHOR: global_not_shared
/// Python: `num = 100`, a module global. A Rust global that changes must be
/// an atomic (or sit behind a lock); each process has its own regardless.
static NUM: AtomicU32 = AtomicU32::new(100);

// Python: def run(): global num; num += 1; print(num)
fn add_one_to_num() {
    say!("child: start, num = {}", NUM.load(Relaxed));
    NUM.fetch_add(1, Relaxed);
    say!("child: num = {}", NUM.load(Relaxed));
    say!("child: end");
}

fn global_not_shared() {
    say!("parent: start, num = {}", NUM.load(Relaxed));
    let mut p = start_worker("global-num", &[]); // Python: p = Process(target=run); p.start()
    join(&mut p); // Python: p.join()
    say!("parent: end, num = {}", NUM.load(Relaxed));

    // Not in the original: spawn copies nothing from the parent's memory. The
    // next child runs the program from the start, so its num starts at 100.
    // (A forked child would start from a copy: 500.) To hand a child a
    // value, pass it as an argument.
    NUM.store(500, Relaxed);
    say!("parent: num = 500 now, and another child starts");
    let mut p = start_worker("global-num", &[]);
    join(&mut p);
    say!("parent: end, num = {}", NUM.load(Relaxed));
}
// ANCHOR_END: global_not_shared

// ANCHOR: exit_codes
fn exit_codes() {
    // Without a queue or a pipe, the exit status is all a child can tell us.
    let mut workers = vec![
        (
            "returns ExitCode::SUCCESS",
            start_worker("exit-with", &["0"]),
        ),
        (
            "returns ExitCode::from(3)",
            start_worker("exit-with", &["3"]),
        ),
        ("panics", start_worker("panic", &[])),
    ];
    let mut stuck = process("wait-for-go", &[])
        .stdin(Stdio::piped())
        .spawn()
        .expect("start a worker");
    // Python: p.terminate() sends SIGTERM; Child::kill sends SIGKILL.
    stuck.kill().expect("kill a running child");
    workers.push(("is killed by main", stuck));

    for (what, child) in &mut workers {
        let status = join(child);
        say!("worker that {what}: {status}");
        say!(
            "  code() = {:?}, signal() = {:?}, success() = {}",
            status.code(),
            status.signal(),
            status.success()
        );
    }
}
// ANCHOR_END: exit_codes

// ANCHOR: startup_cost
fn startup_cost() {
    const N: u32 = 20;
    let began = Instant::now();
    for _ in 0..N {
        thread::spawn(|| {})
            .join()
            .expect("an empty thread cannot panic");
    }
    say!(
        "a thread:  start and join, {:.2?} each ({N} in a row)",
        began.elapsed() / N
    );

    let began = Instant::now();
    for _ in 0..N {
        let mut p = start_worker("nothing", &[]);
        join(&mut p);
    }
    say!(
        "a process: start and join, {:.2?} each ({N} in a row)",
        began.elapsed() / N
    );
}
// ANCHOR_END: startup_cost
