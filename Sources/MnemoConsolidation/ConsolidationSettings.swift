/// The parameters of consolidation (daemon.conf `consolidate_*`, `archive_*`,
/// `persona_*`, `insight_*` and `reflector*` keys). Each is documented in
/// daemon.conf and docs/consolidation.md.
public struct ConsolidationSettings: Sendable, Hashable {
    /// ACT-R decay `d` of base-level activation `B = ln Σ (now − t)^−d`, ages in days.
    public var decay = 0.5
    /// An episode or fact whose `B` falls below this is archived (when old enough).
    public var archiveThreshold = -2.5
    /// Nothing younger than this (counted from when the memory recorded it) is archived.
    public var archiveMinAgeSeconds: Int64 = 90 * 86_400
    /// Episodes and facts at least this important are never archived.
    public var archiveKeepImportance = 0.8
    /// An open scene whose last episode is older than this is closed.
    public var sceneIdleSeconds: Int64 = 86_400
    /// Unsegmented episodes further apart than this start a new scene.
    public var sceneGapSeconds: Int64 = 1_800
    /// Sentences in a scene's extractive summary.
    public var summarySentences = 3
    /// Scenes in which a nickname and a full name must both appear before they are linked.
    public var nicknameMinScenes = 2
    /// Scenes a topic or activity must recur in to enter a persona.
    public var personaMinScenes = 2
    /// How many times a person's smoothed share of scenes with a word must be
    /// everyone else's for it to be one of their topics or activities (`Crowd`).
    public var personaMinLift = 1.5
    /// Most topics, activities and timeline entries kept per persona.
    public var personaTopics = 10
    public var personaTimeline = 20
    /// Scenes a pattern must recur in to become an insight.
    public var insightMinScenes = 3
    /// A command that receives scenes as JSON on stdin and answers summaries
    /// and facts as JSON on stdout (docs/reflector.md); nil for none.
    public var reflector: String?
    /// How long the reflector may take for one batch of scenes.
    public var reflectorTimeoutSeconds = 30.0
    /// Scenes sent to the reflector per invocation.
    public var reflectorBatch = 20
    /// Seconds between scheduled runs over every space; 0 for none.
    public var intervalSeconds: Int64 = 0

    public init() {}
}
