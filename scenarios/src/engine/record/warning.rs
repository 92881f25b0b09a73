//! What a run did besides its outcome, silently ("OK, but…"): the warnings the run's own
//! evidence supports, each a kind and the sentence made from its fields. Which warnings a run
//! has is `findings.rs`'s to work out.

use serde::{Deserialize, Serialize};

/// What a warning is about. A run with a warning still has its outcome (usually `ok`): the
/// warning says what the kernel did besides, silently, as the run's own evidence shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum WarningKind {
    /// An `mmap` with `MAP_FIXED` succeeded where pages were already mapped: the kernel
    /// unmapped them first, without a word. Evidence: the `/proc/self/maps` captured before
    /// the call shows a mapping in the range the call returned.
    MapFixedReplaced,
    /// A `munmap` succeeded but its range was not the mapping's: part of the mapping is still
    /// mapped (leaked until the process ends), or pages outside it, which were not the
    /// mapping's, are gone. Evidence: the `/proc/self/maps` captured before and after the call.
    MunmapMissed,
}

impl WarningKind {
    /// The name in JSON (`map-fixed-replaced`).
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::MapFixedReplaced => "map-fixed-replaced",
            WarningKind::MunmapMissed => "munmap-missed",
        }
    }
}

/// An "OK, but…": something the run did that its outcome does not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The sentence, in English (the screen builds its own in the student's language from the
    /// fields below; this one is for JSON readers and is ignored when a record is read back).
    #[serde(default, skip_deserializing)]
    pub text: String,
    /// Index (in `steps`) of the step that did it.
    pub step: usize,
    /// Where the replaced range starts.
    pub addr: u64,
    /// How many bytes that were mapped before the step are mapped anew by it.
    pub bytes: u64,
    /// What was mapped there: the last part of the maps line's path (`data`), `None` for
    /// anonymous memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced: Option<String>,
    /// For `munmap-missed`: how many bytes of the mapping are still mapped after the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_mapped: Option<u64>,
}

impl Warning {
    /// The sentence in `lang`, from the library's texts.
    pub fn sentence(&self, lang: crate::Lang) -> String {
        use crate::texts::Text;
        match self.kind {
            WarningKind::MapFixedReplaced => {
                let what = match &self.replaced {
                    Some(name) => Text::WarnReplacedFile.fill(lang, &[name]),
                    None => Text::WarnReplacedAnon.get(lang).to_string(),
                };
                let page = crate::engine::page_size().max(1);
                Text::WarnMapFixedReplaced.fill(
                    lang,
                    &[
                        &self.bytes.div_ceil(page).to_string(),
                        &format!("{:#x}", self.addr),
                        &what,
                    ],
                )
            }
            WarningKind::MunmapMissed => {
                let page = crate::engine::page_size().max(1);
                let left = self.left_mapped.unwrap_or(0).div_ceil(page).to_string();
                let gone = self.bytes.div_ceil(page).to_string();
                let what = match &self.replaced {
                    Some(name) => Text::WarnReplacedFile.fill(lang, &[name]),
                    None => Text::WarnReplacedAnon.get(lang).to_string(),
                };
                let at = format!("{:#x}", self.addr);
                match (self.left_mapped.unwrap_or(0) > 0, self.bytes > 0) {
                    (true, true) => Text::WarnMunmapBoth.fill(lang, &[&left, &gone, &at, &what]),
                    (true, false) => Text::WarnMunmapLeft.fill(lang, &[&left]),
                    _ => Text::WarnMunmapOutside.fill(lang, &[&gone, &at, &what]),
                }
            }
        }
    }
}
