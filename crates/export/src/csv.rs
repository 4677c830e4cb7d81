//! CSV (RFC 4180): a header line, comma-separated fields, a field quoted when it holds a comma,
//! a quote, a line break or leading or trailing spaces, quotes inside doubled.

use std::io::{self, Write};

pub fn write_row<W: Write, S: AsRef<str>>(out: &mut W, fields: &[S]) -> io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let f = field.as_ref();
        let quote = f.contains([',', '"', '\n', '\r']) || f.starts_with(' ') || f.ends_with(' ');
        if quote {
            out.write_all(b"\"")?;
            out.write_all(f.replace('"', "\"\"").as_bytes())?;
            out.write_all(b"\"")?;
        } else {
            out.write_all(f.as_bytes())?;
        }
    }
    out.write_all(b"\r\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn fields_that_need_it_are_quoted() {
        let mut out = Vec::new();
        super::write_row(&mut out, &["a", "b,c", "say \"no\"", "", "line\nbreak"]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,\"b,c\",\"say \"\"no\"\"\",,\"line\nbreak\"\r\n"
        );
    }
}
