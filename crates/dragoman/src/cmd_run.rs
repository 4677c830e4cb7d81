//! `dragoman run`: the embedded pipeline (owned by the lead; placeholder until wired).

use crate::RunArgs;

pub fn run(_args: &RunArgs) -> anyhow::Result<()> {
    anyhow::bail!("`dragoman run` is not yet wired")
}
