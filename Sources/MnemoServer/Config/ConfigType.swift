import Foundation
import MnemoIngest
import MnemoStore

/// How the text of one `daemon.conf` value becomes a value of type `Value`:
/// the type and bounds of a key in `DaemonConfig.table`.
///
/// A text that is not a value is refused with `ConfigKey.Site.invalid`, whose
/// message names `file:line`, the key, the text and what was expected. Every
/// numeric conversion is checked (`Units`, `init?(_:)`): a value past its
/// type's range is refused like any other bad value, never a trap.
struct ConfigType<Value: Sendable>: Sendable {
    let parse: @Sendable (ConfigKey.Site) throws(ConfigError) -> Value

    init(parse: @escaping @Sendable (ConfigKey.Site) throws(ConfigError) -> Value) {
        self.parse = parse
    }

    /// The value, or `expected` in the error when `read` finds none.
    static func checked(_ expected: String, _ read: @escaping @Sendable (String) -> Value?) -> ConfigType {
        ConfigType { site throws(ConfigError) in
            guard let value = read(site.value) else { throw site.invalid(expected) }
            return value
        }
    }

    /// The value, turned into what its field holds (the seconds of a duration, `nil` for 0).
    func map<T: Sendable>(_ transform: @escaping @Sendable (Value) -> T) -> ConfigType<T> {
        ConfigType<T> { site throws(ConfigError) in transform(try parse(site)) }
    }
}

extension ConfigType where Value: FixedWidthInteger {
    /// A whole number within `range`: "a whole number from 1 to 256".
    static func integer(_ range: ClosedRange<Value>) -> ConfigType {
        checked("a whole number from \(range.lowerBound) to \(range.upperBound)") { text in
            Value(text).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    /// A whole number of at least `range.lowerBound`: "a whole number ≥ 1".
    static func integer(_ range: PartialRangeFrom<Value>) -> ConfigType {
        checked("a whole number ≥ \(range.lowerBound)") { text in Value(text).flatMap { range.contains($0) ? $0 : nil } }
    }

    /// An octal number up to `maximum`, such as a file mode.
    static func octal(upTo maximum: Value, _ expected: String) -> ConfigType {
        checked(expected) { text in Value(text, radix: 8).flatMap { $0 <= maximum ? $0 : nil } }
    }
}

extension ConfigType where Value == Double {
    /// A number within `range`: "a number from 0 to 1".
    static func number(_ range: ClosedRange<Double>) -> ConfigType {
        func written(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x) }
        return checked("a number from \(written(range.lowerBound)) to \(written(range.upperBound))") { text in
            Double(text).flatMap { range.contains($0) ? $0 : nil }
        }
    }

    /// A number that `isValid` accepts, `expected` saying which.
    static func number(_ expected: String, where isValid: @escaping @Sendable (Double) -> Bool) -> ConfigType {
        checked(expected) { text in Double(text).flatMap { isValid($0) ? $0 : nil } }
    }
}

extension ConfigType where Value == Int {
    /// A size in bytes (`Units.bytes`: `64MB`, `1 kB`, `512`) that `isValid` accepts.
    static func size(_ expected: String, where isValid: @escaping @Sendable (Int) -> Bool) -> ConfigType {
        checked(expected) { text in Units.bytes(text).flatMap { isValid($0) ? $0 : nil } }
    }

    /// A size in bytes within `range`.
    static func size(_ range: some RangeExpression<Int> & Sendable, _ expected: String) -> ConfigType {
        size(expected) { range.contains($0) }
    }
}

extension ConfigType where Value == Duration {
    /// A duration (`Units.duration`: `30s`, `5min`, `0`), at most 100 years;
    /// zero refused when `positive`.
    static func duration(_ expected: String, positive: Bool = false) -> ConfigType {
        checked(expected) { text in Units.duration(text).flatMap { !positive || $0 > .zero ? $0 : nil } }
    }

