//! Support KPIs per number, for the Messenger and for the project, with and without the reset.

pub mod api;
pub mod reply_time;
pub mod service;
pub mod store;
