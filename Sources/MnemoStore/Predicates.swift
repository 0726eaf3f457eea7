import Foundation
import GRDB
import MnemoModel

extension WriteContext {
    /// Declares a predicate's role names and whether it is functional (one
    /// value per subject at a time; the subject is the first role). Declaring
    /// again replaces the declaration; facts already stored keep their roles
    /// and are not re-ordered.
    @discardableResult
    public func declare(_ declaration: PredicateDeclaration) throws -> Int64 {
        let name = Name.normalize(declaration.name)
        try PredicateRules.validate(name: name)
        if let roles = declaration.roles {
            guard !roles.isEmpty else { throw MnemoError(.invalid, "\(name) needs at least one role") }
            var seen = Set<String>()
            for role in roles where !seen.insert(role).inserted {
                throw MnemoError(.invalid, "\(name) declares the role \"\(role)\" twice")
            }
        }
        if declaration.functional && (declaration.roles?.count ?? 2) < 2 {
            throw MnemoError(.invalid, "a functional predicate needs a subject and a value: at least two roles")
        }
        let rolesJSON = declaration.roles.map(PredicateRoles.encode)
        try db.execute(
            sql: """
                INSERT INTO predicate(name, roles, functional, declared_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET roles = excluded.roles, functional = excluded.functional,
                    declared_at = excluded.declared_at
                """, arguments: [name, rolesJSON, declaration.functional, now.microseconds])
        let id = try Int64.fetchOne(db, sql: "SELECT id FROM predicate WHERE name = ?", arguments: [name])!
        cache.setPredicate(name, .init(id: id, roles: declaration.roles, functional: declaration.functional))
        return id
    }

    /// The predicate's id and declaration, creating an undeclared predicate on
    /// first use.
    func predicateInfo(_ name: String) throws -> WriterCache.PredicateInfo {
        if let info = cache.predicate(name) { return info }
        if let info = try reader.predicateInfo(name) {
            cache.setPredicate(name, info)
            return info
        }
        try PredicateRules.validate(name: name)
        try db.execute(sql: "INSERT INTO predicate(name) VALUES (?)", arguments: [name])
        let info = WriterCache.PredicateInfo(id: db.lastInsertedRowID, roles: nil, functional: false)
        cache.setPredicate(name, info)
        return info
    }
}

extension ReadContext {
    func predicateInfo(_ name: String) throws -> WriterCache.PredicateInfo? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, roles, functional FROM predicate WHERE name = ?"), arguments: [name])
        else { return nil }
        let rolesJSON: String? = row[1]
        let roles = try rolesJSON.map(PredicateRoles.decode)
        return .init(id: row[0], roles: roles, functional: row[2])
    }

    /// A predicate's declaration; `nil` if it was never declared nor used.
    public func declaration(of predicate: String) throws -> PredicateDeclaration? {
        let name = Name.normalize(predicate)
        return try predicateInfo(name).map { PredicateDeclaration(name: name, roles: $0.roles, functional: $0.functional) }
    }

    /// Every predicate known to the space, by name.
    public func declarations() throws -> [PredicateDeclaration] {
        try String.fetchAll(db, sql: "SELECT name FROM predicate ORDER BY name").compactMap { try declaration(of: $0) }
    }
}

/// How written arguments map to a predicate's argument positions and role names.
enum PredicateRules {
    static func validate(name: String) throws {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" || $0 == "." }),
            !(name.first?.isNumber ?? true)
        else { throw MnemoError(.invalid, "\"\(name)\" is not a valid predicate name (letters, digits, _ - . ; not starting with a digit)") }
    }

    /// The role name of the argument at `position` when it was written positionally.
    static func positionalRole(_ position: Int, roles: [String]?) -> String {
        if let roles, position < roles.count { return roles[position] }
        return position < positionalNames.count ? positionalNames[position] : "_\(position + 1)"
    }

    /// `_1`, `_2`, ...: made once rather than for every assertion.
    private static let positionalNames = (1...16).map { "_\($0)" }

    /// Assigns each written argument its position and role name. Positional
    /// arguments come first; a named argument takes the position of its
    /// declared role, or the next free one when the predicate is undeclared.
    static func place(_ arguments: [Argument], predicate: String, roles: [String]?) throws -> [(position: Int, role: String, filler: Filler)] {
        var placed: [(position: Int, role: String, filler: Filler)] = []
        placed.reserveCapacity(arguments.count)
        // Facts have a handful of arguments: a linear search beats hashing.
        var usedRoles: [String] = []
        usedRoles.reserveCapacity(arguments.count)
        var sawNamed = false
        for (index, argument) in arguments.enumerated() {
            if let role = argument.role {
                sawNamed = true
                let position: Int
                if let roles {
                    guard let declared = roles.firstIndex(of: role) else {
                        throw MnemoError(.invalid, "\(predicate) has no role \"\(role)\" (declared: \(roles.joined(separator: ", ")))")
                    }
                    position = declared
                } else {
                    position = index
                }
                guard !usedRoles.contains(role) else {
                    throw MnemoError(.invalid, "\(predicate): role \"\(role)\" is given twice")
                }
                usedRoles.append(role)
                placed.append((position, role, argument.filler))
            } else {
                guard !sawNamed else {
                    throw MnemoError(.invalid, "\(predicate): a positional argument cannot follow a named one")
                }
                if let roles, index >= roles.count {
                    throw MnemoError(
                        .invalid,
                        "\(predicate) takes \(roles.count) argument\(roles.count == 1 ? "" : "s") (\(roles.joined(separator: ", "))), got \(arguments.count)")
                }
                let role = positionalRole(index, roles: roles)
                usedRoles.append(role)
                placed.append((index, role, argument.filler))
            }
        }
        guard !placed.isEmpty else { throw MnemoError(.invalid, "\(predicate) needs at least one argument") }
        placed.sort { $0.position < $1.position }
        for (a, b) in zip(placed, placed.dropFirst()) where a.position == b.position {
            throw MnemoError(.invalid, "\(predicate): two arguments for the role \"\(b.role)\"")
        }
        return placed
    }
}
