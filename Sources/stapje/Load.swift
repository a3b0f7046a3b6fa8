import ArgumentParser
import Foundation
import Logging
import StapjeServer

struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a server: N connections ask M questions each; prints throughput and latency percentiles.",
        discussion: """
            Without --port, a server is started in this process on a free loopback port. --echo also runs a bare \
            line-echo server on the same framework, sends it the same lines, and prints the ratio. --rate makes the \
            load open-loop (a fixed schedule, sent on the first millisecond tick after each question's time; \
            latency counts from that scheduled time; lines of an eval file that end the conversation are then left \
            out). --idle N holds N idle \
            connections and prints the server's STATS line (rss-kb): run it against `stapje serve` in another \
            process, with `ulimit -n` raised on both sides. Build with -c release; prints figures, asserts nothing.
            """)

    @OptionGroup var contentOptions: ContentOptions

    @Argument(help: "The questions: one per line, or an eval file (lang<TAB>expected<TAB>text).")
    var questions: String?

    @Option(help: "Connections held at once.")
    var connections = 200

    @Option(help: "Questions each connection asks.")
    var perConnection = 100

    @Option(help: "Questions per second over all connections (open loop). Default: as fast as replies come.")
    var rate: Double?

    @Option(help: "Questions each connection asks before measuring.")
    var warmup = 10

    @Option(help: "The server's host (with --port).")
    var host = "127.0.0.1"

    @Option(help: "A running server's port. Default: start one in this process.")
    var port: Int?

    @Flag(help: "Also measure a bare line-echo server on the same framework and print the ratio.")
    var echo = false

    @Option(help: "Instead of asking, hold this many idle connections and print the server's STATS.")
    var idle: Int?

    @Option(help: "Event loop threads for the load generator.")
    var threads = 1

    @Flag(help: "Send the lines of the file as they are (e.g. PING or NEXT) instead of as questions after ASK.")
    var asIs = false

    func run() async throws {
        var logger = Logger(label: "stapje.load")
        logger.logLevel = .warning
        if let idle {
            try await holdIdle(idle, logger: logger)
            return
        }
        guard let questions else { throw ValidationError("give a file of questions, e.g. ../shared/eval/dev.tsv") }
        let lines = try Self.read(questions, leavingOutGoodbyes: rate != nil)
        if lines.leftOut > 0 {
            // Sent on schedule, the questions after a goodbye would reach a connection whose conversation just ended
            // and get an error, before the generator's new NEW is answered.
            print("open loop: \(lines.leftOut) lines that end the conversation (chat.goodbye) left out")
        }
        if let port {
            guard !echo else { throw ValidationError("--echo runs both servers in this process: leave out --port") }
            try await measure("stapje", target: .stapje, port: port, questions: lines.questions)
            return
        }
        let conversation = try contentOptions.load()
        try await LocalServers.run(
            configuration: serverConfiguration(), conversation: conversation, echo: echo, logger: logger
        ) { ports in
            let stapje = try await measure("stapje", target: .stapje, port: ports.stapje, questions: lines.questions)
            if let echoPort = ports.echo {
                let baseline = try await measure("echo", target: .echo, port: echoPort, questions: lines.questions)
                print(String(format: "ratio stapje/echo: %.0f%%", 100 * stapje.throughput / baseline.throughput))
            }
        }
    }

    func serverConfiguration() -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.maximumConnections = max(connections, idle ?? 0) + 16
        configuration.maximumConnectionsPerAddress = configuration.maximumConnections
        return configuration
    }

    @discardableResult
    func measure(_ name: String, target: LoadGenerator.Target, port: Int, questions: [String]) async throws
        -> LoadGenerator.Report
    {
        var configuration = LoadGenerator.Configuration(port: port, questions: questions)
        configuration.host = host
        configuration.connections = connections
        configuration.target = target
        configuration.threads = threads
        configuration.prefix = asIs ? "" : "ASK "
        if warmup > 0 {
            configuration.questionsPerConnection = warmup
            _ = try await LoadGenerator(configuration: configuration).run()
        }
        configuration.questionsPerConnection = perConnection
        configuration.rate = rate
        let report = try await LoadGenerator(configuration: configuration).run()
        let unit = target == .stapje && !asIs ? "ASK/s" : "replies/s"
        let mode = rate.map { String(format: "open loop at %.0f/s", $0) } ?? "closed loop"
        print(
            String(
                format: "%@: %d connections x %d (%@): %d replies in %.2f s = %.0f %@; "
                    + "latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f; errors %d",
                name, connections, perConnection, mode, report.answered, report.seconds, report.throughput, unit,
                report.percentile(0.5), report.percentile(0.9), report.percentile(0.99), report.latencies.last ?? 0,
                report.errors))
        return report
    }

    func holdIdle(_ count: Int, logger: Logger) async throws {
        if let port {
            let stats = try await LoadGenerator.holdIdle(host: host, port: port, count: count)
            print("\(count) idle connections held; server says: \(stats)")
            return
        }
        let conversation = try contentOptions.load()
        try await LocalServers.run(
            configuration: serverConfiguration(), conversation: conversation, echo: false, logger: logger
        ) { ports in
            let stats = try await LoadGenerator.holdIdle(host: "127.0.0.1", port: ports.stapje, count: count)
            print("\(count) idle connections held (server and clients in this one process); server says: \(stats)")
        }
    }

    /// Questions from a file: one per line, or the last field of a tab-separated line; `#` comments and the eval
    /// header are skipped. With `leavingOutGoodbyes`, lines of an eval file whose expected intent ends the
    /// conversation (`chat.goodbye`) are left out and counted.
    static func read(_ path: String, leavingOutGoodbyes: Bool = false) throws -> (questions: [String], leftOut: Int) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        var leftOut = 0
        let questions = String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { raw -> String? in
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#"), line != "lang\texpected\ttext" else { return nil }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if leavingOutGoodbyes && fields.count == 3 && fields[1] == "chat.goodbye" {
                leftOut += 1
                return nil
            }
            let text = fields.last.map(String.init) ?? line
            return text.isEmpty ? nil : text
        }
        guard !questions.isEmpty else { throw ValidationError("no questions in \(path)") }
        return (questions, leftOut)
    }
}
