//! The team: sign-in with Cloudflare Access (`access`), who is calling and what their role
//! allows (`caller`), the members in D1 (`store`), their routes (`api`), and each number's
//! round-robin of members (`round_robin`). The rules — the
//! token checks, the role matrix, the first-owner claim, the last-owner guard — are
//! `switchboard_core::access_jwt` and `switchboard_core::team`.

pub mod access;
pub mod api;
pub mod caller;
pub mod round_robin;
pub mod store;
