import StapjeKnowledge
import StapjeText

/// Renders sheets as one self-contained HTML page, made to be printed: inline CSS, system fonts, no scripts,
/// no images, nothing fetched from the web.
///
/// In print every topic starts on a new page (`break-before: page`), after a cover and a table of contents
/// grouped by category. Body text is 14pt. Every text from the content is escaped; the only web addresses in the
/// page are the sources, each shown as a link whose visible text is the address itself.
public struct HTMLSheet: Sendable {
    /// Creates a renderer.
    public init() {}

    /// One sheet as a page of its own.
    public func render(_ sheet: Sheet) -> String {
        document(
            title: sheet.title, language: sheet.language, pages: Self.pageStyle([sheet], numbered: false),
            body: article(sheet, number: nil, linked: []))
    }

    /// The booklet: a cover, the contents by category, then one topic per printed page.
    public func render(_ booklet: Booklet) -> String {
        let words = booklet.words
        let sheets = booklet.sheets
        let linked = Set(sheets.map(\.id))
        var body = cover(booklet, count: sheets.count)
        body += contents(booklet)
        for (index, sheet) in sheets.enumerated() {
            body += article(sheet, number: index + 1, linked: linked)
        }
        return document(
            title: words.booklet.title, language: booklet.language, pages: Self.pageStyle(sheets, numbered: true),
            body: body)
    }

    // MARK: - Parts of the page

    private func document(title: String, language: Language, pages: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language.rawValue)">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Self.escape(title))</title>
        <style>
        \(Self.style)
        \(pages)</style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    private func cover(_ booklet: Booklet, count: Int) -> String {
        let words = booklet.words
        var html = "<section class=\"cover\">\n<p class=\"brand\">Stapje</p>\n"
        html += "<h1>\(Self.escape(words.booklet.title))</h1>\n"
        html += "<p class=\"subtitle\">\(Self.escape(words.booklet.subtitle))</p>\n"
        html += "<dl class=\"facts\">\n"
        html += "<dt>\(Self.escape(words.booklet.language))</dt><dd>\(Self.escape(words.languageName))</dd>\n"
        html += "<dt>\(Self.escape(words.booklet.region))</dt>"
        html += "<dd>\(Self.escape(words.regionChoice(booklet.region)))</dd>\n</dl>\n"
        let countText = words.booklet.topicCount.replacing("{n}", with: String(count))
        html += "<p class=\"count\">\(Self.escape(countText))</p>\n"
        if let date = booklet.date {
            html += "<p class=\"date\">\(Self.escape(words.booklet.madeOn.replacing("{date}", with: date)))</p>\n"
        }
        return html + "</section>\n"
    }

    private func contents(_ booklet: Booklet) -> String {
        var html = "<nav class=\"contents\" aria-labelledby=\"contents-title\">\n"
        html += "<h2 id=\"contents-title\">\(Self.escape(booklet.words.booklet.contents))</h2>\n"
        var number = 0
        for chapter in booklet.chapters {
            html += "<section class=\"toc-category\">\n<h3>\(Self.escape(chapter.name))</h3>\n<ol>\n"
            for sheet in chapter.sheets {
                number += 1
                html += "<li value=\"\(number)\"><a href=\"#\(Self.anchor(sheet.id))\">\(Self.escape(sheet.title))</a>"
                html += " <span class=\"id\">\(Self.escape(sheet.id))</span></li>\n"
            }
            html += "</ol>\n</section>\n"
        }
        return html + "</nav>\n"
    }

