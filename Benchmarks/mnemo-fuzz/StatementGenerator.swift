import Foundation

/// Generates statements of the query language (docs/query-language.md) from
/// its grammar, with values drawn mostly from small pools (so that writes and
/// reads meet the same entities, facts and scenes) and often from
/// `HostileValues`. Clauses come in random order, sometimes twice, sometimes
/// one a statement does not take; about one statement in `largeEvery` carries
/// a 1 MiB string.
///
/// Deterministic: the same seed gives the same statements.
struct StatementGenerator {
    var dice: Dice
    /// About one statement in this many carries a 1 MiB string (0: never).
    let largeEvery: Int
    /// Where `backup to` may write: a directory the fuzzer owns.
    let backupDirectory: String
    /// Each of `consolidate`, `undo consolidation` and `backup to` is about
    /// one statement in this many (each works on a whole space).
    let adminEvery: Int

    init(seed: UInt64, largeEvery: Int, backupDirectory: String, adminEvery: Int = 6000) {
        dice = Dice(seed: seed)
        self.largeEvery = largeEvery
        self.backupDirectory = backupDirectory
        self.adminEvery = adminEvery
    }

    /// Statements the `limit` clause is (or will be) taken by, beside `recall`
    /// and `match`: the generator adds `limit N` to them now and then, and a
    /// daemon that does not take it answers SYNTAX.
    static let limitTakers: Set<String> = [
        "history", "timeline", "scenes", "scene", "persona", "conflicts", "insights",
        "consolidations",
    ]

    /// The statement kinds and how often each is drawn (out of the sum).
    static let kinds: [(name: String, weight: Int)] = [
        ("remember", 150), ("assert", 120), ("recall", 110), ("match", 110), ("history", 40), ("timeline", 35),
        ("scenes", 25), ("scene", 30), ("persona", 30), ("persona set", 30), ("conflicts", 15), ("insights", 15),
        ("declare", 25), ("retract", 30), ("forget", 12), ("alias", 20), ("scene open", 20), ("scene close", 20),
        ("use", 20), ("ping", 10), ("stats", 5), ("help", 10), ("consolidations", 5), ("token soup", 25),
        ("many atoms", 2), ("deep nesting", 3),
    ]

    /// The next statement, without its newline, and its kind (a name of `kinds`).
    mutating func next() -> (kind: String, text: String) {
        // Now and then a line past the daemon's max_line (2 MB): ERR TOO_LARGE,
        // and the connection must go on.
        if largeEvery > 0, dice.oneIn(largeEvery * 4) {
            return ("too long", "remember \"" + String(repeating: "x", count: 5 << 19) + "\"")
        }
        // The statements on a whole space are drawn apart, at their own rate.
        if dice.oneIn(max(1, adminEvery / 3)) {
            let kind = dice.pick(["consolidate", "undo", "backup"])
            return (kind, make(kind))
        }
        let kind = Self.kinds[dice.weighted(Self.kinds.map(\.weight))].name
        var statement = make(kind)
        if Self.limitTakers.contains(kind), dice.percent(25) {
            statement += " limit \(limitValue())"
        }
        return (kind, statement)
    }

