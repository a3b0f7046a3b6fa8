// libFuzzer target for the STAPJE/1 request parser. Not part of the package: scripts/fuzz-request-parser.sh
// compiles it with Sources/StapjeServer/Requests/*.swift and `-sanitize=fuzzer,address`.
//
// The input is split into lines as the server frames them (LF, one CR before it dropped, at most 2048 bytes);
// each line is parsed. The fuzzer looks for crashes, hangs and runaway memory; the checks below add what must hold
// for every line: a tag or client id that comes back is a safe word, and error messages hold no control character.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let parser = RequestParser(maximumQuestionLength: 1000)
    var lineStart = 0
    for index in 0...count where index == count || bytes[index] == 0x0A {
        var end = index
        if end > lineStart && end < count && bytes[end - 1] == 0x0D { end -= 1 }
        let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<end])
        lineStart = index + 1
        guard line.count <= 2048 else { continue }
        check(parser.parse(line))
    }
    return 0
}

func check(_ outcome: RequestParser.Outcome) {
    switch outcome {
    case .blank:
        break
    case .request(let request):
        if let tag = request.tag { precondition(RequestParser.isToken(tag, maximum: 64), "unsafe tag") }
        if case .hello(let client, _, _) = request.command, let client {
            precondition(RequestParser.isToken(client), "unsafe client id")
        }
        if case .ask(let text) = request.command {
            precondition(!text.isEmpty && text.count <= 1000, "question out of bounds")
            precondition(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" }, "control in question")
        }
    case .refused(let error):
        precondition([500, 501].contains(error.code), "unexpected code")
        precondition(!error.message.unicodeScalars.contains { $0.value < 0x20 }, "control in message")
        if let tag = error.tag { precondition(RequestParser.isToken(tag, maximum: 64), "unsafe tag") }
    }
}
