import MnemoModel
import Synchronization

/// The names and aliases the memory already knows, for finding them in text:
/// longest match first, compared token by token without case or accents
/// ("Mel" and "MEL" find the same entity; "Alice Smith" wins over "Alice").
public final class EntityDictionary: Sendable {
    /// Candidates by first token, longest first.
    private let entries = Mutex<[String: [(tokens: [String], name: String)]]>([:])

    public init(names: [String] = []) {
        for name in names { add(name) }
    }

    /// Adds a name (or alias); `display` is the entity's canonical name.
    public func add(_ name: String, display: String? = nil) {
        let tokens = Analyzer.tokens(name).map(\.text)
        guard let first = tokens.first, Self.isUsable(tokens) else { return }
        let canonical = display ?? Name.display(name)
        entries.withLock { entries in
            var list = entries[first, default: []]
            guard !list.contains(where: { $0.tokens == tokens }) else { return }
            list.append((tokens, canonical))
            list.sort { $0.tokens.count > $1.tokens.count }
            entries[first] = list
        }
    }

    /// A name made only of stop words or one short token would match everywhere.
    static func isUsable(_ tokens: [String]) -> Bool {
        guard !tokens.isEmpty else { return false }
        if tokens.allSatisfy({ Analyzer.stopWords.contains($0) }) { return false }
        if tokens.count == 1 && (tokens[0].count < 2 || tokens[0].allSatisfy(\.isNumber)) { return false }
        return true
    }

    public var count: Int { entries.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// Known names in the text, non-overlapping, longest first at each position.
    public func find(in tokens: [Analyzer.Token]) -> [(name: String, range: Range<Int>)] {
        entries.withLock { entries in
            var found: [(name: String, range: Range<Int>)] = []
            var i = 0
            while i < tokens.count {
                var matched = false
                for candidate in entries[tokens[i].text] ?? [] where i + candidate.tokens.count <= tokens.count {
                    if zip(candidate.tokens, tokens[i...]).allSatisfy({ $0 == $1.text }) {
                        let last = tokens[i + candidate.tokens.count - 1]
                        found.append((candidate.name, tokens[i].range.lowerBound..<last.range.upperBound))
                        i += candidate.tokens.count
                        matched = true
                        break
                    }
                }
                if !matched { i += 1 }
            }
            return found
        }
    }
}
