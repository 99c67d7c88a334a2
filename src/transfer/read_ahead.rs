//! An import's input, read on its own thread from the first time a record is asked for,
//! and handed to the writer a batch at a time (or, for an import that holds the write lock,
//! read to its end first).

use std::cell::RefCell;
use std::io::{self, Read, Seek, Write};
use std::rc::Rc;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread;
use std::time::Duration;

use super::read::{records, InputFormat, Item, Raw, Reading};
use crate::error::{Error, Result};

/// An import's input, not read yet: the bytes, and how to read them.
pub struct Input {
    pub reader: Box<dyn Read + Send>,
    /// A regular file, which never keeps its reader waiting (a pipe or a terminal may).
    pub regular: bool,
    pub format: InputFormat,
    pub reading: Reading,
}

/// Reads the input on its own thread, a bounded way ahead of the writer, so that a slow
/// input never holds a transaction open (and reading and the database share the two cores).
/// Records travel in batches: a batch is handed over when it is full and before every read
/// from the input, so records that have arrived are never held back while the input is
/// slow. The thread stops after the first error, and is left behind (not joined) if the
/// writer stops first.
fn start_reading(input: Input) -> Receiver<Vec<Raw>> {
    let Input {
        reader,
        format,
        reading,
        ..
    } = input;
    let (send, receive) = sync_channel::<Vec<Raw>>(16);
    thread::spawn(move || {
        let pending = Rc::new(RefCell::new(Vec::with_capacity(READ_AHEAD_BATCH)));
        let hand_over = |send: &SyncSender<Vec<Raw>>, pending: &RefCell<Vec<Raw>>| {
            let batch = pending.replace(Vec::with_capacity(READ_AHEAD_BATCH));
            batch.is_empty() || send.send(batch).is_ok()
        };
        let input = HandOverBeforeRead {
            inner: reader,
            hand_over: {
                let (send, pending) = (send.clone(), pending.clone());
                Box::new(move || hand_over(&send, &pending))
            },
        };
        let records = match records(Box::new(input), format, &reading) {
            Ok(r) => r,
            Err(e) => {
                let _ = send.send(vec![Err(e)]);
                return;
            }
        };
        for item in records {
            let stop = item.is_err();
            pending.borrow_mut().push(item);
            let full = pending.borrow().len() >= READ_AHEAD_BATCH;
            if stop || full {
                let delivered = hand_over(&send, &pending);
                if stop || !delivered {
                    return;
                }
            }
        }
        hand_over(&send, &pending);
    });
    receive
}

/// The input, handing the parsed records over before each read (which may wait).
struct HandOverBeforeRead {
    inner: Box<dyn Read + Send>,
    hand_over: Box<dyn FnMut() -> bool>,
}

impl Read for HandOverBeforeRead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (self.hand_over)();
        self.inner.read(buf)
    }
}

const READ_AHEAD_BATCH: usize = 512;

/// The receiving end of [`start_reading`], one record at a time.
pub(super) struct ReadAhead {
    unread: Option<Input>,
    receive: Option<Receiver<Vec<Raw>>>,
    pending: std::vec::IntoIter<Raw>,
}

impl ReadAhead {
    /// The input, to be read on its own thread from the first time a record is asked for
    /// (see [`ReadAhead::read_to_end`] for an import that holds the write lock).
    pub(super) fn new(input: Input) -> ReadAhead {
        ReadAhead {
            unread: Some(input),
            receive: None,
            pending: Vec::new().into_iter(),
        }
    }

    /// Reads an input that may keep its reader waiting (a pipe, a terminal) to its end,
    /// into a temporary file that is then read instead; a regular file is left as it is.
    /// Nothing is done once reading has started.
    pub(super) fn read_to_end(&mut self) -> Result<()> {
        let Some(input) = &mut self.unread else {
            return Ok(());
        };
        if input.regular {
            return Ok(());
        }
        let kept = |e: io::Error| {
            Error::Failed(format!(
                "cannot keep the input in a temporary file ({e}); nothing was imported"
            ))
        };
        let mut copy = tempfile::tempfile().map_err(kept)?;
        let mut buf = vec![0; 1 << 16];
        loop {
            let n = match input.reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::usage(format!(
                        "cannot read the input ({e}); nothing was imported"
                    )))
                }
            };
            copy.write_all(&buf[..n]).map_err(kept)?;
        }
        copy.rewind().map_err(kept)?;
        input.reader = Box::new(copy);
        input.regular = true;
        Ok(())
    }

    /// The batches of records, reading from the first time they are asked for.
    fn receiver(&mut self) -> Option<&Receiver<Vec<Raw>>> {
        if let Some(input) = self.unread.take() {
            self.receive = Some(start_reading(input));
        }
        self.receive.as_ref()
    }

    /// The next record, waiting as long as it takes; None at the end of the input.
    pub(super) fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(raw) = self.pending.next() {
                return Some(raw);
            }
            self.pending = self.receiver()?.recv().ok()?.into_iter();
        }
    }

    /// The next record if one arrives within `wait`.
    pub(super) fn next_within(&mut self, wait: Duration) -> Option<Item> {
        loop {
            if let Some(raw) = self.pending.next() {
                return Some(raw);
            }
            self.pending = self.receiver()?.recv_timeout(wait).ok()?.into_iter();
        }
    }
}
