import Testing

@testable import StapjeKnowledge

/// The benchmarks' memory figure, read from the kernel's status file.
struct ResidentMemoryTests {
    @Test func readsTheKernelsFigures() {
        #if os(Linux)
            let memory = Latencies.residentMemory()
            #expect(memory.total > 1)
            #expect(memory.anonymous > 0)
            #expect(memory.fileBacked > 0)
            // VmRSS is RssAnon + RssFile + RssShmem, all read from one copy of the file.
            #expect(memory.anonymous + memory.fileBacked <= memory.total + 0.001)
        #endif
    }

    @Test func theSummaryShowsTenthsOfMegabytes() {
        let memory = ResidentMemory(total: 38.46, anonymous: 11.25, fileBacked: 27.2)
        #expect(memory.summary == "38.5 MB (anonymous 11.3, files 27.2)")
    }
}
