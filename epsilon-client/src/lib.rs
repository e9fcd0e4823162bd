//! An async client for GMO Epsilon (placeholder; issue 7 builds it).
