//! The bytes of an import as text: UTF-8 unless a byte order mark (UTF-8, UTF-16LE or
//! UTF-16BE) or `--encoding` says otherwise, decoded by `encoding_rs` before any format
//! reads them. A byte sequence that is not valid in the encoding is never replaced
//! silently: the decoder notes where it was, and the format reading the text refuses the
//! record that holds it, naming its line (and, in a CSV, its column).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Read};
use std::rc::Rc;

use encoding_rs::{Decoder, DecoderResult, Encoding, REPLACEMENT, UTF_8};

use crate::error::{Error, Result};

/// The encoding `--encoding NAME` names (any WHATWG label: `windows-1252`, `latin1`,
/// `utf-16le`, …).
pub fn encoding(name: &str) -> Result<&'static Encoding> {
    Encoding::for_label(name.trim().as_bytes())
        // The "replacement" encoding decodes every file to one error: it is no way to read one.
        .filter(|e| *e != REPLACEMENT)
        .ok_or_else(|| {
            Error::usage(format!(
                "--encoding '{name}': not an encoding rex knows; use one like windows-1252, latin1, iso-8859-15, utf-16le, utf-16be or utf-8"
            ))
        })
}

/// A byte sequence not valid in the input's encoding: where its text stands in the
/// decoded stream (a byte offset), and the line it is on (from 1).
#[derive(Debug, Clone, Copy)]
pub struct Invalid {
    pub offset: u64,
    pub line: u64,
}

/// What the decoder found invalid so far, shared with the format reading its output.
#[derive(Clone)]
pub struct Invalids {
    found: Rc<RefCell<VecDeque<Invalid>>>,
    /// The encoding the input is read in, once its start has been read.
    read_as: Rc<RefCell<&'static Encoding>>,
    /// Whether `--encoding` named it (else UTF-8 or a byte order mark).
    given: bool,
}

impl Invalids {
    /// The first invalid sequence before `end` in the decoded stream, if any.
    pub fn before(&self, end: u64) -> Option<Invalid> {
        self.found
            .borrow()
            .front()
            .copied()
            .filter(|i| i.offset < end)
    }

    /// The first invalid sequence on line `line` or before it, if any.
    pub fn on_line(&self, line: u64) -> Option<Invalid> {
        self.found
            .borrow()
            .front()
            .copied()
            .filter(|i| i.line <= line)
    }

    /// The first invalid sequence read so far, if any.
    pub fn first(&self) -> Option<Invalid> {
        self.found.borrow().front().copied()
    }

    /// The import's refusal for an invalid sequence on `line`, in `column` when known
    /// (`column 'StageName'`), with what to try.
    pub fn refusal(&self, invalid: Invalid, column: Option<&str>) -> Error {
        let name = self.read_as.borrow().name();
        let at = match column {
            Some(c) => format!("line {}, column {c}", invalid.line),
            None => format!("line {}", invalid.line),
        };
        let hint = if self.given {
            "; give the file's own encoding with --encoding".to_string()
        } else if name == UTF_8.name() {
            "; if the file is from Excel, try --encoding windows-1252".to_string()
        } else {
            format!(" (its byte order mark says {name})")
        };
        Error::usage(format!(
            "{at}: not valid {name}{hint}; nothing was imported"
        ))
    }
}

/// The input decoded to UTF-8. A byte order mark decides the encoding whatever `--encoding`
/// says (it cannot be mistaken), and is not part of the text. An invalid sequence becomes
/// U+FFFD in the text and is noted in [`Invalids`], for the reader to refuse.
pub struct Decoded {
    inner: Box<dyn Read>,
    decoder: Decoder,
    input: Vec<u8>,
    /// Where the undecoded input starts in `input`, and where it ends.
    start: usize,
    end: usize,
    /// The inner reader has ended.
    ended: bool,
    /// The decoder has been told so, and has said all it had.
    done: bool,
    /// Decoded text not yet handed out, from `out_at`.
    out: Vec<u8>,
    out_at: usize,
    /// Room for the decoder to write in.
    space: Vec<u8>,
    /// Bytes of text decoded so far, and the line breaks among them.
    decoded: u64,
    lines: u64,
    invalids: Invalids,
}

