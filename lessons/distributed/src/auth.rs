//! The handshake: each end proves that it knows the authkey, without ever
//! sending the key, the way Python's `multiprocessing.connection` does it.
//!
//! One proof is a *challenge-response*. The challenger sends random bytes; the
//! other end answers with an HMAC of those bytes keyed with the authkey. Only
//! someone who knows the key can compute it, the bytes are new every time (an
//! answer recorded yesterday is useless today), and the key never crosses the
//! network. The manager challenges first, then the worker challenges the
//! manager: a worker must not hand its results to an impostor either.
//!
//! The bytes, frame by frame (each frame: a 4-byte length, then this):
//!
//! ```text
//! manager -> worker   #CHALLENGE#{sha256}<40 random bytes>
//! worker  -> manager  {sha256}<HMAC-SHA256(key, "{sha256}<40 random bytes>")>
//! manager -> worker   #WELCOME#   (or #FAILURE#, and the manager hangs up)
//!         ...then the same three frames the other way round...
//! ```
//!
//! Python 3.11 and older speak the legacy form: 20 random bytes with no
//! `{sha256}`, answered by a bare 16-byte HMAC-MD5. Python 3.12 and later
//! still accept it, and so does this lesson, so that it can talk to either.

use std::fmt;
use std::time::Instant;

use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;
use rand::RngExt;
use sha2::Sha256;

use crate::protocol::{Broken, Connection};

// ANCHOR: constants
pub const CHALLENGE: &[u8] = b"#CHALLENGE#";
pub const WELCOME: &[u8] = b"#WELCOME#";
pub const FAILURE: &[u8] = b"#FAILURE#";

/// The modern form names its MAC at the front of the challenge, and the MAC
/// covers the name too: nobody can swap in a weaker one on the way.
const SHA256_TAG: &[u8] = b"{sha256}";
/// Random bytes in a modern challenge (Python 3.12+: `MESSAGE_LENGTH = 40`).
const NONCE_LENGTH: usize = 40;
/// A legacy challenge is exactly 20 random bytes (Python 3.11 and older).
const LEGACY_NONCE_LENGTH: usize = 20;
/// A legacy answer: a bare HMAC-MD5, 16 bytes.
const MD5_LENGTH: usize = 16;
/// Python: `recv_bytes(256)`: no handshake frame is longer.
const HANDSHAKE_FRAME: usize = 256;
// ANCHOR_END: constants

/// The shared secret. It prints as `AuthKey(..)`: never in a log.
#[derive(Clone)]
pub struct AuthKey(Vec<u8>);

impl AuthKey {
    /// A key given by the user (Python: `authkey=b'abc'`): its UTF-8 bytes.
    pub fn new(text: &str) -> Result<AuthKey, String> {
        if text.is_empty() {
            return Err("the authkey is empty".to_owned());
        }
        Ok(AuthKey(text.as_bytes().to_vec()))
    }

    /// 32 random bytes from a cryptographically secure generator (seeded by
    /// the operating system, like Python's `os.urandom`), written as 64 hex
    /// digits so that the key can travel in an environment variable.
    pub fn random() -> AuthKey {
        let mut bytes = [0u8; 32];
        rand::rng().fill(&mut bytes);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        AuthKey(hex.into_bytes())
    }

    /// The key as text, to hand to a worker process in its environment.
    pub fn as_text(&self) -> &str {
        std::str::from_utf8(&self.0).expect("keys are made from text")
    }
}

impl fmt::Debug for AuthKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthKey(..)")
    }
}

/// Which form of the handshake a peer spoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// `{sha256}`: Python 3.12 and later, and this lesson.
    Sha256,
    /// A bare HMAC-MD5: Python 3.11 and older.
    LegacyMd5,
}

impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Form::Sha256 => write!(f, "HMAC-SHA256"),
            Form::LegacyMd5 => write!(f, "legacy HMAC-MD5"),
        }
    }
}

/// Why a handshake failed.
#[derive(Debug)]
pub enum AuthError {
    /// We challenged the peer and its answer was wrong.
    WrongAnswer,
    /// The peer challenged us and answered `#FAILURE#`.
    Refused,
    /// Bytes that are not this handshake at all.
    NotAHandshake(String),
    /// The connection broke, or stayed silent past the deadline.
    Broken(Broken),
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::WrongAnswer => write!(
                f,
                "its answer to our challenge is wrong: it does not know our authkey"
            ),
            AuthError::Refused => write!(
                f,
                "it answered #FAILURE# to our proof: our authkey is not its authkey"
            ),
            AuthError::NotAHandshake(why) => write!(f, "not a handshake: {why}"),
            AuthError::Broken(broken) => write!(f, "{broken}"),
        }
    }
}

