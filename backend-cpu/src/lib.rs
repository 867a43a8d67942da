//! CPU backend (in progress).
