import CPrefetch
import MnemoModel

/// The activation of one recall over the graph, in the steps docs/recall.md
/// numbers: given to the seeds (`seed(text:)`, `seed(entities:)`), spread
/// (`spread`), passed to the turns around the strongest episodes
/// (`addContiguity`), then scored (`markLinked`, `best`), and for `explain`
/// traced back to its seeds (`explain(_:)`, from what `trace` recorded).
///
/// It lives inside one `GraphIndex.View.withBuffers`: it follows edges
/// through the buffers and writes the entries of the recall's
/// `RecallScratch`. It takes the scratch's `touched` list for its own and
/// must hand it back (`finish`) so that the pool can reset what it touched.
struct Activation {
    /// The nodes a recall leaves out: deleted and retracted ones always,
    /// archived ones unless `include archived`, superseded ones unless `as of`,
    /// `during` or `known as of` asks about a past in which they may have
    /// held (`Scoring` then keeps those valid at that time). For `known as
    /// of`, the recall's view flags what was not believed then `deleted`
    /// and what was believed then not `retracted` (`KnownBeliefs`).
    struct Exclusions {
        let includeArchived: Bool
        let includeSuperseded: Bool

        init(_ recall: Recall) {
            includeArchived = recall.includeArchived
            includeSuperseded = recall.asOf != nil || recall.during != nil || recall.knownAsOf != nil
        }

        @inline(__always) func excludes(_ flags: GraphIndex.Flags) -> Bool {
            if flags.isDisjoint(with: .exclusions) { return false }
            if flags.contains(.deleted) || flags.contains(.retracted) { return true }
            if flags.contains(.archived) && !includeArchived { return true }
            if flags.contains(.superseded) && !includeSuperseded { return true }
            return false
        }
    }

    /// What a recall may answer (`kinds`): the flags a node needs to receive
    /// in the last hop, and the kinds `best` keeps.
    struct Answers {
        /// Episodes and facts are `answerable`; scenes, persona attributes
        /// and insights `summary` (only when asked for).
        let flags: GraphIndex.Flags
        /// `nil`: every kind `flags` lets in.
        let kinds: Set<NodeKind>?

        init(_ recall: Recall) {
            let kinds = recall.kinds ?? Recall.defaultKinds
            var flags: GraphIndex.Flags = []
            if !kinds.isDisjoint(with: [.episode, .fact]) { flags.insert(.answerable) }
            if !kinds.isDisjoint(with: [.scene, .persona, .insight]) { flags.insert(.summary) }
            self.flags = flags
            self.kinds = kinds == Set(Recall.answerableKinds) || kinds == Recall.defaultKinds ? nil : kinds
        }

        /// Whether a node with these flags may be answered.
        @inline(__always) func admit(_ n: UInt32, flags: GraphIndex.Flags, in view: GraphIndex.View) -> Bool {
            guard !flags.isDisjoint(with: self.flags) else { return false }
            guard let kinds else { return true }
            return kinds.contains(view.id(n).kind)
        }
    }

    /// How many of the most active episodes pass activation to their neighbours in time.
    static let contiguousEpisodes = 20

    let view: GraphIndex.View
    let graph: GraphIndex.Buffers
    let exclusions: Exclusions
    let answers: Answers
    /// What `explain` needs recorded (`nil` unless the recall explains): the
    /// seeds, who fired in each hop, the strong episodes. Written once per
    /// seed and per hop, never per edge.
    private(set) var trace: ExplainTrace?
    private let scratch: RecallScratch
    private let entries: UnsafeMutablePointer<RecallScratch.Entry>
    /// Every node with activation, in the order it first got some.
    private(set) var touched: [UInt32]

    init(
        view: GraphIndex.View, graph: GraphIndex.Buffers, scratch: RecallScratch, exclusions: Exclusions, answers: Answers,
        trace: ExplainTrace? = nil
    ) {
        self.view = view
        self.graph = graph
        self.exclusions = exclusions
        self.answers = answers
        self.trace = trace
        self.scratch = scratch
        entries = scratch.entries
        // Held here rather than in the scratch while the recall runs: a class's
        // array pays an exclusivity check on every append.
        touched = scratch.touched
        scratch.touched = []
    }

