//! The manager and its workers when things go wrong: a wrong key, an
//! impostor, garbage on the port, a worker that dies holding a task, a
//! manager that vanishes. Everything on loopback, on ports the kernel picks.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::{
    PATIENCE, Running, assert_every_result_exactly_once, start_manager, start_worker,
};
use nix::sys::signal::Signal;

/// A wrong key is refused on both sides with a clear message; the manager
/// keeps serving, and a worker with the right key then does the job.
#[test]
fn a_wrong_key_is_refused_and_the_manager_keeps_serving() {
    let (mut manager, address) = start_manager("right key", 3, 1);

    let intruder = start_worker("intruder", address, "wrong key", "0");
    let (status, _, stderr) = intruder.finish(PATIENCE);
    assert_eq!(status.and_then(|s| s.code()), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: cannot authenticate with the manager at {address}"
        )) && stderr.contains("our authkey is not its authkey"),
        "the worker must say that its key was refused:\n{stderr}"
    );
    let refusal = manager.wait_for("manager: refused ");
    assert!(
        refusal.contains("it does not know our authkey"),
        "the manager must say why it refused: {refusal}"
    );

    let worker = start_worker("worker", address, "right key", "0");
    let (status, lines, stderr) = worker.finish(PATIENCE);
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert!(lines.contains(&"worker: worker exit.".to_owned()));

    let (status, lines, stderr) = manager.finish(PATIENCE);
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert_every_result_exactly_once(&lines);
}

/// Mutual: a "manager" that cannot answer the worker's challenge is refused
/// by the worker, which hands it nothing.
#[test]
fn a_worker_refuses_a_manager_that_does_not_know_the_key() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let worker = start_worker("worker", address, "the key", "0");
    let (mut impostor, _) = listener.accept().unwrap();
    impostor.set_read_timeout(Some(PATIENCE)).unwrap();

    // The impostor challenges the worker, and welcomes whatever it answers...
    send(
        &mut impostor,
        &[b"#CHALLENGE#{sha256}".as_slice(), &[7; 40]].concat(),
    );
    let answer = receive(&mut impostor);
    assert!(answer.starts_with(b"{sha256}"), "{answer:?}");
    send(&mut impostor, b"#WELCOME#");
    // ...but cannot answer the worker's challenge without the key.
    let challenge = receive(&mut impostor);
    assert!(challenge.starts_with(b"#CHALLENGE#{sha256}"));
    send(&mut impostor, &[b"{sha256}".as_slice(), &[0; 32]].concat());
    assert_eq!(receive(&mut impostor), b"#FAILURE#");

    let (status, lines, stderr) = worker.finish(PATIENCE);
    assert_eq!(status.and_then(|s| s.code()), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "its answer to our challenge is wrong: it does not know our authkey"
        ),
        "{stderr}"
    );
    assert!(!lines.iter().any(|l| l.contains("run task")));
}

/// Garbage on the manager's port: random bytes, an oversized length prefix,
/// half a frame and then silence, 100 quick connects and disconnects. The
/// manager survives it all, stays small, and the job still completes.
#[test]
fn garbage_is_survived() {
    let (manager, address) = start_manager("key", 5, 2);
    let memory_before = resident_kib(manager.pid());

    // Half a frame, then silence: dropped at the handshake deadline (2 s).
    let silent = thread::spawn(move || {
        let mut stream = TcpStream::connect(address).unwrap();
        stream
            .write_all(&[0, 0, 0, 100, b'h', b'a', b'l', b'f'])
            .unwrap();
        let began = Instant::now();
        read_until_closed(&mut stream);
        began.elapsed()
    });

    // An oversized prefix: refused at once, before any allocation or wait.
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(&0x7fff_ffffu32.to_be_bytes()).unwrap();
    stream.write_all(b"and a few bytes").unwrap();
    let began = Instant::now();
    read_until_closed(&mut stream);
    assert!(
        began.elapsed() < Duration::from_secs(4),
        "an oversized frame must be refused at once, not waited for ({:?})",
        began.elapsed()
    );

    // Random bytes (from a fixed seed), of lengths from 1 to 2000.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..20 {
        let length = 1 + (next(&mut seed) % 2000) as usize;
        let bytes: Vec<u8> = (0..length).map(|_| next(&mut seed) as u8).collect();
        let mut stream = TcpStream::connect(address).unwrap();
        stream.write_all(&bytes).ok(); // the manager may hang up first
        read_until_closed(&mut stream);
    }

    // 100 connections that close at once.
    for _ in 0..100 {
        drop(TcpStream::connect(address).unwrap());
    }

    let silent_for = silent.join().unwrap();
    assert!(
        silent_for >= Duration::from_millis(1900) && silent_for < PATIENCE,
        "half a frame must be dropped at the 2 s handshake deadline, not after {silent_for:?}"
    );
    let memory_after = resident_kib(manager.pid());
    eprintln!(
        "manager's resident memory: {memory_before} KiB before, {memory_after} KiB after"
    );
    assert!(
        memory_after < memory_before + 8 * 1024,
        "the manager grew from {memory_before} KiB to {memory_after} KiB"
    );

    let worker = start_worker("worker", address, "key", "0");
    let (status, _, stderr) = worker.finish(PATIENCE);
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    let (status, lines, stderr) = manager.finish(PATIENCE);
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert_every_result_exactly_once(&lines);
    // Each of the 122 connections was seen, and dropped: refused after a
    // failed handshake, or turned away at the door when 32 were open already.
    let dropped = lines
        .iter()
        .filter(|l| {
            l.contains("manager: refused ") || l.contains("manager: turned away ")
        })
        .count();
    assert_eq!(dropped, 1 + 1 + 20 + 100, "{}", lines.join("\n"));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("announced; the limit is 256")),
        "the oversized frame must be named:\n{}",
        lines.join("\n")
    );
}

