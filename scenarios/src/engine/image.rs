//! The lab's own process image, read once before the first fork: the ranges of its code,
//! the C library and the other objects, the heap and the vDSO, so that a step's range can be
//! named against them (see `regions`).

use super::environment::page_size;
use super::regions::{self, Landmark};
use nix::libc;

/// The mappings of the lab's own binary (where this function is) and of the C library (where `mmap`
/// is) that the child reads: their code and their read-only data (jump tables, string
/// constants). Found once, from their program headers (their writable segments need nothing:
/// `fork` copies the page tables of the memory they were written into).
pub(super) fn code_ranges() -> &'static [(usize, usize)] {
    static RANGES: std::sync::OnceLock<Vec<(usize, usize)>> = std::sync::OnceLock::new();
    RANGES.get_or_init(|| {
        let mut found = Objects {
            wanted: [
                code_ranges as *const () as usize,
                libc::mmap as *const () as usize,
            ],
            ranges: Vec::new(),
        };
        // SAFETY: the callback only reads the program headers the C library hands it and
        // writes into `found`, which outlives the call.
        unsafe { libc::dl_iterate_phdr(Some(read_only_segments), (&raw mut found).cast()) };
        found.ranges
    })
}

/// The process's image as the lab found it the first time it ran an experiment: the program,
/// the libraries, the heap, the vDSO, named (see [`regions::image_regions`]). Read once: a
/// library loaded later is not in it; the heap's end is the break at each fork
/// ([`image_now`]).
pub(super) fn image() -> &'static [regions::ImageRegion] {
    static IMAGE: std::sync::OnceLock<Vec<regions::ImageRegion>> = std::sync::OnceLock::new();
    IMAGE.get_or_init(|| {
        let exe = std::fs::read_link("/proc/self/exe")
            .map(|p| {
                p.to_string_lossy()
                    .trim_end_matches(" (deleted)")
                    .to_string()
            })
            .unwrap_or_default();
        let maps = std::fs::read_to_string("/proc/self/maps").unwrap_or_default();
        regions::image_regions(&maps, &exe)
    })
}

/// [`image`] for the fork about to happen: `(landmark, start, length)`, the heap up to the
/// current break (what the forked child has).
pub(super) fn image_now() -> Vec<(Landmark, usize, usize)> {
    // SAFETY: sbrk(0) only returns the current break; it moves nothing.
    let brk = unsafe { libc::sbrk(0) } as u64;
    image()
        .iter()
        .map(|&(what, lo, hi, _)| {
            let hi = match what {
                Landmark::Heap if brk > lo => brk,
                _ => hi,
            };
            (what, lo as usize, hi.saturating_sub(lo) as usize)
        })
        .collect()
}

/// The file name of the image region that starts at `start` (the program's, a library's).
pub(crate) fn image_name(start: u64) -> Option<String> {
    image()
        .iter()
        .find(|r| r.1 == start)
        .and_then(|r| r.3.clone())
}

/// What [`code_ranges`] looks for among the loaded objects, and what it found.
pub(super) struct Objects {
    /// Addresses inside the objects wanted: the lab's code and the C library's.
    wanted: [usize; 2],
    /// Their read-only segments (code, constants): `(start, length)`.
    ranges: Vec<(usize, usize)>,
}

/// `dl_iterate_phdr`'s callback: the read-only loaded segments of an object that holds one of
/// the wanted addresses. Read from the program headers in memory: no file to open, no text
/// to parse, before each fork.
unsafe extern "C" fn read_only_segments(
    info: *mut libc::dl_phdr_info,
    _size: libc::size_t,
    data: *mut libc::c_void,
) -> libc::c_int {
    // SAFETY: the C library passes a valid `dl_phdr_info` and our `Objects` back.
    let (info, found) = unsafe { (&*info, &mut *data.cast::<Objects>()) };
    if info.dlpi_phdr.is_null() {
        return 0;
    }
    // SAFETY: `dlpi_phdr` points at the object's `dlpi_phnum` program headers.
    let headers = unsafe { std::slice::from_raw_parts(info.dlpi_phdr, info.dlpi_phnum.into()) };
    let base = info.dlpi_addr as usize;
    let loads = headers
        .iter()
        .filter(|h| h.p_type == libc::PT_LOAD)
        .map(|h| {
            let start = base.wrapping_add(h.p_vaddr as usize);
            (start, h.p_memsz as usize, h.p_flags)
        });
    let holds = |&(start, len, _): &(usize, usize, u32)| {
        found
            .wanted
            .iter()
            .any(|w| (start..start.saturating_add(len)).contains(w))
    };
    if loads.clone().any(|l| holds(&l)) {
        let page = page_size() as usize;
        for (start, len, flags) in loads {
            if flags & libc::PF_R != 0 && flags & libc::PF_W == 0 {
                let lo = start & !(page - 1);
                found.ranges.push((lo, start + len - lo));
            }
        }
    }
    0
}

/// Where the C library keeps each thread's restartable-sequences area (offset from the thread
/// pointer, size), when it registered one: glibc 2.35 and later export `__rseq_offset` and
/// `__rseq_size` (0: not registered). Looked up at run time, so that an older C library
/// simply has none. See `child::forget_rseq` for why the child lets it go.
pub(super) fn rseq_area() -> Option<(isize, u32)> {
    static AREA: std::sync::OnceLock<Option<(isize, u32)>> = std::sync::OnceLock::new();
    *AREA.get_or_init(|| {
        // SAFETY: dlsym on the global scope (glibc's RTLD_DEFAULT is a null handle) with
        // NUL-terminated names; when found, the symbols are glibc's constant `ptrdiff_t` and
        // `unsigned int`, read once.
        unsafe {
            let offset = libc::dlsym(std::ptr::null_mut(), c"__rseq_offset".as_ptr());
            let size = libc::dlsym(std::ptr::null_mut(), c"__rseq_size".as_ptr());
            if offset.is_null() || size.is_null() {
                return None;
            }
            let size = *(size as *const u32);
            (size > 0).then(|| (*(offset as *const isize), size))
        }
    })
}
