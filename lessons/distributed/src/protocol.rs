//! What travels on the TCP connection between a manager and a worker.
//!
//! TCP carries a stream of bytes, not messages: one `write` of 40 bytes may
//! arrive as two reads of 13 and 27. So each message goes in a *frame*: its
//! length as 4 bytes (big-endian, signed, as Python's `struct` format `!i`),
//! then the bytes themselves. Python's `multiprocessing.connection` frames
//! its messages the same way, which is what lets the two talk.
//!
//! Two rules keep a frame from being a weapon:
//! - **A limit on the size, checked before anything is allocated.** The
//!   length comes from the peer, and the peer may lie: a 4-byte prefix can
//!   announce 2 GiB. The reader compares it with its limit first, and only then
//!   makes room for the bytes.
//! - **A deadline on every read.** A peer that sends half a frame and then
//!   nothing would otherwise hold its connection (and a thread) forever.
//!
//! After the handshake (`auth.rs`) the frames carry JSON: a [`ToManager`] or a
//! [`ToWorker`], nothing else. Decoding builds one of these two types or fails;
//! it never builds an object that the bytes choose (which is what makes
//! Python's pickle dangerous on a network: see the chapter).

use std::fmt;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

// ANCHOR: messages
/// The largest frame a peer may send us once it is authenticated. A task or
/// a result is a few dozen bytes; 64 KiB leaves room and no more. (During the
/// handshake the limit is 256 bytes, as in Python.)
pub const MAX_FRAME: usize = 64 * 1024;

/// What a worker says to the manager. A field too many is refused, as an
/// unknown message is.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ToManager {
    /// Python: `task.get(timeout=1)`. Wait at most `wait_ms` for a task.
    Get { wait_ms: u64 },
    /// Python: `result.put(r)`. The answer to task `id`. It is also the
    /// *acknowledgement*: until it arrives, the task stays the worker's, and
    /// goes back on the queue if the worker's connection breaks.
    Put { id: u64, square: u64 },
    /// Not in Python: "still working on task `id`": its lease starts again.
    Renew { id: u64 },
}

/// What the manager answers.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum ToWorker {
    /// A task: square `n`. `id` names it in the answer. The worker holds it
    /// for `lease_ms`, unless it renews the lease (a manager that gives no
    /// lease, Python's, lets it hold the task for as long as it likes).
    Task {
        id: u64,
        n: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lease_ms: Option<u64>,
    },
    /// Python's `queue.Empty`: no task came within the wait. Ask again.
    Empty,
    /// Not in Python: every task has its result; no task will come any more.
    Finished,
    /// The result of task `id` is recorded (exactly once).
    Ack { id: u64 },
    /// The lease on task `id` starts again.
    Renewed { id: u64 },
}
// ANCHOR_END: messages

/// Why a connection cannot go on.
#[derive(Debug)]
pub enum Broken {
    /// The peer closed the connection between two frames.
    Closed,
    /// The peer closed the connection in the middle of a frame.
    Cut { expected: usize, got: usize },
    /// Nothing (or not enough) arrived before the deadline.
    Silent,
    /// The length prefix announces more than we accept.
    TooLarge { announced: i64, limit: usize },
    /// A frame that is not one of our messages.
    Garbled(String),
    /// A message that breaks the rules (a result for a task one does not hold).
    Violation(String),
    /// Anything else the operating system reports (connection reset...).
    Io(io::Error),
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Broken::Closed => write!(f, "the connection was closed"),
            Broken::Cut { expected, got } => write!(
                f,
                "the connection was closed in the middle of a frame ({got} of {expected} bytes)"
            ),
            Broken::Silent => write!(f, "nothing arrived before the deadline"),
            Broken::TooLarge { announced, limit } => write!(
                f,
                "a frame of {announced} bytes was announced; the limit is {limit}"
            ),
            Broken::Garbled(why) => write!(f, "not a message of this protocol: {why}"),
            Broken::Violation(why) => write!(f, "{why}"),
            Broken::Io(err) => write!(f, "{err}"),
        }
    }
}

