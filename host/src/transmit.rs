//! Streams and futures at the host's edge. A `stream<T>` a guest returns is read to its end
//! (cut where its items reach the instance's output limit in bytes: one byte per `u8`, four
//! per `u32`, a string's UTF-8 length or one) and a `future<T>` to its value; a stream the host
//! passes is written from a list of values and then closed, a future from its value. The
//! payload types the host reads and writes are the scalar ones and strings (`bool`, the
//! integers, `f32`, `f64`, `char`, `string`); a stream or future of another type is a
//! [`TransmitError::Payload`].

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use wasmtime::component::{
    Accessor, FutureAny, FutureConsumer, FutureReader, Lift, Source, StreamAny, StreamConsumer,
    StreamReader, StreamResult, Type, Val,
};
use wasmtime::{AsContextMut, StoreContextMut};

use crate::state::HostState;

/// What a stream or future the guest gave the host held.
#[derive(Debug, Clone, PartialEq)]
pub enum Transmitted {
    /// A stream's items, and whether the output limit cut it short.
    Stream {
        /// The items read.
        items: Vec<Val>,
        /// Whether more items came than the limit lets the host keep.
        truncated: bool,
    },
    /// A future's value; `None` when its writer went away without writing one.
    Future(Option<Val>),
}

impl std::fmt::Display for Transmitted {
    /// `stream[1, 2, 3]` (with `, …` when the output limit cut it), `future(4)`, `future()`
    /// for a future of nothing, `future(dropped)` when its writer wrote nothing.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Transmitted::Stream { items, truncated } => {
                let items: Vec<String> = items.iter().map(crate::value::to_wave).collect();
                let cut = if *truncated { ", …" } else { "" };
                write!(f, "stream[{}{cut}]", items.join(", "))
            }
            Transmitted::Future(Some(Val::Tuple(empty))) if empty.is_empty() => {
                f.write_str("future()")
            }
            Transmitted::Future(Some(value)) => {
                write!(f, "future({})", crate::value::to_wave(value))
            }
            Transmitted::Future(None) => f.write_str("future(dropped)"),
        }
    }
}

/// Why a stream or future could not cross.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TransmitError {
    /// Its payload is of a type the host does not read or write.
    #[error(
        "witness reads and writes streams and futures of bool, integers, floats, char and \
         string; not of {0}"
    )]
    Payload(String),
    /// wasmtime refused an operation on it.
    #[error("{0}")]
    Runtime(String),
}

impl From<wasmtime::Error> for TransmitError {
    fn from(error: wasmtime::Error) -> Self {
        TransmitError::Runtime(format!("{error:#}"))
    }
}

/// Calls `$body` with `$t` bound to the Rust type of `$payload` and `$val` to the
/// constructor of its `Val`, or evaluates to `Err(TransmitError::Payload)`.
macro_rules! with_payload {
    ($payload:expr, |$t:ident, $val:ident, $from:ident| $body:expr) => {{
        macro_rules! arm {
            ($ty:ty, $ctor:path, $get:pat => $got:expr) => {{
                type $t = $ty;
                let $val = $ctor;
                #[allow(unreachable_patterns)]
                let $from = |value: &Val| -> Option<$ty> {
                    match value {
                        $get => Some($got),
                        _ => None,
                    }
                };
                $body
            }};
        }
        match $payload {
            Type::Bool => arm!(bool, Val::Bool, Val::Bool(v) => *v),
            Type::U8 => arm!(u8, Val::U8, Val::U8(v) => *v),
            Type::U16 => arm!(u16, Val::U16, Val::U16(v) => *v),
            Type::U32 => arm!(u32, Val::U32, Val::U32(v) => *v),
            Type::U64 => arm!(u64, Val::U64, Val::U64(v) => *v),
            Type::S8 => arm!(i8, Val::S8, Val::S8(v) => *v),
            Type::S16 => arm!(i16, Val::S16, Val::S16(v) => *v),
            Type::S32 => arm!(i32, Val::S32, Val::S32(v) => *v),
            Type::S64 => arm!(i64, Val::S64, Val::S64(v) => *v),
            Type::Float32 => arm!(f32, Val::Float32, Val::Float32(v) => *v),
            Type::Float64 => arm!(f64, Val::Float64, Val::Float64(v) => *v),
            Type::Char => arm!(char, Val::Char, Val::Char(v) => *v),
            Type::String => arm!(String, Val::String, Val::String(v) => v.clone()),
            other => Err(TransmitError::Payload(crate::call::type_name(other))),
        }
    }};
}

