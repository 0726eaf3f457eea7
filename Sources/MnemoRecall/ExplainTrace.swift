/// What `explain` needs of a recall beyond its activations, and the
/// explanation of one result worked out from it (`explain(_:activation:in:)`).
///
/// Spreading is linear once it is known which nodes fired in which hop: a
/// node fires what reached it in the hop before (a seed, its seed activation),
/// and each neighbour receives that × decay ÷ fan × the edge's weight;
/// contiguity adds a share of a strong episode's activation. So a result's
/// activation is a sum over the seeds of what each one's activation became
/// along the paths it took. The recall records only who fired in each hop
/// and how much (one dictionary a hop), the seeds, and the strong episodes;
/// `explain` then walks back from the result through those hops, summing to
/// give each seed its share and keeping the maximum to find the single path
/// that carried the most. A recall without `explain` records nothing.
struct ExplainTrace {
    /// A seed: a node given activation of its own before any spread.
    struct Origin {
        var node: UInt32
        var kind: Seed
        /// The activation it was given.
        var amount: Double
        /// For an entity seed, its place among `RecallCues.entities`.
        var entity: Int?
    }

    /// One result explained: its activation (before base level and boosts),
    /// the path that carried the most of it, and what each seed gave.
    struct Explanation {
        var activation: Double
        /// The strongest path, from its seed's node to the result, and the
        /// share of the activation that reached the result along it.
        var path: (origin: Origin, via: [UInt32], share: Double)?
        /// Every seed that gave the result something, with its share, largest first.
        var seeds: [(origin: Origin, share: Double)]
    }

    let decay: Double
    let minShare: Double
    let contiguity: Double
    let contiguitySpan: Int
    let contiguityFalloff: Double
    private(set) var origins: [Origin] = []
    /// For each hop, the nodes that fired in it and what each fired.
    private(set) var fired: [[UInt32: Double]] = []
    /// The episodes whose turns before and after received contiguity.
    private(set) var strong: [UInt32] = []

    init(_ settings: RecallSettings) {
        decay = settings.decay
        minShare = settings.minShare
        contiguity = settings.contiguity
        contiguitySpan = settings.contiguitySpan
        contiguityFalloff = settings.contiguityFalloff
    }

    mutating func seeded(_ origin: Origin) { origins.append(origin) }

    /// Records a hop's firing nodes, after the threshold: `frontier`'s nodes are distinct.
    mutating func fire(_ frontier: [(UInt32, Double)]) { fired.append(Dictionary(frontier, uniquingKeysWith: +)) }

    mutating func contiguous(from episodes: [UInt32]) { strong = episodes }

    /// Explains result `r`, whose activation is `activation`: walks back from
    /// it hop by hop. At hop h, a unit delivered to a node `t` is worth to the
    /// result `ends[t]` (1 for the result itself, its contiguity share for a
    /// strong episode near it) plus what `t` fires in hop h + 1 is worth; a node
    /// `n` that fired in hop h passes decay ÷ fan(n) × weight of that to each
    /// neighbour it could reach. The edges go both ways with the same weight,
    /// so a node's senders are among its own neighbours.
    /// (`answers`: the flags of what the last hop delivers to.)
    func explain(
        _ r: UInt32, activation: Double, in view: GraphIndex.View, exclusions: Activation.Exclusions, answers: GraphIndex.Flags
    ) -> Explanation {
        var ends: [UInt32: Double] = [r: 1]
        for c in strong {
            guard let near = view.timeNeighbors(of: c, within: contiguitySpan).first(where: { $0.episode == r }) else { continue }
            ends[c, default: 0] += Activation.contiguityShare(contiguity, falloff: contiguityFalloff, distance: near.distance)
        }
        let depth = fired.count
        // What a unit fired by a node in the next hop brings the result, summed
        // over paths (`sums`) and along the best one (`best`, `next`), by hop.
        var sums: [UInt32: Double] = [:]
        var best: [[UInt32: Double]] = Array(repeating: [:], count: depth + 1)
        var next: [[UInt32: UInt32]] = Array(repeating: [:], count: depth)
        for hop in stride(from: depth - 1, through: 0, by: -1) {
            let last = hop == depth - 1
            var worth: [UInt32: (sum: Double, best: Double)] = [:]
            for (t, e) in ends { worth[t] = (e, e) }
            for (t, s) in sums { worth[t, default: (0, 0)].sum += s }
            for (t, b) in best[hop + 1] { worth[t, default: (0, 0)].best = max(worth[t]?.best ?? 0, b) }
            var firedSums: [UInt32: Double] = [:]
            // In node order, so that equal paths resolve alike from run to run.
            for t in worth.keys.sorted() {
                let flags = view.flags(t)
                if (last && flags.isDisjoint(with: answers)) || exclusions.excludes(flags) { continue }
                let value = worth[t]!
                view.forEachNeighbor(of: t) { n, w in
                    guard let amount = fired[hop][n] else { return }
                    let fan = view.fan(n)
                    // The same test as the spread's, on the same figures.
                    if fan == 0 || (last && amount * decay / Double(fan) < minShare) { return }
                    let factor = decay / Double(fan) * Double(w)
                    firedSums[n, default: 0] += factor * value.sum
                    let carried = factor * value.best
                    if carried > best[hop][n] ?? 0 {
                        best[hop][n] = carried
                        next[hop][n] = t
                    }
                }
            }
            sums = firedSums
        }

        var seeds: [(origin: Origin, share: Double)] = []
        var strongest: (origin: Origin, carried: Double, spreads: Bool)?
        for origin in origins {
            let own = ends[origin.node] ?? 0
            // (`sums` and `best[0]` hold only nodes that fired in the first hop.)
            let given = origin.amount * (own + (sums[origin.node] ?? 0))
            if given > 0 { seeds.append((origin, given / activation)) }
            let further = best[0][origin.node] ?? 0
            let carried = origin.amount * max(own, further)
            if carried > strongest?.carried ?? 0 { strongest = (origin, carried, further > own) }
        }
        seeds.sort { $0.share != $1.share ? $0.share > $1.share : $0.origin.node < $1.origin.node }
        guard let strongest else { return Explanation(activation: activation, path: nil, seeds: seeds) }
        // Forward along the best choices: at each node, go on if that carries
        // more than ending there; ending at a strong episode next to the
        // result takes the contiguity step to it.
        var via = [strongest.origin.node]
        var spreads = strongest.spreads
        var hop = 0
        while spreads, let t = next[hop][via.last!] {
            via.append(t)
            hop += 1
            spreads = hop < depth && (best[hop][t] ?? 0) > (ends[t] ?? 0)
        }
        if via.last != r { via.append(r) }
        return Explanation(activation: activation, path: (strongest.origin, via, strongest.carried / activation), seeds: seeds)
    }
}
