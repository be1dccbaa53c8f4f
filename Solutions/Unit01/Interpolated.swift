import RNNCore

/// Linear interpolation of all orders (Jelinek-Mercer smoothing), weights tuned on held-out data.
///
/// `p(w | h) = λ₀ / |V| + λ₁ p̃₁(w) + λ₂ p̃₂(w | w₋₁) + … + λₙ p̃ₙ(w | w₋ₙ₊₁ … w₋₁)`
///
/// with weights `λ₀ … λₙ` that are non-negative and sum to 1. Component 0 is uniform over the
/// `|V| = vocabularySize − 1` predictable ids, so no token ever gets probability 0.
/// Component `k ≥ 1` is the maximum-likelihood estimate of order `k`, `c(h w) / c(h •)` for the
/// last `k − 1` context ids, **or, if that context was never seen, component `k − 1`** (the
/// weight of an order with no data falls through to the order below). Every component is a
/// distribution over the predictable ids, so the mixture is one too.
public struct Interpolated: LanguageModel {
  /// The counts the model reads.
  public let counts: NGramCounts
  /// `λ₀ … λₙ`: ``order`` + 1 non-negative weights that sum to 1 (index = order, 0 = uniform).
  public let weights: [Double]

  /// Creates the model with explicit weights (``order`` + 1 of them, non-negative, summing
  /// to 1 within 1e-9).
  public init(counts: NGramCounts, weights: [Double]) {
    precondition(
      weights.count == counts.order + 1,
      "Interpolated: \(weights.count) weights for order \(counts.order); need \(counts.order + 1)")
    precondition(
      weights.allSatisfy { $0 >= 0 } && abs(weights.reduce(0, +) - 1) < 1e-9,
      "Interpolated: weights must be non-negative and sum to 1, got \(weights)")
    self.counts = counts
    self.weights = weights
  }

  /// Creates the model with weights fitted by ``fitWeights(components:iterations:)`` to
  /// maximize the likelihood of `heldOut` (id sentences that are **not** in `counts`; tuning on
  /// the training data would put all weight on the highest order).
  public init(counts: NGramCounts, heldOut: [[Int]], iterations: Int = 100) {
    let model = Interpolated(
      counts: counts,
      weights: [Double](repeating: 1 / Double(counts.order + 1), count: counts.order + 1))
    var table: [[Double]] = []
    for ids in heldOut {
      let padded =
        [Int](repeating: Vocabulary.startID, count: counts.order - 1) + ids + [Vocabulary.endID]
      for i in (counts.order - 1)..<padded.count {
        table.append(model.components(of: padded[i], given: padded[..<i]))
      }
    }
    self.init(
      counts: counts, weights: Interpolated.fitWeights(components: table, iterations: iterations))
  }

  public var order: Int { counts.order }
  public var vocabularySize: Int { counts.vocabularySize }

  /// `Σₖ λₖ p̃ₖ(word | context)`; 0 for `<s>`.
  public func probability(of word: Int, given context: ArraySlice<Int>) -> Double {
    if word == Vocabulary.startID { return 0 }
    let parts = components(of: word, given: context)
    var p = 0.0
    for (weight, part) in zip(weights, parts) { p += weight * part }
    return p
  }

  /// The ``order`` + 1 component probabilities `[p̃₀, p̃₁, …, p̃ₙ]` of `word` (not `<s>`):
  /// `p̃₀ = 1 / (vocabularySize − 1)`, and for `k ≥ 1`, `p̃ₖ = c(h w) / c(h •)` where `h` is
  /// the last `k − 1` ids of `context`, or `p̃ₖ = p̃ₖ₋₁` if `h` was never seen.
  public func components(of word: Int, given context: ArraySlice<Int>) -> [Double] {
    // BEGIN SOLUTION 01.9 Interpolated.components | Lectures/01-ngram-language-models.md §8
    let nodes = counts.contextNodes(context)
    var components = [1 / Double(counts.vocabularySize - 1)]
    for k in 1...counts.order {
      let total = k <= nodes.count ? counts.total(after: nodes[k - 1]) : 0
      if total > 0 {
        components.append(Double(counts.count(of: word, after: nodes[k - 1])) / Double(total))
      } else {
        components.append(components[k - 1])
      }
    }
    return components
    // END SOLUTION
  }

  /// Mixture weights that maximize the held-out log-likelihood, by expectation-maximization.
  ///
  /// `components[t][k]` is the probability component `k` gives to held-out token `t` (every row
  /// has the same length `K`, and at least one positive entry). Starting from equal weights
  /// `1/K`, each iteration computes, for every token, how much of its probability each
  /// component is responsible for, `r[t][k] = λₖ p[t][k] / Σⱼ λⱼ p[t][j]`, and sets the new
  /// weight to the average responsibility, `λₖ = (1/T) Σₜ r[t][k]`. The log-likelihood never
  /// decreases. It stops after `iterations` rounds, or earlier once no weight moves by more
  /// than 1e-12.
  ///
  /// - Returns: `K` non-negative weights that sum to 1.
  public static func fitWeights(components: [[Double]], iterations: Int = 100) -> [Double] {
    precondition(!components.isEmpty, "Interpolated.fitWeights: no held-out tokens")
    let width = components[0].count
    precondition(
      width > 0 && components.allSatisfy { $0.count == width },
      "Interpolated.fitWeights: every row needs the same, positive number of components")
    // BEGIN SOLUTION 01.10 Interpolated.fitWeights | Lectures/01-ngram-language-models.md §8
    var weights = [Double](repeating: 1 / Double(width), count: width)
    for _ in 0..<iterations {
      var responsibility = [Double](repeating: 0, count: width)
      for row in components {
        var mixture = 0.0
        for k in 0..<width { mixture += weights[k] * row[k] }
        guard mixture > 0 else { continue }
        for k in 0..<width { responsibility[k] += weights[k] * row[k] / mixture }
      }
      let total = responsibility.reduce(0, +)
      let updated = responsibility.map { $0 / total }
      let change = zip(updated, weights).map { abs($0 - $1) }.max() ?? 0
      weights = updated
      if change < 1e-12 { break }
    }
    return weights
    // END SOLUTION
  }
}