    /// Hands `touched` back to the scratch, for the pool to reset.
    func finish() { scratch.touched = touched }

    /// Adds to a node's activation; a node is `touched` once, when it first
    /// receives some (nothing is added for 0: a seed or contiguity share of 0
    /// would otherwise list the node again each time, and answer it twice).
    @inline(__always) private mutating func add(_ activation: Double, to n: UInt32) {
        guard activation != 0 else { return }
        if entries[Int(n)].activation == 0 { touched.append(n) }
        entries[Int(n)].activation += activation
    }

    // MARK: 1. Seeds
    // A node the recall leaves out (`Exclusions`: deleted, or for `known as of`
    // not held then; retracted; archived without `include archived`;
    // superseded unless the recall asks about a past) seeds nothing.

    /// Activates the episodes the text found, each by its scaled BM25 score.
    mutating func seed(text hits: [(episode: Int64, score: Double)]) {
        for (episode, score) in hits {
            guard let n = view.node(NodeID(.episode, episode)), !exclusions.excludes(graph.flags(n)) else { continue }
            add(score, to: n)
            trace?.seeded(ExplainTrace.Origin(node: n, kind: .text, amount: score))
        }
    }

    /// Activates the facts, scenes, persona attributes and insights whose text
    /// the text found, each by its scaled BM25 score times `strength`.
    mutating func seed(nodes hits: [(node: NodeID, score: Double)], strength: Double) {
        for (id, score) in hits {
            guard let n = view.node(id), !exclusions.excludes(graph.flags(n)) else { continue }
            add(score * strength, to: n)
            trace?.seeded(ExplainTrace.Origin(node: n, kind: .text, amount: score * strength))
        }
    }

    /// Activates the scene `in scene` names.
    mutating func seed(scene: Int64?, strength: Double) {
        guard let scene, let n = view.node(NodeID(.scene, scene)), !exclusions.excludes(graph.flags(n)) else { return }
        add(strength, to: n)
        trace?.seeded(ExplainTrace.Origin(node: n, kind: .scene, amount: strength))
    }

    /// Activates the entities the text names and the `about` entity.
    mutating func seed(entities: [RecallCues.Entity]) {
        for (i, entity) in entities.enumerated() {
            guard let n = view.node(NodeID(.entity, entity.id)), !exclusions.excludes(graph.flags(n)) else { continue }
            add(entity.strength, to: n)
            trace?.seeded(ExplainTrace.Origin(node: n, kind: entity.kind, amount: entity.strength, entity: i))
        }
    }

    /// At most how many scenes (left out or not) may have opened inside the
    /// time a text names for them to be seeded: a time that holds more (a
    /// whole year of a busy memory) says little about which of them a
    /// question means, and seeding them all would cost a delivery to every
    /// one of their episodes.
    static let timeSeedScenes = 64

    /// Activates the scenes that opened inside the time the text names
    /// (`window`, µs), each with `strength` ÷ √(their number): a time is a cue as
    /// a name is, and it reaches the episodes of those scenes by spreading.
    mutating func seed(window: (from: Int64, to: Int64)?, strength: Double) {
        guard let window, strength > 0 else { return }
        let opened = view.scenes(from: window.from, to: window.to)
        guard opened.count <= Self.timeSeedScenes else { return }
        let inside = opened.filter { !exclusions.excludes(graph.flags($0)) }
        guard !inside.isEmpty else { return }
        let each = strength / Double(inside.count).squareRoot()
        for n in inside {
            add(each, to: n)
            trace?.seeded(ExplainTrace.Origin(node: n, kind: .time, amount: each))
        }
    }

    // MARK: 2. Spread

