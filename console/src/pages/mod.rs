//! The console's pages, one module each: what the navigation in `app` switches between
//! (`numbers` is Connections › WhatsApp, `inbox`, `webhook`) and the `setup` page shown instead
//! of the sign-in while the deployment is not ready. A page may use `components` and the
//! top-level helpers (`api`, `dom`, `forms`), never another page.

pub mod audit;
pub mod inbox;
pub mod numbers;
pub mod setup;
pub mod team;
pub mod webhook;
