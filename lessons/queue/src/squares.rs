//! Ports tutorial 000's first queue program: four threads square a list each
//! and put it on a `queue.Queue`; the main thread takes the four results.
//! The port tags each result with its list's index, because results arrive
//! in the order the threads finish.

use std::thread;
use std::time::Duration;

use crossbeam_channel::unbounded;

/// How long the squaring of one list pretends to take.
const STEP: Duration = Duration::from_millis(20);

// ANCHOR: squares
// Python: def job(l, q): square each item of l in place, then q.put(l)
fn job(list: Vec<u32>) -> Vec<u32> {
    list.into_iter().map(|x| x * x).collect()
}

pub fn squares() {
    let data = vec![vec![1, 1, 1], vec![2, 2, 2], vec![3, 3, 3], vec![4, 4, 4]];
    let (results, queue) = unbounded(); // Python: q = Queue()
    let mut threads = Vec::new();
    for (index, list) in data.into_iter().enumerate() {
        let results = results.clone(); // one sending end per thread
        // Python: t = threading.Thread(target=job, args=(data[i], q)); t.start()
        threads.push(thread::spawn(move || {
            // Here the later lists take less time, so they tend to finish first.
            thread::sleep(STEP * (3 - index as u32));
            // Python: q.put(l). The index travels with the list: the tag.
            results
                .send((index, job(list)))
                .expect("main holds the queue");
        }));
    }
    drop(results); // main's own sending end: now only the threads hold one

    for thread in threads {
        thread.join().expect("a squaring thread panicked"); // Python: thread.join()
    }
    // Python: for _ in range(4): result.append(q.get())
    // The loop ends when the queue is empty and every sending end is gone.
    let mut result = vec![Vec::new(); 4];
    for (index, squared) in queue.iter() {
        println!("arrived: list {index}, squared {squared:?}");
        result[index] = squared; // the tag puts it back in its place
    }
    println!("{result:?}"); // Python: print(result)
}
// ANCHOR_END: squares
