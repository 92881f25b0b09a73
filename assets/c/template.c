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
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Whether a failing step ends the experiment (its errno is the outcome) or is only printed. */
enum { OPTIONAL = 0, CRITICAL = 1 };

/* Every name this program may create in its directory. The list is static so that the signal
 * handler can walk it without allocating anything. */
static const char *const created[] = {
/*@CREATED@*/
    NULL,
};

static char workdir[4096];                 /* our directory, "" until mkdtemp made it */
static volatile sig_atomic_t in_workdir;   /* chdir'ed into it: the names above are ours */
static volatile sig_atomic_t in_child;     /* this is the process that fork() made */
static volatile sig_atomic_t line_open;    /* a step is running: `pending` holds its call */
static char pending[1024];                 /* the running step's call, printed when it ends */
static int child_errno;                    /* a critical failure the forked child reported */
static pid_t self_pid;                     /* getpid(), kept for the forked child's check */

/* write(2) all of `s`. Async-signal-safe: the signal handler prints with it. */
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

/* Remove what we created. Async-signal-safe: unlink and rmdir only. */
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

/* A SIGSEGV or SIGBUS (or a SIGPIPE) ends the experiment, and so does the SIGALRM of the
 * deadline: print the step it interrupted and the outcome, clean up, leave. In the forked
 * child, die of the signal instead: the parent sees it in waitpid's status, and the directory
 * is the parent's to remove. Only async-signal-safe calls here. */
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

/* Print the outcome, clean up and leave. In the forked child: leave with the errno as exit
 * status, for the parent to read in waitpid. */
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

/* Setup failed: this is not an outcome of the experiment. */
static _Noreturn void die(const char *what)
{
    fprintf(stderr, "mmap-lab: %s: %s\n", what, strerror(errno));
    cleanup();
    exit(1);
}

/*@IF steps@*/
/* Note the call a step is about to make. It is printed with its result, on one line, once
 * the call returns, or by the signal handler if the call never does. */
static void begin(const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(pending, sizeof pending, "%s", in_child ? "[child] " : "");
    va_start(ap, fmt);
    vsnprintf(pending + n, sizeof pending - (size_t)n, fmt, ap);
    va_end(ap);
    line_open = 1;
}

/* Print the pending call with its result. A failing CRITICAL step ends the experiment. */
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
/* For a step that cannot fail (it may only raise a signal). */
static void done(void)
{
    printf("%s  (done)\n", pending);
    line_open = 0;
}
/*@END done@*/

/*@IF check@*/
/* For calls that return -1 and set errno on failure. */
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
/* For mmap, which returns MAP_FAILED on failure. */
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
/* For a byte read or written: shown as hex and, if printable, as a character. -1 with errno 0
 * is the end of the file. */
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
/* waitpid: also say how the child ended. A child that left with a non-zero status reported a
 * critical failure of its own (see finish). */
static long check_wait(long ret, const int *status, int critical)
{
    int err = ret == -1 ? errno : 0;
    char text[96];
    if (ret == -1)
        snprintf(text, sizeof text, "-1");
    else if (WIFSIGNALED(*status))
        snprintf(text, sizeof text, "%ld, status 0x%x (killed by %s)", ret, (unsigned)*status,
                 strsignal(WTERMSIG(*status)));
    else
        snprintf(text, sizeof text, "%ld, status 0x%x (exited %d)", ret, (unsigned)*status,
                 WEXITSTATUS(*status));
    end(text, err, critical);
    if (ret != -1 && WIFEXITED(*status) && WEXITSTATUS(*status) != 0 && child_errno == 0)
        child_errno = WEXITSTATUS(*status);
    return ret;
}
/*@END check_wait@*/

/*@IF touch@*/
/* One byte at address p. volatile: the compiler must really read or write it, here. */
#define BYTE(p) (*(volatile unsigned char *)(p))
/*@END touch@*/

/*@IF become_child@*/
/* First thing in the forked child: die with the parent (so no process outlives the
 * experiment), and print its lines with a "[child]" prefix. */
static void become_child(void)
{
    pid_t parent = self_pid;
    self_pid = getpid();
    in_child = 1;
    line_open = 0;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* The parent may have ended before prctl took effect: then nothing would end us. */
    if (getppid() != parent)
        _exit(0);
}
/*@END become_child@*/

/*@IF exhaust@*/
static long splits, map_count_limit;

/* Read a small decimal number from a file such as /proc/sys/vm/max_map_count. */
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

/* Take a fresh PROT_NONE reservation and make every other page PROT_READ: each such
 * mprotect splits a mapping in two, until the kernel refuses at vm.max_map_count. */
