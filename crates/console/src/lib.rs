//! What a person at a terminal sees live: the progress line of `dragoman run` on a large
//! input ([`progress`]), and `dragoman top`, the running services' flow stage by stage from
//! their `/metrics` endpoints ([`top`]).
//!
//! Both draw only on a terminal; the binary decides whether there is one.

pub mod progress;
pub mod top;

/// The width of the terminal, if standard output is one.
pub fn terminal_width() -> Option<usize> {
    crossterm::terminal::size()
        .ok()
        .map(|(cols, _)| usize::from(cols))
        .filter(|&w| w > 0)
}
