import MCP

/// The tools `mnemo mcp` offers, one per statement of the query language a
/// model needs to keep and use a memory. Each has a description written for
/// the model that will choose it (what it is for, when to use it, what comes
/// back), a JSON schema for its arguments (`MemoryTool+Schemas.swift`) and the
/// statement its arguments become (`MemoryTool+Statements.swift`).
public enum MemoryTool: String, CaseIterable, Sendable {
    case remember, recall, assert, match, persona, timeline, forget, consolidate

    /// What `tools/list` says of the tool.
    public var definition: Tool {
        Tool(
            name: rawValue, title: title, description: summary, inputSchema: inputSchema,
            annotations: annotations, outputSchema: Self.outputSchema)
    }

    /// The argument names the tool takes (its schema's properties).
    public var argumentNames: [String] {
        guard case .object(let schema) = inputSchema, case .object(let properties)? = schema["properties"] else { return [] }
        return properties.keys.sorted()
    }

    var title: String {
        switch self {
        case .remember: return "Remember an episode"
        case .recall: return "Recall what is relevant"
        case .assert: return "Assert a fact"
        case .match: return "Match facts by pattern"
        case .persona: return "Show or set a persona"
        case .timeline: return "Timeline of an entity"
        case .forget: return "Forget for good"
        case .consolidate: return "Consolidate memory"
        }
    }

    var summary: String {
        switch self {
        case .remember:
            return """
                Store an episode in long-term memory: something that was said or happened, in the words it was said, \
                with who said it and when. Use it for anything worth knowing later (what the user tells about \
                themselves, decisions, events, plans); one call per utterance or event. Mnemo finds the people and \
                places named, resolves time expressions ("yesterday", "last June") against `at`, and files the episode \
                in a scene (a conversation or an occasion). Returns the stored episode (id e:N, entities found, times \
                resolved), and the scene if it was created.
                """
        case .recall:
            return """
                Search memory for what bears on a question or topic, before answering anything that depends on the \
                past. Give the question in natural words ("what does Caroline want to study?"); `about` focuses on \
                one person or thing, `during` on a period, `kinds` picks what may come back. Returns episodes and \
                facts (optionally scenes, persona attributes, insights), best first, each with a score; ids (e:, f:, \
                s:, p:, i:) can be given to other tools.
                """
        case .assert:
            return """
                Store a fact: a relation between entities and values, with when it was true. Example: predicate \
                "works_at", arguments ["alice", "acme"], from "2021-03". A string filler is an entity's name \
                (words: alice, New York); give text as {"text": "…"}, a time as {"time": "2023-05"}, numbers as \
                numbers, several fillers of one role as a list. Named roles go in `roles` ({"who": ["alice", "bob"], \
                "place": "paris"}). For a predicate declared functional, a new value supersedes the old one, which \
                stays in history. Returns the fact (id f:N; created false when it was already known).
                """
        case .match:
            return """
                Find facts by pattern, joining on shared variables, like a small Datalog. The pattern is in Mnemo's \
                query language: one or more atoms PRED(TERM, …) separated by commas, where a term is ?var (binds), \
                ? (anything), a bare name (an entity), "text", a number or a time; role: term names a role. \
                Examples: works_at(?who, ?org) — works_at(?p, ?org), located_in(?org, paris) — \
                met(who: ?x, topic: "merger"). `where` filters: ?x > 2020, ?x != bob, ?x ~ /paint/i. By default \
                the facts held now (past events included); `as_of` asks what was true then, `known_as_of` what the \
                memory believed then. Returns one binding per match with the ids of the facts.
                """
        case .persona:
            return """
                What is known about a person: attributes pinned by hand first, then (after consolidate) what was \
                derived from the memory — current facts about them, relationships, recurring topics and activities, \
                dated events — each with confidence and the ids that support it. With `attribute` and `value` it \
                pins an attribute instead (a new value closes the old one, from `from`), e.g. attribute \
                "occupation", value "nurse".
                """
        case .timeline:
            return """
                An entity's episodes and facts in time order: what they said, what was said about them, what was \
                true of them. `during` keeps one period. Use it to reconstruct what happened to someone, or when.
                """
        case .forget:
            return """
                Delete something for good (privacy), by id: an entity n:, episode e:, fact f:, scene s:, persona \
                attribute p: or insight i:, with what only it supports and everything derived from it. It cannot \
                be undone; use it only when the user asks for something to be forgotten. Returns the ids deleted.
                """
        case .consolidate:
            return """
                Run the reflective passes now: link names of the same entity, close superseded values and flag \
                conflicts, archive what faded, summarise scenes, derive personas and recurring patterns. Each run \
                can be undone by an administrator. Usually run on a timer; call it after storing much, before asking \
                `persona` for what was derived. `dry_run` reports what would change and changes nothing.
                """
        }
    }

    var annotations: Tool.Annotations {
        switch self {
        case .recall, .match, .timeline:
            return Tool.Annotations(title: title, readOnlyHint: true, openWorldHint: false)
        case .remember, .assert, .persona:
            return Tool.Annotations(title: title, readOnlyHint: false, destructiveHint: false, openWorldHint: false)
        case .consolidate:
            return Tool.Annotations(title: title, readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false)
        case .forget:
            return Tool.Annotations(title: title, readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false)
        }
    }
}
