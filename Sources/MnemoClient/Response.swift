/// One answer of the protocol: `OK <n>` and its n JSON lines, or `ERR <CODE> <message>`.
public enum Response: Equatable, Sendable {
    /// The raw JSON lines of the answer, in the order the daemon sent them.
    case ok([String])
    /// An error answer; `code` is e.g. `SYNTAX`, `NOT_FOUND`, `BUSY`.
    case error(code: String, message: String)

    public var isOK: Bool {
        if case .ok = self { return true }
        return false
    }

    /// The JSON lines of an OK answer; empty for an error.
    public var lines: [String] {
        if case .ok(let lines) = self { return lines }
        return []
    }

    /// The answer's header as the daemon sent it: `OK 3` or `ERR SYNTAX 1:1 ...`.
    public var headerLine: String {
        switch self {
        case .ok(let lines):
            return "OK \(lines.count)"
        case .error(let code, let message):
            return message.isEmpty ? "ERR \(code)" : "ERR \(code) \(message)"
        }
    }

    /// Parses a header line. Returns the number of JSON lines that follow an
    /// `OK <n>`, or the error; nil when the line is neither.
    package static func parseHeader(_ line: String) -> Header? {
        if line.hasPrefix("OK") {
            let rest = line.dropFirst(2)
            if rest.isEmpty { return .ok(count: 0) }
            guard rest.first == " ", let count = Int(rest.dropFirst()), count >= 0 else { return nil }
            return .ok(count: count)
        }
        if line.hasPrefix("ERR ") {
            let rest = line.dropFirst(4)
            if let space = rest.firstIndex(of: " ") {
                return .error(code: String(rest[..<space]), message: String(rest[rest.index(after: space)...]))
            }
            guard !rest.isEmpty else { return nil }
            return .error(code: String(rest), message: "")
        }
        return nil
    }

    package enum Header: Equatable {
        case ok(count: Int)
        case error(code: String, message: String)
    }
}
