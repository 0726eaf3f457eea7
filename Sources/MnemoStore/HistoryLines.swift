import GRDB
import GRDBSQLite
import MnemoModel

/// Writes the answer lines of `history` over every fact of a predicate
/// straight from the rows SQLite steps, without making a `Fact` of each.
///
/// A `Fact` holds its roles, names, positions and sources in arrays of their
/// own: making and freeing them, and the strings in them, cost more per row
/// than writing the line. Here a chunk of facts is read without their roles
/// (`FactRowSQL.predicateFacts(withDetails:includeRetracted:)`), then their roles beside them, each fact's
/// roles written once as JSON text aside; the chunk's sources are kept in one
/// array, and each of a fact's lines (its earlier beliefs, then what the
/// memory believes now) is written from those pieces. Roles, sources and
/// beliefs are each read with one statement over the chunk's id range when
/// its facts are dense in it, else fact by fact. The lines are byte for byte
/// those of `Encode.write(_:extra:to:)` over
/// `ReadContext.history(of:limit:_:)`, in the same order; tests hold the two
/// to that, and to the lines of each fact as `fact(id:)` reads it.
///
/// Only for a pattern that binds no filler: the arguments then only ask that
/// a fact has the role, which is known from its rows. A bound filler is found
/// through the filler index (`FactScan`) instead.
struct HistoryLines {
    /// What a fact's lines hold besides its roles.
    private struct Head {
        var id: Int64
        var valid: TimeRange
        var recorded: TimeRange
        var confidence: Double
        var note: String?
        var sceneID: Int64?
        var supersededBy: Int64?
        /// Its roles' members, in `roles`.
        var roleText: Range<Int>
        /// Its source episodes, in `sources` (none: an empty range).
        var sourceRange: Range<Int> = 0..<0
    }

    /// A role a pattern asks for: at a position, or by name when the
    /// predicate declares none.
    private struct Wanted {
        var position: Int?
        var name: String
    }

    private let reader: ReadContext
    private let predicateID: Int64
    private let predicateName: String
    private let wanted: [Wanted]

    /// The facts of the chunk, in id order.
    private var heads: [Head] = []
    /// The members of each fact's roles, one after another.
    private var roles = JSONBuffer(capacity: 16 * 1024)
    /// The source episodes of each fact, one run after another.
    private var sources: [Int64] = []
    private var beliefs: [ReadContext.EarlierBelief] = []

    /// A writer for `constraints` over `predicate`; `nil` when one of them
    /// binds a filler (or there are more than a fact's rows can be checked
    /// against at once).
    init?(reader: ReadContext, predicate: ReadCache.Predicate, constraints: [ReadContext.Constraint]) {
        guard constraints.count <= 64, constraints.allSatisfy({ $0.filler == nil }) else { return nil }
        self.reader = reader
        self.predicateID = predicate.id
        self.predicateName = predicate.name
        self.wanted = constraints.map { Wanted(position: $0.position, name: $0.role ?? "") }
    }

    /// Writes the first `limit` lines into `text`, charging each to the read's budget.
    mutating func write(limit: Int, into text: inout AnswerText) throws {
        var written = 0
        var after = Int64.min
        while written < limit {
            try reader.cancellation.check()
            guard let last = try readChunk(after: after) else { return }
            after = last
            guard !heads.isEmpty else { continue }
            try readSources()
            try reader.readEarlierBeliefs(of: heads.count, facts: { heads[$0].id }, into: &beliefs)
            var next = 0
            for head in heads {
                guard written < limit else { return }
                while next < beliefs.count, beliefs[next].factID < head.id { next += 1 }
                while next < beliefs.count, beliefs[next].factID == head.id, written < limit {
                    try write(head, valid: beliefs[next].valid, recorded: beliefs[next].recorded, supersededBy: nil, into: &text)
                    written += 1
                    next += 1
                }
                guard written < limit else { return }
                try write(head, valid: head.valid, recorded: head.recorded, supersededBy: head.supersededBy, into: &text)
                written += 1
            }
        }
    }

