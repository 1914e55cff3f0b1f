//! One module per page of the console.

mod access;
mod dashboard;
mod demo;
mod isolation_check;
mod job;
mod jobs;
mod login;
mod not_found;
mod portal;
mod servers;
mod shards;
mod signup;
mod team;
mod tenant;
mod tenant_import;
mod tenants;

pub use access::AccessPage;
pub use dashboard::Dashboard;
pub use demo::Demo;
pub use job::JobPage;
pub use jobs::JobsPage;
pub use login::LoginPage;
pub use not_found::NotFound;
pub use portal::PortalPage;
pub use servers::Servers;
pub use shards::Shards;
pub use signup::SignupPage;
pub use tenant::TenantPage;
pub use tenants::Tenants;
