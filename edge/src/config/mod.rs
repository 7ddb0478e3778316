//! Configuration: secrets and vars from the environment (`env`), the settings and numbers in KV
//! (`store`), changed only through the `ConfigWriter` Durable Object (`writer`); the connected
//! numbers with their tokens opened for Graph (`numbers`); and `/healthz`'s setup checks (`health`).

pub mod env;
pub mod health;
pub mod numbers;
pub mod store;
pub mod writer;
