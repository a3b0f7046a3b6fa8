/// Resident memory split the way the kernel counts it: the process's own data (heap, stacks) and the pages of
/// files it maps (the executable's code and libraries, shared with every process that maps them). For the
/// benchmarks and the server's STATS.
package struct ResidentMemory: Sendable, Equatable {
    package var totalKilobytes = 0
    package var anonymousKilobytes = 0
    package var fileKilobytes = 0

    /// This process's figures from /proc/self/status (Linux), or nil where there is no such file.
    package static func current() -> ResidentMemory? {
        guard let status = try? FileSystem.contents("/proc/self/status") else { return nil }
        var memory = ResidentMemory()
        var found = false
        for line in String(decoding: status, as: UTF8.self).split(separator: "\n") {
            // "VmRSS:\t   38500 kB": a tab, then spaces.
            let fields = line.split { $0 == " " || $0 == "\t" }
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { continue }
            switch fields[0] {
            case "VmRSS:":
                memory.totalKilobytes = kilobytes
                found = true
            case "RssAnon:": memory.anonymousKilobytes = kilobytes
            case "RssFile:": memory.fileKilobytes = kilobytes
            default: continue
            }
        }
        return found ? memory : nil
    }

    /// "38.5 MB (anonymous 11.3, files 27.2)" for the benchmarks.
    package var summary: String {
        func megabytes(_ kilobytes: Int) -> String { Latencies.tenths(Double(kilobytes) / 1024) }
        return
            "\(megabytes(totalKilobytes)) MB (anonymous \(megabytes(anonymousKilobytes)), files \(megabytes(fileKilobytes)))"
    }
}
