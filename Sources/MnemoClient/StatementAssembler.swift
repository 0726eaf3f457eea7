/// A statement as the user wrote it, possibly from several continued lines.
public struct Statement: Equatable, Sendable {
    /// The statement on one line (continued lines joined with a space).
    public var text: String
    /// The line (1-based) of the input where it starts.
    public var line: Int

    public init(text: String, line: Int) {
        self.text = text
        self.line = line
    }
}

/// Turns input lines into statements, as the REPL and batch mode read them:
/// - blank lines and lines holding only a `--` comment are skipped;
/// - a line ending with `\` continues onto the next one; the parts are joined
///   with one space (surrounding white space of each part dropped);
/// - inside a continuation, comment-only lines are skipped and a blank line
///   ends the statement.
public struct StatementAssembler: Sendable {
    private var parts: [Substring] = []
    private var startLine = 0
    /// Lines fed so far.
    public private(set) var lineNumber = 0

    public init() {}

    /// True when the last line ended with `\` and the statement goes on.
    public var isContinuing: Bool { startLine > 0 }

    /// Feeds one input line (with or without its `\n`/`\r\n`); returns a
    /// statement when this line completes one.
    public mutating func feed<Line: StringProtocol>(_ line: Line) -> Statement? {
        lineNumber += 1
        let trimmed = Self.trim(Substring(line))
        if trimmed.isEmpty {
            return isContinuing ? finish() : nil
        }
        if trimmed.hasPrefix("--") {
            return nil
        }
        if !isContinuing { startLine = lineNumber }
        if trimmed.last == "\\" {
            let part = Self.trim(trimmed.dropLast())
            if !part.isEmpty { parts.append(part) }
            return nil
        }
        parts.append(trimmed)
        return finish()
    }

    /// Ends the input: returns a statement left open by a final `\`, if any.
    public mutating func finish() -> Statement? {
        defer {
            parts = []
            startLine = 0
        }
        guard isContinuing, !parts.isEmpty else { return nil }
        return Statement(text: parts.joined(separator: " "), line: startLine)
    }

    /// Drops a statement in progress (e.g. Ctrl-D in the middle of a continuation).
    public mutating func reset() {
        parts = []
        startLine = 0
    }

    /// Every statement of a whole text (a script, or the argument of `-c`).
    public static func statements(in text: String) -> [Statement] {
        var assembler = StatementAssembler()
        var result: [Statement] = []
        // "\r\n" is one Character: split on both forms.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if let statement = assembler.feed(line) { result.append(statement) }
        }
        if let statement = assembler.finish() { result.append(statement) }
        return result
    }

    private static func trim(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}

/// What the client needs to know about a statement without parsing it.
public enum StatementInfo {
    /// The first word, lowercased (`recall`, `use`, ...); nil for an empty statement.
    public static func keyword(of statement: String) -> String? {
        let word = statement.drop(while: \.isWhitespace).prefix { $0.isLetter || $0 == "_" }
        return word.isEmpty ? nil : word.lowercased()
    }

    /// Statements that change nothing on the daemon, not even the connection's
    /// space. Batch mode pipelines these freely; any other statement waits for
    /// every earlier answer, so that nothing that changes state runs after an
    /// error the batch stops at. Conservative: `persona x` and `scene "x"`
    /// (reads, but with write forms) count as changing. The client depends
    /// on nothing, so this is a copy; a test holds it to the daemon's
    /// statement table (`StatementKind.traits`).
    public static let readOnlyKeywords: Set<String> = [
        "ping", "stats", "help", "recall", "match", "history", "timeline",
        "scenes", "conflicts", "insights", "explain", "consolidations",
    ]

    public static func isReadOnly(_ statement: String) -> Bool {
        guard let keyword = keyword(of: statement) else { return true }
        return readOnlyKeywords.contains(keyword)
    }

    /// The space named by a successful `use` answer (`{"kind":"space","name":...}`).
    public static func spaceName(in response: Response) -> String? {
        for line in response.lines {
            guard let members = JSONLine.members(line),
                members.first(where: { $0.key == "kind" }).flatMap({ JSONLine.string($0.raw) }) == "space",
                let raw = members.first(where: { $0.key == "name" })?.raw,
                let name = JSONLine.string(raw)
            else { continue }
            return name
        }
        return nil
    }

    /// A JSON string literal for `text`, for building statements (`use space "x"`),
    /// escaped as `JSONString` in MnemoModel escapes (this module depends on
    /// nothing, so it cannot use it; `FormattingTests` holds the two together).
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
