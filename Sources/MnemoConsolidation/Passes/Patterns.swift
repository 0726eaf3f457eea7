import Foundation
import MnemoModel
import MnemoStore

/// Pass 6: insights about recurring patterns across scenes — who does or
/// talks about what, in how many of their scenes, since when, and whether it
/// is rising or fading (their scenes split in two halves at the median
/// scene's time, that scene itself left out: rising when the share of the
/// later half's scenes that have it is at least 1.5 times the earlier half's,
/// and at least two scenes; fading the other way round). A pattern needs `insightMinScenes` scenes; each is
/// linked to its scenes and episodes, and one that no longer holds is removed.
struct Patterns: ConsolidationPass {
    let name = "insights"

    func run(_ context: PassContext) throws {
        let crowd = try context.shared.crowd(context.read)
        var keep: Set<String> = []
        for profile in try context.shared.profiles(context.read) where !profile.sceneTimes.isEmpty {
            try context.checkCancelled()
            let times = profile.sceneTimes.values.sorted()
            let median = times[times.count / 2]
            for activities in [true, false] {
                for found in profile.recurring(
                    activities: activities, minScenes: context.settings.insightMinScenes,
                    minLift: context.settings.personaMinLift, crowd: crowd, limit: context.settings.personaTopics)
                {
                    let (key, term) = (found.key, found.term)
                    // The share of their scenes before and after the median scene that have it.
                    let early = term.sceneTimes.values.filter { $0 < median }.count
                    let late = term.sceneTimes.values.filter { $0 > median }.count
                    let earlyShare = Double(early) / Double(max(times.filter { $0 < median }.count, 1))
                    let lateShare = Double(late) / Double(max(times.filter { $0 > median }.count, 1))
                    let trend =
                        late >= 2 && lateShare >= 1.5 * earlyShare
                        ? "rising"
                        : early >= 2 && earlyShare >= 1.5 * lateShare ? "fading" : "steady"
                    let since = Timestamp(microseconds: term.first).iso8601.prefix(10)
                    let last = Timestamp(microseconds: term.last).iso8601.prefix(10)
                    let what = activities ? "activity" : "topic"
                    let text =
                        "\(profile.name) — \(term.display) (\(what)): in \(term.scenes.count) of \(times.count) scenes, since \(since), last \(last), \(trend)"
                    let data = JSONValue.sortedObject([
                        "who": .string(profile.name), "what": .string(term.display), "type": .string(what),
                        "scenes": .int(Int64(term.scenes.count)), "of_scenes": .int(Int64(times.count)),
                        "since": .string(String(since)), "last": .string(String(last)), "trend": .string(trend),
                    ]).serialized
                    let insightKey = "pattern:n:\(profile.entity):\(key)"
                    keep.insert(insightKey)
                    let (id, changed) = try context.write.upsertInsight(
                        key: insightKey, kind: "pattern", subject: profile.entity, text: text,
                        data: data, runID: context.runID, at: context.now)
                    try context.write.setSupport(owner: "i", id: id, items: term.scenes.sorted().map { ("s", $0) } + term.episodes.map { ("e", $0) })
                    if changed { context.count("patterns") }
                }
            }
        }
        context.count("patterns_removed", try context.write.pruneInsights(kind: "pattern", keep: keep))
    }
}
