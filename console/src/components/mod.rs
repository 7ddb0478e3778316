//! Self-contained pieces a page embeds, each with its own state and requests: a message's file
//! (`media_view`), what a WhatsApp message says by type (`message_content`) and the support KPI table (`kpi_table`). They use the top-level helpers only,
//! never a page.

pub mod kpi_table;
pub mod media_view;
pub mod message_content;
