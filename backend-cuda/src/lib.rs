//! CUDA backend (in progress): see issue 4.
