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
}
