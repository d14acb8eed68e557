//! Clocks and randomness that give the same answers on every run: a wall clock that stands
//! at one instant, a monotonic clock that steps forward per reading, and random numbers from
//! a seeded generator, so
//! that a plugin reading the time or drawing numbers has the same snapshot every time and in
//! every language. `[wasi] clock = "real"` and `random-seed = "real"` give the host's own.

use std::cell::Cell;
use std::time::Duration;

use chacha20::ChaCha12Rng;
use rand::SeedableRng;
use sha2::{Digest, Sha256};
use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtxBuilder};

use crate::state::{Clock, Random};

/// How far the monotonic clock moves each time it is read, when clocks are fixed.
pub const MONOTONIC_STEP: Duration = Duration::from_millis(1);

/// Sets `wasi`'s clocks and random sources as `clock` and `random` say.
pub(crate) fn apply(wasi: &mut WasiCtxBuilder, clock: Clock, random: Random) {
    if let Clock::Fixed(since_epoch) = clock {
        wasi.wall_clock(FixedWallClock(since_epoch));
        wasi.monotonic_clock(SteppingMonotonicClock::default());
    }
    if let Random::Seeded(seed) = random {
        // ChaCha12, portable across versions of the crate: the same seed gives the same
        // bytes everywhere. The insecure source is another stream of the same key, and the
        // insecure seed a hash of the seed, so neither gives the other (or the seed) away.
        wasi.secure_random(ChaCha12Rng::seed_from_u64(seed));
        let mut insecure = ChaCha12Rng::seed_from_u64(seed);
        insecure.set_stream(1);
        wasi.insecure_random(insecure);
        let digest = Sha256::new()
            .chain_update(b"witness insecure-seed")
            .chain_update(seed.to_le_bytes())
            .finalize();
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        wasi.insecure_random_seed(u128::from_le_bytes(first));
    }
}

/// A wall clock that always shows the same instant.
struct FixedWallClock(Duration);

impl HostWallClock for FixedWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }

    fn now(&self) -> Duration {
        self.0
    }
}

/// A monotonic clock that starts at zero and moves [`MONOTONIC_STEP`] each time it is read:
/// the same readings on every run, and a guest that waits for time to pass (a deadline loop,
/// an event loop's timers) sees it pass. Sleeping is unaffected: the host waits the duration
/// asked for, measured by its own clock.
#[derive(Default)]
struct SteppingMonotonicClock {
    reads: Cell<u64>,
}

impl HostMonotonicClock for SteppingMonotonicClock {
    fn resolution(&self) -> u64 {
        1
    }

    fn now(&self) -> u64 {
        let reads = self.reads.get();
        self.reads.set(reads.saturating_add(1));
        let step = u64::try_from(MONOTONIC_STEP.as_nanos()).unwrap_or(u64::MAX);
        reads.saturating_mul(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_monotonic_clock_moves_a_step_per_reading_from_zero() {
        let clock = SteppingMonotonicClock::default();
        assert_eq!(clock.now(), 0);
        assert_eq!(clock.now(), 1_000_000);
        assert_eq!(clock.now(), 2_000_000);
        assert_eq!(
            FixedWallClock(Duration::from_secs(5)).now(),
            Duration::from_secs(5)
        );
    }
}
