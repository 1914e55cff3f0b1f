//! One module per page of the console.

mod dashboard;
mod demo;
mod not_found;
mod servers;
mod shards;
mod tenants;

pub use dashboard::Dashboard;
pub use demo::Demo;
pub use not_found::NotFound;
pub use servers::Servers;
pub use shards::Shards;
pub use tenants::Tenants;
