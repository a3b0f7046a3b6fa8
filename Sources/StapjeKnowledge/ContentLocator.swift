/// Finds the content directory when none is given.
public enum ContentLocator {
    /// The content directory: `explicit` if given, then `$STAPJE_CONTENT`, then the working directory when it holds
    /// `faq/` and `intents/`, then the package's own bundled content (the checkout this program was built from).
    public static func resolve(_ explicit: String?, environment: [String: String] = FileSystem.environment)
        -> String
    {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["STAPJE_CONTENT"], !fromEnvironment.isEmpty { return fromEnvironment }
        if let working = FileSystem.currentDirectory, holdsContent(working) { return working }
        return bundled
    }

    /// The content shipped with the package, found from this source file's place in the checkout.
    public static var bundled: String {
        var path = Substring(#filePath)
        for _ in 0..<3 { path = path[..<(path.lastIndex(of: "/") ?? path.startIndex)] }
        return String(path)
    }

    static func holdsContent(_ path: String) -> Bool {
        FileSystem.exists(path + "/faq/topics.yaml") && FileSystem.exists(path + "/intents")
    }
}
