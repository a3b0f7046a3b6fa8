/// Replaces sensitive data with typed placeholders ("[IBAN]", "[PHONE]", "[SECRET]"), keeping the rest of the text.
///
/// The one redactor for everything that leaves a session: logs, handoff cards and transcripts, the list of
/// unanswered questions.
public struct Redactor: Sendable {
    /// The detector.
    public let detector: SensitiveDataDetector

    /// Creates a redactor.
    public init(detector: SensitiveDataDetector = SensitiveDataDetector()) {
        self.detector = detector
    }

    /// `text` with every finding replaced by its placeholder.
    public func redact(_ text: String) -> String {
        replacing(detector.findings(in: text), in: text)
    }

    /// `text` with the given findings (found in this same `text`) replaced by their placeholders.
    public func replacing(_ findings: [SensitiveData], in text: String) -> String {
        replacing(findings.map { ($0.range, $0.kind.placeholder) }, in: text)
    }

    /// `text` without the given findings and, by default, the words that announced them, spaces tidied: what the
    /// person said besides the sensitive data ("mijn pincode is 1234, hoe betaal ik online?" → "hoe betaal ik
    /// online?"). Without placeholders, so that it reads as the person's own words (to the engine, for example).
    public func remainder(_ findings: [SensitiveData], in text: String, keepingAnnouncements: Bool = false) -> String {
        let cut = replacing(findings.map { (keepingAnnouncements ? $0.range : $0.phrase, " ") }, in: text)
        let words = cut.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return String(words.drop { !$0.isLetter && !$0.isNumber && $0 != "/" })
    }

    private func replacing(_ spans: [(Range<String.Index>, String)], in text: String) -> String {
        var result = String.UnicodeScalarView()
        var position = text.unicodeScalars.startIndex
        for (range, replacement) in spans.sorted(by: { $0.0.lowerBound < $1.0.lowerBound }) {
            // Overlapping spans merge: nothing inside any span may survive.
            guard range.upperBound > position else { continue }
            if range.lowerBound >= position {
                result.append(contentsOf: text.unicodeScalars[position..<range.lowerBound])
                result.append(contentsOf: replacement.unicodeScalars)
            }
            position = range.upperBound
        }
        result.append(contentsOf: text.unicodeScalars[position...])
        return String(result)
    }
}
