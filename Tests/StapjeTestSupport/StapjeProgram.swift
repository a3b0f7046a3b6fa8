import Foundation

/// The `stapje` program that tests run as a real process: the one built beside the test bundle, in the same build
/// products directory (so any `--scratch-path` works), or `$STAPJE_BINARY`.
public enum StapjeProgram {
    /// No `stapje` program was found; says where it was looked for.
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// The program's location.
    public static func url() throws -> URL {
        if let explicit = ProcessInfo.processInfo.environment["STAPJE_BINARY"], !explicit.isEmpty {
            return URL(fileURLWithPath: explicit)
        }
        let found = searched.map { $0.appendingPathComponent("stapje") }.first {
            FileManager.default.isExecutableFile(atPath: $0.path)
        }
        guard let found else {
            throw Missing(
                description: "no stapje program next to the tests in \(searched.map(\.path)); build it first "
                    + "(swift build --build-tests) or set STAPJE_BINARY")
        }
        return found
    }

    /// Runs the program with `arguments` (and `environment`, else this process's), writes `input` to its standard
    /// input and closes it (no input: it reads end-of-file at once), and returns its exit status and its standard
    /// output and standard error together.
    public static func run(_ arguments: [String], environment: [String: String]? = nil, input: Data? = nil) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = try url()
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let inputPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inputPipe
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(input)
            try inputPipe.fileHandleForWriting.close()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The directories looked in: the test runner's own (Linux: `<products>/StapjePackageTests.xctest`), the
    /// bundles' parents, and up to three levels above the main bundle (macOS: `X.xctest/Contents/MacOS`).
    static var searched: [URL] {
        var directories: [URL] = []
        #if os(Linux)
            directories.append(
                URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent())
        #endif
        directories += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        var folder = Bundle.main.bundleURL
        for _ in 0..<4 {
            directories.append(folder)
            folder.deleteLastPathComponent()
        }
        return directories
    }
}
