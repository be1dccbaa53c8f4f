import Foundation
import RNNCore

/// BLEU (Papineni et al., 2002): how many of a translation's n-grams, n = 1 ... N, occur in
/// human reference translations, with a penalty for translations shorter than the references.
///
/// Scores are fractions in `0...1` (tools such as sacreBLEU print them times 100). Tokens are
/// compared exactly (case-sensitive); tokenize hypotheses and references the same way.
///
/// Corpus BLEU is not the mean of sentence scores: the counts of every sentence are summed
/// first (``Statistics/+(_:_:)``), then scored once, so a long sentence weighs more than a
/// short one and one sentence with no 4-gram match does not zero the corpus.
public enum BLEU {
  /// The counts BLEU is computed from, for one hypothesis or, summed, for a corpus.
  public struct Statistics: Equatable, Sendable {
    /// `matches[n-1]`: clipped matches of the hypothesis's n-grams, `n = 1 ... N`.
    public var matches: [Int]
    /// `totals[n-1]`: the number of n-grams in the hypothesis, `max(0, c - n + 1)`.
    public var totals: [Int]
    /// `c`: the hypothesis's length in tokens.
    public var hypothesisLength: Int
    /// `r`: the length of the reference closest in length to the hypothesis (the shorter one
    /// when two are equally close).
    public var referenceLength: Int

    public init(matches: [Int], totals: [Int], hypothesisLength: Int, referenceLength: Int) {
      self.matches = matches
      self.totals = totals
      self.hypothesisLength = hypothesisLength
      self.referenceLength = referenceLength
    }

    /// The maximum n-gram order `N`.
    public var maxOrder: Int { matches.count }

    /// All zero counts for n-grams up to `maxOrder` (the start of a corpus sum).
    public static func zero(maxOrder: Int) -> Statistics {
      Statistics(
        matches: Array(repeating: 0, count: maxOrder), totals: Array(repeating: 0, count: maxOrder),
        hypothesisLength: 0, referenceLength: 0)
    }

    /// Element-wise sum: the statistics of two corpora together.
    public static func + (a: Statistics, b: Statistics) -> Statistics {
      precondition(
        a.matches.count == b.matches.count && a.totals.count == b.totals.count,
        "BLEU.Statistics: cannot add statistics of orders \(a.matches.count) and "
          + "\(b.matches.count)")
      return Statistics(
        matches: zip(a.matches, b.matches).map { $0 + $1 },
        totals: zip(a.totals, b.totals).map { $0 + $1 },
        hypothesisLength: a.hypothesisLength + b.hypothesisLength,
        referenceLength: a.referenceLength + b.referenceLength)
    }
  }

  /// How precisions of zero are treated.
  public enum Smoothing: String, Sendable {
    /// None: a single n-gram order without a match makes the score 0 (the usual corpus BLEU).
    case none
    /// Add one to the matches and the totals of every order `n ≥ 2` (Lin and Och, 2004), so a
    /// sentence with no 4-gram match still gets a score; unigram precision is left as it is.
    case addOne
  }

  /// The BLEU statistics of one hypothesis against its references.
  ///
  /// An n-gram is a run of `n` consecutive tokens. Each n-gram of the hypothesis (counted with
  /// its repetitions) matches at most as many times as it occurs in the one reference where it
  /// occurs most often (*clipping*: "the the the" against the references "the cat" and "the
  /// dog" has one unigram match, not three and not two).
  ///
  /// - Parameters:
  ///   - hypothesis: the translation's tokens (may be empty).
  ///   - references: one or more reference translations' tokens.
  ///   - maxOrder: `N`, the longest n-grams counted (at least 1; 4 for the usual BLEU).
  /// - Returns: `N` match counts and totals, the hypothesis's length `c`, and the reference
  ///   length `r` closest to `c` (the shorter on ties).
  public static func statistics(
    hypothesis: [String], references: [[String]], maxOrder: Int = 4
  ) -> Statistics {
    precondition(maxOrder >= 1, "BLEU.statistics: maxOrder is \(maxOrder), it must be at least 1")
    precondition(!references.isEmpty, "BLEU.statistics: no reference translation")
    // Exercise 08.13: BLEU.statistics.
    // Read Lectures/08-seq2seq.md §8, then replace this stub with your code.
    notImplemented("08.13", "BLEU.statistics", lecture: "Lectures/08-seq2seq.md §8")
  }

  /// The BLEU score of statistics (one sentence's or a corpus's sum).
  ///
  /// The geometric mean of the n-gram precisions `p_n = matches / totals` for `n = 1 ... N`
  /// (uniform weights `1/N`), times the brevity penalty `BP = 1` when `c > r` and
  /// `exp(1 - r/c)` otherwise. The score is 0 when `c = 0`, and, without smoothing, when some
  /// order has no match (including an order the hypothesis is too short to have). With
  /// ``Smoothing/addOne`` every order `n ≥ 2` uses `(matches + 1) / (totals + 1)` instead.
  ///
  /// - Parameters:
  ///   - statistics: the counts, `N = statistics.maxOrder` orders.
  ///   - smoothing: what to do with orders that have no match.
  /// - Returns: the score, in `0...1`.
  public static func score(_ statistics: Statistics, smoothing: Smoothing = .none) -> Double {
    precondition(
      statistics.matches.count == statistics.totals.count && !statistics.matches.isEmpty,
      "BLEU.score: \(statistics.matches.count) match counts for \(statistics.totals.count) totals")
    // Exercise 08.14: BLEU.score.
    // Read Lectures/08-seq2seq.md §8, then replace this stub with your code.
    notImplemented("08.14", "BLEU.score", lecture: "Lectures/08-seq2seq.md §8")
  }

  /// Corpus BLEU: the statistics of every hypothesis against its own references, summed, then
  /// scored once.
  ///
  /// - Parameters:
  ///   - hypotheses: the translations' tokens, one per sentence.
  ///   - references: for each sentence, one or more references' tokens.
  public static func corpus(
    hypotheses: [[String]], references: [[[String]]], maxOrder: Int = 4,
    smoothing: Smoothing = .none
  ) -> Double {
    precondition(
      hypotheses.count == references.count,
      "BLEU.corpus: \(hypotheses.count) hypotheses for \(references.count) reference sets")
    var total = Statistics.zero(maxOrder: maxOrder)
    for (hypothesis, sentenceReferences) in zip(hypotheses, references) {
      total =
        total
        + statistics(hypothesis: hypothesis, references: sentenceReferences, maxOrder: maxOrder)
    }
    return score(total, smoothing: smoothing)
  }

  /// Sentence BLEU: one hypothesis scored on its own, smoothed by default (a single sentence
  /// often has no 4-gram match, which would make the unsmoothed score 0).
  public static func sentence(
    hypothesis: [String], references: [[String]], maxOrder: Int = 4,
    smoothing: Smoothing = .addOne
  ) -> Double {
    score(
      statistics(hypothesis: hypothesis, references: references, maxOrder: maxOrder),
      smoothing: smoothing)
  }
}