    mutating func make(_ kind: String) -> String {
        switch kind {
        case "remember": return remember()
        case "assert": return assertion()
        case "recall": return recall()
        case "match": return match(atoms: dice.within(1...3))
        case "history": return "history " + atom(variables: true)
        case "timeline": return "timeline \(name())" + optional(40) { " during \($0.interval())" }
        case "scenes":
            return "scenes" + optional(50) { " with \($0.name())" } + optional(40) { " during \($0.interval())" }
        case "scene": return dice.percent(50) ? "scene \(id(kind: "s"))" : "scene \(sceneTitle())"
        case "persona": return "persona \(name())" + optional(30) { " as of \($0.time())" }
        case "persona set":
            return "persona \(name()) set \(dice.pick(HostileValues.attributes)) = \(personaValue())"
                + optional(30) { " from \($0.time())" }
        case "conflicts", "insights": return kind + optional(50) { " about \($0.name())" }
        case "declare": return declaration()
        case "retract": return "retract \(id(kind: "f"))" + optional(30) { " at \($0.time())" }
        case "forget": return "forget \(id(kind: dice.pick(["f", "f", "e", "n", "s", "p", "i"])))"
        case "alias": return "alias \(name()) = \(name())"
        case "scene open":
            var clauses = [String]()
            if dice.percent(50) { clauses.append("at \(time())") }
            if dice.percent(50) { clauses.append("with " + (0..<dice.within(1...4)).map { _ in name() }.joined(separator: ", ")) }
            if dice.percent(40) { clauses.append("place \(name())") }
            return "scene open \(sceneTitle())" + shuffledClauses(clauses)
        case "scene close": return "scene close \(sceneTitle())" + optional(50) { " at \($0.time())" }
        case "use": return dice.percent(60) ? "use space \(spaceName())" : "use \(spaceName())"
        case "ping": return dice.pick(["ping", "PING", " ping ", "ping\r", "ping extra", "ping -- comment", "pin", "pingping"])
        case "stats": return dice.pick(["stats", "stats now", "STATS"])
        case "help": return dice.percent(20) ? "help" : "help \(dice.pick(HostileValues.helpTopics))"
        case "consolidations": return "consolidations"
        case "token soup": return tokenSoup()
        case "many atoms": return manyAtoms()
        case "deep nesting": return deepNesting()
        case "consolidate": return dice.percent(40) ? "consolidate dry run" : dice.pick(["consolidate", "consolidate dry", "consolidate now"])
        // Runs are numbered per space from 1, and a space sees few of them.
        case "undo": return "undo consolidation \(dice.percent(80) ? String(dice.within(1...4)) : number())"
        case "backup": return "backup to \(quoted(backupPath()))"
        default: return "ping"
        }
    }

    // MARK: Statements

    mutating func remember() -> String {
        let text = dice.percent(85) ? sentence() : stringContent()
        var clauses = [String]()
        if dice.percent(60) { clauses.append("by \(name())") }
        if dice.percent(60) { clauses.append("at \(time())") }
        if dice.percent(20) { clauses.append("in scene \(sceneTitle())") }
        if dice.percent(10) { clauses.append("ref \(quoted(stringContent()))") }
        if dice.percent(15) { clauses.append("importance \(number())") }
        return "remember \(quoted(text))" + shuffledClauses(clauses)
    }

    mutating func assertion() -> String {
        var clauses = [String]()
        if dice.percent(15) { clauses.append("from \(time())") }
        if dice.percent(10) { clauses.append("to \(time())") }
        if dice.percent(15) { clauses.append("at \(time())") }
        if dice.percent(15) { clauses.append("confidence \(dice.percent(50) ? "0.\(dice.below(10))" : number())") }
        if dice.percent(10) { clauses.append("source \(quoted(stringContent()))") }
        if dice.percent(10) { clauses.append("in scene \(sceneTitle())") }
        return "assert \(predicate())(\(arguments(count: dice.within(1...4))))" + shuffledClauses(clauses)
    }

    mutating func recall() -> String {
        let text = dice.percent(80) ? sentence() : stringContent()
        var clauses = [String]()
        if dice.percent(20) { clauses.append("about \(name())") }
        if dice.percent(10) { clauses.append("in scene \(sceneTitle())") }
        if dice.percent(15) { clauses.append("during \(interval())") }
        if dice.percent(15) { clauses.append("as of \(time())") }
        if dice.percent(15) { clauses.append("depth \(dice.percent(70) ? String(dice.below(12)) : number())") }
        if dice.percent(10) { clauses.append("include archived") }
        if dice.percent(25) { clauses.append("limit \(limitValue())") }
        if dice.percent(10) { clauses.append("explain") }
        return (dice.percent(10) ? "explain recall " : "recall ") + quoted(text) + shuffledClauses(clauses)
    }

