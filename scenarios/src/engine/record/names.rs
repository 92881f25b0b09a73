//! How the record spells names in JSON: errnos and signals by name, both ways, and, for the
//! JSON Schema, each name's list of every value the lab can print. A leaf the record's types
//! name in their serde and schemars attributes.

/// `StepRecord::errno` as its name in JSON.
pub(super) mod errno_name {
    use crate::errnos;
    use nix::errno::Errno;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(e: &Option<Errno>, s: S) -> Result<S::Ok, S::Error> {
        match e {
            Some(e) => s.serialize_str(&errnos::name(*e)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Errno>, D::Error> {
        let name: Option<String> = Option::deserialize(d)?;
        name.map(|n| {
            errnos::from_name(&n)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown errno `{n}`")))
        })
        .transpose()
    }
}

/// `StepRecord::signal` as its name in JSON.
pub(super) mod signal_name {
    use crate::engine::signals::SignalNo;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(sig: &Option<SignalNo>, s: S) -> Result<S::Ok, S::Error> {
        match sig {
            Some(sig) => s.serialize_str(&sig.name()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SignalNo>, D::Error> {
        let name: Option<String> = Option::deserialize(d)?;
        name.map(|n| {
            SignalNo::from_name(&n)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown signal `{n}`")))
        })
        .transpose()
    }
}

/// The schemas of the names the record prints as text: errnos, signals and `si_code`s, as
/// enums of every name the lab can print.
#[cfg(feature = "schema")]
mod schema {
    use crate::engine::signals::SignalNo;
    use crate::errnos;
    use nix::errno::Errno;
    use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
    use std::borrow::Cow;

    /// What a maps capture was taken after: a function's name, or `start`.
    pub struct MapsAfter;

    impl JsonSchema for MapsAfter {
        fn schema_name() -> Cow<'static, str> {
            "MapsAfter".into()
        }

        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            let function = generator.subschema_for::<crate::engine::Function>();
            json_schema!({
                "anyOf": [function, {"type": "string", "const": "start"}],
            })
        }
    }

    /// How a tally's child waited: the `sync` knob's words.
    pub struct SyncName;

    impl JsonSchema for SyncName {
        fn schema_name() -> Cow<'static, str> {
            "SyncName".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "string",
                "enum": crate::params::Sync::NAMES,
            })
        }
    }

    /// An errno's name as the lab prints it (`StepRecord::errno`, `outcome.errno`).
    pub struct ErrnoName;

    impl JsonSchema for ErrnoName {
        fn schema_name() -> Cow<'static, str> {
            "ErrnoName".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            // Every name `errnos::name` gives: the table's, then any other errno nix names
            // (Linux numbers its errnos below 134; anything past that is `UnknownErrno`).
            let mut names: Vec<String> = Vec::new();
            for raw in 0..200 {
                let name = errnos::name(Errno::from_raw(raw));
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            json_schema!({
                "description": "The errno's C name (`EINVAL`).",
                "type": "string",
                "enum": names,
            })
        }
    }

    /// A signal's name as the lab prints it: a standard signal's, or `signal N`.
    pub struct SignalName;

    impl JsonSchema for SignalName {
        fn schema_name() -> Cow<'static, str> {
            "SignalName".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            let names: Vec<String> = nix::sys::signal::Signal::iterator()
                .map(|s| SignalNo::from(s).name())
                .collect();
            json_schema!({
                "description": "The signal's name (`SIGBUS`), or `signal N` for one without a name (a real-time signal).",
                "anyOf": [
                    {"type": "string", "enum": names},
                    {"type": "string", "pattern": "^signal [0-9]+$"},
                ],
            })
        }
    }

    /// An `si_code` as `<signal.h>` names it, or its number when it has no name there.
    pub struct SiCodeName;

    impl JsonSchema for SiCodeName {
        fn schema_name() -> Cow<'static, str> {
            "SiCodeName".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            let mut names: Vec<String> = Vec::new();
            for signo in [nix::libc::SIGSEGV, nix::libc::SIGBUS] {
                for code in -8..=0x80 {
                    let name = crate::engine::signals::code_name(signo, code);
                    if name.parse::<i32>().is_err() && !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            json_schema!({
                "description": "`si_code` by name (`SEGV_MAPERR`, `BUS_ADRERR` …), its number when it has none.",
                "anyOf": [
                    {"type": "string", "enum": names},
                    {"type": "string", "pattern": "^-?[0-9]+$"},
                ],
            })
        }
    }
}

#[cfg(feature = "schema")]
pub(crate) use schema::{ErrnoName, MapsAfter, SiCodeName, SignalName, SyncName};
