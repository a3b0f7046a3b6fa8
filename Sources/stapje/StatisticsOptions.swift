import ArgumentParser
import Foundation
import Logging
import StapjeStore
import StapjeTerminal

/// The retention periods of the statistics (docs/PRIVACY.md), shared by `serve` and `chat`.
struct RetentionOptions: ParsableArguments {
    @Flag(name: .long, help: "Keep no statistics and no unanswered questions.")
    var noStats = false

    @Option(name: .long, help: "Days the anonymous daily counters are kept.")
    var keepStatsDays = StatisticsPolicy().counterDays

    @Option(name: .long, help: "Days unanswered questions (redacted) are kept for curators.")
    var keepQuestionsDays = StatisticsPolicy().unansweredDays

    @Option(name: .long, help: "Days a closed handoff ticket and its (redacted) transcript are kept.")
    var keepTicketsDays = StatisticsPolicy().closedTicketDays

    func validate() throws {
        guard keepStatsDays >= 1, keepQuestionsDays >= 1, keepTicketsDays >= 1 else {
            throw ValidationError("--keep-stats-days, --keep-questions-days and --keep-tickets-days must be 1 or more")
        }
    }

    var policy: StatisticsPolicy {
        StatisticsPolicy(
            counterDays: keepStatsDays, unansweredDays: keepQuestionsDays, closedTicketDays: keepTicketsDays)
    }
}

/// Where the kiosk keeps its anonymous statistics.
struct KioskStatisticsOptions: ParsableArguments {
    @Option(
        name: .long,
        help: """
            Keep anonymous statistics in this data directory (the server's, docs/PRIVACY.md). Default: none, \
            except in kiosk mode: $XDG_STATE_HOME/stapje, else ~/.local/state/stapje.
            """)
    var dataDir: String?

    @OptionGroup var retention: RetentionOptions

    /// The statistics to record to, started, or nil: none asked for, or (kiosk default) the store cannot be opened.
    /// `site` (the kiosk's `--site`, else `$STAPJE_SITE`, else "-") is what the counts are kept under.
    func open(kiosk: Bool, site: String?) throws -> RunningStatistics? {
        guard !retention.noStats, dataDir != nil || kiosk else { return nil }
        var logger = Logger(label: "stapje.kiosk") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let environment = ProcessInfo.processInfo.environment
        let directory = DataDirectory.resolve(dataDir, environment: environment)
        let statistics: Statistics
        do {
            let database = try StoreDatabase.open(directory: directory, logger: logger)
            statistics = try Statistics(database: database, policy: retention.policy, logger: logger, at: Date())
        } catch {
            // A kiosk must start even when its default data directory is broken; an explicit one must work.
            if dataDir != nil { throw ValidationError("\(error)") }
            logger.warning("no statistics: \(error)")
            return nil
        }
        let site = site ?? environment["STAPJE_SITE"] ?? "-"
        let task = Task.detached { await statistics.run() }
        return RunningStatistics(
            recording: KioskRecording(recorder: statistics, site: site), statistics: statistics, task: task)
    }
}

/// Statistics being recorded, with the task that writes them.
struct RunningStatistics {
    /// What the chat records to.
    let recording: KioskRecording
    let statistics: Statistics
    let task: Task<Void, Never>

    /// Stops the writer and writes every count left: only a SIGKILL loses the last few seconds' (docs/PRIVACY.md).
    func stop() {
        task.cancel()
        statistics.close()
    }
}
