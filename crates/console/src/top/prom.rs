//! The Prometheus text exposition format, as much of it as `dragoman top` reads: samples with
//! their labels and value (comments, help and type lines skipped, timestamps ignored).

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

impl Sample {
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The samples of a `/metrics` body; a line that does not parse is skipped.
pub fn parse(text: &str) -> Vec<Sample> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(parse_line)
        .collect()
}

fn parse_line(line: &str) -> Option<Sample> {
    let name_end = line.find(['{', ' ', '\t']).unwrap_or(line.len());
    let name = &line[..name_end];
    if name.is_empty() {
        return None;
    }
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(after) = rest.strip_prefix('{') {
        let (parsed, after) = parse_labels(after)?;
        labels = parsed;
        rest = after;
    }
    let value = rest.split_whitespace().next()?;
    let value = match value {
        "+Inf" | "Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().ok()?,
    };
    Some(Sample {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// `key="value",...}` -> the pairs and what follows the `}`.
fn parse_labels(mut s: &str) -> Option<(Vec<(String, String)>, &str)> {
    let mut labels = Vec::new();
    loop {
        s = s.trim_start_matches([' ', ',']);
        if let Some(after) = s.strip_prefix('}') {
            return Some((labels, after));
        }
        let eq = s.find('=')?;
        let key = s[..eq].trim().to_owned();
        s = s[eq + 1..].trim_start().strip_prefix('"')?;
        let mut value = String::new();
        let mut chars = s.char_indices();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '"' => break i,
                '\\' => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                c => value.push(c),
            }
        };
        labels.push((key, value));
        s = &s[end + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_labels_and_special_values() {
        let text = "# HELP dragoman_records_in_total Records consumed.\n\
                    # TYPE dragoman_records_in_total counter\n\
                    dragoman_records_in_total{stage=\"ingest\"} 42\n\
                    dragoman_dlq_records_total{reason=\"invalid_json\",stage=\"ingest\"} 3\n\
                    dragoman_processing_seconds_bucket{stage=\"ingest\",le=\"+Inf\"} 7\n\
                    process_cpu_seconds_total +Inf\n\
                    weird{msg=\"a \\\"quoted\\\" \\\\ word, }\"} 1 1700000000000\n\
                    broken{stage=\"x\" 1\n";
        let s = parse(text);
        assert_eq!(s.len(), 5, "{s:?}");
        assert_eq!(s[0].name, "dragoman_records_in_total");
        assert_eq!(s[0].label("stage"), Some("ingest"));
        assert_eq!(s[0].value, 42.0);
        assert_eq!(s[1].label("reason"), Some("invalid_json"));
        assert_eq!((s[2].label("le"), s[2].value), (Some("+Inf"), 7.0));
        assert_eq!(s[3].value, f64::INFINITY);
        assert!(s[3].labels.is_empty());
        assert_eq!(s[4].label("msg"), Some("a \"quoted\" \\ word, }"));
        assert_eq!(s[4].value, 1.0);
    }
}
