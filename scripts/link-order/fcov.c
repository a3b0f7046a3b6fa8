// fcov: which functions of an executable run, in the order they first run (scripts/link-order.sh uses it).
//
//   fcov ENTRIES OUT PROGRAM [ARGS...]
//
// ENTRIES holds one hexadecimal address per line, the functions' entry points as `nm` prints them (addresses in a
// position-independent executable, relative to where it is loaded). fcov runs PROGRAM under ptrace, puts a
// breakpoint (int3) on every entry right after exec, and when a thread stops on one, appends the address to OUT,
// puts the original byte back and lets the thread go on. Each function stops the program once, so a run costs a few
// thousand stops, not one per call. Threads are followed; forked children are not (they would inherit breakpoints
// nobody removes), so use it on programs that do not fork.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    uint64_t address;
    unsigned char original;
    int seen;
} Entry;

static Entry *entries;
static size_t entryCount;

static int byAddress(const void *a, const void *b) {
    uint64_t x = ((const Entry *)a)->address, y = ((const Entry *)b)->address;
    return x < y ? -1 : x > y;
}

static Entry *entryAt(uint64_t address) {
    size_t low = 0, high = entryCount;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (entries[middle].address < address) low = middle + 1; else high = middle;
    }
    return low < entryCount && entries[low].address == address ? &entries[low] : NULL;
}

static void readEntries(const char *path) {
    FILE *file = fopen(path, "r");
    if (!file) { perror(path); exit(2); }
    size_t capacity = 1 << 16;
    entries = malloc(capacity * sizeof *entries);
    char line[128];
    while (fgets(line, sizeof line, file)) {
        if (entryCount == capacity) entries = realloc(entries, (capacity *= 2) * sizeof *entries);
        entries[entryCount++] = (Entry){strtoull(line, NULL, 16), 0, 0};
    }
    fclose(file);
    qsort(entries, entryCount, sizeof *entries, byAddress);
    size_t kept = 0;  // aliases share an address: one breakpoint each
    for (size_t i = 0; i < entryCount; i++)
        if (kept == 0 || entries[kept - 1].address != entries[i].address) entries[kept++] = entries[i];
    entryCount = kept;
}

/// The address the kernel mapped `program`'s first page at, in process `pid`.
static uint64_t loadAddress(pid_t pid, const char *program) {
    char path[64], line[PATH_MAX + 128], resolved[PATH_MAX];
    if (!realpath(program, resolved)) { perror(program); exit(2); }
    snprintf(path, sizeof path, "/proc/%d/maps", pid);
    FILE *maps = fopen(path, "r");
    uint64_t found = 0;
    while (maps && fgets(line, sizeof line, maps)) {
        unsigned long start, offset;
        char name[PATH_MAX] = "";
        if (sscanf(line, "%lx-%*x %*s %lx %*s %*s %4095s", &start, &offset, name) >= 2 && offset == 0 &&
            strcmp(name, resolved) == 0) { found = start; break; }
    }
    if (maps) fclose(maps);
    if (!found) { fprintf(stderr, "fcov: %s is not mapped in the child\n", resolved); exit(2); }
    return found;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: fcov ENTRIES OUT PROGRAM [ARGS...]\n");
        return 2;
    }
    readEntries(argv[1]);
    FILE *out = fopen(argv[2], "w");
    if (!out) { perror(argv[2]); return 2; }

    pid_t child = fork();
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        execv(argv[3], argv + 3);
        perror(argv[3]);
        _exit(127);
    }
    int status;
    waitpid(child, &status, 0);
    ptrace(PTRACE_SETOPTIONS, child, 0, PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL);
    ptrace(PTRACE_CONT, child, 0, 0);

    uint64_t base = 0;
    int memory = -1, exitCode = 1;
    size_t seen = 0;
    for (;;) {
        pid_t thread = waitpid(-1, &status, __WALL);
        if (thread < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (thread == child) {
                exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                break;
            }
            continue;
        }
        if (!WIFSTOPPED(status)) continue;
        int signal = WSTOPSIG(status), event = status >> 16;
        if (event == PTRACE_EVENT_EXEC) {
            base = loadAddress(child, argv[3]);
            char path[64];
            snprintf(path, sizeof path, "/proc/%d/mem", child);
            memory = open(path, O_RDWR);
            if (memory < 0) { perror(path); return 2; }
            const unsigned char breakpoint = 0xCC;
            for (size_t i = 0; i < entryCount; i++) {
                if (pread(memory, &entries[i].original, 1, base + entries[i].address) != 1 ||
                    pwrite(memory, &breakpoint, 1, base + entries[i].address) != 1) {
                    fprintf(stderr, "fcov: cannot patch %lx\n", (unsigned long)entries[i].address);
                    return 2;
                }
            }
            ptrace(PTRACE_CONT, thread, 0, 0);
            continue;
        }
        if (event != 0 || (signal == SIGSTOP && thread != child)) {  // clone events, new threads' first stop
            ptrace(PTRACE_CONT, thread, 0, 0);
            continue;
        }
        if (signal == SIGTRAP && memory >= 0) {
            struct user_regs_struct registers;
            ptrace(PTRACE_GETREGS, thread, 0, &registers);
            // A thread that stopped on a breakpoint another thread already removed still needs its pc put back.
            Entry *entry = entryAt(registers.rip - 1 - base);
            if (entry) {
                if (!entry->seen) {
                    entry->seen = 1;
                    seen++;
                    fprintf(out, "%lx\n", (unsigned long)entry->address);
                    pwrite(memory, &entry->original, 1, base + entry->address);
                }
                registers.rip -= 1;
                ptrace(PTRACE_SETREGS, thread, 0, &registers);
                ptrace(PTRACE_CONT, thread, 0, 0);
                continue;
            }
        }
        ptrace(PTRACE_CONT, thread, 0, signal);
    }
    fclose(out);
    fprintf(stderr, "fcov: %zu of %zu functions ran\n", seen, entryCount);
    return exitCode;
}
