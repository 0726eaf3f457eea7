extension Unicode61Table {
    /// Whether a code point belongs to a token (not a separator): a binary
    /// search of `tokenRanges`.
    static func isTokenCharacter(_ value: UInt32) -> Bool {
        var (low, high) = (0, tokenRanges.count)
        while low < high {
            let mid = low + (high - low) / 2
            if tokenRanges[mid].1 < value { low = mid + 1 } else { high = mid }
        }
        return low < tokenRanges.count && tokenRanges[low].0 <= value
    }

    /// What a token's code point becomes in the term: lower case, without
    /// its diacritic; `nil` when the tokenizer drops it (a combining accent).
    static func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        guard let to = foldOf[scalar.value] else { return scalar }
        return to == 0 ? nil : Unicode.Scalar(to)
    }

    private static let foldOf: [UInt32: UInt32] = Dictionary(uniqueKeysWithValues: folds)
}
