//! The knobs a student can turn: every `--set KEY=VALUE` key (docs/cli.md), in one table
//! ([`knob`]). Each row says how the knob is named, what kind of value it takes, what it means
//! (in English and Chinese), how its value is read from and stored into [`Params`], how a
//! student steps it, and which call arguments show it on screen.
//!
//! Values are typed ([`Value`]). Text is parsed only at the edges (the command line, the TUI's
//! editor, JSON) with [`Params::set`]; inside the program a knob is set with
//! [`Params::assign`]. Parsing never panics: every bad value becomes a [`ParamError`] naming
//! the key, the value and what is accepted, so the command line and the TUI can both refuse it
//! with a clear message.
//!
//! Adding a knob is one row in the `knobs!` table (`knobs.rs`) plus one field of [`Params`],
//! plus wherever the experiment uses it.

mod choices;
mod key;
mod knobs;
mod parse;
mod suspects;
mod values;

pub use choices::{Access, Addr, FileKind, Grow, Order, Sync, Writer, OPEN_CHOICES};
pub use knobs::{Key, Knob, KNOBS, PLAYGROUND_KEYS};
pub use parse::{parse_i64, parse_u64};
pub use suspects::{Case, Suspect};
pub use values::{
    Direction, KeyKind, Params, Value, MAX_COPY_RUNS, MAX_FILE, MAX_REPEAT, MAX_SLEEP_US,
};

use crate::engine::Via;
use crate::flags::{self, MapType};

/// What went wrong with a `KEY=VALUE`. The `Display` text is English; the program shows a
/// translated message built from the same fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// `--set` text without `=`.
    #[error("`{0}` is not KEY=VALUE")]
    NotKeyValue(String),
    /// A key no scenario knows.
    #[error("unknown key `{key}`; known keys: {known}")]
    UnknownKey {
        /// The key as typed.
        key: String,
        /// Every key, joined by `, `.
        known: String,
    },
    /// A key this scenario does not take.
    #[error("scenario `{scenario}` does not take `{key}`; it takes: {accepted}")]
    NotAccepted {
        /// The scenario's id.
        scenario: String,
        /// The key as typed.
        key: String,
        /// The keys it takes, joined by `, `.
        accepted: String,
    },
    /// A value that does not parse for its key.
    #[error("bad value `{value}` for `{key}`: expected {expected}")]
    BadValue {
        /// The key's name.
        key: String,
        /// The value as typed.
        value: String,
        /// What is accepted, in English.
        expected: String,
    },
}

impl Params {
    /// A plain, working experiment: one page of a 4-page regular file, read/write, shared.
    pub fn base(page: u64) -> Params {
        Params {
            file: FileKind::Regular,
            file_size: 4 * page,
            open: flags::O_RDWR,
            addr: Addr::Null,
            length: page,
            offset: 0,
            prot: flags::PROT_READ | flags::PROT_WRITE,
            flags: flags::MAP_SHARED,
            close_fd: false,
            access: Access::None,
            mprotect: None,
            munmap_shift: 0,
            munmap_length: None,
            mprotect_shift: 0,
            mprotect_length: None,
            msync_flags: None,
            msync_shift: 0,
            msync_length: None,
            advice: None,
            madvise_length: None,
            #[cfg(test)]
            scratch_shift: 0,
            mremap_flags: None,
            new_length: 2 * page,
            touch_old: false,
            neighbour: true,
            rlimit_as: None,
            rlimit_data: None,
            rlimit_memlock: None,
            exhaust_map_count: false,
            guard: false,
            grow: Grow::None,
            copy_size: 64 << 20,
            window: 8 << 20,
            copy_runs: 5,
            via: Via::Libc,
            truncate_to: None,
            grow_back: false,
            writer: Writer::Child,
            order: Order::WriteRead,
            sync: Sync::Pipe,
            sleep_us: 1000,
            repeat: 1,
        }
    }

    /// The length passed to munmap.
    pub fn munmap_len(&self) -> u64 {
        self.munmap_length.unwrap_or(self.length)
    }

    /// The length passed to mprotect.
    pub fn mprotect_len(&self) -> u64 {
        self.mprotect_length.unwrap_or(self.length)
    }

    /// The length passed to msync.
    pub fn msync_len(&self) -> u64 {
        self.msync_length.unwrap_or(self.length)
    }

    /// The length passed to madvise.
    pub fn madvise_len(&self) -> u64 {
        self.madvise_length.unwrap_or(self.length)
    }

    /// The mapping type `flags` asks for (`None` when its field is 0).
    pub fn map_type(&self) -> Option<MapType> {
        MapType::of(self.flags)
    }

    /// Parse `value` (the text edge: command line, editor, JSON) and store it under `key`.
    /// On error nothing changes.
    pub fn set(&mut self, key: Key, value: &str) -> Result<(), ParamError> {
        let typed = key.parse(value)?;
        self.assign(key, typed).map_err(|_| key.bad(value.trim()))
    }

