//! `dragoman code`: code one sentence (owned by the lead; placeholder until wired).

use crate::CodeArgs;

pub fn code(_args: &CodeArgs) -> anyhow::Result<()> {
    anyhow::bail!("`dragoman code` is not yet wired")
}
