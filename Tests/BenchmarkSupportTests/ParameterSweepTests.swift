import MnemoServer
import Testing

@testable import BenchmarkSupport

/// `--sweep key=v1,v2,...` as mnemo-eval reads it: the grid, and what is refused before anything runs.
@Suite struct ParameterSweepTests {
    let keys = DaemonConfig.keys

    func refusal(_ arguments: [String], maximum: Int = ParameterSweep.maximumCombinations) -> String? {
        do throws(SweepError) {
            _ = try ParameterSweep(arguments: arguments, knownKeys: keys, maximumCombinations: maximum)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func theGridHasEveryCombinationFirstKeySlowest() throws {
        let sweep = try ParameterSweep(arguments: ["recall_decay=0.5,0.6,0.7", "recall_entity_boost=1, 1.5"], knownKeys: keys)
        #expect(sweep.axes == [.init(key: "recall_decay", values: ["0.5", "0.6", "0.7"]), .init(key: "recall_entity_boost", values: ["1", "1.5"])])
        #expect(
            sweep.combinations.map(ParameterSweep.label) == [
                "recall_decay=0.5 recall_entity_boost=1", "recall_decay=0.5 recall_entity_boost=1.5",
                "recall_decay=0.6 recall_entity_boost=1", "recall_decay=0.6 recall_entity_boost=1.5",
                "recall_decay=0.7 recall_entity_boost=1", "recall_decay=0.7 recall_entity_boost=1.5",
            ])
    }

    @Test func oneKeyOneValueIsOneCombination() throws {
        let sweep = try ParameterSweep(arguments: ["recall_depth=2"], knownKeys: keys)
        #expect(sweep.combinations.count == 1)
        #expect(sweep.combinations[0].map(\.key) == ["recall_depth"])
        #expect(sweep.combinations[0].map(\.value) == ["2"])
    }

    @Test func atMostSixtyFourCombinations() {
        // 4 × 4 × 4 = 64 runs; 5 × 13 = 65 does not.
        #expect(refusal(["recall_decay=1,2,3,4", "recall_depth=1,2,3,4", "recall_contiguity=1,2,3,4"]) == nil)
        let message = refusal(["recall_decay=1,2,3,4,5", "recall_text_seeds=1,2,3,4,5,6,7,8,9,10,11,12,13"])
        #expect(message == "the sweep has 65 combinations (5 × 13); at most 64: sweep fewer keys or values")
        // A product that would overflow is refused too, not wrapped.
        let huge = (0..<40).map { "v\($0)" }.joined(separator: ",")
        let many = [
            "recall_decay", "recall_depth", "recall_contiguity", "recall_threshold", "recall_min_share", "recall_text_seeds",
            "recall_entity_seed", "recall_about_seed", "recall_base_level_weight", "recall_temporal_boost", "recall_entity_boost", "scene_shift",
        ]
        #expect(refusal(many.map { "\($0)=\(huge)" })?.hasPrefix("the sweep has too many combinations") == true)
        #expect(refusal(["recall_decay=1,2,3"], maximum: 2)?.hasPrefix("the sweep has 3 combinations") == true)
    }

    @Test func unknownKeysAreRefusedWithASuggestion() {
        #expect(refusal(["recal_decay=0.5"]) == "--sweep recal_decay: not a daemon.conf key; did you mean recall_decay?")
        #expect(refusal(["no_such_thing_at_all=1"]) == "--sweep no_such_thing_at_all: not a daemon.conf key")
        #expect(refusal(["space.<name>.read=1"]) == "--sweep space.<name>.read: access rules cannot be swept")
        #expect(refusal(["space.agent.read=1"]) == "--sweep space.agent.read: access rules cannot be swept")
    }

    @Test func keysTheHarnessOwnsAreRefused() {
        for key in ["data_dir", "socket", "socket_mode", "log_level", "allow", "admin", "read", "write"] {
            #expect(keys.contains(key))
            #expect(refusal(["\(key)=x"]) == "--sweep \(key): cannot be swept (the harness sets it, or it decides who may connect)")
        }
    }

    @Test func malformedArgumentsAreRefused() {
        #expect(refusal(["recall_decay"]) == "--sweep recall_decay: expected key=value1,value2,... (e.g. recall_decay=0.5,0.6,0.7)")
        #expect(refusal(["=1,2"]) == "--sweep =1,2: no key before '='")
        #expect(refusal(["recall_decay=0.5,,0.7"]) == "--sweep recall_decay=0.5,,0.7: an empty value (values are separated by commas)")
        #expect(refusal(["recall_decay="]) == "--sweep recall_decay=: an empty value (values are separated by commas)")
        #expect(refusal(["recall_decay=0.5,0.5"]) == "--sweep recall_decay=0.5,0.5: a value given twice")
        #expect(refusal(["recall_decay=0.5", "recall_decay=0.6"]) == "--sweep recall_decay: given twice (list its values in one --sweep)")
        #expect(refusal(["recall_decay=0.5\nallow = none"]) == "--sweep recall_decay: a value with a line break")
        #expect(refusal([]) == "no --sweep given")
    }
}

/// Choosing a combination on the other conversations and scoring it on the one held out.
@Suite struct LeaveOneOutTests {
    func cells(_ rows: [[Double]]) -> [[LeaveOneOut.Cell]] {
        rows.map { $0.map { LeaveOneOut.Cell(sum: $0, count: 1) } }
    }

