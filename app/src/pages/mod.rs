//! One module per page of the console.

mod coming;
mod dashboard;
mod demo;
mod not_found;
mod servers;
mod shards;
mod tenant;
mod tenants;

pub use dashboard::Dashboard;
pub use demo::Demo;
pub use not_found::NotFound;
pub use servers::Servers;
pub use shards::Shards;
pub use tenant::TenantPage;
pub use tenants::Tenants;
