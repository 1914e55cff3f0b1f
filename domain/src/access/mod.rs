//! Who may do what in the console, and the self-service signup form's rules.
//! Pure: the web layer and the services decide with these, the browser shows them.

pub mod account;
mod link;
mod portal;
mod role;
mod signup;
pub mod text;

pub use account::{AccountError, AccountView, IssuedPassword};
pub use link::{LinkView, NewLink};
pub use portal::{inventory, InventoryLine, PortalAccessRevoked, PortalRef, PortalView};
pub use role::{Role, SessionView};
pub use signup::{SignupError, SignupForm, SignupSize, SignupState, SignupStatus, EMAIL_MAX_CHARS};