/// Whether the host reads and writes streams and futures of `payload`.
pub fn supported_payload(payload: &Type) -> bool {
    matches!(
        payload,
        Type::Bool
            | Type::U8
            | Type::U16
            | Type::U32
            | Type::U64
            | Type::S8
            | Type::S16
            | Type::S32
            | Type::S64
            | Type::Float32
            | Type::Float64
            | Type::Char
            | Type::String
    )
}

/// Reads `stream` (of `payload`) to its end, keeping the items that fit in `limit` bytes
/// ([`ItemBytes`]); the rest of a longer stream is refused, which the guest's writer sees as
/// the reader going away.
pub async fn read_stream(
    accessor: &Accessor<HostState>,
    stream: StreamAny,
    payload: &Type,
    limit: usize,
) -> Result<Transmitted, TransmitError> {
    with_payload!(payload, |T, to_val, _from| {
        let reader: StreamReader<T> = stream.try_into_stream_reader()?;
        let shared = Arc::new(Mutex::new(Collected::<T>::default()));
        accessor.with(|mut access| {
            reader.pipe(
                &mut access,
                StreamCollector {
                    shared: shared.clone(),
                    limit,
                },
            )
        })?;
        Ended(shared.clone()).await;
        let mut collected = shared.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(Transmitted::Stream {
            items: collected.items.drain(..).map(to_val).collect(),
            truncated: collected.truncated,
        })
    })
}

/// Reads `future` (of `payload`, or of nothing) to its value.
pub async fn read_future(
    accessor: &Accessor<HostState>,
    future: FutureAny,
    payload: Option<&Type>,
) -> Result<Transmitted, TransmitError> {
    let Some(payload) = payload else {
        let reader: FutureReader<()> = future.try_into_future_reader()?;
        let shared = Arc::new(Mutex::new(Collected::<()>::default()));
        accessor.with(|mut access| {
            reader.pipe(
                &mut access,
                FutureCollector {
                    shared: shared.clone(),
                },
            )
        })?;
        Ended(shared.clone()).await;
        let written = !shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .items
            .is_empty();
        return Ok(Transmitted::Future(
            written.then_some(Val::Tuple(Vec::new())),
        ));
    };
    with_payload!(payload, |T, to_val, _from| {
        let reader: FutureReader<T> = future.try_into_future_reader()?;
        let shared = Arc::new(Mutex::new(Collected::<T>::default()));
        accessor.with(|mut access| {
            reader.pipe(
                &mut access,
                FutureCollector {
                    shared: shared.clone(),
                },
            )
        })?;
        Ended(shared.clone()).await;
        let value = shared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .items
            .pop()
            .map(to_val);
        Ok(Transmitted::Future(value))
    })
}

/// A stream of `payload` the host writes: `items`, then its end.
pub fn new_stream(
    store: StoreContextMut<'_, HostState>,
    payload: &Type,
    items: &[Val],
) -> Result<Val, TransmitError> {
    let mut store = store;
    with_payload!(payload, |T, _to_val, from| {
        let values: Vec<T> = items
            .iter()
            .map(|item| from(item).ok_or_else(|| mismatch(payload, item)))
            .collect::<Result<_, _>>()?;
        let reader = StreamReader::new(&mut store, values)?;
        Ok(Val::Stream(StreamAny::try_from_stream_reader(
            &mut store, reader,
        )?))
    })
}

/// A future of `payload` the host writes: `value`, at once.
pub fn new_future(
    store: StoreContextMut<'_, HostState>,
    payload: &Type,
    value: &Val,
) -> Result<Val, TransmitError> {
    let mut store = store;
    with_payload!(payload, |T, _to_val, from| {
        let value: T = from(value).ok_or_else(|| mismatch(payload, value))?;
        let reader = FutureReader::new(
            &mut store,
            std::future::ready(Ok::<_, wasmtime::Error>(value)),
        )?;
        Ok(Val::Future(FutureAny::try_from_future_reader(
            &mut store, reader,
        )?))
    })
}