    @Test func eachFoldChoosesOnTheOthersAndTiesGoToTheFirst() {
        // Conversations 0, 1, 2, one question each; values are exact in binary, so ties are ties.
        let result = LeaveOneOut.select(
            cells([
                [1.0, 0.0, 0.25], // #0: 1.25 in all
                [0.25, 0.75, 0.5], // #1: 1.5
                [0.5, 0.5, 0.5], // #2: 1.5, tied with #1
            ]))
        // Held out 0: on 1 and 2, #0 0.125, #1 0.625, #2 0.5.
        // Held out 1: on 0 and 2, #0 0.625, #1 0.375, #2 0.5.
        // Held out 2: on 0 and 1, all three 0.5: the first.
        #expect(
            result.folds == [
                .init(heldOut: 0, chosen: 1, trainingScore: 0.625, heldOutScore: 0.25),
                .init(heldOut: 1, chosen: 0, trainingScore: 0.625, heldOutScore: 0.0),
                .init(heldOut: 2, chosen: 0, trainingScore: 0.5, heldOutScore: 0.25),
            ])
        #expect(result.best == 1)
        #expect(result.bestScore == 0.5)
        #expect(abs(result.score - 0.5 / 3) < 1e-12)
        #expect(abs(result.meanOfFolds - 0.5 / 3) < 1e-12)
        #expect(abs(result.gap - (0.5 - 0.5 / 3)) < 1e-12)
    }

    @Test func scoresPoolQuestionsSoALargeConversationWeighsMore() {
        // #0 answers 9 of conversation 0's 10 questions and none of conversation 1's 2; #1 8 and 2.
        let cells: [[LeaveOneOut.Cell]] = [
            [.init(sum: 9, count: 10), .init(sum: 0, count: 2)],
            [.init(sum: 8, count: 10), .init(sum: 2, count: 2)],
        ]
        let result = LeaveOneOut.select(cells)
        #expect(result.folds.map(\.chosen) == [1, 0])
        #expect(result.folds.map(\.heldOutScore) == [0.8, 0.0])
        #expect(abs(result.score - 8.0 / 12) < 1e-12) // pooled: (8 + 0) / 12
        #expect(abs(result.meanOfFolds - 0.4) < 1e-12) // (0.8 + 0) / 2
        #expect(result.best == 1)
        #expect(abs(result.bestScore - 10.0 / 12) < 1e-12)
    }

    @Test func oneCombinationIsChosenEveryTimeAndHasNoGap() {
        let result = LeaveOneOut.select(cells([[0.5, 0.25, 1.0, 0.75, 0.5]]))
        #expect(result.folds.map(\.chosen) == [0, 0, 0, 0, 0])
        #expect(result.score == result.bestScore)
        #expect(result.gap == 0)
    }
}

/// Recall@k per category, merged across conversations, and the metric a sweep chooses by.
@Suite struct LocomoScoresTests {
    @Test func recallPerCategoryAndOverall() {
        var a = LocomoScores()
        a.add(category: 1, ranked: ["D1:1", "D1:2", "D1:3"], evidence: ["D1:2", "D1:9"]) // R@1 0, R@5 0.5
        a.add(category: 4, ranked: ["D1:4"], evidence: ["D1:4"]) // 1 at every k
        var b = LocomoScores()
        b.add(category: 4, ranked: [], evidence: ["D2:1"]) // 0
        #expect(a.recall(1, 1) == 0)
        #expect(a.recall(1, 5) == 0.5)
        #expect(a.recall(nil, 5) == 0.75)
        var total = a
        total.add(b)
        #expect(total.count(nil) == 3)
        #expect(total.count(4) == 2)
        #expect(total.recall(4, 10) == 0.5)
        #expect(total.sum(nil, 10) == 1.5)
        #expect(RecallMetric(k: 10).cell(total) == LeaveOneOut.Cell(sum: 1.5, count: 3))
        #expect(RecallMetric(k: 1, category: 1).cell(total) == LeaveOneOut.Cell(sum: 0, count: 1))
    }

    @Test func metricsParse() throws {
        #expect(try RecallMetric(parsing: "r10") == RecallMetric(k: 10))
        #expect(try RecallMetric(parsing: "R1") == RecallMetric(k: 1))
        #expect(try RecallMetric(parsing: "multi-hop:r10") == RecallMetric(k: 10, category: 1))
        #expect(try RecallMetric(parsing: "4:r20") == RecallMetric(k: 20, category: 4))
        #expect(try RecallMetric(parsing: "temporal:r5").description == "R@5 temporal")
        for bad in ["r3", "10", "x:r10", "r10:1", "5:r10", "", "multi-hop:"] {
            #expect(throws: SweepError.self) { try RecallMetric(parsing: bad) }
        }
    }
}
