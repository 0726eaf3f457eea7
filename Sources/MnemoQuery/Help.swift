/// The text `help` prints, one entry per statement; `docs/query-language.md`
/// holds the same.
public enum Help {
    public static let topics: [(statement: String, text: String)] = [
        ("ping", "ping — check that the daemon answers. Answers {\"kind\":\"pong\"}."),
        ("stats", "stats — counts, sizes, uptime, connections and per-statement latency, one {\"kind\":\"stat\"} line each."),
        ("help", "help [statement] — this text, or the entry for one statement."),
        ("use", "use space \"name\" — switch this connection to another space (a separate memory). A space that does not exist is created if you may create spaces (admin). Names: 1-64 letters, digits, '.', '_', '-'."),
    ]

    /// The entries for `topic` (all when `nil`); empty when unknown.
    public static func entries(for topic: String?) -> [(statement: String, text: String)] {
        guard let topic else { return topics }
        return topics.filter { $0.statement == topic }
    }
}
