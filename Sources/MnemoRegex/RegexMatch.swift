/// One match of a `RegexPattern` in a string: the whole match (group 0) and
/// its capturing groups, as UTF-8 byte ranges into the searched string.
///
/// Holds the searched string itself (a reference-counted copy, not a copy of
/// the bytes), so the texts of the groups are handed out as `Substring`s
/// without copying.
public struct RegexMatch: Sendable {
    /// The string that was searched.
    public let subject: String
    /// Byte ranges of group 0 (the whole match) and groups 1...captureCount;
    /// `nil` for a group that did not take part in the match.
    let ranges: [Range<Int>?]
    /// Group numbers by name, shared with the pattern.
    let groupNumbers: [String: [Int]]
    /// The names of the named groups, in the order of their group numbers.
    public let names: [String]

    init(subject: String, ranges: [Range<Int>?], groupNumbers: [String: [Int]], names: [String]) {
        precondition(ranges.first.flatMap { $0 } != nil, "a match always has group 0")
        self.subject = subject
        self.ranges = ranges
        self.groupNumbers = groupNumbers
        self.names = names
    }

    /// The UTF-8 byte range of the whole match in `subject`.
    public var range: Range<Int> { ranges[0]! }

    /// The text of the whole match.
    public var text: Substring { substring(ranges[0]!) }

    /// The number of capturing groups of the pattern (not counting group 0).
    public var captureCount: Int { ranges.count - 1 }

    /// The text of group `index` (0 is the whole match); `nil` if the group
    /// did not take part in the match or the pattern has no such group.
    public subscript(_ index: Int) -> Substring? {
        byteRange(at: index).map(substring)
    }

    /// The text of the group called `name`; `nil` if it did not take part or
    /// there is no such name. When several groups share the name (`(?J)`),
    /// the first that took part.
    public subscript(_ name: String) -> String? {
        byteRange(named: name).map { String(substring($0)) }
    }

    /// The UTF-8 byte range of group `index` in `subject`, as for the subscript.
    public func byteRange(at index: Int) -> Range<Int>? {
        ranges.indices.contains(index) ? ranges[index] : nil
    }

    /// The UTF-8 byte range of the group called `name`, as for the subscript.
    public func byteRange(named name: String) -> Range<Int>? {
        groupNumbers[name]?.lazy.compactMap { self.byteRange(at: $0) }.first
    }

    /// The text at a byte range. PCRE2 in UTF mode only reports ranges on
    /// Unicode scalar boundaries; slicing the scalar view (not the characters)
    /// keeps a match that ends inside a grapheme cluster, such as the `e` of
    /// a decomposed `é`, exact instead of rounding it to a character boundary.
    private func substring(_ range: Range<Int>) -> Substring {
        let utf8 = subject.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
        let upper = utf8.index(lower, offsetBy: range.count)
        return Substring(subject.unicodeScalars[lower..<upper])
    }
}
