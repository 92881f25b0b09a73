//! The one errno table: each errno the lab knows with its name, number, the C library's
//! message and a Chinese gloss written for students. The screen, the presenter's big word, the
//! C program's `errno_name()` and the explanations all read it.
//!
//! The message is the C library's own `strerror` text (what `perror` prints in the C locale),
//! asked of the C library at run time, so the lab and the student's program say the same thing.

use crate::lesson::Lang;
use nix::errno::Errno;
use nix::libc;

/// One errno the lab knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrnoInfo {
    /// The errno.
    pub errno: Errno,
    /// Its C name, `EINVAL`.
    pub name: &'static str,
    /// What it means in the lab's experiments, in Chinese.
    pub zh: &'static str,
}

const fn e(errno: Errno, name: &'static str, zh: &'static str) -> ErrnoInfo {
    ErrnoInfo { errno, name, zh }
}

/// Every errno the lab names, in the order of their numbers on Linux. Aliases with the same
/// number (`EWOULDBLOCK`, `ENOTSUP`, `EDEADLOCK`) are left out: the engine shows the first
/// name, and the C program's `switch` may not name a value twice.
pub const ERRNOS: &[ErrnoInfo] = &[
    e(Errno::EPERM, "EPERM", "操作不被允许（例如文件被封印）"),
    e(Errno::ENOENT, "ENOENT", "文件不存在"),
    e(Errno::ESRCH, "ESRCH", "没有这个进程"),
    e(Errno::EINTR, "EINTR", "调用被信号打断"),
    e(Errno::EIO, "EIO", "输入输出错误（设备或文件系统出错）"),
    e(Errno::ENXIO, "ENXIO", "没有这个设备或地址"),
    e(Errno::E2BIG, "E2BIG", "上限太大，无法在合理时间内达到"),
    e(Errno::ENOEXEC, "ENOEXEC", "不是可执行的格式"),
    e(Errno::EBADF, "EBADF", "文件描述符无效"),
    e(Errno::ECHILD, "ECHILD", "没有可等待的子进程"),
    e(
        Errno::EAGAIN,
        "EAGAIN",
        "资源暂时不可用（例如锁定内存超过了限制）",
    ),
    e(
        Errno::ENOMEM,
        "ENOMEM",
        "内存或地址空间不够（或超过了进程限制）",
    ),
    e(
        Errno::EACCES,
        "EACCES",
        "权限不够（文件的打开方式不允许这种映射）",
    ),
    e(
        Errno::EFAULT,
        "EFAULT",
        "地址无效（指针指向的内存不可访问）",
    ),
    e(Errno::EBUSY, "EBUSY", "设备或资源正忙"),
    e(Errno::EEXIST, "EEXIST", "那段地址已经有映射了"),
    e(Errno::EXDEV, "EXDEV", "不能跨文件系统操作"),
    e(Errno::ENODEV, "ENODEV", "这种文件不支持内存映射"),
    e(Errno::ENOTDIR, "ENOTDIR", "不是目录"),
    e(Errno::EISDIR, "EISDIR", "这是一个目录"),
    e(Errno::EINVAL, "EINVAL", "参数无效"),
    e(Errno::ENFILE, "ENFILE", "系统打开的文件太多"),
    e(Errno::EMFILE, "EMFILE", "本进程打开的文件太多"),
    e(Errno::ENOTTY, "ENOTTY", "这个设备不支持该操作"),
    e(Errno::ETXTBSY, "ETXTBSY", "文件正在被执行或写入"),
    e(Errno::EFBIG, "EFBIG", "文件太大"),
    e(Errno::ENOSPC, "ENOSPC", "磁盘空间不够"),
    e(Errno::ESPIPE, "ESPIPE", "这种文件不能定位（lseek）"),
    e(Errno::EROFS, "EROFS", "文件系统是只读的"),
    e(Errno::EMLINK, "EMLINK", "链接太多"),
    e(Errno::EPIPE, "EPIPE", "管道的另一端已经关闭"),
    e(Errno::ERANGE, "ERANGE", "结果超出范围"),
    e(Errno::ENAMETOOLONG, "ENAMETOOLONG", "文件名太长"),
    e(Errno::ENOSYS, "ENOSYS", "内核没有实现这个系统调用"),
    e(Errno::ELOOP, "ELOOP", "符号链接太多（可能成环）"),
    e(
        Errno::EOVERFLOW,
        "EOVERFLOW",
        "偏移量加长度超出了文件可表示的范围",
    ),
    e(Errno::EOPNOTSUPP, "EOPNOTSUPP", "不支持这个标志"),
    e(Errno::EDQUOT, "EDQUOT", "超出了磁盘配额"),
];

/// The table's row for `errno`.
pub fn info(errno: Errno) -> Option<&'static ErrnoInfo> {
    ERRNOS.iter().find(|i| i.errno == errno)
}

/// The C name, `EINVAL`, for any errno (`Errno`'s own name beyond the table).
pub fn name(errno: Errno) -> String {
    info(errno).map_or_else(|| format!("{errno:?}"), |i| i.name.to_string())
}

/// The errno called `name` (any errno nix knows, not only the table's).
pub fn from_name(name: &str) -> Option<Errno> {
    if let Some(i) = ERRNOS.iter().find(|i| i.name == name) {
        return Some(i.errno);
    }
    // Linux numbers its errnos below 134; anything nix names is found by its name.
    (1..200)
        .map(Errno::from_raw)
        .find(|e| *e != Errno::UnknownErrno && format!("{e:?}") == name)
}

/// The C library's message for `errno`, as `perror` prints it in the C locale.
pub fn message(errno: Errno) -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the XSI strerror_r (what the libc crate binds on Linux) writes a NUL-terminated
    // message of at most `buf.len()` bytes into our buffer and touches nothing else.
    let ret = unsafe { libc::strerror_r(errno as i32, buf.as_mut_ptr().cast(), buf.len()) };
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    if ret != 0 || end == 0 {
        return errno.desc().to_string();
    }
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// A one-line explanation of `errno` for a student: the C library's message in English; the
/// Chinese gloss with that message beside it in Chinese.
pub fn explain(errno: Errno, lang: Lang) -> String {
    let message = message(errno);
    match (lang, info(errno)) {
        // The C library's words quoted, as the program's output they are (what perror
        // prints), after the Chinese sentence: not a second bracket after the first.
        (Lang::Zh, Some(i)) => format!("{}；perror 打印 \"{message}\"", i.zh),
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_each_errno_once_under_its_own_name() {
        for (i, row) in ERRNOS.iter().enumerate() {
            assert_eq!(format!("{:?}", row.errno), row.name);
            assert!(
                ERRNOS[..i].iter().all(|o| o.errno != row.errno),
                "{}",
                row.name
            );
            assert!(row.zh.chars().any(crate::lesson::is_wide), "{}", row.name);
            assert_eq!(from_name(row.name), Some(row.errno));
        }
        assert_eq!(from_name("ENOTSOCK"), Some(Errno::ENOTSOCK));
        assert_eq!(from_name("EWHATEVER"), None);
    }

    #[test]
    fn messages_are_the_c_librarys() {
        // glibc and musl agree on these two; nix's own table says "Bad file number".
        assert_eq!(message(Errno::EINVAL), "Invalid argument");
        assert_eq!(message(Errno::EBADF), "Bad file descriptor");
        assert!(explain(Errno::EBADF, Lang::Zh).contains("\"Bad file descriptor\""));
        assert!(!explain(Errno::EACCES, Lang::Zh).contains("）（"));
    }
}
