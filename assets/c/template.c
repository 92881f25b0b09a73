/*@EN@*/
/*
 * mmap-lab, scenario "@SCENARIO@": the same experiment as a plain C program.
 * @PARAMS@
 *
 * It makes the calls the lab makes, in the same order and with the same arguments, and prints
 * each one with what the kernel answered. The last line is the outcome:
 *     outcome: ok  |  outcome: errno NAME  |  outcome: signal NAME
 *
 * The numbers below were worked out for a page size of @PAGE@ bytes.
 *
 *     cc -Wall -Wextra -Werror -o @SCENARIO@ @SCENARIO@.c && ./@SCENARIO@
 *
 * It works in a fresh directory under $TMPDIR (default /tmp) and removes everything it made
 * there on every way out, a SIGSEGV or a SIGBUS included.
 */
/*@ZH@*/
/*
 * mmap-lab 场景 "@SCENARIO@"：把同一个实验写成一个普通的 C 程序。
 * @PARAMS@
 *
 * 它和 mmap-lab 一样，按相同的顺序、用相同的参数发起同样的调用，并把每个调用连同内核的
 * 回答一起打印出来。最后一行是实验结果（outcome）：
 *     outcome: ok  |  outcome: errno NAME  |  outcome: signal NAME
 *
 * 下面的数字都是按 @PAGE@ 字节的页大小算出来的。
 *
 *     cc -Wall -Wextra -Werror -o @SCENARIO@ @SCENARIO@.c && ./@SCENARIO@
 *
 * 它在 $TMPDIR（默认是 /tmp）下新建一个目录并在里面工作；不管以哪种方式结束，哪怕是
 * 遇到 SIGSEGV 或 SIGBUS，都会把自己在那里创建的东西全部删掉。
 */
/*@END_LANG@*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*@EN@*/
/* Whether a failing step ends the experiment (its errno is the outcome) or is only printed. */
/*@ZH@*/
/* 步骤失败时怎么办：CRITICAL 表示实验就此结束（它的 errno 就是实验结果），
 * OPTIONAL 表示只把失败打印出来。 */
/*@END_LANG@*/
enum { OPTIONAL = 0, CRITICAL = 1 };

/*@EN@*/
/* Every name this program may create in its directory. The list is static so that the signal
 * handler can walk it without allocating anything. */
/*@ZH@*/
/* 本程序可能在自己的目录里创建的所有文件名。列表是静态的，这样信号处理函数不用分配
 * 任何内存就能遍历它。 */
/*@END_LANG@*/
static const char *const created[] = {
/*@CREATED@*/
    NULL,
};

/*@EN@*/
static char workdir[4096];                 /* our directory, "" until mkdtemp made it */
static volatile sig_atomic_t in_workdir;   /* chdir'ed into it: the names above are ours */
static volatile sig_atomic_t in_child;     /* this is the process that fork() made */
static volatile sig_atomic_t line_open;    /* a step is running: `pending` holds its call */
static char pending[1024];                 /* the running step's call, printed when it ends */
static int child_errno;                    /* a critical failure the forked child reported */
static pid_t self_pid;                     /* getpid(), kept for the forked child's check */
/*@ZH@*/
static char workdir[4096];                 /* 我们的目录；mkdtemp 创建它之前是 "" */
static volatile sig_atomic_t in_workdir;   /* 已经 chdir 进去：上面那些名字都归我们管 */
static volatile sig_atomic_t in_child;     /* 这是 fork() 创建的子进程 */
static volatile sig_atomic_t line_open;    /* 有步骤正在执行：pending 里存着它的调用 */
static char pending[1024];                 /* 正在执行的步骤的调用，结束时打印 */
static int child_errno;                    /* 子进程报告的关键步骤失败（errno） */
static pid_t self_pid;                     /* getpid() 的值，留给子进程检查父进程用 */
/*@END_LANG@*/

/*@EN@*/
/* write(2) all of `s`. Async-signal-safe: the signal handler prints with it. */
/*@ZH@*/
/* 用 write(2) 把 `s` 全部写出。它是异步信号安全的：信号处理函数靠它打印。 */
/*@END_LANG@*/
static void put(const char *s)
{
    size_t len = strlen(s);
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}

/*@EN@*/
/* Remove what we created. Async-signal-safe: unlink and rmdir only. */
/*@ZH@*/
/* 删除我们创建的东西。异步信号安全：只用 unlink 和 rmdir。 */
/*@END_LANG@*/
static void cleanup(void)
{
    if (workdir[0] == '\0')
        return;
    if (in_workdir)
        for (size_t i = 0; created[i] != NULL; i++)
            unlink(created[i]);
    rmdir(workdir);
    workdir[0] = '\0';
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGPIPE: return "SIGPIPE";
    default: return "SIGALRM";
    }
}

/*@EN@*/
/* A SIGSEGV or SIGBUS (or a SIGPIPE) ends the experiment, and so does the SIGALRM of the
 * deadline: print the step it interrupted and the outcome, clean up, leave. In the forked
 * child, die of the signal instead: the parent sees it in waitpid's status, and the directory
 * is the parent's to remove. Only async-signal-safe calls here. */
/*@ZH@*/
/* SIGSEGV、SIGBUS（或 SIGPIPE）会结束实验，超时的 SIGALRM 也一样：打印被它打断的步骤
 * 和实验结果，清理，退出。在 fork 出来的子进程里则改为死于这个信号：父进程会在 waitpid
 * 的 status 里看到它，目录由父进程负责删除。这里只用异步信号安全的调用。 */
