//! Self-contained pieces a page embeds, each with its own state and requests: a message's file
//! (`media_view`), the support KPI table (`kpi_table`), what a WhatsApp message says by type
//! (`message_content`), a modal dialog (`modal`), the navigation with its links (`nav`) and the Web Push switch (`push_toggle`). They use the top-level helpers only, never a page.

pub mod kpi_table;
pub mod media_view;
pub mod message_content;
pub mod modal;
pub mod nav;
pub mod push_toggle;
