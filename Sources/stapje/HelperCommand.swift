import ArgumentParser
import Foundation
import Logging
import StapjeStore

/// Where the durable store lives; shared by every command that opens it.
struct DataOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "The data directory (handoff queue, helpers). Default: $XDG_STATE_HOME/stapje or ~/.local/state/stapje.")
    var dataDir: String?

    var directory: URL { DataDirectory.resolve(dataDir, environment: ProcessInfo.processInfo.environment) }

    /// Opens the store, logging to standard error at `level`.
    func open(level: Logger.Level = .warning) throws -> (StoreDatabase, Logger) {
        var logger = Logger(label: "stapje.store") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return (try StoreDatabase.open(directory: directory, logger: logger), logger)
    }
}

struct HelperCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "helper",
        abstract: "Manage the helpers who may sign in to the desk and take handoff tickets.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a helper and print their token, once.",
            discussion: """
                The token is printed on the last line and stored nowhere: only a salted hash is kept. Give it to \
                the helper for their desk; if it is lost, remove the helper and add them again.
                """)

        @OptionGroup var data: DataOptions

        @Argument(help: "The helper's name: letters, digits, '.', '_' or '-'.")
        var name: String

        func run() async throws {
            let (database, logger) = try data.open()
            let accounts = HelperAccounts(database: database, logger: logger)
            do {
                let (helper, token) = try await accounts.add(name: name, at: Date())
                print("Added helper \(helper.name). Their token, shown only now:")
                print(token)
            } catch let error as StoreError {
                throw ValidationError(error.message)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List the helpers and when each last signed in.")

        @OptionGroup var data: DataOptions

        func run() async throws {
            let (database, logger) = try data.open()
            let helpers = try await HelperAccounts(database: database, logger: logger).list()
            if helpers.isEmpty {
                print("No helpers yet. Add one with `stapje helper add NAME`.")
                return
            }
            let width = helpers.map(\.name.count).max() ?? 0
            for helper in helpers {
                let seen = helper.lastSeen.map { "last signed in \(Self.format($0))" } ?? "never signed in"
                let padding = String(repeating: " ", count: width - helper.name.count)
                print("\(helper.name)\(padding)  added \(Self.format(helper.created)), \(seen)")
            }
        }

        static func format(_ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            return formatter.string(from: date)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove a helper; their token stops working at once.",
            discussion:
                "A desk they have open is signed out at its next line (a PING every 20 s); the tickets it holds go back to the queue then."
        )

        @OptionGroup var data: DataOptions

        @Argument(help: "The helper's name.")
        var name: String

        func run() async throws {
            let (database, logger) = try data.open()
            guard try await HelperAccounts(database: database, logger: logger).remove(name: name) else {
                throw ValidationError("there is no helper called \(name); `stapje helper list` shows them")
            }
            print("Removed helper \(name).")
        }
    }
}
