//! The team: sign-in with Cloudflare Access (`access`), who is calling and what their role
//! allows (`caller`), the members in D1 (`store`) and their routes (`api`). The rules — the
//! token checks, the role matrix, the first-owner claim, the last-owner guard — are
//! `switchboard_core::access_jwt` and `switchboard_core::team`.

pub mod access;
pub mod api;
pub mod caller;
pub mod store;
