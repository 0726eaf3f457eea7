import Foundation

/// What everyone in the space says, to weigh a person's words against it.
///
/// - **Inverse document frequency** over every spoken episode ranks a
///   person's recurring words: one everybody uses all the time ranks low.
/// - **Lift** tells a person's topics from the group's vocabulary once there
///   is a group: their rate of scenes with a word over everyone else's rate,
///   each smoothed by half a scene (`(n + ½) / (N + 1)`) so that a word nobody
///   else has said is not infinitely distinctive on two scenes' evidence. A
///   word below `persona_min_lift` is no one's topic: "weather" in a book club
///   whose three members all remark on it. It takes at least
///   `minimumSpeakers` people: between two, the one who asks about the
///   other's painting says "painting" about as often as the painter, and the
///   comparison dropped the painter's own activities (measured on LoCoMo,
///   docs/consolidation.md).
///
/// With nobody to compare with (one person telling the memory about their
/// life) every recurring word passes with specificity 1: the persona then
/// rests on support alone, and its confidence says so.
struct Crowd {
    /// Spoken episodes, and how many of them each term (a stem) occurs in.
    private var episodes = 0
    private var frequency: [String: Int] = [:]
    /// For each term, the scenes it was used in, counted once per person who used it there.
    private var sceneUses: [String: Int] = [:]
    /// Everyone's scenes, counted once per person who spoke in them.
    private var personScenes = 0
    /// People who have spoken in a scene.
    private var speakers = 0

    /// The fewest people who speak in scenes for lift to be used.
    static let minimumSpeakers = 3

    /// Counts one spoken episode's terms (stems), for inverse document frequency.
    mutating func count(episodeTerms: Set<String>) {
        episodes += 1
        for term in episodeTerms { frequency[term, default: 0] += 1 }
    }

    /// Counts everyone's scenes and the scenes of each of their terms.
    mutating func count(_ profiles: [PersonProfile]) {
        for profile in profiles where !profile.sceneTimes.isEmpty {
            speakers += 1
            personScenes += profile.sceneTimes.count
            for (key, term) in profile.terms where !term.scenes.isEmpty { sceneUses[key, default: 0] += term.scenes.count }
        }
    }

    /// `log(1 + episodes / episodes with the term)`.
    func idf(_ term: String) -> Double { log(1 + Double(episodes) / Double(max(frequency[term] ?? 1, 1))) }

    /// How distinctive of a person a term is: their smoothed rate over the sum
    /// of theirs and the others' (at least `lift / (lift + 1)` once the lift
    /// is met); 1 with fewer than `minimumSpeakers` people; nil when their
    /// rate is below `lift` times the others'. `scenes` of their `total`
    /// scenes have the term.
    func specificity(_ key: String, scenes: Int, of total: Int, lift: Double) -> Double? {
        let others = personScenes - total
        guard speakers >= Self.minimumSpeakers, others > 0 else { return 1 }
        let theirs = (Double(scenes) + 0.5) / (Double(total) + 1)
        let rest = (Double(max((sceneUses[key] ?? scenes) - scenes, 0)) + 0.5) / (Double(others) + 1)
        guard theirs >= lift * rest else { return nil }
        return theirs / (theirs + rest)
    }
}
