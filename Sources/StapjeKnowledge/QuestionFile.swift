/// A file of questions to time or test: an eval file (`lang<TAB>expected<TAB>text`, with or without its header
/// line, or `text<TAB>intent`) or a plain list, one question a line. Used by the benchmarks.
package enum QuestionFile {
    /// The question of every line that has one, in file order; blank lines are skipped.
    package static func questions(at path: String) throws(FileSystem.Failure) -> [String] {
        var texts: [String] = []
        for line in String(decoding: try FileSystem.contents(path), as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if fields.count >= 3 {
                if fields[0] == "lang" && fields[1] == "expected" { continue }
                texts.append(String(fields[2]))
            } else if fields[0].contains(where: { !$0.isWhitespace }) {
                texts.append(String(fields[0]))
            }
        }
        return texts
    }
}
