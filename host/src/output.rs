//! Guest stdout and stderr captured in bounded memory, read back one call at a time. A guest
//! that writes more than the bound keeps running: the rest is counted and dropped, and the
//! outcome shows a truncation marker instead of the guest seeing a closed stream.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError};

/// What one stream received: the bytes kept and how many were dropped past the bound.
#[derive(Debug, Default)]
struct Received {
    kept: Vec<u8>,
    dropped: u64,
}

/// A bounded output stream, shared between the WASI context and the host.
#[derive(Debug, Clone)]
pub(super) struct BoundedOutput {
    received: Arc<Mutex<Received>>,
    capacity: usize,
}

impl BoundedOutput {
    fn accept(&self, bytes: &[u8]) {
        let mut received = self.received.lock().unwrap_or_else(PoisonError::into_inner);
        let room = self.capacity.saturating_sub(received.kept.len());
        let kept = bytes.len().min(room);
        received.kept.extend_from_slice(&bytes[..kept]);
        received.dropped += (bytes.len() - kept) as u64;
    }
}

impl IsTerminal for BoundedOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for BoundedOutput {
    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }

    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }
}

impl OutputStream for BoundedOutput {
    fn write(&mut self, bytes: Bytes) -> Result<(), StreamError> {
        self.accept(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StreamError> {
        Ok(())
    }

    fn check_write(&mut self) -> Result<usize, StreamError> {
        // Always writable: what does not fit is dropped, not refused.
        Ok(64 * 1024)
    }
}

#[async_trait::async_trait]
impl Pollable for BoundedOutput {
    async fn ready(&mut self) {}
}

impl AsyncWrite for BoundedOutput {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.accept(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// One captured output stream and how much of it has been read.
pub(super) struct CapturedOutput {
    stream: BoundedOutput,
    read: usize,
    dropped_seen: u64,
}

/// What a stream received during one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOutput {
    /// The text kept (invalid UTF-8 replaced).
    pub text: String,
    /// Bytes written past the bound during the call and dropped.
    pub dropped: u64,
}

impl CapturedOutput {
    /// A stream that keeps at most `capacity` bytes over the instance's life.
    pub(super) fn new(capacity: usize) -> Self {
        CapturedOutput {
            stream: BoundedOutput {
                received: Arc::default(),
                capacity,
            },
            read: 0,
            dropped_seen: 0,
        }
    }

    /// The stream to hand to the WASI context.
    pub(super) fn stream(&self) -> BoundedOutput {
        self.stream.clone()
    }

    /// What the guest wrote since the last call.
    pub(super) fn take_new(&mut self) -> CallOutput {
        let received = self
            .stream
            .received
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let new = received.kept.get(self.read..).unwrap_or_default();
        let out = CallOutput {
            text: String::from_utf8_lossy(new).into_owned(),
            dropped: received.dropped - self.dropped_seen,
        };
        self.read = received.kept.len();
        self.dropped_seen = received.dropped;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_past_the_bound_is_counted_and_dropped() {
        let mut captured = CapturedOutput::new(8);
        let mut stream = captured.stream();
        stream.write(Bytes::from_static(b"hello ")).unwrap();
        assert_eq!(
            captured.take_new(),
            CallOutput {
                text: "hello ".into(),
                dropped: 0
            }
        );
        stream.write(Bytes::from_static(b"world!")).unwrap();
        assert_eq!(
            captured.take_new(),
            CallOutput {
                text: "wo".into(),
                dropped: 4
            }
        );
        assert_eq!(
            stream.check_write().unwrap(),
            64 * 1024,
            "never refuses a write"
        );
        stream.write(Bytes::from_static(b"more")).unwrap();
        assert_eq!(
            captured.take_new(),
            CallOutput {
                text: "".into(),
                dropped: 4
            }
        );
    }
}
