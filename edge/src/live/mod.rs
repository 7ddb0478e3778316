//! Live conversations: tickets and the socket route (`api`), the `LiveFeed` Durable Object that
//! holds one room's sockets (`feed`), and publishing events after a request's writes
//! (`publish`). Protocol and rules: `switchboard_core::live`.

pub mod api;
pub mod feed;
pub mod publish;
