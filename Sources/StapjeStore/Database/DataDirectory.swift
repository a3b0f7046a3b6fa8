import Foundation

/// Where Stapje keeps what must survive a restart: the handoff queue and the helper accounts.
public enum DataDirectory {
    /// The directory to use: the one given, else `$XDG_STATE_HOME/stapje`, else `~/.local/state/stapje`.
    ///
    /// The XDG base directory specification puts "data that should persist between restarts but is not important
    /// or portable enough" under the state directory; a queue of open tickets is exactly that.
    public static func resolve(_ explicit: String?, environment: [String: String]) -> URL {
        if let explicit, !explicit.isEmpty {
            return URL(fileURLWithPath: (explicit as NSString).expandingTildeInPath, isDirectory: true)
        }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return URL(fileURLWithPath: state, isDirectory: true).appendingPathComponent("stapje", isDirectory: true)
        }
        let home =
            environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".local/state/stapje", isDirectory: true)
    }
}
