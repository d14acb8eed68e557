//! `witness audit`: any WIT world checked in three languages with guests witness writes
//! itself. Every type the world uses is echoed, relayed through an import and shown as the
//! guest sees it, in both directions, with generated values; what does not come back equal,
//! is seen differently or traps is a hazard, shrunk in value and in type and grouped by
//! cause.

pub mod canonical;
pub mod guests;
pub mod hazard;
pub mod probe;
pub mod report;
pub mod run;
pub mod types;
pub mod wit;

pub mod known;
pub mod random;
pub mod reproduce;