static long exhaust_map_count(long page)
{
    long limit = read_number("/proc/sys/vm/max_map_count");
    if (limit < 0)
        limit = 65530;
    map_count_limit = limit;
    splits = 0;
    if (limit > (1L << 21)) {
        /* A limit this high would take seconds to reach: say so instead of pretending. */
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
    printf("    %ld splits; vm.max_map_count = %ld\n", splits, map_count_limit);
}
/*@END exhaust@*/

/*@IF sealed_memfd@*/
/* A memfd whose content may no longer change: mapping it shared and writable is refused. */
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
/* Open `path` afresh and read the byte at `offset`: what the file itself holds. */
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
/* Wait for the other process: read one byte from the pipe. */
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

/* Read `len` bytes of the mapping (at most 4064, as the lab does), one volatile byte at a time
 * so that the reads really happen here. */
static long read_text(const char *p, size_t len)
{
    if (len > sizeof text_read - 1)
        len = sizeof text_read - 1;
    for (size_t i = 0; i < len; i++)
        text_read[i] = ((const volatile char *)p)[i];
    text_read[len] = '\0';
    return (long)len;
}

/* Print what was read, up to its first NUL byte. */
static void show_text(void)
{
    printf("%s read: \"", in_child ? "child" : "process");
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

/* Keep one /proc/self/maps line if its range overlaps [lo, hi). */
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

/* Read /proc/self/maps (with open/read: after exhaust_map_count, malloc may fail) and keep
 * the lines within `before` bytes below the mapping and `after` bytes above its start.
 * Returns the number of bytes read. */
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

/*@IF timing@*/
static long copied;
static double copy_seconds;

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Speed of the last copy, in MiB per second. */
static void show_speed(void)
{
    if (copied > 0 && copy_seconds > 0)
        printf("    %ld bytes in %.3f ms: %.1f MiB/s\n", copied, copy_seconds * 1e3,
               (double)copied / (1 << 20) / copy_seconds);
}
/*@END timing@*/

/*@IF map_window@*/
/* Map `n` bytes of `fd` at `off`. MAP_POPULATE faults the pages in with one call instead of
 * one trap per page, which is what makes the mmap copy competitive. */
static void *map_window(int fd, off_t off, size_t n, int prot)
{
    return mmap(NULL, n, prot, MAP_SHARED | MAP_POPULATE, fd, off);
}
/*@END map_window@*/

/*@IF copy_mmap@*/
/* Copy `size` bytes from src to dst (already `size` long) through two mappings, one window
 * at a time. */
static long copy_mmap(int src, int dst, long size, long window)
{
    double start = seconds();
    long off = 0;
    copied = 0;
    while (off < size) {
        size_t n = (size_t)(window < size - off ? window : size - off);
        char *s = map_window(src, off, n, PROT_READ);
        if (s == MAP_FAILED)
            return -1;
        char *d = map_window(dst, off, n, PROT_READ | PROT_WRITE);
        if (d == MAP_FAILED)
            return -1;
        madvise(s, n, MADV_SEQUENTIAL);
        memcpy(d, s, n);
        munmap(s, n);
        munmap(d, n);
        off += (long)n;
    }
    copy_seconds = seconds() - start;
    copied = off;
    return off;
}
/*@END copy_mmap@*/

/*@IF copy_read_write@*/
/* Copy with read/write through a buffer of `buf_len` bytes. */
static long copy_read_write(int src, int dst, long size, size_t buf_len)
{
    char *buf = malloc(buf_len);
    if (buf == NULL && buf_len > 0)
        return -1;
    double start = seconds();
    long done = 0;
    copied = 0;
    while (done < size && buf_len > 0) {
        ssize_t n = read(src, buf, buf_len);
        if (n < 0) {
            free(buf);
            return -1;
        }
        if (n == 0)
            break;
        for (ssize_t written = 0; written < n;) {
            ssize_t w = write(dst, buf + written, (size_t)(n - written));
            if (w <= 0) {
                free(buf);
                return -1;
            }
            written += w;
        }
        done += n;
    }
    copy_seconds = seconds() - start;
    copied = done;
    free(buf);
    return done;
}
/*@END copy_read_write@*/

/*@IF copy_file_range@*/
/* Copy inside the kernel, using both descriptors' offsets. */
static long copy_range(int src, int dst, long size)
{
    double start = seconds();
    long done = 0;
    copied = 0;
    while (done < size) {
        ssize_t n = copy_file_range(src, NULL, dst, NULL, (size_t)(size - done), 0);
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        done += n;
    }
    copy_seconds = seconds() - start;
    copied = done;
    return done;
}
/*@END copy_file_range@*/

/*@IF compare@*/
/* Compare two files through mappings, a window at a time. Returns 0 when identical, else the
 * offset of the first difference plus one. */
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
/* Create `name` with `size` bytes of the lab's pattern: printable letters, varied enough that
 * a misplaced byte shows. */
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

/* Keep the experiment's mappings away from the C library's own memory. New mappings go to
 * the highest hole that fits them, and the C library leaves a few small holes among its own
 * mappings: a small mapping would land in one, right below memory the program needs (such as
 * the dynamic linker's), and a munmap or a touch that strays past its end, which is what some
 * lessons are about, would wreck the program instead of showing the kernel's answer. So fill
 * those holes, then reserve spare room below everything: the experiment's mappings come just
 * under it. None of this is ever touched. (The lab's own process has memory of its own
 * there too.) */
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

/* Make our directory, go into it, create the experiment's files, catch the signals. */
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

    /* A child killed by a signal must not leave a core file in our directory. */
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);

    /* Catch the signals that end an experiment, on a stack of their own, in case the
     * experiment unmapped ours. */
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

int main(void)
{
    /* Unbuffered: each line is out before the next step runs, and nothing is printed twice
     * after a fork. */
    setvbuf(stdout, NULL, _IONBF, 0);
    setup();
    if (sysconf(_SC_PAGESIZE) != @PAGE@)
        printf("note: this machine's page size is %ld, not @PAGE@: the numbers may not fit\n",
               sysconf(_SC_PAGESIZE));
    /* The lab gives up on an experiment after this many seconds. */
    alarm(@DEADLINE@);

/*@VARS@*/
/*@STEPS@*/
    finish(0);
}
