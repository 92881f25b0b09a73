//! Where a run happened: the kernel, the architecture, the C library, the page size, and the
//! capabilities, resource limits and `vm.*` settings that change what the kernel answers. The
//! lessons say answers depend on these; every record carries them so a result can be read (and
//! compared) with its conditions.
//!
//! Read once per process (none of it changes while the lab runs) in the parent, before any
//! fork. The child inherits exactly these limits and capabilities.

use nix::libc;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A capability that changes the kernel's answer to some experiment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Capability {
    /// `CAP_IPC_LOCK`: lock memory beyond `RLIMIT_MEMLOCK` (`MAP_LOCKED`, `mlock`).
    #[serde(rename = "CAP_IPC_LOCK")]
    IpcLock,
    /// `CAP_SYS_RESOURCE`: raise a resource limit above its hard limit.
    #[serde(rename = "CAP_SYS_RESOURCE")]
    SysResource,
    /// `CAP_SYS_RAWIO`: map below `vm.mmap_min_addr` (address 0 with `MAP_FIXED`).
    #[serde(rename = "CAP_SYS_RAWIO")]
    SysRawio,
}

impl Capability {
    /// Every capability the lab looks at.
    pub const ALL: [Capability; 3] = [
        Capability::IpcLock,
        Capability::SysResource,
        Capability::SysRawio,
    ];

    /// Its bit in `/proc/self/status`'s `CapEff` (linux/capability.h).
    fn bit(self) -> u32 {
        match self {
            Capability::IpcLock => 14,
            Capability::SysRawio => 17,
            Capability::SysResource => 24,
        }
    }

    /// The C name.
    pub fn name(self) -> &'static str {
        match self {
            Capability::IpcLock => "CAP_IPC_LOCK",
            Capability::SysResource => "CAP_SYS_RESOURCE",
            Capability::SysRawio => "CAP_SYS_RAWIO",
        }
    }
}

/// A resource limit in force: soft and hard, in bytes (or a count), `None` for unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct LimitValue {
    /// The limit a process meets.
    pub soft: Option<u64>,
    /// How far an unprivileged process may raise it.
    pub hard: Option<u64>,
}

/// Where the run happened. In JSON, the record's `environment` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(deny_unknown_fields))]
pub struct Environment {
    /// The kernel release (`uname -r`).
    pub kernel: String,
    /// The machine (`uname -m`: `x86_64`, `aarch64`).
    pub arch: String,
    /// The C library and its version (`glibc 2.36`).
    pub libc: String,
    /// `sysconf(_SC_PAGESIZE)`.
    pub page_size: u64,
    /// The effective capabilities among those that change answers.
    pub capabilities: Vec<Capability>,
    /// `RLIMIT_AS`, `RLIMIT_DATA`, `RLIMIT_MEMLOCK`, `RLIMIT_NOFILE` as inherited.
    pub limits: BTreeMap<String, LimitValue>,
    /// `vm.max_map_count`, `vm.overcommit_memory`, `vm.mmap_min_addr`, when readable.
    pub sysctl: BTreeMap<String, u64>,
    /// Whether `/proc/PID/pagemap` gives this process the physical frame numbers (the kernel
    /// zeroes them for an opener without `CAP_SYS_ADMIN`): from a run's own reading where it
    /// read a present page, else from the capability.
    #[serde(default)]
    pub pfn_visible: bool,
    /// Why not, when `pfn_visible` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pfn_reason: Option<String>,
}

impl Environment {
    /// Whether the process holds `cap`.
    pub fn has(&self, cap: Capability) -> bool {
        self.capabilities.contains(&cap)
    }

    /// The soft limit `name` (`RLIMIT_MEMLOCK`), `None` when unlimited or unknown.
    pub fn soft_limit(&self, name: &str) -> Option<u64> {
        self.limits.get(name).and_then(|l| l.soft)
    }
}

/// This process's environment, read once.
pub fn current() -> &'static Environment {
    static ENV: OnceLock<Environment> = OnceLock::new();
    ENV.get_or_init(read)
}

