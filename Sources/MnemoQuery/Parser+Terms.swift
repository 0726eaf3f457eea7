import MnemoModel

extension Parser {
    /// A time: an ISO 8601 token, a four-digit year, or `now`; the start of the
    /// period it names.
    mutating func time() throws(MnemoError) -> Timestamp {
        try period().start
    }

    /// The period a time names: `2023-05` is the whole month, `now` an instant.
    mutating func period() throws(MnemoError) -> (start: Timestamp, end: Timestamp) {
        switch current.kind {
        case .time(let text):
            guard let period = Timestamp.parsePeriod(text) else { throw MnemoError(.syntax, "\(current.position) invalid time '\(text)'") }
            advance()
            return period
        case .number(let n) where n == n.rounded() && n >= 1000 && n <= 9999:
            let year = Int(n)
            advance()
            return (Timestamp(year: year, month: 1, day: 1), Timestamp(year: year + 1, month: 1, day: 1))
        case .word(let w) where w.lowercased() == "now":
            advance()
            return (now, Timestamp(microseconds: now.microseconds + 1))
        default:
            throw expected("a time (ISO 8601 such as 2023-05-08 or 2023-05-08T13:56, a year from 1000 to 9999, or now)")
        }
    }

    /// `t1 .. t2`: from the start of t1's period to the end of t2's (so
    /// `2023-05 .. 2023-08` includes August); a single time is its own period.
    mutating func interval() throws(MnemoError) -> TimeRange {
        let position = current.position
        let first = try period()
        guard isSymbol("..") else { return TimeRange(from: first.start, to: first.end) }
        advance()
        let second = try period()
        guard first.start < second.end else {
            throw MnemoError(.syntax, "\(position) the interval ends before it starts")
        }
        return TimeRange(from: first.start, to: second.end)
    }

    /// A literal value: string, number or time.
    mutating func literal() -> Literal? {
        switch current.kind {
        case .string(let s):
            advance()
            return .text(s)
        case .number(let n):
            advance()
            return .number(n)
        case .time(let text):
            guard let t = Timestamp(iso8601: text) else { return nil }
            advance()
            return .time(t)
        default:
            return nil
        }
    }

    /// A filler of `assert`: an entity name (bare word), a literal, or a list.
    mutating func filler(allowList: Bool = true) throws(MnemoError) -> Filler {
        if case .word = current.kind { return .entity(argumentName()) }
        if let literal = literal() { return .literal(literal) }
        if allowList, isSymbol("[") {
            advance()
            var items: [Filler] = []
            if isSymbol("]") { throw expected("a list item") }
            while true {
                items.append(try filler(allowList: false))
                if isSymbol(",") {
                    advance()
                    continue
                }
                if isSymbol("]") {
                    advance()
                    break
                }
                throw expected("',' or ']'")
            }
            return .list(items)
        }
        if case .variable = current.kind {
            throw MnemoError(.syntax, "\(current.position) variables such as \(current.text) belong in match, not here")
        }
        throw expected("a name, a quoted string, a number, a time or a [list]")
    }

    /// An entity name inside an argument list: one or more bare words, so that
    /// `met(who: [Alice Smith, Bob], place: New York)` needs no quotes (a quoted
    /// string there is a text value).
    mutating func argumentName() -> String {
        var words: [String] = []
        while true {
            switch current.kind {
            case .word(let w):
                words.append(w)
            case .number where !words.isEmpty && current.text.allSatisfy(\.isNumber):
                words.append(current.text) // "Route 66", "entity 12"
            default:
                return words.joined(separator: " ")
            }
            advance()
        }
    }

    /// `role:` before an argument, if there is one.
    mutating func roleLabel() -> String? {
        guard case .word(let w) = current.kind, index + 1 < tokens.count, case .symbol(":") = tokens[index + 1].kind else { return nil }
        advance()
        advance()
        return w
    }

    /// `name(args)` for `assert`; args are `filler` or `role: filler`.
    mutating func assertedAtom() throws(MnemoError) -> (predicate: String, arguments: [Argument]) {
        guard case .word(let predicate) = current.kind else { throw expected("a predicate such as works_at(...)") }
        advance()
        try expectSymbol("(")
        var arguments: [Argument] = []
        if isSymbol(")") { throw expected("an argument") }
        while true {
            let role = roleLabel()
            arguments.append(Argument(try filler(), role: role))
            if try !nextListItem() { break }
        }
        return (predicate, arguments)
    }

    /// `name(terms)` for `match` and `history`: terms may be `?var` or `?`.
    mutating func atom(allowVariables: Bool) throws(MnemoError) -> Atom {
        let position = current.position
        guard case .word(let predicate) = current.kind else { throw expected("a pattern such as works_at(?who, acme)") }
        advance()
        try expectSymbol("(")
        var arguments: [AtomArgument] = []
        if isSymbol(")") { throw expected("an argument") }
        while true {
            let role = roleLabel()
            let term: Term
            switch current.kind {
            case .variable(let v):
                advance()
                term = .variable(v)
            case .symbol("?"):
                advance()
                term = .anything
            case .word:
                term = .entity(argumentName())
            default:
                guard let literal = literal() else { throw expected("?variable, ?, a name or a value") }
                term = .literal(literal)
            }
            arguments.append(AtomArgument(role: role, term: term))
            if try !nextListItem() { break }
        }
        return Atom(predicate: predicate, arguments: arguments, position: position)
    }
}
