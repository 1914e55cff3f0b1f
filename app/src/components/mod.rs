//! Components shared by several pages.

pub mod chrome;
pub mod confirm;
pub mod copy_field;
pub mod errors;
pub mod focus;
pub mod follow;
pub mod heat_map;
pub mod job_table;
pub mod job_watch;
pub mod live;
pub mod local_time;
pub mod neighbours;
pub mod network_explorer;
pub mod network_layout;
pub mod no_script;
pub mod operator_only;
pub mod preflight;
pub mod progress;
pub mod quality_chart;
pub mod query;
pub mod returned;
pub mod tenant_list;
pub mod title;
pub mod units;
pub mod what_if;
