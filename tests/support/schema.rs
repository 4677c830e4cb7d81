//! The event contract as a check: every event the tests read is validated against
//! `docs/event.schema.json` (docs/contracts.md#event-output), formats included.

use std::sync::OnceLock;

use serde_json::Value;

use crate::{json, workspace_root, Record};

/// The compiled schema, read once per test process.
fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let path = workspace_root().join("docs/event.schema.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let schema: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            // Formats (date, date-time) are only annotations in 2020-12 unless asked for.
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("{} is not a valid schema: {e}", path.display()))
    })
}

/// What is wrong with `event` against the schema, one line per error (empty when valid).
pub fn event_schema_errors(event: &Value) -> Vec<String> {
    validator()
        .iter_errors(event)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect()
}

/// Panics, naming the record and its errors, unless every record is a valid event.
pub fn assert_valid_events(records: &[Record]) {
    for r in records {
        let event = json(r);
        let errors = event_schema_errors(&event);
        assert!(
            errors.is_empty(),
            "event at partition {} offset {} breaks docs/event.schema.json:\n  {}\n{event}",
            r.partition,
            r.offset,
            errors.join("\n  ")
        );
    }
}
