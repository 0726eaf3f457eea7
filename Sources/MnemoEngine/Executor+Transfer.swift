import Foundation
import MnemoModel
import MnemoStore

/// `export to "path"` and `import from "path"`: a space to a JSON Lines file
/// and back (`ExportFormat`; docs/export-import.md says why the daemon
/// reads and writes the file itself).
///
/// Both stream: an export writes each record as it reads it, in one read
/// transaction (one consistent state; writers go on), through a buffer of
/// fixed size; an import reads a line, writes its record, and reads the
/// next, in one write transaction, so that a bad line, a file that ends
/// early or a client that leaves rolls everything back. Memory stays
/// bounded whatever the size of the space: a record and a buffer, SQLite's
/// page cache, and the facts whose `superseded_by` names a later fact.
extension Executor {
    /// Lines between two updates of the progress `stats` shows, and two
    /// checks whether the client is still there.
    static let progressEvery = 4096

    func export(to path: String, contents: ExportContents) throws -> [JSONValue] {
        let file = try CreatedFile(creating: path, for: "export")
        space.transfer.start("export")
        defer { space.transfer.finish() }
        var out = BufferedOutput(file: file)
        var counts: [(ExportRecord.Kind, Int64)] = []
        do {
            let schema = try store.schemaVersion()
            try store.read(cancellation: cancellation) { r in
                counts = try r.exportCounts(contents)
                let total = counts.reduce(Int64(1)) { $0 + $1.1 }
                try out.write(ExportFormat.header(counts: counts, contents: contents, schema: schema))
                var lines: Int64 = 1
                try r.forEachExportRecord(contents) { record in
                    try out.write(ExportFormat.line(record))
                    lines += 1
                    if lines % Int64(Self.progressEvery) == 0 { space.transfer.update(lines: lines, total: total) }
                }
                guard lines == total else {
                    throw MnemoError(.internalError, "the export read \(lines) lines where it counted \(total)")
                }
            }
            try out.flush()
            try file.finish()
        } catch {
            file.abandon()
            throw error
        }
        return [
            .object([
                ("kind", "export"), ("path", .string(path)), ("lines", .int(out.lines)), ("bytes", .int(out.bytes)),
                ("counts", .object(counts.map { ($0.0.rawValue, .int($0.1)) })),
            ])
        ]
    }

    func importFrom(path: String) throws -> [JSONValue] {
        let file = try LineFile(opening: path, for: "import")
        space.transfer.start("import")
        defer { space.transfer.finish() }
        var seen: [ExportRecord.Kind: Int64] = [:]
        var header: ExportLineDecoder.Header?
        do {
            try store.write { w in
                let importer = try SpaceImport(w)
                var number = 0
                while let text = try file.nextLine(number: number + 1) {
                    number += 1
                    if number % Self.progressEvery == 0 {
                        try cancellation.check()
                        space.transfer.update(lines: Int64(number), total: header.map { $0.records + 1 })
                    }
                    if number == 1 {
                        header = try ExportLineDecoder.header(text)
                        continue
                    }
                    if text.isEmpty { continue }
                    let record = try ExportLineDecoder.record(text, line: number)
                    do {
                        try importer.add(record, line: number)
                    } catch let error as MnemoError {
                        throw MnemoError(error.code, "line \(number): \(error.message)")
                    }
                    seen[record.kind, default: 0] += 1
                }
                guard let header else { throw MnemoError(.invalid, "\(path) is empty: not a Mnemo export") }
                for kind in ExportRecord.Kind.allCases where seen[kind, default: 0] != header.counts[kind, default: 0] {
                    throw MnemoError(
                        .invalid,
                        "the file holds \(seen[kind, default: 0]) \(kind.rawValue) records where its header says \(header.counts[kind, default: 0]): "
                            + "it was cut short or edited; nothing was imported")
                }
                try importer.finish()
            }
        } catch {
            space.follow(.rolledBack(MemoryStore.translate(error, path: path)))
            throw error
        }
        space.follow(.imported)
        return [
            .object([
                ("kind", "import"), ("path", .string(path)), ("version", .string(header?.version ?? "")),
                ("counts", .object(ExportRecord.Kind.allCases.map { ($0.rawValue, .int(seen[$0, default: 0])) })),
            ])
        ]
    }
}

/// The lines of an export on their way to the file, written in blocks.
private struct BufferedOutput {
    let file: CreatedFile
    private var buffer = ""
    private(set) var lines: Int64 = 0
    private(set) var bytes: Int64 = 0

    init(file: CreatedFile) {
        self.file = file
        buffer.reserveCapacity(Self.block + 4096)
    }

    static let block = 1 << 20

    mutating func write(_ line: JSONValue) throws(MnemoError) {
        line.write(to: &buffer)
        buffer += "\n"
        lines += 1
        if buffer.utf8.count >= Self.block { try flush() }
    }

    mutating func flush() throws(MnemoError) {
        var error: MnemoError?
        buffer.withUTF8 { bytes in
            do throws(MnemoError) { try file.append(UnsafeRawBufferPointer(bytes)) } catch let e { error = e }
        }
        if let error { throw error }
        bytes += Int64(buffer.utf8.count)
        buffer.removeAll(keepingCapacity: true)
    }
}
