//! How the lab's own calls in the experiment's child are told apart from the experiment's: the
//! descriptors and flags they use and the mark of a step boundary. The child makes these calls
//! (`child`, the maps capture in `ops::map`) and the witness's filter lets them by (`witness`):
//! a leaf both read, so that neither knows the other.

use nix::libc;

/// The descriptor the child's flight recorder moves to, out of the way of the experiment's
/// own (see `child.rs`): the filter lets its writes by, they are the lab's.
pub(crate) const REPORT_FD: i32 = 1000;

/// The descriptor the maps captures read `/proc/self/maps` at (see `ops::map`): the filter
/// lets its reads and its close by.
pub(crate) const MAPS_FD: i32 = 1001;

/// The flags the maps captures open `/proc/self/maps` with: `O_NOCTTY` means nothing for a
/// file that is not a terminal, and no step opens with it, so the filter can tell the lab's
/// `openat` from the experiment's.
pub(crate) const LAB_OPEN_FLAGS: i32 = libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NOCTTY;

/// The value of `sched_yield`'s first argument that marks the child's stop at a step boundary
/// (see `child::boundary`): `sched_yield` takes no argument, and nothing else the child runs
/// calls it, so the filter can stop for this one alone.
pub(crate) const BOUNDARY_MARK: u32 = 0x6d6d_6c62;
