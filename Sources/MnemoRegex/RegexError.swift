import CPCRE2

/// Why a regular expression could not be built or run.
///
/// Compile errors carry PCRE2's own message and the UTF-8 byte offset in the
/// pattern where PCRE2 gave up, so a query error can point at the culprit:
/// `missing closing parenthesis at offset 4`. Bad flag letters and failed
/// matches (e.g. the match limit) are reported through the same type so that
/// callers have a single error to translate into a protocol `SYNTAX` error.
public struct RegexError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which step failed.
    public enum Kind: Sendable, Hashable {
        /// PCRE2 rejected the pattern.
        case compile
        /// A flag letter is not one of `i m s x u`.
        case flag
        /// PCRE2 failed while matching for a reason other than "no match".
        case match
    }

    public var kind: Kind
    /// The text of the error; PCRE2's own wording for compile and match errors.
    public var message: String
    /// The UTF-8 byte offset in the pattern where compilation failed (compile
    /// errors), or the position of the bad letter in the flags (flag errors);
    /// `nil` for match errors.
    public var offset: Int?
    /// PCRE2's numeric error code, when the error came from PCRE2.
    public var code: Int32?

    public init(kind: Kind, message: String, offset: Int? = nil, code: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.offset = offset
        self.code = code
    }

    /// `missing closing parenthesis at offset 4`, or the bare message when
    /// there is no offset.
    public var description: String {
        switch (kind, offset) {
        case (.compile, let offset?): "\(message) at offset \(offset)"
        default: message
        }
    }

    /// An error from a PCRE2 error code, with PCRE2's message for it.
    static func pcre2(_ code: Int32, kind: Kind, offset: Int? = nil) -> RegexError {
        RegexError(kind: kind, message: pcre2Message(code), offset: offset, code: code)
    }

    /// PCRE2's message text for an error code (`pcre2_get_error_message`).
    static func pcre2Message(_ code: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = buffer.withUnsafeMutableBufferPointer {
            pcre2_get_error_message_8(code, $0.baseAddress, $0.count)
        }
        guard length >= 0 else { return "PCRE2 error \(code)" }
        return String(decoding: buffer[..<Int(length)], as: UTF8.self)
    }
}
