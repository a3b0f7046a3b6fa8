import Foundation
public import StapjeCore

/// The conversation over plain lines: one message per input line, only the replies out.
///
/// Used when standard input is not a terminal, so the REPL can be scripted and tested. Each reply is its plain
/// lines followed by an empty line; `/quit` or the end of input stops.
public struct PlainChat: Sendable {
    /// The conversation.
    public let conversation: Conversation
    /// The session a new person starts with.
    public let freshSession: Session
    /// Where anonymous statistics go, and the site they count for; nil records nothing.
    public let recording: KioskRecording?

    /// Creates a plain chat.
    public init(conversation: Conversation, freshSession: Session, recording: KioskRecording? = nil) {
        self.conversation = conversation
        self.freshSession = freshSession
        self.recording = recording
    }

    /// Answers every line from `readLine` until it returns nil or `/quit`, writing with `write`.
    public func run(readLine: () -> String?, write: (String) -> Void, now: () -> Date = Date.init) {
        var session = freshSession
        var started = false
        var whereShown = false
        while let line = readLine() {
            let command = TerminalOptions.FaceCommand(rawValue: line.trimmingSpaces().lowercased())
            if command == .quit || command == .exit { return }
            if command == .helperMode {
                session.helperMode.toggle()
                session.allSteps = session.helperMode
                write(FaceWords.helperMode(session.helperMode, language: session.language) + "\n\n")
                continue
            }
            let time = now()
            let (next, reply) = conversation.respond(to: line, in: session, at: time)
            let typed = !line.trimmingSpaces().isEmpty
            recording?.record(reply, before: session, typed: line, startsConversation: typed && !started, at: time)
            started = started || typed
            session = next
            let shown = StandaloneHandoff.adjust(
                reply, session: &session, content: conversation.content, brief: whereShown)
            if shown != reply { whereShown = true }
            let text = ReplyText(content: conversation.content, showHelperNotes: session.helperMode)
            write(text.lines(shown).joined(separator: "\n") + "\n\n")
            if reply.events.contains(.endSession) {
                session = freshSession
                started = false
                whereShown = false
            }
        }
    }
}
