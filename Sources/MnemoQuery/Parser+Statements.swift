import MnemoModel

extension Parser {
    /// Reads optional clauses in any order, each at most once, until the end
    /// of the statement; `handle` consumes the clause for a keyword it knows.
    /// A kind that takes a row limit (`StatementTraits.takesRowLimit`) also
    /// takes `limit N`, read here and returned.
    @discardableResult
    mutating func clauses(
        _ kind: StatementKind, _ known: [String],
        _ handle: (inout Parser, String) throws(MnemoError) -> Void = { _, _ in }
    ) throws(MnemoError) -> Int? {
        let traits = kind.traits
        let known = traits.takesRowLimit ? known + ["limit"] : known
        var seen = Set<String>()
        var limit: Int?
        while true {
            if case .end = current.kind { return limit }
            guard case .word(let w) = current.kind, known.contains(w.lowercased()) else {
                let list = known.map { "'\($0)'" }.joined(separator: ", ")
                throw expected("\(list) or end of statement")
            }
            let keyword = w.lowercased()
            guard seen.insert(keyword).inserted else {
                throw MnemoError(.syntax, "\(current.position) '\(keyword)' given twice in \(traits.name)")
            }
            advance()
            if keyword == "limit" && traits.takesRowLimit {
                limit = try rowLimit()
            } else {
                try handle(&self, keyword)
            }
        }
    }

    mutating func remember() throws(MnemoError) -> Statement {
        guard case .string(let text) = current.kind else { throw expected("the text to remember, in double quotes") }
        guard !text.isEmpty else { throw MnemoError(.syntax, "\(current.position) the text to remember is empty") }
        advance()
        var r = Remember(text: text)
        try clauses(.remember, ["by", "at", "in", "ref", "importance"]) { (p: inout Parser, keyword: String) throws(MnemoError) in
            switch keyword {
            case "by": r.speaker = try p.name("the speaker's name")
            case "at": r.at = try p.time()
            case "in":
                try p.expectKeyword("scene")
                r.scene = try p.name("a scene title")
            case "ref":
                guard case .string(let ref) = p.current.kind else { throw p.expected("a quoted ref") }
                p.advance()
                r.ref = ref
            default:
                let position = p.current.position
                let value = try p.number("a number from 0 to 1")
                guard (0...1).contains(value) else { throw MnemoError(.syntax, "\(position) importance must be from 0 to 1") }
                r.importance = value
            }
        }
        return .remember(r)
    }

    mutating func assertion() throws(MnemoError) -> Statement {
        let (predicate, arguments) = try assertedAtom()
        var a = Assertion(predicate: predicate, arguments: arguments)
        var sawAt = false
        try clauses(.assert, ["from", "to", "at", "confidence", "source", "in"]) { (p: inout Parser, keyword: String) throws(MnemoError) in
            switch keyword {
            case "from":
                guard !sawAt else { throw MnemoError(.syntax, "\(p.previousPosition) use either 'at' or 'from'/'to'") }
                a.validFrom = try p.time()
            case "to":
                guard !sawAt else { throw MnemoError(.syntax, "\(p.previousPosition) use either 'at' or 'from'/'to'") }
                a.validTo = try p.time()
            case "at":
                guard a.validFrom == nil, a.validTo == nil else { throw MnemoError(.syntax, "\(p.previousPosition) use either 'at' or 'from'/'to'") }
                // `at` names when it happened: valid for the period written (a day, a minute...).
                let period = try p.period()
                sawAt = true
                a.validFrom = period.start
                a.validTo = period.end
            case "confidence":
                let position = p.current.position
                let value = try p.number("a confidence from 0 to 1")
                guard (0...1).contains(value) else { throw MnemoError(.syntax, "\(position) confidence must be from 0 to 1") }
                a.confidence = value
            case "source":
                guard case .string(let s) = p.current.kind else { throw p.expected("a quoted source label") }
                p.advance()
                a.source = s
            default:
                try p.expectKeyword("scene")
                a.scene = try p.name("a scene title")
            }
        }
        return .assert(a)
    }

    var previousPosition: SourcePosition { index > 0 ? tokens[index - 1].position : current.position }

