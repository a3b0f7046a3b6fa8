import Foundation
import NIOConcurrencyHelpers
import StapjeCore
import StapjeKnowledge

/// The server's counters, for `STATS` and the logs. Counts only: never a word anyone typed.
final class ServerStats: Sendable {
    /// A snapshot of the counters.
    struct Counters: Sendable, Hashable {
        /// Connections open now.
        var connections = 0
        /// Connections accepted since the start.
        var connectionsTotal = 0
        /// Connections refused because of the total or per-address limit.
        var connectionsRefused = 0
        /// `ASK` commands answered.
        var questions = 0
        /// Conversation replies by kind (answer, step, clarify, fallback, handoff, chat).
        var answers: [Reply.Kind: Int] = [:]
        /// Replies with a 4xx or 5xx code.
        var errors = 0
        /// Requests for a person.
        var handoffs = 0
        /// Connections closed because they did not read their replies.
        var slowReaders = 0
        /// Connections closed after the idle timeout or the HELLO deadline.
        var timeouts = 0
        /// Connections that opened with HTTP or TLS and were closed.
        var foreignProtocols = 0
        /// Content reloads that were applied.
        var reloads = 0
        /// Content reloads refused because the new content has errors.
        var reloadsRefused = 0
    }

    private let counters = NIOLockedValueBox(Counters())
    /// When the server started.
    let started = Date()

    /// Changes the counters.
    func record(_ change: (inout Counters) -> Void) {
        counters.withLockedValue { change(&$0) }
    }

    /// The counters now.
    var snapshot: Counters { counters.withLockedValue { $0 } }

    /// This process's resident memory in kilobytes (Linux `VmRSS`), or nil where unknown.
    static func residentKilobytes() -> Int? {
        ResidentMemory.current()?.totalKilobytes
    }
}
