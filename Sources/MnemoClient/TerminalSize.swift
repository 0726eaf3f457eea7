#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How wide the terminal the answers are written to is, in columns.
public enum TerminalSize {
    /// The fallback when neither a terminal nor `COLUMNS` says.
    public static let defaultColumns = 80

    /// The width of the first of standard output, standard error and
    /// standard input that is a terminal (`TIOCGWINSZ`; asked each time, so a
    /// resized window is followed), else `$COLUMNS` when it is a positive
    /// number, else 80.
    public static func columns(environment: [String: String]) -> Int {
        for descriptor in [STDOUT_FILENO, STDERR_FILENO, STDIN_FILENO] {
            if let columns = columns(of: descriptor) { return columns }
        }
        if let text = environment["COLUMNS"], let columns = Int(text), columns > 0 {
            return columns
        }
        return defaultColumns
    }

    /// The width of the terminal `descriptor` is open on; nil when it is not
    /// a terminal or its size is unknown (0, as a fresh pseudo-terminal says).
    public static func columns(of descriptor: Int32) -> Int? {
        guard isatty(descriptor) == 1 else { return nil }
        var size = winsize()
        #if os(Linux)
        let request = UInt(TIOCGWINSZ)
        #else
        let request: UInt = 0x4008_7468
        #endif
        guard ioctl(descriptor, request, &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
