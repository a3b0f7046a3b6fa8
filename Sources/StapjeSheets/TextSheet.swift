import Foundation
import StapjeKnowledge

/// Renders sheets and the topic list as plain text, wrapped to a width (for a terminal or a text file).
public struct TextSheet: Sendable {
    /// The widest line, in characters; a word longer than this (a web address) gets a line of its own, unbroken.
    public var width: Int

    /// The narrowest width that still reads.
    public static let minimumWidth = 30

    /// Creates a renderer for `width` characters (at least `minimumWidth`).
    public init(width: Int = 80) {
        self.width = max(width, Self.minimumWidth)
    }

    /// The sheet as text, ending with a new line.
    public func render(_ sheet: Sheet) -> String {
        lines(sheet).joined(separator: "\n") + "\n"
    }

    /// The sheet as lines.
    public func lines(_ sheet: Sheet) -> [String] {
        let words = sheet.words
        var lines = wrap(sheet.title, first: "", rest: "")
        lines += wrap("\(sheet.id) · \(sheet.categoryName) · \(words.languageName)", first: "", rest: "")
        lines += wrap(words.label(words.booklet.region, words.regionChoice(sheet.region)), first: "", rest: "")
        if sheet.region == nil, !sheet.regions.isEmpty {
            let names = sheet.regions.map(words.regionName).joined(separator: ", ")
            lines += wrap(words.label(words.booklet.appliesTo, names), first: "", rest: "")
        }
        lines.append(String(repeating: "=", count: min(width, 60)))
        for part in sheet.parts {
            lines.append("")
            let indent = part.heading == nil ? "" : "  "
            if let heading = part.heading { lines.append(heading) }
            for (index, version) in part.versions.enumerated() {
                var inner = indent
                if let label = version.label {
                    if index > 0 || part.heading == nil { lines.append("") }
                    lines += wrap(label, first: indent, rest: indent)
                    inner += "  "
                }
                lines += body(version, kind: part.kind, indent: inner)
            }
        }
        if !sheet.related.isEmpty {
            lines += ["", words.heading("related")]
            for related in sheet.related {
                lines += wrap("\(related.title) (\(related.id))", first: "  - ", rest: "    ")
            }
        }
        if !sheet.sources.isEmpty {
            lines += ["", words.heading("sources")]
            for source in sheet.sources { lines += wrap(source, first: "  - ", rest: "    ") }
        }
        if let date = sheet.lastChecked {
            lines.append("")
            lines += wrap(words.label(words.heading("last_checked"), date), first: "", rest: "")
        }
        return lines
    }

    /// The topic list: categories with their topics' ids and titles.
    public func render(_ catalog: Catalog) -> String {
        var lines: [String] = []
        let idWidth = min(catalog.entries.map(\.id.count).max() ?? 0, width / 2)
        for category in catalog.categories {
            if !lines.isEmpty { lines.append("") }
            lines += wrap("\(category.name) (\(category.id))", first: "", rest: "")
            for entry in category.entries {
                let id = entry.id.padding(toLength: max(idWidth, entry.id.count), withPad: " ", startingAt: 0)
                let title = entry.title ?? "(\(catalog.words.booklet.missing))"
                let hanging = String(repeating: " ", count: 2 + idWidth + 2)
                lines += wrap(title, first: "  \(id)  ", rest: hanging)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func body(_ version: Sheet.Version, kind: AnswerPart, indent: String) -> [String] {
        var lines: [String] = []
        if kind == .steps {
            let numberWidth = String(version.items.count).count
            for (index, item) in version.items.enumerated() {
                let number = String(index + 1)
                let label = String(repeating: " ", count: numberWidth - number.count) + number + ". "
                lines += wrap(item, first: indent + label, rest: indent + String(repeating: " ", count: label.count))
            }
        } else if !version.items.isEmpty {
            for item in version.items { lines += wrap(item, first: indent + "- ", rest: indent + "  ") }
        } else {
            for paragraph in version.paragraphs { lines += wrap(paragraph, first: indent, rest: indent) }
        }
        return lines
    }

    /// Wraps `text` at spaces: the first line starts with `first`, the others with `rest`.
    func wrap(_ text: String, first: String, rest: String) -> [String] {
        var lines: [String] = []
        var line = first
        var lineHasWord = false
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            if lineHasWord && line.count + 1 + word.count > width {
                lines.append(line)
                line = rest
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        if lineHasWord {
            lines.append(line)
        } else if lines.isEmpty {
            lines.append(String(first.reversed().drop(while: { $0 == " " }).reversed()))
        }
        return lines
    }
}
