//! The report layer: renders diagnostics in every output format. (helper fills in)
