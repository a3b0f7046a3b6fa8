import Foundation
import StapjeEngine
import StapjeKnowledge
import Testing

struct ContentCheckTests {
    static var brokenRoot: String {
        Bundle.module.url(forResource: "Fixtures/broken", withExtension: nil)!.path
    }

    /// Each broken fixture must be reported at its file and line, with a message that says what to do.
    @Test(arguments: [
        ("faq/jobs.cv/en.md:5", "not valid YAML"),
        ("faq/jobs.cv/nl.md:1", "related topic 'jobs.nope' does not exist"),
        ("faq/jobs.cv/nl.md:1", "last_checked"),
        ("faq/jobs.cv/nl.md:1", "'## If it does not work' is missing"),
        ("faq/jobs.cv/nl.md:12", "9 steps: at most 8"),
        ("faq/jobs.cv/nl.md:18", "this step has 30 words"),
        ("faq/jobs.cv/nl.md:23", "unknown region '[XX]'"),
        ("faq/ghost.topic/nl.md:1", "'ghost.topic' is not a topic"),
        ("faq/ghost.topic/nl.md:2", "the header needs `lang: nl`"),
        ("faq/topics.yaml:4", "unknown region 'XX'"),
        ("faq/topics.yaml:4", "topic 'trains.times' has no answer in nl"),
        ("faq/conversation/en.yaml:0", "the conversation words are missing"),
        ("faq/conversation/nl.yaml:0", "the key 'greeting' is missing"),
        ("intents/en/jobs.cv.yaml:5", "not valid YAML"),
        ("intents/nl/_concepts-b.yaml:2", "the concept 'phone' is already defined at intents/nl/_concepts-a.yaml:2"),
        ("intents/nl/_concepts-b.yaml:5", "'@phone' in concept 'scanner': a concept cannot name another concept"),
        ("intents/nl/chat.greeting.yaml:5", "the weight of 'weight' should be a number from 1 to 5"),
        ("intents/nl/chat.greeting.yaml:6", "the weight of 'half' should be a number from 1 to 5"),
        ("intents/nl/jobs.cv.yaml:1", "only 2 examples"),
        ("intents/nl/jobs.cv.yaml:4", "unknown concept '@nope'"),
        ("intents/nl/jobs.cv.yaml:7", "option made only of small words"),
        ("intents/en/chat.greeting.yaml:2", "`whole:` takes true or false"),
        ("intents/en/chat.greeting.yaml:3", "`clauses: true` is for whole-message intents"),
        ("intents/en/chat.greeting.yaml:5", "`signals:` are for whole-message intents"),
        ("intents/nl/_out-of-scope.yaml:4", "unknown concept '@nergens'"),
        ("intents/nl/_out-of-scope.yaml:6", "unknown key 'excludes': use `fallback:`, `exclude:` or `question-types:`"),
        ("intents/nl/_out-of-scope.yaml:11", "'Wie Betaalt' is no valid question type name"),
        ("intents/nl/_out-of-scope.yaml:12", "the question type 'leeg' has no lines"),
        ("intents/nl/jobs.cv.yaml:12", "'onbekend' is no question type of _out-of-scope.yaml; its types: prijzen"),
        ("intents/nl/chat.greeting.yaml:8", "`answers:` does nothing in 'chat.greeting'"),
        ("intents/nl/_stems.yaml:3", "'Huis Deur' is not one word in lower case"),
        ("intents/nl/_stems.yaml:4", "the stem of 'mening' must be one word in lower case"),
        ("intents/nl/jobs.cv.yaml:14", "exclude: is empty; write its lines under it"),
        ("intents/nl/jobs.cv.yaml:17", "an empty line in signals"),
    ])
    func brokenContentIsReportedWithFileAndLine(location: String, message: String) {
        let report = ContentChecker(root: Self.brokenRoot).run()
        let found = report.diagnostics.contains { "\($0.location)" == location && $0.message.contains(message) }
        #expect(found, "missing \(location): \(message)")
    }

    @Test func brokenContentDoesNotStopTheRestFromLoading() {
        let loaded = ContentLoader(root: Self.brokenRoot).load()
        #expect(loaded.bundle.answers["jobs.cv"]?[.nl]?.steps(region: nil).count == 9)
        #expect(loaded.bundle.concepts[.nl]?["phone"] != nil)
        // The good line of a stems file with bad ones is kept.
        #expect(loaded.bundle.stems[.nl] == ["gemeente": "gemeente"])
    }

    @Test func theBundledContentChecksClean() {
        let report = ContentChecker(root: ContentLocator.bundled).run()
        #expect(report.errors.map(\.description) == [])
        #expect(report.warnings.map(\.description) == [])
        #expect(report.bundle.topics.count == 36)
        #expect(report.testsRun > 500)
    }

    @Test func everyTopicHasEveryLanguage() {
        let bundle = ContentLoader(root: ContentLocator.bundled).load().bundle
        for topic in bundle.topics {
            #expect(Set(bundle.answers[topic.id]?.keys.map(\.rawValue) ?? []) == ["nl", "fr", "en"], "\(topic.id)")
        }
    }

    @Test func regionVariantsWinOverThePlainPart() throws {
        let bundle = ContentLoader(root: ContentLocator.bundled).load().bundle
        let answer = try #require(bundle.answer("jobs.register", language: .nl))
        let flanders = answer.steps(region: .VL).joined(separator: " ")
        let brussels = answer.steps(region: .BXL).joined(separator: " ")
        #expect(flanders != brussels)
        #expect(flanders.lowercased().contains("vdab"))
        #expect(brussels.lowercased().contains("actiris"))
    }

    @Test func missingDirectoryIsAnErrorNotACrash() {
        let loaded = ContentLoader(root: "/nonexistent/stapje").load()
        #expect(loaded.diagnostics.first?.message.contains("does not exist") == true)
        #expect(loaded.diagnostics.count == 1 && !loaded.isContent)
    }

    /// A file that cannot be read is reported once: the checks that miss what it holds say nothing more (a
    /// curriculum with one bad byte had buried its own error under an error for every answer and intent file).
    @Test(arguments: [
        ("faq/topics.yaml", Data("# caf".utf8) + Data([0xE9, 0x0A])),  // "café" in Latin-1
        ("intents/nl/jobs.cv.yaml", Data("\tcv: 4\n".utf8)),
    ])
    func anUnreadableFileIsReportedOnce(file: String, appended: Data) throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("unreadable-\(UUID())")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for folder in ["faq", "intents"] {
            try FileManager.default.copyItem(
                at: URL(fileURLWithPath: ContentLocator.bundled).appendingPathComponent(folder),
                to: copy.appendingPathComponent(folder))
        }
        let url = copy.appendingPathComponent(file)
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: appended)
        try handle.close()
        let report = ContentChecker(root: copy.path).run()
        #expect(report.errors.count == 1, "\(report.errors.prefix(5))")
        #expect(report.errors.first?.location.file == file)
    }

    /// A folder that is no content (a curator pointing `--content` one level too high or too low) gets one line
    /// that says so, not a problem for every file it lacks.
    @Test func aFolderWithoutFaqOrIntentsIsNoContent() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("not-content-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let loaded = ContentLoader(root: folder.path).load()
        #expect(!loaded.isContent)
        #expect(loaded.diagnostics.count == 1)
        #expect(loaded.diagnostics.first?.message.contains("neither faq/ nor intents/") == true)
    }
}