impl From<io::Error> for Broken {
    fn from(err: io::Error) -> Self {
        Broken::Io(err)
    }
}

// ANCHOR: frames
/// Reads one frame of at most `limit` bytes.
///
/// Python: `connection.recv_bytes(maxsize)`. Like Python, it reads the 4-byte
/// length first and refuses a length over the limit *before* it allocates
/// anything. (Python's 8-byte form for frames over 2 GiB, announced by a
/// length of -1, is refused too: we never want one.)
pub fn read_frame(reader: &mut impl Read, limit: usize) -> Result<Vec<u8>, Broken> {
    let mut prefix = [0u8; 4];
    match read_full(reader, &mut prefix)? {
        0 => return Err(Broken::Closed),
        4 => {}
        got => return Err(Broken::Cut { expected: 4, got }),
    }
    let announced = i32::from_be_bytes(prefix);
    let length = usize::try_from(announced).unwrap_or(usize::MAX);
    if length > limit {
        return Err(Broken::TooLarge {
            announced: announced.into(),
            limit,
        });
    }
    // Only now, with a length we accept, is there anything to allocate.
    let mut frame = vec![0u8; length];
    let got = read_full(reader, &mut frame)?;
    if got < length {
        return Err(Broken::Cut {
            expected: length,
            got,
        });
    }
    Ok(frame)
}

/// Python: `connection.send_bytes(bytes)`. Prefix and bytes go out in one
/// `write`, so that the peer never waits for the second half of a frame
/// while ours sits in a buffer (Nagle's algorithm).
pub fn write_frame(writer: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    let length = i32::try_from(bytes.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    let mut frame = Vec::with_capacity(4 + bytes.len());
    frame.extend_from_slice(&length.to_be_bytes());
    frame.extend_from_slice(bytes);
    writer.write_all(&frame)?;
    writer.flush()
}

/// Fills `buf` as far as the stream goes: the number of bytes read, less than
/// `buf.len()` only if the peer closed the connection.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> Result<usize, Broken> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(filled)
}
// ANCHOR_END: frames

// ANCHOR: connection
/// How long a write may block. A peer that stops reading fills the socket's
/// buffers, and a `write` then waits for it.
const WRITE_LIMIT: Duration = Duration::from_secs(5);

/// One end of a TCP connection, speaking frames with deadlines.
pub struct Connection {
    stream: TcpStream,
}

impl std::os::fd::AsFd for Connection {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.stream.as_fd()
    }
}

impl Connection {
    pub fn new(stream: TcpStream) -> io::Result<Connection> {
        stream.set_write_timeout(Some(WRITE_LIMIT))?;
        // Small request-reply messages: send each as soon as it is written.
        stream.set_nodelay(true)?;
        Ok(Connection { stream })
    }

    /// Python: `send_bytes`.
    pub fn send_bytes(&mut self, bytes: &[u8]) -> Result<(), Broken> {
        write_frame(&mut self.stream, bytes).map_err(Broken::from)
    }

    /// Python: `recv_bytes(limit)`, but the whole frame must have arrived by
    /// `deadline`: not just each piece of it (a peer sending one byte a second
    /// would otherwise never time out).
    pub fn recv_bytes(
        &mut self,
        limit: usize,
        deadline: Instant,
    ) -> Result<Vec<u8>, Broken> {
        let mut reader = BeforeDeadline {
            stream: &self.stream,
            deadline,
        };
        read_frame(&mut reader, limit).map_err(|broken| match broken {
            // An expired socket timeout reads as WouldBlock on Linux.
            Broken::Io(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Broken::Silent
            }
            other => other,
        })
    }
}
// ANCHOR_END: connection

// ANCHOR: typed
/// The typed messages: JSON in frames. Nothing else crosses the connection
/// once the handshake is over.
impl Connection {
    /// Sends a message as a JSON frame.
    pub fn send<T: Serialize>(&mut self, message: &T) -> Result<(), Broken> {
        let bytes = serde_json::to_vec(message).expect("our messages always serialise");
        self.send_bytes(&bytes)
    }

