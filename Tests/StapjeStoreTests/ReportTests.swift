import Foundation
import StapjeCore
import StapjeTestSupport
import StapjeText
import Testing

@testable import StapjeStore

/// `stapje report`'s three formats on a seeded store, and the command itself.
struct ReportTests {
    /// Questions that test quoting and escaping.
    static let awkward = [
        "hoe zeg ik \"hallo\", in het frans", "=HYPERLINK(\"x\")", "<b>vet</b> & <script>", "-2+3",
    ]

    /// A store with five days of made-up use at three sites, and one resolved handoff, from `start` on.
    static func seeded(
        from start: Date = at(0), _ body: (TemporaryStore, InsightsReport) async throws -> Void
    ) async throws {
        func time(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }
        try await TemporaryStore.with { store in
            let statistics = try store.statistics(at: start)
            for day in 0..<5 {
                let moment = time(Double(day) * oneDay)
                for index in 0...day {
                    let site = index % 2 == 0 ? "bib-gent-1" : "bib-brussel"
                    statistics.record(record(.answer, topic: "jobs.cv", site: site, at: moment, starts: true))
                }
                statistics.record(record(.answer, topic: "email.create", language: .fr, at: moment, starts: true))
                statistics.record(record(.chat, topic: "email.create", at: moment, notUnderstood: true))
                statistics.record(record(.fallback, at: moment, question: "hoe maak ik een tiktok"))
            }
            statistics.record(record(.step, topic: "jobs.cv", at: start, completed: true))
            statistics.record(record(.handoff, topic: "jobs.cv", at: start))
            for text in awkward { statistics.record(record(.fallback, at: time(3600), question: text)) }
            statistics.record(
                record(.clarify, at: start, question: "cv", alternatives: ["jobs.cv", "jobs.apply-online"]))
            let queue = store.queue()
            let ticket = try await queue.enqueue(request("s1"), at: time(100))
            let taken = try await queue.take(ticket.ticket.number, helper: "An", at: time(250))
            _ = try await queue.resolve(try #require(taken.assignment), at: time(400))
            try statistics.maintain(at: time(500))
            try await body(store, try store.report(start, time(4 * oneDay)))
        }
    }

    @Test func textSaysEveryFigure() async throws {
        try await Self.seeded { _, report in
            let text = ReportText(titles: ["jobs.cv": "Een cv maken"]).render(report)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let period = "\(report.period.from) to \(report.period.to)"
            #expect(lines[0] == "Stapje report \(period), all sites (bib-a, bib-brussel, bib-gent-1)")
            func figure(_ label: String) -> String? {
                lines.first { $0.hasPrefix(label + " ") }?.split(separator: " ").last.map(String.init)
            }
            #expect(figure("Conversations") == "20")
            #expect(figure("Answers shown") == "20")
            #expect(figure("Guidance moments (begeleidingsmomenten)") == "1")
            #expect(figure("Requests for a person") == "1")
            #expect(figure("Not understood (fallbacks)") == "9")
            #expect(text.contains("  1 closed: resolved 1, cancelled 0, abandoned 0, expired 0\n"))
            #expect(text.contains("waits: < 1 min 0, 1-3 min 1, 3-5 min 0"))
            #expect(text.contains("  jobs.cv (Een cv maken)  15  1\n"))
            #expect(text.contains("  email.create: 100% of 5 answers (not understood 5, person asked 0)\n"))
            let unanswered = try #require(text.firstRange(of: "Top unanswered questions"))
            #expect(text[unanswered.upperBound...].contains("  5x  hoe maak ik een tiktok  (nl, fallback, 1 site(s)"))
        }
    }

    @Test func csvIsRFC4180AndRoundTrips() async throws {
        try await Self.seeded { _, report in
            let csv = ReportCSV().render(report)
            #expect(csv.hasPrefix("section,item,language,count,detail\r\n"))
            #expect(csv.hasSuffix("\r\n"))
            let rows = try CSVReader.parse(csv)
            #expect(rows.allSatisfy { $0.count == 5 }, "\(rows.filter { $0.count != 5 })")
            let questions = rows.filter { $0[0] == "unanswered" }.map { $0[1] }
            #expect(questions.contains("hoe zeg ik \"hallo\", in het frans"))
            // A formula is never a formula in a spreadsheet.
            #expect(questions.contains("'=hyperlink(\"x\")"))
            #expect(questions.contains("'-2+3"))
            #expect(csv.contains("\"hoe zeg ik \"\"hallo\"\", in het frans\""))
            #expect(rows.contains(["summary", "guidance-moments", "", "1", ""]))
            #expect(rows.contains(["summary", "conversations", "", "20", ""]))
            #expect(rows.contains(["topic-answers", "jobs.cv", "", "15", ""]))
            #expect(rows.contains(["handoff-outcome", "resolved", "", "1", ""]))
            #expect(rows.contains(["handoff-wait", "1-3 min", "", "1", ""]))
            #expect(rows.filter { $0[0] == "day-conversations" }.map { $0[3] } == ["2", "3", "4", "5", "6"])
            let clarify = try #require(rows.first { $0[0] == "unanswered" && $0[1] == "cv" })
            #expect(clarify[4].hasPrefix("clarify; sites 1; first "))
            #expect(clarify[4].hasSuffix("; offered jobs.cv jobs.apply-online"))
        }
    }

    @Test func htmlIsOneSelfContainedWellFormedPage() async throws {
        try await Self.seeded { _, report in
            let html = ReportHTML(titles: ["jobs.cv": "Een cv <maken>"]).render(report)
            #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
            #expect(HTMLNesting.problems(html).isEmpty, "\(HTMLNesting.problems(html).prefix(5))")
            #expect(html.matches(of: /&(?!amp;|lt;|gt;|quot;|#39;)/).isEmpty)
            for banned in ["<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "http:", "https:", "//"] {
                #expect(!html.lowercased().contains(banned), "\(banned)")
            }
            for section in ["summary", "days", "handoffs", "topics", "trouble", "unanswered"] {
                #expect(html.contains("<section id=\"\(section)\">"))
            }
            #expect(html.contains("<li id=\"figure-guidance-moments\"><span class=\"value\">1</span>"))
            #expect(html.matches(of: /<div class="col" style="height:/).count == report.days.count)
            let lastDay = try #require(report.days.last?.day)
            let tallest = "style=\"height: 100.0%\" title=\"" + lastDay + ": 6\""
            #expect(html.contains(tallest))
            let topics = try #require(html.firstRange(of: "<section id=\"topics\">"))
            let topicBars = html[topics.upperBound...].prefix { _ in true }.split(separator: "</section>")[0]
            #expect(topicBars.matches(of: /<div class="bar">/).count == report.topics.filter { $0.answers > 0 }.count)
            #expect(topicBars.contains("Een cv &lt;maken&gt; (jobs.cv)"))
            #expect(topicBars.contains("width: 100.0%"))
            #expect(html.contains("<td>&lt;b&gt;vet&lt;/b&gt; &amp; &lt;script&gt;</td>"))
        }
    }

    /// The page as Chromium renders it: the DOM it parsed, and a printed PDF (like the helpers' booklet).
    @Test(.enabled(if: Chromium.path != nil, "Chromium is not installed (Debian: apt-get install chromium)"))
    func htmlRendersInHeadlessChromium() async throws {
        try await Self.seeded { store, report in
            let page = store.directory.appendingPathComponent("report.html")
            try Data(ReportHTML().render(report).utf8).write(to: page)
            let profile = store.directory.appendingPathComponent("chromium-profile")
            let flags = [
                "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
                "--user-data-dir=\(profile.path)",
            ]
            let dom = try Chromium.run(flags + ["--dump-dom", page.absoluteString])
            #expect(dom.contains("<h1>Stapje report</h1>"), "\(dom.prefix(500))")
            #expect(dom.contains("<section id=\"unanswered\">"))
            #expect(dom.contains("hoe maak ik een tiktok"))
            #expect(!dom.contains("<script"))
            let pdf = store.directory.appendingPathComponent("report.pdf")
            _ = try Chromium.run(flags + ["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", page.absoluteString])
            let bytes = try Data(contentsOf: pdf)
            #expect(bytes.starts(with: Data("%PDF".utf8)))
            #expect(bytes.count > 5_000)
        }
    }

    @Test func theCommandWritesAMonthInOneGo() async throws {
        // The command purges at the real time: the figures must be recent. Day 1 of this month, plus an hour.
        let policy = StatisticsPolicy()
        let start = policy.calendar.dateInterval(of: .month, for: Date())!.start.addingTimeInterval(3600)
        try await Self.seeded(from: start) { store, report in
            let month = String(report.period.from.prefix(7))
            let output = store.directory.appendingPathComponent("month.csv")
            let (status, printed) = try StapjeProgram.run([
                "report", "--data-dir", store.directory.path, "--month", month, "--format", "csv", "-o", output.path,
            ])
            #expect(status == 0, "\(printed)")
            let csv = try String(contentsOf: output, encoding: .utf8)
            #expect(csv.contains("period,\(month)-01,,,\(month)-"))
            #expect(csv.contains("summary,conversations,,20,\r\n"))
            let (siteStatus, text) = try StapjeProgram.run([
                "report", "--data-dir", store.directory.path, "--month", month, "--site", "bib-brussel",
            ])
            #expect(siteStatus == 0)
            #expect(text.contains("site bib-brussel"))
            #expect(text.contains("Conversations                            6\n"))
            let (htmlStatus, html) = try StapjeProgram.run([
                "report", "--data-dir", store.directory.path, "--from", report.period.from, "--to", report.period.to,
                "--format", "html",
            ])
            #expect(htmlStatus == 0 && html.hasPrefix("<!DOCTYPE html>"))
            for bad in [
                ["--from", "2026-11-01"], ["--month", "2026-11", "--from", "2026-11-01", "--to", "2026-11-02"],
                ["--month", "nov"],
            ] {
                let (badStatus, message) = try StapjeProgram.run(["report", "--data-dir", store.directory.path] + bad)
                #expect(badStatus != 0, "\(bad): \(message)")
            }
            let empty = store.directory.appendingPathComponent("nothing-here")
            let (missing, why) = try StapjeProgram.run(["report", "--data-dir", empty.path])
            #expect(missing != 0 && why.contains("no Stapje store"))
            #expect(!FileManager.default.fileExists(atPath: empty.path))
        }
    }
}

/// A strict RFC 4180 reader: fails on anything the standard does not allow.
enum CSVReader {
    struct Malformed: Error {
        var reason: String
    }

