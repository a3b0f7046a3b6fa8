import Dispatch

/// Timings of a step run on many texts, for the benchmarks (`stapje bench`, `stapje-engine-bench`).
package struct Latencies {
    /// Every timing in microseconds, sorted.
    package let sorted: [Double]
    /// Each text's timings in microseconds, one a round, in the order of the texts.
    package let perText: [[Double]]

    /// Runs `measure` on every text once to warm up, then `rounds` times, timing each call.
    package init(_ texts: [String], rounds: Int, _ measure: (String) -> Void) {
        for text in texts { measure(text) }
        var samples: [Double] = []
        samples.reserveCapacity(texts.count * rounds)
        var perText = [[Double]](repeating: [], count: texts.count)
        for _ in 0..<rounds {
            for (index, text) in texts.enumerated() {
                let before = DispatchTime.now().uptimeNanoseconds
                measure(text)
                let micros = Double(DispatchTime.now().uptimeNanoseconds - before) / 1000
                samples.append(micros)
                perText[index].append(micros)
            }
        }
        self.sorted = samples.sorted()
        self.perText = perText
    }

    /// The average timing: what throughput depends on, tail included.
    package var mean: Double {
        sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
    }

    /// The timing below which a share `p` (0 to 1) of them fall.
    package func percentile(_ p: Double) -> Double {
        sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    /// This process's resident memory from /proc/self/status (Linux; zeros elsewhere), in MB.
    package static func residentMemory() -> ResidentMemory {
        guard let status = try? FileSystem.contents("/proc/self/status") else { return ResidentMemory() }
        var memory = ResidentMemory()
        for line in String(decoding: status, as: UTF8.self).split(separator: "\n") {
            let fields = line.split { $0 == " " || $0 == "\t" }
            guard fields.count >= 2, let kilobytes = Double(fields[1]) else { continue }
            switch fields[0] {
            case "VmRSS:": memory.total = kilobytes / 1024
            case "RssAnon:": memory.anonymous = kilobytes / 1024
            case "RssFile:": memory.fileBacked = kilobytes / 1024
            default: continue
            }
        }
        return memory
    }
}

/// Resident memory split the way the kernel counts it: the process's own data (heap, stacks) and the pages of
/// files it maps (the executable's code and libraries, shared with every process that maps them).
package struct ResidentMemory {
    package var total = 0.0
    package var anonymous = 0.0
    package var fileBacked = 0.0

    /// "38.5 MB (anonymous 11.2, files 27.3)" for the benchmarks.
    package var summary: String {
        func megabytes(_ value: Double) -> String {
            let tenths = Int((value * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)"
        }
        return "\(megabytes(total)) MB (anonymous \(megabytes(anonymous)), files \(megabytes(fileBacked)))"
    }
}
