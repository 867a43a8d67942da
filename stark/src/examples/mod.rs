//! Example AIRs, and the registry a verifier rebuilds them from.

pub mod fib_wide;
pub mod lookup;

pub use fib_wide::FibWide;
pub use lookup::Lookup;

use crate::air::{Air, AirError, AirInstance};

/// Rebuilds an AIR from the instance a proof carries.
pub fn air_from_instance(instance: &AirInstance) -> Result<Box<dyn Air>, AirError> {
    match instance.name.as_str() {
        fib_wide::NAME => Ok(Box::new(FibWide::from_instance(instance)?)),
        lookup::NAME => Ok(Box::new(Lookup::from_instance(instance)?)),
        other => Err(AirError::UnknownAir(other.to_string())),
    }
}