/*@END_LANG@*/
static void on_signal(int sig)
{
    if (line_open) {
        put(pending);
        put("  <- ");
        put(signal_name(sig));
        put("\n");
        line_open = 0;
    }
    if (in_child) {
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    if (sig == SIGALRM) {
        put("outcome: timeout\n");
    } else {
        put("outcome: signal ");
        put(signal_name(sig));
        put("\n");
    }
    cleanup();
    _exit(0);
}

static const char *errno_name(int e)
{
    static char number[16];
    switch (e) {
/*@ERRNO_CASES@*/
    }
    snprintf(number, sizeof number, "%d", e);
    return number;
}

/*@EN@*/
/* Print the outcome, clean up and leave. In the forked child: leave with the errno as exit
 * status, for the parent to read in waitpid. */
/*@ZH@*/
/* 打印实验结果，清理，退出。在子进程里：把 errno 当作退出码退出，让父进程在 waitpid
 * 里读到。 */
/*@END_LANG@*/
static _Noreturn void finish(int err)
{
    if (in_child)
        _exit(err);
    if (child_errno != 0)
        err = child_errno;
    if (err == 0)
        printf("outcome: ok\n");
    else
        printf("outcome: errno %s\n", errno_name(err));
    cleanup();
    exit(0);
}

/*@EN@*/
/* Setup failed: this is not an outcome of the experiment. */
/*@ZH@*/
/* 准备工作失败了：这不是实验本身的结果。 */
/*@END_LANG@*/
static _Noreturn void die(const char *what)
{
    fprintf(stderr, "mmap-lab: %s: %s\n", what, strerror(errno));
    cleanup();
    exit(1);
}

/*@IF steps@*/
/*@EN@*/
/* Note the call a step is about to make. It is printed with its result, on one line, once
 * the call returns, or by the signal handler if the call never does. */
/*@ZH@*/
/* 记下步骤将要发起的调用。调用返回后，它和结果打印在同一行；如果调用没能返回，
 * 就由信号处理函数来打印。 */
/*@END_LANG@*/
static void begin(const char *fmt, ...)
{
    va_list ap;
/*@EN@*/
    int n = snprintf(pending, sizeof pending, "%s", in_child ? "[child] " : "");
/*@ZH@*/
    int n = snprintf(pending, sizeof pending, "%s", in_child ? "[子进程] " : "");
/*@END_LANG@*/
    va_start(ap, fmt);
    vsnprintf(pending + n, sizeof pending - (size_t)n, fmt, ap);
    va_end(ap);
    line_open = 1;
}

/*@EN@*/
/* Print the pending call with its result. A failing CRITICAL step ends the experiment. */
/*@ZH@*/
/* 打印记下的调用和它的结果。CRITICAL 步骤失败会结束实验。 */
/*@END_LANG@*/
static void end(const char *result, int err, int critical)
{
    if (err != 0)
        printf("%s = %s, errno %s (%s)\n", pending, result, errno_name(err), strerror(err));
    else
        printf("%s = %s\n", pending, result);
    line_open = 0;
    if (err != 0 && critical)
        finish(err);
}
/*@END steps@*/

/*@IF done@*/
/*@EN@*/
/* For a step that cannot fail (it may only raise a signal). */
/*@ZH@*/
/* 用于不会失败的步骤（它最多只会引发一个信号）。 */
/*@END_LANG@*/
static void done(void)
{
/*@EN@*/
    printf("%s  (done)\n", pending);
/*@ZH@*/
    printf("%s  （完成）\n", pending);
/*@END_LANG@*/
    line_open = 0;
}
/*@END done@*/

/*@IF check@*/
/*@EN@*/
/* For calls that return -1 and set errno on failure. */
/*@ZH@*/
/* 用于失败时返回 -1 并设置 errno 的调用。 */
/*@END_LANG@*/
static long check(long ret, int critical)
{
    int err = ret == -1 ? errno : 0;
    char text[32];
    snprintf(text, sizeof text, "%ld", ret);
    end(text, err, critical);
    return ret;
}
/*@END check@*/

/*@IF check_map@*/
/*@EN@*/
/* For mmap, which returns MAP_FAILED on failure. */
/*@ZH@*/
/* 用于 mmap：它失败时返回 MAP_FAILED。 */
/*@END_LANG@*/
static void *check_map(void *p, int critical)
{
    int err = p == MAP_FAILED ? errno : 0;
    char text[32];
    snprintf(text, sizeof text, "%p", p);
    end(p == MAP_FAILED ? "MAP_FAILED" : text, err, critical);
    return p;
}
/*@END check_map@*/

/*@IF check_byte@*/
/*@EN@*/
/* For a byte read or written: shown as hex and, if printable, as a character. -1 with errno 0
 * is the end of the file. */
/*@ZH@*/
/* 用于读到或写入的一个字节：以十六进制显示，能打印的话再显示成字符。返回 -1 而 errno
 * 为 0，表示已经到了文件末尾。 */
/*@END_LANG@*/
static long check_byte(long ret, int critical)
{
    int err = ret == -1 ? errno : 0;
    char text[32];
    if (ret >= 0x21 && ret <= 0x7e)
        snprintf(text, sizeof text, "0x%02lx '%c'", ret, (int)ret);
    else
        snprintf(text, sizeof text, ret == -1 ? "%ld" : "0x%02lx", ret);
    end(text, err, critical);
    return ret;
}
/*@END check_byte@*/

/*@IF check_pipe@*/
static long check_pipe(long ret, const int fds[2], int critical)
{
    int err = ret == -1 ? errno : 0;
    char text[64];
    snprintf(text, sizeof text, "%ld, fds = {%d, %d}", ret, fds[0], fds[1]);
    end(ret == -1 ? "-1" : text, err, critical);
    return ret;
}
/*@END check_pipe@*/

/*@IF check_wait@*/
/*@EN@*/
/* waitpid: also say how the child ended. A child that left with a non-zero status reported a
 * critical failure of its own (see finish). */
/*@ZH@*/
/* waitpid：同时说明子进程是怎么结束的。子进程以非零状态退出，说明它自己的某个关键步骤
 * 失败了（见 finish）。 */
/*@END_LANG@*/
static long check_wait(long ret, const int *status, int critical)
{
    int err = ret == -1 ? errno : 0;
    char text[96];
    if (ret == -1)
        snprintf(text, sizeof text, "-1");
/*@EN@*/
    else if (WIFSIGNALED(*status))
        snprintf(text, sizeof text, "%ld, status 0x%x (killed by %s)", ret, (unsigned)*status,
                 strsignal(WTERMSIG(*status)));
    else
        snprintf(text, sizeof text, "%ld, status 0x%x (exited %d)", ret, (unsigned)*status,
                 WEXITSTATUS(*status));
/*@ZH@*/
    else if (WIFSIGNALED(*status))
        snprintf(text, sizeof text, "%ld，状态 0x%x（被信号杀死：%s）", ret, (unsigned)*status,
                 strsignal(WTERMSIG(*status)));
    else
        snprintf(text, sizeof text, "%ld，状态 0x%x（正常退出，退出码 %d）", ret,
                 (unsigned)*status, WEXITSTATUS(*status));
/*@END_LANG@*/
    end(text, err, critical);
    if (ret != -1 && WIFEXITED(*status) && WEXITSTATUS(*status) != 0 && child_errno == 0)
        child_errno = WEXITSTATUS(*status);
    return ret;
}
/*@END check_wait@*/

/*@IF touch@*/
/*@EN@*/
/* One byte at address p. volatile: the compiler must really read or write it, here. */
/*@ZH@*/
/* 地址 p 处的一个字节。volatile：编译器必须真的在这里读写它，不能省掉。 */
/*@END_LANG@*/
#define BYTE(p) (*(volatile unsigned char *)(p))
/*@END touch@*/

/*@IF become_child@*/
/*@EN@*/
/* First thing in the forked child: die with the parent (so no process outlives the
 * experiment), and print its lines with a "[child]" prefix. */
/*@ZH@*/
/* fork 出来的子进程要做的第一件事：让自己随父进程一起结束（这样不会有进程比实验活得
 * 更久），并给自己打印的每一行加上 "[子进程]" 前缀。 */
/*@END_LANG@*/
static void become_child(void)
{
    pid_t parent = self_pid;
    self_pid = getpid();
    in_child = 1;
    line_open = 0;
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
/*@EN@*/
    /* The parent may have ended before prctl took effect: then nothing would end us. */
/*@ZH@*/
    /* 父进程可能在 prctl 生效之前就已经结束了：那样就再也没有谁会来结束我们。 */
/*@END_LANG@*/
    if (getppid() != parent)
        _exit(0);
}
/*@END become_child@*/

/*@IF exhaust@*/
static long splits, map_count_limit;

/*@EN@*/
/* Read a small decimal number from a file such as /proc/sys/vm/max_map_count. */
/*@ZH@*/
/* 从 /proc/sys/vm/max_map_count 这样的文件里读出一个不大的十进制数。 */
/*@END_LANG@*/
static long read_number(const char *path)
{
    char buf[32] = {0};
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0 || buf[0] < '0' || buf[0] > '9')
        return -1;
    return strtol(buf, NULL, 10);
}

