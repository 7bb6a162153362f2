//! Rust client for Claude on **Claude Platform on AWS**.
#![forbid(unsafe_code)]

#[cfg(feature = "emulator")]
#[cfg_attr(docsrs, doc(cfg(feature = "emulator")))]
pub mod emulator;
pub mod types;
