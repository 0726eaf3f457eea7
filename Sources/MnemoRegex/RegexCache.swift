import Synchronization

/// A bounded, thread-safe cache of compiled patterns keyed by pattern and
/// flags, so that a filter such as `where ?x ~ /re/i` that recurs across
/// queries is compiled (and JIT compiled) once.
///
/// Patterns are shared between callers, which `RegexPattern` allows. When the
/// cache is full the entry that was added first is dropped (FIFO: a hit does
/// not renew an entry); anyone still holding that pattern keeps it alive.
/// Compilation runs outside the lock, so a slow compile does not hold up other
/// lookups; if two callers race to add the same key, both get the instance
/// that was stored first. Failed compilations are not cached.
///
/// `Mutex` makes the class `Sendable` without `@unchecked`. It requires
/// macOS 15 (the package declares macOS 14), which is fine on Linux, where
/// Mnemo runs.
public final class RegexCache: Sendable {
    /// Pattern text and flag letters: the same pattern with other flags is
    /// another compiled program.
    struct Key: Hashable {
        var pattern: String
        var flags: String
    }

    struct State {
        var entries: [Key: RegexPattern] = [:]
        /// Keys in insertion order, used as a ring once the cache is full.
        var order: [Key] = []
        /// The slot in `order` holding the oldest key once the cache is full.
        var oldest = 0
    }

    /// The most patterns kept at once.
    public let capacity: Int
    private let state = Mutex(State())

    /// A cache holding at most `capacity` patterns (at least one).
    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
    }

    /// The compiled pattern for `pattern` and `flags`, compiling and storing
    /// it on first use. Throws as `RegexPattern.init` does.
    public func pattern(_ pattern: String, flags: String = "") throws(RegexError) -> RegexPattern {
        let key = Key(pattern: pattern, flags: flags)
        if let cached = state.withLock({ $0.entries[key] }) { return cached }
        let compiled = try RegexPattern(pattern, flags: flags)
        return state.withLock { state in
            if let raced = state.entries[key] { return raced }
            if state.order.count < capacity {
                state.order.append(key)
            } else {
                state.entries[state.order[state.oldest]] = nil
                state.order[state.oldest] = key
                state.oldest = (state.oldest + 1) % capacity
            }
            state.entries[key] = compiled
            return compiled
        }
    }

    /// The number of patterns held now.
    public var count: Int { state.withLock { $0.entries.count } }

    /// Drops every pattern.
    public func removeAll() {
        state.withLock { $0 = State() }
    }
}
