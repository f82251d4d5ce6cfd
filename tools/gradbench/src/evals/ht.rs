//! `ht`: not implemented yet.
use serde_json::Value;

use super::Prepared;

pub(crate) fn prepare(function: &str, _input: &Value) -> Result<Prepared, String> {
    Err(super::unknown("ht", function))
}
