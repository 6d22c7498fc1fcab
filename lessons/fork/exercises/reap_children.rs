//! # Reap your children
//!
//! The parent forks three children. Each counts the primes among its own
//! hundred numbers and hands the count back as its exit status: without a
//! pipe, that number is all a child can give its parent. But the parent never
//! waits: it prints a total of 0, and ends leaving three zombies behind,
//! children that have exited but that nobody waited for. Wait for each child
//! with `waitpid`, in the order they were forked, print what each one
//! counted, and add up the counts.

use std::io::{self, Write};

use nix::unistd::{ForkResult, Pid, fork};

/// Child k counts the primes in k * SPAN .. (k + 1) * SPAN.
const SPAN: u32 = 100;
const CHILDREN: u32 = 3;

fn is_prime(n: u32) -> bool {
    let mut divisors = (2..n).take_while(|d| d * d <= n);
    n >= 2 && divisors.all(|d| !n.is_multiple_of(d))
}

fn main() {
    let mut children: Vec<(u32, Pid)> = Vec::new();
    for k in 0..CHILDREN {
        let (start, end) = (k * SPAN, (k + 1) * SPAN);
        println!("child {k} counts the primes in {start}..{end}");
        // What println! left in the buffer would be copied into the child.
        io::stdout().flush().ok();
        // SAFETY: this program starts no thread, so the child is a copy of a
        // single-threaded process: no lock can be held by a thread it lacks.
        match unsafe { fork() }.expect("fork failed") {
            // Python: pid = os.fork(); if pid == 0: ...
            ForkResult::Child => {
                let count = (start..end).filter(|&n| is_prime(n)).count();
                // Python: os._exit(count): the exit status is the child's answer.
                // SAFETY: _exit has no precondition; it ends this process here.
                unsafe { nix::libc::_exit(count as i32) }
            }
            ForkResult::Parent { child } => children.push((k, child)),
        }
    }

    // TODO: wait for each child in turn (Python: os.waitpid(pid, 0)), print
    // "child K: N primes" with the count from its exit status, and add them up.
    drop(children);
    let total = 0;
    println!("primes below {}: {total}", CHILDREN * SPAN);
}
