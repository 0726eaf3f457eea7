import BenchmarkSupport
import Foundation
import MnemoClient
import MnemoTestSupport

/// The spaces `big-answers` measures at one size, built through a running
/// daemon: each written as a file in the export format and loaded with
/// `import from` (faster than pipelined `assert` on this machine: 10,700
/// against 6,700 facts/s, side by side under load), then consolidated.
///
/// - `big`: `size` facts `big(i: N, tag: tK)`, K = N mod 10 (the tags are the
///   entities `t0` … `t9`), the predicate undeclared, as a client asserting
///   them would leave it.
/// - `nary`: `size` facts `rel(a: <person>, b: <person>, c: N, d: "note N")`
///   over 5,000 people, `a` being `host` in one fact of ten; one fact
///   `rel(a: solo, …)`, the only one of `solo`; `size/4` episodes, each
///   spoken by one of 200 speakers with their own activity (`climbing`, …) and
///   mentioning `host`, the first fifth in one scene `marathon` and the rest
///   five to a scene; 100 attributes pinned on `host`; and `size/100` things
///   with two values of a functional `state` from the same time (a conflict
///   each, once consolidated). Then one `consolidate`, which derives the
///   personas, the activity patterns and the conflicts.
/// - `journal`: an empty space consolidated 1,000 times, so that
///   `consolidations` has 1,000 rows (the journal grows by a row per run, not
///   with the memory).
///
/// Ids are fixed: `host` is `n:1`, `solo` `n:2`, person K `n:(3+K)`.
///
/// At 1,000,000 the build takes minutes, most of them in consolidation's
/// scenes pass summarising `marathon` (50,000 episodes: 314 s of a 338 s run
/// on the 2-core VM, where 5,000 took 3.6 s at 100,000); it is done once.
struct BigAnswerSpaces {
    let size: Int

    static let people = 5000
    static let speakers = 200
    static let pinnedAttributes = 100
    static let consolidationRuns = 1000
    static let activities = [
        "climbing", "painting", "hiking", "swimming", "cooking", "running", "sailing", "knitting", "fishing", "camping",
        "singing", "dancing", "drawing", "rowing", "skiing", "surfing", "baking", "gardening", "cycling", "juggling",
    ]
    /// 2023-01-01T00:00:00Z, when the first episode happened and the first fact began.
    static let start: ExportFileWriter.Time = 1_672_531_200_000_000
    static let minute: ExportFileWriter.Time = 60_000_000

    var episodes: Int { size / 4 }
    var marathonEpisodes: Int { episodes / 5 }
    /// Scenes of five episodes after the marathon.
    var meetings: Int { (episodes - marathonEpisodes + 4) / 5 }
    var things: Int { max(1, size / 100) }

    /// What this build is, written beside it: a directory whose record differs
    /// (another size, or a shape this program no longer builds) is rebuilt.
    var record: String {
        "mnemo-bench-query big-answers, shape 1: size \(size), people \(Self.people), speakers \(Self.speakers), "
            + "episodes \(episodes), things \(things), pinned \(Self.pinnedAttributes), journal runs \(Self.consolidationRuns)\n"
    }

    /// One line about the spaces, for the report.
    var description: String {
        "big: \(size.grouped) facts; nary: \(size.grouped) rel facts over \(Self.people.grouped) people (host in 1 of 10), "
            + "\(episodes.grouped) episodes in \((1 + meetings).grouped) scenes (marathon: \(marathonEpisodes.grouped)), "
            + "\(things.grouped) conflicting things, consolidated once; journal: \(Self.consolidationRuns.grouped) consolidation runs"
    }

    static let host = 1
    static let solo = 2
    static func person(_ k: Int) -> Int { 3 + k }
    func thing(_ t: Int) -> Int { 3 + Self.people + t }

    /// Whether `dataDirectory` holds these spaces, built to the end.
    func isBuilt(in dataDirectory: String) -> Bool {
        (try? String(contentsOfFile: dataDirectory + "/big-answers.built", encoding: .utf8)) == record
    }

    /// Builds the three spaces through `client`, on a daemon serving
    /// `dataDirectory` (empty), printing what each step took, and records
    /// the build as done.
    func build(in dataDirectory: String, using client: MnemoConnection) throws {
        guard let now = ExportFileWriter.Time(exactly: (Date().timeIntervalSince1970 * 1_000_000).rounded()) else {
            throw HarnessError("the clock says \(Date()), which microseconds since 1970 cannot hold")
        }
        let bigFile = dataDirectory + "/big.jsonl"
        try writeBig(to: bigFile, now: now)
        try load(space: "big", from: bigFile, using: client)
        let naryFile = dataDirectory + "/nary.jsonl"
        try writeNary(to: naryFile, now: now)
        try load(space: "nary", from: naryFile, using: client)

        var t0 = monotonicSeconds()
        let run = try Self.request("consolidate", on: client)
        print(String(format: "  consolidate nary: %.1f s", monotonicSeconds() - t0))
        for line in run.lines.dropFirst() { print("    \(line)") }
        fflush(nil)

        _ = try Self.request("use space journal", on: client)
        t0 = monotonicSeconds()
        for _ in 0..<Self.consolidationRuns { _ = try Self.request("consolidate", on: client) }
        print(String(format: "  consolidate journal ×%d: %.1f s", Self.consolidationRuns, monotonicSeconds() - t0))
        try record.write(toFile: dataDirectory + "/big-answers.built", atomically: true, encoding: .utf8)
    }

