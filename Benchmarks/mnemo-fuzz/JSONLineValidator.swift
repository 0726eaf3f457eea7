/// Checks that an answer line is one JSON value (RFC 8259), byte by byte:
/// the protocol promises JSON lines, and a number written as `inf` or `nan`,
/// a raw control character or a broken escape would break every client that
/// parses them. Iterative, so deeply nested values cost no stack.
enum JSONLineValidator {
    static func isValid<Bytes: Collection>(_ line: Bytes) -> Bool where Bytes.Element == UInt8, Bytes.Index == Int {
        var i = line.startIndex
        let end = line.endIndex
        /// Open containers: `true` for an object.
        var stack: [Bool] = []

        func skipSpace() { while i < end, line[i] == 0x20 || line[i] == 0x09 || line[i] == 0x0D { i += 1 } }
        func literal(_ word: String) -> Bool {
            for b in word.utf8 {
                guard i < end, line[i] == b else { return false }
                i += 1
            }
            return true
        }
        func string() -> Bool {
            guard i < end, line[i] == 0x22 else { return false }
            i += 1
            while i < end {
                let b = line[i]
                if b == 0x22 {
                    i += 1
                    return true
                }
                if b < 0x20 { return false }
                if b == 0x5C {
                    i += 1
                    guard i < end else { return false }
                    switch line[i] {
                    case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: i += 1
                    case 0x75:
                        i += 1
                        for _ in 0..<4 {
                            guard i < end, isHex(line[i]) else { return false }
                            i += 1
                        }
                    default: return false
                    }
                    continue
                }
                i += 1
            }
            return false
        }
        func digits() -> Bool {
            let start = i
            while i < end, line[i] >= 0x30, line[i] <= 0x39 { i += 1 }
            return i > start
        }
        func number() -> Bool {
            if i < end, line[i] == 0x2D { i += 1 }
            guard i < end else { return false }
            if line[i] == 0x30 { i += 1 } else if !digits() { return false }
            if i < end, line[i] == 0x2E {
                i += 1
                guard digits() else { return false }
            }
            if i < end, line[i] == 0x65 || line[i] == 0x45 {
                i += 1
                if i < end, line[i] == 0x2B || line[i] == 0x2D { i += 1 }
                guard digits() else { return false }
            }
            return true
        }
        func isHex(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x66) }

        // A value, then (inside containers) separators and more values.
        var expectValue = true
        while true {
            skipSpace()
            if expectValue {
                guard i < end else { return false }
                switch line[i] {
                case 0x7B: // {
                    i += 1
                    skipSpace()
                    if i < end, line[i] == 0x7D {
                        i += 1
                        expectValue = false
                        break
                    }
                    stack.append(true)
                    guard string() else { return false }
                    skipSpace()
                    guard i < end, line[i] == 0x3A else { return false }
                    i += 1
                    continue
                case 0x5B: // [
                    i += 1
                    skipSpace()
                    if i < end, line[i] == 0x5D {
                        i += 1
                        expectValue = false
                        break
                    }
                    stack.append(false)
                    continue
                case 0x22: guard string() else { return false }
                case 0x74: guard literal("true") else { return false }
                case 0x66: guard literal("false") else { return false }
                case 0x6E: guard literal("null") else { return false }
                default: guard number() else { return false }
                }
                expectValue = false
                continue
            }
            guard let isObject = stack.last else {
                return i == end
            }
            guard i < end else { return false }
            if line[i] == 0x2C { // ,
                i += 1
                if isObject {
                    skipSpace()
                    guard string() else { return false }
                    skipSpace()
                    guard i < end, line[i] == 0x3A else { return false }
                    i += 1
                }
                expectValue = true
            } else if line[i] == (isObject ? 0x7D : 0x5D) { // } or ]
                i += 1
                stack.removeLast()
            } else {
                return false
            }
        }
    }
}
