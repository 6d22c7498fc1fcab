//! Create, start, join: tutorial 003's `run_proc`, tutorial 004's `func`
//! (pid and ppid) and `f('john')`, and the parameters of
//! `Process(group, target, name, args, kwargs)` that tutorial 004 lists.

use std::os::unix::process::parent_id as getppid;
use std::process::id as getpid;

use shared::say;

use crate::join::join;
use crate::spawn::{process, start_worker};

// ANCHOR: run_proc
// Python: def run_proc(name): print(name, os.getpid())
pub fn run_proc(name: &str) {
    say!("Run child process {name} (pid {})...", getpid());
}

pub fn run_proc_demo() {
    say!("Parent process pid {}.", getpid());
    // Python: p = Process(target=run_proc, args=('test',))
    let mut command = process("run-proc", &["test"]);
    say!("Process will start.");
    let mut p = command.spawn().expect("start run_proc"); // Python: p.start()
    join(&mut p); // Python: p.join()
    say!("Process end.");
}
// ANCHOR_END: run_proc

// ANCHOR: pid_and_ppid
// Python: def func(s): print(s, os.getpid(), os.getppid())
pub fn func(s: &str) {
    say!("{s}: pid {}, ppid {}", getpid(), getppid());
}

pub fn pid_and_ppid() {
    say!("pid {}", getpid()); // Python: print(os.getpid())
    say!("main process start...");
    // Python: p = Process(target=func, args=('hello',)); p.start()
    let mut p = start_worker("func", &["hello"]);
    join(&mut p); // Python: p.join()
    say!("main process end!");
}
// ANCHOR_END: pid_and_ppid

// ANCHOR: hello
// Python: def f(name): print(f'hello {name}')
pub fn f(name: &str) {
    say!("hello {name}");
}

pub fn hello() {
    // Python: p = Process(target=f, args=('john',)); p.start()
    let mut p = start_worker("f", &["john"]);
    join(&mut p); // Python: p.join()
}
// ANCHOR_END: hello

// ANCHOR: name_and_kwargs
/// Where a worker finds the name its parent gave it (Python: `name=`).
const NAME_VAR: &str = "LESSON_WORKER_NAME";

// Python: def greet(name, greeting='hello'):
//             print(current_process().name, greeting, name)
pub fn greet(name: &str, greeting: Option<&str>) {
    let greeting = greeting.unwrap_or("hello"); // Rust has no default arguments
    // Python: current_process().name (a Rust process has no name: its pid will do)
    let me = std::env::var(NAME_VAR).unwrap_or_else(|_| format!("pid {}", getpid()));
    say!("{me}: {greeting} {name}");
}

pub fn name_and_kwargs() {
    say!("main: greet(\"ann\", greeting=\"hi\") in a worker named greeter-1");
    // Python: p = Process(target=greet, name='greeter-1', args=('ann',),
    //                     kwargs={'greeting': 'hi'}); p.start()
    let mut p = process("greet", &["ann", "--greeting", "hi"])
        .env(NAME_VAR, "greeter-1")
        .spawn()
        .expect("start greet");
    let status = join(&mut p); // Python: p.join()
    say!("main: greeter-1, pid {}, ended: {status}", p.id());

    say!("main: greet(\"bob\") in a worker with no name");
    // Python: p = Process(target=greet, args=('bob',)); p.start()
    let mut p = start_worker("greet", &["bob"]);
    let status = join(&mut p); // Python: p.join()
    say!("main: pid {} ended: {status}", p.id());
}
// ANCHOR_END: name_and_kwargs
