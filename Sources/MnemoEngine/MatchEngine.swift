import MnemoModel
import MnemoQuery
import MnemoRegex
import MnemoStore

/// Answers `match`: a conjunction of fact patterns joined on shared variables.
///
/// Atoms are taken most selective first: at each step the atom with the most
/// terms already known (constants, or variables bound by earlier atoms), so
/// every look-up goes through the filler index with a value. A `where`
/// condition is checked as soon as all its variables are bound.
struct MatchEngine {
    let reader: ReadContext
    let regexes: RegexCache

    /// The values bound so far, by variable slot (the variable's place in
    /// the output order): an array, not a dictionary keyed by name, because
    /// every row of an answer copies one. Which slot a variable has is in
    /// `Slots`, kept once per statement rather than in every binding.
    struct Binding {
        var values: [Value?]
    }

    /// Each variable's slot in a `Binding`.
    struct Slots {
        let byName: [String: Int]

        func value(of variable: String, in binding: Binding) -> Value? { byName[variable].flatMap { binding.values[$0] } }
    }

    struct Step {
        var atom: Atom
        var original: Int
        var conditions: [Condition]
    }

    func run(_ m: Match, now: Timestamp) throws -> AnswerText {
        // No time given: what the memory holds now, without superseded values.
        // known as of alone: what was believed then about that moment.
        let time = TimeFilter(
            asOf: m.asOf ?? m.knownAsOf, knownAsOf: m.knownAsOf,
            excludeSuperseded: m.asOf == nil && m.knownAsOf == nil)
        let plan = try Self.plan(m)
        // Compile every regex first: a bad pattern is a syntax error even if no row reaches it.
        for condition in m.conditions {
            if case .regex(_, let pattern, let flags) = condition { _ = try compiled(pattern, flags) }
        }
        let limit = m.limit ?? RowLimit.default
        let order = Self.variableOrder(m.atoms)
        let slots = Slots(byName: Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) }))
        let unifiers = plan.map { Unifier($0.atom, slots: slots.byName) }
        var rows = AnswerText()
        var factIDs = [Int64](repeating: 0, count: m.atoms.count)

        // Depth-first over the steps with an explicit stack, one frame per step
        // reached: a statement of twenty thousand atoms that all match would
        // need as many nested calls, past any thread's stack.
        struct Frame {
            var step: Int
            var binding: Binding
            var facts: FactMatches
            /// The bindings the current fact gives, and the next one to try.
            var extensions: [Binding] = []
            var nextExtension = 0
        }
        var stack: [Frame] = []
        func enter(_ step: Int, _ binding: Binding) throws {
            if step == plan.count {
                try reader.budget.charge(rows.appendLine { out in Self.write(binding, order: order, facts: factIDs, to: &out) })
                return
            }
            let s = plan[step]
            let pattern = FactPattern(
                s.atom.predicate,
                s.atom.arguments.map { argument in
                    let term: PatternTerm =
                        switch argument.term {
                        case .variable(let v): slots.value(of: v, in: binding).map(Self.patternTerm) ?? .any
                        case .anything: .any
                        case .entity(let name): .entity(name)
                        case .literal(let l): .literal(l)
                        }
                    return (argument.role, term)
                })
            stack.append(Frame(step: step, binding: binding, facts: try reader.factMatches(pattern, time: time)))
        }
        try enter(0, Binding(values: Array(repeating: nil, count: order.count)))
        while rows.count < limit, let top = stack.indices.last {
            let s = plan[stack[top].step]
            if stack[top].nextExtension < stack[top].extensions.count {
                let extended = stack[top].extensions[stack[top].nextExtension]
                stack[top].nextExtension += 1
                guard try s.conditions.allSatisfy({ try holds($0, extended, slots) }) else { continue }
                try enter(stack[top].step + 1, extended)
            } else if let fact = try stack[top].facts.next() {
                // A join with no selective atom can try many rows per answer.
                try reader.cancellation.check()
                factIDs[s.original] = fact.id
                unifiers[stack[top].step].extensions(of: stack[top].binding, with: fact, into: &stack[top].extensions)
                stack[top].nextExtension = 0
            } else {
                stack.removeLast()
            }
        }
        return rows
    }

    /// One answer line: `{"kind":"binding","bindings":{…},"facts":[…]}`.
    static func write(_ binding: Binding, order: [String], facts: [Int64], to out: inout JSONBuffer) {
        out.append(#"{"kind":"binding","bindings":{"#)
        var first = true
        for (slot, variable) in order.enumerated() {
            guard let value = binding.values[slot] else { continue }
            if !first { out.append(",") }
            first = false
            out.appendQuoted(variable)
            out.append(":")
            Encode.write(value, to: &out)
        }
        out.append(#"},"facts":["#)
        for (i, id) in facts.enumerated() {
            if i > 0 { out.append(",") }
            Encode.write(NodeID(.fact, id), to: &out)
        }
        out.append("]}")
    }

    /// Binds an atom's variables from a fact: which slot each variable
    /// argument fills, and where in the fact its filler is.
    struct Unifier {
        let arguments: [(slot: Int, role: String?, index: Int)]

        init(_ atom: Atom, slots: [String: Int]) {
            arguments = atom.arguments.enumerated().compactMap { index, argument in
                guard case .variable(let v) = argument.term, let slot = slots[v] else { return nil }
                return (slot, argument.role, index)
            }
        }

        /// The bindings that extend `binding` with the atom's variables taken
        /// from the fact, in `results` (emptied first). A variable against a
        /// list filler binds each item in turn.
        func extensions(of binding: Binding, with fact: Fact, into results: inout [Binding]) {
            // The first binding's values are overwritten in place when nothing
            // else holds them (the last step of a join, whose bindings become
            // rows and are not kept): one array per fact tried, not one per row.
            if results.isEmpty || results[0].values.count != binding.values.count {
                results.removeAll(keepingCapacity: true)
                results.append(binding)
            } else {
                results.removeLast(results.count - 1)
                for i in binding.values.indices { results[0].values[i] = binding.values[i] }
            }
            for argument in arguments {
                let filler = argument.role.map { fact.value(of: $0) } ?? fact.value(at: argument.index)
                guard let filler else {
                    results.removeAll(keepingCapacity: true)
                    return
                }
                if case .list(let items) = filler {
                    var next: [Binding] = []
                    for partial in results {
                        for item in items { Self.bind(argument.slot, item, partial, into: &next) }
                    }
                    results = next
                } else {
                    // One filler: each binding is kept and extended, or dropped, in place.
                    var kept = 0
                    for i in results.indices {
                        if let existing = results[i].values[argument.slot] {
                            guard existing == filler else { continue }
                        } else {
                            results[i].values[argument.slot] = filler
                        }
                        results.swapAt(kept, i)
                        kept += 1
                    }
                    results.removeLast(results.count - kept)
                }
                if results.isEmpty { return }
            }
        }

        private static func bind(_ slot: Int, _ value: Value, _ binding: Binding, into results: inout [Binding]) {
            if let existing = binding.values[slot] {
                if existing == value { results.append(binding) }
            } else {
                var extended = binding
                extended.values[slot] = value
                results.append(extended)
            }
        }
    }

    /// Orders the atoms and attaches each condition to the first step where it can be checked.
    ///
    /// An atom's score is 2 per argument known when it runs (a constant, or a
    /// variable an earlier step binds); each step takes the first atom with the
    /// highest score. Scores are raised as variables get bound (`PlanQueue`),
    /// and a condition goes to the step that binds the last of its variables:
    /// about n log n for n atoms, so that a statement of thousands of atoms is
    /// planned in milliseconds.
    static func plan(_ m: Match) throws(MnemoError) -> [Step] {
        let scores = m.atoms.map { atom in
            atom.arguments.reduce(0) { total, argument in
                switch argument.term {
                case .entity, .literal: total + 2
                case .variable, .anything: total
                }
            }
        }
        // Every occurrence of a variable, by the atom it is in.
        var occurrences: [String: [Int]] = [:]
        for (i, atom) in m.atoms.enumerated() {
            for argument in atom.arguments { if case .variable(let v) = argument.term { occurrences[v, default: []].append(i) } }
        }
        var queue = PlanQueue(scores: scores)
        var boundAt: [String: Int] = [:]
        var steps: [Step] = []
        while let best = queue.pop() {
            let atom = m.atoms[best]
            for argument in atom.arguments {
                guard case .variable(let v) = argument.term, boundAt[v] == nil else { continue }
                boundAt[v] = steps.count
                for i in occurrences[v] ?? [] { queue.raise(i, by: 2) }
            }
            steps.append(Step(atom: atom, original: best, conditions: []))
        }
        for condition in m.conditions {
            let variables = variables(of: condition)
            // (The parser refuses a condition on a variable no atom has.)
            guard variables.allSatisfy({ boundAt[$0] != nil }), let step = variables.compactMap({ boundAt[$0] }).max() else { continue }
            steps[step].conditions.append(condition)
        }
        return steps
    }

    static func variables(of condition: Condition) -> Set<String> {
        switch condition {
        case .compare(let v, _, .variable(let w)): [v, w]
        case .compare(let v, _, _): [v]
        case .regex(let v, _, _): [v]
        }
    }

    /// Variables in order of first appearance, for the output.
    static func variableOrder(_ atoms: [Atom]) -> [String] {
        var order: [String] = []
        var seen = Set<String>()
        for atom in atoms {
            for argument in atom.arguments { if case .variable(let v) = argument.term, seen.insert(v).inserted { order.append(v) } }
        }
        return order
    }

    static func patternTerm(_ value: Value) -> PatternTerm {
        switch value {
        case .entity(let id, _): .entityID(id)
        case .literal(let l): .literal(l)
        case .list: .any
        }
    }

    private func compiled(_ pattern: String, _ flags: String) throws(MnemoError) -> RegexPattern {
        do {
            return try regexes.pattern(pattern, flags: flags)
        } catch {
            throw MnemoError(.syntax, "bad regular expression /\(pattern)/\(flags): \(error)")
        }
    }

    private func holds(_ condition: Condition, _ binding: Binding, _ slots: Slots) throws -> Bool {
        switch condition {
        case .regex(let v, let pattern, let flags):
            guard let value = slots.value(of: v, in: binding) else { return false }
            // One match may take milliseconds (up to regex_match_limit): a
            // cancelled statement stops before the next.
            try reader.cancellation.check()
            let regex = try compiled(pattern, flags)
            do {
                return try regex.isMatchOrThrow(Self.text(of: value))
            } catch {
                throw MnemoError(
                    .invalid,
                    """
                    /\(pattern)/\(flags) gave up on the value of ?\(v): \(error.message) \
                    (regex_match_limit and regex_depth_limit bound one match); simplify the pattern
                    """)
            }
        case .compare(let v, let op, let operand):
            guard let left = slots.value(of: v, in: binding) else { return false }
            let right: Value
            switch operand {
            case .variable(let w):
                guard let r = slots.value(of: w, in: binding) else { return false }
                right = r
            case .value(let literal): right = .literal(literal)
            case .name(let name):
                if case .entity(let id, let entityName) = left {
                    // The name may be an alias: compare the entities it denotes.
                    let denoted = try reader.entityID(named: name)
                    let same = denoted.map { $0 == id } ?? (Name.normalize(entityName) == Name.normalize(name))
                    switch op {
                    case .equal: return same
                    case .notEqual: return !same
                    default: right = .literal(.text(name))
                    }
                } else {
                    right = .literal(.text(name))
                }
            }
            return Self.compare(left, op, right)
        }
    }

    /// Text of a value for regular expressions: entity names and text as they are.
    static func text(of value: Value) -> String {
        switch value {
        case .entity(_, let name): name
        case .literal(.text(let s)): s
        case .literal(.number(let d)): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .literal(.time(let t)): t.iso8601
        case .list(let items): items.map(text(of:)).joined(separator: ", ")
        }
    }

    /// Numbers with numbers, times with times, text (and entity names) with text;
    /// values of different types are unequal and unordered.
    static func compare(_ left: Value, _ op: ComparisonOperator, _ right: Value) -> Bool {
        enum Comparable {
            case number(Double)
            case time(Int64)
            case text(String)
        }
        func comparable(_ v: Value) -> Comparable? {
            switch v {
            case .literal(.number(let d)): .number(d)
            case .literal(.time(let t)): .time(t.microseconds)
            case .literal(.text(let s)): .text(s)
            case .entity(_, let name): .text(name)
            case .list: nil
            }
        }
        func order<T: Swift.Comparable>(_ a: T, _ b: T) -> Bool {
            switch op {
            case .equal: a == b
            case .notEqual: a != b
            case .less: a < b
            case .lessOrEqual: a <= b
            case .greater: a > b
            case .greaterOrEqual: a >= b
            }
        }
        if case .entity(let a, _) = left, case .entity(let b, _) = right {
            return op == .equal ? a == b : op == .notEqual ? a != b : order(text(of: left), text(of: right))
        }
        /// A bare four-digit number against a time is a year: `where ?d > 1990`.
        func year(_ d: Double) -> Int64? {
            d == d.rounded() && d >= 1000 && d <= 9999 ? Timestamp(year: Int(d), month: 1, day: 1).microseconds : nil
        }
        switch (comparable(left), comparable(right)) {
        case (.time(let a)?, .number(let b)?) where year(b) != nil: return order(a, year(b)!)
        case (.number(let a)?, .time(let b)?) where year(a) != nil: return order(year(a)!, b)
        case (.number(let a)?, .number(let b)?): return order(a, b)
        case (.time(let a)?, .time(let b)?): return order(a, b)
        case (.text(let a)?, .text(let b)?): return order(a, b)
        default: return op == .notEqual
        }
    }
}
