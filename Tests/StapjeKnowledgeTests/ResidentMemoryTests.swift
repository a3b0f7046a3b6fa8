import Testing

@testable import StapjeKnowledge

/// The benchmarks' and the server's memory figures, read from the kernel's status file.
struct ResidentMemoryTests {
    @Test func readsTheKernelsFigures() throws {
        #if os(Linux)
            let memory = try #require(ResidentMemory.current())
            #expect(memory.totalKilobytes > 1024)
            #expect(memory.anonymousKilobytes > 0)
            #expect(memory.fileKilobytes > 0)
            // VmRSS is RssAnon + RssFile + RssShmem, all read from one copy of the file.
            #expect(memory.anonymousKilobytes + memory.fileKilobytes <= memory.totalKilobytes)
        #endif
    }

    @Test func theSummaryShowsTenthsOfMegabytes() {
        let memory = ResidentMemory(totalKilobytes: 39_383, anonymousKilobytes: 11_520, fileKilobytes: 27_853)
        #expect(memory.summary == "38.5 MB (anonymous 11.3, files 27.2)")
    }
}
