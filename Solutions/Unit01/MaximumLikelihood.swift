import RNNCore

/// The maximum-likelihood n-gram model: relative frequencies, no smoothing.
///
/// `p(w | h) = c(h w) / c(h •)` for the full context `h` (the last ``order`` − 1 ids). An
/// n-gram never seen gets probability 0, and so does every word after a context never seen:
/// the model has no estimate there, and a test sentence that needs one gets probability 0 and
/// infinite perplexity.
public struct MaximumLikelihood: LanguageModel {
  /// The counts the model reads.
  public let counts: NGramCounts

  /// Creates the model of `counts` (its order is `counts.order`).
  public init(counts: NGramCounts) {
    self.counts = counts
  }

  public var order: Int { counts.order }
  public var vocabularySize: Int { counts.vocabularySize }

  /// `c(h w) / c(h •)`, or 0 if the context `h` was never seen.
  public func probability(of word: Int, given context: ArraySlice<Int>) -> Double {
    // BEGIN SOLUTION 01.5 MaximumLikelihood.probability | Lectures/01-ngram-language-models.md §5
    guard let node = counts.node(forContext: context.suffix(order - 1)) else { return 0 }
    let total = counts.total(after: node)
    return total == 0 ? 0 : Double(counts.count(of: word, after: node)) / Double(total)
    // END SOLUTION
  }
}
