//! What a run may write when an outcome is new or changed, from `INSTA_UPDATE` as insta
//! reads it: `always` (or `force`) writes the snapshot itself, `new` (the default) a pending
//! `.snap.new` beside it, `unseen` the snapshot where there is none and `.snap.new` where one
//! changes, `no` nothing. Under `CI=true` the default is `no`: a CI run never writes.

/// Where a new or changed outcome goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdatePolicy {
    /// Straight to the snapshot: the trial passes.
    Always,
    /// To a pending `.snap.new`, for `witness review` / `witness accept`.
    Pending,
    /// To the snapshot when there is none yet, else to `.snap.new`.
    Unseen,
    /// Nowhere.
    Never,
}

/// Where one outcome goes under a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// The snapshot file itself.
    Snapshot,
    /// The pending `.snap.new` beside it.
    Pending,
    /// Nowhere.
    Nowhere,
}

impl UpdatePolicy {
    /// The policy `INSTA_UPDATE` asks for, on CI (`ci`) or not; an unknown value is the
    /// default.
    pub fn from_env(ci: bool) -> Self {
        Self::from_values(std::env::var("INSTA_UPDATE").ok().as_deref(), ci)
    }

    /// The policy of an `INSTA_UPDATE` value, on CI or not.
    pub fn from_values(update: Option<&str>, ci: bool) -> Self {
        match update.map(str::trim) {
            Some("always" | "force" | "1") => UpdatePolicy::Always,
            Some("new") => UpdatePolicy::Pending,
            Some("unseen") => UpdatePolicy::Unseen,
            Some("no" | "0") => UpdatePolicy::Never,
            _ if ci => UpdatePolicy::Never,
            _ => UpdatePolicy::Pending,
        }
    }

    /// Where an outcome goes when a snapshot exists (`stored`) or not.
    pub fn destination(self, stored: bool) -> Destination {
        match (self, stored) {
            (UpdatePolicy::Always, _) | (UpdatePolicy::Unseen, false) => Destination::Snapshot,
            (UpdatePolicy::Pending, _) | (UpdatePolicy::Unseen, true) => Destination::Pending,
            (UpdatePolicy::Never, _) => Destination::Nowhere,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insta_update_values_and_ci() {
        use Destination::*;
        let cases = [
            (None, false, [Pending, Pending]),
            (None, true, [Nowhere, Nowhere]),
            (Some("auto"), true, [Nowhere, Nowhere]),
            (Some("always"), true, [Snapshot, Snapshot]),
            (Some("new"), true, [Pending, Pending]),
            (Some("unseen"), false, [Snapshot, Pending]),
            (Some("no"), false, [Nowhere, Nowhere]),
        ];
        for (value, ci, [fresh, changed]) in cases {
            let policy = UpdatePolicy::from_values(value, ci);
            assert_eq!(policy.destination(false), fresh, "{value:?} ci={ci}");
            assert_eq!(policy.destination(true), changed, "{value:?} ci={ci}");
        }
    }
}
