//! Wall time per `tracing` span, for the per-phase profile of Plonky3's
//! prover (its phases are spans: "commit to trace data", "open", ...).
//!
//! [`SpanTimes::install`] makes a recorder the process's subscriber. Each
//! span's time runs from its creation to its close and is added under its
//! path (`parent/child`, names from the outermost span), with a count.
//! Spans that run concurrently (inside a rayon loop) add up their times,
//! so a child's sum may exceed its parent's wall time; the count says how
//! many spans were summed.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;
use tracing::span::{Attributes, Id};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// Summed seconds and number of spans per path.
pub type SpanTotals = BTreeMap<String, (f64, usize)>;

/// The recorder: a handle to the totals its layer adds to.
#[derive(Clone, Default)]
pub struct SpanTimes {
    totals: Arc<Mutex<SpanTotals>>,
}

/// When a span was created (kept in the span's extensions).
struct Created(Instant);

impl SpanTimes {
    /// Installs a recorder of every span (any level) as the global
    /// subscriber. Errors: another global subscriber is set already.
    pub fn install() -> Result<SpanTimes, String> {
        let times = SpanTimes::default();
        let subscriber = tracing_subscriber::registry().with(times.clone());
        tracing::subscriber::set_global_default(subscriber)
            .map_err(|e| format!("cannot record Plonky3's spans: {e}"))?;
        Ok(times)
    }

    /// The totals recorded since the last call, cleared.
    pub fn take(&self) -> SpanTotals {
        std::mem::take(&mut *self.totals.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for SpanTimes {
    fn on_new_span(&self, _: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(Created(Instant::now()));
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(&id) else {
            return;
        };
        let Some(seconds) = span
            .extensions()
            .get::<Created>()
            .map(|c| c.0.elapsed().as_secs_f64())
        else {
            return;
        };
        let names: Vec<&str> = span.scope().from_root().map(|s| s.name()).collect();
        let mut totals = self.totals.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = totals.entry(names.join("/")).or_default();
        entry.0 += seconds;
        entry.1 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::info_span;

    #[test]
    fn nested_spans_are_recorded_under_their_path() {
        let times = SpanTimes::default();
        let subscriber = tracing_subscriber::registry().with(times.clone());
        tracing::subscriber::with_default(subscriber, || {
            info_span!("outer").in_scope(|| {
                for _ in 0..3 {
                    info_span!("inner")
                        .in_scope(|| std::thread::sleep(std::time::Duration::from_millis(2)));
                }
            });
        });
        let totals = times.take();
        let (outer, n_outer) = totals["outer"];
        let (inner, n_inner) = totals["outer/inner"];
        assert_eq!((n_outer, n_inner), (1, 3));
        assert!(
            inner >= 0.006 && outer >= inner,
            "outer {outer} s, inner {inner} s"
        );
        assert!(times.take().is_empty(), "take clears the totals");
    }
}
