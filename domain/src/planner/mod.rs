//! The rebalance planner (issue 5).
