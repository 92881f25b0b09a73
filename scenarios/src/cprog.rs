//! The equivalent C program of an experiment (filled in below).
/// Placeholder until the generator lands.
pub fn program(_id: &str, _line: &str, _plan: &crate::engine::Plan, _page: u64) -> String {
    String::new()
}
