import Foundation
import StapjeKnowledge
import StapjeSheets
import StapjeTestSupport
import StapjeText
import Testing

/// The helper's commands, run as the real `stapje` program.
struct SheetCommandTests {
    struct Run {
        var status: Int32
        var output: String
        var error: String
    }

    /// The `stapje` program from the same build as this test bundle.
    static func program() throws -> URL {
        try StapjeProgram.url()
    }

    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = try program()
        process.arguments = arguments + ["--content", ContentLocator.bundled]
        var environment = ProcessInfo.processInfo.environment
        environment["COLUMNS"] = "100"
        process.environment = environment
        // Standard error goes to a file: a program blocked on a full pipe nobody reads would never exit.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-stderr-\(UUID())")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, output: String(decoding: data, as: UTF8.self),
            error: try String(contentsOf: errorFile, encoding: .utf8))
    }

    @Test func topicsListsEveryTopicUnderItsCategory() throws {
        let run = try Self.run(["topics", "--lang", "fr"])
        #expect(run.status == 0, "\(run.error)")
        let catalog = Catalog(Fixture.content, language: .fr)
        #expect(run.output == TextSheet(width: 100).render(catalog))
        for topic in Fixture.content.topics { #expect(run.output.contains("  \(topic.id) ")) }
        #expect(run.output.contains(Fixture.content.words(.fr).entry("categories", "jobs") + " (jobs)"))
    }

    /// A topic's own title finds it, with the reason and its title; fallbacks still list what the engine ranked.
    @Test func searchRanksTopicsWithReasons() throws {
        let (topic, language) = try #require(Fixture.answered.first { $0.topic.hasPrefix("jobs.") })
        let title = try #require(Fixture.content.answer(topic, language: language)?.title)
        let run = try Self.run(["search", "--lang", language.rawValue] + title.split(separator: " ").map(String.init))
        #expect(run.status == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n").map(String.init)
        let ranked = lines.filter { $0.first?.isNumber == true && $0.contains("  score ") }
        #expect(!ranked.isEmpty)
        #expect(ranked.contains { $0.contains(" \(topic)  score ") && $0.hasSuffix("\"\(title)\"") }, "\(ranked)")
        #expect(lines.contains { $0.hasPrefix("words:") })
        #expect(lines.contains { $0.hasPrefix("decision:") })
        // Only content topics are ranked.
        for line in ranked {
            let id = String(line.split(separator: " ")[1])
            #expect(Fixture.content.isTopic(id), "\(id) is not a content topic")
        }
    }

    @Test func searchShowsTheBestFiveEvenWhenTheEngineWouldNotAnswer() throws {
        let run = try Self.run(["search", "--lang", "nl", "probleem", "met", "mijn", "gsm", "en", "internet", "code"])
        #expect(run.status == 0, "\(run.error)")
        let ranked = run.output.split(separator: "\n").filter { $0.first?.isNumber == true && $0.contains("  score ") }
        #expect(ranked.count == 5, "\(run.output)")
        #expect(ranked.first?.hasPrefix("1. ") == true && ranked.last?.hasPrefix("5. ") == true)
    }

    @Test func sheetAsTextWrapsToTheWidth() throws {
        let answer = try Fixture.richest(.en)
        let run = try Self.run(["sheet", answer.id, "--lang", "en", "--width", "44"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.hasPrefix(answer.title))
        for line in run.output.split(separator: "\n") where line.count > 44 {
            #expect(line.split(separator: " ").count <= 2, "too wide: \(line)")
        }
        let sheet = try Sheet(topic: answer.id, in: Fixture.content, language: .en)
        #expect(run.output == TextSheet(width: 44).render(sheet))
    }

    @Test func sheetForARegionLeavesOtherVariantsOut() throws {
        let answer = try Fixture.richest(.nl)
        let run = try Self.run(["sheet", answer.id, "--lang", "nl", "--region", "wal", "--format", "markdown"])
        #expect(run.status == 0, "\(run.error)")
        #expect(!run.output.contains("\n### "))
        let sheet = try Sheet(topic: answer.id, in: Fixture.content, language: .nl, region: .WAL)
        #expect(run.output == MarkdownSheet().render(sheet))
    }

    @Test func bookletIsWrittenToAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-sheets-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("booklet.html")
        let run = try Self.run(["sheet", "--all", "--format", "html", "--lang", "fr", "-o", file.path])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.isEmpty)
        let html = try String(contentsOf: file, encoding: .utf8)
        let booklet = Booklet(Fixture.content, language: .fr)
        #expect(html.matches(of: /<article class="sheet"/).count == booklet.sheets.count)
        #expect(html.contains("<html lang=\"fr\">"))
        #expect(HTMLCheck.nestingProblems(html).isEmpty)
    }

    @Test func mistakesGetActionableMessages() throws {
        let unknown = try Self.run(["sheet", "jobs.cvv"])
        #expect(unknown.status != 0)
        #expect(unknown.error.contains("unknown topic 'jobs.cvv'"))
        #expect(unknown.error.contains("stapje topics"))
        let neither = try Self.run(["sheet"])
        #expect(neither.status != 0)
        #expect(neither.error.contains("--all"))
        let region = try Self.run(["sheet", "--all", "--region", "XX"])
        #expect(region.status != 0)
        #expect(region.error.contains("VL, BXL, WAL or FR"))
    }
}
