import RNNCore

/// Add-k smoothing (Laplace smoothing when k = 1): pretend every n-gram was seen k more times.
///
/// `p(w | h) = (c(h w) + k) / (c(h •) + k |V|)`, where `|V|` is the number of outcomes the
/// model predicts, ``Vocabulary/predictableCount`` (every id but `<s>`). `p(<s> | h) = 0`.
/// A context never seen gets the uniform distribution `1 / |V|`.
public struct AddK: LanguageModel {
  /// The counts the model reads.
  public let counts: NGramCounts
  /// The pseudo-count added to every n-gram (`k > 0`).
  public let k: Double

  /// Creates the model; `k = 1` is Laplace (add-one) smoothing.
  public init(counts: NGramCounts, k: Double = 1) {
    precondition(k > 0 && k.isFinite, "AddK: k must be positive and finite, got \(k)")
    self.counts = counts
    self.k = k
  }

  public var order: Int { counts.order }
  public var vocabularySize: Int { counts.vocabularySize }

  /// `(c(h w) + k) / (c(h •) + k |V|)` with `|V| = vocabularySize - 1`; 0 for `<s>`.
  public func probability(of word: Int, given context: ArraySlice<Int>) -> Double {
    if word == Vocabulary.startID { return 0 }
    // BEGIN SOLUTION 01.8 AddK.probability | Lectures/01-ngram-language-models.md §7
    let outcomes = Double(counts.vocabularySize - 1)
    guard let node = counts.node(forContext: context.suffix(order - 1)) else {
      return 1 / outcomes
    }
    let seen = Double(counts.count(of: word, after: node))
    let total = Double(counts.total(after: node))
    return (seen + k) / (total + k * outcomes)
    // END SOLUTION
  }
}