    /// For `depth` hops, each node that got at least `threshold` in the hop
    /// before (the seeds, first) gives `activation × decay ÷ fan` to each
    /// neighbour, times the edge's weight. In the last hop only what may be
    /// answered receives (nothing reached then spreads further, and only
    /// that is scored), and a node whose share is below `minShare` gives nothing.
    mutating func spread(depth: Int, settings: RecallSettings, cancellation: Cancellation) throws {
        var frontier: [(UInt32, Double)] = touched.map { ($0, entries[Int($0)].activation) }
        var reached: [UInt32] = []
        for hop in 0..<depth {
            try cancellation.check()
            let last = hop == depth - 1
            reached.removeAll(keepingCapacity: true)
            frontier.removeAll { $0.1 < settings.threshold } // below the threshold nothing fires
            if trace != nil { trace!.fire(frontier) }
            // Nodes are reached at random in arrays far larger than the caches,
            // and each step needs the one before: a node's offsets, then its
            // edges, then its targets' entries and flags. While one node
            // delivers, each is asked for a step ahead: the entries of the next
            // node's targets, the edges of the one after, the offsets of the third.
            let count = frontier.count
            for j in 0..<min(3, count) { mnemo_prefetch(graph.offsetAddress(frontier[j].0)) }
            for j in 0..<min(2, count) { prefetchEdges(of: frontier[j].0) }
            if let first = frontier.first { prefetchTargets(of: first.0) }
            for i in frontier.indices {
                // A hop of a far spread delivers to hundreds of thousands of nodes.
                if i & 4095 == 4095, cancellation.isCancelled {
                    // What this hop delivered is not in `touched` yet, which is what the
                    // scratch is cleaned by: cleaned here, it goes back to the pool clean.
                    for t in reached { entries[Int(t)].incoming = 0 }
                    try cancellation.check()
                }
                let (n, activation) = frontier[i]
                if i + 3 < count { mnemo_prefetch(graph.offsetAddress(frontier[i + 3].0)) }
                if i + 2 < count { prefetchEdges(of: frontier[i + 2].0) }
                if i + 1 < count { prefetchTargets(of: frontier[i + 1].0) }
                let fan = view.fan(n)
                guard fan > 0 else { continue }
                let share = activation * settings.decay / Double(fan)
                if last && share < settings.minShare { continue }
                for edge in graph.edgeRange(of: n) {
                    deliver(share * Double(graph.weight(edge)), to: graph.target(edge), lastHop: last, reached: &reached)
                }
                if let added = view.addedEdges(of: n) {
                    for (t, w) in added { deliver(share * Double(w), to: t, lastHop: last, reached: &reached) }
                }
            }
            // What arrived joins the activation, and fires in the next hop.
            frontier.removeAll(keepingCapacity: true)
            for t in reached {
                let i = Int(t)
                frontier.append((t, entries[i].incoming))
                add(entries[i].incoming, to: t)
                entries[i].incoming = 0
            }
        }
    }

    /// Adds `gain` to what reaches `t` in this hop, unless `t` takes no part.
    @inline(__always) private func deliver(_ gain: Double, to t: UInt32, lastHop: Bool, reached: inout [UInt32]) {
        let flags = graph.flags(t)
        if lastHop && flags.isDisjoint(with: answers.flags) { return }
        guard !exclusions.excludes(flags) else { return }
        let i = Int(t)
        if entries[i].incoming == 0 { reached.append(t) }
        entries[i].incoming += gain
    }

    /// Asks the CPU for the first lines of a node's targets and weights (a
    /// hub's others are asked for as its targets are read).
    @inline(__always) private func prefetchEdges(of n: UInt32) {
        let edges = graph.edgeRange(of: n)
        guard !edges.isEmpty else { return }
        mnemo_prefetch(graph.targetAddress(edges.lowerBound))
        mnemo_prefetch(graph.weightAddress(edges.lowerBound))
    }

    /// Asks the CPU for the entries and flags of a node's targets.
    @inline(__always) private func prefetchTargets(of n: UInt32) {
        for edge in graph.edgeRange(of: n) {
            let t = graph.target(edge)
            mnemo_prefetch(entries + Int(t))
            mnemo_prefetch(graph.flagsAddress(t))
        }
    }

    // MARK: 3. Contiguity

