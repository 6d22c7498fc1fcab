//! Tutorial 004's `NewProcess`, a subclass of `Process` that overrides
//! `run()`, as a trait with a provided `start()`.

use std::process::{Child, id as getpid};
use std::thread;
use std::time::Duration;

use shared::say;

use crate::join::join;
use crate::spawn::{number, start_worker};

// ANCHOR: trait
/// Python's `Process` subclass, as a trait: a type supplies `run`, and gets
/// `start`. What reaches the new process is data: the role naming the type,
/// and its fields as strings, from which the worker builds the value again
/// (Python pickles the object for a spawned child).
pub trait Process: Sized {
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
// ANCHOR_END: trait

// ANCHOR: subclass
/// How many rounds `run` makes (the original loops forever).
const ROUNDS: u32 = 3;

// Python: class NewProcess(Process): def __init__(self, num): self.num = num
pub struct NewProcess {
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

pub fn subclass() {
    // Python (at module level, unguarded): for i in range(2): NewProcess(i).start()
    let mut processes: Vec<Child> =
        (0..2).map(|i| NewProcess { num: i }.start()).collect();
    for p in &mut processes {
        join(p); // the original never joins (and never ends)
    }
    say!("main: both processes have ended");
}
// ANCHOR_END: subclass
