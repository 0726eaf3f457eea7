import MnemoModel

/// A parsed statement of the query language (SPEC §2). What each case is
/// (write or read, access, where it runs, `help`) is its `kind`'s entry in
/// `StatementKind.traits`.
public enum Statement: Hashable, Sendable {
    // Protocol
    case ping
    case stats
    case help(topic: String?)
    case use(space: String)
    // Writing
    case remember(Remember)
    case assert(Assertion)
    case declare(PredicateDeclaration)
    case retract(NodeID, at: Timestamp?)
    case forget(NodeID)
    case sceneOpen(title: String, at: Timestamp?, with: [String], place: String?)
    case sceneClose(title: String, at: Timestamp?)
    case personaSet(entity: String, attribute: String, value: JSONValue, from: Timestamp?)
    case alias(alias: String, target: String)
    // Reading
    case recall(Recall)
    case match(Match)
    case history(Atom, limit: Int? = nil)
    case timeline(entity: String, during: TimeRange?, limit: Int? = nil)
    case persona(entity: String, asOf: Timestamp?, limit: Int? = nil)
    case scene(SceneReference, limit: Int? = nil)
    case scenes(with: String?, during: TimeRange?, limit: Int? = nil)
    case conflicts(about: String?, limit: Int? = nil)
    case insights(about: String?, limit: Int? = nil)
    // Administration
    case consolidate(dryRun: Bool)
    case consolidations(limit: Int? = nil)
    case undoConsolidation(Int64)
    case backup(path: String)
    case export(path: String, contents: ExportContents)
    case importFrom(path: String)
}

/// How many rows a statement whose answer can grow with the memory (a kind
/// whose traits say `takesRowLimit`) answers: `limit N` picks, within
/// `1...maximum`.
public enum RowLimit {
    /// Rows answered when the statement gives no `limit`.
    public static let `default` = 1000
    /// The largest `limit` accepted.
    public static let maximum = 100_000
}

/// The permission a statement needs from the access rules.
public enum StatementAccess: Sendable, Hashable {
    /// Anyone connected.
    case none
    /// Read access to the connection's space.
    case read
    /// Read or write access to the space the statement names, checked when it
    /// runs (`use`; creating the space takes admin).
    case namedSpace
    /// Write access to the connection's space.
    case write
    /// Administration.
    case admin
}

/// `remember "text" by NAME at TIME in scene NAME ref "id" importance N`
public struct Remember: Hashable, Sendable {
    public var text: String
    public var speaker: String?
    public var at: Timestamp?
    public var scene: String?
    public var ref: String?
    public var importance: Double?

    public init(
        text: String, speaker: String? = nil, at: Timestamp? = nil, scene: String? = nil, ref: String? = nil,
        importance: Double? = nil
    ) {
        self.text = text
        self.speaker = speaker
        self.at = at
        self.scene = scene
        self.ref = ref
        self.importance = importance
    }
}

/// `assert ATOM from T to T at T confidence N source "label" in scene NAME`
public struct Assertion: Hashable, Sendable {
    public var predicate: String
    public var arguments: [Argument]
    public var validFrom: Timestamp?
    public var validTo: Timestamp?
    public var confidence: Double?
    public var source: String?
    public var scene: String?

    public init(
        predicate: String, arguments: [Argument], validFrom: Timestamp? = nil, validTo: Timestamp? = nil,
        confidence: Double? = nil, source: String? = nil, scene: String? = nil
    ) {
        self.predicate = predicate
        self.arguments = arguments
        self.validFrom = validFrom
        self.validTo = validTo
        self.confidence = confidence
        self.source = source
        self.scene = scene
    }
}

/// A term of a pattern: a variable, `?` (anything), or a constant.
public enum Term: Hashable, Sendable {
    case variable(String)
    case anything
    case entity(String)
    case literal(Literal)
}

/// `predicate(term, role: term, ...)` in `match` and `history`.
public struct Atom: Hashable, Sendable {
    public var predicate: String
    public var arguments: [AtomArgument]
    public var position: SourcePosition
}

public struct AtomArgument: Hashable, Sendable {
    public var role: String?
    public var term: Term
}

/// A `where` condition.
public enum Condition: Hashable, Sendable {
    case compare(variable: String, op: ComparisonOperator, operand: Operand)
    case regex(variable: String, pattern: String, flags: String)

    /// Whether it is a `~ /regex/` condition.
    public var isRegex: Bool {
        if case .regex = self { return true }
        return false
    }
}

public enum ComparisonOperator: String, Hashable, Sendable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

public enum Operand: Hashable, Sendable {
    case variable(String)
    case value(Literal)
    /// A bare word: an entity name, compared with entity values by name.
    case name(String)
}

/// `match ATOM, ATOM where ... as of T known as of T limit N`
public struct Match: Hashable, Sendable {
    /// The most atoms one `match` joins: each further atom multiplies the
    /// work of a join that no index can bound, and no question needs more.
    public static let maximumAtoms = 16

    public var atoms: [Atom]
    public var conditions: [Condition]
    public var asOf: Timestamp?
    public var knownAsOf: Timestamp?
    public var limit: Int?
}

/// `scene "title"` or `scene s:3`.
public enum SceneReference: Hashable, Sendable {
    case title(String)
    case id(Int64)
}
