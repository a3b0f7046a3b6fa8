import Logging
import NIOConcurrencyHelpers
import NIOPosix
import StapjeCore
import StapjeEngine

/// What a content reload did.
public struct ContentReload: Sendable, Hashable {
    /// True when the new content is now served.
    public var applied: Bool
    /// How many topics the served content has.
    public var topics: Int
    /// The errors that kept the old content (`file:line: message`), at most 20.
    public var errors: [String]
}

/// One version of the served content, shared by reference: a command takes it once, in one pointer, and uses
/// that version throughout even if a reload swaps in another meanwhile. (Copying the `Conversation` itself out of
/// the lock would retain and release each of its many fields on every command, from every thread at once.)
final class ServedContent: Sendable {
    /// The conversation over this content.
    let conversation: Conversation
    /// Its renderer for replies.
    let text: ReplyText

    init(_ conversation: Conversation) {
        self.conversation = conversation
        self.text = ReplyText(content: conversation.content)
    }
}

/// The content the server answers from: read by every command, swapped whole by a reload.
final class LiveContent: Sendable {
    private let current: NIOLockedValueBox<ServedContent>
    /// The content directory reloads read.
    let root: String?

    /// Serves `conversation`; reloads read `root`.
    init(_ conversation: Conversation, root: String?) {
        self.current = NIOLockedValueBox(ServedContent(conversation))
        self.root = root
    }

    /// The content served now.
    var served: ServedContent { current.withLockedValue { $0 } }

    /// The conversation over the content served now.
    var conversation: Conversation { served.conversation }

    /// Checks the content in `root` (or the configured root) fully, off the event loops, and swaps it in only when
    /// the check finds no error. Otherwise the old content stays and the log says why.
    func reload(from root: String? = nil, logger: Logger) async -> ContentReload {
        guard let root = root ?? self.root else {
            logger.error("content reload refused: the server was started without a content directory")
            return ContentReload(applied: false, topics: conversation.content.topics.count, errors: ["no directory"])
        }
        logger.info("content reload started", metadata: ["root": "\(root)"])
        let report: ContentChecker.Report
        do {
            report = try await NIOThreadPool.singleton.runIfActive { ContentChecker(root: root).run() }
        } catch {
            logger.error("content reload failed", metadata: ["error": "\(error)"])
            return ContentReload(applied: false, topics: conversation.content.topics.count, errors: ["\(error)"])
        }
        let errors = report.refusals(root: root)
        guard errors.isEmpty else {
            logger.error(
                "content reload refused: the new content has errors; still serving the old content",
                metadata: [
                    "root": "\(root)", "errors": "\(errors.count)",
                    "first": "\(errors.prefix(3).joined(separator: " | "))",
                ])
            return ContentReload(
                applied: false, topics: conversation.content.topics.count, errors: Array(errors.prefix(20)))
        }
        let conversation = Conversation(content: report.bundle, matcher: report.matcher)
        let served = ServedContent(conversation)
        current.withLockedValue { $0 = served }
        logger.info(
            "content reloaded",
            metadata: [
                "root": "\(root)", "topics": "\(report.bundle.topics.count)", "warnings": "\(report.warnings.count)",
            ])
        return ContentReload(applied: true, topics: report.bundle.topics.count, errors: [])
    }
}
