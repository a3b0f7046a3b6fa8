import ArgumentParser
import Foundation
import Logging
import StapjeTerminal

struct Desk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "desk",
        abstract: "The helpers' console: watch the handoff queue, take a ticket, chat with the person.",
        discussion: """
            Connects to a `stapje serve --data-dir DIR` server and signs in with your helper token (from \
            `stapje helper add NAME`): set STAPJE_HELPER_TOKEN, or type it when asked (it is not shown). The token \
            never goes on the command line. New and changed tickets appear as they come; `take N` shows a ticket's \
            card; then what you type goes to the person. `help` lists the commands. Nothing is written to disk.
            """)

    @Option(help: "The server's host.")
    var host = "127.0.0.1"

    @Option(help: "The server's port.")
    var port = 4242

    func run() throws {
        guard isatty(STDIN_FILENO) == 1 else {
            throw ValidationError("stapje desk is a console: run it on a terminal")
        }
        let fromEnvironment = ProcessInfo.processInfo.environment["STAPJE_HELPER_TOKEN"] ?? ""
        let token = fromEnvironment.isEmpty ? SecretPrompt.read("Helper token: ") ?? "" : fromEnvironment
        guard !token.isEmpty else {
            throw ValidationError("no helper token: set STAPJE_HELPER_TOKEN, or type the token when asked")
        }
        var logger = Logger(label: "stapje.desk") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .error
        do {
            let ended = try DeskConsole(options: .init(host: host, port: port, token: token), logger: logger).run()
            if !ended { throw ExitCode(1) }
        } catch let error as DeskConsole.StartError {
            FileHandle.standardError.write(Data("stapje desk: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
