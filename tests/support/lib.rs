//! Harness for the end-to-end tests: broker, services as processes, produce and consume.
