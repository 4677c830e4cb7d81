//! `cargo run -p dragoman-coder --example explain -- "a sentence" [YYYY-MM-DD]`:
//! what `dragoman code --explain` prints, without the binary.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let sentence = args
        .next()
        .ok_or("usage: explain \"a sentence\" [YYYY-MM-DD]")?;
    let date = match args.next() {
        Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")?,
        None => chrono::Utc::now().date_naive(),
    };
    let coder = dragoman_coder::Coder::bundled()?;
    print!("{}", coder.explain(&sentence, date));
    Ok(())
}
