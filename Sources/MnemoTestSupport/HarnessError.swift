/// A daemon that would not start or answer, or anything else a test or
/// benchmark harness cannot go on without; the description says what, with
/// the daemon's log where there is one.
public struct HarnessError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
