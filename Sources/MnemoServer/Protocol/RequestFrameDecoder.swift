import NIOCore

/// One request as framed off the wire.
public enum RequestFrame: Sendable {
    /// A complete line, without its `\n` (or `\r\n`).
    case line(ByteBuffer)
    /// A line longer than the limit; its bytes were discarded up to and
    /// including its newline (or are being discarded until it comes).
    case tooLarge(limit: Int)
}

/// Splits the byte stream into request lines of at most `maxLine()` bytes.
///
/// A longer line is not buffered: the decoder emits `.tooLarge` once, in
/// order with the requests around it, then drops bytes until the newline that
/// ends that line, so one oversized request costs neither memory nor the
/// connection.
public struct RequestFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = RequestFrame

    private let maxLine: @Sendable () -> Int
    private var discarding = false
    /// How far the current buffer was already searched for a newline.
    private var scanned = 0

    public init(maxLine: @escaping @Sendable () -> Int) { self.maxLine = maxLine }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        if let newline = view[(view.startIndex + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - view.startIndex
            scanned = 0
            if discarding {
                discarding = false
                buffer.moveReaderIndex(forwardBy: length + 1)
                return .continue
            }
            let limit = maxLine()
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
                line.moveWriterIndex(to: line.writerIndex - 1)
            }
            if line.readableBytes > limit {
                context.fireChannelRead(wrapInboundOut(.tooLarge(limit: limit)))
            } else {
                context.fireChannelRead(wrapInboundOut(.line(line)))
            }
            return .continue
        }
        // No newline yet.
        if discarding {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            scanned = 0
            return .needMoreData
        }
        let limit = maxLine()
        if buffer.readableBytes > limit + 1 {
            discarding = true
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            scanned = 0
            context.fireChannelRead(wrapInboundOut(.tooLarge(limit: limit)))
            return .needMoreData
        }
        scanned = buffer.readableBytes
        return .needMoreData
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A last line without a newline is still a request.
        if buffer.readableBytes > 0 && !discarding {
            let line = buffer.readSlice(length: buffer.readableBytes)!
            if line.readableBytes > maxLine() {
                context.fireChannelRead(wrapInboundOut(.tooLarge(limit: maxLine())))
            } else {
                context.fireChannelRead(wrapInboundOut(.line(line)))
            }
        }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}
