import Foundation
import StapjeText

/// A report as one self-contained HTML page: inline CSS, bar charts drawn with plain HTML and CSS, no script,
/// nothing fetched. Prints on A4 as it shows on screen.
public struct ReportHTML: Sendable {
    /// Topic titles by id, shown beside the ids.
    public var titles: [String: String]
    /// The time zone of the first/last-seen days.
    public var timeZone: TimeZone

    /// A renderer.
    public init(titles: [String: String] = [:], timeZone: TimeZone = StatisticsPolicy().timeZone) {
        self.titles = titles
        self.timeZone = timeZone
    }

    static let style = """
        html { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 12pt; color: #1a1a1a; }
        body { max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
        h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
        h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid #1f5f8b; padding-bottom: 0.2rem; }
        p.scope { color: #444; margin-top: 0; }
        .figures { display: flex; flex-wrap: wrap; gap: 0.6rem; list-style: none; padding: 0; }
        .figures li { border: 1px solid #c9d6df; border-radius: 6px; padding: 0.5rem 0.8rem; min-width: 9rem; }
        .figures .value { display: block; font-size: 1.5rem; font-weight: bold; color: #1f5f8b; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid #e3e8ec; vertical-align: top; }
        td.n, th.n { text-align: right; white-space: nowrap; }
        .chart { width: 100%; }
        .bar { display: flex; align-items: center; margin: 0.15rem 0; }
        .bar .label { width: 20rem; flex: none; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
        .bar .track { flex: 1; background: #eef3f6; height: 1rem; }
        .bar .fill { background: #1f5f8b; height: 1rem; }
        .bar .fill.warn { background: #b5651d; }
        .bar .count { width: 4rem; flex: none; text-align: right; }
        .days { display: flex; align-items: flex-end; gap: 2px; height: 8rem; border-bottom: 1px solid #999; }
        .days .col { flex: 1; max-width: 3rem; background: #1f5f8b; min-height: 1px; }
        .days-axis { display: flex; justify-content: space-between; color: #444; font-size: 0.9rem; }
        .note { color: #444; font-size: 0.95rem; }
        @media print { body { margin: 0; } h2 { break-after: avoid; } .bar, tr { break-inside: avoid; } }
        """

