//! Guest stdout and stderr captured in bounded memory, read back one call at a time.

use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

/// One captured output stream and how much of it has been read.
pub(super) struct CapturedOutput {
    pipe: MemoryOutputPipe,
    read: usize,
}

impl CapturedOutput {
    /// A stream that keeps at most `capacity` bytes.
    pub(super) fn new(capacity: usize) -> Self {
        CapturedOutput {
            pipe: MemoryOutputPipe::new(capacity),
            read: 0,
        }
    }

    /// The pipe to hand to the WASI context.
    pub(super) fn pipe(&self) -> MemoryOutputPipe {
        self.pipe.clone()
    }

    /// What the guest wrote since the last call, as text (invalid UTF-8 replaced).
    pub(super) fn take_new(&mut self) -> String {
        let contents = self.pipe.contents();
        let new = contents.get(self.read..).unwrap_or_default();
        self.read = contents.len();
        String::from_utf8_lossy(new).into_owned()
    }
}