fn read() -> Environment {
    let uname = nix::sys::utsname::uname().ok();
    let field = |f: fn(&nix::sys::utsname::UtsName) -> &std::ffi::OsStr| {
        uname
            .as_ref()
            .map(|u| f(u).to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let limits = [
        ("RLIMIT_AS", libc::RLIMIT_AS),
        ("RLIMIT_DATA", libc::RLIMIT_DATA),
        ("RLIMIT_MEMLOCK", libc::RLIMIT_MEMLOCK),
        ("RLIMIT_NOFILE", libc::RLIMIT_NOFILE),
    ]
    .into_iter()
    .filter_map(|(name, resource)| {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into a local struct.
        let ok = unsafe { libc::getrlimit(resource, &mut lim) } == 0;
        let value = |v: libc::rlim_t| (v != libc::RLIM_INFINITY).then_some(v);
        ok.then(|| {
            (
                name.to_string(),
                LimitValue {
                    soft: value(lim.rlim_cur),
                    hard: value(lim.rlim_max),
                },
            )
        })
    })
    .collect();
    let sysctl = ["max_map_count", "overcommit_memory", "mmap_min_addr"]
        .into_iter()
        .filter_map(|name| {
            let text = std::fs::read_to_string(format!("/proc/sys/vm/{name}")).ok()?;
            Some((format!("vm.{name}"), text.trim().parse().ok()?))
        })
        .collect();
    Environment {
        kernel: field(|u| u.release()),
        arch: field(|u| u.machine()),
        libc: libc_name(),
        page_size: page_size(),
        capabilities: effective_capabilities(),
        limits,
        sysctl,
        pfn_visible: effective() & (1 << CAP_SYS_ADMIN) != 0,
        pfn_reason: None,
    }
}

/// `CAP_SYS_ADMIN`'s bit in `CapEff`: what `pagemap` asks of its opener to show frame numbers.
const CAP_SYS_ADMIN: u32 = 21;

/// Why frame numbers are hidden, in the record (`environment.pfn_reason`).
pub(crate) const PFN_HIDDEN: &str = "frame numbers read as 0 without CAP_SYS_ADMIN";

/// This process's effective capability set (`CapEff` of `/proc/self/status`).
fn effective() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .unwrap_or(0)
}

/// The effective capabilities the lab looks at, from `/proc/self/status` (no libcap needed).
fn effective_capabilities() -> Vec<Capability> {
    let eff = effective();
    Capability::ALL
        .into_iter()
        .filter(|c| eff & (1u64 << c.bit()) != 0)
        .collect()
}

/// `glibc 2.36`, or what is known of another C library.
fn libc_name() -> String {
    #[cfg(target_env = "gnu")]
    {
        // SAFETY: gnu_get_libc_version returns a pointer to a static NUL-terminated string.
        let version = unsafe { std::ffi::CStr::from_ptr(libc::gnu_get_libc_version()) };
        format!("glibc {}", version.to_string_lossy())
    }
    #[cfg(not(target_env = "gnu"))]
    {
        std::env::consts::OS.to_string()
            + " "
            + if cfg!(target_env = "musl") {
                "musl"
            } else {
                "libc"
            }
    }
}

/// The page size the kernel reports (`sysconf(_SC_PAGESIZE)`; should that ever fail, the
/// value the kernel handed the process at start, `AT_PAGESZ`). Never a guessed constant.
pub fn page_size() -> u64 {
    nix::unistd::sysconf(nix::unistd::SysconfVar::PAGE_SIZE)
        .ok()
        .flatten()
        .map(|v| v as u64)
        // SAFETY: getauxval reads the process's auxiliary vector; it has no preconditions.
        .unwrap_or_else(|| unsafe { libc::getauxval(libc::AT_PAGESZ) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_is_read_from_the_machine() {
        let env = current();
        assert!(!env.kernel.is_empty());
        assert_eq!(env.arch, std::env::consts::ARCH);
        assert!(env.libc.contains(' '), "{}", env.libc);
        assert_eq!(env.page_size, super::page_size());
        assert!(env.limits.contains_key("RLIMIT_MEMLOCK"));
        // Root and non-root alike: euid 0 does not mean every capability (containers drop
        // some), so they are read, not assumed.
        let root = nix::unistd::geteuid().is_root();
        if !root {
            assert!(env.capabilities.is_empty(), "{:?}", env.capabilities);
        }
    }
}
