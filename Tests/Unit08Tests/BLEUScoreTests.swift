import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum Unit08.BLEU

/// Exercise 08.14: `BLEU.score`, on statistics written by hand (so these tests do not depend on
/// exercise 08.13). Each expected value is worked out in a comment.
final class BLEUScoreTests: XCTestCase {
  let hint = "hint: check BLEU.score (exercise 08.14, Lectures/08-seq2seq.md §8)."

  func stats(_ matches: [Int], _ totals: [Int], c: Int, r: Int) -> BLEU.Statistics {
    BLEU.Statistics(matches: matches, totals: totals, hypothesisLength: c, referenceLength: r)
  }

  /// Every n-gram matches: all precisions are 1.
  func perfect(c: Int, r: Int) -> BLEU.Statistics {
    let totals = (1...4).map { max(0, c - $0 + 1) }
    return stats(totals, totals, c: c, r: r)
  }

  func testPerfectMatchScoresOne() throws {
    try exercise {
      for smoothing in [BLEU.Smoothing.none, .addOne] {
        assertClose(
          BLEU.score(self.perfect(c: 5, r: 5), smoothing: smoothing), 1, tolerance: 1e-12,
          "score when every n-gram matches and c = r (smoothing \(smoothing.rawValue))",
          hint: self.hint)
      }
    }
  }

  /// Precisions 3/4, 2/3, 1/2, 1/1 multiply to 1/4; the fourth root is 1/√2. (Their arithmetic
  /// mean would be 0.729.)
  func testGeometricMeanOfThePrecisions() throws {
    try exercise {
      let s = self.stats([3, 2, 1, 1], [4, 3, 2, 1], c: 4, r: 4)
      assertClose(
        BLEU.score(s), 1 / 2.0.squareRoot(), tolerance: 1e-12,
        "score of precisions 3/4, 2/3, 1/2, 1 with c = r",
        hint: "BLEU is the geometric mean of the precisions, times the brevity penalty. "
          + self.hint)
    }
  }

  /// With every precision 1 the score is the brevity penalty: 1 when c > r, exp(1 - r/c)
  /// otherwise. c/r = 1/2 gives exp(-1); 2/3 gives exp(-1/2); 1/4 gives exp(-3).
  func testBrevityPenaltyAtKnownRatios() throws {
    try exercise {
      let cases: [(c: Int, r: Int, expected: Double)] = [
        (5, 10, exp(-1)), (6, 9, exp(-0.5)), (4, 16, exp(-3)), (10, 10, 1), (12, 10, 1),
        (30, 7, 1),
      ]
      for (c, r, expected) in cases {
        assertClose(
          BLEU.score(self.perfect(c: c, r: r)), expected, tolerance: 1e-12,
          "brevity penalty for c = \(c), r = \(r) (all precisions 1)",
          hint: "only a hypothesis shorter than r is penalized; a longer one is not rewarded. "
            + self.hint)
      }
      // The penalty multiplies the geometric mean: 1/√2 · exp(1 - 8/4).
      assertClose(
        BLEU.score(self.stats([3, 2, 1, 1], [4, 3, 2, 1], c: 4, r: 8)), exp(-1) / 2.0.squareRoot(),
        tolerance: 1e-12, "score of precisions 3/4, 2/3, 1/2, 1 with c = 4, r = 8",
        hint: self.hint)
    }
  }

  /// No 4-gram match: 0 without smoothing. With add-one smoothing on the orders n ≥ 2 the
  /// precisions become 3/4, (1+1)/(3+1), (0+1)/(2+1), (0+1)/(1+1), whose product is 1/16 and
  /// fourth root 1/2; c = 4, r = 5 multiplies by exp(1 - 5/4) = exp(-1/4).
  func testNoFourGramMatchIsZeroUnlessSmoothed() throws {
    try exercise {
      let s = self.stats([3, 1, 0, 0], [4, 3, 2, 1], c: 4, r: 5)
      assertEqual(
        BLEU.score(s, smoothing: .none), 0, accuracy: 0,
        "score with no 3-gram or 4-gram match and no smoothing. \(self.hint)")
      assertClose(
        BLEU.score(s, smoothing: .addOne), 0.5 * exp(-0.25), tolerance: 1e-12,
        "score with add-one smoothing of the orders n ≥ 2 (see the comment)",
        hint: "add one to matches and totals of n ≥ 2 only; unigrams stay as they are. "
          + self.hint)
      assertGreater(
        BLEU.score(s, smoothing: .addOne), 0,
        "add-one smoothing gives a sentence without 4-gram matches a positive score. "
          + self.hint)
    }
  }

  /// Smoothing leaves unigram precision alone: no unigram match scores 0 either way.
  func testSmoothingDoesNotTouchUnigrams() throws {
    try exercise {
      let s = self.stats([0, 0, 0, 0], [3, 2, 1, 0], c: 3, r: 3)
      for smoothing in [BLEU.Smoothing.none, .addOne] {
        assertEqual(
          BLEU.score(s, smoothing: smoothing), 0, accuracy: 0,
          "score with no unigram match (smoothing \(smoothing.rawValue)). \(self.hint)")
      }
      // Unigram precision 2/4 stays 2/4: (2/4 · 2/4 · 1/3 · 1/2)^(1/4) = (1/24)^(1/4).
      let half = self.stats([2, 1, 0, 0], [4, 3, 2, 1], c: 4, r: 4)
      assertClose(
        BLEU.score(half, smoothing: .addOne), pow(1.0 / 24, 0.25), tolerance: 1e-12,
        "add-one score of unigram precision 2/4 (left unsmoothed)", hint: self.hint)
    }
  }

