import GRDB

extension ReadContext {
    /// How many of each stored thing the space holds, for `stats`.
    public func counts() throws -> [(name: String, count: Int64)] {
        try [
            ("entities", "entity"), ("episodes", "episode"), ("facts", "fact"), ("scenes", "scene"),
            ("persona_attributes", "persona_attribute"), ("insights", "insight"),
        ].map { name, table in
            (name, try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0)
        }
    }
}
