import Foundation

/// Counts failed sign-in attempts per source and says when a source must wait.
///
/// In memory on purpose: a restart forgets the counts, which costs an attacker nothing they could use (a token
/// is 256 random bits; guessing is hopeless either way). The limit is there to keep a noisy or broken client from
/// burning CPU on hashes and filling the log, and to make probing visible.
///
/// Two counts, both over the window: different wrong tokens from a source limit the whole source (someone trying
/// tokens), and one wrong token tried again and again limits only that token. Desks behind one NAT share an
/// address, and a desk left looping with a removed token had kept every other desk of the library out for as long
/// as it looped; now only the looping desk waits. Tokens are told apart by a hash kept in memory with the count,
/// never the token itself.
public struct AttemptLimits: Sendable, Hashable {
    /// Failures a source may have within `window` before it is refused: with different tokens for the whole
    /// source, with one token for that token.
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
    /// A failed attempt: when, and which token (a hash of it, this process's own).
    private struct Failure {
        var time: Date
        var token: Int
    }

    let limits: AttemptLimits
    private let failures = Locked([String: [Failure]]())

    init(limits: AttemptLimits) {
        self.limits = limits
    }

    /// How long `source` must wait before it tries `token`, or nil when it may try now.
    func wait(for source: String, token: String, at now: Date) -> Duration? {
        let cutoff = now.addingTimeInterval(-limits.window.timeInterval)
        let fingerprint = token.hashValue
        return failures.withLock { failures in
            let recent = (failures[source] ?? []).filter { $0.time > cutoff }
            failures[source] = recent.isEmpty ? nil : recent
            // The latest failure of each token: the source is limited while enough different tokens failed.
            var latest: [Int: Date] = [:]
            for failure in recent { latest[failure.token] = failure.time }
            let blocking: Date?
            if latest.count >= limits.maximumFailures {
                blocking = latest.values.min()
            } else {
                let same = recent.filter { $0.token == fingerprint }
                blocking = same.count >= limits.maximumFailures ? same.first?.time : nil
            }
            guard let blocking else { return nil }
            let seconds = blocking.timeIntervalSince(cutoff)
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
    }

    func failed(_ source: String, token: String, at now: Date) {
        let cutoff = now.addingTimeInterval(-limits.window.timeInterval)
        failures.withLock { failures in
            failures[source, default: []].append(Failure(time: now, token: token.hashValue))
            guard failures.count > limits.maximumSources else { return }
            failures = failures.compactMapValues { times in
                let recent = times.filter { $0.time > cutoff }
                return recent.isEmpty ? nil : recent
            }
            while failures.count > limits.maximumSources,
                let oldest = failures.min(by: { ($0.value.last?.time ?? now) < ($1.value.last?.time ?? now) })?.key
            {
                failures[oldest] = nil
            }
        }
    }

    func succeeded(_ source: String) {
        failures.withLock { $0[source] = nil }
    }
}
