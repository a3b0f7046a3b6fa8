import Foundation
import StapjeKnowledge
import StapjeTestSupport
import Testing

/// The built `stapje` executable and the content it answers from.
enum StapjeBinary {
    /// The executable beside the test bundle (see `StapjeProgram`).
    static func url() throws -> URL {
        try StapjeProgram.url()
    }

    /// The content directory the binary is told to use.
    static let content = ContentLocator.bundled

    /// The same content, loaded here to know what the replies must say.
    static let bundle: ContentBundle = ContentLoader(root: content).load().bundle

    /// A clean environment: no user inputrc, no inherited NO_COLOR or region, a throwaway HOME.
    static func environment(home: URL, _ extra: [String: String] = [:]) -> [String: String] {
        var environment = [
            "LANG": "C.UTF-8", "TERM": "dumb", "HOME": home.path, "INPUTRC": "/dev/null",
            "STAPJE_CONTENT": content, "STAPJE_REGION": "VL",
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
        ]
        environment.merge(extra) { $1 }
        return environment
    }
}

/// A temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("stapje-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Every file below the directory, relative paths.
    func files() -> [String] {
        FileManager.default.subpaths(atPath: url.path) ?? []
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
