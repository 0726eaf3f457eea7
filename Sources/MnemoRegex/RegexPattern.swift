import CPCRE2

/// A compiled PCRE2 regular expression, matched against Swift strings.
///
/// Compiled once with `PCRE2_UTF` (Swift strings are UTF-8, so offsets and
/// ranges are UTF-8 byte offsets) and, where the platform supports it, JIT
/// compiled for speed; otherwise the interpreter is used without complaint.
///
/// Sharing is safe, hence `@unchecked Sendable`: after `init` nothing in the
/// object changes. PCRE2 documents the compiled code, and the JIT code attached
/// to it, as read-only during `pcre2_match`, so any number of threads may match
/// with one pattern at once. Everything a match writes (the match data with its
/// offset vector) is allocated per call, and JIT matching uses the calling
/// thread's own stack. The code is freed only in `deinit`, when no one can
/// be matching any more.
public final class RegexPattern: @unchecked Sendable {
    /// The pattern as written.
    public let pattern: String
    /// The flag letters as written.
    public let flags: String
    /// The number of capturing groups (not counting the whole match, group 0).
    public let captureCount: Int
    /// The names of the named groups, in the order of their group numbers.
    public let names: [String]
    /// Whether matching runs JIT-compiled code (`false`: the interpreter).
    public let usesJIT: Bool

    /// Group numbers by name. More than one number only with `(?J)` or in a
    /// `(?|...)` branch reset, where several groups may share a name.
    let groupNumbers: [String: [Int]]
    /// The compiled code; owned by this object.
    let code: OpaquePointer

    /// Compiles `pattern` with the given flag letters: `i` caseless,
    /// `m` multiline, `s` dotall, `x` extended, `u` Unicode properties for
    /// `\w`, `\d`, `\s`, `\b` and POSIX classes (`PCRE2_UCP`).
    ///
    /// Throws a `.flag` error for an unknown letter, and a `.compile` error
    /// with PCRE2's message and the byte offset in `pattern` if PCRE2 rejects it.
    public init(_ pattern: String, flags: String = "") throws(RegexError) {
        let options = try RegexFlags.compileOptions(flags)
        var errorCode: Int32 = 0
        var errorOffset = 0
        var source = pattern
        let compiled = source.withUTF8 { bytes in
            // Pass the length explicitly: the pattern may contain NUL, and an
            // empty buffer's base address may be nil, which PCRE2 accepts only
            // together with a zero length.
            pcre2_compile_8(bytes.baseAddress, bytes.count, options, &errorCode, &errorOffset, nil)
        }
        guard let compiled else {
            throw RegexError.pcre2(errorCode, kind: .compile, offset: errorOffset)
        }
        // 0 on success; an error (e.g. PCRE2_ERROR_JIT_BADOPTION when PCRE2
        // was built without JIT) just leaves matching to the interpreter.
        let jit = pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE)

        self.pattern = pattern
        self.flags = flags
        self.code = compiled
        self.usesJIT = jit == 0
        self.captureCount = Int(Self.info(compiled, PCRE2_INFO_CAPTURECOUNT))
        let table = Self.nameTable(compiled)
        self.groupNumbers = Dictionary(table.map { ($0.name, [$0.number]) }, uniquingKeysWith: +)
        var seen = Set<String>()
        self.names = table.sorted { $0.number < $1.number }.compactMap { seen.insert($0.name).inserted ? $0.name : nil }
    }

    deinit {
        pcre2_code_free_8(code)
    }

    /// A `uint32_t` item of `pcre2_pattern_info`.
    private static func info(_ code: OpaquePointer, _ what: Int32) -> UInt32 {
        var value: UInt32 = 0
        let rc = pcre2_pattern_info_8(code, UInt32(what), &value)
        return rc == 0 ? value : 0
    }

    /// The name table, read once here so that named lookups after a match are
    /// a dictionary access. Each entry is `NAMEENTRYSIZE` bytes: the group
    /// number as two big-endian bytes, then the name, NUL-terminated.
    private static func nameTable(_ code: OpaquePointer) -> [(name: String, number: Int)] {
        let count = Int(info(code, PCRE2_INFO_NAMECOUNT))
        let entrySize = Int(info(code, PCRE2_INFO_NAMEENTRYSIZE))
        guard count > 0, entrySize > 2 else { return [] }
        var table: UnsafePointer<UInt8>? = nil
        guard pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_NAMETABLE), &table) == 0, let table else { return [] }
        return (0..<count).map { i in
            let entry = table + i * entrySize
            let number = Int(entry[0]) << 8 | Int(entry[1])
            let nameBytes = UnsafeBufferPointer(start: entry + 2, count: entrySize - 2)
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            return (name, number)
        }
    }
}
