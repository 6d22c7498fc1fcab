//! Python's pickle: the little of it that `BaseManager` speaks, read and
//! written by hand.
//!
//! A pickle is not a data format but a program for a small stack machine:
//! each opcode pushes a value, or pops some and pushes what it builds of
//! them. `pickle.loads` runs the program. Two of its opcodes make that
//! dangerous: `GLOBAL` pushes *any* function Python can import, by module
//! and name, and `REDUCE` calls it with arguments the bytes choose. So
//! `os.system("any command")` fits in 40 bytes of pickle, and whoever can
//! make you unpickle it runs that command as you.
//!
//! This reader runs the same machine, with three differences:
//! - **An allow-list of one class.** `GLOBAL` may name `_queue.Empty` (the
//!   exception that `get(timeout=1)` raises when no task came) and nothing
//!   else, and `REDUCE` may only build one, with no arguments.
//! - **Only the opcodes `BaseManager`'s messages use** (None, booleans,
//!   integers, floats, strings, tuples, dicts, and the memo). Any other
//!   opcode is refused.
//! - **Limits**: values nested at most [`MAX_DEPTH`] deep, at most
//!   [`MAX_VALUES`] values made in all (copies from the memo included), and
//!   every length checked against the bytes that are really there before
//!   anything is allocated. A refusal is an `Err`, never a panic: 3,000
//!   nested tuples are refused at the 17th, not followed down the stack.
//!
//! It writes protocol 2 (Python reads every protocol up to its own), and
//! reads protocols 2 to 5: Python 3.8 to 3.13 send 4, Python 3.14 sends 5.

use std::fmt;

// ANCHOR: value
/// A value that crosses the wire between `BaseManager` and its proxies.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Tuple(Vec<Value>),
    /// A dict, its pairs in the order they came.
    Dict(Vec<(Value, Value)>),
    /// `_queue.Empty()`: the one object of a class that this reader builds.
    QueueEmpty,
}

/// How deeply values may nest: a request is a tuple holding a tuple of
/// arguments and a dict, three deep.
pub const MAX_DEPTH: usize = 16;
/// How many values one pickle may make, memo copies included.
pub const MAX_VALUES: usize = 1_000;
// ANCHOR_END: value

/// Python's `repr`, near enough: `('#RETURN', None)`, for the log.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => write!(f, "None"),
            Value::Bool(true) => write!(f, "True"),
            Value::Bool(false) => write!(f, "False"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(text) => write!(f, "'{}'", text.escape_debug()),
            Value::Tuple(items) => {
                write!(f, "(")?;
                for (i, item) in items.iter().enumerate() {
                    write!(f, "{}{item}", if i == 0 { "" } else { ", " })?;
                }
                write!(f, "{})", if items.len() == 1 { "," } else { "" })
            }
            Value::Dict(pairs) => {
                write!(f, "{{")?;
                for (i, (key, value)) in pairs.iter().enumerate() {
                    write!(f, "{}{key}: {value}", if i == 0 { "" } else { ", " })?;
                }
                write!(f, "}}")
            }
            Value::QueueEmpty => write!(f, "_queue.Empty()"),
        }
    }
}

/// Why a pickle was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a pickle this manager does not read: {}", self.0)
    }
}

// The opcodes, with the names `pickletools.dis` gives them.
const MARK: u8 = b'(';
const STOP: u8 = b'.';
const NONE: u8 = b'N';
const BININT: u8 = b'J';
const BININT1: u8 = b'K';
const BININT2: u8 = b'M';
const BINFLOAT: u8 = b'G';
const BINUNICODE: u8 = b'X';
const GLOBAL: u8 = b'c';
const REDUCE: u8 = b'R';
const EMPTY_TUPLE: u8 = b')';
const TUPLE: u8 = b't';
const EMPTY_DICT: u8 = b'}';
const SETITEM: u8 = b's';
const SETITEMS: u8 = b'u';
const BINGET: u8 = b'h';
const BINPUT: u8 = b'q';
const LONG_BINPUT: u8 = b'r';
const LONG_BINGET: u8 = b'j';
const PROTO: u8 = 0x80;
const TUPLE1: u8 = 0x85;
const TUPLE2: u8 = 0x86;
const TUPLE3: u8 = 0x87;
const NEWTRUE: u8 = 0x88;
const NEWFALSE: u8 = 0x89;
const LONG1: u8 = 0x8a;
const SHORT_BINUNICODE: u8 = 0x8c;
const BINUNICODE8: u8 = 0x8d;
const STACK_GLOBAL: u8 = 0x93;
const MEMOIZE: u8 = 0x94;
const FRAME: u8 = 0x95;