/// The value of type `ty` that `value` stands for: a stream the host writes for a `list` of
/// its items where `ty` is a `stream<T>`, a future for `some` of its value where `ty` is a
/// `future<T>` (as [`crate::parse_value`] and the call parser write them), else `value`.
pub fn placeholder_to_transmit(
    store: StoreContextMut<'_, HostState>,
    ty: &Type,
    value: &Val,
) -> Result<Val, TransmitError> {
    match (ty, value) {
        (Type::Stream(stream), Val::List(items)) => match stream.ty() {
            Some(payload) => new_stream(store, &payload, items),
            None => Err(TransmitError::Payload("stream (of nothing)".into())),
        },
        (Type::Future(future), Val::Option(Some(value))) => match future.ty() {
            Some(payload) => new_future(store, &payload, value),
            None => Err(TransmitError::Payload("future (of nothing)".into())),
        },
        _ => Ok(value.clone()),
    }
}

/// How a record shows a value of type `ty` written as a placeholder (see
/// [`placeholder_to_transmit`]): `stream[1, 2]`, `future("x")`, or WAVE.
pub fn placeholder_text(ty: &Type, value: &Val) -> String {
    match (ty, value) {
        (Type::Stream(_), Val::List(items)) => Transmitted::Stream {
            items: items.clone(),
            truncated: false,
        }
        .to_string(),
        (Type::Future(_), Val::Option(Some(value))) => {
            Transmitted::Future(Some((**value).clone())).to_string()
        }
        _ => crate::value::to_wave(value),
    }
}

/// Closes the host's end of every stream and future inside `value`: one the host does not
/// read (in a scripted import's arguments, nested in a result, of a payload it does not
/// read), so that a guest writing to it sees the reader go away instead of waiting out the
/// time limit. An end that is already closed is left alone.
pub fn close_all<S: AsContextMut>(store: &mut S, value: &Val) {
    match value {
        Val::Stream(stream) => {
            stream.clone().close(&mut *store).ok();
        }
        Val::Future(future) => {
            future.clone().close(&mut *store).ok();
        }
        Val::List(items) | Val::Tuple(items) | Val::FixedLengthList(items) => {
            for item in items {
                close_all(store, item);
            }
        }
        Val::Record(fields) => {
            for (_, field) in fields {
                close_all(store, field);
            }
        }
        Val::Map(entries) => {
            for (key, value) in entries {
                close_all(store, key);
                close_all(store, value);
            }
        }
        Val::Variant(_, Some(inner)) | Val::Option(Some(inner)) => close_all(store, inner),
        Val::Result(Ok(Some(inner)) | Err(Some(inner))) => close_all(store, inner),
        _ => {}
    }
}

fn mismatch(payload: &Type, value: &Val) -> TransmitError {
    TransmitError::Runtime(format!(
        "{} is not a value of {}",
        crate::value::to_wave(value),
        crate::call::type_name(payload)
    ))
}

/// What a stream item counts against the output limit: its size in memory for a scalar,
/// its UTF-8 length for a string, and at least one byte (so an endless stream of empty
/// strings is cut too).
trait ItemBytes {
    /// The bytes this item counts.
    fn item_bytes(&self) -> usize;
    /// How many items one read takes at most: a string's size is only known once it is read.
    const MOST_PER_READ: usize = usize::MAX;
}

macro_rules! scalar_item_bytes {
    ($($ty:ty),*) => {$(
        impl ItemBytes for $ty {
            fn item_bytes(&self) -> usize {
                std::mem::size_of::<$ty>()
            }
        }
    )*};
}

scalar_item_bytes!(bool, u8, u16, u32, u64, i8, i16, i32, i64, f32, f64, char);

impl ItemBytes for String {
    fn item_bytes(&self) -> usize {
        self.len().max(1)
    }
    const MOST_PER_READ: usize = 16;
}

/// What a collector has taken so far, shared with the host task waiting for its end.
struct Collected<T> {
    items: Vec<T>,
    /// The items' bytes, as [`ItemBytes`] counts them.
    bytes: usize,
    truncated: bool,
    ended: bool,
    waker: Option<Waker>,
}

impl<T> Default for Collected<T> {
    fn default() -> Self {
        Collected {
            items: Vec::new(),
            bytes: 0,
            truncated: false,
            ended: false,
            waker: None,
        }
    }
}

/// Marks `shared` ended and wakes its waiter: wasmtime drops a consumer when its stream
/// or future is done.
fn end<T>(shared: &Mutex<Collected<T>>) {
    let mut collected = shared.lock().unwrap_or_else(PoisonError::into_inner);
    collected.ended = true;
    if let Some(waker) = collected.waker.take() {
        waker.wake();
    }
}

/// A future that resolves when its collector has been dropped.
struct Ended<T>(Arc<Mutex<Collected<T>>>);