    /// The turns within `span` of each of the `contiguousEpisodes` most
    /// active episodes in their scene receive `share` of its activation,
    /// times `falloff` for each turn further than the next one.
    mutating func addContiguity(_ share: Double, span: Int, falloff: Double) {
        let graph = graph
        let entries = entries
        let strong = TopK.of(
            touched.lazy.filter { graph.flags($0).contains(.episode) }.map { ($0, entries[Int($0)].activation) },
            k: Self.contiguousEpisodes)
        if trace != nil { trace!.contiguous(from: strong.map(\.0)) }
        for (n, activation) in strong {
            for (m, distance) in view.timeNeighbors(of: n, within: span) where !exclusions.excludes(graph.flags(m)) {
                add(activation * Self.contiguityShare(share, falloff: falloff, distance: distance), to: m)
            }
        }
    }

    /// What a turn `distance` turns away from a strong episode receives of
    /// its activation.
    @inline(__always) static func contiguityShare(_ share: Double, falloff: Double, distance: Int) -> Double {
        var s = share
        for _ in 1..<max(distance, 1) { s *= falloff }
        return s
    }

    // MARK: 4. Score

    /// Marks the items these entities speak for (`GraphIndex.View.speaksFor`)
    /// among their neighbours (edges go both ways), for the entity boost:
    /// gathered once, instead of looking through every candidate's
    /// neighbours. Marks only what the recall reached: the rest is never scored.
    func markLinked(to entities: Set<UInt32>) {
        for entity in entities {
            for edge in graph.edgeRange(of: entity) {
                let t = graph.target(edge)
                // Only what the recall reached can be answered (the dictionary
                // lookup of `speaksFor` is for those alone: a person may have
                // said a hundred thousand things).
                if entries[Int(t)].activation != 0 && !entries[Int(t)].linked && view.speaksFor(entity, t) {
                    entries[Int(t)].linked = true
                    scratch.linkedNodes.append(t)
                }
            }
            for (t, _) in view.addedEdges(of: entity) ?? []
            where entries[Int(t)].activation != 0 && !entries[Int(t)].linked && view.speaksFor(entity, t) {
                entries[Int(t)].linked = true
                scratch.linkedNodes.append(t)
            }
        }
    }

    /// The best `limit` of what may be answered by `scoring`, kept as the
    /// candidates come; a candidate that could not reach the last place even
    /// with the highest base level is not scored further (tested first with
    /// the largest length prior, then with its own, which costs a `pow`).
    func best(_ limit: Int, by scoring: Scoring, cancellation: Cancellation = .never) throws(MnemoError) -> TopK<UInt32> {
        var top = TopK<UInt32>(limit)
        for (k, n) in touched.enumerated() {
            // After a far spread, hundreds of thousands of nodes are candidates.
            if k & 4095 == 4095 { try cancellation.check() }
            let flags = graph.flags(n)
            guard answers.admit(n, flags: flags, in: view), !exclusions.excludes(flags), scoring.admits(n, flags: flags, in: view) else { continue }
            let activation = entries[Int(n)].activation
            let linked = entries[Int(n)].linked
            let inWindow = scoring.inWindow(n, in: view)
            let boost = scoring.boost(linked: linked, inWindow: inWindow)
            if let last = top.last, scoring.cannotReach(last, activation: activation, boost: boost * scoring.lengthBound) { continue }
            let length = view.lengthFactor(n, exponent: scoring.lengthPrior)
            if let last = top.last, scoring.cannotReach(last, activation: activation, boost: boost * length) { continue }
            top.add((n, scoring.score(n, activation: activation, linked: linked, inWindow: inWindow, length: length, in: view)))
        }
        return top
    }

    // MARK: 5. Explain

    /// Where `n`'s activation came from: the path that carried the most of
    /// it and each seed's share (`ExplainTrace.explain`). Only for a recall
    /// made with a trace.
    func explain(_ n: UInt32) -> ExplainTrace.Explanation? {
        trace?.explain(n, activation: entries[Int(n)].activation, in: view, exclusions: exclusions, answers: answers.flags)
    }
}