impl From<Broken> for AuthError {
    fn from(broken: Broken) -> Self {
        AuthError::Broken(broken)
    }
}

// ANCHOR: handshakes
/// The manager's side (Python: `Listener.accept()`), once its challenge is
/// out (`send_challenge`): check the worker's answer, then answer its
/// challenge. Returns the form the worker answered in.
pub fn finish_handshake_as_manager(
    connection: &mut Connection,
    key: &AuthKey,
    challenge: &Challenge,
    deadline: Instant,
) -> Result<Form, AuthError> {
    let form = check_answer(connection, key, challenge, deadline)?;
    answer_challenge(connection, key, deadline)?;
    Ok(form)
}

/// The worker's side (Python: `Client(address, authkey=...)`): answer the
/// manager's challenge, then challenge it. Returns the form we answered in.
pub fn handshake_as_worker(
    connection: &mut Connection,
    key: &AuthKey,
    deadline: Instant,
) -> Result<Form, AuthError> {
    let form = answer_challenge(connection, key, deadline)?;
    let challenge = send_challenge(connection)?;
    check_answer(connection, key, &challenge, deadline)?;
    Ok(form)
}
// ANCHOR_END: handshakes

// ANCHOR: deliver
/// A challenge sent: what the peer must sign.
pub struct Challenge(Vec<u8>);

/// Python: `deliver_challenge`, in two halves. The first sends fresh random
/// bytes; the manager sends it as soon as it accepts a connection, and waits
/// for the answer without a thread (see the server's waiting room).
pub fn send_challenge(connection: &mut Connection) -> Result<Challenge, AuthError> {
    let mut nonce = [0u8; NONCE_LENGTH];
    rand::rng().fill(&mut nonce);
    // What the peer must sign: the name of the MAC and the random bytes.
    let message = [SHA256_TAG, &nonce].concat();
    connection.send_bytes(&[CHALLENGE, &message].concat())?;
    Ok(Challenge(message))
}

/// The second half: the peer proves it knows the key by sending back the
/// HMAC of our challenge.
pub fn check_answer(
    connection: &mut Connection,
    key: &AuthKey,
    challenge: &Challenge,
    deadline: Instant,
) -> Result<Form, AuthError> {
    let message = &challenge.0;
    let answer = connection.recv_bytes(HANDSHAKE_FRAME, deadline)?;
    let (form, right) = if answer.len() == MD5_LENGTH {
        // A Python 3.11 peer signs the whole message with MD5, prefix and all.
        (Form::LegacyMd5, verify::<Hmac<Md5>>(key, message, &answer))
    } else if let Some(mac) = answer.strip_prefix(SHA256_TAG) {
        (Form::Sha256, verify::<Hmac<Sha256>>(key, message, mac))
    } else {
        (Form::Sha256, false)
    };
    if right {
        connection.send_bytes(WELCOME)?;
        Ok(form)
    } else {
        // Tell the peer why we hang up; if it is gone already, no matter.
        connection.send_bytes(FAILURE).ok();
        Err(AuthError::WrongAnswer)
    }
}

/// Compares the peer's MAC with ours in constant time: the time it takes does
/// not depend on how many leading bytes are right, so an attacker cannot
/// guess a MAC byte by byte by timing our refusals.
fn verify<M: Mac + KeyInit>(key: &AuthKey, message: &[u8], mac: &[u8]) -> bool {
    let mut expected =
        <M as KeyInit>::new_from_slice(&key.0).expect("HMAC takes any key");
    expected.update(message);
    expected.verify_slice(mac).is_ok()
}
// ANCHOR_END: deliver

