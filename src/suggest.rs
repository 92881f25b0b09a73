//! "Did you mean …?" for what a student mistyped: scenario ids, `--set` keys and their
//! values, configuration keys. clap suggests subcommands and flags itself; these are values
//! clap never sees.

use mmap_lab_engine::params::KeyKind;
use mmap_lab_engine::{Key, ParamError};

/// The candidate closest to `input`, if one is close enough to be what was meant.
///
/// Jaro-Winkler, as clap's own suggestions use (Jaro there), because typos keep the start of
/// a word and Winkler rewards a shared prefix; 0.8 keeps `ofset` → `offset` and drops
/// unrelated words. Case is ignored (`map_shared` means `MAP_SHARED`).
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let input = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&input, &c.to_ascii_lowercase()), c))
        .filter(|(score, c)| *score >= 0.8 && !c.eq_ignore_ascii_case(&input))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// What the student probably meant by a `--set` that failed: a key, or a whole `KEY=VALUE`.
pub fn for_param_error(err: &ParamError) -> Option<String> {
    match err {
        ParamError::UnknownKey { key, .. } => {
            closest(key, Key::ALL.iter().map(|k| k.name())).map(str::to_string)
        }
        ParamError::NotAccepted { key, accepted, .. } => {
            closest(key, accepted.split(", ")).map(str::to_string)
        }
        ParamError::BadValue { key, value, .. } => {
            let key = Key::from_name(key)?;
            value_for(key, value).map(|v| format!("{}={v}", key.name()))
        }
        ParamError::NotKeyValue(_) => None,
    }
}

/// A value of `key` close to `value`: the nearest word of a choice, or a set of flags with
/// each unknown flag replaced by the nearest known one.
pub fn value_for(key: Key, value: &str) -> Option<String> {
    match key.kind() {
        KeyKind::Choice(words) => closest(value, words.iter().copied()).map(str::to_string),
        KeyKind::Flags(sets) => {
            let names: Vec<&str> = sets.iter().map(|f| f.name).chain(["PROT_NONE"]).collect();
            let mut changed = false;
            let parts: Vec<String> = value
                .split('|')
                .map(|part| {
                    let part = part.trim();
                    let known = names.iter().any(|n| n.eq_ignore_ascii_case(part))
                        || mmap_lab_engine::params::parse_i64(part).is_some();
                    match closest(part, names.iter().copied()) {
                        Some(near) if !known => {
                            changed = true;
                            near.to_string()
                        }
                        _ => part.to_string(),
                    }
                })
                .collect();
            changed.then(|| parts.join("|"))
        }
        KeyKind::Bool => closest(value, ["true", "false"]).map(str::to_string),
        KeyKind::Number { .. } | KeyKind::Text => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_word() {
        let ids = ["unaligned-offset", "zero-length", "out-of-bounds"];
        assert_eq!(closest("unaligned-ofset", ids), Some("unaligned-offset"));
        assert_eq!(closest("zero-lenght", ids), Some("zero-length"));
        assert_eq!(closest("banana", ids), None);
    }

    #[test]
    fn keys_and_values_are_suggested() {
        let err = ParamError::UnknownKey {
            key: "ofset".into(),
            known: String::new(),
        };
        assert_eq!(for_param_error(&err).as_deref(), Some("offset"));
        assert_eq!(
            value_for(Key::Flags, "MAP_SHRED|MAP_POPULATE").as_deref(),
            Some("MAP_SHARED|MAP_POPULATE")
        );
        assert_eq!(value_for(Key::File, "regualr").as_deref(), Some("regular"));
        assert_eq!(value_for(Key::Prot, "PROT_READ"), None);
    }
}
