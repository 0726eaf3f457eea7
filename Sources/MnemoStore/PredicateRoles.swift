import MnemoModel

/// A predicate's declared roles as its row keeps them (`predicate.roles`):
/// a JSON array of role names, such as `["person","org"]`.
enum PredicateRoles {
    static func encode(_ roles: [String]) -> String {
        JSONValue.array(roles.map { .string($0) }).serialized
    }

    /// The role names; a column that is not an array of strings is a damaged
    /// file, and says so.
    static func decode(_ json: String) throws(MnemoError) -> [String] {
        let value: JSONValue
        do {
            value = try JSONValue.parse(json)
        } catch {
            throw MnemoError(.internalError, "a predicate's roles are not JSON (\(error)): \(json)")
        }
        guard case .array(let items) = value else {
            throw MnemoError(.internalError, "a predicate's roles are not a JSON array: \(json)")
        }
        var roles: [String] = []
        roles.reserveCapacity(items.count)
        for item in items {
            guard case .string(let role) = item else {
                throw MnemoError(.internalError, "a predicate's roles are not all names: \(json)")
            }
            roles.append(role)
        }
        return roles
    }
}
