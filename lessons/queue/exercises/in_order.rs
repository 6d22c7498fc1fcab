//! # Put the results back in order
//!
//! Four threads each shout one line of a short poem (make it upper case) and
//! put the result on a queue; main prints the poem. But a queue hands results
//! back in the order the threads *finish*, and here they finish in the order
//! 3, 1, 4, 2, so the poem comes out scrambled. Tag each result with the
//! number of its line, and let main put every line back in its place.

use std::thread;

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};

const POEM: [&str; 4] = [
    "the kettle starts to sing,",
    "a thread picks up the cup,",
    "another pours the tea,",
    "and main waits for them all.",
];

/// The order the threads finish in (line 3 first, line 2 last). In a real
/// program that is up to the scheduler; here it is made certain.
const FINISH_ORDER: [usize; 4] = [2, 0, 3, 1];

/// Plumbing that makes FINISH_ORDER certain: for each line, the turn to wait
/// for (from the thread that finishes just before) and the turn to hand on.
type Turn = (Option<Receiver<()>>, Option<Sender<()>>);

fn finishing_turns() -> Vec<Turn> {
    let mut turns: Vec<Turn> = POEM.iter().map(|_| (None, None)).collect();
    for pair in FINISH_ORDER.windows(2) {
        let (hand_on, wait_for) = bounded(1);
        turns[pair[0]].1 = Some(hand_on);
        turns[pair[1]].0 = Some(wait_for);
    }
    turns
}

// TODO: the_poem gets the lines in the order the threads finished them,
// and nothing on the queue says which line each one was.
fn shout(number: usize, line: &str, results: &Sender<String>) {
    let shouted = line.to_uppercase(); // Python: line.upper()
    results.send(shouted).expect("main holds the queue"); // Python: q.put(shouted)
    println!("line {} is done", number + 1);
}

fn the_poem(queue: &Receiver<String>) -> Vec<String> {
    queue.iter().collect() // in the order the lines arrive
}

fn main() {
    let (results, queue) = unbounded(); // Python: q = Queue()
    let mut turns = finishing_turns().into_iter();
    thread::scope(|s| {
        for (number, line) in POEM.iter().enumerate() {
            let results = results.clone();
            let (wait_for, hand_on) = turns.next().expect("one turn per line");
            s.spawn(move || {
                if let Some(turn) = wait_for {
                    turn.recv().ok(); // plumbing: wait for my turn to finish
                }
                shout(number, line, &results);
                if let Some(next) = hand_on {
                    next.send(()).ok(); // plumbing: the next thread's turn
                }
            });
        }
    }); // every thread has finished and sent its line
    drop(results); // main's own sender: the queue closes once it is empty

    let poem = the_poem(&queue);
    println!();
    for line in poem {
        println!("{line}");
    }
}
