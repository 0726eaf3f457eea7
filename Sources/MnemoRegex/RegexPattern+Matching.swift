import CPCRE2

/// Matching a compiled pattern against a string's UTF-8 bytes.
///
/// The non-throwing forms treat a PCRE2 failure other than "no match" (the
/// match or depth limit on a pathological pattern, say) as no match: a filter
/// in a query must not bring the daemon down. The `OrThrow` forms report it.
extension RegexPattern {
    /// The first match at or after `from` (the start when `nil`), or `nil`.
    ///
    /// Like PCRE2's start offset, `from` does not cut the text: `^` matches at
    /// `from` only if it is the start of the string (or of a line with `m`),
    /// and lookbehinds see what lies before it. An index inside a Unicode
    /// scalar is moved forward to the next scalar boundary.
    public func firstMatch(in text: String, from: String.Index? = nil) -> RegexMatch? {
        search(text, from: from, limit: 1).matches.first
    }

    /// As `firstMatch`, but throws a `.match` error if PCRE2 fails for a
    /// reason other than finding no match.
    public func firstMatchOrThrow(in text: String, from: String.Index? = nil) throws(RegexError) -> RegexMatch? {
        let result = search(text, from: from, limit: 1)
        if let error = result.error { throw error }
        return result.matches.first
    }

    /// Every non-overlapping match, left to right.
    ///
    /// After an empty match the search first tries for a non-empty match at
    /// the same place and otherwise moves on by one character, as Perl does,
    /// so a pattern that can match the empty string (`x*`) finishes. If PCRE2
    /// fails part way (e.g. the match limit), the matches found before are
    /// returned.
    public func matches(in text: String) -> [RegexMatch] {
        search(text, from: nil, limit: .max).matches
    }

    /// As `matches(in:)`, but throws a `.match` error if PCRE2 fails part way.
    public func matchesOrThrow(in text: String) throws(RegexError) -> [RegexMatch] {
        let result = search(text, from: nil, limit: .max)
        if let error = result.error { throw error }
        return result.matches
    }

    /// Whether the pattern matches anywhere in `text`. Cheaper than
    /// `firstMatch`: no capture offsets are kept and no match is built.
    public func isMatch(_ text: String) -> Bool {
        (try? isMatchOrThrow(text)) ?? false
    }

    /// As `isMatch`, but throws a `.match` error if PCRE2 fails for a reason
    /// other than finding no match (a limit of `RegexLimits`, say).
    public func isMatchOrThrow(_ text: String) throws(RegexError) -> Bool {
        let context = MatchContext.inForce
        let rc: Int32 = withExtendedLifetime(context) {
            Self.withBytes(text) { subject in
                guard let matchData = pcre2_match_data_create_8(1, nil) else { return PCRE2_ERROR_NOMEMORY }
                defer { pcre2_match_data_free_8(matchData) }
                return pcre2_match_8(code, subject.baseAddress, subject.count, 0, PCRE2_NO_UTF_CHECK, matchData, context.pointer)
            }
        }
        if rc >= 0 { return true }
        if rc == PCRE2_ERROR_NOMATCH { return false }
        throw RegexError.pcre2(rc, kind: .match)
    }

    // MARK: - The search loop

    /// Up to `limit` non-overlapping matches from `from`, and the PCRE2 error
    /// that stopped the search early, if any.
    private func search(_ text: String, from: String.Index?, limit: Int) -> (matches: [RegexMatch], error: RegexError?) {
        let fromOffset = from.map { text.utf8.distance(from: text.utf8.startIndex, to: $0) } ?? 0
        let context = MatchContext.inForce
        return withExtendedLifetime(context) {
            Self.withBytes(text) { subject in
                // One match data (the offset vector) per call, never shared: this
                // is what makes concurrent matching with one pattern safe.
                guard let matchData = pcre2_match_data_create_from_pattern_8(code, nil) else {
                    return ([], RegexError(kind: .match, message: "cannot allocate match data"))
                }
                defer { pcre2_match_data_free_8(matchData) }

                var found: [RegexMatch] = []
                var start = Self.scalarBoundary(atOrAfter: min(max(fromOffset, 0), subject.count), in: subject)
                var options: UInt32 = 0
                while found.count < limit && start <= subject.count {
                    // Swift strings are valid UTF-8 and `start` is on a scalar
                    // boundary, so PCRE2 need not check the subject on every call
                    // (which would make a scan of all matches quadratic).
                    let rc = pcre2_match_8(
                        code, subject.baseAddress, subject.count, start,
                        options | PCRE2_NO_UTF_CHECK, matchData, context.pointer)
                    if rc == PCRE2_ERROR_NOMATCH {
                        // No non-empty match where the last empty one was: move on
                        // one character and search normally from there.
                        if options == 0 { break }
                        options = 0
                        start = Self.scalarBoundary(atOrAfter: start + 1, in: subject)
                        continue
                    }
                    if rc < 0 { return (found, .pcre2(rc, kind: .match)) }
                    let ranges = captureRanges(matchData)
                    guard let whole = ranges[0] else {
                        // Only possible with \K in a lookaround, which PCRE2
                        // rejects by default; never loop on it.
                        return (found, RegexError(kind: .match, message: "match ends before it starts (\\K)"))
                    }
                    found.append(RegexMatch(subject: text, ranges: ranges, groupNumbers: groupNumbers, names: names))
                    options = whole.isEmpty ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0
                    start = whole.upperBound
                }
                return (found, nil)
            }
        }
    }

    /// Groups 0...captureCount from the offset vector; `nil` for unset pairs.
    private func captureRanges(_ matchData: OpaquePointer) -> [Range<Int>?] {
        let ovector = pcre2_get_ovector_pointer_8(matchData)!
        return (0...captureCount).map { group in
            let lower = ovector[2 * group]
            let upper = ovector[2 * group + 1]
            return lower == mnemo_pcre2_unset() || upper < lower ? nil : lower..<upper
        }
    }

    /// `offset`, or the first position after it that starts a Unicode scalar
    /// (UTF-8 continuation bytes are `10xxxxxx`); may be `subject.count`, or
    /// beyond it when `offset` already is.
    private static func scalarBoundary(atOrAfter offset: Int, in subject: UnsafeBufferPointer<UInt8>) -> Int {
        var offset = offset
        while offset < subject.count && subject[offset] & 0xC0 == 0x80 { offset += 1 }
        return offset
    }

    /// Calls `body` with the UTF-8 bytes of `text`: in place for a native
    /// string, from a copy only for a bridged one that is not contiguous.
    /// The buffer's base address is never nil, as PCRE2 requires a subject
    /// pointer even for an empty string.
    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if !text.isEmpty, let result = text.utf8.withContiguousStorageIfAvailable(body) {
            return result
        }
        let bytes = text.isEmpty ? [0] : Array(text.utf8)
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(start: $0.baseAddress, count: text.utf8.count)) }
    }
}
