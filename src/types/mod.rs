//! Plain serde data mirroring the Claude API (version 2026-10-21).