/// The one class a pickle may name.
const ALLOWED_CLASS: (&str, &str) = ("_queue", "Empty");

/// Whether `bytes` look like a pickle (Python's protocols 2 and later start
/// with `PROTO`); JSON never starts with that byte.
pub fn looks_like_pickle(bytes: &[u8]) -> bool {
    bytes.first() == Some(&PROTO)
}

/// Python: `pickle.dumps(value, protocol=2)`.
pub fn write(value: &Value) -> Vec<u8> {
    let mut out = vec![PROTO, 2];
    write_value(value, &mut out);
    out.push(STOP);
    out
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::None => out.push(NONE),
        Value::Bool(true) => out.push(NEWTRUE),
        Value::Bool(false) => out.push(NEWFALSE),
        Value::Int(n) => match (u8::try_from(*n), u16::try_from(*n), i32::try_from(*n)) {
            (Ok(small), _, _) => out.extend([BININT1, small]),
            (_, Ok(medium), _) => {
                out.push(BININT2);
                out.extend(medium.to_le_bytes());
            }
            (_, _, Ok(large)) => {
                out.push(BININT);
                out.extend(large.to_le_bytes());
            }
            // Two's complement, little-endian, as many bytes as an i64 has.
            _ => {
                out.extend([LONG1, 8]);
                out.extend(n.to_le_bytes());
            }
        },
        Value::Float(x) => {
            out.push(BINFLOAT);
            out.extend(x.to_be_bytes());
        }
        Value::Str(text) => {
            out.push(BINUNICODE);
            let length = u32::try_from(text.len()).expect("our strings are short");
            out.extend(length.to_le_bytes());
            out.extend(text.as_bytes());
        }
        Value::Tuple(items) if items.is_empty() => out.push(EMPTY_TUPLE),
        Value::Tuple(items) if items.len() <= 3 => {
            items.iter().for_each(|item| write_value(item, out));
            out.push(TUPLE1 + items.len() as u8 - 1);
        }
        Value::Tuple(items) => {
            out.push(MARK);
            items.iter().for_each(|item| write_value(item, out));
            out.push(TUPLE);
        }
        Value::Dict(pairs) => {
            out.push(EMPTY_DICT);
            if !pairs.is_empty() {
                out.push(MARK);
                for (key, value) in pairs {
                    write_value(key, out);
                    write_value(value, out);
                }
                out.push(SETITEMS);
            }
        }
        // Python: `_queue.Empty()`, rebuilt by calling the class with ().
        Value::QueueEmpty => {
            out.push(GLOBAL);
            out.extend(b"_queue\nEmpty\n");
            out.extend([EMPTY_TUPLE, REDUCE]);
        }
    }
}

/// Python: `pickle.loads(bytes)`, for the values above and nothing else.
pub fn read(bytes: &[u8]) -> Result<Value, Refused> {
    let mut machine = Machine {
        bytes,
        at: 0,
        stack: Vec::new(),
        marks: Vec::new(),
        memo: Vec::new(),
        made: 0,
    };
    machine
        .run()
        .map_err(|why| Refused(format!("{why} (at byte {})", machine.at)))
}

/// What sits on the machine's stack: a value and its shape, or the allowed
/// class waiting for `REDUCE` to call it.
#[derive(Clone)]
enum Item {
    Value(Value, Shape),
    EmptyClass,
}

/// How deep a value nests, and how many values it holds (itself included):
/// known without walking the value, so that checking costs nothing.
#[derive(Clone, Copy)]
struct Shape {
    depth: usize,
    values: usize,
}

struct Machine<'a> {
    bytes: &'a [u8],
    at: usize,
    stack: Vec<Item>,
    /// Where each open `MARK` is on the stack.
    marks: Vec<usize>,
    memo: Vec<Item>,
    /// Values made so far, against `MAX_VALUES`.
    made: usize,
}

