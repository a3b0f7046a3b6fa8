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

    /// "median 18.2 µs, mean 19.0 µs, p90 26.9 µs, p99 36.4 µs, max 82.5 µs", as both benchmarks print it.
    package var summary: String {
        let figures = [
            ("median", percentile(0.5)), ("mean", mean), ("p90", percentile(0.9)), ("p99", percentile(0.99)),
            ("max", sorted.last ?? 0),
        ]
        return figures.map { "\($0) \(Self.tenths($1)) µs" }.joined(separator: ", ")
    }

    /// `value` with one decimal ("%.1f" without Foundation, which the engine's benchmark does without).
    package static func tenths(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