    mutating func declaration() throws(MnemoError) -> Statement {
        guard case .word(let predicate) = current.kind else { throw expected("a predicate name") }
        advance()
        try expectSymbol("(")
        var roles: [String] = []
        while true {
            guard case .word(let role) = current.kind else { throw expected("a role name") }
            advance()
            roles.append(role)
            if try !nextListItem() { break }
        }
        var functional = false
        if isKeyword("functional") {
            advance()
            functional = true
        }
        return .declare(PredicateDeclaration(name: predicate, roles: roles, functional: functional))
    }

    mutating func scene() throws(MnemoError) -> Statement {
        if isKeyword("open") {
            advance()
            let title = try name("a scene title")
            var at: Timestamp?
            var with: [String] = []
            var place: String?
            try clauses(.sceneOpen, ["at", "with", "place"]) { (p: inout Parser, keyword: String) throws(MnemoError) in
                switch keyword {
                case "at": at = try p.time()
                case "with": with = try p.names("a participant's name")
                default: place = try p.name("a place name")
                }
            }
            return .sceneOpen(title: title, at: at, with: with, place: place)
        }
        if isKeyword("close") {
            advance()
            let title = try name("a scene title")
            var at: Timestamp?
            try clauses(.sceneClose, ["at"]) { (p: inout Parser, _: String) throws(MnemoError) in at = try p.time() }
            return .sceneClose(title: title, at: at)
        }
        let reference: SceneReference
        if case .id(let text) = current.kind, let id = NodeID(text), id.kind == .scene {
            advance()
            reference = .id(id.number)
        } else {
            reference = .title(try name("'open', 'close', a scene title or a scene id"))
        }
        let limit = try clauses(.scene, [])
        return .scene(reference, limit: limit)
    }

    mutating func persona() throws(MnemoError) -> Statement {
        let entity = try name("a person's name")
        if isKeyword("set") {
            advance()
            let attribute = try name("an attribute name")
            try expectSymbol("=")
            let value: JSONValue
            switch current.kind {
            case .string(let s):
                value = .string(s)
                advance()
            case .number(let n):
                value = .double(n)
                advance()
            case .time(let t):
                value = .string(t)
                advance()
            case .word(let w) where ["true", "false"].contains(w.lowercased()):
                value = .bool(w.lowercased() == "true")
                advance()
            case .word(let w):
                value = .string(w)
                advance()
            default: throw expected("a value")
            }
            var from: Timestamp?
            try clauses(.personaSet, ["from"]) { (p: inout Parser, _: String) throws(MnemoError) in from = try p.time() }
            return .personaSet(entity: entity, attribute: attribute, value: value, from: from)
        }
        var asOf: Timestamp?
        let limit = try clauses(.persona, ["as"]) { (p: inout Parser, _: String) throws(MnemoError) in
            try p.expectKeyword("of")
            asOf = try p.time()
        }
        return .persona(entity: entity, asOf: asOf, limit: limit)
    }

    mutating func recall(explain: Bool) throws(MnemoError) -> Statement {
        guard case .string(let text) = current.kind else { throw expected("what to recall, in double quotes") }
        advance()
        var r = Recall(text: text, includeArchived: false, explain: explain)
        try clauses(.recall, ["about", "in", "during", "as", "known", "depth", "include", "kinds", "limit", "explain"]) {
            (p: inout Parser, keyword: String) throws(MnemoError) in
            switch keyword {
            case "about": r.about = try p.name("an entity name")
            case "in":
                try p.expectKeyword("scene")
                r.scene = try p.name("a scene title")
            case "during": r.during = try p.interval()
            case "as":
                try p.expectKeyword("of")
                r.asOf = try p.time()
            case "known":
                try p.expectKeyword("as")
                try p.expectKeyword("of")
                r.knownAsOf = try p.time()
            case "depth": r.depth = try p.wholeNumber("depth", range: Recall.depths)
            case "include":
                try p.expectKeyword("archived")
                r.includeArchived = true
            case "kinds": r.kinds = try p.recallKinds()
            case "limit": r.limit = try p.wholeNumber("limit", range: Recall.limits)
            default: r.explain = true
            }
        }
        return .recall(r)
    }