    /// One line of `head`, with these times.
    private func write(_ head: Head, valid: TimeRange, recorded: TimeRange, supersededBy: Int64?, into text: inout AnswerText) throws {
        let bytes = sources.withUnsafeBufferPointer { sources in
            text.appendLine { out in
                Encode.writeFactOpening(id: head.id, predicate: predicateName, to: &out)
                out.append(roles, bytes: head.roleText)
                Encode.writeFactClosing(
                    valid: valid, recorded: recorded, confidence: head.confidence,
                    sources: UnsafeBufferPointer(rebasing: sources[head.sourceRange]), note: head.note, sceneID: head.sceneID,
                    supersededBy: supersededBy, to: &out)
                out.append("}")
            }
        }
        try reader.budget.charge(bytes)
    }

    // MARK: - Reading a chunk

    /// Reads the facts with an id above `after` into `heads`, up to
    /// `FactScan.chunk` of them, and their roles into `roles`, leaving out
    /// those without a role the pattern asks for (or without any role); the
    /// last id read, `nil` when there was none.
    private mutating func readChunk(after: Int64) throws -> Int64? {
        heads.removeAll(keepingCapacity: true)
        roles.removeAll()
        let facts = try FastStatement(reader.db, FactRowSQL.predicateFacts(withDetails: true, includeRetracted: true))
        facts.bind(1, predicateID)
        facts.bind(2, after)
        try facts.forEachRowWhile { row in
            heads.append(head(row))
            return heads.count < FactScan.chunk
        }
        guard let last = heads.last?.id else { return nil }
        try readRoles()
        heads.removeAll { $0.roleText.isEmpty }
        return last
    }

    /// Writes the roles of each fact of `heads` into `roles`, giving the
    /// facts that have every role asked for their `roleText`, by range or
    /// fact by fact (`ReadContext.forEachRow(ofFacts:…)`).
    private mutating func readRoles() throws {
        var fact: FactRoles?
        try reader.forEachRow(
            ofFacts: heads.count, id: { heads[$0].id }, inRange: FactRowSQL.rolesInRange, ofFact: FactRowSQL.rolesOfFact,
            predicate: predicateID,
            { _, row in
                if fact == nil { fact = FactRoles(start: roles.count) }
                try addRole(row, to: &fact!)
            },
            done: { index in
                if let done = fact { finish(done, at: index) }
                fact = nil
            })
    }

    /// The roles of the fact being read.
    private struct FactRoles {
        /// Where its members start in `roles`.
        var start = 0
        /// The position of its last role, and whether that role is a list still open.
        var position: Int?
        var inList = false
        /// The wanted roles it has, a bit each.
        var found: UInt64 = 0
    }

