import Foundation
import Testing

@testable import MnemoServer

/// Hostile values in `daemon.conf`: each is refused with `file:line`, none traps.
@Suite("configuration values past their type's range")
struct ConfigValueTests {
    /// Applies one `key = value` as line 7 of a file named `test.conf`.
    func apply(_ key: String, _ value: String) throws(ConfigError) -> DaemonConfig {
        var config = DaemonConfig()
        try config.apply(key: key, value: value, file: "test.conf", line: 7)
        return config
    }

    @Test(
        "sizes from 2^63 bytes up are refused, not converted",
        arguments: [
            "8388608TB", "8388608 TB", "9223372036854775808", "99999999999999999999999", "1e30TB",
            "1.7976931348623157e308", "nanMB", "-1MB", "½MB", "٣MB",
        ])
    func hugeSizes(_ value: String) {
        #expect(Units.bytes(value) == nil)
        #expect(throws: ConfigError.self) { try apply("max_line", value) }
        #expect(throws: ConfigError.self) { try apply("cache_size", value) }
    }

    @Test("a size just below 2^63 bytes converts exactly")
    func largestSize() {
        #expect(Units.bytes("8388607TB") == 8_388_607 << 40)
        #expect(Units.bytes("1.5kB") == 1536)
    }

    @Test("max_line is bounded by 1GB, whose limit + 1 cannot overflow the frame decoder")
    func maxLineBound() throws {
        #expect(try apply("max_line", "1GB").maxLine == 1 << 30)
        let error = try #require(throws: ConfigError.self) { try apply("max_line", "2GB") }
        #expect(error.description.hasPrefix("test.conf:7: invalid value for max_line"))
    }

    @Test(
        "durations past 100 years are refused, not converted to microseconds",
        arguments: [
            "request_timeout", "idle_timeout", "scene_gap", "consolidate_interval", "archive_min_age", "scene_idle",
            "reflector_timeout",
        ])
    func hugeDurations(_ key: String) throws {
        for value in ["99999999999999999999d", "1e300d", "106751992d", "36525.1d", "9223372036854775807", "3200000000"] {
            let error = try #require(throws: ConfigError.self, "\(key) = \(value)") { try apply(key, value) }
            #expect(error.description.hasPrefix("test.conf:7: invalid value for \(key)"), "\(error)")
        }
        // 100 years exactly is accepted.
        _ = try apply(key, "36525d")
    }

    @Test("the largest durations leave the consolidation cut-offs within Int64")
    func cutOffsStayInRange() throws {
        let config = try apply("archive_min_age", "36525d")
        let seconds = config.consolidationSettings.archiveMinAgeSeconds
        #expect(seconds == 36_525 * 86_400)
        // What DecayArchive and Scenes compute from it, on a clock far in the future.
        let (_, overflow) = (Int64(253_402_300_799_000_000)).subtractingReportingOverflow(seconds * 1_000_000)
        #expect(!overflow)
    }

    @Test("every key takes hostile values without trapping: a value is applied or refused with file:line")
    func everyKeyHostileValues() throws {
        let values = [
            "", " ", "0", "-0", "-1", "1e400", "nan", "inf", "-inf", "NaN", "99999999999999999999", "9223372036854775808",
            "18446744073709551616", "8388608TB", "99999999999999999999TB", "99999999999999999999d", "1e300d", "0.0000001us",
            "1.5.5", "..", ".", "0x10", "0777777777777", "٣", "½", "\u{0}", "\u{FEFF}1", "1 2", "'", "yes", "@", "@99999999999",
            "4294967296", "-4294967297", String(repeating: "9", count: 400), String(repeating: "a", count: 5000),
        ]
        let keys =
            DaemonConfig.keys.filter { !["rules_file", "space.<name>.read", "space.<name>.write"].contains($0) }
            + ["space.x.read", "space.x.write", "space..read", "space.\u{0}.write"]
        for key in keys {
            for value in values {
                var config = DaemonConfig()
                do {
                    try config.apply(key: key, value: value, file: "test.conf", line: 3)
                } catch {
                    #expect(error.description.hasPrefix("test.conf:3: "), "\(key) = \(value): \(error)")
                }
            }
        }
    }

    @Test("fractions of a microsecond are dropped, whole ones kept")
    func durationPrecision() {
        #expect(Units.duration("1.5us") == .microseconds(1))
        #expect(Units.duration("500ms") == .milliseconds(500))
        #expect(Units.duration("0") == .zero)
    }
}
