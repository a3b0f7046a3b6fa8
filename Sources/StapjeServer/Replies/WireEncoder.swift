import NIOCore
import StapjeText

/// The two reply formats a client picks at `HELLO`.
enum WireFormat: String, Sendable, Hashable, CaseIterable {
    /// SMTP-style lines: `210-...` then `210 ANSWER ...`.
    case text
    /// One JSON object per line.
    case json
}

/// Frames responses and events for the wire. Every byte of text from the content or a client passes through here
/// and comes out without line breaks or control characters, so nothing can forge a reply line.
struct WireEncoder: Sendable {
    /// The format.
    var format: WireFormat

    /// Appends `response` and then its events to `output`.
    func encode(_ response: Response, tag: String?, into output: inout ByteBuffer) {
        switch format {
        case .text:
            encodeText(response, tag: tag, into: &output)
        case .json:
            var text = ""
            encodeJSON(response, tag: tag, into: &text)
            output.writeString(text)
        }
        for event in response.events { encode(event, into: &output) }
    }

    /// Appends one event to `output`.
    func encode(_ event: WireEvent, into output: inout ByteBuffer) {
        switch format {
        case .text:
            var lead = "* \(event.code) \(event.keyword)"
            var sequence = "seq=\(event.sequence)"
            Self.appendLastLine(&lead, &sequence, parameters: event.parameters, message: event.message, to: &output)
        case .json:
            var text = "{\"event\":\(event.code),\"kw\":\"\(event.keyword)\",\"seq\":\(event.sequence)"
            for parameter in event.parameters { Self.appendJSON(parameter, to: &text) }
            if let message = event.message {
                text += ",\"text\":"
                Self.appendJSONString(message, to: &text)
            }
            text += "}\n"
            output.writeString(text)
        }
    }

    /// The response as bytes.
    func encoded(_ response: Response, tag: String?) -> ByteBuffer {
        var output = ByteBuffer()
        encode(response, tag: tag, into: &output)
        return output
    }

    /// The response as a string.
    func encodedText(_ response: Response, tag: String?) -> String {
        String(buffer: encoded(response, tag: tag))
    }

    // MARK: - Text

