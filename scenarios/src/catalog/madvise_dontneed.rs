//! `MADV_DONTNEED` throws a mapping's pages away: private anonymous memory reads back as
//! zeros, a shared file mapping reads the file again (the write is in the page cache), a
//! private file mapping loses its private copy and reads the file's old byte. Plus the errors
//! of the other advice: `MADV_REMOVE` (`EINVAL`, `EACCES`), an unknown number (`EINVAL`), a
//! range past the mapping (`ENOMEM`).

use crate::catalog::{Expect, Scenario, Topic, Variant};
use crate::engine::{Function, Outcome, Plan};
use crate::evidence::{self, Evidence, Found};
use crate::experiment::{self, Shape};
use crate::flags;
use crate::params::{Access, FileKind, Key, Params};
use crate::texts::Text;
use crate::Lang;
use nix::errno::Errno;

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    id: "madvise-dontneed",
    topic: Topic::Beyond,
    keys: &[
        Key::Advice,
        Key::MadviseLength,
        Key::File,
        Key::Flags,
        Key::Access,
    ],
    context: &[Key::File, Key::Length, Key::Prot, Key::Flags],
    defaults,
    build,
    expect: Expect::Ok,
    variants: &[
        // The byte comes back from the page cache: '*'.
        Variant {
            sets: &["file=regular", "flags=MAP_SHARED"],
            expect: Expect::Ok,
        },
        // The private copy is dropped: the file's own byte, 'A', is back.
        Variant {
            sets: &["file=regular", "flags=MAP_PRIVATE"],
            expect: Expect::Ok,
        },
        // Freed lazily: the byte is still there unless memory ran short.
        Variant {
            sets: &["advice=MADV_FREE"],
            expect: Expect::Ok,
        },
        // MADV_FREE is for private anonymous memory only.
        Variant {
            sets: &["file=regular", "flags=MAP_SHARED", "advice=MADV_FREE"],
            expect: Expect::errno(Function::Madvise, Errno::EINVAL),
        },
        // Anonymous memory has no file to punch a hole in.
        Variant {
            sets: &["advice=MADV_REMOVE"],
            expect: Expect::errno(Function::Madvise, Errno::EINVAL),
        },
        Variant {
            sets: &["file=regular", "flags=MAP_PRIVATE", "advice=MADV_REMOVE"],
            expect: Expect::errno(Function::Madvise, Errno::EACCES),
        },
        // A hole is punched in the file: the byte reads back as zero, in the file too.
        Variant {
            sets: &["file=regular", "flags=MAP_SHARED", "advice=MADV_REMOVE"],
            expect: Expect::Ok,
        },
        Variant {
            sets: &["advice=999"],
            expect: Expect::errno(Function::Madvise, Errno::EINVAL),
        },
        Variant {
            sets: &["madvise_length={2*page}"],
            expect: Expect::errno(Function::Madvise, Errno::ENOMEM),
        },
    ],
    evidence,
};

fn defaults(page: u64) -> Params {
    Params {
        file: FileKind::Anonymous,
        flags: flags::MAP_PRIVATE | flags::MAP_ANONYMOUS,
        access: Access::Write(0),
        advice: Some(flags::MADV_DONTNEED),
        ..Params::base(page)
    }
}

fn build(params: &Params, page: u64) -> Plan {
    experiment::standard(
        params,
        page,
        Shape {
            check_file: true,
            hole: true,
            ..Shape::default()
        },
    )
}

/// `after MADV_DONTNEED the byte reads 0x00`: the byte loaded after the advice, told apart
/// by what it equals (zero, the byte written before, the file's own byte).
fn evidence(found: &Found, lang: Lang) -> Option<Evidence> {
    if found.run.outcome != Outcome::Ok {
        return evidence::standard(found, lang);
    }
    let (advised, _) = found.last(Function::Madvise)?;
    let (step, load) = found.last(Function::Load).filter(|(i, _)| *i > advised)?;
    let (_, store) = found.last(Function::Store)?;
    let got = load.ret?;
    let text = if got == 0 {
        Text::EvidenceAdviceZero
    } else if Some(got) == store.ret {
        Text::EvidenceAdviceKept
    } else {
        Text::EvidenceAdviceFile
    };
    let advice = found.params.get(Key::Advice);
    Some(Evidence {
        step,
        text: text.fill(lang, &[&advice, &evidence::byte(got)]),
    })
}
