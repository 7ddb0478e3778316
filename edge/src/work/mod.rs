//! The work queue's consumer: what requests hand to the queue (`WORK`, wrangler.toml) so that
//! each invocation stays inside the free plan's CPU budget — the messages of a delivery that
//! carries more than two, one invocation each, and each media file's fetch — is run here. What
//! is deferred, and an item's shape, are core's `deferred_work`; sending is
//! `platform::queue`.

pub mod consumer;
