import MnemoModel
import Synchronization

/// The names and aliases the memory already knows, for finding them in text:
/// longest match first, compared token by token without case or accents
/// ("Mel" and "MEL" find the same entity; "Alice Smith" wins over "Alice").
///
/// Names are kept by their whole token sequence, with, for each first token,
/// the lengths names starting with it have: adding is constant time and a
/// look-up costs one probe per distinct length, however many names share a
/// first word ("person 1" … "person 100000").
public final class EntityDictionary: Sendable {
    struct Table {
        /// Token sequence joined by spaces → display name.
        var names: [String: String] = [:]
        /// First token → the lengths (in tokens) of names starting with it, longest first.
        var lengths: [String: [Int]] = [:]
    }

    private let table = Mutex(Table())

    public init(names: [String] = []) {
        for name in names { add(name) }
    }

    /// Adds a name (or alias); `display` is the entity's canonical name.
    public func add(_ name: String, display: String? = nil) {
        let tokens = Analyzer.tokens(name).map(\.text)
        guard let first = tokens.first, Self.isUsable(tokens) else { return }
        let key = tokens.joined(separator: " ")
        let canonical = display ?? Name.display(name)
        table.withLock { t in
            guard t.names[key] == nil else { return }
            t.names[key] = canonical
            var lengths = t.lengths[first, default: []]
            if !lengths.contains(tokens.count) {
                lengths.append(tokens.count)
                lengths.sort(by: >)
                t.lengths[first] = lengths
            }
        }
    }

    /// A name made only of stop words or one short token would match everywhere.
    static func isUsable(_ tokens: [String]) -> Bool {
        guard !tokens.isEmpty else { return false }
        if tokens.allSatisfy({ Analyzer.stopWords.contains($0) }) { return false }
        if tokens.count == 1 && (tokens[0].count < 2 || tokens[0].allSatisfy(\.isNumber)) { return false }
        return true
    }

    public var count: Int { table.withLock { $0.names.count } }

    /// Known names in the text, non-overlapping, longest first at each position.
    ///
    /// The table is held for `tokensPerHold` positions at a time: a long text
    /// does not keep `add` (a write) or the other look-ups (recalls on network
    /// threads) waiting for all of it.
    public func find(in tokens: [Analyzer.Token]) -> [(name: String, range: Range<Int>)] {
        var found: [(name: String, range: Range<Int>)] = []
        var i = 0
        while i < tokens.count {
            table.withLock { t in
                let stop = min(tokens.count, i + Self.tokensPerHold)
                while i < stop {
                    var matched = false
                    for length in t.lengths[tokens[i].text] ?? [] where i + length <= tokens.count {
                        let key = length == 1 ? tokens[i].text : tokens[i..<(i + length)].map(\.text).joined(separator: " ")
                        if let name = t.names[key] {
                            found.append((name, tokens[i].range.lowerBound..<tokens[i + length - 1].range.upperBound))
                            i += length
                            matched = true
                            break
                        }
                    }
                    if !matched { i += 1 }
                }
            }
        }
        return found
    }

    /// How many positions of a text `find` looks at per hold of the table.
    static let tokensPerHold = 1_024
}