    /// `episode, fact, scene, persona, insight`: one or more of what recall
    /// may answer, comma-separated.
    mutating func recallKinds() throws(MnemoError) -> Set<NodeKind> {
        let names = Recall.answerableKinds.map(\.name)
        var kinds: Set<NodeKind> = []
        repeat {
            if !kinds.isEmpty { advance() }
            guard case .word(let w) = current.kind, let kind = Recall.answerableKinds.first(where: { $0.name == w.lowercased() }) else {
                throw expected("a kind of result (\(names.joined(separator: ", ")))")
            }
            guard kinds.insert(kind).inserted else { throw MnemoError(.syntax, "\(current.position) '\(kind.name)' given twice in kinds") }
            advance()
        } while isSymbol(",")
        return kinds
    }

    mutating func match() throws(MnemoError) -> Statement {
        var m = Match(atoms: [try atom(allowVariables: true)], conditions: [])
        while isSymbol(",") {
            advance()
            if m.atoms.count == Match.maximumAtoms {
                throw MnemoError(.syntax, "\(current.position) a match joins at most \(Match.maximumAtoms) atoms")
            }
            m.atoms.append(try atom(allowVariables: true))
        }
        let variables = Set(m.atoms.flatMap { $0.arguments.compactMap { if case .variable(let v) = $0.term { v } else { nil } } })
        let limit = try clauses(.match, ["where", "as", "known"]) { (p: inout Parser, keyword: String) throws(MnemoError) in
            switch keyword {
            case "where":
                m.conditions.append(try p.condition(variables: variables))
                while p.isKeyword("and") {
                    p.advance()
                    m.conditions.append(try p.condition(variables: variables))
                }
            case "as":
                try p.expectKeyword("of")
                m.asOf = try p.time()
            default:
                try p.expectKeyword("as")
                try p.expectKeyword("of")
                m.knownAsOf = try p.time()
            }
        }
        m.limit = limit
        return .match(m)
    }

    /// `?x op value`, `?x op ?y`, `?x ~ /regex/flags`.
    mutating func condition(variables: Set<String>) throws(MnemoError) -> Condition {
        guard case .variable(let variable) = current.kind else { throw expected("a ?variable") }
        guard variables.contains(variable) else {
            throw MnemoError(.syntax, "\(current.position) ?\(variable) does not appear in the patterns")
        }
        advance()
        guard case .symbol(let symbol) = current.kind else { throw expected("=, !=, <, <=, >, >= or ~") }
        if symbol == "~" {
            advance()
            guard case .regex(let pattern, let flags) = current.kind else { throw expected("a /regular expression/") }
            do {
                _ = try Parser.regexes.pattern(pattern, flags: flags)
            } catch {
                throw MnemoError(.syntax, "\(current.position) bad regular expression /\(pattern)/\(flags): \(error)")
            }
            advance()
            return .regex(variable: variable, pattern: pattern, flags: flags)
        }
        guard let op = ComparisonOperator(rawValue: symbol) else { throw expected("=, !=, <, <=, >, >= or ~") }
        advance()
        switch current.kind {
        case .variable(let other):
            guard variables.contains(other) else {
                throw MnemoError(.syntax, "\(current.position) ?\(other) does not appear in the patterns")
            }
            advance()
            return .compare(variable: variable, op: op, operand: .variable(other))
        case .word(let w) where w.lowercased() != "and":
            advance()
            return .compare(variable: variable, op: op, operand: .name(w))
        default:
            guard let literal = literal() else { throw expected("a value or a ?variable") }
            return .compare(variable: variable, op: op, operand: .value(literal))
        }
    }
}

extension Parser {
    /// `[with PART[, PART]]` after `export to "path"`, PART `derived` or
    /// `activation`, each at most once.
    mutating func exportContents() throws(MnemoError) -> ExportContents {
        var contents = ExportContents()
        guard isKeyword("with") else { return contents }
        advance()
        repeat {
            if isSymbol(",") { advance() }
            let position = current.position
            if isKeyword("derived"), !contents.derived {
                contents.derived = true
            } else if isKeyword("activation"), !contents.activation {
                contents.activation = true
            } else if isKeyword("derived") || isKeyword("activation") {
                throw MnemoError(.syntax, "\(position) \(current) is given twice")
            } else {
                throw expected("derived or activation")
            }
            advance()
        } while isSymbol(",")
        return contents
    }
}
