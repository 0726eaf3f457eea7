/// The kinds of statement, one for each case of `Statement`, in the order
/// `help` lists them. What each kind is — its name, the access it needs,
/// whether it writes, where and how long it may run, whether it takes a
/// `limit`, its `help` entry — is declared once, in `traits`.
///
/// Adding a statement: its case in `Statement`, its kind here (and in
/// `Statement.kind`) with its entry in `traits`, its parsing, and its case
/// in the executor (`Executor.execute`, or `applyWrite` for a write). The
/// compiler asks for each of these but the parser; `StatementKindTests`
/// parses each entry's example.
public enum StatementKind: CaseIterable, Hashable, Sendable {
    case remember, assert, declare, retract, forget, sceneOpen, sceneClose, scene, personaSet, persona, alias
    case recall, match, history, timeline, scenes, conflicts, insights
    case consolidate, consolidations, undoConsolidation, backup, export, importFrom, use, stats, ping, help
}

/// What the parser, the executor and the server need to know about a kind of
/// statement, besides how to run it. One entry per kind, in
/// `StatementKind.traits`; nothing else decides these per statement.
public struct StatementTraits: Sendable {
    /// Where the server may answer a statement.
    public enum Inline: Sendable, Hashable {
        /// On a worker (the write pool if it writes, else the read pool).
        case never
        /// On the network thread that read it: it touches no file (`ping`, `help`).
        case always
        /// On the network thread when the executor can answer it from memory
        /// (`Executor.runInMemory`), else on a worker; not with `recall_inline = no`.
        case whenInMemory
        /// On the network thread when it is done within `inline_read_budget`
        /// (`Executor.runWithinBudget`): a read that runs past it, or finds
        /// no connection free, stops and runs again on a worker.
        case withinBudget
    }

    /// A kind's `help` entry.
    public enum HelpText: Sendable, Hashable {
        /// The entry itself, listed under the kind's `name`.
        case entry(String)
        /// Described in another kind's entry (`scene open` in `scene`).
        case see(StatementKind)
    }

    /// The keywords that start it: its name in `stats` (`latency.NAME`), in
    /// messages and in `help`.
    public let name: String
    /// A statement of this kind (a test parses each).
    public let example: String
    /// What a peer needs to be allowed to run it.
    public let access: StatementAccess
    /// Whether it is a write: it changes the memory in a transaction, shared
    /// with the writes pipelined right behind it (group commit), on the write
    /// pool. Everything else runs on the read pool (`consolidate` and `undo
    /// consolidation` change the memory too, but in journaled runs of their own).
    public let isWrite: Bool
    /// Whether it may be answered on the network thread.
    public let inline: Inline
    /// Whether `request_timeout` stops it. Not so for work bounded by its own
    /// size rather than a client's patience: a consolidation run or undo (by
    /// its passes) and a backup (by the space; it cannot stop half way, so a
    /// deadline could only answer TIMEOUT for a copy then made all the same).
    /// What runs on the network thread is never timed.
    public let hasDeadline: Bool
    /// Whether it answers rows with `limit N`, within `RowLimit` (`recall`'s
    /// `limit`, best first and at most 10000, is its own).
    public let takesRowLimit: Bool
    /// Its `help` entry.
    public let help: HelpText
}

