//! STARK (in progress).
