import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum Unit08.BLEU

/// Hidden tests of unit 08's BLEU exercises (08.13, 08.14): new hand cases, then random
/// sentences and statistics drawn from the grading seed against the test's own counting and
/// its own formula (a product of precisions and a root, rather than a sum of logarithms).
final class Unit08BLEUHiddenTests: XCTestCase {
  let statisticsHint = "hint: check BLEU.statistics (exercise 08.13, Lectures/08-seq2seq.md §8)."
  let scoreHint = "hint: check BLEU.score (exercise 08.14, Lectures/08-seq2seq.md §8)."

  static func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

  /// Counts of each n-gram, keyed by its tokens joined with a separator no token contains.
  static func ngrams(_ tokens: [String], _ n: Int) -> [String: Int] {
    guard n <= tokens.count else { return [:] }
    var counts: [String: Int] = [:]
    for i in 0...(tokens.count - n) {
      counts[tokens[i..<(i + n)].joined(separator: "\u{1F}"), default: 0] += 1
    }
    return counts
  }

  static func referenceStatistics(
    _ hypothesis: [String], _ references: [[String]], maxOrder: Int
  ) -> BLEU.Statistics {
    let c = hypothesis.count
    var matches: [Int] = []
    for n in 1...maxOrder {
      let refs = references.map { ngrams($0, n) }
      matches.append(
        ngrams(hypothesis, n).map { gram, count in
          min(count, refs.map { $0[gram] ?? 0 }.max() ?? 0)
        }.reduce(0, +))
    }
    let lengths = references.map(\.count).sorted()
    let r = lengths.min { abs($0 - c) < abs($1 - c) } ?? 0
    return BLEU.Statistics(
      matches: matches, totals: (1...maxOrder).map { max(0, c - $0 + 1) }, hypothesisLength: c,
      referenceLength: r)
  }

  static func referenceScore(_ s: BLEU.Statistics, addOne: Bool) -> Double {
    guard s.hypothesisLength > 0 else { return 0 }
    var product = 1.0
    for n in s.matches.indices {
      let extra = addOne && n > 0 ? 1 : 0
      product *= Double(s.matches[n] + extra) / Double(max(1, s.totals[n] + extra))
    }
    let penalty = min(1, exp(1 - Double(s.referenceLength) / Double(s.hypothesisLength)))
    return penalty * pow(product, 1 / Double(s.matches.count))
  }

  /// "a a b b" against "a b a" and "b b": unigrams a 2 (first reference) and b 2 (second),
  /// bigrams "a b" (first) and "b b" (second), no trigram; references of 3 and 2 tokens, so
  /// r = 3 for c = 4.
  func testStatisticsOnNewHandCases() throws {
    try exercise {
      let s = BLEU.statistics(
        hypothesis: Self.words("a a b b"), references: [Self.words("a b a"), Self.words("b b")])
      assertEqual(
        s,
        BLEU.Statistics(
          matches: [4, 2, 0, 0], totals: [4, 3, 2, 1], hypothesisLength: 4, referenceLength: 3),
        "statistics of a a b b against \"a b a\" and \"b b\". \(self.statisticsHint)")
      let repeated = BLEU.statistics(
        hypothesis: Self.words("x y x y x y"),
        references: [Self.words("x y x y"), Self.words("y x y x y x y x")], maxOrder: 3)
      // x y ×3 against 2 and 3 occurrences: 3; y x ×2 against 1 and 4: 2 → 5 bigrams.
      assertEqual(
        repeated.matches, [6, 5, 4],
        "matches of x y x y x y (each n-gram clipped in its own best reference). "
          + self.statisticsHint)
      assertEqual(
        repeated.referenceLength, 4,
        "r for c = 6 and references of 4 and 8 tokens. \(self.statisticsHint)")
    }
  }

  func testStatisticsOfRandomSentences() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8301))
      for case_ in 0..<150 {
        let vocabulary = (0..<(2 + rng.int(below: 5))).map { "w\($0)" }
        func sentence() -> [String] {
          (0..<rng.int(below: 13)).map { _ in vocabulary[rng.int(below: vocabulary.count)] }
        }
        let hypothesis = sentence()
        let references = (0..<(1 + rng.int(below: 4))).map { _ in sentence() }
        let maxOrder = 1 + rng.int(below: 5)
        let expected = Self.referenceStatistics(hypothesis, references, maxOrder: maxOrder)
        let actual = BLEU.statistics(
          hypothesis: hypothesis, references: references, maxOrder: maxOrder)
        assertEqual(
          actual, expected, "statistics of random sentence \(case_). \(self.statisticsHint)")
      }
    }
  }

  func testScoresOfRandomStatistics() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8302))
      for case_ in 0..<150 {
        let maxOrder = 1 + rng.int(below: 5)
        let c = rng.int(below: 15)
        let totals = (1...maxOrder).map { max(0, c - $0 + 1) }
        let matches = totals.map { $0 - rng.int(below: $0 / 2 + 1) }
        let s = BLEU.Statistics(
          matches: matches, totals: totals, hypothesisLength: c,
          referenceLength: 1 + rng.int(below: 18))
        for smoothing in [BLEU.Smoothing.none, .addOne] {
          assertClose(
            BLEU.score(s, smoothing: smoothing),
            Self.referenceScore(s, addOne: smoothing == .addOne), tolerance: 1e-12,
            "score of random statistics \(case_) (smoothing \(smoothing.rawValue))",
            hint: self.scoreHint)
        }
      }
    }
  }

  /// Integration of 08.13 and 08.14: corpus BLEU is the score of the summed statistics.
  func testCorpusScoreOfRandomCorpora() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8303))
      let vocabulary = ["a", "b", "c", "d"]
      for case_ in 0..<20 {
        var hypotheses: [[String]] = []
        var references: [[[String]]] = []
        for _ in 0..<(1 + rng.int(below: 6)) {
          let base = (0..<(3 + rng.int(below: 8))).map { _ in vocabulary[rng.int(below: 4)] }
          hypotheses.append(
            base.map { rng.int(below: 4) == 0 ? vocabulary[rng.int(below: 4)] : $0 })
          references.append(
            (0..<(1 + rng.int(below: 3))).map { _ in
              Array(base.prefix(base.count - rng.int(below: 3)))
            })
        }
        var matches = [0, 0, 0, 0]
        var totals = [0, 0, 0, 0]
        var c = 0
        var r = 0
        for (h, refs) in zip(hypotheses, references) {
          let s = Self.referenceStatistics(h, refs, maxOrder: 4)
          matches = zip(matches, s.matches).map { $0 + $1 }
          totals = zip(totals, s.totals).map { $0 + $1 }
          c += s.hypothesisLength
          r += s.referenceLength
        }
        let expected = Self.referenceScore(
          BLEU.Statistics(
            matches: matches, totals: totals, hypothesisLength: c, referenceLength: r),
          addOne: false)
        assertClose(
          BLEU.corpus(hypotheses: hypotheses, references: references), expected,
          tolerance: 1e-12, "corpus BLEU of random corpus \(case_)",
          hint: "the corpus score sums every sentence's statistics, then scores once; check "
            + "BLEU.statistics and BLEU.score (exercises 08.13 and 08.14, "
            + "Lectures/08-seq2seq.md §8).")
      }
    }
  }
}
