import Foundation
import MnemoModel
import Synchronization

/// The named spaces of a data directory: separate memories, one SQLite file
/// each (`<data-dir>/spaces/<name>.sqlite`), opened on first use and kept open.
public final class SpaceManager: Sendable {
    /// The data directory.
    public let directory: String
    private let options: Mutex<StoreOptions>
    private let open = Mutex<[String: MemoryStore]>([:])
    /// Held while a replica is opened (`replica(_:file:create:shared:)`).
    private let openingReplicas = Mutex(())
    private let opened: @Sendable (MemoryStore) -> Void
    /// The database of `storage = postgresql`; `nil`: each space is a file
    /// of its own here. With it, a space's file (in `replicas/` rather than
    /// `spaces/`) is this daemon's replica of the space shared there.
    public let shared: PostgresStorage?

    /// The space a connection starts in.
    public static let defaultSpace = "default"

    /// - Parameter opened: runs on each store as it opens, before anyone uses
    ///   it (the daemon closes the journal entries of consolidation runs that
    ///   a crash left `running`).
    ///
    /// Backups and dry runs make their scratch files in `<data-dir>/scratch`;
    /// what a crash left there is removed here.
    public init(
        directory: String, options: StoreOptions = StoreOptions(), shared: PostgresStorage? = nil,
        opened: @escaping @Sendable (MemoryStore) -> Void = { _ in }
    ) throws(MnemoError) {
        self.directory = directory
        self.shared = shared
        var options = options
        options.scratchDirectory = directory + "/scratch"
        self.options = Mutex(options)
        self.opened = opened
        for sub in [shared == nil ? "spaces" : "replicas", "scratch"] {
            do {
                try FileManager.default.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true)
            } catch {
                throw MnemoError(.internalError, "cannot create \(directory)/\(sub): \(error.localizedDescription)")
            }
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory + "/scratch")) ?? [] {
            unlink(directory + "/scratch/" + name)
        }
        if let shared {
            // Every replica open follows the others' commits as they are heard of, read or not.
            shared.onChange { [weak self] space in
                // Called on an event loop, which must never wait: the look-up runs elsewhere.
                DispatchQueue.global().async { [weak self] in
                    let store = self?.open.withLock { stores in stores.values.first { $0.replica?.space == space } }
                    store?.catchUpSoon()
                }
            }
            // The replicas this daemon kept: brought up to date now, so that
            // none holds for long what another daemon's forget took away.
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/replicas")) ?? []
            for file in files where file.hasSuffix(".sqlite") {
                do throws(MnemoError) {
                    _ = try store(String(file.dropLast(7)), create: false)
                } catch {
                    MemoryStore.log.warning("\(directory)/replicas/\(file) could not be brought up to date: \(error.code.rawValue) \(error.message)")
                }
            }
        }
    }

    /// Checks a space name: 1 to 64 of letters, digits, `.`, `_`, `-`, starting
    /// with a letter or digit. Names compare without case.
    public static func validate(_ name: String) throws(MnemoError) -> String {
        let lower = name.lowercased()
        let allowed = lower.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "_" || $0 == "-" }
        guard (1...64).contains(lower.count), allowed, let first = lower.unicodeScalars.first,
            ("a"..."z").contains(first) || ("0"..."9").contains(first)
        else {
            throw MnemoError(.invalid, "invalid space name \"\(name)\": use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        return lower
    }

    /// The file that holds a space.
    public func path(of space: String) throws(MnemoError) -> String {
        "\(directory)/\(shared == nil ? "spaces" : "replicas")/\(try Self.validate(space)).sqlite"
    }

    /// Whether the space exists on disk.
    public func exists(_ space: String) throws(MnemoError) -> Bool {
        if let shared { return try shared.exists(try Self.validate(space)) }
        return FileManager.default.fileExists(atPath: try path(of: space))
    }

    /// The store of a space, opening it if needed. A space that does not exist
    /// is created when `create` is true, else it is `NOT_FOUND`.
    public func store(_ space: String, create: Bool) throws(MnemoError) -> MemoryStore {
        let name = try Self.validate(space)
        let file = try path(of: name)
        if let shared { return try replica(name, file: file, create: create, shared: shared) }
        return try open.withLock { stores throws(MnemoError) -> MemoryStore in
            if let store = stores[name] { return store }
            guard create || FileManager.default.fileExists(atPath: file) else {
                throw MnemoError(.notFound, "no space \"\(name)\"")
            }
            let store = try MemoryStore(path: file, options: options.withLock { $0 })
            opened(store)
            stores[name] = store
            return store
        }
    }

    /// This daemon's replica of the shared space `name`, opened if it is not
    /// yet (`openReplica`). Replicas are opened one at a time, under a lock
    /// of their own: `open`, which the change feed's look-ups take, is never
    /// held while the database is asked anything.
    private func replica(_ name: String, file: String, create: Bool, shared: PostgresStorage) throws(MnemoError) -> MemoryStore {
        if let store = open.withLock({ $0[name] }) { return store }
        return try openingReplicas.withLock { _ throws(MnemoError) -> MemoryStore in
            if let store = open.withLock({ $0[name] }) { return store }
            let store = try openReplica(name, file: file, create: create, shared: shared)
            open.withLock { $0[name] = store }
            return store
        }
    }

    /// Opens this daemon's replica of the shared space `name` (made in the
    /// database if `create`), caught up with every change committed there (a
    /// cold one with the whole log). A replica file of another space of that
    /// name (the database was made anew) is only a copy: it is deleted and
    /// made again from the log.
    private func openReplica(_ name: String, file: String, create: Bool, shared: PostgresStorage) throws(MnemoError) -> MemoryStore {
        let known = create ? true : try shared.exists(name)
        guard known else { throw MnemoError(.notFound, "no space \"\(name)\"") }
        var options = options.withLock { $0 }
        options.replica = try shared.replica(name)
        let store: MemoryStore
        do {
            store = try MemoryStore(path: file, options: options)
        } catch  where error.code == .conflict && error.message.contains("is a replica of another space") {
            for suffix in ["", "-wal", "-shm"] { unlink(file + suffix) }
            store = try MemoryStore(path: file, options: options)
        }
        // Caught up first: what `opened` reads (runs left running) must be the space's as it is.
        try store.catchUp(asking: true)
        opened(store)
        return store
    }

    /// Changes how large each space's file may grow (`StoreOptions.maxSizeBytes`),
    /// for the open spaces at once and for those opened later. Returns the
    /// spaces it could not be applied to, with why (their limit is unchanged).
    public func limitSize(to bytes: Int?) -> [(space: String, error: MnemoError)] {
        options.withLock { $0.maxSizeBytes = bytes }
        let stores = open.withLock { $0 }
        var failed: [(String, MnemoError)] = []
        for (name, store) in stores.sorted(by: { $0.key < $1.key }) {
            do { try store.limitSize(to: bytes) } catch { failed.append((name, error)) }
        }
        return failed
    }

    /// The spaces on disk, by name; with `shared`, those in the database
    /// (or, while it cannot be reached, those this daemon has a replica of).
    public func spaceNames() -> [String] {
        if let shared, let names = try? shared.spaceNames() { return names }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory + (shared == nil ? "/spaces" : "/replicas"))) ?? []
        return files.filter { $0.hasSuffix(".sqlite") }.map { String($0.dropLast(7)) }.sorted()
    }
}
