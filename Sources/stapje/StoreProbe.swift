import ArgumentParser
import Foundation
import StapjeStore
import StapjeText

/// Drives the handoff queue as fast as it can, for the crash test: it is killed with SIGKILL at random moments.
///
/// Prints `ack N` after each enqueue returns (the moment a starter would hear their number) and `final N STATE`
/// after each call that closed a ticket returns, each line written straight to the file descriptor so that what
/// the test reads is exactly what was acknowledged before the kill.
struct StoreProbe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store-probe", abstract: "Exercise the handoff queue until killed (for tests).",
        shouldDisplay: false)

    @OptionGroup var data: DataOptions

    @Option(help: "Stop after queueing this many tickets.")
    var tickets = 1_000_000

    @Option(help: "Seed for the random choice of actions.")
    var seed: UInt64 = 1

    @Option(help: "The helper lease, in milliseconds.")
    var leaseMs = 300

    @Option(help: "The maximum wait, in milliseconds.")
    var maxWaitMs = 1_000

    @Option(help: "The starter-gone timeout, in milliseconds.")
    var starterGoneMs = 1_500

    func run() async throws {
        let (database, logger) = try data.open(level: .critical)
        let timeouts = HandoffTimeouts(
            maximumWait: .milliseconds(maxWaitMs), starterGone: .milliseconds(starterGoneMs),
            helperLease: .milliseconds(leaseMs))
        let queue = HandoffQueue(database: database, timeouts: timeouts, logger: logger)
        var random = SeededGenerator(seed: seed)
        let process = ProcessInfo.processInfo.processIdentifier
        Self.emit("ready")
        for index in 0..<tickets {
            let request = HandoffRequest(
                starter: "probe-\(process)-\(index)", language: "nl", region: "VL", site: "probe", channel: "probe",
                reason: "asked for a person", topicGuess: "email.send",
                recentTurns: [.init(.starter, "mijn nummer is 0471 23 45 67", at: Date())])
            let (ticket, _) = try await queue.enqueue(request, at: Date())
            Self.emit("ack \(ticket.number)")
            for _ in 0..<2 { try await act(on: queue, random: &random) }
        }
    }

    /// One random action on a random open ticket; refusals are part of the game.
    func act(on queue: HandoffQueue, random: inout SeededGenerator) async throws {
        let open = try await queue.queue()
        guard !open.isEmpty else { return }
        let ticket = open[Int(random.next() % UInt64(open.count))]
        let helper = "h\(random.next() % 3)"
        let now = Date()
        do {
            switch random.next() % 10 {
            case 0, 1, 2:
                _ = try await queue.take(ticket.number, helper: helper, at: now)
            case 3, 4:
                if let assignment = ticket.assignment {
                    Self.emit("final \(try await queue.resolve(assignment, at: now).number) resolved")
                }
            case 5:
                if let assignment = ticket.assignment { _ = try await queue.release(assignment, at: now) }
            case 6:
                Self.emit("final \(try await queue.cancel(ticket.number, at: now).number) cancelled")
            case 7:
                try await queue.appendTurn(ticket.number, by: .starter, text: "hallo?", at: now)
            default:
                for transition in try await queue.expire(at: now) where transition.to.isFinal {
                    Self.emit("final \(transition.ticket) \(transition.to.rawValue)")
                }
            }
        } catch is TicketError {
            return
        }
    }

    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