    static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var scalars = Array(text.unicodeScalars)[...]
        var quoted = false
        var wasQuoted = false
        while let scalar = scalars.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        field.unicodeScalars.append("\"")
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"":
                guard field.isEmpty, !wasQuoted else { throw Malformed(reason: "quote inside a field: \(field)") }
                quoted = true
                wasQuoted = true
            case ",":
                row.append(field)
                field = ""
                wasQuoted = false
            case "\r":
                guard scalars.popFirst() == "\n" else { throw Malformed(reason: "CR without LF") }
                row.append(field)
                rows.append(row)
                row = []
                field = ""
                wasQuoted = false
            case "\n":
                throw Malformed(reason: "bare LF after \(row)")
            default:
                guard !wasQuoted else { throw Malformed(reason: "text after a closing quote") }
                field.unicodeScalars.append(scalar)
            }
        }
        guard !quoted, row.isEmpty, field.isEmpty else { throw Malformed(reason: "unterminated last row") }
        return rows
    }
}

/// Unclosed or mismatched tags in generated HTML.
enum HTMLNesting {
    static let voidElements: Set<String> = ["meta", "br", "hr", "img", "link", "input", "wbr"]

    static func problems(_ html: String) -> [String] {
        var stack: [String] = []
        var problems: [String] = []
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return problems + ["unterminated tag"] }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("!") { continue }
            let name = String(tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }).lowercased()
            if voidElements.contains(name) { continue }
            if tag.hasPrefix("/") {
                if stack.last == name {
                    stack.removeLast()
                } else {
                    problems.append("</\(name)> closes <\(stack.last ?? "-")>")
                }
            } else {
                stack.append(name)
            }
        }
        return problems + stack.map { "<\($0)> never closed" }
    }
}

/// Headless Chromium, when installed.
enum Chromium {
    static let path: String? = ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap { name in
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }.first

    /// Runs Chromium with `arguments` and returns its standard output (standard error is dropped: it is noisy).
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(path))
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