/// A worker is killed after it takes a task. Its connection breaks, the task
/// goes back on the queue, another worker does it, and every result is there
/// exactly once.
#[test]
fn a_task_whose_worker_dies_is_done_by_another() {
    let (mut manager, address) = start_manager("key", 3, 4);
    // A long pause: the worker is certain to be killed before it answers.
    let mut victim = start_worker("victim", address, "key", "10");
    let taken = victim.wait_for("victim: run task ");
    victim.signal(Signal::SIGKILL);
    let (status, _, _) = victim.finish(PATIENCE);
    assert!(status.is_some_and(|s| !s.success()));

    let n = taken
        .strip_prefix("victim: run task ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap()
        .to_owned();
    let back = manager.wait_for("goes back on the queue");
    assert!(back.contains(&format!("(n = {n})")), "{back}");

    let rescuer = start_worker("rescuer", address, "key", "0");
    let (status, lines, stderr) = rescuer.finish(PATIENCE);
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert!(
        lines.contains(&format!("rescuer: run task {n} * {n}...")),
        "the rescuer must do the victim's task:\n{}",
        lines.join("\n")
    );

    let (status, lines, stderr) = manager.finish(PATIENCE);
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert_every_result_exactly_once(&lines);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("manager: lost the worker at"))
    );
}

/// A worker takes the last task and then stops (SIGSTOP), its socket still
/// open, while a live worker asks for tasks. The lease on the task runs out
/// (1 s here), the task goes to the live worker, and the job completes with
/// every result exactly once; before leases, the manager gave up instead.
#[test]
fn the_silent_holder_of_the_last_task_loses_it_to_a_live_worker() {
    let args = [
        "manager",
        "--listen",
        "127.0.0.1:0",
        "--tasks",
        "1",
        "--seed",
        "3",
    ];
    let mut manager = Running::start(
        "manager",
        &[&args[..], &["--lease", "1"]].concat(),
        Some("key"),
    );
    let address = manager.address();
    let mut holder = start_worker("holder", address, "key", "10");
    let taken = holder.wait_for("holder: run task ");
    holder.signal(Signal::SIGSTOP);

    let rescuer = start_worker("rescuer", address, "key", "0");
    let back = manager.wait_for("its lease ran out");
    let n = taken
        .strip_prefix("holder: run task ")
        .and_then(|rest| rest.split(' ').next());
    assert!(back.contains(&format!("(n = {})", n.unwrap())), "{back}");
    let (status, lines, stderr) = rescuer.finish(PATIENCE);
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert!(
        lines.iter().any(|l| l.starts_with("rescuer: run task ")),
        "{lines:?}"
    );

    let (status, lines, stderr) = manager.finish(PATIENCE);
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert_every_result_exactly_once(&lines);
    holder.signal(Signal::SIGKILL);
    holder.finish(PATIENCE);
}

/// A flood of silent connections from a client without the key, refilled as
/// fast as the manager drops them, while 12 workers join. The silent ones sit
/// in the manager's waiting room, which costs them no thread, and every
/// worker gets in. (Before the waiting room, 32 connections of any kind
/// filled the manager, and the flood kept every worker out.)
#[test]
fn a_flood_of_silent_connections_keeps_no_worker_out() {
    const FLOOD: usize = 500;
    // Three rounds of a second for twelve workers: the job lasts long
    // enough that a worker held out could not miss it by being late.
    let (manager, address) = start_manager("key", 36, 5);
    let stop = Arc::new(AtomicBool::new(false));
    let flood = {
        let stop = stop.clone();
        thread::spawn(move || {
            let connect = || TcpStream::connect(address).ok();
            let mut open: Vec<TcpStream> = (0..FLOOD).filter_map(|_| connect()).collect();
            let mut refilled = 0;
            while !stop.load(Ordering::Relaxed) {
                for stream in &mut open {
                    if closed_by_peer(stream)
                        && let Some(fresh) = connect()
                    {
                        *stream = fresh;
                        refilled += 1;
                    }
                }
                thread::sleep(Duration::from_millis(10));
            }
            refilled
        })
    };
    let workers: Vec<_> = (1..=12)
        .map(|i| start_worker(&format!("w{i}"), address, "key", "1"))
        .collect();
    for worker in workers {
        let (status, lines, stderr) = worker.finish(PATIENCE);
        assert!(
            status.is_some_and(|s| s.success()),
            "{stderr}\n{}",
            lines.join("\n")
        );
        assert!(
            lines.iter().any(|l| l.contains(": connected")),
            "{}",
            lines.join("\n")
        );
        // In at the first try: the flood never filled the manager.
        let kept_out = lines.iter().find(|l| l.contains("trying again"));
        assert!(kept_out.is_none(), "a worker was kept out: {kept_out:?}");
    }
    let (status, lines, stderr) = manager.finish(PATIENCE);
    stop.store(true, Ordering::Relaxed);
    let refilled = flood.join().unwrap();
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert_every_result_exactly_once(&lines);
    let turned_away = lines.iter().find(|l| l.contains("turned away"));
    assert!(turned_away.is_none(), "{turned_away:?}");
    let silent = lines
        .iter()
        .filter(|l| l.contains("no answer within"))
        .count();
    eprintln!("the flood refilled {refilled} connections; {silent} dropped as silent");
}

