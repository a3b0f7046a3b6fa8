import StapjeKnowledge

/// Renders a sheet as CommonMark: one `#` title, a `##` heading per part, a `###` heading per region variant.
///
/// Content is escaped, so a `*` or `<` written by a curator shows as itself and never becomes markup.
public struct MarkdownSheet: Sendable {
    /// Creates a renderer.
    public init() {}

    /// The sheet as Markdown, ending with a new line.
    public func render(_ sheet: Sheet) -> String {
        let words = sheet.words
        var blocks: [String] = ["# " + Self.escape(sheet.title)]
        var meta = [
            "`\(sheet.id)` · \(Self.escape(sheet.categoryName)) · \(Self.escape(words.languageName))",
            Self.escape(words.label(words.booklet.region, words.regionChoice(sheet.region))),
        ]
        if sheet.region == nil, !sheet.regions.isEmpty {
            let names = sheet.regions.map(words.regionName).joined(separator: ", ")
            meta.append(Self.escape(words.label(words.booklet.appliesTo, names)))
        }
        // Two trailing spaces: a hard line break, so the three facts stay on three lines.
        blocks.append(meta.joined(separator: "  \n"))
        for part in sheet.parts {
            if let heading = part.heading { blocks.append("## " + Self.escape(heading)) }
            for version in part.versions {
                if let label = version.label {
                    if part.heading == nil {
                        let paragraphs = version.paragraphs.map(Self.escape)
                        // The label on a line of its own (a hard break), like the `###` of the other parts.
                        blocks.append("**\(Self.escape(label))**  \n" + paragraphs.joined(separator: "\n\n"))
                        continue
                    }
                    blocks.append("### " + Self.escape(label))
                }
                blocks.append(body(version, kind: part.kind))
            }
        }
        if !sheet.related.isEmpty {
            blocks.append("## " + Self.escape(words.heading("related")))
            blocks.append(sheet.related.map { "- \(Self.escape($0.title)) (`\($0.id)`)" }.joined(separator: "\n"))
        }
        if !sheet.sources.isEmpty {
            blocks.append("## " + Self.escape(words.heading("sources")))
            blocks.append(sheet.sources.map { "- " + Self.link($0) }.joined(separator: "\n"))
        }
        if let date = sheet.lastChecked {
            blocks.append("*" + Self.escape(words.label(words.heading("last_checked"), date)) + "*")
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// The whole booklet: every sheet, separated by rules, after a table of contents.
    public func render(_ booklet: Booklet) -> String {
        let words = booklet.words
        var blocks = ["# " + Self.escape(words.booklet.title), Self.escape(words.booklet.subtitle)]
        blocks.append(
            Self.escape(words.label(words.booklet.language, words.languageName)) + "  \n"
                + Self.escape(words.label(words.booklet.region, words.regionChoice(booklet.region))))
        blocks.append("## " + Self.escape(words.booklet.contents))
        for chapter in booklet.chapters {
            blocks.append("### " + Self.escape(chapter.name))
            blocks.append(chapter.sheets.map { "- \(Self.escape($0.title)) (`\($0.id)`)" }.joined(separator: "\n"))
        }
        for sheet in booklet.sheets {
            blocks.append("---")
            blocks.append(render(sheet).dropLast().description)
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    private func body(_ version: Sheet.Version, kind: AnswerPart) -> String {
        if kind == .steps {
            return version.items.enumerated().map { "\($0.offset + 1). " + Self.escape($0.element) }
                .joined(separator: "\n")
        }
        if !version.items.isEmpty {
            return version.items.map { "- " + Self.escape($0) }.joined(separator: "\n")
        }
        return version.paragraphs.map(Self.escape).joined(separator: "\n\n")
    }

    /// A web address as an autolink; anything else as escaped text.
    static func link(_ source: String) -> String {
        let isWeb = source.hasPrefix("https://") || source.hasPrefix("http://")
        let safe = !source.contains { $0 == "<" || $0 == ">" || $0 == " " || $0 == "\n" }
        return isWeb && safe ? "<\(source)>" : escape(source)
    }

    /// Escapes text so that it shows literally: punctuation that makes markup gets a backslash, and a line start
    /// that would begin a heading, quote or list is escaped too.
    public static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            if "\\`*_[]<>|&~".contains(character) { result.append("\\") }
            result.append(character)
        }
        let lines = result.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " }
            if let first = trimmed.first, "#+-=".contains(first) {
                return line.prefix(line.count - trimmed.count) + "\\" + trimmed
            }
            let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
            let after = trimmed.dropFirst(digits.count).first
            if !digits.isEmpty, after == "." || after == ")" {
                return line.prefix(line.count - trimmed.count) + digits + "\\" + trimmed.dropFirst(digits.count)
            }
            return String(line)
        }
        return lines.joined(separator: "\n")
    }
}