  /// A 2-token hypothesis has no 3-grams or 4-grams: 0 without smoothing. With add-one every
  /// higher order is (0+1)/(0+1) = 1, and the two tokens match perfectly: 1.
  func testHypothesisShorterThanTheMaxOrder() throws {
    try exercise {
      let s = self.stats([2, 1, 0, 0], [2, 1, 0, 0], c: 2, r: 2)
      assertEqual(
        BLEU.score(s, smoothing: .none), 0, accuracy: 0,
        "score of a 2-token hypothesis without smoothing (no 3-gram can match). \(self.hint)")
      assertClose(
        BLEU.score(s, smoothing: .addOne), 1, tolerance: 1e-12,
        "add-one score of a perfect 2-token hypothesis", hint: self.hint)
    }
  }

  func testEmptyHypothesisScoresZero() throws {
    try exercise {
      let s = self.stats([0, 0, 0, 0], [0, 0, 0, 0], c: 0, r: 3)
      for smoothing in [BLEU.Smoothing.none, .addOne] {
        assertEqual(
          BLEU.score(s, smoothing: smoothing), 0, accuracy: 0,
          "score of the empty hypothesis (smoothing \(smoothing.rawValue)). \(self.hint)")
      }
    }
  }

  /// The weights are 1/N for the N orders the statistics hold: √(3/4 · 1/3) = 1/2 for N = 2,
  /// and 3/4 for N = 1.
  func testOtherMaxOrders() throws {
    try exercise {
      assertClose(
        BLEU.score(self.stats([3, 1], [4, 3], c: 4, r: 4)), 0.5, tolerance: 1e-12,
        "score of precisions 3/4, 1/3 (N = 2)", hint: self.hint)
      assertClose(
        BLEU.score(self.stats([3], [4], c: 4, r: 4)), 0.75, tolerance: 1e-12,
        "score of precision 3/4 (N = 1)", hint: self.hint)
    }
  }

  /// NLTK's documentation example: (17/18 · 10/17 · 7/16 · 4/15)^(1/4) = (280/4320)^(1/4)
  /// = 0.5045666840058485, with c = r = 18 (see BLEUStatisticsTests for the counts).
  func testNLTKDocumentationExample() throws {
    try exercise {
      let s = self.stats([17, 10, 7, 4], [18, 17, 16, 15], c: 18, r: 18)
      assertClose(
        BLEU.score(s), 0.5045666840058485, tolerance: 1e-12,
        "score of NLTK's documentation example", hint: self.hint)
    }
  }

  /// A corpus sums the statistics, then scores once: a perfect sentence (score 1) and one with
  /// no trigram match (score 0) average 0.5, but their summed counts [9, 5, 2, 1] of
  /// [10, 8, 6, 4] with c = r = 10 score (9/10 · 5/8 · 2/6 · 1/4)^(1/4) = 0.4653.
  func testCorpusStatisticsAreSummedNotAveraged() throws {
    try exercise {
      let a = self.stats([4, 3, 2, 1], [4, 3, 2, 1], c: 4, r: 4)
      let b = self.stats([5, 2, 0, 0], [6, 5, 4, 3], c: 6, r: 6)
      assertClose(
        BLEU.score(a), 1, tolerance: 1e-12, "score of the perfect sentence", hint: self.hint)
      assertEqual(
        BLEU.score(b), 0, accuracy: 0, "score of the sentence without trigram matches. \(self.hint)"
      )
      assertClose(
        BLEU.score(self.stats([9, 5, 2, 1], [10, 8, 6, 4], c: 10, r: 10)), 0.4653024295510498,
        tolerance: 1e-12,
        "score of the summed statistics (not the mean 0.5 of the two sentence scores)",
        hint: self.hint)
    }
  }

  /// Random consistent statistics: scores lie in 0...1, smoothing never lowers a score, and
  /// a hypothesis at least as long as r is not penalized whatever r is.
  func testScoresOfRandomStatistics() throws {
    try exercise {
      var rng = RandomSource(seed: 8140)
      var inRange = true
      var smoothingHelps = true
      var noPenaltyWhenLong = true
      for _ in 0..<300 {
        let c = rng.int(below: 12)
        let totals = (1...4).map { max(0, c - $0 + 1) }
        let matches = totals.map { rng.int(below: $0 + 1) }
        let r = 1 + rng.int(below: 14)
        let s = self.stats(matches, totals, c: c, r: r)
        let plain = BLEU.score(s, smoothing: .none)
        let smoothed = BLEU.score(s, smoothing: .addOne)
        inRange = inRange && (0...1).contains(plain) && (0...1).contains(smoothed)
        smoothingHelps = smoothingHelps && smoothed >= plain
        if c > 0 {
          let unpenalized = BLEU.score(self.stats(matches, totals, c: c, r: c))
          let shorterReference = BLEU.score(self.stats(matches, totals, c: c, r: max(1, c / 2)))
          noPenaltyWhenLong =
            noPenaltyWhenLong
            && abs(unpenalized - shorterReference) <= 1e-12
        }
      }
      assertTrue(inRange, "every score lies in 0...1. \(self.hint)")
      assertTrue(smoothingHelps, "add-one smoothing never lowers a score. \(self.hint)")
      assertTrue(
        noPenaltyWhenLong,
        "a hypothesis as long as r or longer scores the same for any such r. \(self.hint)")
    }
  }
}