impl<'a> Machine<'a> {
    fn run(&mut self) -> Result<Value, String> {
        loop {
            let opcode = self.take(1)?[0];
            match opcode {
                PROTO => match self.take(1)?[0] {
                    2..=5 => {}
                    other => return Err(format!("protocol {other}")),
                },
                // A hint for buffered reading: the frame's length. We have
                // the whole message already; only check that it is there.
                FRAME => {
                    let length = u64::from_le_bytes(self.array()?);
                    if length > (self.bytes.len() - self.at) as u64 {
                        return Err(format!("a frame of {length} bytes"));
                    }
                }
                STOP => return self.stop(),
                MARK => self.marks.push(self.stack.len()),
                NONE => self.push_scalar(Value::None)?,
                NEWTRUE => self.push_scalar(Value::Bool(true))?,
                NEWFALSE => self.push_scalar(Value::Bool(false))?,
                BININT1 => {
                    let n = self.take(1)?[0];
                    self.push_scalar(Value::Int(n.into()))?
                }
                BININT2 => {
                    let n = u16::from_le_bytes(self.array()?);
                    self.push_scalar(Value::Int(n.into()))?
                }
                BININT => {
                    let n = i32::from_le_bytes(self.array()?);
                    self.push_scalar(Value::Int(n.into()))?
                }
                LONG1 => {
                    let n = self.long()?;
                    self.push_scalar(Value::Int(n))?
                }
                BINFLOAT => {
                    let x = f64::from_be_bytes(self.array()?);
                    self.push_scalar(Value::Float(x))?
                }
                SHORT_BINUNICODE => {
                    let length = self.take(1)?[0].into();
                    self.string(length)?
                }
                BINUNICODE => {
                    let length = u32::from_le_bytes(self.array()?) as u64;
                    self.string(length)?
                }
                BINUNICODE8 => {
                    let length = u64::from_le_bytes(self.array()?);
                    self.string(length)?
                }
                EMPTY_TUPLE => {
                    self.push_container(Value::Tuple(Vec::new()), Vec::new())?
                }
                TUPLE1 | TUPLE2 | TUPLE3 => {
                    let count = usize::from(opcode - TUPLE1 + 1);
                    let start =
                        self.stack.len().checked_sub(count).ok_or("stack empty")?;
                    self.tuple_from(start)?
                }
                TUPLE => {
                    let start = self.marks.pop().ok_or("TUPLE without MARK")?;
                    self.tuple_from(start)?
                }
                EMPTY_DICT => self.push_container(Value::Dict(Vec::new()), Vec::new())?,
                SETITEM => {
                    let start = self.stack.len().checked_sub(2).ok_or("stack empty")?;
                    self.set_items_from(start)?
                }
                SETITEMS => {
                    let start = self.marks.pop().ok_or("SETITEMS without MARK")?;
                    self.set_items_from(start)?
                }
                MEMOIZE => self.memo_put(self.memo.len())?,
                BINPUT => {
                    let index = self.take(1)?[0].into();
                    self.memo_put(index)?
                }
                LONG_BINPUT => {
                    let index = u32::from_le_bytes(self.array()?) as usize;
                    self.memo_put(index)?
                }
                BINGET => {
                    let index = self.take(1)?[0].into();
                    self.memo_get(index)?
                }
                LONG_BINGET => {
                    let index = u32::from_le_bytes(self.array()?) as usize;
                    self.memo_get(index)?
                }
                GLOBAL => {
                    let module = self.line()?;
                    let name = self.line()?;
                    self.class(&module, &name)?
                }
                STACK_GLOBAL => {
                    let name = self.pop_string()?;
                    let module = self.pop_string()?;
                    self.class(&module, &name)?
                }
                REDUCE => self.reduce()?,
                other => return Err(format!("opcode 0x{other:02x}")),
            }
        }
    }

    /// The end: exactly one value on the stack, nothing left over.
    fn stop(&mut self) -> Result<Value, String> {
        if self.at != self.bytes.len() {
            return Err("bytes after STOP".to_owned());
        }
        match (
            self.stack.pop(),
            self.stack.is_empty(),
            self.marks.is_empty(),
        ) {
            (Some(Item::Value(value, _)), true, true) => Ok(value),
            _ => Err("STOP without exactly one value on the stack".to_owned()),
        }
    }

    /// The next `count` bytes, if they are there.
    fn take(&mut self, count: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(count)
            .filter(|&end| end <= self.bytes.len())
            .ok_or("the pickle ends too soon")?;
        let bytes: &'a [u8] = self.bytes;
        self.at = end;
        Ok(&bytes[end - count..end])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        Ok(self.take(N)?.try_into().expect("take gives N bytes"))
    }

    /// A string of `length` bytes: the length is checked against the bytes
    /// that are there (by `take`) before anything is copied.
    fn string(&mut self, length: u64) -> Result<(), String> {
        let length = usize::try_from(length).map_err(|_| "a string too long")?;
        let bytes = self.take(length)?;
        let text = std::str::from_utf8(bytes).map_err(|_| "a string not in UTF-8")?;
        self.push_scalar(Value::Str(text.to_owned()))
    }

