import RNNCore

/// Interpolated Kneser-Ney smoothing with one absolute discount `D`.
///
/// Every level mixes a discounted estimate with the level below, from the uniform distribution
/// over the `|V| = vocabularySize − 1` predictable ids up to the full context:
///
///     p(w | h) = max(a(h w) − D, 0) / a(h •)  +  D · t(h) / a(h •) · p(w | h′)
///
/// where `h′` drops the oldest word of `h`, `p(w | ·)` below the empty context is `1 / |V|`, and
/// - at the **top order** (`h` has ``order`` − 1 words) `a` are the raw counts: `a(h w) = c(h w)`,
///   `a(h •) = c(h •)`, `t(h) = N1+(h •)`;
/// - at **every lower order** `a` are the continuation counts of ``ContinuationCounts``:
///   `a(h w) = N1+(• h w)`, `a(h •) = N1+(• h •)`, `t(h)` the number of `w` with
///   `N1+(• h w) > 0`.
///
/// The factor `D · t(h) / a(h •)` is exactly the mass the discount removed, so each level sums
/// to 1. A level whose context was never seen (`a(h •) = 0`) is skipped: `p(w | h) = p(w | h′)`.
/// `p(<s> | h) = 0`.
public struct KneserNey: LanguageModel {
  /// The raw counts.
  public let counts: NGramCounts
  /// The continuation counts of ``counts``.
  public let continuation: ContinuationCounts
  /// The absolute discount `D`, in `(0, 1)`.
  public let discount: Double

  /// Creates the model, computing the continuation counts of `counts` (exercise 01.12) unless
  /// they are given.
  public init(
    counts: NGramCounts, discount: Double = 0.75, continuation: ContinuationCounts? = nil
  ) {
    precondition(
      discount > 0 && discount < 1, "KneserNey: the discount must be in (0, 1), got \(discount)")
    self.counts = counts
    self.discount = discount
    self.continuation = continuation ?? ContinuationCounts.computed(from: counts)
  }

  public var order: Int { counts.order }
  public var vocabularySize: Int { counts.vocabularySize }

  /// The interpolated Kneser-Ney probability of `word` after `context`; 0 for `<s>`.
  public func probability(of word: Int, given context: ArraySlice<Int>) -> Double {
    if word == Vocabulary.startID { return 0 }
    // BEGIN SOLUTION 01.13 KneserNey.probability | Lectures/01-ngram-language-models.md §10
    var p = 1 / Double(counts.vocabularySize - 1)
    for node in counts.contextNodes(context) {
      let top = counts.depth(of: node) == counts.order - 1
      let seen: Int
      let total: Int
      let types: Int
      if top {
        seen = counts.count(of: word, after: node)
        total = counts.total(after: node)
        types = counts.distinctFollowers(of: node)
      } else {
        seen = continuation.count(of: word, after: node)
        total = continuation.total(after: node)
        types = continuation.distinctFollowers(of: node)
      }
      if total == 0 { continue }
      p = (max(Double(seen) - discount, 0) + discount * Double(types) * p) / Double(total)
    }
    return p
    // END SOLUTION
  }
}