    private func load(space: String, from file: String, using client: MnemoConnection) throws {
        _ = try Self.request("use space \(space)", on: client)
        let t0 = monotonicSeconds()
        let answer = try Self.request("import from \"\(file)\"", on: client)
        let seconds = monotonicSeconds() - t0
        try FileManager.default.removeItem(atPath: file)
        print(String(format: "  import %@: %.1f s", space, seconds), answer.lines.first ?? "")
        fflush(nil)
    }

    static func request(_ statement: String, on client: MnemoConnection) throws -> Response {
        let response = try client.request(statement)
        guard response.isOK else { throw HarnessError("\(statement): \(response.headerLine)") }
        return response
    }

    func writeBig(to path: String, now: ExportFileWriter.Time) throws {
        let file = try ExportFileWriter(path: path, counts: .init(predicates: 1, entities: 10, facts: size))
        file.predicate(id: 1, name: "big", roles: nil, functional: false, declaredAt: nil)
        for k in 0..<10 { file.entity(id: 1 + k, name: "t\(k)", type: nil, createdAt: now) }
        for i in 0..<size {
            file.fact(id: 1 + i, predicate: 1, roles: [("i", .number(i)), ("tag", .entity(1 + i % 10))], validFrom: nil, recordedAt: now)
        }
        try file.finish()
    }

    func writeNary(to path: String, now: ExportFileWriter.Time) throws {
        let counts = ExportFileWriter.Counts(
            predicates: 2, entities: 2 + Self.people + things, scenes: 1 + meetings, episodes: episodes, facts: size + 1 + 2 * things,
            personas: Self.pinnedAttributes)
        let file = try ExportFileWriter(path: path, counts: counts)
        file.predicate(id: 1, name: "rel", roles: ["a", "b", "c", "d"], functional: false, declaredAt: now)
        file.predicate(id: 2, name: "state", roles: ["thing", "value"], functional: true, declaredAt: now)

        file.entity(id: Self.host, name: "host", type: "person", createdAt: now)
        file.entity(id: Self.solo, name: "solo", type: nil, createdAt: now)
        for k in 0..<Self.people { file.entity(id: Self.person(k), name: "person \(k)", type: "person", createdAt: now) }
        for t in 0..<things { file.entity(id: thing(t), name: "thing \(t)", type: nil, createdAt: now) }

        func at(_ episode: Int) -> ExportFileWriter.Time { Self.start + ExportFileWriter.Time(episode) * Self.minute }
        /// The two speakers of meeting `j`.
        func pair(_ j: Int) -> (Int, Int) { ((2 * j) % Self.speakers, (2 * j + 1) % Self.speakers) }
        file.scene(
            id: 1, title: "marathon", openedAt: at(0), closedAt: at(marathonEpisodes - 1) + Self.minute, createdAt: now,
            members: [(Self.person(0), "participant"), (Self.person(1), "participant")])
        for j in 0..<meetings {
            let first = marathonEpisodes + 5 * j
            let last = min(episodes - 1, first + 4)
            let (a, b) = pair(j)
            file.scene(
                id: 2 + j, title: "meeting \(j)", openedAt: at(first), closedAt: at(last) + Self.minute, createdAt: now,
                members: [(Self.person(a), "participant"), (Self.person(b), "participant")])
        }

        var rng = SplitMix64(state: 20)
        let vocabulary = Vocabulary.spelled(4000)
        for k in 0..<episodes {
            let speaker: Int
            let scene: Int
            if k < marathonEpisodes {
                speaker = k % 2
                scene = 1
            } else {
                let j = (k - marathonEpisodes) / 5
                let (a, b) = pair(j)
                speaker = (k - marathonEpisodes) % 2 == 0 ? a : b
                scene = 2 + j
            }
            file.episode(
                id: 1 + k, text: "\(vocabulary.phrase(6, &rng)) \(Self.activities[speaker % Self.activities.count]) with host",
                speaker: Self.person(speaker), at: at(k), scene: scene, recordedAt: now,
                entities: [(Self.person(speaker), "speaker"), (Self.host, "mention")])
        }

        for k in 0..<size {
            let a = k % 10 == 0 ? Self.host : Self.person(k % Self.people)
            let b = Self.person((k &* 7 &+ 3) % Self.people)
            file.fact(
                id: 1 + k, predicate: 1, roles: [("a", .entity(a)), ("b", .entity(b)), ("c", .number(k)), ("d", .text("note \(k)"))],
                validFrom: at(k), recordedAt: now)
        }
        file.fact(
            id: size + 1, predicate: 1,
            roles: [("a", .entity(Self.solo)), ("b", .entity(Self.person(0))), ("c", .number(-1)), ("d", .text("the one fact of solo"))],
            validFrom: Self.start, recordedAt: now)
        for t in 0..<things {
            for (n, value) in ["on", "off"].enumerated() {
                file.fact(
                    id: size + 2 + 2 * t + n, predicate: 2, roles: [("thing", .entity(thing(t))), ("value", .text(value))], validFrom: Self.start,
                    recordedAt: now)
            }
        }
        for p in 0..<Self.pinnedAttributes {
            file.pinnedPersona(id: 1 + p, entity: Self.host, name: "trait \(p)", value: "value \(p)", recordedAt: now)
        }
        try file.finish()
    }
}
