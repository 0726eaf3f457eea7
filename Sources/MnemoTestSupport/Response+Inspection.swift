import Foundation
import MnemoClient

/// What tests ask of an answer.
extension Response {
    /// The error code (`SYNTAX`, `BUSY`, …); nil for OK.
    public var code: String? {
        if case .error(let code, _) = self { return code }
        return nil
    }

    /// Whether this is the answer to `ping`.
    public var isPong: Bool { self == .ok(["{\"kind\":\"pong\"}"]) }

    /// The JSON objects of an OK answer, decoded (a line that is not an object is left out).
    public var objects: [[String: Any]] {
        lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// The answer as the daemon sent it: the `OK n` header and its n lines, or the one `ERR` line.
    public var protocolLines: [String] { [headerLine] + lines }
}