/*@EN@*/
/* Take a fresh PROT_NONE reservation and make every other page PROT_READ: each such
 * mprotect splits a mapping in two, until the kernel refuses at vm.max_map_count. */
/*@ZH@*/
/* 新预留一块 PROT_NONE 的空间，再把每隔一页改成 PROT_READ：每次这样的 mprotect 都会把
 * 一个映射一分为二，直到映射个数到达 vm.max_map_count，内核拒绝为止。 */
/*@END_LANG@*/
static long exhaust_map_count(long page)
{
    long limit = read_number("/proc/sys/vm/max_map_count");
    if (limit < 0)
        limit = 65530;
    map_count_limit = limit;
    splits = 0;
    if (limit > (1L << 21)) {
/*@EN@*/
        /* A limit this high would take seconds to reach: say so instead of pretending. */
/*@ZH@*/
        /* 上限这么高，要好几秒才能达到：如实报告，而不是假装做到了。 */
/*@END_LANG@*/
        errno = E2BIG;
        return -1;
    }
    long pages = limit + 64;
    char *base = mmap(NULL, (size_t)(pages * page), PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        return -1;
    for (long i = 1; i < pages; i += 2) {
        if (mprotect(base + i * page, (size_t)page, PROT_READ) != 0)
            return -1;
        splits++;
    }
    return splits;
}

static void show_splits(void)
{
/*@EN@*/
    printf("    %ld splits; vm.max_map_count = %ld\n", splits, map_count_limit);
/*@ZH@*/
    printf("    拆分了 %ld 次；vm.max_map_count = %ld\n", splits, map_count_limit);
/*@END_LANG@*/
}
/*@END exhaust@*/

/*@IF sealed_memfd@*/
/*@EN@*/
/* A memfd whose content may no longer change: mapping it shared and writable is refused. */
/*@ZH@*/
/* 一个内容再也不能改变的 memfd：以共享、可写的方式映射它会被拒绝。 */
/*@END_LANG@*/
static int sealed_memfd(off_t size)
{
    int fd = memfd_create("mmap-lab", MFD_ALLOW_SEALING);
    if (fd < 0)
        return -1;
    if (ftruncate(fd, size) != 0)
        return -1;
    if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) != 0)
        return -1;
    return fd;
}
/*@END sealed_memfd@*/

/*@IF read_file_byte@*/
/*@EN@*/
/* Open `path` afresh and read the byte at `offset`: what the file itself holds. */
/*@ZH@*/
/* 重新打开 `path`，读出 `offset` 处的字节：也就是文件本身保存的内容。 */
/*@END_LANG@*/
static long read_file_byte(const char *path, off_t offset)
{
    unsigned char c = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = pread(fd, &c, 1, offset);
    int err = errno;
    close(fd);
    if (n == 1)
        return c;
    errno = n == 0 ? 0 : err;
    return -1;
}
/*@END read_file_byte@*/

/*@IF read_one@*/
/*@EN@*/
/* Wait for the other process: read one byte from the pipe. */
/*@ZH@*/
/* 等待另一个进程：从管道里读一个字节。 */
/*@END_LANG@*/
static long read_one(int fd)
{
    char c;
    ssize_t n;
    do
        n = read(fd, &c, 1);
    while (n == -1 && errno == EINTR);
    return n;
}
/*@END read_one@*/

/*@IF read_text@*/
static char text_read[4065];

/*@EN@*/
/* Read `len` bytes of the mapping (at most 4064, as the lab does), one volatile byte at a time
 * so that the reads really happen here. */
/*@ZH@*/
/* 读出映射中的 `len` 个字节（和 mmap-lab 一样，最多 4064 个），每次通过 volatile 读一个
 * 字节，保证读取真的发生在这里。 */
/*@END_LANG@*/
static long read_text(const char *p, size_t len)
{
    if (len > sizeof text_read - 1)
        len = sizeof text_read - 1;
    for (size_t i = 0; i < len; i++)
        text_read[i] = ((const volatile char *)p)[i];
    text_read[len] = '\0';
    return (long)len;
}

/*@EN@*/
/* For read_text: its result is the text read (up to its first NUL byte), quoted and escaped
 * as the lab shows it. */
/*@ZH@*/
/* 用于 read_text：它的结果就是读到的文字（到第一个 NUL 字节为止），按 mmap-lab 显示的
 * 样子加引号并转义。 */
