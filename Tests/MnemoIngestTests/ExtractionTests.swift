import MnemoModel
import Testing

@testable import MnemoIngest

@Suite("keywords: one analysis for index and queries")
struct AnalyzerTests {
    @Test(
        "Porter stems as FTS5's porter tokenizer does",
        arguments: [
            ("caresses", "caress"), ("ponies", "poni"), ("cats", "cat"), ("feed", "feed"), ("agreed", "agre"),
            ("plastered", "plaster"), ("motoring", "motor"), ("sing", "sing"), ("conflated", "conflat"),
            ("hopping", "hop"), ("falling", "fall"), ("filing", "file"), ("happy", "happi"), ("relational", "relat"),
            ("conditional", "condit"), ("digitizer", "digit"), ("generalization", "gener"), ("hopefulness", "hope"),
            ("electrical", "electr"), ("adjustment", "adjust"), ("adoption", "adopt"), ("probate", "probat"),
            ("controll", "control"), ("camping", "camp"), ("painting", "paint"), ("groups", "group"),
        ])
    func porter(_ word: String, _ stem: String) {
        #expect(PorterStemmer.stem(word) == stem)
    }

    @Test("the irregular verb table is whole: pairs of lower-case words, each form once and in order, none its own base, no stop word")
    func irregularVerbTable() {
        let words = IrregularVerbs.table.split(whereSeparator: \.isWhitespace).map(String.init)
        #expect(words.count % 2 == 0 && words.count > 1000)
        #expect(words.allSatisfy { word in !word.isEmpty && word.unicodeScalars.allSatisfy { $0.value >= 0x61 && $0.value <= 0x7A } })
        let forms = stride(from: 0, to: words.count - 1, by: 2).map { words[$0] }
        #expect(forms == forms.sorted() && Set(forms).count == forms.count)
        #expect(stride(from: 0, to: words.count - 1, by: 2).allSatisfy { words[$0] != words[$0 + 1] })
        // As the script left them (run it again after changing the stop words): no stop word, nothing Porter already joins.
        #expect(!words.contains(where: Analyzer.stopWords.contains))
        #expect(stride(from: 0, to: words.count - 1, by: 2).allSatisfy { PorterStemmer.stem(words[$0]) != PorterStemmer.stem(words[$0 + 1]) })
        // What every lookup rests on: a form found, a base, and a word that is no form.
        #expect(IrregularVerbs.base(of: "bought") == "buy" && IrregularVerbs.base(of: "buy") == nil)
    }

    @Test("tokens: lower case, no accents, split like unicode61; terms drop stop words")
    func tokensAndTerms() {
        #expect(Analyzer.tokens("Café au lait, s'il vous plaît!").map(\.text) == ["cafe", "au", "lait", "s", "il", "vous", "plait"])
        #expect(Analyzer.terms("I went to a support group yesterday") == ["go", "support", "group", "yesterdai"])
        // An irregular verb form is stemmed as its base form; a form that is also a verb's base is not.
        #expect(Analyzer.terms("She bought shoes and went running; I thought so") == ["bui", "shoe", "go", "run", "think"])
        #expect(Analyzer.terms("buys buying went goes") == ["bui", "bui", "go", "goe"])
        #expect(Analyzer.terms("I found a saw") == ["found", "saw"])
        // Porter already stems a form spelled as a regular one with the base's other regular forms: it stays.
        #expect(Analyzer.terms("tried tries heard hear") == ["tri", "tri", "hear", "hear"])
        // But a form Porter would leave alone folds, however regular its spelling.
        #expect(Analyzer.terms("dying die quizzed quizzes quiz") == ["die", "die", "quiz", "quiz", "quiz"])
        // A pair with a stop word on either side is not folded (the index keeps stop words): "might" is not the month.
        #expect(Analyzer.stem("might") == "might" && Analyzer.stem("won") == "won" && Analyzer.stem("done") == "done")
        let tokens = Analyzer.tokens("Hé Mel")
        #expect(tokens.map(\.range) == [0..<3, 4..<7]) // byte offsets in the original text
    }
}

@Suite("entities found in text")
struct EntityTests {
    func extract(_ text: String, known: [String] = []) -> ExtractedEntities {
        EntityExtractor(dictionary: EntityDictionary(names: known)).extract(text)
    }

    @Test("a long text is looked through in parts, and a name across two parts is found whole")
    func longTextInParts() {
        let dictionary = EntityDictionary(names: ["Ada Lovelace", "Grace"])
        for filler in [EntityDictionary.tokensPerHold - 1, EntityDictionary.tokensPerHold, 3 * EntityDictionary.tokensPerHold - 1] {
            let text = String(repeating: "word ", count: filler) + "Ada Lovelace met Grace"
            #expect(dictionary.find(in: Analyzer.tokens(text)).map(\.name) == ["Ada Lovelace", "Grace"], "after \(filler) words")
        }
    }

    @Test("capitalised names, not sentence-initial common words, months, weekdays or I")
    func capitalised() {
        #expect(extract("Yesterday I went to Paris with Jean-Luc Picard on Friday in May.").mentions == ["Paris", "Jean-Luc Picard"])
        #expect(extract("Thanks! That sounds great.").mentions == [])
        #expect(extract("We visited the Museum of Modern Art").mentions == ["Museum of Modern Art"])
    }

