//! The console's pages, one module each, at the addresses `route` names: `inbox` (and an open
//! conversation), `numbers` (the table, a number's own page, the connect dialog), `reports`,
//! `settings`, `install`, `webhook`, `not_found` (and the reserved Team and Audit places), and
//! the `setup` page shown instead of the sign-in while the deployment is not ready. A page may
//! use `components` and the top-level helpers (`api`, `dom`, `forms`, `route`), never another
//! page.

pub mod audit;
pub mod inbox;
pub mod install;
pub mod not_found;
pub mod numbers;
pub mod reports;
pub mod settings;
pub mod setup;
pub mod team;
pub mod webhook;