    /// Store a typed value under `key`, checked against the knob's limits (a size over its
    /// cap, a window of 0). On error nothing changes.
    pub fn assign(&mut self, key: Key, value: Value) -> Result<(), ParamError> {
        let mut next = self.clone();
        match (key.knob().write)(&mut next, value) {
            Some(()) => {
                *self = next;
                Ok(())
            }
            None => Err(key.bad(value)),
        }
    }

    /// The typed value of `key`.
    pub fn value(&self, key: Key) -> Value {
        (key.knob().read)(self)
    }

    /// The value of `key` as text that [`Params::set`] accepts back.
    pub fn get(&self, key: Key) -> String {
        self.value(key).to_string()
    }

    /// The numeric value of `key`, when it has one (for hex/decimal display).
    pub fn number(&self, key: Key) -> Option<i128> {
        self.value(key).number()
    }

    /// The value as JSON: numbers for numeric keys, text for the rest.
    pub fn json_value(&self, key: Key) -> serde_json::Value {
        match (key.kind(), self.value(key)) {
            (KeyKind::Number { .. }, Value::Number(n)) => match i64::try_from(n) {
                Ok(v) => v.into(),
                Err(_) => (n as u64).into(),
            },
            (_, Value::Bool(b)) => b.into(),
            (_, v) => v.to_string().into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::key::toggle_map_flag;
    use super::*;
    use crate::Lang;

    #[test]
    fn numbers_accept_decimal_hex_and_suffixes() {
        assert_eq!(parse_u64("4096"), Some(4096));
        assert_eq!(parse_u64("0x1000"), Some(4096));
        assert_eq!(parse_u64("4K"), Some(4096));
        assert_eq!(parse_u64("64M"), Some(64 << 20));
        assert_eq!(parse_u64("0x10k"), Some(16 << 10));
        assert_eq!(parse_u64("1G"), Some(1 << 30));
        assert_eq!(parse_u64(""), None);
        assert_eq!(parse_u64("K"), None);
        assert_eq!(parse_u64("-1"), None);
        assert_eq!(parse_u64("99999999999G"), None);
        assert_eq!(parse_i64("-4096"), Some(-4096));
        assert_eq!(parse_i64("-4K"), Some(-4096));
        assert_eq!(parse_i64("--4"), None);
    }

    #[test]
    fn set_then_get_round_trips() {
        let mut p = Params::base(4096);
        for (key, value) in [
            (Key::Open, "O_RDONLY|O_APPEND"),
            (Key::Prot, "PROT_READ|PROT_WRITE"),
            (Key::Flags, "MAP_PRIVATE|MAP_ANONYMOUS"),
            (Key::Access, "write@4096"),
            (Key::Addr, "0x10000000"),
            (Key::File, "sealed-memfd"),
            (Key::Mprotect, "PROT_NONE"),
            (Key::Grow, "lseek-write"),
        ] {
            p.set(key, value).unwrap();
            assert_eq!(p.get(key), value, "{key}");
        }
    }

    #[test]
    fn mapping_type_is_a_field() {
        use flags::{MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE};
        let v = MAP_SHARED | MAP_ANONYMOUS;
        assert_eq!(toggle_map_flag(v, MAP_PRIVATE), MAP_PRIVATE | MAP_ANONYMOUS);
        assert_eq!(toggle_map_flag(v, MAP_SHARED), MAP_ANONYMOUS);
        assert_eq!(toggle_map_flag(v, MAP_ANONYMOUS), MAP_SHARED);
        let mut p = Params::base(4096);
        p.flags = MAP_SHARED_VALIDATE;
        let at = |name: &str| {
            flags::MAP_FLAGS
                .iter()
                .position(|f| f.name == name)
                .unwrap()
        };
        assert!(Key::Flags.flag_is_set(&p, at("MAP_SHARED_VALIDATE")));
        assert!(!Key::Flags.flag_is_set(&p, at("MAP_SHARED")));
    }

    #[test]
    fn stepping_follows_the_table() {
        let mut p = Params::base(4096);
        p.offset = 1000;
        assert_eq!(
            Key::Offset.step(&p, Direction::Next, 4096),
            Some(Value::Number(4096))
        );
        assert_eq!(
            Key::Offset.step(&p, Direction::Previous, 4096),
            Some(Value::Number(0))
        );
        assert_eq!(
            Key::Length.step(&Params::base(4096), Direction::Previous, 4096),
            Some(Value::Number(0))
        );
        assert_eq!(
            Key::File.step(&p, Direction::Previous, 4096),
            Some(Value::Word("sealed-memfd"))
        );
        p.access = Access::Write(100);
        assert_eq!(
            Key::Access.step(&p, Direction::Next, 4096),
            Some(Value::Access(Access::Write(4096)))
        );
        assert_eq!(Key::Addr.step(&p, Direction::Next, 4096), None);
        assert_eq!(Key::Access.toggle(&p, 0), Some(Value::Access(Access::None)));
    }

    #[test]
    fn limits_are_checked_when_a_typed_value_is_stored() {
        let mut p = Params::base(4096);
        assert!(p.assign(Key::Window, Value::Number(0)).is_err());
        // Not whole pages: refused, with what is accepted, never rounded silently.
        let page = crate::engine::page_size();
        let mut q = p.clone();
        let refused = q.set(Key::Window, &(page + 1000).to_string()).unwrap_err();
        assert!(
            refused.to_string().contains("multiple of the page size"),
            "{refused}"
        );
        assert!(q.set(Key::Window, &(2 * page).to_string()).is_ok());
        assert_eq!(q.window, 2 * page);
        assert!(p
            .assign(Key::CopySize, Value::Number((MAX_FILE + 1).into()))
            .is_err());
        assert!(p.assign(Key::Length, Value::Bool(true)).is_err());
        assert_eq!(p, Params::base(4096));
        p.assign(Key::RlimitAs, Value::Off("unlimited")).unwrap();
        assert_eq!(p.get(Key::RlimitAs), "unlimited");
    }

    #[test]
    fn every_knob_documents_itself_in_both_languages() {
        for key in Key::ALL {
            assert_eq!(key.knob().key, key, "the table is in Key order");
            assert!(!key.doc(Lang::En).is_empty(), "{key}");
            assert!(
                key.doc(Lang::Zh).chars().any(crate::lesson::is_wide),
                "{key}"
            );
            assert!(
                key.expected_in(Lang::Zh)
                    .chars()
                    .any(crate::lesson::is_wide),
                "{key}"
            );
        }
        assert!(!PLAYGROUND_KEYS.contains(&Key::Window));
        assert!(PLAYGROUND_KEYS.contains(&Key::Guard));
        // The playground's new file can be grown before the mapping, as in empty-new-file.
        assert!(PLAYGROUND_KEYS.contains(&Key::Grow));
    }

    #[test]
    fn a_bad_value_names_key_value_and_expectation_and_changes_nothing() {
        let mut p = Params::base(4096);
        let before = p.clone();
        let err = p.set(Key::Offset, "12x").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("offset") && text.contains("12x") && text.contains("integer"));
        assert_eq!(p, before);
    }

    #[test]
    fn the_advice_message_names_what_it_accepts_and_what_it_refuses() {
        let mut p = Params::base(4096);
        let refused = p.set(Key::Advice, "100").expect_err("100 poisons a page");
        let message = refused.to_string();
        // Everything the message offers is accepted, and what it excludes is refused.
        for advice in flags::ADVICE {
            assert!(
                message.contains(advice.name),
                "{} missing: {message}",
                advice.name
            );
            assert!(p.set(Key::Advice, advice.name).is_ok(), "{}", advice.name);
        }
        assert!(p.set(Key::Advice, "999").is_ok(), "a number is accepted");
        assert!(p.set(Key::Advice, "101").is_err());
        for lang in [Lang::En, Lang::Zh] {
            let text = Key::Advice.expected_in(lang);
            assert!(text.contains("100") && text.contains("101"), "{text}");
            assert!(text.contains("MADV_HWPOISON"), "{text}");
        }
    }

    /// A knob is its row and its field: the scratch knob (a `#[cfg(test)]` row of the
    /// table and field of `Params`) is parsed, stored, read, shown in bytes, tied to the
    /// argument it changes in the preview and blamed by the code the real knobs go
    /// through, with nothing written for it anywhere else.
    #[test]
    fn a_scratch_knob_is_one_row_and_one_field() {
        use crate::engine::calls::Arg;
        use crate::engine::{Function, Outcome};
        let key = Key::from_name("scratch_shift").expect("the row declares the key");
        assert!(Key::ALL.contains(&key) && !PLAYGROUND_KEYS.contains(&key));
        let mut p = Params::base(4096);
        p.set(key, "1K").expect("parsed by the row");
        assert_eq!((p.scratch_shift, p.get(key)), (1024, "1024".to_string()));
        assert!(p.set(key, "far").is_err());
        assert!(key.bytes() && !Key::Advice.bytes());
        assert!(key
            .expected_in(Lang::Zh)
            .chars()
            .any(crate::lesson::is_wide));

        assert_eq!(Key::shown_by(Arg::Of(Function::Madvise, 0)), Some(key));
        let s = crate::catalog::find("madvise-dontneed").expect("scenario");
        let plan = (s.build)(&(s.defaults)(4096), 4096);
        let calls = crate::blame::describe_calls(&plan);
        let madvise = calls.iter().find(|c| c.function == Function::Madvise);
        let first = madvise
            .and_then(|c| c.parts.get(1))
            .expect("madvise's address");
        assert_eq!(first.key, Some(key), "{:?}", madvise);

        let einval = Outcome::Errno {
            call: Function::Madvise,
            errno: nix::errno::Errno::EINVAL,
        };
        p.scratch_shift = 1;
        let blamed = crate::blame::blame(&p, 4096, &einval);
        assert_eq!(blamed, [Key::Advice, Key::Flags, key]);
        p.scratch_shift = 4096;
        assert_eq!(
            crate::blame::blame(&p, 4096, &einval),
            [Key::Advice, Key::Flags]
        );
    }
}
