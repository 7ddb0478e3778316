//! Self-contained pieces a page embeds, each with its own state and requests: a message's file
//! (`media_view`), the support KPI table (`kpi_table`) and the Web Push switch (`push_toggle`).
//! They use the top-level helpers only, never a page.

pub mod kpi_table;
pub mod media_view;
pub mod push_toggle;