    /// Atoms chained on shared variables, so that no two are independent
    /// (a cross product of three large predicates would run for hours).
    mutating func match(atoms count: Int) -> String {
        var variables = ["?x"]
        var atoms = [String]()
        for _ in 0..<count {
            let shared = dice.pick(variables)
            let fresh = "?v\(variables.count)"
            variables.append(fresh)
            var terms = [shared, dice.percent(70) ? fresh : term(variables: true)]
            if dice.percent(25) { terms.append(term(variables: true)) }
            terms.shuffle(using: &dice)
            atoms.append("\(predicate())(\(terms.joined(separator: ", ")))")
        }
        var clauses = [String]()
        if dice.percent(35) {
            let conditions = (0..<dice.within(1...3)).map { _ in condition(variables) }
            clauses.append("where " + conditions.joined(separator: " and "))
        }
        if dice.percent(10) { clauses.append("as of \(time())") }
        if dice.percent(10) { clauses.append("known as of \(time())") }
        if dice.percent(30) { clauses.append("limit \(limitValue())") }
        return "match " + atoms.joined(separator: ", ") + shuffledClauses(clauses)
    }

    mutating func condition(_ variables: [String]) -> String {
        let variable = dice.percent(95) ? dice.pick(variables) : "?nowhere"
        if dice.percent(35) {
            var pattern = dice.percent(60) ? dice.pick(HostileValues.regexes) : dice.pick(HostileValues.names)
            pattern = pattern.replacingOccurrences(of: "/", with: "\\/")
            return "\(variable) ~ /\(pattern)/\(dice.pick(HostileValues.regexFlags))"
        }
        let op = dice.pick(["=", "!=", "<", "<=", ">", ">=", "==", "=<", "~"])
        let operand: String
        switch dice.below(5) {
        case 0: operand = dice.pick(variables)
        case 1: operand = name()
        case 2: operand = number()
        case 3: operand = time()
        default: operand = quoted(stringContent())
        }
        return "\(variable) \(op) \(operand)"
    }

    mutating func declaration() -> String {
        let count = dice.percent(2) ? dice.within(100...3000) : dice.within(1...4)
        let roles = (0..<count).map { i in dice.percent(90) ? dice.pick(HostileValues.roles) : "r\(i)" }
        return "declare \(predicate())(\(roles.joined(separator: ", ")))" + optional(30) { _ in " functional" }
    }

    // MARK: Hostile shapes

    /// Thousands of atoms or arguments in one statement. The first shape is
    /// one atom repeated: when it holds, every step of the solver goes deeper.
    mutating func manyAtoms() -> String {
        let count = dice.within(500...3000)
        switch dice.below(5) {
        case 0:
            let atom = "\(dice.pick(HostileValues.predicates))(?x, \(dice.pick(HostileValues.names)))"
            return "match " + Array(repeating: atom, count: dice.within(1000...20_000)).joined(separator: ", ")
        case 1: return "match " + (0..<count).map { _ in "\(predicate())(?x, \(name()))" }.joined(separator: ", ")
        case 2: return "assert \(predicate())(" + (0..<count).map { _ in name() }.joined(separator: ", ") + ")"
        case 3: return "assert \(predicate())(who: [" + (0..<count).map { i in "n\(i)" }.joined(separator: ", ") + "])"
        default:
            return "match p(?x) where " + (0..<count).map { _ in "?x != \(number())" }.joined(separator: " and ")
        }
    }

    /// Brackets and parentheses nested thousands deep.
    mutating func deepNesting() -> String {
        let depth = dice.pick([50, 1000, 10_000, 100_000])
        switch dice.below(4) {
        case 0: return "assert p(" + String(repeating: "[", count: depth) + "a" + String(repeating: "]", count: depth) + ")"
        case 1: return "match p" + String(repeating: "(", count: depth) + "?x" + String(repeating: ")", count: depth)
        case 2: return "match p(?x) where ?x ~ /" + String(repeating: "(", count: depth) + "a" + String(repeating: ")", count: depth) + "/"
        default: return String(repeating: "(", count: depth)
        }
    }

