//! Carrying out a plan: which moves may run side by side, when the next may start under
//! a bytes-per-second budget, how fast moves copy, and how long one may take. Pure: the
//! services' executor owns the clock and the cluster.

mod forecast;
mod limits;
mod pacing;
mod rate;
mod schedule;

pub use forecast::{time_left, Pace, Remaining};
pub use limits::{MoveLimits, ASSUMED_RATE, DEFAULT_MOVE_TIMEOUT};
pub use pacing::Pacer;
pub use rate::RateMeter;
pub use schedule::{Schedule, StepShape};
