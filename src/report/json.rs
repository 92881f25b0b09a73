//! A record as `run --json` prints it.

use mmap_lab_engine::params::Params;
use mmap_lab_engine::{Lang, Record};

use super::sentences::evidence;

/// A record's JSON object, as `run --json` prints it: the engine's fields, stamped with the
/// schema and the lab's version, and the evidence line in `lang`.
pub fn record_json(
    record: &Record,
    params: &Params,
    lang: Lang,
) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::to_value(crate::schema::RunRecord {
        stamp: crate::schema::Stamp::NOW,
        record,
        evidence: evidence(record, params, lang),
    })
}
