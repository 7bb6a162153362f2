//! The tool runner: call, run each `tool_use` with a typed handler, send the `tool_result`s,
//! repeat.