    /// The page.
    public func render(_ report: InsightsReport) -> String {
        var html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<title>Stapje report \(e(report.period.from)) to \(e(report.period.to))</title>\n"
        html += "<style>\n\(Self.style)\n</style>\n</head>\n<body>\n"
        html += "<h1>Stapje report</h1>\n"
        html += "<p class=\"scope\">\(e(report.period.from)) to \(e(report.period.to)), "
        html += "\(e(ReportWords.scope(report)))</p>\n"

        html += "<section id=\"summary\">\n<h2>In figures</h2>\n<ul class=\"figures\">\n"
        for entry in ReportWords.summary {
            html += "<li id=\"figure-\(entry.item)\"><span class=\"value\">\(entry.value(report))</span>"
            html += "\(e(entry.label))</li>\n"
        }
        html += "</ul>\n"
        if !report.languages.isEmpty {
            html += "<h3>Conversations per language</h3>\n"
            html += bars(report.languages.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) })
        }
        html += "<p class=\"note\">A guidance moment (begeleidingsmoment) is a request for a person that a helper "
        html += "took and marked resolved.</p>\n</section>\n"

        html += "<section id=\"days\">\n<h2>Conversations per day</h2>\n"
        if report.days.isEmpty {
            html += "<p>No conversations in this period.</p>\n"
        } else {
            let highest = max(1, report.days.map(\.conversations).max() ?? 1)
            html += "<div class=\"days\" role=\"img\" aria-label=\"conversations per day\">\n"
            for day in report.days {
                let height = Double(day.conversations) / Double(highest) * 100
                html += "<div class=\"col\" style=\"height: \(format(height))%\" "
                html += "title=\"\(e(day.day)): \(day.conversations)\"></div>\n"
            }
            html += "</div>\n<div class=\"days-axis\"><span>\(e(report.days.first?.day ?? ""))</span>"
            html += "<span>\(e(report.days.last?.day ?? ""))</span></div>\n"
        }
        html += "</section>\n"

        html += "<section id=\"handoffs\">\n<h2>Handoffs and how they ended</h2>\n"
        let handoffs = report.handoffs
        if handoffs.closed == 0 {
            html += "<p>No closed handoff tickets in this period.</p>\n"
        } else {
            html += bars(ReportWords.outcomes.map { ($0, handoffs.outcomes[$0] ?? 0) })
            html += "<p>Taken by a helper: \(handoffs.taken). Wait: mean "
            html += "\(e(ReportWords.duration(handoffs.meanWait ?? 0))), longest "
            html += "\(e(ReportWords.duration(handoffs.waitMax))).</p>\n<h3>Waits</h3>\n"
            html += bars(Array(zip(InsightsReport.waitBucketLabels, handoffs.waitBuckets)))
        }
        html += "</section>\n"

        html += "<section id=\"topics\">\n<h2>Answers per topic</h2>\n"
        let answered = report.topics.filter { $0.answers > 0 }
        html +=
            answered.isEmpty
            ? "<p>No answers in this period.</p>\n" : bars(answered.map { (label($0.topic), $0.answers) })
        html += "</section>\n"

        html += "<section id=\"trouble\">\n<h2>Topics often followed by &quot;not understood&quot; "
        html += "or a request for a person</h2>\n"
        let trouble = report.troubleTopics
        if trouble.isEmpty {
            html += "<p>None in this period.</p>\n"
        } else {
            html += "<table>\n<thead><tr><th>Topic</th><th class=\"n\">Answers</th><th class=\"n\">Not understood</th>"
            html += "<th class=\"n\">Person asked</th><th class=\"n\">Rate</th></tr></thead>\n<tbody>\n"
            for topic in trouble {
                html += "<tr><td>\(e(label(topic.topic)))</td><td class=\"n\">\(topic.answers)</td>"
                html += "<td class=\"n\">\(topic.notUnderstood)</td><td class=\"n\">\(topic.handoffs)</td>"
                html += "<td class=\"n\">\(ReportWords.percent(topic.troubleRate))</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        html += "</section>\n"

        html += "<section id=\"unanswered\">\n<h2>Top unanswered questions</h2>\n"
        html += "<p class=\"note\">Redacted: personal data was replaced by a [PLACEHOLDER] before it was kept.</p>\n"
        if report.unanswered.isEmpty {
            html += "<p>None in this period.</p>\n"
        } else {
            html += "<table>\n<thead><tr><th class=\"n\">Times</th><th>Question</th><th>Language</th><th>Kind</th>"
            html += "<th class=\"n\">Sites</th><th>Last asked</th><th>Offered</th></tr></thead>\n<tbody>\n"
            for question in report.unanswered {
                html += "<tr><td class=\"n\">\(question.count)</td><td>\(e(question.text))</td>"
                html += "<td>\(e(question.language))</td><td>\(e(question.kind))</td>"
                html += "<td class=\"n\">\(question.sites)</td>"
                html += "<td>\(e(ReportWords.day(question.lastSeen, timeZone: timeZone)))</td>"
                html += "<td>\(e(question.alternatives.joined(separator: ", ")))</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        html += "</section>\n</body>\n</html>\n"
        return html
    }

    /// Horizontal bars, scaled to the largest value.
    func bars(_ values: [(String, Int)]) -> String {
        let highest = max(1, values.map(\.1).max() ?? 1)
        var html = "<div class=\"chart\">\n"
        for (name, count) in values {
            let width = Double(count) / Double(highest) * 100
            html += "<div class=\"bar\"><span class=\"label\">\(e(name))</span><span class=\"track\">"
            html += "<span class=\"fill\" style=\"display: block; width: \(format(width))%\"></span></span>"
            html += "<span class=\"count\">\(count)</span></div>\n"
        }
        return html + "</div>\n"
    }

    func label(_ topic: String) -> String {
        titles[topic].map { "\($0) (\(topic))" } ?? topic
    }

    func format(_ percent: Double) -> String {
        String(format: "%.1f", percent)
    }

    /// Escapes text for HTML content and attribute values.
    func e(_ text: String) -> String {
        HTMLEscaping.escape(text)
    }
}