/*@END_LANG@*/
static long check_text(long ret, int critical)
{
    static char shown[sizeof text_read * 6 + 3];
    int err = ret == -1 ? errno : 0;
    size_t k = 0;
    shown[k++] = '"';
    for (const char *s = text_read; ret != -1 && *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            k += (size_t)sprintf(shown + k, "\\%c", c);
        else if (c == '\n' || c == '\t' || c == '\r')
            k += (size_t)sprintf(shown + k, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
        else if (c < 0x20 || c == 0x7f)
            k += (size_t)sprintf(shown + k, "\\u{%x}", c);
        else
            shown[k++] = (char)c;
    }
    shown[k++] = '"';
    shown[k] = '\0';
    end(ret == -1 ? "-1" : shown, err, critical);
    return ret;
}

/*@EN@*/
/* Print what was read, up to its first NUL byte. */
/*@ZH@*/
/* 打印读到的内容，直到第一个 NUL 字节为止。 */
/*@END_LANG@*/
static void show_text(void)
{
/*@EN@*/
    printf("%s read: \"", in_child ? "child" : "process");
/*@ZH@*/
    printf("%s读到：\"", in_child ? "子进程" : "进程");
/*@END_LANG@*/
    for (const char *s = text_read; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    printf("\"\n");
}
/*@END read_text@*/

/*@IF maps@*/
static char maps_near[8192];

static unsigned long hex(const char **s)
{
    unsigned long v = 0;
    for (;; (*s)++) {
        char c = **s;
        if (c >= '0' && c <= '9')
            v = v * 16 + (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v = v * 16 + (unsigned long)(c - 'a' + 10);
        else
            return v;
    }
}

/*@EN@*/
/* Keep one /proc/self/maps line if its range overlaps [lo, hi). */
/*@ZH@*/
/* /proc/self/maps 的一行：如果它的地址范围与 [lo, hi) 有重叠，就保留下来。 */
/*@END_LANG@*/
static void keep_line(const char *line, size_t len, unsigned long lo, unsigned long hi)
{
    const char *s = line;
    unsigned long start = hex(&s);
    if (*s != '-')
        return;
    s++;
    unsigned long stop = hex(&s);
    size_t used = strlen(maps_near);
    if (start < hi && stop > lo && used + len + 6 < sizeof maps_near)
        snprintf(maps_near + used, sizeof maps_near - used, "    %.*s\n", (int)len, line);
}

/*@EN@*/
/* Read /proc/self/maps (with open/read: after exhaust_map_count, malloc may fail) and keep
 * the lines within `before` bytes below the mapping and `after` bytes above its start.
 * Returns the number of bytes read. */
/*@ZH@*/
/* 读取 /proc/self/maps（用 open/read：在 exhaust_map_count 之后 malloc 可能会失败），
 * 保留映射下方 `before` 字节以内、映射起点上方 `after` 字节以内的那些行。
 * 返回读到的字节数。 */
/*@END_LANG@*/
static long read_maps(const char *mapping, unsigned long before, unsigned long after)
{
    static char buf[65536];
    char line[512];
    size_t line_len = 0;
    long total = 0;
    unsigned long at = (unsigned long)mapping;
    int have = mapping != NULL && mapping != MAP_FAILED;
    unsigned long lo = at > before ? at - before : 0;
    unsigned long hi = after > -1UL - at ? -1UL : at + after;
    maps_near[0] = '\0';
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            break;
        total += n;
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                if (have)
                    keep_line(line, line_len, lo, hi);
                line_len = 0;
            } else if (line_len < sizeof line - 1) {
                line[line_len++] = buf[i];
            }
        }
    }
    close(fd);
    return total;
}

static void show_maps(void)
{
    printf("%s", maps_near);
}
/*@END maps@*/

/*@IF pages@*/
/*@EN@*/
/* The pages the lab's page map draws, counted from the mapping's start, whether the mapping
 * is a file's (then mincore says whether each of its pages is in memory) and how many pages
 * it covers (past them, mincore would answer for whatever is mapped there). */
/*@ZH@*/
/* mmap-lab 的页面图画出的那些页（从映射起点数起）、映射是否来自文件（这时 mincore 会说
 * 它的每一页是否在内存里），以及映射覆盖多少页（超出这些页，mincore 回答的是那里映射着的
 * 别的东西）。 */
/*@END_LANG@*/
/*@PAGES@*/
/*@EN@*/
/* The bits of a /proc/self/pagemap entry (one 64-bit word per page): present, swapped, a file
 * page or shared memory, mapped by this process alone, soft-dirty, and in bits 0-54 the
 * physical frame, which reads as 0 without CAP_SYS_ADMIN. Then the PAGEMAP_SCAN ioctl on the
 * same file (Linux 6.7), _IOWR('f', 16, struct pm_scan_arg), and its category "the page is
 * the kernel's shared zero page". */
/*@ZH@*/
/* /proc/self/pagemap 条目（每页一个 64 位字）的各个位：在内存中、在交换区、文件页或共享
 * 内存、只被本进程映射、软脏（soft-dirty），0-54 位是物理页框号（没有 CAP_SYS_ADMIN 时
 * 读作 0）。
 * 然后是同一个文件上的 PAGEMAP_SCAN ioctl（Linux 6.7 起），即
 * _IOWR('f', 16, struct pm_scan_arg)，以及它的类别“这一页是内核共享的零页”。 */
/*@END_LANG@*/
/*@PAGE_BITS@*/
/*@EN@*/
/* PAGEMAP_SCAN's argument and the regions it fills in, as linux/fs.h declares them (written
 * out here: older headers lack them). */
/*@ZH@*/
/* PAGEMAP_SCAN 的参数和它填写的区间，与 linux/fs.h 中的声明相同（旧的头文件里没有，
 * 所以在这里自己写出来）。 */
/*@END_LANG@*/
struct pm_scan_arg {
    unsigned long long size, flags, start, end, walk_end, vec, vec_len, max_pages;
    unsigned long long category_inverted, category_mask, category_anyof_mask, return_mask;
};
struct page_region {
    unsigned long long start, end, categories;
};
/*@EN@*/
/* The words a page line says, in this program's language. */
/*@ZH@*/
/* 页面行用到的词，用本程序的语言。 */
/*@END_LANG@*/
/*@PAGE_WORDS@*/
/*@EN@*/
/* Whose pages a line shows: with one process, nobody's name. */
/*@ZH@*/
/* 一行显示的是谁的页：只有一个进程时不写名字。 */
/*@END_LANG@*/
enum { ONE_PROCESS = 0, PARENT = 1, CHILD = 2 };
static unsigned long long page_bits[sizeof pages_drawn / sizeof pages_drawn[0]];
static int zero_page[sizeof pages_drawn / sizeof pages_drawn[0]];

/*@EN@*/
/* Whether the page at `addr` is the kernel's shared zero page (what a first read of fresh
 * private anonymous memory maps): 1 or 0, as PAGEMAP_SCAN reports it on the pagemap
 * descriptor `fd` (it walks the page table: nothing is touched). -1 where the kernel refuses
 * the ioctl (before Linux 6.7) or stops short: then nothing is said about it. */
/*@ZH@*/
/* 地址 `addr` 上的页是不是内核共享的零页（首次读取新的私有匿名内存时映射的页）：由
 * pagemap 描述符 `fd` 上的 PAGEMAP_SCAN 报告，是为 1，否为 0（它只遍历页表，不访问任何
 * 一页）。内核拒绝这个 ioctl（Linux 6.7 之前）或没有走完时为 -1：这时对它什么也不说。 */