// ANCHOR: answer
/// Python: `answer_challenge`. Signs the peer's random bytes with the key.
pub fn answer_challenge(
    connection: &mut Connection,
    key: &AuthKey,
    deadline: Instant,
) -> Result<Form, AuthError> {
    let challenge = connection.recv_bytes(HANDSHAKE_FRAME, deadline)?;
    let Some(message) = challenge.strip_prefix(CHALLENGE) else {
        return Err(AuthError::NotAHandshake(format!(
            "expected #CHALLENGE#, got {} bytes that do not start with it",
            challenge.len()
        )));
    };
    let (form, answer) = if message.len() == LEGACY_NONCE_LENGTH {
        // A Python 3.11 challenge: answer with a bare HMAC-MD5.
        (Form::LegacyMd5, sign::<Hmac<Md5>>(key, message))
    } else if message.len() > SHA256_TAG.len() && message.starts_with(SHA256_TAG) {
        let mac = sign::<Hmac<Sha256>>(key, message);
        (Form::Sha256, [SHA256_TAG, &mac].concat())
    } else {
        return Err(AuthError::NotAHandshake(format!(
            "a challenge of {} bytes in a form this lesson does not speak \
             (it speaks {{sha256}} and Python 3.11's legacy form)",
            message.len()
        )));
    };
    connection.send_bytes(&answer)?;

    let verdict = connection.recv_bytes(HANDSHAKE_FRAME, deadline)?;
    match verdict.as_slice() {
        WELCOME => Ok(form),
        FAILURE => Err(AuthError::Refused),
        _ => Err(AuthError::NotAHandshake(
            "expected #WELCOME# or #FAILURE#".to_owned(),
        )),
    }
}

fn sign<M: Mac + KeyInit>(key: &AuthKey, message: &[u8]) -> Vec<u8> {
    let mut mac = <M as KeyInit>::new_from_slice(&key.0).expect("HMAC takes any key");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}
// ANCHOR_END: answer

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Known answers, computed with Python's own `hmac` module:
    /// `hmac.new(b'abc', b'{sha256}' + bytes(range(40)), 'sha256').hexdigest()`
    /// and `hmac.new(b'abc', bytes(range(20)), 'md5').hexdigest()`.
    #[test]
    fn the_macs_match_pythons() {
        let key = AuthKey::new("abc").unwrap();
        let modern: Vec<u8> = [SHA256_TAG, &(0..40).collect::<Vec<u8>>()].concat();
        assert_eq!(
            hex(&sign::<Hmac<Sha256>>(&key, &modern)),
            "ee2b4cd766c1e0f5eb564525d250361f729d00e3948c83c5651d1cefdb97de31"
        );
        let legacy: Vec<u8> = (0..20).collect();
        assert_eq!(
            hex(&sign::<Hmac<Md5>>(&key, &legacy)),
            "1b373176a84c1b044d9ba09795b53791"
        );
    }

    #[test]
    fn verification_needs_the_right_key_and_the_whole_mac() {
        let key = AuthKey::new("abc").unwrap();
        let message = b"{sha256}0123456789012345678901234567890123456789";
        let mac = sign::<Hmac<Sha256>>(&key, message);
        assert!(verify::<Hmac<Sha256>>(&key, message, &mac));
        let other = AuthKey::new("abd").unwrap();
        assert!(!verify::<Hmac<Sha256>>(&other, message, &mac));
        assert!(!verify::<Hmac<Sha256>>(&key, message, &mac[..31]));
        assert!(!verify::<Hmac<Sha256>>(&key, message, b""));
    }

    #[test]
    fn a_key_never_prints() {
        let key = AuthKey::new("hunter2").unwrap();
        assert_eq!(format!("{key:?}"), "AuthKey(..)");
        assert_eq!(AuthKey::random().as_text().len(), 64);
        assert!(AuthKey::new("").is_err());
    }

    /// A challenge in neither form is refused before anything is signed:
    /// the tag with no random bytes after it, random bytes of the wrong
    /// length with no tag, and a tag cut short.
    #[test]
    fn a_challenge_in_neither_form_is_not_answered() {
        use std::io::Read;
        use std::net::{TcpListener, TcpStream};
        use std::time::Duration;

        let key = AuthKey::new("abc").unwrap();
        let no_nonce = SHA256_TAG.to_vec();
        let untagged = vec![b'x'; NONCE_LENGTH];
        let cut_short = SHA256_TAG[..5].to_vec();
        for message in [no_nonce, untagged, cut_short] {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            let mut challenger =
                TcpStream::connect(listener.local_addr().unwrap()).unwrap();
            let (answerer, _) = listener.accept().unwrap();
            let mut answerer = Connection::new(answerer).unwrap();
            let challenge = [CHALLENGE, &message].concat();
            crate::protocol::write_frame(&mut challenger, &challenge).unwrap();

            let deadline = Instant::now() + Duration::from_secs(2);
            let refused = answer_challenge(&mut answerer, &key, deadline);
            drop(answerer);
            let text = String::from_utf8_lossy(&message);
            assert!(
                matches!(refused, Err(AuthError::NotAHandshake(_))),
                "{text:?} was not refused as not a handshake"
            );
            let mut answered = Vec::new();
            challenger.read_to_end(&mut answered).unwrap();
            assert!(answered.is_empty(), "{text:?} was answered");
        }
    }
}
