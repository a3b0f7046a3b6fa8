import NIOCore
import NIOExtras

/// Splits the input into lines at LF (a CR before it is dropped, as `LineBasedFrameDecoder` does) and refuses an
/// unfinished line as soon as it cannot end within the limit.
///
/// `ByteToMessageHandler(maximumBufferSize:)` alone only notices once more bytes are buffered than a line with its
/// CR may hold, so a client that sent `limit + 1` bytes without CR and then waited for an answer got none until
/// its idle time ran out. Here the unfinished line is refused as soon as it is longer than the limit, unless its
/// last byte is the CR of a line of exactly the limit. The error is the one the buffer limit raises
/// (`PayloadTooLargeError`), which `ConnectionGuard` answers with `552` and a close.
final class LineFraming: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    private let lines = LineBasedFrameDecoder()
    private let maximumLineLength: Int

    init(maximumLineLength: Int) {
        self.maximumLineLength = maximumLineLength
    }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if let line = try lines.decode(buffer: &buffer) {
            context.fireChannelRead(Self.wrapInboundOut(line))
            return .continue
        }
        if Self.cannotEnd(unfinished: buffer, maximumLineLength: maximumLineLength) {
            throw ByteToMessageDecoderError.PayloadTooLargeError()
        }
        return .needMoreData
    }

    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try lines.decodeLast(context: context, buffer: &buffer, seenEOF: seenEOF)
    }

    /// Whether bytes with no LF among them can no longer become a line of at most `maximumLineLength` bytes.
    static func cannotEnd(unfinished: ByteBuffer, maximumLineLength: Int) -> Bool {
        let count = unfinished.readableBytes
        guard count > maximumLineLength else { return false }
        guard count == maximumLineLength + 1 else { return true }
        return unfinished.getInteger(at: unfinished.writerIndex - 1, as: UInt8.self) != 0x0D
    }
}