/*@END_LANG@*/
static int is_zero_page(int fd, unsigned long addr, long page)
{
    struct page_region region;
    struct pm_scan_arg arg = {
        .size = sizeof arg,
        .start = addr,
        .end = addr + (unsigned long)page,
        .vec = (unsigned long)&region,
        .vec_len = 1,
        .category_mask = PAGE_IS_PFNZERO,
        .return_mask = PAGE_IS_PFNZERO,
    };
    long found = ioctl(fd, PAGEMAP_SCAN, &arg);
    if (found < 0 || arg.walk_end < arg.end)
        return -1;
    return found > 0;
}

/*@EN@*/
/* Add `sep` and `word` to the line of `size` bytes that holds `used` so far, as far as it has
 * room; returns what it holds then. */
/*@ZH@*/
/* 在长 `size` 字节、已用 `used` 字节的这一行后面加上 `sep` 和 `word`，放得下多少加多少；
 * 返回加完后已用的字节数。 */
/*@END_LANG@*/
static int add_word(char *line, size_t size, int used, const char *sep, const char *word)
{
    if (used < 0 || (size_t)used >= size)
        return used;
    return used + snprintf(line + used, size - (size_t)used, "%s%s", sep, word);
}

/*@EN@*/
/* Print what the kernel says of each page after step `step`, as the lab records it: its
 * /proc/self/pagemap entry, whether it is the shared zero page (where the kernel can tell),
 * and for a file mapping whether mincore(2) finds the page in memory. Reading changes
 * nothing: no page is touched. */
/*@ZH@*/
/* 打印第 `step` 步之后内核对每一页的说法，和 mmap-lab 记录的一样：它在 /proc/self/pagemap
 * 里的条目，它是不是共享的零页（内核能区分时），对文件映射还有 mincore(2) 是否在内存里
 * 找到这一页。读取不改变任何东西：不访问任何一页。 */
/*@END_LANG@*/
static void show_pages(const char *base, int step, int whose)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t count = sizeof pages_drawn / sizeof pages_drawn[0];
    char line[16384];
    int used;
    if (base == NULL || base == MAP_FAILED)
        return;
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    for (size_t k = 0; k < count; k++) {
        unsigned long addr = (unsigned long)base + (unsigned long)(pages_drawn[k] * page);
        off_t at = (off_t)(addr / (unsigned long)page * sizeof page_bits[k]);
        if (pread(fd, &page_bits[k], sizeof page_bits[k], at) != (ssize_t)sizeof page_bits[k])
            page_bits[k] = 0;
        zero_page[k] = is_zero_page(fd, addr, page);
    }
    close(fd);
/*@EN@*/
    if (whose != ONE_PROCESS)
        used = snprintf(line, sizeof line, "  pages after step %d (%s): ", step,
                        whose == PARENT ? "parent" : "child");
    else
        used = snprintf(line, sizeof line, "  pages after step %d: ", step);
/*@ZH@*/
    if (whose != ONE_PROCESS)
        used = snprintf(line, sizeof line, "  第 %d 步之后的页（%s）：", step,
                        whose == PARENT ? "父进程" : "子进程");
    else
        used = snprintf(line, sizeof line, "  第 %d 步之后的页：", step);
/*@END_LANG@*/
    for (size_t k = 0; k < count && used > 0 && (size_t)used < sizeof line - 512; k++) {
        unsigned long long e = page_bits[k];
        unsigned long long pfn = e & PM_PFN_MASK;
        void *addr = (void *)((unsigned long)base + (unsigned long)(pages_drawn[k] * page));
        unsigned char in_core;
        char number[64];
        snprintf(number, sizeof number, "%s%ld ", k > 0 ? " | " : "", pages_drawn[k]);
        used = add_word(line, sizeof line, used, number,
                        e & PM_PRESENT ? word_present : word_absent);
        if (e & PM_SWAPPED)
            used = add_word(line, sizeof line, used, word_sep, word_swapped);
        if (e & PM_FILE)
            used = add_word(line, sizeof line, used, word_sep, word_file);
        if (e & PM_EXCLUSIVE)
            used = add_word(line, sizeof line, used, word_sep, word_exclusive);
        if (e & PM_SOFT_DIRTY)
            used = add_word(line, sizeof line, used, word_sep, word_soft_dirty);
        if (zero_page[k] == 1)
            used = add_word(line, sizeof line, used, word_sep, word_zero_page);
        if (e & PM_PRESENT && pfn != 0) {
            char frame[64];
            snprintf(frame, sizeof frame, "%s=0x%llx", word_pfn, pfn);
            used = add_word(line, sizeof line, used, word_sep, frame);
        }
        if (file_mapping && pages_drawn[k] >= 0 && pages_drawn[k] < mapped_pages
            && mincore(addr, (size_t)page, &in_core) == 0)
            used = add_word(line, sizeof line, used, word_sep,
                            in_core & 1 ? word_cached : word_uncached);
    }
/*@EN@*/
    /* One write(2) for the whole line: after a fork, the other process prints too. */
/*@ZH@*/
    /* 整行用一次 write(2) 写出：fork 之后，另一个进程也在打印。 */
/*@END_LANG@*/
    if (used > 0 && (size_t)used < sizeof line)
        snprintf(line + used, sizeof line - (size_t)used, "\n");
    put(line);
}
/*@END pages@*/

/*@IF timing@*/
static long copied;
static double copy_seconds;
/*@EN@*/
/* What a run cost, as the lab counts it: the system calls the copy loop makes (each helper
 * counts its own) and this process's page faults (getrusage) while it runs. */
/*@ZH@*/
/* 一次运行的开销，和 mmap-lab 的算法一样：复制循环发起的系统调用（每个辅助函数自己计数），
 * 以及它运行期间本进程的缺页次数（getrusage）。 */
/*@END_LANG@*/
static long run_calls;
static long faults_at_start[2];
static long run_faults[2];

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void faults_now(long out[2])
{
    struct rusage usage;
    memset(&usage, 0, sizeof usage);
    getrusage(RUSAGE_SELF, &usage);
    out[0] = usage.ru_minflt;
    out[1] = usage.ru_majflt;
}

/*@EN@*/
/* The timed part of a run begins and ends: its clock, its faults, its calls. */
/*@ZH@*/
/* 一次运行中计时部分的开始和结束：时钟、缺页和调用次数。 */
/*@END_LANG@*/
static double run_starts(void)
{
    run_calls = 0;
    faults_now(faults_at_start);
    return seconds();
}

static void run_ends(double start)
{
    copy_seconds = seconds() - start;
    faults_now(run_faults);
    run_faults[0] -= faults_at_start[0];
    run_faults[1] -= faults_at_start[1];
}

