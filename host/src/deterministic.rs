//! Clocks and randomness that give the same answers on every run: a wall clock that stands
//! at one instant, a monotonic clock at zero, and random numbers from a seeded generator, so
//! that a plugin reading the time or drawing numbers has the same snapshot every time and in
//! every language. `[wasi] clock = "real"` and `random-seed = "real"` give the host's own.

use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use wasmtime_wasi::{HostMonotonicClock, HostWallClock, WasiCtxBuilder};

use crate::state::{Clock, Random};

/// Sets `wasi`'s clocks and random sources as `clock` and `random` say.
pub(crate) fn apply(wasi: &mut WasiCtxBuilder, clock: Clock, random: Random) {
    if let Clock::Fixed(since_epoch) = clock {
        wasi.wall_clock(FixedWallClock(since_epoch));
        wasi.monotonic_clock(FixedMonotonicClock);
    }
    if let Random::Seeded(seed) = random {
        wasi.secure_random(StdRng::seed_from_u64(seed));
        // The insecure source and its seed follow from the same seed, each its own stream.
        wasi.insecure_random(StdRng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15));
        wasi.insecure_random_seed(u128::from(seed) << 64 | u128::from(!seed));
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

/// A monotonic clock that stands at zero. Sleeping is unaffected: the host waits for the
/// duration asked for, measured by its own clock.
struct FixedMonotonicClock;

impl HostMonotonicClock for FixedMonotonicClock {
    fn resolution(&self) -> u64 {
        1
    }

    fn now(&self) -> u64 {
        0
    }
}