    /// `LONG1`: an integer of up to 8 bytes, little-endian, two's complement.
    fn long(&mut self) -> Result<i64, String> {
        let length = usize::from(self.take(1)?[0]);
        if length > 8 {
            return Err(format!("an integer of {length} bytes"));
        }
        let bytes = self.take(length)?;
        let negative = bytes.last().is_some_and(|&b| b & 0x80 != 0);
        let mut full = [if negative { 0xff } else { 0 }; 8];
        full[..length].copy_from_slice(bytes);
        Ok(i64::from_le_bytes(full))
    }

    /// A line of `GLOBAL`: up to a newline, at most 64 bytes.
    fn line(&mut self) -> Result<String, String> {
        let rest = &self.bytes[self.at..];
        let end = rest
            .iter()
            .take(64)
            .position(|&b| b == b'\n')
            .ok_or("a GLOBAL name without its newline")?;
        let text =
            std::str::from_utf8(&rest[..end]).map_err(|_| "a name not in UTF-8")?;
        self.at += end + 1;
        Ok(text.to_owned())
    }

    /// Counts `values` more made values against the limit.
    fn make(&mut self, values: usize) -> Result<(), String> {
        self.made += values;
        if self.made > MAX_VALUES {
            return Err(format!("more than {MAX_VALUES} values"));
        }
        Ok(())
    }

    fn push_scalar(&mut self, value: Value) -> Result<(), String> {
        self.make(1)?;
        let shape = Shape {
            depth: 1,
            values: 1,
        };
        self.stack.push(Item::Value(value, shape));
        Ok(())
    }

    /// Pushes a container made of values whose shapes are `inner`.
    fn push_container(&mut self, value: Value, inner: Vec<Shape>) -> Result<(), String> {
        self.make(1)?;
        let shape = Shape {
            depth: 1 + inner.iter().map(|s| s.depth).max().unwrap_or(0),
            values: 1 + inner.iter().map(|s| s.values).sum::<usize>(),
        };
        if shape.depth > MAX_DEPTH {
            return Err(format!("values nested more than {MAX_DEPTH} deep"));
        }
        self.stack.push(Item::Value(value, shape));
        Ok(())
    }

    /// The values from stack position `start` to the top, taken off.
    fn values_from(&mut self, start: usize) -> Result<Vec<(Value, Shape)>, String> {
        if start > self.stack.len() {
            return Err("a MARK above the top of the stack".to_owned());
        }
        self.stack
            .drain(start..)
            .map(|item| match item {
                Item::Value(value, shape) => Ok((value, shape)),
                Item::EmptyClass => Err("a class inside a container".to_owned()),
            })
            .collect()
    }

    fn tuple_from(&mut self, start: usize) -> Result<(), String> {
        let (items, shapes): (Vec<Value>, Vec<Shape>) =
            self.values_from(start)?.into_iter().unzip();
        self.push_container(Value::Tuple(items), shapes)
    }

    /// `SETITEM(S)`: pairs from `start` to the top go into the dict below.
    fn set_items_from(&mut self, start: usize) -> Result<(), String> {
        let items = self.values_from(start)?;
        if items.len() % 2 != 0 {
            return Err("a key without its value".to_owned());
        }
        let Some(Item::Value(Value::Dict(pairs), shape)) = self.stack.last_mut() else {
            return Err("SETITEM(S) without a dict below".to_owned());
        };
        let mut items = items.into_iter();
        while let (Some((key, key_shape)), Some((value, value_shape))) =
            (items.next(), items.next())
        {
            shape.depth = shape.depth.max(1 + key_shape.depth.max(value_shape.depth));
            shape.values += key_shape.values + value_shape.values;
            pairs.push((key, value));
        }
        if shape.depth > MAX_DEPTH {
            return Err(format!("values nested more than {MAX_DEPTH} deep"));
        }
        Ok(())
    }

    // ANCHOR: memo
    /// `MEMOIZE` (protocol 4 and later), `BINPUT` (before): remember the
    /// value on top. Python numbers the entries 0, 1, 2...; so do we.
    fn memo_put(&mut self, index: usize) -> Result<(), String> {
        let top = self.stack.last().ok_or("a memo entry of an empty stack")?;
        match index.cmp(&self.memo.len()) {
            std::cmp::Ordering::Less => self.memo[index] = top.clone(),
            std::cmp::Ordering::Equal => self.memo.push(top.clone()),
            std::cmp::Ordering::Greater => {
                return Err("a memo entry out of order".to_owned());
            }
        }
        Ok(())
    }