    /// Written as bytes straight into the buffer the connection sends: a reply is a dozen lines of a few words.
    func encodeText(_ response: Response, tag: String?, into output: inout ByteBuffer) {
        var prefix = tag.map { "@\($0) \(response.code)" } ?? String(response.code)
        let prefixLength = prefix.utf8.count
        output.reserveCapacity(
            minimumWritableBytes: response.lines.reduce(prefixLength + 80) { $0 + $1.utf8.count + prefixLength + 2 })
        // The lines hold no line break or control character (nearly every reply: the content is checked for them):
        // copied into the buffer in one write, their length known, instead of four writes a line.
        if !response.lines.isEmpty, let length = Self.plainLength(response.lines, prefixLength: prefixLength) {
            prefix.withUTF8 { prefix in
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { buffer in
                    guard let base = buffer.baseAddress else { return 0 }
                    var position = 0
                    func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
                        (base + position).copyMemory(from: source, byteCount: bytes.count)
                        position += bytes.count
                    }
                    for line in response.lines {
                        put(prefix)
                        base.storeBytes(of: UInt8(ascii: "-"), toByteOffset: position, as: UInt8.self)
                        position += 1
                        var line = line
                        line.withUTF8 { put($0) }
                        base.storeBytes(of: UInt8(ascii: "\n"), toByteOffset: position, as: UInt8.self)
                        position += 1
                    }
                    return position
                }
            }
        } else {
            appendLines(response.lines, prefix: prefix, to: &output)
        }
        var keyword = response.keyword
        Self.appendLastLine(&prefix, &keyword, parameters: response.parameters, message: response.message, to: &output)
    }

    /// Appends a line that ends a reply or is an event: the words `first` and `second`, each parameter as ` key=value`
    /// (the value as `safeValue` gives it, a number as its decimal text), the message cleaned (`appendClean`), LF.
    /// A reply's final line is its prefix and keyword, an event's `* code keyword` and `seq=n`. The words and the
    /// parameters go in one write: a reply has five or so parameters, and each piece written on its own cost a
    /// capacity check and a copy.
    static func appendLastLine(
        _ first: inout String, _ second: inout String, parameters: [Response.Parameter], message: String?,
        to output: inout ByteBuffer
    ) {
        // At most: the texts as they are (`safeValue` keeps one byte a byte), a number's 20 characters.
        var room = first.utf8.count + 1 + second.utf8.count
        for parameter in parameters {
            switch parameter.value {
            case .text(let value): room += 2 + parameter.key.utf8.count + value.utf8.count
            case .number: room += 22 + parameter.key.utf8.count
            }
        }
        first.withUTF8 { first in
            second.withUTF8 { second in
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { buffer in
                    guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
                    var position = 0
                    func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                        for byte in bytes {
                            base[position] = byte
                            position += 1
                        }
                    }
                    func put(_ byte: UInt8) {
                        base[position] = byte
                        position += 1
                    }
                    put(first)
                    put(UInt8(ascii: " "))
                    put(second)
                    for parameter in parameters {
                        put(UInt8(ascii: " "))
                        var key = parameter.key
                        key.withUTF8 { put($0) }
                        put(UInt8(ascii: "="))
                        switch parameter.value {
                        case .text(var value):
                            value.withUTF8 { bytes in
                                for byte in bytes { put(isSafe(byte) ? byte : UInt8(ascii: "_")) }
                            }
                        case .number(let value):
                            if value < 0 { put(UInt8(ascii: "-")) }
                            var rest = value.magnitude
                            // The digits, last first, then turned around in place.
                            let start = position
                            repeat {
                                put(UInt8(ascii: "0") + UInt8(rest % 10))
                                rest /= 10
                            } while rest > 0
                            var low = start
                            var high = position - 1
                            while low < high {
                                let byte = base[low]
                                base[low] = base[high]
                                base[high] = byte
                                low += 1
                                high -= 1
                            }
                        }
                    }
                    return position
                }
            }
        }
        if var message {
            output.writeInteger(UInt8(ascii: " "))
            // The parameters end at the first word without `=`: a text that would look like more of them (a
            // person's "ticket=99 helper=Mallory hello" in a 602 or 615) comes after a lone `:`, not part of it.
            if Self.needsMarker(message) { output.writeBytes([UInt8(ascii: ":"), UInt8(ascii: " ")]) }
            message.withUTF8 { appendClean($0, to: &output) }
        }
        output.writeInteger(UInt8(ascii: "\n"))
    }

    /// Whether a final line's text must follow a lone `:`: its first word holds `=`, or is itself a lone `:`
    /// (so that a client can always drop one).
    static func needsMarker(_ text: String) -> Bool {
        var first = true
        var length = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: " ") { break }
            if byte == UInt8(ascii: "=") { return true }
            first = first && byte == UInt8(ascii: ":")
            length += 1
        }
        return length == 1 && first
    }

    /// The bytes a parameter value keeps (`safeValue`): letters, digits and `._-/:`.
    static func isSafe(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x3A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x2E || byte == 0x5F || byte == 0x2D || byte == 0x2F
    }

    /// The bytes `lines` take as continuation lines (`prefix-`, the line, LF), or nil when one of them holds a line
    /// break or another control character (`ControlCharacters`), which `appendLines` splits or cleans.
    static func plainLength(_ lines: [String], prefixLength: Int) -> Int? {
        var length = 0
        for var line in lines {
            let plain = line.withUTF8 { bytes -> Bool in
                length += bytes.count + prefixLength + 2
                return !ControlCharacters.found(in: bytes)
            }
            if !plain { return nil }
        }
        return length
    }

    /// Appends `lines` as continuation lines, each split at its line breaks and cleaned of control characters.
    private func appendLines(_ lines: [String], prefix: String, to output: inout ByteBuffer) {
        for line in lines {
            var line = line
            line.withUTF8 { bytes in
                var start = 0
                while true {
                    let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
                    output.writeString(prefix)
                    output.writeInteger(UInt8(ascii: "-"))
                    Self.appendClean(
                        UnsafeBufferPointer(rebasing: bytes[start..<(newline ?? bytes.count)]), to: &output)
                    output.writeInteger(UInt8(ascii: "\n"))
                    guard let newline else { break }
                    start = newline + 1
                }
            }
        }
    }

    /// Appends the UTF-8 of one line (whole scalars) as `appendClean(_:to:)` on a string does.
    static func appendClean(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout ByteBuffer) {
        guard ControlCharacters.found(in: bytes) else {
            output.writeBytes(bytes)
            return
        }
        var cleaned = ""
        appendClean(Substring(String(decoding: bytes, as: UTF8.self)), to: &cleaned)
        output.writeString(cleaned)
    }

    /// The lines of `text`, split at LF on its bytes (splitting on Characters would walk grapheme clusters).
    static func lines(of text: String) -> [Substring] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
    }

    /// Appends `line` with every line break and control character (C0, DEL, C1, U+2028, U+2029) made a space.
    static func appendClean(_ line: Substring, to output: inout String) {
        guard ControlCharacters.found(in: line.utf8) else {
            output += line
            return
        }
        var scalars = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            scalars.append(ControlCharacters.contains(scalar) ? " " : scalar)
        }
        output += String(scalars)
    }

    /// A parameter value reduced to letters, digits and `._-/:`; anything else becomes `_`, so a value is one word.
    static func safeValue(_ value: String) -> String {
        if !value.isEmpty && value.utf8.allSatisfy(isSafe) { return value }
        return String(decoding: value.utf8.map { isSafe($0) ? $0 : 0x5F }, as: UTF8.self)
    }

    // MARK: - JSON

    func encodeJSON(_ response: Response, tag: String?, into output: inout String) {
        output += "{"
        if let tag {
            output += "\"tag\":"
            Self.appendJSONString(tag, to: &output)
            output += ","
        }
        output += "\"code\":\(response.code),\"kw\":\"\(response.keyword)\""
        for parameter in response.parameters { Self.appendJSON(parameter, to: &output) }
        if let message = response.message {
            output += ",\"text\":"
            Self.appendJSONString(message, to: &output)
        }
        if !response.lines.isEmpty {
            output += ",\"lines\":["
            var first = true
            for text in response.lines {
                for line in Self.lines(of: text) {
                    if !first { output += "," }
                    first = false
                    Self.appendJSONString(String(line), to: &output)
                }
            }
            output += "]"
        }
        if let reply = response.reply {
            output += ",\"reply\":"
            output += reply.encoded()
        }
        output += "}\n"
    }

    static func appendJSON(_ parameter: Response.Parameter, to output: inout String) {
        output += ","
        appendJSONString(parameter.key, to: &output)
        output += ":"
        switch parameter.value {
        case .text(let value): appendJSONString(value, to: &output)
        case .number(let value): output += String(value)
        }
    }

    /// A JSON string literal; control characters and the Unicode line separators are escaped.
    static func appendJSONString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if ControlCharacters.contains(scalar) {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
