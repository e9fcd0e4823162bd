//! End-to-end tests of the client against the sandbox.
