import Foundation

/// Counts failed sign-in attempts per source and says when a source must wait.
///
/// In memory on purpose: a restart forgets the counts, which costs an attacker nothing they could use (a token
/// is 256 random bits; guessing is hopeless either way). The limit is there to keep a noisy or broken client from
/// burning CPU on hashes and filling the log, and to make probing visible.
public struct AttemptLimits: Sendable, Hashable {
    /// Failures a source may have within `window` before it is refused.
    public var maximumFailures = 5
    /// The sliding window over which failures count.
    public var window: Duration = .seconds(60)
    /// Sources remembered at most; beyond this the oldest are forgotten.
    public var maximumSources = 10_000

    /// The defaults: 5 failures a minute per source.
    public init() {}

    /// Limits with the given values.
    public init(maximumFailures: Int, window: Duration, maximumSources: Int = 10_000) {
        self.maximumFailures = maximumFailures
        self.window = window
        self.maximumSources = maximumSources
    }
}

/// The failure counts behind `HelperAccounts.authenticate`.
final class AttemptLimiter: Sendable {
    let limits: AttemptLimits
    private let failures = Locked([String: [Date]]())

    init(limits: AttemptLimits) {
        self.limits = limits
    }

    /// How long `source` must wait before its next attempt, or nil when it may try now.
    func wait(for source: String, at now: Date) -> Duration? {
        let cutoff = now.addingTimeInterval(-limits.window.timeInterval)
        return failures.withLock { failures in
            let recent = (failures[source] ?? []).filter { $0 > cutoff }
            failures[source] = recent.isEmpty ? nil : recent
            guard recent.count >= limits.maximumFailures, let oldest = recent.first else { return nil }
            let seconds = oldest.timeIntervalSince(cutoff)
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
    }

    func failed(_ source: String, at now: Date) {
        let cutoff = now.addingTimeInterval(-limits.window.timeInterval)
        failures.withLock { failures in
            failures[source, default: []].append(now)
            guard failures.count > limits.maximumSources else { return }
            failures = failures.compactMapValues { times in
                let recent = times.filter { $0 > cutoff }
                return recent.isEmpty ? nil : recent
            }
            while failures.count > limits.maximumSources,
                let oldest = failures.min(by: { ($0.value.last ?? now) < ($1.value.last ?? now) })?.key
            {
                failures[oldest] = nil
            }
        }
    }

    func succeeded(_ source: String) {
        failures.withLock { $0[source] = nil }
    }
}
