//! The checks of lesson queue's exercises. `cargo xtask learn` runs the one
//! for the exercise at hand; `cargo xtask check-exercises` runs each against
//! the starter (it must fail) and the solution (it must pass).

// The checks are this library's tests. Cargo also builds it without them,
// before each exercise's program (a package's binaries depend on its
// library): it is then empty, and never fails that build.
#![cfg(test)]

use shared::golden::Check;

/// The threads finish in an order the program makes certain (3, 1, 4, 2), so
/// the whole output is exact.
#[test]
fn in_order() {
    let program = shared::exercise!("queue-in_order");
    let stdout = program.stdout_of(&[]);
    // The poem is what comes after the blank line.
    let poem: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.is_empty())
        .skip(1)
        .collect();
    let in_finishing_order = [
        "ANOTHER POURS THE TEA,",
        "THE KETTLE STARTS TO SING,",
        "AND MAIN WAITS FOR THEM ALL.",
        "A THREAD PICKS UP THE CUP,",
    ];
    let in_poem_order = [
        "THE KETTLE STARTS TO SING,",
        "A THREAD PICKS UP THE CUP,",
        "ANOTHER POURS THE TEA,",
        "AND MAIN WAITS FOR THEM ALL.",
    ];
    assert!(
        poem != in_finishing_order,
        "The poem comes out in the order the threads finished (lines 3, 1, 4, 2):\n\n{}\n\n\
         A queue hands results back in the order they were put. Send each line \
         with its number, and put it back in its place.",
        poem.join("\n")
    );
    assert!(
        poem == in_poem_order,
        "The poem should read, in this order:\n\n{}\n\nbut it reads:\n\n{}\n\n\
         Put each line at the place its number says (sorting or reversing the \
         lines that arrived only works for one finishing order).",
        in_poem_order.join("\n"),
        poem.join("\n")
    );
    program.check(Check::exact("in_order").args(&[]));
}

/// Each job's line comes when a worker gets to it, so the six squares and
/// main's "6 jobs queued" may come in any order between the first line (sent
/// before any worker exists) and the count (printed after the logger ends).
#[test]
fn hang_up() {
    let program = shared::exercise!("queue-hang_up");
    program.stdout_of(&[]);
    let check = Check::interleaved(
        "hang_up",
        &[
            "square of 1 =",
            "square of 2 =",
            "square of 3 =",
            "square of 4 =",
            "square of 5 =",
            "square of 6 =",
            "main: 6 jobs queued",
        ],
    );
    program.check(check.args(&[]));
}
