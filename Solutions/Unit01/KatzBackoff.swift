import RNNCore

/// Katz-style backoff with absolute discounting: a *normalized* backoff model.
///
/// For a context `h` (a node) with total `c(h •)`:
///
///     p(w | h) = (c(h w) − D) / c(h •)       if c(h w) > 0
///              = α(h) · p(w | h′)            otherwise
///
/// where `h′` drops the oldest word of `h`, and below the empty context sits the uniform
/// distribution over the `|V| = vocabularySize − 1` predictable ids. Subtracting `D` from every
/// seen count frees the mass `D · N1+(h •) / c(h •)`; the backoff weight
///
///     α(h) = (D · N1+(h •) / c(h •)) / (1 − Σ_{w seen after h} p(w | h′))
///
/// hands exactly that mass to the unseen words, in proportion to the lower order, so every
/// distribution sums to 1. (Katz's original model takes its discounts from Good-Turing
/// estimates instead of a constant `D`; stupid backoff skips α altogether and multiplies by a
/// constant 0.4, which gives scores that do **not** sum to 1.) Two edge cases:
/// - if every predictable id was seen after `h`, nothing is unseen: the counts there are used
///   undiscounted, `c(h w) / c(h •)`, and α(h) is unused (stored as 0);
/// - a context never seen backs off all the way: `p(w | h) = p(w | h′)` for the longest seen
///   suffix `h′` of `h`.
public struct KatzBackoff: LanguageModel {
  /// The counts the model reads.
  public let counts: NGramCounts
  /// The absolute discount `D`, in `(0, 1)`.
  public let discount: Double
  /// `α(h)` for every context node of ``counts`` (indexed by node).
  public let backoffWeights: [Double]

  /// Creates the model, computing the backoff weights with
  /// ``backoffWeights(counts:discount:)``.
  public init(counts: NGramCounts, discount: Double = 0.75) {
    self.init(
      counts: counts, discount: discount,
      backoffWeights: KatzBackoff.backoffWeights(counts: counts, discount: discount))
  }

  /// Creates the model from given backoff weights, one per context node.
  public init(counts: NGramCounts, discount: Double, backoffWeights: [Double]) {
    precondition(
      discount > 0 && discount < 1, "KatzBackoff: the discount must be in (0, 1), got \(discount)")
    precondition(
      backoffWeights.count == counts.nodeCount,
      "KatzBackoff: \(backoffWeights.count) backoff weights for \(counts.nodeCount) context nodes")
    self.counts = counts
    self.discount = discount
    self.backoffWeights = backoffWeights
  }

  public var order: Int { counts.order }
  public var vocabularySize: Int { counts.vocabularySize }

  /// `p(word | context)`, from the longest context of `context` that was seen; 0 for `<s>`.
  public func probability(of word: Int, given context: ArraySlice<Int>) -> Double {
    if word == Vocabulary.startID { return 0 }
    let node = counts.contextNodes(context).last ?? NGramCounts.root
    return KatzBackoff.probability(
      of: word, at: node, counts: counts, discount: discount, weights: backoffWeights)
  }

  /// `p(word | h)` for the context node `node`, by the recursion in the type's documentation.
  ///
  /// Reads `weights[m]` only for `node` and its ancestors `m`, so it can run while the weights
  /// of deeper nodes are still being computed.
  public static func probability(
    of word: Int, at node: Int, counts: NGramCounts, discount: Double, weights: [Double]
  ) -> Double {
    // BEGIN SOLUTION 01.11 KatzBackoff.probability | Lectures/01-ngram-language-models.md §9
    let outcomes = counts.vocabularySize - 1
    let seen = counts.count(of: word, after: node)
    if seen > 0 {
      let everySeen = counts.distinctFollowers(of: node) >= outcomes
      return (Double(seen) - (everySeen ? 0 : discount)) / Double(counts.total(after: node))
    }
    guard let shorter = counts.parent(of: node) else {
      return weights[node] / Double(outcomes)
    }
    return weights[node]
      * probability(of: word, at: shorter, counts: counts, discount: discount, weights: weights)
    // END SOLUTION
  }

  /// `α(h)` for every context node, indexed by node (0 where every predictable id was seen).
  ///
  /// Parents have smaller node ids than their children, so visiting the nodes in increasing id
  /// order makes the lower-order probabilities in α's denominator available when needed.
  public static func backoffWeights(counts: NGramCounts, discount: Double) -> [Double] {
    // BEGIN SOLUTION 01.11 KatzBackoff.backoffWeights | Lectures/01-ngram-language-models.md §9
    let outcomes = counts.vocabularySize - 1
    var weights = [Double](repeating: 0, count: counts.nodeCount)
    for node in 0..<counts.nodeCount {
      let types = counts.distinctFollowers(of: node)
      let total = Double(counts.total(after: node))
      guard types < outcomes, total > 0 else { continue }
      var lowerMassOfSeen = 0.0
      counts.forEachFollower(of: node) { word, _ in
        if let shorter = counts.parent(of: node) {
          lowerMassOfSeen += probability(
            of: word, at: shorter, counts: counts, discount: discount, weights: weights)
        } else {
          lowerMassOfSeen += 1 / Double(outcomes)
        }
      }
      let freed = discount * Double(types) / total
      weights[node] = freed / (1 - lowerMassOfSeen)
    }
    return weights
    // END SOLUTION
  }
}