    private func article(_ sheet: Sheet, number: Int?, linked: Set<String>) -> String {
        let words = sheet.words
        var html = "<article class=\"sheet\" id=\"\(Self.anchor(sheet.id))\" lang=\"\(sheet.language.rawValue)\""
        html += " style=\"page: \(Self.pageName(number))\">\n"
        html += "<header>\n<p class=\"kicker\">"
        if let number { html += "<span class=\"number\">\(number)</span> " }
        html += "\(Self.escape(sheet.categoryName))</p>\n"
        html += "<h2>\(Self.escape(sheet.title))</h2>\n<p class=\"meta\">"
        html += "<span class=\"id\">\(Self.escape(sheet.id))</span> · \(Self.escape(words.languageName)) · "
        html += Self.escape(words.label(words.booklet.region, words.regionChoice(sheet.region)))
        if sheet.region == nil, !sheet.regions.isEmpty {
            let names = sheet.regions.map(words.regionName).joined(separator: ", ")
            html += " · " + Self.escape(words.label(words.booklet.appliesTo, names))
        }
        html += "</p>\n</header>\n"
        for part in sheet.parts {
            html += section(part)
        }
        html += "<footer>\n"
        if !sheet.related.isEmpty {
            html += "<section class=\"related\">\n<h3>\(Self.escape(words.heading("related")))</h3>\n<ul>\n"
            for related in sheet.related {
                let title = Self.escape(related.title)
                let shown = linked.contains(related.id) ? "<a href=\"#\(Self.anchor(related.id))\">\(title)</a>" : title
                html += "<li>\(shown) <span class=\"id\">\(Self.escape(related.id))</span></li>\n"
            }
            html += "</ul>\n</section>\n"
        }
        if !sheet.sources.isEmpty {
            html += "<section class=\"sources\">\n<h3>\(Self.escape(words.heading("sources")))</h3>\n<ul>\n"
            for source in sheet.sources { html += "<li>\(Self.link(source))</li>\n" }
            html += "</ul>\n</section>\n"
        }
        if let date = sheet.lastChecked {
            html += "<p class=\"checked\">\(Self.escape(words.heading("last_checked")))\(words.booklet.colon) "
            html += "<time datetime=\"\(Self.escape(date))\">\(Self.escape(date))</time></p>\n"
        }
        return html + "</footer>\n</article>\n"
    }

    private func section(_ part: Sheet.Part) -> String {
        let name = Self.className(part.kind)
        var html = "<section class=\"part \(name)\">\n"
        if let heading = part.heading { html += "<h3>\(Self.escape(heading))</h3>\n" }
        for version in part.versions {
            if let label = version.label {
                html += "<div class=\"variant\">\n<h4>\(Self.escape(label))</h4>\n"
                html += body(version, kind: part.kind) + "</div>\n"
            } else {
                html += body(version, kind: part.kind)
            }
        }
        return html + "</section>\n"
    }

    private func body(_ version: Sheet.Version, kind: AnswerPart) -> String {
        if !version.items.isEmpty {
            let tag = kind == .steps ? "ol" : "ul"
            let items = version.items.map { "<li>\(Self.escape($0))</li>\n" }.joined()
            return "<\(tag)>\n\(items)</\(tag)>\n"
        }
        return version.paragraphs.map { "<p>\(Self.escape($0))</p>\n" }.joined()
    }

    // MARK: - Pages

    /// The name of a topic's printed pages, which carry its number and title in their footer.
    static func pageName(_ number: Int?) -> String {
        "topic-\(number ?? 0)"
    }

    /// One named page per topic: every printed page of a topic, continuation pages too, says which topic it is.
    static func pageStyle(_ sheets: [Sheet], numbered: Bool) -> String {
        sheets.enumerated().map { index, sheet in
            let number = numbered ? index + 1 : nil
            let label = (number.map { "\($0) · " } ?? "") + sheet.title
            return "@page \(pageName(number)) { @bottom-left { content: \(cssString(label)); } }\n"
        }.joined()
    }

    /// A CSS string literal; `<`, `>` and `&` are written as code points, so no text can end the style element.
    static func cssString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "\"": result += "\\" + String(scalar)
            case "<", ">", "&", "\u{0}"..."\u{1F}", "\u{7F}":
                result += "\\" + String(scalar.value, radix: 16, uppercase: true) + " "
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    // MARK: - Escaping

    /// Escapes text for HTML content and attribute values.
    public static func escape(_ text: String) -> String {
        HTMLEscaping.escape(text)
    }

    /// A source: a link showing its own address when it is a web address, plain text otherwise.
    static func link(_ source: String) -> String {
        let escaped = escape(source)
        guard source.hasPrefix("https://") || source.hasPrefix("http://") else { return escaped }
        return "<a href=\"\(escaped)\">\(escaped)</a>"
    }

