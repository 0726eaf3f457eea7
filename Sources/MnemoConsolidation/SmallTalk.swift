import MnemoIngest

/// Words of conversational small talk that say little about a person or a
/// scene ("awesome", "congrats", "glad", "took"): written for chat, beside
/// the analyzer's stop words (which are general English and also shape the
/// text index, so they stay short).
///
/// The persona pass tells a person's words from everybody's by comparing
/// them with the crowd (`Crowd`), which needs a crowd: with one or two people
/// chance differences in how often each says "took" or "awesome" pass the
/// comparison. On the LoCoMo conversations these words were still a third of
/// what the pass derived without this list (docs/consolidation.md has the
/// measurement), so it stays, for persona terms and scene summaries alike.
enum SmallTalk {
    static let words: Set<String> = Set([
        "really", "think", "great", "know", "love", "like", "feel", "good", "also", "just", "thank", "thanks", "yeah",
        "glad", "awesome", "amazing", "cool", "nice", "sure", "hope", "much", "lots", "things", "thing", "want", "make",
        "sounds", "sound", "well", "totally", "definitely", "always", "even", "still", "people", "pretty", "right", "able",
        "keep", "take", "time", "times", "made", "said", "back", "look", "looks", "looking", "getting", "going", "doing",
        "something", "anything", "everything", "nothing", "would", "could", "should", "maybe", "actually", "super",
        "happy", "wonderful", "fantastic", "incredible", "exciting", "excited", "interesting", "beautiful", "lovely",
        "hear", "heard", "tell", "told", "means", "mean", "lately", "recently", "today", "yesterday", "week", "weeks",
        "year", "years", "month", "months", "last", "next", "kind", "sorts", "stuff", "what", "whats", "yours", "mine",
        "wish", "wishes", "luck", "proud", "share", "sharing", "chat", "talk", "talking", "catch", "soon", "care",
        "give", "gave", "given", "went", "gone", "since", "others", "other", "self", "help", "helps", "many", "each",
        "every", "around", "away", "another", "better", "best", "hard", "long", "little", "different", "important",
        "special", "real", "true", "whole", "part", "place", "ways", "days", "night", "world", "find", "found", "feels",
        "felt", "makes", "keeps", "takes", "took", "come", "came", "comes", "goes", "gets", "seen", "seems", "saw", "done",
        "used", "give", "start", "started", "thought", "believe", "remember", "reminds", "totally", "absolutely", "yeah",
        "thanks", "okay", "hope", "hopes", "enjoy", "enjoyed", "love", "loved", "loves", "lovely", "wait", "glad",
        "together", "what", "where", "when", "which", "while", "though", "through", "almost", "enough", "again",
        "away", "sometimes", "always", "never", "ever", "someone", "somebody", "everyone", "anyone", "there", "here",
        "those", "these", "their", "theirs", "them", "they", "your", "with", "from", "into", "onto", "upon", "about",
        "experience", "moment", "moments", "support", "step", "steps", "positive", "awesome", "stuff", "idea", "ideas",
        "brings", "congrats", "gorgeous", "tough", "stories", "story", "photo", "photos", "picture", "pictures", "shares",
        "show", "shows", "showed", "life", "appreciate", "amaze", "wonder", "cause", "reason", "chance", "matter",
    ])

    /// Words in -ing that do not name an activity: adjectives (amazing,
    /// stunning), verbs of talk and thought (saying, thinking), what a photo
    /// caption says of a pose (holding, sitting), and things (morning,
    /// wedding). They may still be topics, grouped with their stem's other
    /// forms; without this list a third of the activities derived on LoCoMo
    /// were such words (docs/consolidation.md).
    static let notActivities: Set<String> = [
        "morning", "evening", "during", "being", "having", "feeling", "thinking", "saying", "making", "coming", "trying",
        "taking", "bring", "interesting", "amazing", "exciting", "inspiring", "meaning", "building", "wedding", "ceiling",
        "darling", "sibling", "seeing", "knowing", "letting", "putting", "giving", "keeping", "starting", "wanting",
        "needing", "loving", "telling", "asking", "hoping", "missing", "getting", "going", "doing", "looking", "happening",
        "touching", "fascinating", "relaxing", "rewarding", "challenging", "encouraging", "surprising", "outstanding",
        "stunning", "charming", "boring", "willing", "lasting", "holding", "sitting", "standing", "wearing", "smiling",
        "posing", "showing", "appreciating", "reminding", "expressing", "finding", "bringing", "working", "creating",
        "connecting", "learning", "planning", "following",
    ]

    /// The stems (`Analyzer.stem`) of `words`, and a few interjections.
    static let stems: Set<String> = Set(words.map { Analyzer.stem($0) })
        .union(["wow", "hey", "hi", "hello", "yep", "yup", "haha", "lol", "omg", "congrat", "congratul", "ya"])
}
