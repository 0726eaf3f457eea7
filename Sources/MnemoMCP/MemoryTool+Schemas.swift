import MCP

/// The JSON schemas of the tools' arguments and of what they answer. The
/// schema's properties are also the arguments a call may give
/// (`argumentNames`); `ToolArguments` checks each one again, since a client
/// need not validate against the schema.
extension MemoryTool {
    var inputSchema: Value {
        switch self {
        case .remember:
            return Self.object(
                required: ["text"],
                [
                    "text": Self.string("What was said or happened, as it was said (one utterance or event)."),
                    "speaker": Self.string("Who said it or did it: a person's name (e.g. \"caroline\"; the user's name for the user)."),
                    "at": Self.time("When it happened; default now."),
                    "scene": Self.string(
                        "The scene (conversation, occasion) it belongs to, by title; created if new. Default: the speaker's open scene, or a new one."
                    ),
                    "ref": Self.string("Your own id for it (a message id), returned with it."),
                    "importance": Self.fraction("How much it matters, 0 to 1 (default 0.5); recall weighs it."),
                ])
        case .recall:
            return Self.object(
                required: ["query"],
                [
                    "query": Self.string("The question or topic, in natural words."),
                    "about": Self.string("An entity (person, place, thing) to focus on, by name or alias."),
                    "scene": Self.string("Only look around this scene (by title)."),
                    "during": Self.interval("Keep what was valid at some time in this period."),
                    "as_of": Self.time("Keep what was valid at this time."),
                    "known_as_of": Self.time("Answer with what the memory believed at this time (recorded time)."),
                    "kinds": [
                        "type": "array",
                        "description":
                            "What may come back (default episode and fact): episode, fact, scene (with its summary), persona (attributes), insight (patterns, conflicts).",
                        "items": ["type": "string", "enum": ["episode", "fact", "scene", "persona", "insight"]],
                        "uniqueItems": true,
                        "minItems": 1,
                    ],
                    "limit": Self.wholeNumber("How many results at most (default 10).", in: StatementLimits.recallRows),
                    "depth": Self.wholeNumber("Hops of spreading activation (default 2).", in: StatementLimits.recallDepth),
                    "include_archived": Self.flag("Also consider what consolidation archived as faded."),
                    "explain": Self.flag("Add to each result the path and seeds that led to it."),
                ])
        case .assert:
            return Self.object(
                required: ["predicate"],
                [
                    "predicate": Self.string("The relation, one word: works_at, lives_in, likes, met."),
                    "arguments": [
                        "type": "array",
                        "description": "The fillers by position, in order (the predicate's declared roles, else _1, _2, …).",
                        "items": Self.filler,
                    ],
                    "roles": [
                        "type": "object",
                        "description": "Fillers by role name: {\"who\": [\"alice\", \"bob\"], \"topic\": {\"text\": \"merger\"}}.",
                        "additionalProperties": Self.filler,
                    ],
                    "from": Self.time("When it started being true."),
                    "to": Self.time("When it stopped being true."),
                    "at": Self.time("The period it happened in (an event: 2024-01-03 is that day); not with from/to."),
                    "confidence": Self.fraction("How sure, 0 to 1 (default 1)."),
                    "source": Self.string("Where it comes from, a label."),
                    "scene": Self.string("The scene it belongs to, by title."),
                ])
        case .match:
            return Self.object(
                required: ["pattern"],
                [
                    "pattern": Self.string("Atoms joined by commas: works_at(?who, ?org), located_in(?org, paris)."),
                    "where": Self.string("Conditions joined by and: ?x > 2020 and ?y ~ /paint/i."),
                    "as_of": Self.time("What was true at this time (valid time)."),
                    "known_as_of": Self.time("What the memory believed at this time (recorded time)."),
                    "limit": Self.wholeNumber("How many rows at most (default 1000).", in: StatementLimits.rows),
                ])
        case .persona:
            return Self.object(
                required: ["name"],
                [
                    "name": Self.string("The person, by name or alias."),
                    "as_of": Self.time("The persona as it was at this time."),
                    "limit": Self.wholeNumber("How many attributes at most (default 1000).", in: StatementLimits.rows),
                    "attribute": Self.string("To pin an attribute: its name (occupation, age, lives_in)."),
                    "value": [
                        "type": ["string", "number", "boolean"],
                        "description": "To pin an attribute: its value.",
                    ],
                    "from": Self.time("To pin an attribute: since when it holds (default now)."),
                ])
        case .timeline:
            return Self.object(
                required: ["name"],
                [
                    "name": Self.string("The entity (person, place, thing), by name or alias."),
                    "during": Self.interval("Only this period."),
                    "limit": Self.wholeNumber("How many lines at most (default 1000).", in: StatementLimits.rows),
                ])
        case .forget:
            return Self.object(
                required: ["id"],
                ["id": ["type": "string", "pattern": "^[nefspi]:[0-9]+$", "description": "What to delete: n:5, e:17, f:42, s:3, p:2 or i:9."]])
        case .consolidate:
            return Self.object(required: [], ["dry_run": Self.flag("Report what a run would change, and change nothing.")])
        }
    }

    /// What every tool answers in `structuredContent`: the statement that was
    /// sent and the daemon's answer lines as JSON objects (their fields are in
    /// docs/query-language.md). A tool error carries `error` instead of `results`.
    static let outputSchema: Value = [
        "type": "object",
        "properties": [
            "statement": ["type": "string", "description": "The statement sent to mnemod."],
            "results": ["type": "array", "items": ["type": "object"], "description": "The answer lines, each with its kind."],
        ],
        "required": ["statement", "results"],
    ]

    // MARK: Pieces of schemas

    private static func object(required: [String], _ properties: [String: Value]) -> Value {
        ["type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) }), "additionalProperties": false]
    }

    private static func string(_ description: String) -> Value {
        ["type": "string", "description": .string(description)]
    }

    private static func flag(_ description: String) -> Value {
        ["type": "boolean", "description": .string(description)]
    }

    private static func time(_ description: String) -> Value {
        ["type": "string", "description": .string(description + " ISO 8601 (2023, 2023-05, 2023-05-08, 2023-05-08T13:56, 2023-05-08T13:56:07Z) or now.")]
    }

    private static func interval(_ description: String) -> Value {
        ["type": "string", "description": .string(description + " A time, or two joined by '..': 2023-05 .. 2023-08 (August included).")]
    }

    private static func fraction(_ description: String) -> Value {
        ["type": "number", "minimum": 0, "maximum": 1, "description": .string(description)]
    }

    private static func wholeNumber(_ description: String, in range: ClosedRange<Int>) -> Value {
        ["type": "integer", "minimum": .int(range.lowerBound), "maximum": .int(range.upperBound), "description": .string(description)]
    }

    /// One filler of a fact, or a list of them.
    private static let filler: Value = [
        "anyOf": [
            singleFiller,
            ["type": "array", "items": singleFiller, "minItems": 1],
        ]
    ]

    private static let singleFiller: Value = [
        "anyOf": [
            ["type": "string", "description": "An entity's name: words of letters, digits, '_', '-' (alice, New York)."],
            ["type": "number"],
            ["type": "object", "properties": ["text": ["type": "string"]], "required": ["text"], "additionalProperties": false],
            ["type": "object", "properties": ["time": ["type": "string"]], "required": ["time"], "additionalProperties": false],
        ]
    ]
}
