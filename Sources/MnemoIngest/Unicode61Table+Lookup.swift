import MnemoModel

extension Unicode61Table {
    /// Whether a code point belongs to a token (not a separator): a binary
    /// search of `tokenRanges`.
    static func isTokenCharacter(_ value: UInt32) -> Bool {
        let at = tokenRanges.partitionPoint { $0.1 < value }
        return at < tokenRanges.count && tokenRanges[at].0 <= value
    }

    /// What a token's code point becomes in the term: lower case, without
    /// its diacritic; `nil` when the tokenizer drops it (a combining accent).
    static func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        guard let to = foldOf[scalar.value] else { return scalar }
        return to == 0 ? nil : Unicode.Scalar(to)
    }

    private static let foldOf: [UInt32: UInt32] = Dictionary(uniqueKeysWithValues: folds)
}