impl<T> Future for Ended<T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut collected = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if collected.ended {
            Poll::Ready(())
        } else {
            collected.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// Moves the items of `batch` into `kept` while they fit in `limit` bytes, counting them in
/// `bytes` ([`ItemBytes`]); false when one does not fit (the stream is cut before it).
fn keep_within<T: ItemBytes>(
    batch: Vec<T>,
    kept: &mut Vec<T>,
    bytes: &mut usize,
    limit: usize,
) -> bool {
    for item in batch {
        let total = bytes.saturating_add(item.item_bytes());
        if total > limit {
            return false;
        }
        *bytes = total;
        kept.push(item);
    }
    true
}

/// The host's reader of a guest's stream: takes items while they fit in `limit` bytes, then
/// refuses more.
struct StreamCollector<T> {
    shared: Arc<Mutex<Collected<T>>>,
    limit: usize,
}

impl<T> Drop for StreamCollector<T> {
    fn drop(&mut self) {
        end(&self.shared);
    }
}

impl<T: Lift + ItemBytes + Send + Sync + 'static> StreamConsumer<HostState> for StreamCollector<T> {
    type Item = T;

    fn poll_consume(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        mut store: StoreContextMut<HostState>,
        mut source: Source<'_, T>,
        finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        let remaining = source.remaining(&mut store);
        if remaining == 0 {
            return Poll::Ready(Ok(if finish {
                StreamResult::Cancelled
            } else {
                StreamResult::Completed
            }));
        }
        let mut collected = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        // Read no more items than could fit (each counts at least a byte); whatever was read past the limit is dropped with the rest.
        let room = self.limit.saturating_sub(collected.bytes).max(1);
        let mut buffer: Vec<T> = Vec::with_capacity(room.min(remaining).min(T::MOST_PER_READ));
        source.read(&mut store, &mut buffer)?;
        let collected = &mut *collected;
        if keep_within(
            buffer,
            &mut collected.items,
            &mut collected.bytes,
            self.limit,
        ) {
            Poll::Ready(Ok(StreamResult::Completed))
        } else {
            collected.truncated = true;
            Poll::Ready(Ok(StreamResult::Dropped))
        }
    }
}

/// The host's reader of a guest's future: takes its one value.
struct FutureCollector<T> {
    shared: Arc<Mutex<Collected<T>>>,
}

impl<T> Drop for FutureCollector<T> {
    fn drop(&mut self) {
        end(&self.shared);
    }
}

impl<T> Unpin for FutureCollector<T> {}

impl<T: Lift + Send + Sync + 'static> FutureConsumer<HostState> for FutureCollector<T> {
    type Item = T;

    fn poll_consume(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        mut store: StoreContextMut<HostState>,
        mut source: Source<'_, T>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<()>> {
        let mut value: Option<T> = None;
        source.read(&mut store, &mut value)?;
        let mut collected = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        collected.items.extend(value);
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_items_are_kept_while_their_bytes_fit_the_limit() {
        // Exactly at the limit: kept; one byte more: cut before it.
        let (mut kept, mut bytes) = (Vec::new(), 0);
        assert!(keep_within(vec![1u8, 2, 3], &mut kept, &mut bytes, 3));
        assert!(!keep_within(vec![4u8], &mut kept, &mut bytes, 3));
        assert_eq!((kept, bytes), (vec![1, 2, 3], 3));
        // A u32 counts four bytes.
        let (mut kept, mut bytes) = (Vec::new(), 0);
        assert!(!keep_within(vec![1u32, 2, 3], &mut kept, &mut bytes, 10));
        assert_eq!((kept, bytes), (vec![1, 2], 8));
        // A string larger than the limit is not kept at all.
        let (mut kept, mut bytes) = (Vec::<String>::new(), 0);
        assert!(!keep_within(vec!["abc".into()], &mut kept, &mut bytes, 2));
        assert!(kept.is_empty());
        // Empty strings count a byte each, so an endless stream of them is cut too.
        let (mut kept, mut bytes) = (Vec::<String>::new(), 0);
        let empties = vec![String::new(); 5];
        assert!(!keep_within(empties, &mut kept, &mut bytes, 3));
        assert_eq!(kept.len(), 3);
        // A limit of 0 keeps nothing.
        let (mut kept, mut bytes) = (Vec::new(), 0);
        assert!(!keep_within(vec![true], &mut kept, &mut bytes, 0));
        assert!(kept.is_empty());
    }
}
