import Foundation
import MnemoModel
import MnemoTestSupport

/// Writes a space as a file in the export format (docs/export-import.md,
/// version 1.0) for `import from`: the way a benchmark builds a large space
/// through the daemon, one write transaction, with ids of its choosing.
///
/// The header comes first and states how many records of each kind follow;
/// `finish()` checks that exactly those were written (the import would refuse
/// the file otherwise). Times are written as integer microseconds since 1970,
/// which an import accepts for any time.
final class ExportFileWriter {
    /// Records of each kind the file holds, as the header counts them.
    struct Counts: Equatable {
        var predicates = 0
        var entities = 0
        var scenes = 0
        var episodes = 0
        var facts = 0
        var personas = 0
    }

    /// A filler of a fact's role.
    enum Filler {
        case entity(Int)
        case text(String)
        case number(Int)
    }

    /// Microseconds since 1970.
    typealias Time = Int64

    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private let declared: Counts
    private var written = Counts()
    private var buffer: [UInt8] = []
    /// The `errno` of the first write that failed, if one did.
    private var failure: Int32?

    /// Creates the file at `path` (replacing one left by an interrupted run)
    /// and writes its header, declaring `counts`.
    init(path: String, counts: Counts) throws {
        guard let file = fopen(path, "w") else { throw HarnessError("cannot create \(path): \(String(cString: strerror(errno)))") }
        self.file = file
        self.path = path
        declared = counts
        buffer.reserveCapacity(1 << 20)
        line(
            #"{"kind":"header","format":"mnemo-export","version":"1.0","schema":9,"derived":false,"activation":false,"counts":{"predicate":\#(counts.predicates),"entity":\#(counts.entities),"scene":\#(counts.scenes),"episode":\#(counts.episodes),"fact":\#(counts.facts),"persona":\#(counts.personas),"insight":0,"link":0,"activation":0,"forgotten":0}}"#
        )
    }

    deinit { fclose(file) }

    /// A predicate; `roles` nil when it was never declared (its roles are then
    /// named by each assertion).
    func predicate(id: Int, name: String, roles: [String]?, functional: Bool, declaredAt: Time?) {
        written.predicates += 1
        let roleList = roles.map { "[" + $0.map(Self.quoted).joined(separator: ",") + "]" } ?? "null"
        line(
            #"{"kind":"predicate","id":\#(id),"name":\#(Self.quoted(name)),"roles":\#(roleList),"functional":\#(functional),"declared_at":\#(Self.time(declaredAt))}"#
        )
    }

    func entity(id: Int, name: String, type: String?, createdAt: Time) {
        written.entities += 1
        line(
            #"{"kind":"entity","id":"n:\#(id)","name":\#(Self.quoted(name)),"type":\#(type.map(Self.quoted) ?? "null"),"created_at":\#(createdAt),"archived":false,"aliases":[]}"#
        )
    }

    /// A scene made by a client (not by segmentation), with its members as
    /// (entity id, role).
    func scene(id: Int, title: String, openedAt: Time, closedAt: Time?, createdAt: Time, members: [(entity: Int, role: String)]) {
        written.scenes += 1
        line(
            #"{"kind":"scene","id":"s:\#(id)","title":\#(Self.quoted(title)),"opened_at":\#(openedAt),"closed_at":\#(Self.time(closedAt)),"place":null,"automatic":false,"created_at":\#(createdAt),"members":\#(Self.members(members)),"summary":null,"reflection":null}"#
        )
    }

    /// An episode, with the entities linked to it as (entity id, role:
    /// `speaker`, `mention` or `addressee`).
    func episode(id: Int, text: String, speaker: Int?, at: Time, scene: Int?, recordedAt: Time, entities: [(entity: Int, role: String)]) {
        written.episodes += 1
        line(
            #"{"kind":"episode","id":"e:\#(id)","text":\#(Self.quoted(text)),"speaker":\#(speaker.map { "\"n:\($0)\"" } ?? "null"),"at":\#(at),"scene":\#(scene.map { "\"s:\($0)\"" } ?? "null"),"ref":null,"importance":0.5,"recorded_at":\#(recordedAt),"archived":false,"entities":\#(Self.members(entities)),"times":[]}"#
        )
    }

    /// A believed fact asserted by a client, one filler per role (positions
    /// in the order given), with no sources and no earlier beliefs.
    func fact(id: Int, predicate: Int, roles: [(role: String, filler: Filler)], validFrom: Time?, recordedAt: Time) {
        written.facts += 1
        var list = ""
        for (position, (role, filler)) in roles.enumerated() {
            if position > 0 { list += "," }
            list += #"{"position":\#(position),"item":-1,"role":\#(Self.quoted(role)),"#
            switch filler {
            case .entity(let id): list += #""entity":"n:\#(id)"}"#
            case .text(let text): list += #""text":\#(Self.quoted(text))}"#
            case .number(let number): list += #""number":\#(number)}"#
            }
        }
        line(
            #"{"kind":"fact","id":"f:\#(id)","predicate":\#(predicate),"roles":[\#(list)],"valid_from":\#(Self.time(validFrom)),"valid_to":null,"recorded_at":\#(recordedAt),"retracted_at":null,"confidence":1,"origin":"user","note":null,"scene":null,"superseded_by":null,"archived":false,"sources":[],"beliefs":[]}"#
        )
    }

    /// An attribute pinned by a client (`persona NAME set ATTRIBUTE = "value"`).
    func pinnedPersona(id: Int, entity: Int, name: String, value: String, recordedAt: Time) {
        written.personas += 1
        line(
            #"{"kind":"persona","id":"p:\#(id)","entity":"n:\#(entity)","name":\#(Self.quoted(name)),"value":\#(Self.quoted(value)),"pinned":true,"category":"attribute","valid_from":null,"valid_to":null,"confidence":1,"first_seen":\#(recordedAt),"last_seen":\#(recordedAt),"recorded_at":\#(recordedAt),"retracted_at":null,"support":[]}"#
        )
    }

    /// Writes out what is buffered and checks the records against the header.
    func finish() throws {
        flush()
        if fflush(file) != 0 && failure == nil { failure = errno }
        if let failure { throw HarnessError("cannot write \(path): \(String(cString: strerror(failure)))") }
        guard written == declared else {
            throw HarnessError("\(path): the header declares \(declared) but \(written) were written")
        }
    }

    private func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { flush() }
    }

    private func flush() {
        let count = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if count != buffer.count && failure == nil { failure = errno }
        buffer.removeAll(keepingCapacity: true)
    }

    private static func time(_ time: Time?) -> String { time.map(String.init) ?? "null" }

    private static func members(_ members: [(entity: Int, role: String)]) -> String {
        "[" + members.map { #"{"entity":"n:\#($0.entity)","role":\#(quoted($0.role))}"# }.joined(separator: ",") + "]"
    }

    /// `text` as a JSON string, escaped as the daemon writes its own.
    static func quoted(_ text: String) -> String { JSONString.quoted(text) }
}
