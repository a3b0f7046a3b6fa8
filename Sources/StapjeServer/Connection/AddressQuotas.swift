import Synchronization

/// How much one client address may ask of what every client shares, per stretch of time: new conversations (the
/// session table) and requests for a person (the helpers' queue). One program looping on `NEW` or `HUMAN` had
/// filled the session table in half a minute, locking every kiosk out for ten, and put hundreds of tickets before
/// the next real person. Kiosks behind one NAT address share a quota, so the defaults leave room for a library's
/// worth of them. Loopback clients have none: a service on the server's own machine (a web-chat backend, a bridge,
/// the load generator) speaks for many people and is the operator's own.
final class AddressQuotas: Sendable {
    /// One quota: at most `limit` in any `window`.
    struct Limit: Sendable {
        var limit: Int
        var window: Duration
    }

    let sessions: Limit
    let handoffs: Limit
    private let taken = Mutex<[Key: [ContinuousClock.Instant]]>([:])

    private struct Key: Hashable {
        var address: String
        var handoff: Bool
    }

    init(sessions: Limit, handoffs: Limit) {
        self.sessions = sessions
        self.handoffs = handoffs
    }

    /// Counts a new conversation from `address`; false when its quota is used up.
    func takeSession(from address: String, at now: ContinuousClock.Instant = .now) -> Bool {
        take(Key(address: address, handoff: false), sessions, at: now)
    }

    /// Counts a request for a person from `address`; false when its quota is used up.
    func takeHandoff(from address: String, at now: ContinuousClock.Instant = .now) -> Bool {
        take(Key(address: address, handoff: true), handoffs, at: now)
    }

    /// True for an address of this machine (127.0.0.0/8, ::1, and IPv4 loopback written as IPv6).
    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }

    private func take(_ key: Key, _ quota: Limit, at now: ContinuousClock.Instant) -> Bool {
        if Self.isLoopback(key.address) { return true }
        return taken.withLock { taken in
            var times = taken[key, default: []]
            times.removeAll { now - $0 >= quota.window }
            guard times.count < quota.limit else {
                taken[key] = times
                return false
            }
            times.append(now)
            taken[key] = times
            // Addresses not seen for a whole window are forgotten, so the table stays small.
            if taken.count > 4_096 {
                taken = taken.filter { _, times in times.last.map { now - $0 < quota.window } ?? false }
            }
            return true
        }
    }
}
