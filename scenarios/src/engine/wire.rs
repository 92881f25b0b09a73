//! The flight recorder's format: fixed 32-byte headers, each followed by `len` payload bytes,
//! written by the child in one `write` of at most `PIPE_BUF` bytes.

/// Bytes in a header.
pub const HEADER_LEN: usize = 32;
/// The most payload bytes one report carries (header + payload stay within `PIPE_BUF`).
pub const MAX_PAYLOAD: usize = 4096 - HEADER_LEN;

/// What a report says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Kind {
    /// The step is about to run.
    Begin = 1,
    /// The step finished: `ret`, `aux`, `errno`.
    End = 2,
    /// Bytes the step captured (maps text, memory read back).
    Payload = 3,
    /// Nanoseconds the step took, in `ret`.
    Nanos = 4,
    /// Page faults the step caused: minor in `ret`, major in `aux`.
    Faults = 5,
    /// What one timed run of the step cost, sent after its [`Kind::Nanos`]: minor page
    /// faults in `ret`, major in `aux`, the system calls its loop made in `errno`.
    RunCost = 10,
    /// A fault signal arrived during the step: the signal in `errno`, its `si_code` in `aux`,
    /// the faulting address in `ret`.
    Fault = 6,
    /// The child could not be traced: the stage in `ret` (0 `ptrace`, 1 `seccomp`), the errno
    /// in `errno`.
    Witness = 7,
    /// One of the child's own regions, reported at its start: the landmark's id in `step`
    /// (see `regions::Landmark`), its address in `ret`, its length in `aux`.
    Landmark = 8,
    /// The step just ended replaced or removed memory the child itself runs on (its plan,
    /// its TLS …): the child stops here. The first byte hit in `ret`, the landmark in `aux`.
    Clobbered = 9,
}

impl Kind {
    fn from_u32(v: u32) -> Option<Kind> {
        Some(match v {
            1 => Kind::Begin,
            2 => Kind::End,
            3 => Kind::Payload,
            4 => Kind::Nanos,
            5 => Kind::Faults,
            6 => Kind::Fault,
            7 => Kind::Witness,
            8 => Kind::Landmark,
            9 => Kind::Clobbered,
            10 => Kind::RunCost,
            _ => return None,
        })
    }
}

/// One report's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// A [`Kind`] as its number.
    pub kind: u32,
    /// The plan step it is about.
    pub step: u32,
    /// The step's return value (or, for [`Kind::Nanos`], the time it took).
    pub ret: i64,
    /// A second value (the write end of a pipe, a wait status).
    pub aux: i64,
    /// The errno, 0 when the call succeeded.
    pub errno: i32,
    /// Bytes of payload after the header.
    pub len: u32,
}

impl Header {
    /// Write the header into the first [`HEADER_LEN`] bytes of `buf` (which must be that long;
    /// shorter buffers get a truncated header rather than a panic).
    pub fn encode(&self, buf: &mut [u8]) {
        let fields: [&[u8]; 6] = [
            &self.kind.to_ne_bytes(),
            &self.step.to_ne_bytes(),
            &self.ret.to_ne_bytes(),
            &self.aux.to_ne_bytes(),
            &self.errno.to_ne_bytes(),
            &self.len.to_ne_bytes(),
        ];
        let mut at = 0usize;
        for field in fields {
            for &b in field {
                if let Some(slot) = buf.get_mut(at) {
                    *slot = b;
                }
                at += 1;
            }
        }
    }

    /// Read a header written by [`Header::encode`].
    pub fn decode(buf: &[u8; HEADER_LEN]) -> Header {
        let u32_at = |i: usize| u32::from_ne_bytes([buf[i], buf[i + 1], buf[i + 2], buf[i + 3]]);
        let i64_at = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&buf[i..i + 8]);
            i64::from_ne_bytes(b)
        };
        Header {
            kind: u32_at(0),
            step: u32_at(4),
            ret: i64_at(8),
            aux: i64_at(16),
            errno: u32_at(24) as i32,
            len: u32_at(28),
        }
    }
}

/// One decoded report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// What it reports.
    pub kind: Kind,
    /// The header as sent.
    pub header: Header,
    /// The bytes after it (maps lines, text read).
    pub payload: Vec<u8>,
}

/// Split the bytes read from the pipe into reports. A truncated tail (a child killed in the
/// middle of a write cannot produce one, but a broken pipe could) is ignored.
pub fn decode_all(mut bytes: &[u8]) -> Vec<Report> {
    let mut out = Vec::new();
    while bytes.len() >= HEADER_LEN {
        let mut head = [0u8; HEADER_LEN];
        head.copy_from_slice(&bytes[..HEADER_LEN]);
        let header = Header::decode(&head);
        let len = header.len as usize;
        let Some(payload) = bytes.get(HEADER_LEN..HEADER_LEN + len) else {
            break;
        };
        if let Some(kind) = Kind::from_u32(header.kind) {
            out.push(Report {
                kind,
                header,
                payload: payload.to_vec(),
            });
        }
        bytes = &bytes[HEADER_LEN + len..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip() {
        let h = Header {
            kind: Kind::End as u32,
            step: 7,
            ret: -1,
            aux: 0x7f00_0000_1000,
            errno: 22,
            len: 3,
        };
        let mut buf = vec![0u8; HEADER_LEN];
        h.encode(&mut buf);
        buf.extend_from_slice(b"abc");
        buf.extend_from_slice(&[1, 2]); // a truncated tail is ignored
        let reports = decode_all(&buf);
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].header, h);
        assert_eq!(reports[0].payload, b"abc");
    }
}