/// How much of the input is decoded at a time.
const CHUNK: usize = 1 << 16;

impl Decoded {
    /// `reader` in `encoding` (None: UTF-8, unless a byte order mark says otherwise).
    pub fn new(reader: Box<dyn Read>, encoding: Option<&'static Encoding>) -> (Decoded, Invalids) {
        let invalids = Invalids {
            found: Rc::default(),
            read_as: Rc::new(RefCell::new(encoding.unwrap_or(UTF_8))),
            given: encoding.is_some(),
        };
        let decoded = Decoded {
            inner: reader,
            decoder: encoding.unwrap_or(UTF_8).new_decoder(),
            input: vec![0; CHUNK],
            start: 0,
            end: 0,
            ended: false,
            done: false,
            out: Vec::with_capacity(CHUNK * 3 + 16),
            out_at: 0,
            space: vec![0; CHUNK * 3 + 16],
            decoded: 0,
            lines: 0,
            invalids: invalids.clone(),
        };
        (decoded, invalids)
    }

    /// Decodes what input there is (reading once from the inner reader when none is
    /// left) into `out`, which is empty.
    fn fill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.out_at = 0;
        while self.out.is_empty() && !self.done {
            if self.start == self.end && !self.ended {
                let n = loop {
                    match self.inner.read(&mut self.input) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        other => break other?,
                    }
                };
                self.start = 0;
                self.end = n;
                self.ended = n == 0;
            }
            self.decode_input();
        }
        Ok(())
    }

    /// Decodes the input read so far into `out`.
    fn decode_input(&mut self) {
        let mut space = std::mem::take(&mut self.space);
        loop {
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.start..self.end],
                &mut space,
                self.ended,
            );
            self.start += read;
            self.take(&space[..written]);
            match result {
                DecoderResult::InputEmpty => {
                    if self.ended {
                        self.done = true;
                    }
                    break;
                }
                DecoderResult::OutputFull => continue,
                DecoderResult::Malformed(_, _) => {
                    self.invalids.found.borrow_mut().push_back(Invalid {
                        offset: self.decoded,
                        line: self.lines + 1,
                    });
                    self.take("\u{FFFD}".as_bytes());
                }
            }
        }
        self.space = space;
        // The encoding is known once the start (with any byte order mark) is read.
        *self.invalids.read_as.borrow_mut() = self.decoder.encoding();
    }

    fn take(&mut self, text: &[u8]) {
        self.out.extend_from_slice(text);
        self.decoded += text.len() as u64;
        self.lines += text.iter().filter(|b| **b == b'\n').count() as u64;
    }
}

impl Read for Decoded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_at == self.out.len() {
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.out_at);
        buf[..n].copy_from_slice(&self.out[self.out_at..self.out_at + n]);
        self.out_at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], encoding: Option<&'static Encoding>) -> (String, Vec<(u64, u64)>) {
        let (mut d, invalids) = Decoded::new(Box::new(io::Cursor::new(bytes.to_vec())), encoding);
        let mut text = String::new();
        d.read_to_string(&mut text).unwrap();
        let found = invalids
            .found
            .borrow()
            .iter()
            .map(|i| (i.offset, i.line))
            .collect();
        (text, found)
    }

    #[test]
    fn decodes_by_byte_order_mark_or_label_and_notes_what_is_invalid() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b\n", None), ("a,b\n".into(), vec![]));
        assert_eq!(
            decode(b"\xFF\xFEa\0\xE9\0\n\0", None),
            ("a\u{e9}\n".into(), vec![])
        );
        assert_eq!(
            decode(b"\xFE\xFF\0a\0\xE9\0\n", None),
            ("a\u{e9}\n".into(), vec![])
        );
        let w = encoding("windows-1252").unwrap();
        assert_eq!(decode(b"Negociaci\xf3n", Some(w)).0, "Negociaci\u{f3}n");
        assert_eq!(
            decode(b"a\nb\nNegociaci\xf3n\n", None),
            ("a\nb\nNegociaci\u{FFFD}n\n".into(), vec![(13, 3)])
        );
        assert!(encoding("klingon").is_err());
        assert!(encoding("iso-2022-kr").is_err());
        assert_eq!(encoding("latin1").unwrap().name(), "windows-1252");
    }
}
