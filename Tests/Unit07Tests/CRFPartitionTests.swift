import CourseTestSupport
import RNNCore
import XCTest

import struct Unit07.LinearChainCRF

/// Exercise 07.13: `LinearChainCRF.logPartition`, the forward algorithm in log space. The
/// expected values come from the test's own enumeration of all `K^n` sequences and its own
/// forward recursion, never from the CRF's `score`.
final class CRFPartitionTests: XCTestCase {
  let hint = CRFFixtures.hint("07.13", "LinearChainCRF.logPartition", section: 7)

  func testLogPartitionMatchesGoldenValue() throws {
    try exercise {
      let g = CRFFixtures.golden()
      assertClose(
        g.crf.logPartition(emissions: g.emissions), CRFGoldenValues.logPartition,
        tolerance: 1e-12, "log Z of the golden CRF", hint: self.hint)
    }
  }

  func testLogPartitionEqualsEnumerationOfAllSequences() throws {
    try exercise {
      var rng = RandomSource(seed: 7130)
      for (n, k) in CRFFixtures.bruteForceShapes {
        let crf = CRFFixtures.random(tagCount: k, rng: &rng)
        let emissions = Matrix.gaussian(n, k, std: 1.5, rng: &rng)
        assertClose(
          crf.logPartition(emissions: emissions), CRFFixtures.bruteForce(crf, emissions).logZ,
          tolerance: 1e-11, "log Z for n = \(n), K = \(k) against all \(k)^\(n) sequences",
          hint: "log Z sums exp(score) over every sequence, start and end scores included. "
            + self.hint)
      }
    }
  }

  /// For `n = 1` there are no transitions: `log Z = log Σ_j exp(start[j] + E[0,j] + end[j])`.
  /// For `n = 0` there is one sequence, the empty one, of score 0.
  func testEmptyAndOneTokenSentences() throws {
    try exercise {
      let g = CRFFixtures.golden()
      assertEqual(
        g.crf.logPartition(emissions: .zeros(0, 4)), 0, accuracy: 0,
        "log Z of the empty sentence. \(self.hint)")
      let one = g.emissions.rows(1..<2)
      assertClose(
        g.crf.logPartition(emissions: one),
        CRFFixtures.logSumExp((0..<4).map { g.crf.start[0, $0] + one[0, $0] + g.crf.end[0, $0] }),
        tolerance: 1e-12, "log Z of a one-token sentence", hint: self.hint)
    }
  }

  /// Adding `c` to every emission of one token adds `c` to every score, so `log Z` grows by
  /// exactly `c`, however large; likewise for the start scores, and `(n - 1) c` for all
  /// transitions. Scores of ±1000 overflow `exp` unless the algorithm stays in log space.
  func testShiftIdentitiesHoldForHugeScores() throws {
    try exercise {
      var rng = RandomSource(seed: 7131)
      let crf = CRFFixtures.random(tagCount: 4, rng: &rng)
      let emissions = Matrix.gaussian(6, 4, rng: &rng)
      let base = crf.logPartition(emissions: emissions)
      assertClose(base, CRFFixtures.logPartition(crf, emissions), tolerance: 1e-12, "log Z")
      for (row, c) in [(0, 1000.0), (3, -1000.0), (5, 1000.0)] {
        let value = crf.logPartition(emissions: CRFFixtures.shifted(emissions, row: row, by: c))
        assertFinite(value, "log Z with \(c) added to row \(row)")
        assertClose(
          value, base + c, tolerance: 1e-12,
          "log Z with \(c) added to every emission of row \(row)",
          hint: "work in log space: log-sum-exp, never exp of a raw score. " + self.hint)
      }
      var shiftedStart = crf
      shiftedStart.start = CRFFixtures.shifted(crf.start, by: 1000)
      assertClose(
        shiftedStart.logPartition(emissions: emissions), base + 1000, tolerance: 1e-12,
        "log Z with 1000 added to every start score", hint: self.hint)
      var shiftedTransitions = crf
      shiftedTransitions.transitions = CRFFixtures.shifted(crf.transitions, by: -1000)
      assertClose(
        shiftedTransitions.logPartition(emissions: emissions), base - 5000, tolerance: 1e-12,
        "log Z with -1000 added to every transition (5 transitions per sequence)",
        hint: self.hint)
    }
  }

  /// Emissions of ±1000 spread over the tags: one sequence dominates, and `log Z` must still
  /// agree with the test's log-space forward recursion.
  func testHugeScoresStayFinite() throws {
    try exercise {
      var rng = RandomSource(seed: 7132)
      let crf = CRFFixtures.random(tagCount: 3, scale: 2, rng: &rng)
      let emissions = Matrix.uniform(8, 3, low: -1000, high: 1000, rng: &rng)
      let value = crf.logPartition(emissions: emissions)
      assertFinite(value, "log Z with emissions of ±1000")
      assertClose(
        value, CRFFixtures.logPartition(crf, emissions), tolerance: 1e-12,
        "log Z with emissions of ±1000", hint: self.hint)
    }
  }

  /// A sentence of 200 tokens: `K^n` sequences are far too many to enumerate and `Z` itself
  /// overflows a Double, but `log Z` is an ordinary number.
  func testLongSentence() throws {
    try exercise {
      var rng = RandomSource(seed: 7133)
      let crf = CRFFixtures.random(tagCount: 4, rng: &rng)
      let emissions = Matrix.gaussian(200, 4, std: 2, rng: &rng)
      let value = crf.logPartition(emissions: emissions)
      assertFinite(value, "log Z of a 200-token sentence")
      assertClose(
        value, CRFFixtures.logPartition(crf, emissions), tolerance: 1e-11,
        "log Z of a 200-token sentence",
        hint: "O(n K²) forward recursion in log space. " + self.hint)
    }
  }
}