    /// A duration from 0 to `maximum`.
    static func duration(_ expected: String, upTo maximum: Duration) -> ConfigType {
        checked(expected) { text in Units.duration(text).flatMap { $0 <= maximum ? $0 : nil } }
    }
}

extension ConfigType where Value == Bool {
    /// yes/true/on/1 or no/false/off/0, in any case.
    static var yesNo: ConfigType {
        checked("yes or no") { text in
            switch text.lowercased() {
            case "yes", "true", "on", "1": true
            case "no", "false", "off", "0": false
            default: nil
            }
        }
    }
}

extension ConfigType where Value == String {
    /// Any text, `isValid` deciding.
    static func text(_ expected: String, where isValid: @escaping @Sendable (String) -> Bool) -> ConfigType {
        checked(expected) { text in isValid(text) ? text : nil }
    }

    /// One of `choices`, in any case; the value is lowercased. "normal or full".
    static func oneOf(_ choices: [String]) -> ConfigType {
        checked(ConfigType.alternatives(choices)) { text in choices.contains(text.lowercased()) ? text.lowercased() : nil }
    }
}

extension ConfigType where Value: CaseIterable & RawRepresentable, Value.RawValue == String {
    /// One of the cases of `Value` by its raw value, in any case:
    /// "trace, debug, info, notice, warning, error or critical".
    static var cases: ConfigType {
        checked(alternatives(Value.allCases.map(\.rawValue))) { text in Value(rawValue: text.lowercased()) }
    }
}

extension ConfigType where Value == PrincipalSet {
    /// An access rule's list of users and groups; its error names the key and the
    /// unknown name ("read: unknown user "x"").
    static var principals: ConfigType {
        ConfigType { site throws(ConfigError) in
            do throws(PrincipalError) { return try PrincipalSet.parse(site.value) } catch {
                throw ConfigError(file: site.file, line: site.line, message: "\(site.key): \(error.message)")
            }
        }
    }
}

extension ConfigType where Value == ListenAddress? {
    /// `HOST:PORT` (`ListenAddress`), remembering the `file:line` it was read
    /// at; empty: `nil`, nothing to listen on.
    static var listenAddress: ConfigType {
        ConfigType { site throws(ConfigError) in
            if site.value.isEmpty { return nil }
            guard let address = ListenAddress(site.value, file: site.file, line: site.line) else {
                throw site.invalid("HOST:PORT, HOST an IPv4 address, an IPv6 address in brackets or localhost, PORT 1 to 65535, such as 127.0.0.1:9187")
            }
            return address
        }
    }
}

/// A rules file read: where it is, and its rules.
struct RulesFile: Sendable {
    var path: String
    var rules: ExtractionRules
}

extension ConfigType where Value == RulesFile {
    /// A file of extraction rules, relative to the configuration file unless
    /// absolute (or given by a flag), read at once: a bad rule is refused with
    /// the rules file's `file:line`.
    static var rulesFile: ConfigType {
        ConfigType { site throws(ConfigError) in
            guard !site.value.isEmpty else { throw site.invalid("a file of extraction rules") }
            let resolved =
                (site.value.hasPrefix("/") || site.file.hasPrefix("--"))
                ? site.value
                : ((site.file as NSString).deletingLastPathComponent as NSString).appendingPathComponent(site.value)
            do throws(ExtractionRules.LoadError) {
                return RulesFile(path: resolved, rules: try ExtractionRules.load(path: resolved))
            } catch {
                throw ConfigError(file: error.file, line: error.line, message: error.message)
            }
        }
    }
}

/// The access rule of one space: `space.<name>.read = …`.
struct SpaceRule: Sendable {
    var space: String
    var rule: PrincipalSet
}

extension ConfigType where Value == SpaceRule {
    /// The space the key names (`space.<name>.read`), which must be a valid
    /// space name, and the rule's list of users and groups.
    static var spaceRule: ConfigType {
        ConfigType { site throws(ConfigError) in
            let name = String(site.key.split(separator: ".", omittingEmptySubsequences: false)[1])
            guard let space = try? SpaceManager.validate(name) else {
                throw ConfigError(file: site.file, line: site.line, message: "invalid space name \"\(name)\" in \(site.key)")
            }
            return SpaceRule(space: space, rule: try ConfigType<PrincipalSet>.principals.parse(site))
        }
    }
}

extension ConfigType {
    /// "a, b or c".
    static func alternatives(_ choices: [String]) -> String {
        choices.count < 2 ? choices.joined() : choices.dropLast().joined(separator: ", ") + " or " + choices.last!
    }
}
