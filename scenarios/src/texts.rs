//! The sentences the library writes for a reader, each in English and Chinese: the comments
//! and headers of the C program (`mmap-lab c`), what each step does and why the engine added
//! it. One table, so that no text exists in one language only and none is written inline in
//! the code that uses it. The program's own strings table (`src/strings/`) may read it too.
//!
//! A text may hold numbered holes, `{0}`, `{1}`, filled by [`Text::fill`].

use crate::Lang;

/// Defines [`Text`], its English and Chinese sides and the list of all texts, in one place.
macro_rules! texts {
    ($($(#[$doc:meta])* $name:ident => ($en:expr, $zh:expr),)*) => {
        /// A sentence the library writes for a reader.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Text {
            $($(#[$doc])* $name,)*
        }

        impl Text {
            /// Every text, in the order of the table.
            pub const ALL: &'static [Text] = &[$(Text::$name,)*];

            /// The English and the Chinese side.
            pub fn pair(self) -> (&'static str, &'static str) {
                match self {
                    $(Text::$name => ($en, $zh),)*
                }
            }
        }
    };
}

texts! {
    // The C program's frame.
    /// The header comment's line when no parameter is set.
    CParamsDefault => ("Parameters: the scenario's defaults.", "参数：使用场景的默认值。"),
    /// The header comment's line with the parameters set: `{0}`.
    CParamsSet => ("Parameters: {0}", "参数：{0}"),
    /// Above the calls that create the experiment's files.
    CFiles => (
        "The experiment's files, filled with the lab's pattern.",
        "实验用到的文件，填满 mmap-lab 的固定图案。"
    ),
    /// Above the variables' declarations.
    CVars => (
        "What the steps return, named after the step that returns it.",
        "各步骤的返回值，变量名里的数字就是返回它的那一步的编号。"
    ),
    /// A step's comment: step `{0}` does `{1}`.
    CStep => ("Step {0}: {1}", "步骤 {0}：{1}"),
    /// A step's comment, for a step the forked child runs.
    CStepChild => ("Step {0} (child): {1}", "步骤 {0}（子进程）：{1}"),
    /// Appended to the comment of an optional step.
    COptional => (
        " Optional: a failure is printed, not the outcome.",
        "这一步是可选的：失败只会打印出来，不算作实验结果。"
    ),
    /// Inside the block the forked child runs, in the minimal program.
    CMinimalForkBlock => ("Only the child runs this block.", "只有子进程执行这个代码块。"),
    /// Inside the block the forked child runs.
    CForkBlock => (
        "Only the child runs this block; the parent goes on after it.",
        "只有子进程执行这个代码块；父进程跳过它，接着往下执行。"
    ),
    // The words of the full C program's page lines (`pages after step 4: 0 present,file`):
    // one for each state of a page the lab records, in the page map's terms.
    /// The page is mapped (pagemap bit 63).
    CPagePresent => ("present", "在内存"),
    /// The page is not mapped.
    CPageAbsent => ("absent", "不在内存"),
    /// The page is in swap (bit 62).
    CPageSwapped => ("swapped", "已换出"),
    /// A file page, or shared memory (bit 61).
    CPageFile => ("file", "文件的页"),
    /// Mapped by this process alone (bit 56).
    CPageExclusive => ("exclusive", "只属于本进程"),
    /// Soft-dirty (bit 55).
    CPageSoftDirty => ("soft-dirty", "软脏"),
    /// The kernel's shared zero page (`PAGEMAP_SCAN`'s `PAGE_IS_PFNZERO`).
    CPageZero => ("zero-page", "零页"),
    /// The physical frame number, printed after it (`pfn=0x1a2b`).
    CPagePfn => ("pfn", "页框号"),
    /// A file page `mincore` finds in the page cache.
    CPageCached => ("cached", "在页缓存中"),
    /// A file page `mincore` does not find in the page cache.
    CPageUncached => ("uncached", "不在页缓存中"),

    // The minimal C program's frame (`mmap-lab c ID --minimal`).
    /// Its header comment: the command line `{0}` that prints it, the page size `{1}`, the
    /// program's name `{2}`.
    CMinimalHead => (
        "{0}: the calls only, for {1}-byte pages. Ends with the lab's outcome line, or dies of \
         its signal. cc -Wall -Wextra -Werror {2}.c",
        "{0}：只做实验的调用，按 {1} 字节的页计算。最后一行即 mmap-lab 的结果行，\
         或被同一个信号杀死。cc -Wall -Wextra -Werror {2}.c"
    ),
    /// Above the temporary directory's creation.
    CMinimalDir => (
        "Our own fresh directory, under $TMPDIR.",
        "本程序自己的新目录，建在 $TMPDIR 下。"
    ),
    /// Above the creation of file `{0}` of `{1}` bytes.
    CMinimalFile => (
        "The experiment's file: {0} bytes of the lab's pattern.",
        "实验用的文件：{0} 字节，mmap-lab 的固定图案。"
    ),
    /// Above the descriptor opened to read file `{0}` back later.
    CMinimalReopen => ("To read the file itself later.", "留着稍后直接读取文件本身。"),
    /// Above the spare pages mapped before the experiment.
    CMinimalRoom => (
        "Spare pages of our own first, so that a call reaching past the mapping meets them, not \
         the C library's memory.",
        "先映射一些自己的备用页：越过映射末尾的调用碰到的是它们，而不是 C 库的内存。"
    ),
    /// Above the removal of the names.
    CMinimalClean => (
        "Remove the names now: descriptors and mappings keep the files; a signal leaves nothing.",
        "现在就删掉文件名：描述符和映射会让文件继续存在，被信号杀死也不留下任何东西。"
    ),
    /// The mmap copy, as the course notes' question 8 puts it: map the source.
    CCopyMapSource => (
        "1. Map the source file (one window at a time).",
        "1. 对原始的文件进行内存映射（每次映射一个窗口）。"
    ),
    /// The mmap copy: map the new file (created and extended by the steps before).
    CCopyMapCopy => (
        "3. Map the new file's data into memory (step 2, creating and extending it, came \
         before the loop).",
        "3. 把新文件的数据映射到内存中（第 2 步“创建并拓展新文件”在循环之前）。"
    ),
    /// The mmap copy: the copy itself.
    CCopyMemcpy => (
        "4. Copy the first file's memory into the new file's memory.",
        "4. 通过内存拷贝将第一个文件的内存数据拷贝到新的文件内存中。"
    ),
    /// The mmap copy: unmap.
    CCopyRelease => ("5. Release the resources.", "5. 释放资源。"),

    // Why the witness was off for a run (`WitnessOff`). The English side is also the
    // `witness` string of the JSON record (`off: <this>`): keep it stable.
    /// `MMAP_LAB_WITNESS=off` in the environment.
    WitnessOffDisabled => (
        "MMAP_LAB_WITNESS=off",
        "环境变量 MMAP_LAB_WITNESS=off 关掉了它"
    ),
    /// The plan races two processes.
    WitnessOffRace => (
        "two processes race here, and the tracer's stops would decide the race",
        "这里两个进程在竞争（race），追踪器的每一次暂停都会决定谁先谁后"
    ),
    /// `ptrace(PTRACE_TRACEME)` refused with `EPERM`.
    WitnessOffPtracePerm => (
        "ptrace(PTRACE_TRACEME) failed with EPERM: the lab is already traced (a debugger, \
         strace) or ptrace is not allowed",
        "ptrace(PTRACE_TRACEME) 失败（EPERM）：mmap-lab 已经在被别的程序追踪（调试器、\
         strace），或者这台机器不允许 ptrace"
    ),
    /// `ptrace(PTRACE_TRACEME)` refused with the errno `{0}`.
    WitnessOffPtrace => (
        "ptrace(PTRACE_TRACEME) failed with {0}",
        "ptrace(PTRACE_TRACEME) 失败（{0}）"
    ),
    /// The seccomp filter refused with the errno `{0}`.
    WitnessOffSeccomp => (
        "seccomp(SECCOMP_SET_MODE_FILTER) failed with {0}: system call filters are not \
         allowed here",
        "seccomp(SECCOMP_SET_MODE_FILTER) 失败（{0}）：这里不允许使用系统调用过滤器"
    ),
    /// The open-files limit `{0}` is below the recorder's descriptor `{1}`.
    WitnessOffDescriptors => (
        "too many open files: the limit ({0}, `ulimit -n`) is below descriptor {1}, where the \
         witness keeps its flight recorder; raise it to 1024 or more",
        "打开的文件太多：上限（{0}，见 `ulimit -n`）低于描述符 {1}，而追踪器的记录管道就放在\
         那个编号上；请把上限调到 1024 或更高"
    ),
    /// Traced, but the child never stopped for the tracer.
    WitnessOffNoStop => (
        "the child did not stop for the tracer",
        "子进程没有停下来等追踪器"
    ),

    // Why the engine added a step (`Purpose`).
    /// [`Purpose::GuardReserve`](crate::engine::Purpose::GuardReserve).
    PurposeGuardReserve => (
        "reserve room for the mapping plus one guard page above it, so that a touch past its \
         end meets nothing instead of a neighbour.",
        "预留出映射所需的空间，再在它上方多留一个保护页：这样越过映射末尾的访问碰到的是\
         一片空白，而不是相邻的内存。"
    ),
    /// [`Purpose::GuardRelease`](crate::engine::Purpose::GuardRelease).
    PurposeGuardRelease => (
        "give back all of the reservation but the guard page; the mapping is then asked for at its address, just below the guard.",
        "把预留的空间还回去，只留下保护页；随后就在这个地址上请求映射，正好在保护页下方。"
    ),
    /// [`Purpose::CheckFile`](crate::engine::Purpose::CheckFile).
    PurposeCheckFile => (
        "read the file back: did the write reach it?",
        "把文件重新读一遍：刚才的写入到达文件了吗？"
    ),
    /// [`Purpose::Existing`](crate::engine::Purpose::Existing).
    PurposeExisting => (
        "a mapping made only so that addr=existing has something to hit.",
        "这个映射只是为了让 addr=existing 有一个可以撞上的目标。"
    ),
    /// [`Purpose::ExhaustMapCount`](crate::engine::Purpose::ExhaustMapCount).
    PurposeExhaustMapCount => (
        "fill the process up to vm.max_map_count.",
        "让进程的映射个数涨到 vm.max_map_count 的上限。"
    ),
    /// [`Purpose::Copy`](crate::engine::Purpose::Copy).
    PurposeCopy => ("part of the copy benchmark (timed).", "复制速度测试的一部分（会计时）。"),
    /// [`Purpose::Hole`](crate::engine::Purpose::Hole).
    PurposeHole => (
        "unmap the page right after the mapping: now nothing at all is mapped there.",
        "解除紧跟在映射后面的那一页：现在那里什么都没有映射。"
    ),
    /// [`Purpose::NeighbourReserve`](crate::engine::Purpose::NeighbourReserve).
    PurposeNeighbourReserve => (
        "reserve room for the mapping and one page right after it, so that both can be \
         placed side by side with MAP_FIXED.",
        "预留出映射和紧跟其后一页的空间，好用 MAP_FIXED 把两者紧挨着放进去。"
    ),
    /// [`Purpose::Marker`](crate::engine::Purpose::Marker).
    PurposeMarker => (
        "write a byte to follow: if the mapping moves, the byte is found at its new address.",
        "写入一个字节作为记号：如果映射搬了家，在新地址上还能找到它。"
    ),
    /// [`Purpose::Neighbour`](crate::engine::Purpose::Neighbour).
    PurposeNeighbour => (
        "take the page right after the mapping (MAP_FIXED inside the reservation): the \
         mapping now has no room to grow in place.",
        "占用紧跟在映射后面的那一页（在预留空间里用 MAP_FIXED）：映射再也没有原地变大的余地。"
    ),

    // What a step does, by family.
    /// `setrlimit` of `{0}`.
    OpSetRlimit => ("lower {0} before mmap.", "在 mmap 之前调低 {0}。"),
    /// `open` with `O_CREAT` of `{0}`.
    OpCreate => (
        "create \"{0}\" (O_CREAT: a new file is empty).",
        "创建文件 \"{0}\"（O_CREAT：新建的文件是空的，大小为 0）。"
    ),
    /// `open` of `{0}`.
    OpOpen => ("open \"{0}\".", "打开文件 \"{0}\"。"),
    /// `pipe`.
    OpPipe => ("make a pipe.", "创建一个管道。"),
    /// The sealed memfd.
    OpSealedMemfd => (
        "a memfd sealed against writing (F_SEAL_WRITE).",
        "一个用 F_SEAL_WRITE 封住、不许再写入的 memfd。"
    ),
    /// `ftruncate` to `{0}` bytes.
    OpFtruncate => ("set the file's size to {0} bytes.", "把文件大小设为 {0} 字节。"),
    /// `lseek` + `write` to `{0}` bytes.
    OpLseekWrite => (
        "grow the file to {0} bytes by writing its last byte.",
        "写入文件的最后一个字节，把文件扩大到 {0} 字节。"
    ),
    /// The `mmap` the experiment is about.
    OpMmapTheMapping => ("the mapping this experiment is about.", "建立本实验要研究的那个映射。"),
    /// Any other `mmap`.
    OpMmap => ("map.", "建立映射。"),
    /// `munmap`.
    OpMunmap => ("unmap.", "解除映射。"),
    /// `mprotect`.
    OpMprotect => ("change the mapping's protection.", "修改映射的保护属性。"),
    /// `write(2)` of `{0}` to the mapped file.
    OpWriteFile => (
        "write \"{0}\" into the file with write(2), not through the mapping.",
        "用 write(2) 把 \"{0}\" 写进文件（不经过映射）。"
    ),
    /// `msync`.
    OpMsync => (
        "write the mapping's dirty pages back to the file.",
        "把映射里被改过的页写回文件。"
    ),
    /// `madvise`.
    OpMadvise => (
        "tell the kernel how the mapping will be used.",
        "告诉内核这段映射接下来会怎样被使用。"
    ),
    /// `mremap`.
    OpMremap => ("resize the mapping (maybe moving it).", "改变映射的大小（可能会搬到别处）。"),
    /// `close`.
    OpClose => ("close the descriptor.", "关闭文件描述符。"),
    /// A one-byte store.
    OpStore => ("write one byte through the mapping.", "通过映射写入一个字节。"),
    /// A one-byte load.
    OpLoad => ("read one byte of the mapping.", "读取映射中的一个字节。"),
    /// The file read back.
    OpReadFileByte => ("read one byte of the file itself.", "直接从文件本身读取一个字节。"),
    /// The `/proc/self/maps` capture.
    OpMaps => (
        "the lines of /proc/self/maps around the mapping.",
        "显示 /proc/self/maps 中映射附近的几行。"
    ),
    /// `fork`.
    OpFork => ("fork: the child inherits the mapping.", "fork：子进程会继承这个映射。"),
    /// The text written.
    OpWriteText => ("write a message into the mapping.", "往映射里写入一条消息。"),
    /// The pipe read.
    OpPipeRead => ("wait for the other process.", "等待另一个进程。"),
    /// The pipe write.
    OpPipeWrite => ("wake the other process.", "唤醒另一个进程。"),
    /// The text read back.
    OpReadText => ("read the message from the mapping.", "从映射中读出这条消息。"),
    /// `_exit`.
    OpExit => ("this process ends here.", "这个进程到此结束。"),
    /// The child's `usleep`, waiting by the clock.
    OpSleep => ("sleep, hoping the other process went first.", "睡一会儿，指望另一个进程已经先做完。"),
    /// `waitpid`.
    OpWaitpid => ("wait for the child.", "等待子进程结束。"),
    /// The tally of a repeated run: {0} is how the child waited (one of the three below),
    /// {1} the text, {2} the runs that read it, {3} all runs.
    TallyLine => ("{0} the child read `{1}` in {2} of {3} runs",
        "{0}，子进程在 {3} 次运行中有 {2} 次读到了 `{1}`"),
    /// The tally's synchronisation: the pipe.
    TallyPipe => ("with the pipe,", "用管道同步时"),
    /// The tally's synchronisation: a sleep of {0} microseconds.
    TallySleep => ("with a sleep of {0} microseconds,", "先睡 {0} 微秒再读时"),
    /// The tally's synchronisation: none.
    TallyNone => ("without synchronisation", "不加同步时"),
    /// The copy through mappings.
    OpCopyMmap => ("copy through two mappings.", "通过两个映射复制文件。"),
    /// The copy that maps only the source and writes into the destination.
    OpCopyMmapWrite => ("copy from a mapping of the source with write.", "映射源文件，再用 write 写入目标文件。"),
    /// The copy with read and write.
    OpCopyReadWrite => ("copy with read and write.", "用 read 和 write 复制文件。"),
    /// The copy with copy_file_range.
    OpCopyFileRange => ("copy with copy_file_range.", "用 copy_file_range 复制文件。"),
    // The evidence line: what answers a scenario's question, read off the record
    // (`crate::evidence`).
    /// A call failed: `{0}` the function, `{1}` the `key = value` pairs its rules point at,
    /// `{2}` the errno.
    EvidenceRefused => ("{0} failed with {2}: {1}", "{0} 失败，返回 {2}：{1}"),
    /// A call failed, no argument to point at: `{0}` the call as it ran, `{1}` the errno.
    EvidenceFailed => ("{0} returned -1, errno {1}", "{0} 返回 -1，errno 是 {1}"),
    /// A fault signal: `{0}` its name, `{1}` the address, `{2}` `ptr+N`, `{3}` the page.
    EvidenceSignalAt => ("{0} at {1}, that is {2}, in page {3} of the mapping",
        "{0} 发生在 {1}，也就是 {2}，位于映射的第 {3} 页"),
    /// A fault signal outside the mapping: `{0}` its name, `{1}` the address, `{2}` `ptr+N`,
    /// `{3}` the mapping's length in bytes.
    EvidenceSignalOutside => ("{0} at {1}, that is {2}, outside the mapping's {3} bytes",
        "{0} 发生在 {1}，也就是 {2}，在映射的 {3} 个字节之外"),
    /// A fault signal away from the mapping: `{0}` its name, `{1}` the address.
    EvidenceSignalAddr => ("{0} at {1}, outside the mapping", "{0} 发生在 {1}，不在映射里"),
    /// A signal with no address: `{0}` its name, `{1}` the call it interrupted.
    EvidenceSignalDuring => ("{0} struck during {1}", "{0} 在执行 {1} 时到来"),
    /// The other process read `{0}` (quoted).
    EvidenceChildRead => ("the child read {0} from the shared memory",
        "子进程从共享内存里读到了 {0}"),
    /// The copy matches its source.
    EvidenceCopySame => ("the copy matches the source byte for byte",
        "复制出的文件和源文件逐字节相同"),
    /// The copy differs from offset `{0}`.
    EvidenceCopyDiffers => ("the copy differs from the source at byte {0}",
        "复制出的文件从第 {0} 个字节起与源文件不同"),
    /// The write reached the file: byte `{0}` of the file reads `{1}`.
    EvidenceFileHas => ("the file's byte {0} now reads {1}: the write reached the file",
        "文件的第 {0} 个字节现在是 {1}：写入到达了文件"),
    /// The write did not reach the file: byte `{0}` still reads `{1}`.
    EvidenceFileKept => ("the file's byte {0} still reads {1}: the write never reached the file",
        "文件的第 {0} 个字节仍然是 {1}：写入没有到达文件"),
    /// A load: `{0}` the call (`c = ptr[0]`), `{1}` the byte it read.
    EvidenceLoad => ("{0} read {1}", "{0} 读到的是 {1}"),
    /// Two loads of one place: `{0}` the load, `{1}` what it read first, `{2}` last.
    EvidenceLoadTwice => ("{0} read {1} first, then {2}", "{0} 第一次读到 {1}，后来读到 {2}"),
    /// map-fixed-clobber: the old mapping's byte read `{0}` before the second mmap, `{1}`
    /// after it, at the same address.
    EvidenceClobber => ("the byte at that address read {0} before the second mmap and {1} after it",
        "同一个地址上的字节，第二次 mmap 之前读到 {0}，之后读到 {1}"),
    /// A store that went through: `{0}` the store (`ptr[0] = 0x2a`), `{1}` the byte.
    EvidenceStore => ("{0} went through: the page now holds {1}", "{0} 成功了：这一页现在存着 {1}"),
    /// Nothing read back: `{0}` the last call, `{1}` what it returned.
    EvidenceReturned => ("{0} returned {1}", "{0} 返回了 {1}"),
    /// private-cow-fork: `{0}` who wrote (a process), `{1}` the other, `{2}` the byte it read,
    /// `{3}` the byte written.
    EvidenceCowPrivate => ("the {0} wrote {3}; the {1} then read {2}: the {0}'s write stayed private",
        "{0}写入了 {3}，{1}随后读到的是 {2}：{0}的写入只留在它自己的副本里"),
    /// private-cow-fork, the write seen by the other process.
    EvidenceCowShared => ("the {0} wrote {3}; the {1} then read {2}: both see the same page",
        "{0}写入了 {3}，{1}随后读到的也是 {2}：两个进程看到的是同一页"),
    /// private-cow-fork, written before the fork: `{0}` the child's byte, `{1}` the parent's.
    EvidenceCowBeforeFork => ("written before the fork: the child read {0}, the parent read {1}",
        "fork 之前写入：子进程读到 {0}，父进程读到 {1}"),
    /// The parent process, in [`Text::EvidenceCowPrivate`].
    EvidenceParent => ("parent", "父进程"),
    /// The child process, in [`Text::EvidenceCowPrivate`].
    EvidenceChild => ("child", "子进程"),
    /// write-vs-mapping: `{0}` the text seen through the mapping after write().
    EvidenceMappingShows => ("after write(), the mapping shows {0}", "write() 之后，映射里看到的是 {0}"),
    /// write-vs-mapping, read before and after: `{0}` before, `{1}` after.
    EvidenceMappingShowed => ("the mapping showed {0} before write() and {1} after it",
        "write() 之前映射里是 {0}，之后是 {1}"),
    /// madvise-dontneed, a zero: `{0}` the advice, `{1}` the byte.
    EvidenceAdviceZero => ("after {0} the byte reads {1}: the page was thrown away and comes back as zeros",
        "{0} 之后这个字节读出来是 {1}：原来的页被丢掉了，重新给的页全是零"),
    /// madvise-dontneed, the write survived: `{0}` the advice, `{1}` the byte.
    EvidenceAdviceKept => ("after {0} the byte still reads {1}: the write survived",
        "{0} 之后这个字节仍然是 {1}：写入的内容还在"),
    /// madvise-dontneed, back from the file: `{0}` the advice, `{1}` the byte.
    EvidenceAdviceFile => ("after {0} the byte reads {1}: the private copy is gone, the file's byte is back",
        "{0} 之后这个字节读出来是 {1}：私有副本没了，读到的又是文件里的字节"),
    // Warnings: what a run did besides its outcome ("OK, but…").
    /// A `MAP_FIXED` mmap replaced `{0}` pages at `{1}` that held `{2}`.
    WarnMapFixedReplaced => (
        "mmap with MAP_FIXED replaced {0} page(s) at {1} that were already mapped ({2}): \
         whatever they held is gone, and the kernel said nothing.",
        "带 MAP_FIXED 的 mmap 把 {1} 处已经映射的 {0} 页换掉了（原来是{2}）：\
         那里原有的内容全没了，内核却一声不吭。"
    ),
    /// A munmap left `{0}` pages of the mapping and removed `{1}` pages at `{2}` holding `{3}`.
    WarnMunmapBoth => (
        "munmap returned 0, but {0} page(s) of your mapping are still mapped, and {1} page(s) \
         at {2}, which were not yours ({3}), are gone.",
        "munmap 返回了 0，但你的映射还有 {0} 页没有解除，而 {2} 处不属于你的 {1} 页（{3}）却被解除了。"
    ),
    /// A munmap left `{0}` pages of the mapping mapped.
    WarnMunmapLeft => (
        "munmap returned 0, but {0} page(s) of your mapping are still mapped: they stay until \
         the process ends.",
        "munmap 返回了 0，但你的映射还有 {0} 页没有解除：它们会一直占着，直到进程结束。"
    ),
    /// A munmap removed `{0}` pages at `{1}` holding `{2}`, outside the mapping.
    WarnMunmapOutside => (
        "munmap returned 0, but it also removed {0} page(s) at {1}, which were not yours ({2}).",
        "munmap 返回了 0，但它还解除了 {1} 处不属于你的 {0} 页（{2}）。"
    ),
    /// What a replaced mapping was: file `{0}`.
    WarnReplacedFile => ("the file {0}", "文件 {0} 的映射"),
    /// What a replaced mapping was: anonymous memory.
    WarnReplacedAnon => ("anonymous memory", "匿名内存"),
    // What a place in the experiment's address space is (`regions::Region`).
    /// The experiment's mapping.
    RegionMapping => ("your mapping", "你的映射"),
    /// The guard page the experiment reserved.
    RegionGuard => ("the guard page the experiment reserved", "实验预留的保护页"),
    /// Another mapping the experiment made.
    RegionExperiment => ("another mapping of the experiment", "实验的另一个映射"),
    /// The plan the lab's child executes.
    RegionPlan => (
        "the lab's plan (the steps its child executes)",
        "mmap-lab 的执行计划（子进程正在执行的步骤）"
    ),
    /// Thread-local storage.
    RegionTls => ("the process's thread-local storage", "进程的线程局部存储（TLS）"),
    /// The lab's signal stack.
    RegionSignalStack => ("the lab's own signal stack", "mmap-lab 自己的信号栈"),
    /// The guard page below it.
    RegionSignalStackGuard => (
        "the guard page of the lab's own signal stack",
        "mmap-lab 自己信号栈的保护页"
    ),
    /// The thread's stack.
    RegionStack => ("the process's stack", "进程的栈"),
    /// The heap.
    RegionHeap => ("the process's heap", "进程的堆"),
    /// The vDSO.
    RegionVdso => ("the kernel's vDSO page", "内核提供的 vDSO 页"),
    /// The vvar page.
    RegionVvar => ("the kernel's [vvar] data page", "内核的 [vvar] 数据页"),
    /// The lab's executable, file `{0}`.
    RegionProgram => ("the lab's own code ({0})", "mmap-lab 自己的代码（{0}）"),
    /// The C library, file `{0}`.
    RegionCLibrary => ("the C library ({0})", "C 库（{0}）"),
    /// A library, file `{0}`.
    RegionLibrary => ("the library {0}", "库 {0}"),
    /// Anonymous memory the lab cannot name.
    RegionAnonymous => ("anonymous memory of the process", "进程自己的匿名内存"),
    /// Nothing mapped.
    RegionNotMapped => ("an address where nothing is mapped", "一个没有任何映射的地址"),
    /// A store outside the mapping, in `{0}`.
    TouchedOwnWrite => (
        "this write landed in {0}, not in your mapping",
        "这次写入落在了{0}里，而不是你的映射里"
    ),
    /// A load outside the mapping, in `{0}`.
    TouchedOwnRead => (
        "this read landed in {0}, not in your mapping",
        "这次读取落在了{0}里，而不是你的映射里"
    ),
    /// A munmap that removed `{0}` pages of `{1}`.
    UnmappedOwn => ("munmap also removed {0} page(s) of {1}", "munmap 还移除了{1}的 {0} 页"),
    /// A MAP_FIXED that replaced `{0}` pages of `{1}`.
    ReplacedOwn => (
        "mmap with MAP_FIXED also replaced {0} page(s) of {1}",
        "带 MAP_FIXED 的 mmap 还替换了{1}的 {0} 页"
    ),
    /// Signal `{0}` in the process's own code; step `{1}`'s `{2}` removed `{3}`.
    CrashCausedBy => (
        "{0} in the process's own code: step {1}'s {2} removed {3}",
        "{0} 发生在进程自己的代码里：第 {1} 步的 {2} 移除了{3}"
    ),
    /// Signal `{0}` in the process's own code, at `{1}`, during step `{2}`.
    CrashInOwnCode => (
        "{0} in the process's own code, at {1} (during step {2}): not the step's own access",
        "{0} 发生在进程自己的代码里，地址位于{1}（第 {2} 步期间）：不是这一步自己的访问"
    ),
    /// Step `{0}`'s `{1}` took away `{2}` pages of the process's memory, first `{3}`.
    ClobberedLine => (
        "step {0}'s {1} took away {2} page(s) of the process's own memory, starting with {3}: the lab stopped the experiment there, because what would follow is not the kernel's answer but the lab running on destroyed memory",
        "第 {0} 步的 {1} 夺走了进程自己的 {2} 页内存，首先是{3}：mmap-lab 在这里停止了实验，因为之后发生的不再是内核的回答，而是程序在被破坏的内存上运行"
    ),
    // Explanations of the outcome that happened (`explain`).
    /// Prefix when the outcome is not the lesson's case: `{0}` is the explanation.
    NotLessonCase => ("not this lesson's case: {0}", "不是本课讲的情况：{0}"),
    /// EBADF from mmap, whatever the length.
    ExplainDescriptorFirst => (
        "the kernel checked the descriptor before the length: fd {0} is not open, so mmap fails with EBADF before it looks at anything else",
        "内核先检查文件描述符，再检查长度：fd {0} 没有打开，所以 mmap 在检查其他参数之前就以 EBADF 失败"
    ),
    /// EINVAL from mmap with length 0.
    ExplainZeroLength => (
        "mmap's length is 0: the kernel refuses an empty mapping with EINVAL",
        "mmap 的长度是 0：内核以 EINVAL 拒绝空映射"
    ),
    /// EINVAL from mmap with an offset that is not a multiple of the page size `{1}`.
    ExplainUnalignedOffset => (
        "the offset {0} is not a multiple of the page size {1}: EINVAL",
        "偏移量 {0} 不是页大小 {1} 的整数倍：EINVAL"
    ),
    /// EINVAL from munmap with length 0.
    ExplainMunmapZeroLength => (
        "munmap's length is 0: the kernel refuses an empty range with EINVAL (the address {0} is aligned; alignment is not the reason)",
        "munmap 的长度是 0：内核以 EINVAL 拒绝空范围（地址 {0} 是对齐的，原因不在对齐）"
    ),
    /// EINVAL from munmap with an unaligned address.
    ExplainMunmapUnaligned => (
        "munmap's address {0} is not a multiple of the page size {1}: EINVAL",
        "munmap 的地址 {0} 不是页大小 {1} 的整数倍：EINVAL"
    ),
    /// EINVAL from munmap: the range runs past the end of the address space.
    ExplainMunmapTooLong => (
        "the address {0} is aligned, but {0} + {1} runs past the end of the process's address space: the kernel refuses such a range with EINVAL",
        "地址 {0} 是对齐的，但 {0} + {1} 超出了进程地址空间的末尾：内核以 EINVAL 拒绝这样的范围"
    ),
    /// ENOMEM from the filler's reservation mmap, not mprotect.
    ExplainFillerMmapEnomem => (
        "the ENOMEM came from mmap, not mprotect: the filler's reservation (vm.max_map_count + 64 pages) does not fit under RLIMIT_AS, so no mprotect split ran and the map count was never reached",
        "ENOMEM 来自 mmap，而不是 mprotect：填充步骤的预留区（vm.max_map_count + 64 页）超出了 RLIMIT_AS，所以一次 mprotect 拆分都没有执行，也从未达到映射数量上限"
    ),
    /// ENOSPC from the call `{0}`.
    ExplainNoSpace => (
        "{0} failed with ENOSPC: the filesystem of the experiment's files is full",
        "{0} 以 ENOSPC 失败：实验文件所在的文件系统已满"
    ),
    /// SIGBUS in a copy through mappings: the filesystem is full.
    ExplainSigbusCopyNoPage => (
        "the copy's destination was extended to its whole size before it was mapped, so no page lies past its end: the filesystem is full ({0} bytes free) and could not provide the page, so the kernel raised SIGBUS",
        "拷贝的目标文件在映射之前已扩展到完整大小，没有哪一页位于文件末尾之后：文件系统已满（剩余 {0} 字节），无法提供这一页，所以内核发出了 SIGBUS"
    ),
    /// SIGBUS inside the file's size.
    ExplainSigbusNoPage => (
        "the page lies inside the file's {0} bytes, not past its end: the filesystem could not provide it ({1} bytes free), so the kernel raised SIGBUS",
        "这一页位于文件的 {0} 字节之内，并不在文件末尾之后：文件系统无法提供这一页（剩余 {1} 字节），所以内核发出了 SIGBUS"
    ),
    /// SIGBUS past the end of the file.
    ExplainSigbusPastEnd => (
        "the page starts at byte {0} of the file, past its end ({1} bytes): SIGBUS",
        "这一页从文件的第 {0} 字节开始，位于文件末尾（{1} 字节）之后：SIGBUS"
    ),
    /// The comparison of the copy with its source.
    OpCompare => (
        "compare the copy with the source (0: identical).",
        "把副本和源文件逐字节比较（0 表示完全相同）。"
    ),
}

impl Text {
    /// The text in `lang`.
    pub fn get(self, lang: Lang) -> &'static str {
        let (en, zh) = self.pair();
        lang.pick(en, zh)
    }

    /// The text in `lang` with its holes `{0}`, `{1}`, … filled by `args`, in order.
    pub fn fill(self, lang: Lang, args: &[&str]) -> String {
        let mut out = self.get(lang).to_string();
        for (i, a) in args.iter().enumerate() {
            out = out.replace(&format!("{{{i}}}"), a);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The holes of a text, `{0}` … `{9}`.
    fn holes(s: &str) -> Vec<usize> {
        (0..10)
            .filter(|i| s.contains(&format!("{{{i}}}")))
            .collect()
    }

    #[test]
    fn every_text_has_both_sides_with_the_same_holes() {
        let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for &t in Text::ALL {
            let (en, zh) = t.pair();
            assert!(!en.is_empty() && !zh.is_empty(), "{t:?}");
            assert!(en.is_ascii(), "{t:?}: the English side is not ASCII");
            assert!(chinese(zh), "{t:?}: the Chinese side has no Chinese");
            assert_eq!(holes(en), holes(zh), "{t:?}");
        }
    }

    #[test]
    fn holes_are_filled_in_order() {
        assert_eq!(Text::CStep.fill(Lang::Zh, &["3", "fork"]), "步骤 3：fork");
        assert_eq!(
            Text::OpSetRlimit.fill(Lang::En, &["RLIMIT_AS"]),
            "lower RLIMIT_AS before mmap."
        );
    }
}