    /// Tokens of the language in random order: the parser's error paths.
    mutating func tokenSoup() -> String {
        let pieces = [
            "remember", "assert", "match", "recall", "scene", "open", "close", "persona", "set", "as", "of",
            "known", "limit", "where", "and", "during", "..", "(", ")", "[", "]", ",", ":", "=", "!=", "<", "<=",
            ">", ">=", "~", "/a/", "{", "}", "?", "?x", "?y", "f:1", "e:0", "s:99999999999999999999", "x:1",
            "\"s\"", "\"", "now", "2023-05-08", "-- comment", "use", "space", "undo", "consolidation", "!", "@",
            "#", "$", "%", "^", "&", "*", ";", "'", "`", "|", "\\", "\t",
        ]
        var parts = [String]()
        for _ in 0..<dice.within(1...20) {
            switch dice.below(6) {
            case 0: parts.append(number())
            case 1: parts.append(time())
            case 2: parts.append(name())
            default: parts.append(dice.pick(pieces))
            }
        }
        return parts.joined(separator: dice.percent(80) ? " " : "")
    }

    // MARK: Parts

    mutating func arguments(count: Int) -> String {
        (0..<count).map { i in
            let label = dice.percent(25) ? "\(dice.pick(HostileValues.roles)): " : ""
            return label + filler(position: i)
        }.joined(separator: ", ")
    }

    mutating func filler(position: Int) -> String {
        switch dice.below(10) {
        case 0: return number()
        case 1: return time()
        case 2: return quoted(stringContent())
        case 3: return "[" + (0..<dice.within(1...4)).map { _ in dice.percent(70) ? name() : number() }.joined(separator: ", ") + "]"
        case 4 where dice.percent(10): return dice.pick(["[]", "[[a]]", "?x", "?", "f:1", "[a,]", ""])
        default: return name()
        }
    }

    mutating func atom(variables: Bool) -> String {
        let terms = (0..<dice.within(1...3)).map { _ in term(variables: variables) }
        return "\(predicate())(\(terms.joined(separator: ", ")))"
    }

    mutating func term(variables: Bool) -> String {
        let label = dice.percent(15) ? "\(dice.pick(HostileValues.roles)): " : ""
        switch dice.below(8) {
        case 0 where variables: return label + "?v\(dice.below(4))"
        case 1 where variables: return label + "?"
        case 2: return label + number()
        case 3: return label + time()
        case 4: return label + quoted(stringContent())
        default: return label + name()
        }
    }

    /// A name: mostly a bare word of the pool, sometimes quoted and hostile.
    mutating func name() -> String {
        switch dice.below(20) {
        case 0: return quoted(stringContent())
        case 1: return quoted(dice.pick(HostileValues.names) + " " + dice.pick(HostileValues.names))
        case 2: return "\(dice.pick(HostileValues.names)) \(dice.within(1...99))" // "Route 66"
        case 3 where dice.percent(5): return quoted(String(repeating: "n", count: dice.pick([256, 4096, 65_536])))
        default: return dice.pick(HostileValues.names)
        }
    }

    mutating func predicate() -> String {
        dice.percent(97)
            ? dice.pick(HostileValues.predicates)
            : dice.pick(["9lives", "-p", "p q", "\"p\"", "p" + String(repeating: "x", count: 5000), "ñ", "_", "?p"])
    }

    mutating func sceneTitle() -> String {
        dice.percent(85)
            ? (dice.percent(50) ? dice.pick(HostileValues.sceneTitles) : quoted(dice.pick(HostileValues.sceneTitles)))
            : name()
    }

    mutating func spaceName() -> String {
        if dice.percent(75) {
            let space = dice.pick(HostileValues.spaces)
            return dice.percent(50) ? space : quoted(space)
        }
        return quoted(dice.pick(HostileValues.badSpaces))
    }

    /// An id such as `f:42`: mostly a small number (things that exist), sometimes hostile.
    mutating func id(kind: String) -> String {
        if dice.percent(60) { return "\(kind):\(dice.within(1...300))" }
        if dice.percent(60) { return "\(kind):\(dice.within(1...3000))" }
        return "\(dice.percent(80) ? kind : dice.pick(["x", "F", "ff", "é"])):"
            + dice.pick([
                "0", "00", "01", "-1", "9223372036854775807", "9223372036854775808", "99999999999999999999", "1.5", "1e3", "", "a",
            ])
    }

    mutating func number() -> String {
        dice.percent(65) ? String(dice.within(-5...3000)) : dice.pick(HostileValues.numbers)
    }