/*@EN@*/
/* The copy runs several times (copy_runs): each run's result and time, kept until the step's
 * line is printed. */
/*@ZH@*/
/* 复制会运行好几次（copy_runs）：记下每次运行的结果和用时，等这一步的那行打印出来之后再显示。 */
/*@END_LANG@*/
static long copy_ret;
static long run_bytes[20];
static double run_seconds[20];
static long run_cost[20][3];
static int runs_kept;

static void keep_speed(void)
{
    if (runs_kept < 20) {
        run_bytes[runs_kept] = copied;
        run_seconds[runs_kept] = copy_seconds;
        run_cost[runs_kept][0] = run_faults[0];
        run_cost[runs_kept][1] = run_faults[1];
        run_cost[runs_kept][2] = run_calls;
        runs_kept++;
    }
}

/*@EN@*/
/* Speed of each run of the last copy, in MiB per second. */
/*@ZH@*/
/* 上一次复制每次运行的速度，单位是 MiB/s。 */
/*@END_LANG@*/
static void show_speeds(void)
{
    for (int i = 0; i < runs_kept; i++)
        if (run_bytes[i] > 0 && run_seconds[i] > 0)
/*@EN@*/
            printf("    run %d: %ld bytes in %.3f ms: %.1f MiB/s; minor page faults / major / "
                   "system calls: %ld / %ld / %ld\n", i + 1, run_bytes[i],
                   run_seconds[i] * 1e3, (double)run_bytes[i] / (1 << 20) / run_seconds[i],
                   run_cost[i][0], run_cost[i][1], run_cost[i][2]);
/*@ZH@*/
            printf("    第 %d 次：%ld 字节，用时 %.3f 毫秒：%.1f MiB/s · 次要缺页 / 主要缺页 / "
                   "系统调用：%ld / %ld / %ld\n", i + 1, run_bytes[i],
                   run_seconds[i] * 1e3, (double)run_bytes[i] / (1 << 20) / run_seconds[i],
                   run_cost[i][0], run_cost[i][1], run_cost[i][2]);
/*@END_LANG@*/
    runs_kept = 0;
}
/*@END timing@*/

/*@IF map_window@*/
/*@EN@*/
/* Map `n` bytes of `fd` at `off`. MAP_POPULATE faults the pages in with one call instead of
 * one trap per page, which is what makes the mmap copy competitive. */
/*@ZH@*/
/* 把 `fd` 从 `off` 开始的 `n` 个字节映射进来。MAP_POPULATE 用一次调用就把所有页都调入
 * 内存，而不是每页触发一次缺页异常：mmap 复制正是靠这一点才能和别的方法比速度。 */
/*@END_LANG@*/
static void *map_window(int fd, off_t off, size_t n, int prot)
{
    return mmap(NULL, n, prot, MAP_SHARED | MAP_POPULATE, fd, off);
}
/*@END map_window@*/

/*@IF copy_mmap@*/
/*@EN@*/
/* Copy `size` bytes from src to dst (already `size` long) through two mappings, one window
 * at a time. */
/*@ZH@*/
/* 通过两个映射把 `size` 个字节从 src 复制到 dst（dst 已经有 `size` 字节长），每次处理
 * 一个窗口。 */
/*@END_LANG@*/
static long copy_mmap(int src, int dst, long size, long window)
{
    double start = run_starts();
    long off = 0;
    copied = 0;
    while (off < size) {
        size_t n = (size_t)(window < size - off ? window : size - off);
        char *s = map_window(src, off, n, PROT_READ);
        run_calls++;
        if (s == MAP_FAILED)
            return -1;
        char *d = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, dst, off);
        run_calls++;
        if (d == MAP_FAILED)
            return -1;
/*@EN@*/
        /* Fault the destination in writable in one call: MAP_POPULATE would map its pages
         * read-only, and memcpy would then take one write fault per page. A kernel older
         * than 5.14 refuses the advice; the copy then faults page by page. */
/*@ZH@*/
        /* 一次调用就把目标页以可写方式调入：MAP_POPULATE 只会把它们映射成只读，memcpy
         * 随后会在每一页上再触发一次写缺页。5.14 之前的内核不认这个建议，复制就逐页缺页。 */
/*@END_LANG@*/
        madvise(d, n, MADV_POPULATE_WRITE);
        madvise(s, n, MADV_SEQUENTIAL);
        memcpy(d, s, n);
        munmap(s, n);
        munmap(d, n);
        run_calls += 4;
        off += (long)n;
    }
    run_ends(start);
    copied = off;
    return off;
}
/*@END copy_mmap@*/

/*@IF copy_mmap_write@*/
/*@EN@*/
/* The mmap copy's source side, with write for the destination: its pages are never mapped,
 * so they take no page fault (the kernel fills the page cache itself). Each run starts
 * writing at offset 0. */
/*@ZH@*/
/* 和 mmap 复制一样映射源文件，但用 write 写入目标文件：目标文件的页从不被映射，也就不会
 * 缺页（由内核自己写入页缓存）。每次运行都从偏移 0 开始写。 */
/*@END_LANG@*/
static long copy_mmap_write(int src, int dst, long size, long window)
{
    if (lseek(dst, 0, SEEK_SET) < 0)
        return -1;
    double start = run_starts();
    long off = 0;
    copied = 0;
    while (off < size) {
        size_t n = (size_t)(window < size - off ? window : size - off);
        char *s = map_window(src, off, n, PROT_READ);
        run_calls++;
        if (s == MAP_FAILED)
            return -1;
        madvise(s, n, MADV_SEQUENTIAL);
        run_calls++;
        for (size_t written = 0; written < n;) {
            ssize_t w = write(dst, s + written, n - written);
            run_calls++;
            if (w <= 0) {
                munmap(s, n);
                return -1;
            }
            written += (size_t)w;
        }
        munmap(s, n);
        run_calls++;
        off += (long)n;
    }
    run_ends(start);
    copied = off;
    return off;
}
/*@END copy_mmap_write@*/

