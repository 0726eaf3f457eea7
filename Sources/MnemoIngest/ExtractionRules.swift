import Foundation
import MnemoModel
import MnemoRegex

/// User extraction rules: each a PCRE2 pattern with named groups and a fact
/// template, one per line of a rules file (named by `rules_file` in daemon.conf):
///
///     # comment
///     (?<s>\p{Lu}\w+) (?:works|worked) (?:at|for) (?<o>\p{Lu}\w+)  =>  works_at(s, o)
///     (?i)my (?<rel>sister|brother) (?<n>\p{Lu}\w+)                =>  sibling(@speaker, n, kind: #rel)
///
/// In a template, a bare word is a named group whose text becomes an entity,
/// `#group` its text as a text literal, `@speaker` the episode's speaker, and
/// `"text"` or a number a literal. Roles are positional or `role: value`.
public struct ExtractionRules: Sendable {
    public struct Rule: Sendable {
        public var pattern: RegexPattern
        public var predicate: String
        public var arguments: [(role: String?, value: TemplateValue)]
        public var line: Int
    }

    public enum TemplateValue: Sendable, Hashable {
        case group(String)
        case groupText(String)
        case speaker
        case literal(Literal)
    }

    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public var file: String
        public var line: Int
        public var message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    public var rules: [Rule]

    public init(rules: [Rule] = []) { self.rules = rules }

    /// Reads a rules file; the first bad line stops it with `file:line` and the reason.
    public static func load(path: String) throws(LoadError) -> ExtractionRules {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw LoadError(file: path, line: 0, message: "cannot read the rules file")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(LoadError) -> ExtractionRules {
        var rules: [Rule] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = offset + 1
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let arrow = trimmed.range(of: "=>", options: .backwards) else {
                throw LoadError(file: file, line: line, message: "expected 'PATTERN => predicate(args)'")
            }
            let source = trimmed[..<arrow.lowerBound].trimmingCharacters(in: .whitespaces)
            let template = trimmed[arrow.upperBound...].trimmingCharacters(in: .whitespaces)
            let pattern: RegexPattern
            do {
                pattern = try RegexPattern(source, flags: "u")
            } catch {
                throw LoadError(file: file, line: line, message: "bad pattern: \(error.message)" + (error.offset.map { " at offset \($0)" } ?? ""))
            }
            let (predicate, arguments) = try parseTemplate(template, file: file, line: line)
            for argument in arguments {
                switch argument.value {
                case .group(let g), .groupText(let g):
                    guard pattern.names.contains(g) else {
                        throw LoadError(
                            file: file, line: line,
                            message: "the template uses '\(g)', which is not a named group of the pattern (groups: \(pattern.names.joined(separator: ", ")))")
                    }
                default: break
                }
            }
            rules.append(Rule(pattern: pattern, predicate: predicate, arguments: arguments, line: line))
        }
        return ExtractionRules(rules: rules)
    }

    static func parseTemplate(_ text: String, file: String, line: Int) throws(LoadError) -> (String, [(role: String?, value: TemplateValue)]) {
        func fail(_ message: String) -> LoadError { LoadError(file: file, line: line, message: message) }
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else { throw fail("expected a template such as works_at(s, o)") }
        let predicate = text[..<open].trimmingCharacters(in: .whitespaces)
        guard !predicate.isEmpty, predicate.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw fail("invalid predicate name '\(predicate)'")
        }
        let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
        var arguments: [(role: String?, value: TemplateValue)] = []
        for piece in inner.split(separator: ",") {
            var part = piece.trimmingCharacters(in: .whitespaces)
            var role: String?
            if let colon = part.firstIndex(of: ":"), !part.hasPrefix("\"") {
                role = part[..<colon].trimmingCharacters(in: .whitespaces)
                part = part[part.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let value: TemplateValue
            if part == "@speaker" {
                value = .speaker
            } else if part.hasPrefix("#") {
                value = .groupText(String(part.dropFirst()))
            } else if part.hasPrefix("\""), part.hasSuffix("\""), part.count >= 2 {
                value = .literal(.text(String(part.dropFirst().dropLast())))
            } else if let n = Double(part) {
                value = .literal(.number(n))
            } else if !part.isEmpty, part.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                value = .group(part)
            } else {
                throw fail("cannot read template argument '\(part)'")
            }
            arguments.append((role, value))
        }
        guard !arguments.isEmpty else { throw fail("the template needs at least one argument") }
        return (predicate, arguments)
    }

    /// A fact a rule found: predicate and arguments ready to assert.
    public struct Found: Hashable, Sendable {
        public var predicate: String
        public var arguments: [Argument]
        public var line: Int
    }

    /// Every fact the rules find in a text.
    public func apply(to text: String, speaker: String?) -> [Found] {
        var found: [Found] = []
        for rule in rules {
            for match in rule.pattern.matches(in: text) {
                var arguments: [Argument] = []
                var complete = true
                for (role, value) in rule.arguments {
                    let filler: Filler?
                    switch value {
                    case .group(let g): filler = match[g].map { .entity(EntityExtractor.stripPossessive($0)) }
                    case .groupText(let g): filler = match[g].map { .literal(.text($0)) }
                    case .speaker: filler = speaker.map { .entity($0) }
                    case .literal(let l): filler = .literal(l)
                    }
                    guard let filler else {
                        complete = false
                        break
                    }
                    arguments.append(Argument(filler, role: role))
                }
                if complete {
                    let fact = Found(predicate: rule.predicate, arguments: arguments, line: rule.line)
                    if !found.contains(fact) { found.append(fact) }
                }
            }
        }
        return found
    }
}
