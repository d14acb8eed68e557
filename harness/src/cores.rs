//! The machine's cores, shared by trials: a trial holds a core while it builds and compiles
//! its component (the work that keeps a core busy) and gives it back before it runs its calls,
//! so a trial that waits (a guest sleeping into its time limit, a call blocked in a host
//! import) never keeps another trial from building. Trials therefore run on more threads
//! than there are cores ([`trial_threads`]); the cores bound the work, not the threads.

use std::sync::{Condvar, Mutex, OnceLock, PoisonError};

/// How many cores this process may keep busy at once: the machine's available parallelism.
pub fn count() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// How many trials run at once: twice the cores, so that while some trials wait in their
/// calls, others hold every core building and compiling.
pub fn trial_threads() -> usize {
    count() * 2
}

/// A counting semaphore over the cores.
pub struct Cores {
    free: Mutex<usize>,
    freed: Condvar,
}

/// A core held until it is dropped.
pub struct CoreHeld<'c> {
    cores: &'c Cores,
}

impl Cores {
    /// `n` cores, all free.
    pub fn new(n: usize) -> Cores {
        Cores {
            free: Mutex::new(n.max(1)),
            freed: Condvar::new(),
        }
    }

    /// The process's cores ([`count`] of them).
    pub fn of_this_machine() -> &'static Cores {
        static CORES: OnceLock<Cores> = OnceLock::new();
        CORES.get_or_init(|| Cores::new(count()))
    }

    /// Waits for a free core and holds it.
    pub fn hold(&self) -> CoreHeld<'_> {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        CoreHeld { cores: self }
    }

    #[cfg(test)]
    fn free(&self) -> usize {
        *self.free.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for CoreHeld<'_> {
    fn drop(&mut self) {
        let mut free = self
            .cores
            .free
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *free += 1;
        self.cores.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn no_more_than_the_cores_are_held_at_once_and_each_is_given_back() {
        let cores = Cores::new(2);
        let busy = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..6 {
                scope.spawn(|| {
                    let _held = cores.hold();
                    let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    busy.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 2);
        assert_eq!(cores.free(), 2);
    }
}
