//! The C function a step calls, typed, so the outcome and the explanations match on it instead
//! of on text. In JSON it is the function's name (`"mmap"`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Declares [`Function`] from one list of rows. A row may carry `#[cfg(test)]`: the engine's
/// tests add the scratch step's function so (see `engine/ops/scratch.rs`).
macro_rules! functions {
    ($(
        $(#[doc = $doc:literal])*
        $(#[cfg($cfg:meta)])?
        $variant:ident = $name:literal,
    )*) => {
        /// A C function (or, for a touch, the kind of memory access) a step makes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Function {
            $($(#[doc = $doc])* $(#[cfg($cfg)])? $variant,)*
        }

        impl Function {
            /// Every function, in declaration order.
            pub const ALL: &'static [Function] = &[$($(#[cfg($cfg)])? Function::$variant),*];

            /// The C name.
            pub fn name(self) -> &'static str {
                match self {
                    $($(#[cfg($cfg)])? Function::$variant => $name,)*
                }
            }
        }
    };
}

functions! {
    /// `setrlimit(2)`.
    Setrlimit = "setrlimit",
    /// `mprotect(2)`.
    Mprotect = "mprotect",
    /// `open(2)`.
    Open = "open",
    /// `pipe(2)`.
    Pipe = "pipe",
    /// `memfd_create(2)`.
    MemfdCreate = "memfd_create",
    /// `ftruncate(2)`.
    Ftruncate = "ftruncate",
    /// `write(2)`.
    Write = "write",
    /// `read(2)`.
    Read = "read",
    /// `mmap(2)`.
    Mmap = "mmap",
    /// `munmap(2)`.
    Munmap = "munmap",
    /// `msync(2)`.
    Msync = "msync",
    /// `mremap(2)`.
    Mremap = "mremap",
    /// `madvise(2)`.
    Madvise = "madvise",
    /// `close(2)`.
    Close = "close",
    /// A one-byte store through a pointer.
    Store = "store",
    /// A one-byte load through a pointer.
    Load = "load",
    /// `fork(2)`.
    Fork = "fork",
    /// `strcpy(3)`.
    Strcpy = "strcpy",
    /// `memcpy(3)`.
    Memcpy = "memcpy",
    /// `_exit(2)`.
    Exit = "_exit",
    /// `waitpid(2)`.
    Waitpid = "waitpid",
    /// `copy_file_range(2)`.
    CopyFileRange = "copy_file_range",
    /// `memcmp(3)`.
    Memcmp = "memcmp",
    /// `usleep(3)`: the child's wait when the two processes are ordered by time alone.
    Usleep = "usleep",
    /// `nanosleep(2)`, for tests of the deadline only.
    Nanosleep = "nanosleep",
    /// `mlock(2)`: only the engine's tests, for the scratch step.
    #[cfg(test)]
    Mlock = "mlock",
}

impl Function {
    /// The function called `name`.
    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.iter().copied().find(|f| f.name() == name)
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Compare with a name as JSON spells it (`record.steps[i].function == "munmap"`), so tests and
/// scripts written against the JSON read the same against the types.
impl PartialEq<&str> for Function {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

impl Serialize for Function {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Function {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Function, D::Error> {
        let name = String::deserialize(d)?;
        Function::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown function `{name}`")))
    }
}

/// In JSON a function is its name: an enum of every name.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Function {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Function".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Function::ALL.iter().map(|f| f.name()).collect();
        schemars::json_schema!({
            "description": "The C function a step calls (`mmap`, `munmap`, `open` …), or for a touch the kind of access (`load`, `store`).",
            "type": "string",
            "enum": names,
        })
    }
}