    /// `BINGET`: a copy of a value seen before. A copy of a dict could be
    /// out of date (Python's would be the same object, filled in later), so
    /// a dict is never fetched; our messages never hold one twice.
    fn memo_get(&mut self, index: usize) -> Result<(), String> {
        let item = self.memo.get(index).ok_or("a memo entry never stored")?;
        let item = item.clone();
        match &item {
            Item::Value(Value::Dict(_), _) => {
                return Err("a dict fetched again".to_owned());
            }
            Item::Value(_, shape) => self.make(shape.values)?,
            Item::EmptyClass => {}
        }
        self.stack.push(item);
        Ok(())
    }
    // ANCHOR_END: memo

    fn pop_string(&mut self) -> Result<String, String> {
        match self.stack.pop() {
            Some(Item::Value(Value::Str(text), _)) => Ok(text),
            _ => Err("STACK_GLOBAL without two strings".to_owned()),
        }
    }

    // ANCHOR: allow
    /// `GLOBAL`: Python would import `module` and push `module.name`, any
    /// function or class at all. We push the one class on our allow-list.
    fn class(&mut self, module: &str, name: &str) -> Result<(), String> {
        if (module, name) != ALLOWED_CLASS {
            return Err(format!(
                "the class {module}.{name} (only _queue.Empty is allowed)"
            ));
        }
        self.stack.push(Item::EmptyClass);
        Ok(())
    }

    /// `REDUCE`: Python calls the callable below with the tuple on top. We
    /// call one thing: the allowed class, with no arguments.
    fn reduce(&mut self) -> Result<(), String> {
        let arguments = self.stack.pop();
        let callable = self.stack.pop();
        match (callable, arguments) {
            (Some(Item::EmptyClass), Some(Item::Value(Value::Tuple(args), _)))
                if args.is_empty() =>
            {
                self.push_scalar(Value::QueueEmpty)
            }
            _ => Err("REDUCE of anything but _queue.Empty()".to_owned()),
        }
    }
    // ANCHOR_END: allow
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value {
        Value::Str(s.to_owned())
    }

