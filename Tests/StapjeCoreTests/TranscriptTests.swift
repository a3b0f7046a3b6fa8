import Foundation
import StapjeCore
import StapjeKnowledge
import StapjeTestSupport
import StapjeText
import Testing
import Yams

/// Conversations written as files (Tests/StapjeCoreTests/Transcripts/*.yaml), so curators can add them.
///
/// Each turn says what the person types and what the reply must be: `kind`, and optionally `topic`, `step`,
/// `language`, `options: true` (numbered options shown), `event` (`handoff`, `end` or `none`), `contains` (a text in
/// the rendered reply) and `lacks` (a text not in it).
struct TranscriptTests {
    static let conversation = Conversation(content: ContentLoader(root: ContentLocator.bundled).load().bundle)

    static var files: [String] {
        let folder = Bundle.module.url(forResource: "Transcripts", withExtension: nil)!
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { folder.path + "/" + $0 }
    }

    @Test(arguments: files)
    func transcript(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let region = Region(code: document["region"] as? String ?? "VL") ?? .VL
        // As the faces do: a conversation starts in the region's usual language until its messages show theirs.
        var session = Session(language: region.usualLanguage, region: region)
        let renderer = ReplyText(content: Self.conversation.content)
        var time = Date(timeIntervalSince1970: 1_800_000_000)
        for (number, turn) in (document["turns"] as? [[String: Any]] ?? []).enumerated() {
            let say = "\(turn["say"] ?? "")"
            time += 5
            let (next, reply) = Self.conversation.respond(to: say, in: session, at: time)
            session = next
            let shown = renderer.lines(reply).joined(separator: "\n")
            let where_ = "\((path as NSString).lastPathComponent) turn \(number + 1) '\(say)'"
            if let kind = turn["kind"] as? String {
                #expect(reply.kind.rawValue == kind, "\(where_): kind \(reply.kind)\n\(shown)")
            }
            if let topic = turn["topic"] as? String {
                #expect(reply.topic == topic, "\(where_): topic \(reply.topic ?? "none")")
            }
            if let step = turn["step"] as? Int {
                #expect(reply.position?.step == step, "\(where_): step \(reply.position?.step ?? 0)")
            }
            if let language = turn["language"] as? String {
                #expect(reply.language.rawValue == language, "\(where_): language \(reply.language)")
            }
            if let options = turn["options"] as? Bool {
                #expect(!reply.options.isEmpty == options, "\(where_): options \(reply.options.count)")
            }
            if let contains = turn["contains"] as? String {
                #expect(shown.contains(contains), "\(where_): '\(contains)' not in\n\(shown)")
            }
            if let lacks = turn["lacks"] as? String {
                #expect(!shown.contains(lacks), "\(where_): '\(lacks)' in\n\(shown)")
            }
            switch turn["event"] as? String {
            case "handoff":
                #expect(reply.events.contains { if case .handoffRequested = $0 { true } else { false } }, "\(where_)")
            case "end":
                #expect(reply.events.contains(.endSession), "\(where_)")
            case "none":
                #expect(reply.events.isEmpty, "\(where_): events \(reply.events)")
            default:
                break
            }
        }
    }

    @Test func theSessionKeepsNoTextOfThePerson() throws {
        let (session, _) = Self.conversation.respond(
            to: "mijn wachtwoord is geheim123", in: Session(), at: Date(timeIntervalSince1970: 0))
        let encoded = String(decoding: try JSONEncoder().encode(session), as: UTF8.self)
        #expect(!encoded.contains("geheim123"))
    }

    @Test func controlCharactersAndHugeInputAreCleaned() {
        #expect(Conversation.clean("a\u{0}b\u{7}c\r\n") == "abc")
        #expect(Conversation.clean(String(repeating: "x", count: 100_000)).count == Conversation.maximumInput)
        #expect(Conversation.clean("   ") == "")
        #expect(Conversation.clean("  ja  ") == "ja")
        #expect(Conversation.clean("wacht\u{200B}woord \u{202E}vergeten\u{202C}") == "wachtwoord vergeten")
    }

    /// A zero-width space typed or pasted inside a word no longer splits it for the engine.
    @Test func aZeroWidthSpaceInsideAWordDoesNotHideIt() {
        let (_, reply) = Self.conversation.respond(
            to: "ik ben mijn wacht\u{200B}woord vergeten", in: Session(), at: Date(timeIntervalSince1970: 0))
        #expect(reply.topic == "account.passwords", "\(reply)")
    }

    /// Printable ASCII takes a shorter way; a control character (dropped) sends the same text the long way.
    @Test func cleaningPlainTextGivesWhatTheGeneralPathGives() {
        var random = SeededGenerator(seed: 5)
        let alphabet = Array(" ab?!'~xZ")
        for _ in 0..<2000 {
            let text = String(random.draw(0...12, from: alphabet))
            #expect(Conversation.clean(text) == Conversation.clean(text + "\u{1}"), "\(text)")
        }
    }

    /// Accented text without control characters takes a shorter way too: the same result as the long way, also with
    /// combining marks after a space, C1 controls, line separators and characters of four bytes.
    @Test func cleaningAccentedTextGivesWhatTheGeneralPathGives() {
        var random = SeededGenerator(seed: 6)
        let alphabet: [Character] = [
            " ", "a", "é", "ç", "ß", "?", "\u{301}", "\u{85}", "\u{9F}", "\u{A0}", "\u{2028}", "\u{2029}", "\u{2027}",
            "\u{202A}", "🙂", "\u{7F}", "\t",
        ]
        for _ in 0..<4000 {
            let text = String(random.draw(0...10, from: alphabet))
            #expect(
                Conversation.clean(text) == Conversation.clean(text + "\u{1}"), "\(text.unicodeScalars.map(\.value))")
        }
        // Within the limit, the shorter way gives the text itself; past it, the text is cut as before.
        let long = String(repeating: "é", count: Conversation.maximumInput + 5)
        #expect(Conversation.clean(long).count == Conversation.maximumInput)
        #expect(Conversation.clean("café crème") == "café crème")
    }
}