    @Test("possessives name the owner")
    func possessives() {
        #expect(extract("I borrowed Melanie's guitar and Jon’s car").mentions == ["Melanie", "Jon"])
    }

    @Test("known names and aliases are found longest first, whatever their case")
    func dictionary() {
        let found = extract("alice smith met alice and the support group again", known: ["Alice Smith", "Alice", "support group"])
        #expect(found.mentions == ["Alice Smith", "Alice", "support group"])
        // Names made of stop words alone are never matched.
        #expect(extract("a b c", known: ["a", "b"]).mentions == [])
    }

    @Test(
        "the person addressed",
        arguments: [
            ("Hey Mel! Good to see you!", ["Mel"]),
            ("Thanks, Caroline, that means a lot", ["Caroline"]),
            ("That's amazing, Mel!", ["Mel"]),
            ("Good morning Jo, how was it?", ["Jo"]),
            ("I saw Mel yesterday.", []),
        ])
    func addressee(_ text: String, _ expected: [String]) {
        #expect(extract(text).addressees == expected)
    }
}

@Suite("user extraction rules")
struct RuleTests {
    @Test("a rule turns named groups into a fact")
    func apply() throws {
        let rules = try ExtractionRules.parse(
            """
            # who works where
            (?<s>\\p{Lu}\\w+) (?:works|worked) (?:at|for) (?<o>\\p{Lu}\\w+)  =>  works_at(s, o)
            (?i)my (?<rel>sister|brother) (?<n>\\p{Lu}\\w+)  =>  sibling(@speaker, n, kind: #rel, source: "rule")
            """, file: "rules.conf")
        #expect(rules.rules.count == 2)
        let found = rules.apply(to: "Alice works at Acme. My sister Jo worked for Globex.", speaker: "caroline")
        #expect(found.map(\.predicate) == ["works_at", "works_at", "sibling"])
        #expect(found[0].arguments == [Argument(.entity("Alice")), Argument(.entity("Acme"))])
        #expect(found[1].arguments == [Argument(.entity("Jo")), Argument(.entity("Globex"))])
        #expect(
            found[2].arguments == [
                Argument(.entity("caroline")), Argument(.entity("Jo")),
                Argument(.literal(.text("sister")), role: "kind"), Argument(.literal(.text("rule")), role: "source"),
            ])
        #expect(rules.apply(to: "nobody here", speaker: nil).isEmpty)
    }

    @Test("a bad rule names file:line and PCRE2's message")
    func errors() {
        func message(_ text: String) -> String? {
            do {
                _ = try ExtractionRules.parse(text, file: "r.conf")
                return nil
            } catch { return error.description }
        }
        #expect(message("\n(?<s>\\w+ works  =>  works_at(s)") == "r.conf:2: bad pattern: missing closing parenthesis at offset 14")
        #expect(message("(?<s>\\w+) x  =>  works_at(s, o)")?.hasPrefix("r.conf:1: the template uses 'o', which is not a named group") == true)
        #expect(message("no arrow here") == "r.conf:1: expected 'PATTERN => predicate(args)'")
        #expect(message("(?<s>\\w+) => bad name(s)") == "r.conf:1: invalid predicate name 'bad name'")
    }
}

@Suite("scene segmentation")
struct SegmentationTests {
    let segmenter = SceneSegmenter(maximumGapSeconds: 1800, shiftThreshold: 0.9, minimumTerms: 5, minimumSceneEpisodes: 4)
    let t0 = Timestamp(iso8601: "2024-01-01T10:00:00Z")!

    @Test("a long silence starts a new scene; a short one does not")
    func gap() {
        let scene = SceneSegmenter.SceneState(lastEpisodeAt: t0, episodes: 10, vocabulary: ["camp", "lake"])
        #expect(segmenter.decide(scene: scene, at: t0.adding(seconds: 600), terms: ["camp"], entities: []) == .continueScene)
        #expect(segmenter.decide(scene: scene, at: t0.adding(seconds: 3600), terms: ["camp"], entities: []) != .continueScene)
        #expect(segmenter.decide(scene: nil, at: t0, terms: [], entities: []) != .continueScene)
    }

    @Test("a sharp change of vocabulary starts a new scene; a related turn does not")
    func shift() {
        let scene = SceneSegmenter.SceneState(
            lastEpisodeAt: t0, episodes: 6,
            vocabulary: ["camp", "lake", "tent", "fish", "kid", "weekend", "melani"])
        let related = segmenter.decide(scene: scene, at: t0.adding(seconds: 60), terms: ["camp", "lake", "tent", "night", "star"], entities: [])
        #expect(related == .continueScene)
        let unrelated = segmenter.decide(
            scene: scene, at: t0.adding(seconds: 60),
            terms: ["tax", "return", "deadlin", "account", "form", "irs"], entities: [])
        #expect(unrelated != .continueScene)
        // Too little context: a young scene never splits on vocabulary.
        let young = SceneSegmenter.SceneState(lastEpisodeAt: t0, episodes: 2, vocabulary: ["camp"])
        #expect(
            segmenter.decide(scene: young, at: t0.adding(seconds: 60), terms: ["tax", "return", "deadlin", "account", "form"], entities: []) == .continueScene)
    }
}
