import Dispatch
import StapjeEngine
import StapjeKnowledge

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `stapje-engine-bench QUESTIONS [--rounds N] [--content DIR]`: the figures of `stapje bench`, for the engine and
/// its content alone, in a process without Foundation, the conversation layer or the server's libraries.
///
/// Prints figures; asserts nothing. Build with -c release for meaningful figures.
@main
struct EngineBench {
    var questions = ""
    var rounds = 20
    var content: String?

    static func main() {
        var bench = EngineBench()
        do {
            try bench.parse(Array(CommandLine.arguments.dropFirst()))
            try bench.run()
        } catch {
            var text = "stapje-engine-bench: \(error.message)\n"
            text += "usage: stapje-engine-bench QUESTIONS [--rounds N] [--content DIR]\n"
            text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
            exit(2)
        }
    }

    /// A problem with the arguments or the questions file.
    struct Failure: Error {
        var message: String
    }

    mutating func parse(_ arguments: [String]) throws(Failure) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--rounds":
                guard let value = rest.popFirst().flatMap({ Int($0) }), value >= 1 else {
                    throw Failure(message: "--rounds needs a number of at least 1")
                }
                rounds = value
            case "--content":
                guard let value = rest.popFirst() else { throw Failure(message: "--content needs a directory") }
                content = value
            default:
                guard questions.isEmpty, !argument.hasPrefix("-") else {
                    throw Failure(message: "unexpected argument '\(argument)'")
                }
                questions = argument
            }
        }
        guard !questions.isEmpty else { throw Failure(message: "give a file of questions") }
    }

    func run() throws(Failure) {
        let start = DispatchTime.now()
        let bundle = ContentLoader(root: ContentLocator.resolve(content)).load().bundle
        let read = DispatchTime.now()
        let matcher = Matcher(bundle: bundle)
        let loadMilliseconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        let readMilliseconds = Double(read.uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        // The program keeps its content (the conversation shows the answers): the bundle lives to the end here too,
        // or `Matcher.init` would free it inside the timing, which is no part of loading.
        defer { withExtendedLifetime(bundle) {} }
        let texts = try Self.questions(in: questions)
        guard !texts.isEmpty else { throw Failure(message: "no questions in \(questions)") }
        let latencies = Latencies(texts, rounds: rounds) { _ = matcher.match($0) }
        print("engine and its content alone, no Foundation (stapje bench also loads the conversation layer)")
        print(
            format(
                "load + compile: %.1f ms (reading the files %.1f ms, compiling %.1f ms)", loadMilliseconds,
                readMilliseconds, loadMilliseconds - readMilliseconds))
        print("match (\(texts.count) questions x \(rounds) rounds): " + latencies.summary)
        print("resident memory: " + (ResidentMemory.current()?.summary ?? "unknown"))
    }

    /// The questions of the file (see `QuestionFile`).
    static func questions(in path: String) throws(Failure) -> [String] {
        do {
            return try QuestionFile.questions(at: path)
        } catch {
            throw Failure(message: error.description)
        }
    }
}

/// `printf` formatting, as `String(format:)` gives it in `stapje bench`.
func format(_ format: String, _ arguments: any CVarArg...) -> String {
    withVaList(arguments) { list in
        var buffer = [CChar](repeating: 0, count: 256)
        _ = vsnprintf(&buffer, buffer.count, format, list)
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