/*@IF copy_read_write@*/
/*@EN@*/
/* Copy with read/write through a buffer of `buf_len` bytes. */
/*@ZH@*/
/* 用 read/write 复制，中间经过一个 `buf_len` 字节的缓冲区。 */
/*@END_LANG@*/
static long copy_read_write(int src, int dst, long size, size_t buf_len)
{
/*@EN@*/
    /* One buffer for every run, allocated on a page boundary and written once before the
     * first, as the lab's. Where the buffer sits in its page changes what read and write cost
     * (malloc's 1 MiB buffer starts 16 bytes into its page, which made the copy about 40%
     * slower, measured), and a buffer allocated in each run would take its page faults inside
     * the timed loop. */
/*@ZH@*/
    /* 所有运行共用一个缓冲区：和实验室的一样，从页边界开始分配，并在第一次运行之前写一遍。
     * 缓冲区在页内的位置会影响 read 和 write 的开销（malloc 给的 1 MiB 缓冲区从页内第 16 个
     * 字节开始，实测复制因此慢了约 40%）；若每次运行都重新分配，缓冲区的缺页就会落在计时的
     * 循环里。 */
/*@END_LANG@*/
    static char *buf;
    if (buf == NULL && buf_len > 0) {
        void *p;
        if (posix_memalign(&p, (size_t)sysconf(_SC_PAGESIZE), buf_len) != 0)
            return -1;
        buf = p;
        memset(buf, 0, buf_len);
    }
/*@EN@*/
    /* Each run starts at offset 0: the run before left both descriptors at the end. */
/*@ZH@*/
    /* 每次运行都从偏移 0 开始：上一次运行把两个文件描述符都留在了文件末尾。 */
/*@END_LANG@*/
    if (lseek(src, 0, SEEK_SET) < 0 || lseek(dst, 0, SEEK_SET) < 0)
        return -1;
    double start = run_starts();
    long done = 0;
    copied = 0;
    while (done < size && buf_len > 0) {
        ssize_t n = read(src, buf, buf_len);
        run_calls++;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        for (ssize_t written = 0; written < n;) {
            ssize_t w = write(dst, buf + written, (size_t)(n - written));
            run_calls++;
            if (w <= 0)
                return -1;
            written += w;
        }
        done += n;
    }
    run_ends(start);
    copied = done;
    return done;
}
/*@END copy_read_write@*/

/*@IF copy_file_range@*/
/*@EN@*/
/* Copy inside the kernel, through two offsets of our own that start at 0 (the descriptors'
 * offsets are neither used nor moved), so every run copies the whole file. */
/*@ZH@*/
/* 在内核内部复制，使用我们自己的两个从 0 开始的偏移（不使用、也不移动文件描述符的
 * 偏移），所以每次运行都复制整个文件。 */
/*@END_LANG@*/
static long copy_range(int src, int dst, long size)
{
    off_t off_in = 0, off_out = 0;
    double start = run_starts();
    long done = 0;
    copied = 0;
    while (done < size) {
        ssize_t n = copy_file_range(src, &off_in, dst, &off_out, (size_t)(size - done), 0);
        run_calls++;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += n;
    }
    run_ends(start);
    copied = done;
    return done;
}
/*@END copy_file_range@*/

/*@IF compare@*/
/*@EN@*/
/* Compare two files through mappings, a window at a time. Returns 0 when identical, else the
 * offset of the first difference plus one. */
/*@ZH@*/
/* 通过映射比较两个文件，每次一个窗口。完全相同时返回 0，否则返回第一处不同的偏移
 * 加一。 */
/*@END_LANG@*/
static long compare(int a, int b, long size, long window)
{
    long off = 0;
    while (off < size) {
        size_t n = (size_t)(window < size - off ? window : size - off);
        const char *pa = map_window(a, off, n, PROT_READ);
        if (pa == MAP_FAILED)
            return -1;
        const char *pb = map_window(b, off, n, PROT_READ);
        if (pb == MAP_FAILED)
            return -1;
        long diff = -1;
        if (memcmp(pa, pb, n) != 0)
            for (size_t i = 0; i < n && diff < 0; i++)
                if (pa[i] != pb[i])
                    diff = (long)i;
        munmap((void *)pa, n);
        munmap((void *)pb, n);
        if (diff >= 0)
            return off + diff + 1;
        off += (long)n;
    }
    return 0;
}
/*@END compare@*/

/*@IF make_file@*/
/*@EN@*/
/* Create `name` with `size` bytes of the lab's pattern: printable letters, varied enough that
 * a misplaced byte shows. */
/*@ZH@*/
/* 创建文件 `name`，写入 `size` 字节 mmap-lab 的固定图案：全是可打印的字母，变化足够多，
 * 哪个字节放错了位置一眼就能看出来。 */
/*@END_LANG@*/
static void make_file(const char *name, unsigned long size)
{
    static char buf[65536];
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        die(name);
    for (unsigned long off = 0; off < size;) {
        size_t n = size - off < sizeof buf ? (size_t)(size - off) : sizeof buf;
        for (size_t i = 0; i < n; i++) {
            unsigned long at = off + i;
            buf[i] = (char)('A' + ((at ^ (at >> 12)) % 26));
        }
        if (write(fd, buf, n) != (ssize_t)n)
            die(name);
        off += n;
    }
    if (close(fd) != 0)
        die(name);
}
/*@END make_file@*/

/*@EN@*/
/* Keep the experiment's mappings away from the C library's own memory. New mappings go to
 * the highest hole that fits them, and the C library leaves a few small holes among its own
 * mappings: a small mapping would land in one, right below memory the program needs (such as
 * the dynamic linker's), and a munmap or a touch that strays past its end, which is what some
 * lessons are about, would wreck the program instead of showing the kernel's answer. So fill
 * those holes, then reserve spare room below everything: the experiment's mappings come just
 * under it. None of this is ever touched. (The lab's own process has memory of its own
 * there too.) */
/*@ZH@*/
/* 让实验的映射远离 C 库自己的内存。新映射会放进能容纳它的最高的空洞，而 C 库在自己的
 * 映射之间留下了几个小空洞：一个小映射可能正好落进其中一个，紧贴在程序需要的内存（比如
 * 动态链接器的内存）下面；这时越过映射末尾的 munmap 或访问（有几节课讲的正是这种情况）就会
 * 毁掉程序本身，而看不到内核的回答。所以先把这些空洞填上，再在所有内存的下方预留一块
 * 备用空间：实验的映射就紧挨在它下面。这些内存从来不会被访问。（mmap-lab 自己的进程
 * 在那里同样有它自己的内存。） */
/*@END_LANG@*/
static void reserve_spare_room(void)
{
    const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    unsigned long start, end, last_end = 0;
    char line[512];
    FILE *maps = fopen("/proc/self/maps", "r");
    if (maps == NULL)
        die("/proc/self/maps");
    while (fgets(line, sizeof line, maps) != NULL) {
        if (sscanf(line, "%lx-%lx", &start, &end) != 2)
            continue;
        if (last_end != 0 && start > last_end && start - last_end <= (1UL << 20))
            mmap((void *)last_end, start - last_end, PROT_NONE, flags | MAP_FIXED_NOREPLACE,
                 -1, 0);
        last_end = end;
    }
    fclose(maps);
    if (mmap(NULL, (size_t)(64 * sysconf(_SC_PAGESIZE)), PROT_NONE, flags, -1, 0) == MAP_FAILED)
        die("mmap");
}