/// Whether the peer has closed `stream` (reading what it sent, if anything).
fn closed_by_peer(stream: &mut TcpStream) -> bool {
    stream.set_nonblocking(true).ok();
    let mut sent = [0u8; 256];
    match stream.read(&mut sent) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    }
}

/// A job of 100,000 tasks: the number of tasks is limited by memory, not by
/// a constant, and every result comes back exactly once.
#[test]
fn a_job_of_100000_tasks_completes() {
    let (manager, address) = start_manager("key", 100_000, 11);
    let workers: Vec<_> = ["w1", "w2"]
        .into_iter()
        .map(|name| start_worker(name, address, "key", "0"))
        .collect();
    for worker in workers {
        let (status, _, stderr) = worker.finish(PATIENCE);
        assert!(status.is_some_and(|s| s.success()), "{stderr}");
    }
    let (status, lines, stderr) = manager.finish(PATIENCE);
    assert!(status.is_some_and(|s| s.success()), "{stderr}");
    assert_every_result_exactly_once(&lines);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("100000 tasks, a result for 100000 of them")),
        "{}",
        lines[lines.len().saturating_sub(3)..].join("\n")
    );
}

/// The manager is killed while a worker works: the kernel closes its
/// sockets, and the worker says so as soon as it next talks to it.
#[test]
fn a_worker_whose_manager_is_killed_says_so() {
    let (manager, address) = start_manager("key", 3, 5);
    let mut worker = start_worker("worker", address, "key", "0.5");
    worker.wait_for("worker: run task ");
    manager.signal(Signal::SIGKILL);
    manager.finish(PATIENCE);
    let began = Instant::now();
    let (status, _, stderr) = worker.finish(PATIENCE);
    assert_eq!(status.and_then(|s| s.code()), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("error: lost the manager at {address}")),
        "{stderr}"
    );
    // Its pause, then an answer that never comes: the broken connection.
    assert!(
        began.elapsed() < Duration::from_secs(5),
        "{:?}",
        began.elapsed()
    );
}

/// The manager stops answering without closing anything (frozen, or its
/// machine gone): the worker gives up at its deadline, with a clear error.
#[test]
fn a_worker_whose_manager_stops_answering_gives_up_in_time() {
    let (manager, address) = start_manager("key", 3, 6);
    let mut worker = start_worker("worker", address, "key", "0.5");
    worker.wait_for("worker: run task ");
    manager.signal(Signal::SIGSTOP); // frozen: its sockets stay open
    let began = Instant::now();
    let (status, _, stderr) = worker.finish(PATIENCE);
    let took = began.elapsed();
    manager.signal(Signal::SIGKILL);
    drop(manager);
    assert_eq!(status.and_then(|s| s.code()), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: the manager at {address} did not answer within 5s"
        )),
        "{stderr}"
    );
    // The pause (0.5 s), then the 5 s the worker gives the manager to answer.
    assert!(
        took >= Duration::from_secs(5) && took < Duration::from_secs(15),
        "{took:?}"
    );
}

/// The resident memory of process `pid`, in KiB.
fn resident_kib(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches(" kB").parse().ok())
        .expect("VmRSS in /proc/PID/status")
}

/// Reads and throws away whatever comes until the peer closes (at most
/// `PATIENCE`).
fn read_until_closed(stream: &mut TcpStream) {
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut sink = [0u8; 1024];
    while let Ok(n) = stream.read(&mut sink) {
        if n == 0 {
            break;
        }
    }
}

fn send(stream: &mut TcpStream, bytes: &[u8]) {
    let mut frame = (bytes.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(bytes);
    stream.write_all(&frame).unwrap();
}

fn receive(stream: &mut TcpStream) -> Vec<u8> {
    let mut prefix = [0u8; 4];
    stream.read_exact(&mut prefix).unwrap();
    let mut frame = vec![0u8; u32::from_be_bytes(prefix) as usize];
    stream.read_exact(&mut frame).unwrap();
    frame
}

/// A small pseudo-random generator (xorshift64*), for reproducible garbage.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_f491_4f6c_dd1d)
}
