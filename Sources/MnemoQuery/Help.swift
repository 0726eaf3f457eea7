/// The text `help` prints, one entry per statement. `docs/query-language.md`
/// carries the same entries word for word (a test checks it).
public enum Help {
    public static let topics: [(statement: String, text: String)] = [
        ("remember", #"remember "text" [by NAME] [at TIME] [in scene NAME] [ref "id"] [importance 0..1] — store an episode: what was said or happened, by whom, when (default now), in which scene (created if new; without one, the speaker's open scene), with your own ref. Answers the episode (and the scene if it was created)."#),
        ("assert", #"assert PRED(ARG, ...) [from TIME] [to TIME] [at TIME] [confidence 0..1] [source "label"] [in scene NAME] — store a fact, an n-ary relation. ARG is a filler or role: filler; a filler is a name (an entity), "text", a number, a time or a [list]. from/to bound when it was true; at names the period it happened in. For a functional predicate the subject's current value is superseded (answer lists supersedes). An identical fact already believed is not duplicated (created: false)."#),
        ("declare", "declare PRED(ROLE, ...) [functional] — name a predicate's roles (positional arguments take these names, else _1, _2 ...) and make it functional: one value per subject (the first role) at a time."),
        ("retract", "retract f:ID [at TIME] — the memory stops believing the fact from TIME (default now): its recorded interval closes. It stays in history and known as of."),
        ("forget", "forget ID — delete for good (privacy): an entity n:, episode e:, fact f:, scene s:, persona attribute p: or insight i:, with what only it supports (facts of a forgotten entity; facts whose only source was a forgotten episode; names nothing else gives), what consolidation derived from it (summaries, persona attributes, insights) and its copies in the consolidation journal, the full-text index and the file. Journaled (ids only). ERR BUSY while a consolidation runs. Admin only."),
        ("scene", #"scene open NAME [at TIME] [with NAME, ...] [place NAME] | scene close NAME [at TIME] | scene NAME | scene s:ID — open or close a scene (a bounded episode of life), or show one with its episodes: span, participants, places, and after consolidation its summary (and the reflector's, if one ran)."#),
        ("persona", #"persona NAME set ATTRIBUTE = VALUE [from TIME] | persona NAME [as of TIME] — pin an attribute of a person (a new value closes the old one), or show the persona: pinned attributes first, then what consolidation derived (category attribute, relationship, topic, activity, timeline), each with its support, first/last seen and confidence."#),
        ("alias", "alias ALIAS = NAME — make ALIAS another name of the entity NAME (created if new)."),
        ("recall", #"recall "text" [about NAME] [in scene NAME] [during INTERVAL] [as of TIME] [depth N] [include archived] [limit N] [explain] — spreading-activation search: seeds from full-text matches (BM25), the entities the text names and about NAME; activation spreads over the graph (entities, episodes, facts, scenes) with decay and division by fan, plus the turns around strong episodes, recency and frequency, and a boost for times the text names. Answers episodes and facts, best first, with a score; explain adds the path that activated each. Default limit 10, depth 2."#),
        ("match", "match ATOM [, ATOM ...] [where COND [and COND ...]] [as of TIME] [known as of TIME] [limit N] — find facts by pattern. ATOM is PRED(TERM, ...) where a term is ?var, ? (anything), a name or a value, positional or role: term. Atoms join on shared variables. COND is ?x OP value|?y (OP: = != < <= > >=) or ?x ~ /regex/flags (PCRE2; flags i m s x u). Default: the facts the memory holds now, past events included, values a functional predicate superseded left out; as of TIME picks the facts valid at TIME; known as of TIME what the memory believed at TIME (about TIME, unless as of says otherwise). At most 1000 rows unless limit says otherwise."),
        ("history", "history PRED(TERM, ...) — every version of the matching facts, with both intervals (use ? for any filler)."),
        ("timeline", "timeline NAME [during INTERVAL] — the entity's episodes and facts in time order."),
        ("scenes", "scenes [with NAME] [during INTERVAL] — scenes, optionally with a participant and overlapping an interval."),
        ("conflicts", "conflicts [about NAME] — contradictions consolidation found: values of a functional predicate that cannot be ordered (type conflict) and scene facts that contradict a stable persona attribute (type calibration), each with its support."),
        ("insights", "insights [about NAME] — what consolidation derived: recurring patterns across scenes (who does or talks about what, in how many scenes, since when, rising, steady or fading) and the conflicts, each with its support."),
        ("consolidate", "consolidate [dry run] — run the reflective passes now (entity resolution, supersession, decay and archive, scenes, the reflector if configured, personas, insights), each journaled and undoable. Answers one consolidation line (run, changes, duration, warnings) and one line per pass. dry run reports the same and changes nothing. ERR BUSY while another run of the space is in progress."),
        ("consolidations", "consolidations — the journal of consolidation runs, newest first: status (done, dry run, failed, interrupted, undone), times, and per-pass counts, changes and durations."),
        ("undo consolidation", "undo consolidation N — put back exactly what run N changed (runs are undone newest first; what clients wrote since stays). Admin only."),
        ("backup", #"backup to "path" — copy this space, consistently and without stopping writers, to a new SQLite file (never overwrites). Admin only."#),
        ("use", "use space \"name\" — switch this connection to another space (a separate memory). A space that does not exist is created if you may create spaces (admin). Names: 1-64 letters, digits, '.', '_', '-'."),
        ("stats", "stats — counts, sizes, uptime, connections and per-statement latency, one {\"kind\":\"stat\"} line each."),
        ("ping", "ping — check that the daemon answers. Answers {\"kind\":\"pong\"}."),
        ("help", "help [statement] — this text, or the entry for one statement."),
    ]

    /// The entries for `topic` (all when `nil`); empty when unknown. `help scene
    /// open` finds `scene`.
    public static func entries(for topic: String?) -> [(statement: String, text: String)] {
        guard let topic else { return topics }
        if let exact = topics.first(where: { $0.statement == topic }) { return [exact] }
        let first = topic.split(separator: " ").first.map(String.init) ?? topic
        return topics.filter { $0.statement == first }
    }
}
