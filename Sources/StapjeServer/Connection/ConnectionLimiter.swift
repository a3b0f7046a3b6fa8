import NIOConcurrencyHelpers
import NIOCore

/// Counts open connections in total and per client address, and refuses one over either limit.
final class ConnectionLimiter: Sendable {
    /// Why a connection was refused.
    enum Refusal: String, Sendable {
        case total = "too-many-connections"
        case perAddress = "too-many-connections-from-address"
    }

    private struct Counts {
        var total = 0
        var perAddress: [String: Int] = [:]
    }

    private let maximum: Int
    private let maximumPerAddress: Int
    private let counts = NIOLockedValueBox(Counts())

    init(maximum: Int, maximumPerAddress: Int) {
        self.maximum = maximum
        self.maximumPerAddress = maximumPerAddress
    }

    /// Takes a slot for `address`, or says why not. Every successful call needs one `release`.
    func admit(_ address: String) -> Refusal? {
        counts.withLockedValue { counts in
            if counts.total >= maximum { return .total }
            if counts.perAddress[address, default: 0] >= maximumPerAddress { return .perAddress }
            counts.total += 1
            counts.perAddress[address, default: 0] += 1
            return nil
        }
    }

    /// Gives the slot back.
    func release(_ address: String) {
        counts.withLockedValue { counts in
            counts.total -= 1
            let left = counts.perAddress[address, default: 1] - 1
            counts.perAddress[address] = left > 0 ? left : nil
        }
    }
}

/// The open connections, so that a graceful shutdown can reach each one.
///
/// One registry for the server instead of a graceful-shutdown handler per connection: with 10,000 idle connections,
/// every async frame a connection keeps costs ten thousand times.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ConnectionID: any Channel] = [:]
        var draining = false
    }

    private let state = NIOLockedValueBox(State())

    /// Adds a connection; false when the server is already draining (the caller then stops reading at once).
    func register(_ id: ConnectionID, _ channel: any Channel) -> Bool {
        state.withLockedValue { state in
            guard !state.draining else { return false }
            state.channels[id] = channel
            return true
        }
    }

    /// Removes a connection.
    func unregister(_ id: ConnectionID) {
        _ = state.withLockedValue { $0.channels.removeValue(forKey: id) }
    }

    /// True once `drain` was called.
    var isDraining: Bool { state.withLockedValue { $0.draining } }

    /// Stops reading on every connection: each answers the lines it already read, says goodbye and closes.
    func drain() {
        let channels = state.withLockedValue { state in
            state.draining = true
            return Array(state.channels.values)
        }
        for channel in channels { channel.pipeline.fireUserInboundEventTriggered(StopReadingEvent()) }
    }
}
