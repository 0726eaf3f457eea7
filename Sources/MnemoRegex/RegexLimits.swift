import CPCRE2
import Synchronization

/// How much work one match may do before PCRE2 gives up on it.
///
/// A pattern such as `(a+)+$` against a long run of `a`s backtracks
/// exponentially; without a limit one `where ?x ~ /…/` would hold a worker
/// for hours, and an extraction rule or a built-in temporal pattern would do
/// the same on a hostile text. Every match in the process runs under these
/// limits (daemon.conf `regex_match_limit` and `regex_depth_limit`); a match
/// that reaches one fails with PCRE2's `match limit exceeded` or `depth limit
/// exceeded`, which queries report as an error and extraction treats as no
/// match.
public struct RegexLimits: Sendable, Hashable {
    /// The most times PCRE2's internal match function may be called (or, with
    /// JIT, the equivalent count) in one match attempt: PCRE2's `match_limit`.
    public var match: UInt32
    /// The deepest backtracking nesting of the interpreter: PCRE2's
    /// `depth_limit` (JIT-compiled patterns are bounded by their stack instead).
    public var depth: UInt32

    /// A million steps is a few tens of milliseconds at worst, far above
    /// what any sensible pattern needs on a stored value.
    public init(match: UInt32 = 1_000_000, depth: UInt32 = 10_000) {
        self.match = match
        self.depth = depth
    }

    /// The limits every match runs under from now on.
    public static var current: RegexLimits {
        get { MatchContext.current.withLock { $0.limits } }
        set { MatchContext.current.withLock { $0 = MatchContext(newValue) } }
    }
}

/// A PCRE2 match context holding the limits. PCRE2 only reads a match context
/// while matching, so one is shared by every thread; a new one replaces it
/// when the limits change, and a match in progress keeps the old one alive.
final class MatchContext: @unchecked Sendable {
    let limits: RegexLimits
    /// `nil` only if PCRE2 could not allocate it (then PCRE2's defaults apply).
    let pointer: OpaquePointer?

    init(_ limits: RegexLimits) {
        self.limits = limits
        pointer = pcre2_match_context_create_8(nil)
        if let pointer {
            pcre2_set_match_limit_8(pointer, limits.match)
            pcre2_set_depth_limit_8(pointer, limits.depth)
        }
    }

    deinit {
        if let pointer { pcre2_match_context_free_8(pointer) }
    }

    static let current = Mutex(MatchContext(RegexLimits()))

    /// The context in force now, kept alive by the caller for its match.
    static var inForce: MatchContext { current.withLock { $0 } }
}
