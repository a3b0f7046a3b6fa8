import Foundation
import Logging
import StapjeStore
import StapjeTestSupport

/// A store in a fresh temporary directory, removed when the test is done.
struct TemporaryStore {
    let directory: URL
    let database: StoreDatabase

    static let logger = Logger(label: "stapje.store.test") { _ in SwiftLogNoOpLogHandler() }

    /// A fixed starting time; tests move it forward by whole seconds so stored times compare exactly.
    static let start = Date(timeIntervalSince1970: 1_750_000_000)

    static func with<T>(_ body: (TemporaryStore) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("stapje-store-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = TemporaryStore(
            directory: directory, database: try StoreDatabase.open(directory: directory, logger: logger))
        return try await body(store)
    }

    func queue(_ timeouts: HandoffTimeouts = .init()) -> HandoffQueue {
        HandoffQueue(database: database, timeouts: timeouts, logger: Self.logger)
    }

    /// Another connection to the same file, as a second process would have.
    func reopen() throws -> StoreDatabase {
        try StoreDatabase.open(directory: directory, logger: Self.logger)
    }
}

/// `start` plus this many seconds.
func at(_ seconds: Double) -> Date {
    TemporaryStore.start.addingTimeInterval(seconds)
}

/// A request from conversation `starter`.
func request(_ starter: String = "s1", turns: [Turn.Draft] = []) -> HandoffRequest {
    HandoffRequest(
        starter: starter, language: "nl", region: "VL", site: "bib-gent-1", channel: "kiosk",
        reason: "asked for a person", topicGuess: "email.send", recentTurns: turns)
}
