//! # A deadline for the whole request
//!
//! This manager serves its clients one at a time and gives each half a
//! second to send its request, one line. It sets a read timeout on the
//! socket, which is enough for the first client, who says nothing at all.
//! But a socket timeout bounds each `read`, not the whole line: the second
//! client sends one byte every 25 ms and never a newline, every `read`
//! returns in time, and the manager waits for that line forever while an
//! honest client queues behind it. Make `read_request` give up when the
//! deadline passes, however slowly the bytes trickle in.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use shared::say;

/// How long a client has to send its whole request, from when the manager
/// turns to it; and how long a request may be.
const REQUEST_LIMIT: Duration = Duration::from_millis(500);
const MAX_REQUEST: usize = 1024;
/// How long a client waits for the manager to answer it (or to hang up).
const CLIENT_LIMIT: Duration = Duration::from_secs(20);
const CLIENTS: [&str; 3] = ["silent", "dripping", "honest"];

fn main() {
    if let Some(role) = shared::worker::role() {
        return client(&role);
    }
    // Python: listener = socket.create_server(("127.0.0.1", 0))
    let listener = TcpListener::bind("127.0.0.1:0").expect("listen on a free port");
    let address = listener.local_addr().expect("the port the kernel chose");
    say!("manager: listening on {address}");
    let address = address.to_string();
    // Each client is accepted before the next starts: they queue in this order.
    let (mut children, mut queued) = (Vec::new(), Vec::new());
    for role in CLIENTS {
        let child = shared::worker::command(role).arg(&address).spawn();
        children.push(child.expect("start a client process"));
        queued.push((role, listener.accept().expect("accept the client").0));
    }
    say!(
        "manager: clients queue up, in this order: {}",
        CLIENTS.join(", ")
    );

    for (role, stream) in queued {
        let deadline = Instant::now() + REQUEST_LIMIT;
        match read_request(&stream, deadline) {
            Ok(request) => answer(role, &stream, &request),
            Err(e) if timed_out(&e) => {
                say!(
                    "manager: {role} client: no whole request within {REQUEST_LIMIT:?}, hang up"
                );
            }
            Err(e) => say!("manager: {role} client: {e}, hang up"),
        }
    } // each `stream` is dropped, and so closed, at the end of its turn
    for mut child in children {
        child.wait().expect("reap a client");
    }
    say!("manager: every client served or refused, and reaped");
}

/// An expired socket timeout (Python: `socket.timeout`) reads as
/// `WouldBlock` on Linux, `TimedOut` elsewhere.
fn timed_out(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// One line, which must arrive whole by `deadline`, and at most `MAX_REQUEST` bytes.
fn read_request(stream: &TcpStream, deadline: Instant) -> io::Result<String> {
    // TODO: the timeout is set once, and it bounds each read, not the line:
    // a client that sends a byte every 25 ms never trips it. Read the line
    // yourself, a byte at a time, and before each read set the timeout to
    // what is left until `deadline` (nothing left: ErrorKind::TimedOut).
    // Python: sock.settimeout(seconds left), then sock.makefile().readline()
    stream.set_read_timeout(Some(deadline.saturating_duration_since(Instant::now())))?;
    let mut line = String::new();
    BufReader::new(stream.take(MAX_REQUEST as u64)).read_line(&mut line)?;
    match line.strip_suffix('\n') {
        Some(request) => Ok(request.to_owned()),
        None => Err(io::Error::other("no whole request")),
    }
}

/// "square N": the manager answers N * N.
fn answer(role: &str, mut stream: &TcpStream, request: &str) {
    let Some(Ok(n)) = request.strip_prefix("square ").map(str::parse::<u64>) else {
        say!("manager: {role} client: {request:?} is not a request, hang up");
        return;
    };
    say!("manager: {role} client asks for the square of {n}");
    writeln!(stream, "{}", n * n).ok();
}

/// The three clients. Each has its own deadline: none waits forever either.
fn client(role: &str) {
    let address = std::env::args().nth(1).expect("the manager's address");
    // Python: sock = socket.create_connection(address); sock.settimeout(20)
    let mut stream = TcpStream::connect(address).expect("connect to the manager");
    stream.set_read_timeout(Some(CLIENT_LIMIT)).unwrap();
    match role {
        // Connects, says nothing, and waits for the manager to hang up.
        "silent" => {
            stream.read_to_end(&mut Vec::new()).ok();
        }
        // Sends a byte every 25 ms until the manager hangs up, or for CLIENT_LIMIT.
        "dripping" => {
            let began = Instant::now();
            let bytes = b"square 1234567890".iter().cycle();
            for byte in bytes.take_while(|_| began.elapsed() < CLIENT_LIMIT) {
                if stream.write_all(&[*byte]).is_err() {
                    break; // the manager hung up
                }
                thread::sleep(Duration::from_millis(25));
            }
        }
        _ => {
            writeln!(stream, "square 7").expect("send the request");
            let mut reply = String::new();
            match BufReader::new(stream).read_line(&mut reply) {
                Ok(1..) => {
                    say!("honest client: the manager says 7 * 7 = {}", reply.trim())
                }
                _ => say!("honest client: no answer within {CLIENT_LIMIT:?}"),
            }
        }
    }
}