    /// The fact in `row` (`FactRowSQL.predicateFacts`), its roles not read yet.
    private func head(_ row: OpaquePointer) -> Head {
        Head(
            id: FastStatement.int64(row, 0),
            valid: TimeRange(
                from: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 1)),
                to: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 2))),
            recorded: TimeRange(
                from: Timestamp(microseconds: FastStatement.int64(row, 3)), to: Timestamp(databaseMicroseconds: FastStatement.optionalInt64(row, 4))),
            confidence: sqlite3_column_double(row, 6), note: FastStatement.optionalText(row, 7),
            sceneID: FastStatement.optionalInt64(row, 8), supersededBy: FastStatement.optionalInt64(row, 5),
            roleText: 0..<0)
    }

    /// Writes the role in `row` (columns 1 on: `position, item, role, kind,
    /// value`) as a member of the fact's roles, as `RoleDecoder` and
    /// `Encode.write(_:to:)` would: an item of a list joins the list its
    /// position holds.
    private mutating func addRole(_ row: OpaquePointer, to fact: inout FactRoles) throws {
        let position = Int(FastStatement.int64(row, 1))
        let item = FastStatement.int64(row, 2)
        if fact.inList, fact.position == position {
            roles.append(",")
        } else {
            if fact.inList { roles.append("]") }
            if fact.position != nil { roles.append(",") }
            appendQuotedText(row, 3)
            roles.append(":")
            fact.inList = item >= 0
            if fact.inList { roles.append("[") }
            fact.position = position
            for (bit, wanted) in self.wanted.enumerated() where fact.found & (1 << bit) == 0 {
                let has = if let p = wanted.position { p == position } else { hasName(row, 3, wanted.name) }
                if has { fact.found |= 1 << bit }
            }
        }
        try appendValue(row)
    }

    /// Closes the roles of the fact at `index`, which keeps them when it has
    /// every wanted role; else they are dropped, and so is the fact.
    private mutating func finish(_ fact: FactRoles, at index: Int) {
        if fact.inList { roles.append("]") }
        let all: UInt64 = wanted.count == 64 ? .max : (1 << UInt64(wanted.count)) - 1
        if fact.found & all == all {
            heads[index].roleText = fact.start..<roles.count
        } else {
            roles.removeLast(downTo: fact.start)
        }
    }

    /// The value in column 5, of the kind in column 4.
    private mutating func appendValue(_ row: OpaquePointer) throws {
        switch FillerKind(rawValue: FastStatement.int64(row, 4)) {
        case .entity:
            let id = FastStatement.int64(row, 5)
            roles.appendQuoted(try reader.cache.entityName(id, in: reader.db) ?? "n:\(id)")
        case .text: appendQuotedText(row, 5)
        case .number: roles.append(number: sqlite3_column_double(row, 5))
        case .time: roles.appendQuoted(Timestamp(microseconds: FastStatement.int64(row, 5)))
        case nil: roles.appendQuoted("?")
        }
    }

    /// A text column as a JSON string, as `FastStatement.optionalText` would
    /// make it (NULL as empty): ASCII is written as it is, other text through
    /// a `String`, which repairs what is not UTF-8.
    private mutating func appendQuotedText(_ row: OpaquePointer, _ column: Int32) {
        let text = UnsafeBufferPointer(start: sqlite3_column_text(row, column), count: Int(sqlite3_column_bytes(row, column)))
        if JSONString.isASCII(text) {
            roles.appendQuoted(utf8: text)
        } else {
            roles.appendQuoted(String(decoding: text, as: UTF8.self))
        }
    }

    /// Whether the text column is `name`, compared as `Fact.roleNames` are.
    private func hasName(_ row: OpaquePointer, _ column: Int32, _ name: String) -> Bool {
        let text = UnsafeBufferPointer(start: sqlite3_column_text(row, column), count: Int(sqlite3_column_bytes(row, column)))
        return String(decoding: text, as: UTF8.self) == name
    }

    /// The source episodes of the chunk's facts, into `sources` and each
    /// head's range of it.
    private mutating func readSources() throws {
        sources.removeAll(keepingCapacity: true)
        try reader.forEachSource(
            of: heads.count, facts: { heads[$0].id },
            { index, episode in
                let start = heads[index].sourceRange.isEmpty ? sources.count : heads[index].sourceRange.lowerBound
                sources.append(episode)
                heads[index].sourceRange = start..<sources.count
            })
    }
}

extension ReadContext {
    /// Writes the lines `history(of:limit:)` answers into `text`, as
    /// `Encode.write(_:extra:to:)` writes each version, charging each line's
    /// bytes to the read's budget once it is written: straight from the rows
    /// when the pattern binds no filler (`HistoryLines`), else from the facts
    /// `history` reads.
    public func writeHistory(of pattern: FactPattern, limit: Int = .max, into text: inout AnswerText) throws {
        guard let predicate = try cache.predicate(Name.normalize(pattern.predicate), in: db),
            let constraints = try resolve(pattern, roles: predicate.roles)
        else { return }
        if var lines = HistoryLines(reader: self, predicate: predicate, constraints: constraints) {
            try lines.write(limit: limit, into: &text)
        } else {
            try forEachVersion(of: pattern, limit: limit, chargingEstimates: false) { fact in
                try budget.charge(text.appendLine { out in Encode.write(fact, to: &out) })
            }
        }
    }
}
