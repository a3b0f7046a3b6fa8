import ArgumentParser
import Foundation
import StapjeCore
import StapjeTerminal

struct Chat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Talk with Stapje (the default).",
        discussion: """
            On a terminal: line editing, history (arrow up), tab completion of commands and topics.
            On a pipe: one message per line in, only the replies out.

            Kiosk mode (--kiosk or STAPJE_KIOSK=1) is for a shared screen: history stays in memory, an idle \
            person is warned and then everything is wiped, "ik ben klaar" / "j'ai fini" / "/done" wipes at \
            once, Ctrl-C clears the line and Ctrl-D does nothing. To stop it: SIGTERM, or Ctrl-X then Shift-Q.
            """)

    @OptionGroup var contentOptions: ContentOptions
    @OptionGroup var locale: LocaleOptions

    @Flag(name: .long, help: "Kiosk mode for a shared screen (also: STAPJE_KIOSK=1).")
    var kiosk = false

    @Option(name: .long, help: "Kiosk: seconds without a key before the 'are you still there?' warning.")
    var warnAfter: Double = 120

    @Option(name: .long, help: "Kiosk: seconds without a key before everything is wiped.")
    var wipeAfter: Double = 180

    @Option(name: .long, help: "Keep the history in this file (not in kiosk mode). Default: memory only.")
    var historyFile: String?

    @Flag(name: .long, help: "Helper mode: all steps at once, with the notes for helpers. /helpermode toggles it.")
    var helper = false

    @OptionGroup var hubOptions: HubOptions

    @OptionGroup var statistics: KioskStatisticsOptions

    var terminalOptions: TerminalOptions {
        let environment = ProcessInfo.processInfo.environment["STAPJE_KIOSK"]?.lowercased() ?? ""
        return TerminalOptions(
            kiosk: kiosk || ["1", "true", "yes", "on"].contains(environment), warnAfter: warnAfter,
            wipeAfter: wipeAfter, historyFile: historyFile, helperMode: helper)
    }

    func validate() throws {
        if let problem = terminalOptions.problem { throw ValidationError(problem) }
    }

    func run() throws {
        let conversation = try contentOptions.load()
        var session = try locale.session()
        if helper {
            session.helperMode = true
            session.allSteps = true
        }
        let running = try statistics.open(kiosk: terminalOptions.kiosk, site: hubOptions.site)
        defer { running?.stop() }
        var lostNotice: String?
        // On a hub, until it cannot be reached; then alone, until it answers again at a fresh screen; and so on.
        while true {
            if try hubOptions.runOnHub(
                conversation: conversation, session: session, options: terminalOptions, lostNotice: &lostNotice)
            {
                return
            }
            guard isatty(STDIN_FILENO) == 1 else { break }
            let ending = try TerminalChat(
                conversation: conversation, freshSession: session, options: terminalOptions,
                recording: running?.recording
            ).run(notice: lostNotice, hubCheck: hubOptions.hubCheck)
            guard ending == .hubIsBack else { return }
            lostNotice = nil
        }
        PlainChat(conversation: conversation, freshSession: session, recording: running?.recording).run(
            readLine: { readLine(strippingNewline: true) },
            write: { text in
                FileHandle.standardOutput.write(Data(text.utf8))
            })
    }
}