    /// The anchor of a topic: its id, which holds only letters, digits, dots and dashes in valid content.
    static func anchor(_ id: String) -> String {
        "topic-" + String(id.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" })
    }

    static func className(_ part: AnswerPart) -> String {
        switch part {
        case .answer: "summary"
        case .youNeed: "you-need"
        case .steps: "steps"
        case .ifNotWorking: "if-not-working"
        case .safety: "safety"
        case .helperNotes: "helper-notes"
        }
    }

    // MARK: - Style

    /// The page's CSS: large type, black on white, one topic per printed page.
    static let style = """
        @page { size: A4; margin: 15mm 16mm 17mm 16mm;
          @bottom-left { font-size: 11pt; color: #444; }
          @bottom-right { content: counter(page); font-size: 11pt; color: #444; } }
        @page :first { @bottom-right { content: none; } }
        html { font-family: "DejaVu Sans", "Liberation Sans", "Noto Sans", Verdana, Arial, sans-serif;
          font-size: 14pt; line-height: 1.4; color: #000; background: #fff; }
        body { margin: 0; }
        h1, h2, h3, h4 { line-height: 1.2; break-after: avoid; page-break-after: avoid; }
        a { color: inherit; }
        li { margin: 0.15em 0; break-inside: avoid; page-break-inside: avoid; }
        .id { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12pt; color: #333;
          white-space: nowrap; }
        .cover { text-align: center; break-after: page; page-break-after: always; }
        .cover .brand { font-size: 20pt; letter-spacing: 0.2em; text-transform: uppercase; margin: 0; }
        .cover h1 { font-size: 32pt; margin: 0.4em 0; }
        .cover .subtitle { font-size: 16pt; max-width: 30em; margin: 0 auto 2em; }
        .cover .facts { display: inline-grid; grid-template-columns: auto auto; gap: 0.3em 1em; text-align: left;
          font-size: 16pt; border: 2px solid #000; padding: 0.8em 1.2em; margin: 0 auto; }
        .cover dt { font-weight: bold; }
        .cover dd { margin: 0; }
        .cover .count, .cover .date { margin-top: 1.5em; }
        .contents { break-after: page; page-break-after: always; }
        .contents h2 { font-size: 22pt; margin: 0 0 0.4em; }
        .contents h3 { font-size: 14pt; margin: 0.7em 0 0.1em; border-bottom: 1px solid #000; }
        .contents ol { margin: 0; padding-left: 2.2em; }
        .contents li { margin: 0.05em 0; }
        .toc-category { break-inside: avoid; page-break-inside: avoid; }
        .sheet { break-before: page; page-break-before: always; }
        .sheet header { border-bottom: 3px solid #000; margin-bottom: 0.5em; }
        .sheet .kicker { margin: 0; font-weight: bold; text-transform: uppercase; letter-spacing: 0.05em; }
        .sheet .number { display: inline-block; min-width: 1.6em; padding: 0 0.3em; margin-right: 0.3em;
          background: #000; color: #fff; text-align: center; }
        .sheet h2 { font-size: 24pt; margin: 0.15em 0; }
        .sheet .meta { margin: 0 0 0.4em; font-size: 12pt; }
        .sheet h3 { font-size: 16pt; margin: 0.8em 0 0.25em; }
        .sheet h4 { font-size: 14pt; margin: 0 0 0.2em; }
        .sheet p { margin: 0.3em 0; orphans: 2; widows: 2; }
        .sheet ol, .sheet ul { margin: 0.2em 0; padding-left: 1.8em; }
        .summary > p { font-size: 15pt; font-weight: bold; }
        .summary .variant p { font-size: 14pt; font-weight: normal; }
        .variant { border-left: 6px solid #000; background: #eee; padding: 0.3em 0.7em; margin: 0.5em 0;
          break-inside: avoid; page-break-inside: avoid; }
        .safety { border: 2px solid #000; padding: 0 0.7em 0.3em; break-inside: avoid; page-break-inside: avoid; }
        .helper-notes { border: 2px dashed #000; padding: 0 0.7em 0.3em; margin-top: 0.8em; }
        footer { margin-top: 1em; }
        footer h3 { font-size: 14pt; }
        .sources { font-size: 12pt; overflow-wrap: anywhere; }
        .sources h3 { font-size: 12pt; }
        .checked { font-weight: bold; }
        @media screen {
          body { max-width: 48em; margin: 1em auto; padding: 0 1em; }
          .contents, .sheet { border-top: 4px double #000; margin-top: 2em; padding-top: 1em; }
        }
        @media print {
          .cover { height: 250mm; display: flex; flex-direction: column; justify-content: center; }
          a { text-decoration: none; }
        }
        """
}