    /// Pickles that Python 3.11's `ForkingPickler.dumps` wrote (protocol 4).
    const FROM_PYTHON: &[(&[u8], &str)] = &[
        (
            b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00(N\x8c\x05dummy\x94)}\x94t\x94.",
            "(None, 'dummy', (), {})",
        ),
        (
            b"\x80\x04\x95#\x00\x00\x00\x00\x00\x00\x00(\x8c\x067f12ab\x94\x8c\x03get\
              \x94)}\x94\x8c\x07timeout\x94K\x01st\x94.",
            "('7f12ab', 'get', (), {'timeout': 1})",
        ),
        (
            b"\x80\x04\x95\"\x00\x00\x00\x00\x00\x00\x00\x8c\x06#ERROR\x94\x8c\x06_queue\
              \x94\x8c\x05Empty\x94\x93\x94)R\x94\x86\x94.",
            "('#ERROR', _queue.Empty())",
        ),
    ];

    // ANCHOR: dump
    /// `task.get(timeout=1)` from Python 3.11's `taskworker.py`, byte by
    /// byte: the request `('task_queue', 'get', (), {'timeout': 1})`.
    const A_GET: &[&[u8]] = &[
        b"\x80\x04",                             // PROTO 4
        b"\x95\x27\x00\x00\x00\x00\x00\x00\x00", // FRAME: 39 bytes follow
        b"(",                                    // MARK: a tuple starts here
        b"\x8c\x0atask_queue",                   // SHORT_BINUNICODE: a 10-byte str
        b"\x94",                                 // MEMOIZE it (as 0)
        b"\x8c\x03get\x94",                      // 'get', memo 1
        b")",                                    // EMPTY_TUPLE: the args
        b"}\x94",                                // EMPTY_DICT: the kwargs, memo 2
        b"\x8c\x07timeout\x94",                  // 'timeout', memo 3
        b"K\x01",                                // BININT1: 1
        b"s",                                    // SETITEM: kwargs['timeout'] = 1
        b"t\x94",                                // TUPLE: back to the MARK; memo 4
        b".",                                    // STOP: the top of the stack is it
    ];

    /// Our manager's answer when no task came: `('#ERROR', _queue.Empty())`.
    const NO_TASK: &[&[u8]] = &[
        b"\x80\x02",                // PROTO 2
        b"X\x06\x00\x00\x00#ERROR", // BINUNICODE: a str of 6 bytes
        b"c_queue\nEmpty\n",        // GLOBAL: Python imports _queue.Empty
        b")",                       // EMPTY_TUPLE: no arguments
        b"R",                       // REDUCE: calls _queue.Empty()
        b"\x86",                    // TUPLE2: the last two values
        b".",                       // STOP
    ];
    // ANCHOR_END: dump

    #[test]
    fn the_annotated_dumps_are_what_crosses_the_wire() {
        let get = read(&A_GET.concat()).unwrap();
        assert_eq!(get.to_string(), "('task_queue', 'get', (), {'timeout': 1})");
        let no_task = Value::Tuple(vec![text("#ERROR"), Value::QueueEmpty]);
        assert_eq!(write(&no_task), NO_TASK.concat());
    }

    #[test]
    fn reads_what_python_writes() {
        let expected = [
            Value::Tuple(vec![
                Value::None,
                text("dummy"),
                Value::Tuple(vec![]),
                Value::Dict(vec![]),
            ]),
            Value::Tuple(vec![
                text("7f12ab"),
                text("get"),
                Value::Tuple(vec![]),
                Value::Dict(vec![(text("timeout"), Value::Int(1))]),
            ]),
            Value::Tuple(vec![text("#ERROR"), Value::QueueEmpty]),
        ];
        for ((bytes, python), expected) in FROM_PYTHON.iter().zip(expected) {
            assert_eq!(read(bytes), Ok(expected), "{python}");
        }
    }

    #[test]
    fn what_it_writes_it_reads() {
        let values = [
            Value::Tuple(vec![text("#RETURN"), Value::None]),
            Value::Tuple(vec![
                text("#RETURN"),
                Value::Tuple(vec![
                    text("task_queue"),
                    Value::Tuple(vec![text("get"), text("put")]),
                ]),
            ]),
            Value::Tuple((0..5).map(Value::Int).collect()),
            Value::Tuple(vec![text("#ERROR"), Value::QueueEmpty]),
            Value::Dict(vec![
                (text("timeout"), Value::Float(1.5)),
                (text("b"), Value::Bool(true)),
            ]),
            Value::Tuple(
                [
                    0,
                    255,
                    256,
                    65535,
                    65536,
                    -1,
                    -129,
                    i64::from(i32::MAX) + 1,
                    i64::MIN,
                    i64::MAX,
                ]
                .into_iter()
                .map(Value::Int)
                .collect(),
            ),
            Value::Tuple(vec![
                Value::Bool(false),
                text("3036 * 3036 = 9217296"),
                text(""),
            ]),
        ];
        for value in values {
            assert_eq!(read(&write(&value)), Ok(value.clone()), "{value:?}");
        }
    }

    #[test]
    fn protocol_2_is_what_it_writes() {
        let bytes = write(&Value::Tuple(vec![text("#RETURN"), Value::None]));
        assert_eq!(bytes, b"\x80\x02X\x07\x00\x00\x00#RETURNN\x86.");
        assert!(looks_like_pickle(&bytes));
        // Each integer in the smallest form that holds it, as Python writes.
        let ints = [
            (5, &b"K\x05"[..]),
            (300, b"M\x2c\x01"),
            (70_000, b"J\x70\x11\x01\x00"),
            (-2, b"J\xfe\xff\xff\xff"),
            (1 << 40, b"\x8a\x08\x00\x00\x00\x00\x00\x01\x00\x00"),
        ];
        for (n, opcodes) in ints {
            let written = write(&Value::Int(n));
            assert_eq!(&written[2..written.len() - 1], opcodes, "{n}");
        }
        assert!(!looks_like_pickle(br#"{"Get":{"wait_ms":1000}}"#));
        assert!(!looks_like_pickle(b""));
    }

    fn refused(bytes: &[u8]) -> String {
        match read(bytes) {
            Err(Refused(why)) => why,
            Ok(value) => panic!("{bytes:?} was read as {value:?}"),
        }
    }

    /// The classic attack: `os.system('touch /tmp/pwned')`, as Python's
    /// protocol 0 and protocol 4 write it. Refused at the class's name.
    #[test]
    fn a_function_call_is_refused() {
        let protocol_0 = b"cos\nsystem\n(S'touch /tmp/pwned'\ntR.";
        assert!(
            refused(protocol_0).contains("os.system"),
            "{}",
            refused(protocol_0)
        );
        let protocol_4 =
            b"\x80\x04\x8c\x05posix\x8c\x06system\x93\x8c\x10touch /tmp/pwned\x85R.";
        assert!(refused(protocol_4).contains("posix.system"));
        // The allowed class, called with arguments, is refused too.
        let with_arguments = b"\x80\x02c_queue\nEmpty\nK\x01\x85R.";
        assert!(refused(with_arguments).contains("REDUCE"));
        // And a class alone is no value.
        assert!(refused(b"\x80\x02c_queue\nEmpty\n.").contains("STOP"));
    }

    #[test]
    fn deep_nesting_is_refused_early() {
        for opener in [&b")"[..], b"}"] {
            let mut bytes = b"\x80\x04".to_vec();
            bytes.extend(opener);
            bytes.extend(std::iter::repeat_n(TUPLE1, 3_000));
            bytes.push(STOP);
            assert!(refused(&bytes).contains("nested more than 16"));
        }
        // Depth 16 is still fine.
        let mut bytes = b"\x80\x04N".to_vec();
        bytes.extend(std::iter::repeat_n(TUPLE1, MAX_DEPTH - 1));
        bytes.push(STOP);
        assert!(read(&bytes).is_ok());
        // Dicts inside dicts count as well: 16 deep is fine, 17 is not.
        let dicts = |depth: usize| {
            let mut bytes = b"\x80\x04}".to_vec();
            for _ in 1..depth {
                bytes.extend(b"N}");
            }
            bytes.extend(std::iter::repeat_n(SETITEM, depth - 1));
            bytes.push(STOP);
            bytes
        };
        assert!(read(&dicts(MAX_DEPTH)).is_ok());
        assert!(refused(&dicts(MAX_DEPTH + 1)).contains("nested"));
    }

    #[test]
    fn huge_lengths_are_refused_without_allocating() {
        for bytes in [
            &b"\x80\x04X\xff\xff\xff\xffabc."[..],
            b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\xffabc.",
            b"\x80\x04\x8c\xffabc.",
            b"\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xffN.",
            // A frame one byte longer than what follows it.
            b"\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00N.",
        ] {
            let why = refused(bytes);
            assert!(
                why.contains("ends too soon") || why.contains("a frame of"),
                "{why}"
            );
        }
        assert!(
            refused(b"\x80\x04\x8a\x09\x01\x02\x03\x04\x05\x06\x07\x08\x09.")
                .contains("9 bytes")
        );
    }

    #[test]
    fn memo_copies_are_counted() {
        // A tuple of 999 Nones, then fetched again and again: "billion
        // laughs" in pickle.
        let mut bytes = b"\x80\x04(".to_vec();
        bytes.extend(std::iter::repeat_n(NONE, 100));
        bytes.extend([TUPLE, MEMOIZE]);
        bytes.extend([BINGET, 0].repeat(20));
        bytes.push(TUPLE3);
        bytes.push(STOP);
        assert!(refused(&bytes).contains("more than 1000 values"));
        // Exactly MAX_VALUES is allowed: a tuple and 999 Nones.
        let tuple_of = |nones: usize| {
            let mut bytes = b"\x80\x04(".to_vec();
            bytes.extend(std::iter::repeat_n(NONE, nones));
            bytes.extend([TUPLE, STOP]);
            bytes
        };
        assert!(read(&tuple_of(MAX_VALUES - 1)).is_ok());
        assert!(refused(&tuple_of(MAX_VALUES)).contains("more than 1000 values"));
        // A copy from the memo counts every value it holds, the tuple too:
        // (t, t) with t a tuple of k Nones makes k + 1, twice, and one more.
        let twice = |nones: usize| {
            let mut bytes = b"\x80\x04(".to_vec();
            bytes.extend(std::iter::repeat_n(NONE, nones));
            bytes.extend([TUPLE, MEMOIZE, BINGET, 0, TUPLE2, STOP]);
            bytes
        };
        assert!(read(&twice(498)).is_ok(), "999 values");
        assert!(refused(&twice(499)).contains("more than 1000 values"));
        // The values inside a dict count too, when a tuple holding it is
        // copied: (d,) with p pairs in d, then ((d,), (d,)).
        let dict_twice = |pairs: usize| {
            let mut bytes = b"\x80\x04(}(".to_vec();
            bytes.extend(std::iter::repeat_n([NONE, NONE], pairs).flatten());
            bytes.extend([SETITEMS, TUPLE, MEMOIZE, BINGET, 0, TUPLE2, STOP]);
            bytes
        };
        assert!(read(&dict_twice(248)).is_ok(), "997 values");
        assert!(refused(&dict_twice(249)).contains("more than 1000 values"));
        // An empty MARK ... TUPLE is the empty tuple.
        assert_eq!(read(b"\x80\x04(t."), Ok(Value::Tuple(vec![])));
        // A dict is never fetched from the memo.
        assert!(refused(b"\x80\x04}\x94h\x00\x86.").contains("dict fetched"));
        assert!(refused(b"\x80\x04h\x05.").contains("never stored"));
        assert!(refused(b"\x80\x02Nq\x03.").contains("out of order"));
        assert!(refused(b"\x80\x04\x94N.").contains("empty stack"));
    }

    #[test]
    fn unknown_opcodes_and_broken_programs_are_refused() {
        for (bytes, why) in [
            (&b"\x80\x04]."[..], "opcode 0x5d"), // EMPTY_LIST
            (b"\x80\x04N", "ends too soon"),
            (b"\x80\x01N.", "protocol 1"),
            (b"\x80\x04NN.", "exactly one value"),
            (b"\x80\x04(N.", "exactly one value"),
            (b"\x80\x04N.N", "bytes after STOP"),
            (b"\x80\x04t.", "without MARK"),
            (b"\x80\x04\x86.", "stack empty"),
            (b"\x80\x04}N.", "exactly one"),
            (b"\x80\x04}(Nu.", "a key without its value"),
            (b"\x80\x04NNs.", "without a dict below"),
            (b"\x80\x04\x8c\x02\xff\xfe.", "UTF-8"),
            (b"\x80\x04\x93.", "two strings"),
            (b"\x80\x04c_queue.", "newline"),
            (b"\x80\x04(c_queue\nEmpty\nt.", "a class inside a container"),
        ] {
            let refusal = refused(bytes);
            assert!(refusal.contains(why), "{bytes:?}: {refusal}");
        }
    }

    /// The real Python, both ways: it loads what we write, and we read
    /// what it writes with every protocol from 2 to its highest, each value
    /// printed the same (our `Display` is Python's `repr`).
    #[test]
    fn python_reads_what_we_write_and_we_read_what_it_writes() {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let values = [
            Value::Tuple(vec![text("#RETURN"), Value::None]),
            Value::Tuple(vec![text("#ERROR"), Value::QueueEmpty]),
            Value::Tuple(vec![
                text("task_queue"),
                text("get"),
                Value::Tuple(vec![]),
                Value::Dict(vec![(text("timeout"), Value::Float(1.5))]),
            ]),
            Value::Tuple(
                [0, 300, 70_000, -5, 1 << 40, i64::MIN]
                    .into_iter()
                    .map(Value::Int)
                    .collect(),
            ),
            Value::Tuple(vec![
                text("3036 * 3036 = 9217296 \u{e9}"),
                Value::Bool(false),
            ]),
        ];
        // Each line in: our pickle in hex. Each line out: Python's repr of
        // it, then its own pickles of it, protocol 2 up, in hex.
        let script = "import pickle, sys\n\
            for line in sys.stdin:\n\
            \x20   v = pickle.loads(bytes.fromhex(line))\n\
            \x20   r = repr(v).replace('_queue.Empty()', 'Empty()')\n\
            \x20   ps = [pickle.dumps(v, p).hex() for p in range(2, pickle.HIGHEST_PROTOCOL + 1)]\n\
            \x20   print(r, *ps)\n";
        let hex =
            |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let input: String = values.iter().map(|v| hex(&write(v)) + "\n").collect();
        let child = Command::new("python3")
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn();
        let Ok(mut child) = child else {
            assert!(std::env::var_os("CI").is_none(), "CI needs python3");
            return eprintln!("skipped: no python3");
        };
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success());
        let lines = String::from_utf8(output.stdout).unwrap();
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(lines.len(), values.len());
        for (value, line) in values.iter().zip(lines) {
            let ours = value.to_string().replace("_queue.Empty()", "Empty()");
            let (python_repr, pickles) = line.split_at(ours.len());
            assert_eq!(python_repr, ours, "Python read our pickle of {value}");
            for pickle in pickles.split_whitespace() {
                let bytes: Vec<u8> = (0..pickle.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&pickle[i..i + 2], 16).unwrap())
                    .collect();
                assert_eq!(read(&bytes).as_ref(), Ok(value), "{pickle}");
            }
        }
    }

    /// Random bytes, and Python's own pickles with bytes changed, cut or
    /// added: every one is read or refused, none panics.
    #[test]
    fn random_and_mangled_bytes_never_panic() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut read_ok = 0;
        for round in 0..200_000 {
            let mut bytes: Vec<u8> = if round % 2 == 0 {
                let length = next() % 64;
                (0..length).map(|_| next() as u8).collect()
            } else {
                let (sample, _) = FROM_PYTHON[next() as usize % FROM_PYTHON.len()];
                sample.to_vec()
            };
            for _ in 0..(1 + next() % 3) {
                let at = next() as usize % (bytes.len() + 1);
                match next() % 3 {
                    0 if at < bytes.len() => bytes[at] = next() as u8,
                    1 => bytes.insert(at, next() as u8),
                    _ => bytes.truncate(at),
                }
            }
            if read(&bytes).is_ok() {
                read_ok += 1;
            }
        }
        // Some mangled pickles are still pickles; most are not.
        assert!(read_ok > 0 && read_ok < 100_000, "{read_ok}");
    }
}