    mutating func limitValue() -> String {
        dice.percent(70) ? String(dice.within(1...50)) : number()
    }

    mutating func time() -> String {
        if dice.percent(65) {
            let y = dice.within(1990...2030)
            let m = dice.within(1...12)
            let d = dice.within(1...28)
            return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)" + (dice.percent(50) ? "T\(10 + dice.below(14)):3\(dice.below(10))" : "")
        }
        return dice.pick(HostileValues.times)
    }

    mutating func interval() -> String {
        dice.percent(50) ? time() : "\(time()) .. \(time())"
    }

    mutating func personaValue() -> String {
        switch dice.below(6) {
        case 0: return number()
        case 1: return time()
        case 2: return dice.pick(["true", "false", "TRUE", "null", "nil"])
        case 3: return name()
        default: return quoted(stringContent())
        }
    }

    /// Text for `remember` and `recall`: a sentence or two of the pool with names mixed in.
    mutating func sentence() -> String {
        if let large = largeString() { return large }
        var words = [dice.pick(HostileValues.sentences)]
        if dice.percent(50) { words.append(dice.pick(HostileValues.names).capitalized) }
        if dice.percent(30) { words.append(dice.pick(HostileValues.sentences)) }
        if dice.percent(10) { words.append(dice.pick(HostileValues.strings)) }
        return words.joined(separator: dice.pick([" ", ". ", ", ", " and "]))
    }

    /// The content of a string literal: hostile text or a pool value.
    mutating func stringContent() -> String {
        if let large = largeString() { return large }
        switch dice.below(4) {
        case 0: return dice.pick(HostileValues.names)
        case 1: return dice.pick(HostileValues.sentences)
        default: return dice.pick(HostileValues.strings)
        }
    }

    /// Now and then (one statement in `largeEvery`), a string of 1 MiB: one
    /// word of a megabyte (of `y`s, which the stemmer looks back along), a
    /// name or a time said a hundred thousand times, sentences, escapes.
    mutating func largeString() -> String? {
        guard largeEvery > 0, dice.oneIn(largeEvery * 2) else { return nil }
        let unit = dice.pick(["a", "y", "Alice met Bob yesterday. ", "Alice ", "last Friday, ", "é", "\\u0000", "😀", "999 days ago "])
        return String(repeating: unit, count: (1 << 20) / unit.utf8.count)
    }

    /// Where `backup to` writes: mostly a fresh file in the fuzzer's directory,
    /// sometimes a path that exists, is a directory, or cannot be made. Never
    /// a new file outside `backupDirectory`.
    mutating func backupPath() -> String {
        if dice.percent(60) { return "\(backupDirectory)/backup-\(dice.next() % 1_000_000).sqlite" }
        return dice.pick([
            "", "/", backupDirectory, backupDirectory + "/", "/etc/passwd", "/dev/null", "/proc/self/status",
            "/nonexistent-directory/x.sqlite", backupDirectory + "/no/such/dir/x.sqlite", backupDirectory + "/\\u0000x",
            backupDirectory + "/" + String(repeating: "x", count: 300), backupDirectory + "/" + String(repeating: "d/", count: 3000),
            "\\ud800", "relative-backup.sqlite",
        ])
    }

    /// A string literal around `content`, written as is (escapes included).
    func quoted(_ content: String) -> String { "\"" + content + "\"" }

    /// `body()` with probability `percent`, else nothing.
    mutating func optional(_ percent: Int, _ body: (inout StatementGenerator) -> String) -> String {
        dice.percent(percent) ? body(&self) : ""
    }

    /// Clauses in random order; sometimes one repeated or a stray word added.
    mutating func shuffledClauses(_ clauses: [String]) -> String {
        var clauses = clauses
        clauses.shuffle(using: &dice)
        if let first = clauses.first, dice.percent(3) { clauses.append(first) }
        if dice.percent(2) { clauses.append(dice.pick(["limit", "as of", "by", "frobnicate", "explain", "?x", "--", ","])) }
        return clauses.isEmpty ? "" : " " + clauses.joined(separator: " ")
    }
}