    /// Receives a message of type `T`: the frame must decode as exactly that.
    pub fn recv<T: DeserializeOwned>(&mut self, deadline: Instant) -> Result<T, Broken> {
        decode(&self.recv_bytes(MAX_FRAME, deadline)?)
    }
}

/// A frame's bytes as a message of type `T`, or why not.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Broken> {
    serde_json::from_slice(bytes).map_err(|err| {
        // The error may quote the peer's bytes: escape them before they
        // reach a terminal.
        Broken::Garbled(err.to_string().escape_debug().to_string())
    })
}
// ANCHOR_END: typed

// ANCHOR: deadline
/// Reads from a socket, each `read` limited to the time left until `deadline`.
struct BeforeDeadline<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
}

impl Read for BeforeDeadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::ErrorKind::TimedOut.into());
            }
            // A socket timeout bounds one read; recomputing it before each
            // read turns it into a deadline for the whole frame.
            self.stream.set_read_timeout(Some(left))?;
            match (&mut &*self.stream).read(buf) {
                // The kernel rounds the timeout to its clock ticks and may
                // wake us a little early: the deadline decides, not the timer.
                Err(err)
                    if matches!(
                        err.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) => {}
                done => return done,
            }
        }
    }
}
// ANCHOR_END: deadline

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn a_frame_round_trips() {
        let mut wire = Vec::new();
        write_frame(&mut wire, b"hello").unwrap();
        assert_eq!(wire, b"\x00\x00\x00\x05hello");
        let frame = read_frame(&mut Cursor::new(wire), 100).unwrap();
        assert_eq!(frame, b"hello");
    }

    /// A reader that hands out its bytes and then fails the test if anyone
    /// reads further: the frame reader must stop at the prefix.
    struct PrefixOnly(Cursor<Vec<u8>>);

    impl Read for PrefixOnly {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            assert!(
                self.0.position() < self.0.get_ref().len() as u64,
                "the reader went on after an oversized prefix"
            );
            self.0.read(buf)
        }
    }

    #[test]
    fn an_oversized_prefix_is_refused_before_reading_or_allocating() {
        for announced in [i32::MAX, MAX_FRAME as i32 + 1, -1, i32::MIN] {
            let mut reader = PrefixOnly(Cursor::new(announced.to_be_bytes().to_vec()));
            match read_frame(&mut reader, MAX_FRAME) {
                Err(Broken::TooLarge {
                    announced: a,
                    limit,
                }) => {
                    assert_eq!((a, limit), (i64::from(announced), MAX_FRAME));
                }
                other => panic!("{announced}: expected TooLarge, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_frame_at_the_limit_is_accepted() {
        let mut wire = Vec::new();
        write_frame(&mut wire, &[7u8; 256]).unwrap();
        assert_eq!(read_frame(&mut Cursor::new(wire), 256).unwrap().len(), 256);
    }

    /// The limit the documentation promises: a peer may send 64 KiB, no more.
    #[test]
    fn an_authenticated_peer_may_send_64_kib() {
        let mut wire = Vec::new();
        write_frame(&mut wire, &vec![7u8; 65_536]).unwrap();
        let frame = read_frame(&mut Cursor::new(wire), MAX_FRAME).unwrap();
        assert_eq!(frame.len(), 65_536);
        let too_large = 65_537_i32.to_be_bytes();
        assert!(matches!(
            read_frame(&mut &too_large[..], MAX_FRAME),
            Err(Broken::TooLarge { .. })
        ));
    }

    /// A reader whose every other read is interrupted by a signal (EINTR)
    /// before it reads anything, as a socket's read is when a signal handler
    /// runs; the others read one byte.
    struct Interrupted {
        bytes: Cursor<Vec<u8>>,
        reads: u32,
    }

    impl Read for Interrupted {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.reads += 1;
            if self.reads % 2 == 1 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            self.bytes.read(&mut buf[..1])
        }
    }

    /// An interrupted read is tried again: a signal is not a broken peer.
    #[test]
    fn an_interrupted_read_is_tried_again() {
        let mut wire = Vec::new();
        write_frame(&mut wire, b"hello").unwrap();
        let mut reader = Interrupted {
            bytes: Cursor::new(wire),
            reads: 0,
        };
        assert_eq!(read_frame(&mut reader, 100).unwrap(), b"hello");
    }

    #[test]
    fn a_closed_or_cut_stream_says_which() {
        let empty: &[u8] = b"";
        assert!(matches!(read_frame(&mut &*empty, 10), Err(Broken::Closed)));
        let half_prefix: &[u8] = b"\x00\x00";
        assert!(matches!(
            read_frame(&mut &*half_prefix, 10),
            Err(Broken::Cut {
                expected: 4,
                got: 2
            })
        ));
        let half_frame: &[u8] = b"\x00\x00\x00\x05hel";
        assert!(matches!(
            read_frame(&mut &*half_frame, 10),
            Err(Broken::Cut {
                expected: 5,
                got: 3
            })
        ));
    }

    /// A connection reset is not silence: it is reported as the error it is,
    /// at once, and not waited out until the deadline. (A peer that closes
    /// with bytes it never read resets the connection.)
    #[test]
    fn a_reset_connection_is_an_error_not_silence() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut ours = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (theirs, _) = listener.accept().unwrap();
        ours.write_all(b"never read").unwrap();
        // Wait until our bytes have arrived, so that closing resets.
        assert_eq!(theirs.peek(&mut [0u8; 1]).unwrap(), 1);
        drop(theirs);
        let mut connection = Connection::new(ours).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        match connection.recv_bytes(100, deadline) {
            Err(Broken::Io(err)) => {
                assert_eq!(err.kind(), io::ErrorKind::ConnectionReset)
            }
            other => panic!("expected a reset, got {other:?}"),
        }
    }

    #[test]
    fn messages_are_plain_json() {
        let get = serde_json::to_string(&ToManager::Get { wait_ms: 1000 }).unwrap();
        assert_eq!(get, r#"{"Get":{"wait_ms":1000}}"#);
        let finished = serde_json::to_string(&ToWorker::Finished).unwrap();
        assert_eq!(finished, r#""Finished""#);
        // Anything else is refused: an unknown variant, a field too many.
        assert!(serde_json::from_str::<ToManager>(r#"{"Exec":{"cmd":"rm"}}"#).is_err());
        assert!(serde_json::from_str::<ToManager>(r#""Finished""#).is_err());
        let extra = r#"{"Get":{"wait_ms":10,"extra":"field"}}"#;
        assert!(serde_json::from_str::<ToManager>(extra).is_err(), "{extra}");
        let task: ToWorker = serde_json::from_str(r#"{"Task":{"id":1,"n":2}}"#).unwrap();
        assert!(
            matches!(task, ToWorker::Task { lease_ms: None, .. }),
            "Python's"
        );
        let extra = r#"{"Task":{"id":1,"n":2,"run":"this"}}"#;
        assert!(serde_json::from_str::<ToWorker>(extra).is_err(), "{extra}");
    }

    #[test]
    fn a_silent_peer_times_out_at_the_deadline() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        // Half a frame, then silence.
        (&client).write_all(b"\x00\x00\x00\x10abc").unwrap();
        let mut connection = Connection::new(server).unwrap();
        let began = Instant::now();
        let outcome = connection.recv_bytes(100, began + Duration::from_millis(200));
        assert!(matches!(outcome, Err(Broken::Silent)), "{outcome:?}");
        // Never before the deadline, even when the socket timer fires early
        // (it did on this kernel: the read gave up a little before 200 ms).
        assert!(began.elapsed() >= Duration::from_millis(200));
        assert!(began.elapsed() < Duration::from_secs(5));
        drop(client);
    }
}
