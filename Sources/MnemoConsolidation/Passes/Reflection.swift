import Foundation
import MnemoModel
import MnemoStore

/// Pass 7 (optional): closed scenes not yet reflected upon are sent, a batch
/// at a time, to the reflector command (docs/reflector.md), before the pass's
/// transaction begins, so a slow command never holds up client writes. The summaries it
/// returns go to the scene's `reflection`; the facts are asserted with
/// origin `reflector`, in their scene, with the episodes it names as sources.
/// A batch that fails (the command cannot start, exits non-zero, times out,
/// answers bad JSON) is logged and skipped; its scenes are offered again on
/// the next run, and the rest of the run completes.
final class Reflection: ConsolidationPass {
    let name = "reflector"

    /// The answers gathered by `prepare`, with the scenes each batch offered.
    private var answers: [(batch: [Int64], answer: [String: Any])] = []
    private var failedBatches = 0

    /// Calls the reflector, a batch of scenes at a time, outside any transaction.
    func prepare(_ store: MemoryStore, settings: ConsolidationSettings) throws -> [String] {
        answers = []
        failedBatches = 0
        guard let command = settings.reflector, !command.isEmpty else { return [] }
        let hook = ReflectorHook(command: command, timeout: settings.reflectorTimeoutSeconds)
        let pending = try store.read { r in try r.scenesAwaitingReflection() }
        var warnings: [String] = []
        var start = 0
        while start < pending.count {
            let batch = Array(pending[start..<min(start + max(settings.reflectorBatch, 1), pending.count)])
            start += batch.count
            let request = try store.read { r in try self.request(batch, r) }
            do {
                let data = try hook.call(request)
                guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                    throw ReflectorHook.Failure.badJSON("the answer must be one JSON object")
                }
                answers.append((batch, object))
            } catch {
                warnings.append("reflector for scenes \(batch.map { "s:\($0)" }.joined(separator: ", ")) \(error)")
                failedBatches += 1
            }
        }
        return warnings
    }

    func run(_ context: PassContext) throws {
        context.count("failed_batches", failedBatches)
        for (batch, answer) in answers {
            try context.checkCancelled()
            do {
                try context.write.savepoint { try store(answer, batch: batch, context) }
            } catch let lost as TransactionLost {
                throw lost // the pass's transaction is gone (a full disk): the pass fails
            } catch {
                context.warn("reflector answer for scenes \(batch.map { "s:\($0)" }.joined(separator: ", ")) not stored: \(error)")
                context.count("failed_batches")
            }
        }
        answers = []
    }

    /// The reflector's request for `scenes` (docs/reflector.md): each scene
    /// with its participants and episodes.
    private func request(_ scenes: [Int64], _ read: ReadContext) throws -> Data {
        var items: [JSONValue] = []
        for id in scenes {
            guard let scene = try read.scene(id: id) else { continue }
            let episodes = try read.lines(ofScene: id).map { line -> JSONValue in
                .sortedObject([
                    "id": "e:\(line.id)", "ref": .string(line.ref), "speaker": .string(line.speaker),
                    "at": .string(line.at.iso8601), "text": .string(line.text),
                ])
            }
            items.append(
                .sortedObject([
                    "id": "s:\(id)", "title": .string(scene.title), "from": .string(scene.span.from?.iso8601),
                    "to": .string(scene.span.to?.iso8601), "summary": .string(scene.summary),
                    "participants": .array(scene.participants.map { .string($0) }), "episodes": .array(episodes),
                ]))
        }
        return Data(JSONValue.sortedObject(["version": 1, "scenes": .array(items)]).serialized.utf8)
    }

    private func store(_ answer: [String: Any], batch: [Int64], _ context: PassContext) throws {
        let offered = Set(batch)
        var reflected: [Int64: String] = [:]
        for item in answer["summaries"] as? [[String: Any]] ?? [] {
            guard let scene = Self.id(item["scene"], "s"), offered.contains(scene), let text = item["text"] as? String else {
                throw MnemoError(.invalid, "a summary needs \"scene\" (one of the scenes sent) and \"text\"")
            }
            // SQLite would hand the text back cut at a NUL, as the query language refuses it too.
            guard !text.unicodeScalars.contains("\0") else { throw MnemoError(.invalid, "a summary's text cannot contain U+0000 (NUL)") }
            reflected[scene] = text
        }
        for item in answer["facts"] as? [[String: Any]] ?? [] {
            guard let predicate = item["predicate"] as? String, !predicate.isEmpty else { throw MnemoError(.invalid, "a fact needs \"predicate\"") }
            guard !predicate.unicodeScalars.contains("\0"), !(item["roles"] as? [String: Any] ?? [:]).keys.contains(where: { $0.unicodeScalars.contains("\0") })
            else { throw MnemoError(.invalid, "a predicate or role cannot contain U+0000 (NUL)") }
            var arguments: [Argument] = []
            if let args = item["args"] as? [Any] {
                arguments = try args.map { Argument(try Self.filler($0)) }
            } else if let roles = item["roles"] as? [String: Any] {
                arguments = try roles.keys.sorted().map { Argument(try Self.filler(roles[$0]!), role: $0) }
            }
            guard !arguments.isEmpty else { throw MnemoError(.invalid, "fact \(predicate) needs \"args\" or \"roles\"") }
            let scene = Self.id(item["scene"], "s").flatMap { offered.contains($0) ? $0 : nil }
            let sources = (item["sources"] as? [Any] ?? []).compactMap { Self.id($0, "e") }
            let known = try sources.filter { try context.read.exists(.episode, $0) }
            let outcome = try context.write.assert(
                FactAssertion(
                    predicate, arguments, confidence: item["confidence"] as? Double ?? 0.5,
                    sources: known, origin: "reflector"))
            if let scene { try context.write.placeFact(outcome.factID, inScene: scene) }
            if outcome.created { context.count("facts") }
        }
        // A scene offered and answered without a summary is marked reflected (empty), so it is not sent again.
        for scene in batch {
            try context.write.setSceneReflection(reflected[scene] ?? "", ofScene: scene)
        }
        context.count("summaries", reflected.count)
        context.count("scenes_sent", batch.count)
    }

    static func id(_ value: Any?, _ letter: Character) -> Int64? {
        guard let text = value as? String, let id = NodeID(text), id.kind.rawValue == letter else { return nil }
        return id.number
    }

    static func filler(_ value: Any) throws -> Filler {
        switch value {
        case let s as String:
            guard !s.unicodeScalars.contains("\0") else { throw MnemoError(.invalid, "a name cannot contain U+0000 (NUL)") }
            return .entity(s)
        case let n as NSNumber: return .literal(.number(n.doubleValue))
        case let o as [String: Any]:
            if let t = o["text"] as? String {
                guard !t.unicodeScalars.contains("\0") else { throw MnemoError(.invalid, "a text cannot contain U+0000 (NUL)") }
                return .literal(.text(t))
            }
            if let t = o["time"] as? String, let time = Timestamp(iso8601: t) { return .literal(.time(time)) }
            throw MnemoError(.invalid, "a filler object is {\"text\": ...} or {\"time\": ...}")
        case let list as [Any]: return .list(try list.map(filler))
        default: throw MnemoError(.invalid, "a filler is a name, a number, {\"text\": ...}, {\"time\": ...} or a list")
        }
    }
}
