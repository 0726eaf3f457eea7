/// Inputs below the grammar: random bytes, invalid UTF-8, statements with
/// bytes flipped, cut or spliced, and several lines in one write. Each input
/// ends with a newline; `lines` is how many the daemon must answer.
struct RawInputGenerator {
    var dice: Dice

    init(seed: UInt64) { dice = Dice(seed: seed) }

    /// UTF-8 the protocol must refuse: overlong forms, encoded surrogates,
    /// code points past U+10FFFF, lone continuation bytes, cut sequences.
    static let invalidUTF8: [[UInt8]] = [
        [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF5, 0x80, 0x80, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xFC, 0x84, 0x80, 0x80, 0x80, 0x80], [0xFE], [0xFF],
        [0x80], [0xBF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xEF, 0xBB, 0xBF], [0xF0, 0x9F, 0x98, 0x80],
    ]

    /// A raw input: with `statement` (a generated one) to mutate, or bytes alone.
    mutating func next(mutating statement: String) -> [UInt8] {
        var bytes: [UInt8]
        switch dice.below(10) {
        case 0, 1:
            bytes = (0..<dice.within(0...200)).map { _ in dice.byte() }
        case 2:
            // Printable ASCII noise: reaches the lexer more often than random bytes.
            bytes = (0..<dice.within(1...120)).map { _ in UInt8(0x20 + dice.below(0x5F)) }
        case 3, 4:
            bytes = Array(statement.utf8)
            let sequence = dice.pick(Self.invalidUTF8)
            bytes.insert(contentsOf: sequence, at: dice.below(bytes.count + 1))
        case 5:
            // Several statements in one write, with \n or \r\n between them.
            let separator: [UInt8] = dice.percent(50) ? [0x0A] : [0x0D, 0x0A]
            bytes = Array(statement.utf8)
            for _ in 0..<dice.within(1...4) {
                bytes += separator + Array(dice.pick(["ping", "", "stats", "match p(?x)", "recall \"x\"", " ", "\u{0}"]).utf8)
            }
            return bytes + [0x0A]
        default:
            bytes = mutate(Array(statement.utf8))
        }
        // One line: a newline inside would make another request.
        for i in bytes.indices where bytes[i] == 0x0A { bytes[i] = 0x20 }
        return bytes + [0x0A]
    }

    /// A few byte-level edits: flip a bit, delete, duplicate or cut a slice,
    /// insert a byte that means something to the lexer.
    mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0..<dice.within(1...4) where !bytes.isEmpty {
            let at = dice.below(bytes.count)
            switch dice.below(6) {
            case 0: bytes[at] ^= UInt8(1) << UInt8(dice.below(8))
            case 1: bytes.remove(at: at)
            case 2:
                let end = min(bytes.count, at + dice.within(1...16))
                bytes.insert(contentsOf: bytes[at..<end], at: at)
            case 3: bytes.removeSubrange(at...)
            case 4: bytes.insert(dice.pick(Array("\"\\?/:()[],=<>~.-0123456789eE\u{0}\r\t".utf8)), at: at)
            default: bytes[at] = dice.byte()
            }
        }
        return bytes
    }
}
