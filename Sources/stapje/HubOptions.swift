import ArgumentParser
import Foundation
import Logging
import StapjeCore
import StapjeTerminal

/// Hub mode of the chat: the kiosk as a client of a `stapje serve`, so its handoff reaches a helper's desk.
struct HubOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Run as a client of the Stapje server at HOST:PORT, so asking for a person reaches a helper's desk.",
            valueName: "host:port"))
    var hub: String?

    @Option(
        name: .long, help: "This kiosk's site: on a helper's card (hub mode) and in the statistics (also: STAPJE_SITE)."
    )
    var site: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --hub: how often a kiosk that lost its hub looks for it again while nobody is using it; it goes "
                + "back to the hub as soon as it answers.", valueName: "seconds"))
    var hubRetry = 30

    func validate() throws {
        if let hub, HubChat.Hub(hub) == nil {
            throw ValidationError("--hub needs HOST:PORT, for example --hub 127.0.0.1:4242")
        }
        guard hubRetry >= 1 else { throw ValidationError("--hub-retry must be at least 1 second") }
    }

    /// For the standalone kiosk that carries on after losing its hub (or never reaching it): how it finds the hub
    /// again. Nil without a hub, or without a terminal (hub mode needs one).
    var hubCheck: TerminalChat.HubCheck? {
        guard let text = hub, let hub = HubChat.Hub(text), isatty(STDIN_FILENO) == 1 else { return nil }
        return TerminalChat.HubCheck(interval: .seconds(hubRetry)) { HubChat.answers(hub) }
    }

    /// Runs the kiosk on the hub when one is given; false when the caller should run standalone (no hub asked for,
    /// no terminal, or the hub could not be reached or went away, which the person and standard error are told).
    /// When it went away during the run, `lostNotice` is what the person must still see once the screen is drawn
    /// again.
    func runOnHub(
        conversation: Conversation, session: Session, options: TerminalOptions, lostNotice: inout String?
    ) throws -> Bool {
        guard let text = hub, let hub = HubChat.Hub(text) else { return false }
        guard isatty(STDIN_FILENO) == 1 else {
            CommandOutput.note("hub mode needs a terminal; answering on its own")
            return false
        }
        var logger = Logger(label: "stapje.hub") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .error
        let chat = HubChat(
            conversation: conversation, freshSession: session, options: options, hub: hub,
            site: site ?? ProcessInfo.processInfo.environment["STAPJE_SITE"], logger: logger)
        switch try chat.run() {
        case .finished:
            return true
        case .unreachable(let reason):
            CommandOutput.note(
                "cannot reach the hub at \(hub) (\(reason)); running on its own: a person asking for a helper is "
                    + "told where to find one")
            return false
        case .lost(let reason):
            CommandOutput.note("lost the hub at \(hub) (\(reason)); carrying on on its own")
            lostNotice = HubChat.lostNotice(language: session.language)
            return false
        }
    }
}