extension StatementKind {
    /// The table: one entry per kind.
    public var traits: StatementTraits {
        switch self {
        case .remember:
            StatementTraits(
                name: "remember", example: #"remember "Caroline went to the support group" by caroline"#,
                access: .write, isWrite: true, inline: .never, hasDeadline: true, takesRowLimit: false,
                help: .entry(
                    #"remember "text" [by NAME] [at TIME] [in scene NAME] [ref "id"] [importance 0..1] — store an episode: what was said or happened, by whom, when (default now), in which scene (created if new; without one, the speaker's open scene), with your own ref. Answers the episode (and the scene if it was created)."#
                ))
        case .assert:
            StatementTraits(
                name: "assert", example: "assert works_at(alice, acme) from 2024-01-01",
                access: .write, isWrite: true, inline: .never, hasDeadline: true, takesRowLimit: false,
                help: .entry(
                    #"assert PRED(ARG, ...) [from TIME] [to TIME] [at TIME] [confidence 0..1] [source "label"] [in scene NAME] — store a fact, an n-ary relation. ARG is a filler or role: filler; a filler is a name (an entity), "text", a number, a time or a [list]. from/to bound when it was true; at names the period it happened in. For a functional predicate the subject's current value is superseded (answer lists supersedes). An identical fact already believed is not duplicated (created: false)."#
                ))
        case .declare:
            StatementTraits(
                name: "declare", example: "declare works_at(person, org) functional",
                access: .write, isWrite: true, inline: .never, hasDeadline: true, takesRowLimit: false,
                help: .entry(
                    "declare PRED(ROLE, ...) [functional] — name a predicate's roles (positional arguments take these names, else _1, _2 ...) and make it functional: one value per subject (the first role) at a time."
                ))
        case .retract:
            StatementTraits(
                name: "retract", example: "retract f:1 at 2024-06-01",
                access: .write, isWrite: true, inline: .never, hasDeadline: true, takesRowLimit: false,
                help: .entry(
                    "retract f:ID [at TIME] — the memory stops believing the fact from TIME (default now): its recorded interval closes. It stays in history and known as of."
                ))
        case .forget:
            StatementTraits(
                name: "forget", example: "forget e:1",
                access: .admin, isWrite: true, inline: .never, hasDeadline: true, takesRowLimit: false,
                help: .entry(
                    "forget ID — delete for good (privacy): an entity n:, episode e:, fact f:, scene s:, persona attribute p: or insight i:, with what only it supports (facts of a forgotten entity; facts whose only source was a forgotten episode; names nothing else gives), what consolidation derived from it (summaries, persona attributes, insights) and its copies in the consolidation journal, the full-text index and the file. Journaled (ids only). ERR BUSY while a consolidation runs. Admin only."
                ))
        case .sceneOpen:
            StatementTraits(
                name: "scene open", example: #"scene open "camping trip" with caroline, melanie"#,
                access: .write, isWrite: true, inline: .never, hasDeadline: true, takesRowLimit: false,
                help: .see(.scene))
        case .sceneClose:
            StatementTraits(
                name: "scene close", example: #"scene close "camping trip""#,
                access: .write, isWrite: true, inline: .never, hasDeadline: true, takesRowLimit: false,
                help: .see(.scene))
        case .scene:
            StatementTraits(
                name: "scene", example: #"scene "camping trip""#,
                access: .read, isWrite: false, inline: .withinBudget, hasDeadline: true, takesRowLimit: true,
                help: .entry(
                    #"scene open NAME [at TIME] [with NAME, ...] [place NAME] | scene close NAME [at TIME] | scene NAME [limit N] | scene s:ID [limit N] — open or close a scene (a bounded episode of life), or show one with its episodes (the first 1000 unless limit says otherwise; the scene line counts them all): span, participants, places, and after consolidation its summary (and the reflector's, if one ran)."#
                ))
        case .personaSet:
            StatementTraits(
                name: "persona set", example: "persona caroline set hobby = painting",
                access: .write, isWrite: true, inline: .never, hasDeadline: true, takesRowLimit: false,
                help: .see(.persona))
        case .persona:
            StatementTraits(
                name: "persona", example: "persona caroline as of 2024-01-01",
                access: .read, isWrite: false, inline: .withinBudget, hasDeadline: true, takesRowLimit: true,
                help: .entry(
                    #"persona NAME set ATTRIBUTE = VALUE [from TIME] | persona NAME [as of TIME] [limit N] — pin an attribute of a person (a new value closes the old one), or show the persona: pinned attributes first, then what consolidation derived (category attribute, relationship, topic, activity, timeline), each with its support, first/last seen and confidence. At most 1000 attributes unless limit says otherwise."#
                ))
        case .alias:
            StatementTraits(
                name: "alias", example: "alias mel = melanie",
                access: .write, isWrite: true, inline: .never, hasDeadline: true, takesRowLimit: false,
                help: .entry("alias ALIAS = NAME — make ALIAS another name of the entity NAME (created if new)."))
        case .recall:
            StatementTraits(
                name: "recall", example: #"recall "camping trips" about melanie"#,
                access: .read, isWrite: false, inline: .whenInMemory, hasDeadline: true, takesRowLimit: false,
                help: .entry(
                    #"recall "text" [about NAME] [in scene NAME] [during INTERVAL] [as of TIME] [known as of TIME] [depth N] [include archived] [kinds KIND, ...] [limit N] [explain] — spreading-activation search: seeds from full-text matches (BM25 over episodes, and over the texts of facts, scenes, persona attributes and insights), the entities the text names, about NAME, in scene NAME and the scenes inside a time the text names; activation spreads over the graph (entities, episodes, facts, scenes, persona attributes, insights) with decay and division by fan, plus the turns around strong episodes, recency and frequency, a boost for what the people the text names said and for times it names, and a prior for longer turns. as of TIME keeps what was valid at TIME, during INTERVAL what was valid at some time in it (a fact by its valid interval, an episode by its time or the times it names); known as of TIME what the memory believed at TIME, as match reads it (about TIME, unless as of or during says otherwise). Answers episodes and facts (kinds picks among episode, fact, scene, persona, insight), best first, with a score; explain adds each one's activation, the path that carried the most of it, and the seeds (query words, names, times) that gave it, with their shares. Default limit 10, depth 2."#
                ))
        case .match:
            StatementTraits(
                name: "match", example: "match works_at(?p, ?org) where ?org != acme",
                access: .read, isWrite: false, inline: .withinBudget, hasDeadline: true, takesRowLimit: true,
                help: .entry(
                    "match ATOM [, ATOM ...] [where COND [and COND ...]] [as of TIME] [known as of TIME] [limit N] — find facts by pattern. ATOM is PRED(TERM, ...) where a term is ?var, ? (anything), a name or a value, positional or role: term. Atoms join on shared variables (at most 16 atoms). COND is ?x OP value|?y (OP: = != < <= > >=) or ?x ~ /regex/flags (PCRE2; flags i m s x u; a match that passes regex_match_limit answers INVALID). Default: the facts the memory holds now, past events included, values a functional predicate superseded left out; as of TIME picks the facts valid at TIME; known as of TIME what the memory believed at TIME (about TIME, unless as of says otherwise). At most 1000 rows unless limit says otherwise."
                ))
        case .history:
            StatementTraits(
                name: "history", example: "history works_at(alice, ?)",
                access: .read, isWrite: false, inline: .withinBudget, hasDeadline: true, takesRowLimit: true,
                help: .entry(
                    "history PRED(TERM, ...) [limit N] — every version of the matching facts, with both intervals (use ? for any filler). At most 1000 versions unless limit says otherwise."
                ))
        case .timeline:
            StatementTraits(
                name: "timeline", example: "timeline caroline during 2023-01-01 .. 2024-01-01",
                access: .read, isWrite: false, inline: .withinBudget, hasDeadline: true, takesRowLimit: true,
                help: .entry(
                    "timeline NAME [during INTERVAL] [limit N] — the entity's episodes and facts in time order, the first 1000 unless limit says otherwise."))
        case .scenes:
            StatementTraits(
                name: "scenes", example: "scenes with caroline",
                access: .read, isWrite: false, inline: .withinBudget, hasDeadline: true, takesRowLimit: true,
                help: .entry(
                    "scenes [with NAME] [during INTERVAL] [limit N] — scenes, optionally with a participant and overlapping an interval, oldest first; at most 1000 unless limit says otherwise."
                ))
        case .conflicts:
            StatementTraits(
                name: "conflicts", example: "conflicts about caroline",
                access: .read, isWrite: false, inline: .withinBudget, hasDeadline: true, takesRowLimit: true,
                help: .entry(
                    "conflicts [about NAME] [limit N] — contradictions consolidation found: values of a functional predicate that cannot be ordered (type conflict) and scene facts that contradict a stable persona attribute (type calibration), each with its support. At most 1000, newest first, unless limit says otherwise."
                ))
        case .insights:
            StatementTraits(
                name: "insights", example: "insights about caroline",
                access: .read, isWrite: false, inline: .withinBudget, hasDeadline: true, takesRowLimit: true,
                help: .entry(
                    "insights [about NAME] [limit N] — what consolidation derived: recurring patterns across scenes (who does or talks about what, in how many scenes, since when, rising, steady or fading) and the conflicts, each with its support. At most 1000, newest first, unless limit says otherwise."
                ))
        case .consolidate:
            StatementTraits(
                name: "consolidate", example: "consolidate dry run",
                access: .write, isWrite: false, inline: .never, hasDeadline: false, takesRowLimit: false,
                help: .entry(
                    "consolidate [dry run] — run the reflective passes now (entity resolution, supersession, decay and archive, scenes, the reflector if configured, personas, insights), each journaled and undoable. Answers one consolidation line (run, changes, duration, warnings) and one line per pass. dry run reports the same and changes nothing (it runs on a scratch copy of the space, so writes go on meanwhile). ERR BUSY while another run of the space is in progress."
                ))
        case .consolidations:
            StatementTraits(
                name: "consolidations", example: "consolidations",
                access: .read, isWrite: false, inline: .never, hasDeadline: true, takesRowLimit: true,
                help: .entry(
                    "consolidations [limit N] — the journal of consolidation runs, newest first (the last 1000 unless limit says otherwise): status (done, dry run, failed, interrupted, undone), times, and per-pass counts, changes and durations."
                ))
        case .undoConsolidation:
            StatementTraits(
                name: "undo consolidation", example: "undo consolidation 1",
                access: .admin, isWrite: false, inline: .never, hasDeadline: false, takesRowLimit: false,
                help: .entry(
                    "undo consolidation N — put back exactly what run N changed (runs are undone newest first; what clients wrote since stays). Admin only."))
        case .backup:
            StatementTraits(
                name: "backup", example: #"backup to "/var/backups/mnemo/default.db""#,
                access: .admin, isWrite: false, inline: .never, hasDeadline: false, takesRowLimit: false,
                help: .entry(
                    #"backup to "path" — copy this space, consistently and without stopping writers, to a new SQLite file at an absolute path, created with mode 0600 (never overwrites, never follows a symbolic link). Admin only."#
                ))
        case .export:
            StatementTraits(
                name: "export", example: #"export to "/var/backups/mnemo/default.jsonl" with derived, activation"#,
                access: .admin, isWrite: false, inline: .never, hasDeadline: false, takesRowLimit: false,
                help: .entry(
                    #"export to "path" [with derived[, activation]] — write this space as JSON Lines to a new file at an absolute path (mode 0600; never overwrites, never follows a symbolic link), from one consistent snapshot, without stopping writers: a versioned header line, then every predicate, entity (with aliases), scene, episode, fact (every version, both intervals, roles, sources), pinned persona attribute and forget journal entry; with derived also what consolidation derived (persona attributes, insights, same_as links, scene summaries), with activation the activation log. mnemo export runs it with a progress line. Admin only. docs/export-import.md describes the format."#
                ))
        case .importFrom:
            StatementTraits(
                name: "import", example: #"import from "/var/backups/mnemo/default.jsonl""#,
                access: .admin, isWrite: false, inline: .never, hasDeadline: false, takesRowLimit: false,
                help: .entry(
                    #"import from "path" — rebuild this space from a file mnemo export wrote (absolute path), with every id as in the file. The space must be empty. One transaction: a bad line (answered with its line number) or a file that ends early changes nothing. A file of a newer major format version is refused. Admin only."#
                ))
        case .use:
            StatementTraits(
                name: "use", example: #"use space "notes""#,
                access: .namedSpace, isWrite: false, inline: .never, hasDeadline: true, takesRowLimit: false,
                help: .entry(
                    "use space \"name\" — switch this connection to another space (a separate memory). A space that does not exist is created if you may create spaces (admin). Names: 1-64 letters, digits, '.', '_', '-'."
                ))
        case .stats:
            StatementTraits(
                name: "stats", example: "stats",
                access: .read, isWrite: false, inline: .never, hasDeadline: true, takesRowLimit: false,
                help: .entry(
                    "stats — counts, sizes, uptime, connections and per-statement latency, one {\"kind\":\"stat\"} line each. Needs read access to the current space; \"spaces\" lists only the spaces you may read."
                ))
        case .ping:
            StatementTraits(
                name: "ping", example: "ping",
                access: .none, isWrite: false, inline: .always, hasDeadline: true, takesRowLimit: false,
                help: .entry("ping — check that the daemon answers. Answers {\"kind\":\"pong\"}."))
        case .help:
            StatementTraits(
                name: "help", example: "help scene open",
                access: .none, isWrite: false, inline: .always, hasDeadline: true, takesRowLimit: false,
                help: .entry("help [statement] — this text, or the entry for one statement."))
        }
    }
}

extension Statement {
    /// The statement's kind.
    public var kind: StatementKind {
        switch self {
        case .ping: .ping
        case .stats: .stats
        case .help: .help
        case .use: .use
        case .remember: .remember
        case .assert: .assert
        case .declare: .declare
        case .retract: .retract
        case .forget: .forget
        case .sceneOpen: .sceneOpen
        case .sceneClose: .sceneClose
        case .personaSet: .personaSet
        case .alias: .alias
        case .recall: .recall
        case .match: .match
        case .history: .history
        case .timeline: .timeline
        case .persona: .persona
        case .scene: .scene
        case .scenes: .scenes
        case .conflicts: .conflicts
        case .insights: .insights
        case .consolidate: .consolidate
        case .consolidations: .consolidations
        case .undoConsolidation: .undoConsolidation
        case .backup: .backup
        case .export: .export
        case .importFrom: .importFrom
        }
    }

    /// What its kind is (`StatementKind.traits`).
    public var traits: StatementTraits { kind.traits }

    /// The statement's name, for statistics and messages.
    public var keyword: String { kind.traits.name }
}
