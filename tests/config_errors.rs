//! Issue finding "a TOML syntax error in a config file echoes the offending line, a password
//! included": the binary's own report of a configuration error (what an operator sees in
//! `kubectl logs`) names the file and line or the key, and quotes no value.

use std::process::Command;

const SECRET: &str = "hunter2-s3cret";

/// Runs `dragoman run` (which loads the configuration first) and returns its stderr, checking
/// that it failed and quotes no part of the secret.
fn failing_run(config: Option<&str>, vars: &[(&str, &std::ffi::OsStr)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dragoman.toml");
    let mut cmd = Command::new(dragoman_e2e::dragoman_bin());
    cmd.args(["run", "--input", "/dev/null"]);
    if let Some(text) = config {
        std::fs::write(&path, text).unwrap();
        cmd.arg("--config").arg(&path);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("running dragoman");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !out.status.success(),
        "a bad configuration must stop it: {stderr}"
    );
    for part in [SECRET, "hunter2", "s3cret"] {
        assert!(!stderr.contains(part), "{stderr}");
    }
    assert!(stderr.contains("configuration"), "{stderr}");
    stderr
}

#[test]
fn a_toml_syntax_error_in_a_config_file_never_echoes_the_line() {
    let err = failing_run(
        Some(&format!(
            "[kafka]\nsecurity_protocol = \"sasl_ssl\"\nsasl_password = \"{SECRET}\n"
        )),
        &[],
    );
    assert!(err.contains("dragoman.toml, line 3"), "{err}");
}

#[test]
fn a_bad_config_value_never_echoes_it() {
    let err = failing_run(
        Some(&format!("[kafka]\nsession_timeout_ms = \"{SECRET}\"\n")),
        &[],
    );
    assert!(err.contains("`kafka.session_timeout_ms`"), "{err}");
    let err = failing_run(
        None,
        &[("DRAGOMAN__DELIVERY", std::ffi::OsStr::new(SECRET))],
    );
    assert!(err.contains("`delivery`"), "{err}");
}

#[test]
fn a_non_utf8_secret_in_the_environment_is_never_echoed() {
    use std::os::unix::ffi::OsStrExt;
    let mut bytes = SECRET.as_bytes().to_vec();
    bytes.push(0xff);
    let err = failing_run(
        None,
        &[(
            "DRAGOMAN__KAFKA__SASL_PASSWORD",
            std::ffi::OsStr::from_bytes(&bytes),
        )],
    );
    assert!(err.contains("`kafka.sasl_password`"), "{err}");
}