/*@EN@*/
/* Make our directory, go into it, create the experiment's files, catch the signals. */
/*@ZH@*/
/* 创建我们的目录并进入它，创建实验用的文件，捕获信号。 */
/*@END_LANG@*/
static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || tmp[0] == '\0')
        tmp = "/tmp";
    int n = snprintf(workdir, sizeof workdir, "%s/mmap-lab-c-XXXXXX", tmp);
    if (n < 0 || (size_t)n >= sizeof workdir) {
        workdir[0] = '\0';
        errno = ENAMETOOLONG;
        die("TMPDIR");
    }
    if (mkdtemp(workdir) == NULL) {
        workdir[0] = '\0';
        die("mkdtemp");
    }
    if (chdir(workdir) != 0)
        die("chdir");
    in_workdir = 1;
    self_pid = getpid();

/*@EN@*/
    /* A child killed by a signal must not leave a core file in our directory. */
/*@ZH@*/
    /* 被信号杀死的子进程不能在我们的目录里留下 core 文件。 */
/*@END_LANG@*/
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);

/*@EN@*/
    /* Catch the signals that end an experiment, on a stack of their own, in case the
     * experiment unmapped ours. */
/*@ZH@*/
    /* 捕获会结束实验的信号，并让处理函数在一个单独的栈上运行，以防实验把我们的栈解除了
     * 映射。 */
/*@END_LANG@*/
    static char alt_stack[65536];
    stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGPIPE, SIGALRM};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigaction(sigs[i], &sa, NULL) != 0)
            die("sigaction");

    reserve_spare_room();

/*@FILES@*/
}

/*@IF repeat@*/
/*@EN@*/
/* The experiment runs `tally_runs` times, each time in a new process of its own (a directory,
 * a mapping, a fork of its own), as the lab runs it; the child of a run saw the parent's text
 * when a line of the run's output ends with `tally_marker`. */
/*@ZH@*/
/* 实验运行 `tally_runs` 次，每次都在一个新的进程里（有自己的目录、自己的映射、自己的
 * fork），和 mmap-lab 的做法一样；某次运行的输出里有一行以 `tally_marker` 结尾，就说明
 * 那一次子进程读到了父进程写的文字。 */
/*@END_LANG@*/
/*@REPEAT@*/
static char run_output[65536];
static char first_output[sizeof run_output];

static void experiment(void);

/*@EN@*/
/* Run the experiment once in a new process, its output into a pipe: kept in run_output (cut
 * at its size), the process's status in *status. */
/*@ZH@*/
/* 在一个新进程里运行一次实验，输出写进管道：保存在 run_output 里（超出大小的部分截掉），
 * 进程的结束状态放在 *status。 */
/*@END_LANG@*/
static void run_once(int *status)
{
    int fds[2];
    size_t used = 0;
    if (pipe(fds) != 0)
        die("pipe");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[1]);
        experiment();
        _exit(0);
    }
    close(fds[1]);
    for (;;) {
        char scratch[4096];
        char *into = used < sizeof run_output - 1 ? run_output + used : scratch;
        size_t room = used < sizeof run_output - 1 ? sizeof run_output - 1 - used : sizeof scratch;
        ssize_t n = read(fds[0], into, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (into != scratch)
            used += (size_t)n;
    }
    close(fds[0]);
    run_output[used] = '\0';
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
}

/*@EN@*/
/* Whether the run's child read the parent's text: a line that ends with the marker. */
/*@ZH@*/
/* 这次运行的子进程是否读到了父进程的文字：有一行以这个标记结尾。 */
/*@END_LANG@*/
static int saw_text(void)
{
    size_t m = strlen(tally_marker);
    for (const char *line = run_output; *line != '\0';) {
        const char *end = strchr(line, '\n');
        size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
        if (len >= m && memcmp(line + len - m, tally_marker, m) == 0)
            return 1;
        if (end == NULL)
            break;
        line = end + 1;
    }
    return 0;
}

/*@EN@*/
/* Run the experiment tally_runs times and count; print the first run's lines, then the tally,
 * then the first run's outcome, which stays the program's last line, as in the lab. */
/*@ZH@*/
/* 把实验运行 tally_runs 次并计数；先打印第一次运行的各行，再打印统计，最后是第一次运行的
 * 实验结果，它仍是程序的最后一行，和 mmap-lab 一样。 */
/*@END_LANG@*/
int main(void)
{
    int first_status = 0, status = 0, saw;
    setvbuf(stdout, NULL, _IONBF, 0);
    run_once(&first_status);
    memcpy(first_output, run_output, sizeof first_output);
    saw = saw_text();
    for (int i = 1; i < tally_runs; i++) {
        run_once(&status);
        saw += saw_text();
    }
    char *outcome = strstr(first_output, "outcome: ");
    while (outcome != NULL && strstr(outcome + 1, "\noutcome: ") != NULL)
        outcome = strstr(outcome + 1, "\noutcome: ") + 1;
    if (outcome != NULL)
        outcome[0] = '\0';
    put(first_output);
    printf(tally_line, saw, tally_runs);
    if (outcome != NULL) {
        outcome[0] = 'o';
        put(outcome);
    }
    return WIFEXITED(first_status) ? WEXITSTATUS(first_status) : 1;
}

static void experiment(void)
/*@END repeat@*/
/*@IF once@*/
int main(void)
/*@END once@*/
{
/*@EN@*/
    /* Unbuffered: each line is out before the next step runs, and nothing is printed twice
     * after a fork. */
/*@ZH@*/
    /* 不用缓冲：每一行都在下一步开始之前输出，fork 之后也不会有内容被打印两次。 */
/*@END_LANG@*/
    setvbuf(stdout, NULL, _IONBF, 0);
    setup();
    if (sysconf(_SC_PAGESIZE) != @PAGE@)
/*@EN@*/
        printf("note: this machine's page size is %ld, not @PAGE@: the numbers may not fit\n",
               sysconf(_SC_PAGESIZE));
/*@ZH@*/
        printf("注意：这台机器的页大小是 %ld，不是 @PAGE@：下面的数字可能对不上\n",
               sysconf(_SC_PAGESIZE));
/*@END_LANG@*/
/*@EN@*/
    /* The lab gives up on an experiment after this many seconds. */
/*@ZH@*/
    /* mmap-lab 在这么多秒之后就放弃实验。 */
/*@END_LANG@*/
    alarm(@DEADLINE@);

/*@VARS@*/
/*@STEPS@*/
    finish(0);
}
