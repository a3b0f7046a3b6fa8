import Foundation

/// Where a command that renders a document (`sheet`, `report`) writes it: the file named by `-o`, or standard
/// output.
enum CommandOutput {
    /// A file that could not be written, with the reason.
    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes `text` to `path` (atomically: a reader never sees half a file), or to standard output when `path` is
    /// nil.
    static func write(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw WriteError(description: "cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// One line on standard error, as the program's refusals and notices are written: `stapje: <text>`.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data("stapje: \(text)\n".utf8))
    }
}
