import CourseTestSupport
import RNNCore
import XCTest

import struct Unit07.LinearChainCRF

/// Exercise 07.14: `LinearChainCRF.marginals`, `P(y_t = k | x)` by forward-backward. The
/// expected values come from the test's own enumeration and recursions.
final class CRFMarginalTests: XCTestCase {
  let hint = CRFFixtures.hint("07.14", "LinearChainCRF.marginals", section: 8)

  func assertRowsSumToOne(
    _ m: Matrix, _ what: String, file: StaticString = #filePath, line: UInt = #line
  ) {
    for t in 0..<m.rows {
      let sum = (0..<m.cols).reduce(0) { $0 + m[t, $1] }
      assertClose(
        sum, 1, tolerance: 1e-12, "\(what): row \(t) sum", hint: self.hint, file: file, line: line)
    }
  }

  func testMarginalsMatchGoldenValues() throws {
    try exercise {
      let g = CRFFixtures.golden()
      assertClose(
        g.crf.marginals(emissions: g.emissions),
        Matrix(rows: 5, cols: 4, values: CRFGoldenValues.marginals), tolerance: 1e-11,
        "marginals of the golden CRF", hint: self.hint)
    }
  }

  func testMarginalsEqualEnumerationOfAllSequences() throws {
    try exercise {
      var rng = RandomSource(seed: 7140)
      for (n, k) in CRFFixtures.bruteForceShapes {
        let crf = CRFFixtures.random(tagCount: k, rng: &rng)
        let emissions = Matrix.gaussian(n, k, std: 1.5, rng: &rng)
        let marginals = crf.marginals(emissions: emissions)
        assertClose(
          marginals, CRFFixtures.bruteForce(crf, emissions).marginals, tolerance: 1e-11,
          "marginals for n = \(n), K = \(k) against all \(k)^\(n) sequences",
          hint: "P(y_t = j) combines everything before t (alpha) and everything after it "
            + "(beta), end scores included. " + self.hint)
        self.assertRowsSumToOne(marginals, "marginals for n = \(n), K = \(k)")
      }
    }
  }

  func testEmptyAndOneTokenSentences() throws {
    try exercise {
      let g = CRFFixtures.golden()
      let empty = g.crf.marginals(emissions: .zeros(0, 4))
      assertEqual(empty.rows, 0, "rows of the marginals of an empty sentence. \(self.hint)")
      assertEqual(empty.cols, 4, "columns of the marginals of an empty sentence. \(self.hint)")
      let one = g.emissions.rows(2..<3)
      let scores = (0..<4).map { g.crf.start[0, $0] + one[0, $0] + g.crf.end[0, $0] }
      let logZ = CRFFixtures.logSumExp(scores)
      assertClose(
        g.crf.marginals(emissions: one), Matrix(row: scores.map { exp($0 - logZ) }),
        tolerance: 1e-12, "marginals of a one-token sentence: softmax(start + E + end)",
        hint: self.hint)
    }
  }

  /// Emissions of ±1000 and a sentence of 200 tokens: every marginal finite, every row summing
  /// to one, and equal to the test's log-space forward-backward.
  func testHugeScoresAndLongSentences() throws {
    try exercise {
      var rng = RandomSource(seed: 7141)
      let crf = CRFFixtures.random(tagCount: 3, scale: 2, rng: &rng)
      let huge = Matrix.uniform(7, 3, low: -1000, high: 1000, rng: &rng)
      let long = Matrix.gaussian(200, 3, std: 2, rng: &rng)
      // Near-ties at ±1000: two tags of one token 0.5 apart.
      var close = huge
      close[3, 1] = close[3, 0] + 0.5
      close[3, 2] = close[3, 0] - 0.25
      for (emissions, what) in [
        (huge, "emissions of ±1000"), (close, "emissions of ±1000 with a near tie"),
        (long, "a 200-token sentence"),
      ] {
        let marginals = crf.marginals(emissions: emissions)
        assertFinite(marginals, "marginals for \(what)")
        assertClose(
          marginals, CRFFixtures.marginals(crf, emissions), tolerance: 1e-10,
          "marginals for \(what)",
          hint: "stay in log space; subtract log Z before exp. " + self.hint)
        self.assertRowsSumToOne(marginals, "marginals for \(what)")
      }
    }
  }

  /// A CRF whose transitions forbid some moves: a tag after which only one tag may follow pins
  /// down the next marginal.
  func testForbiddenTransitionsHaveZeroProbability() throws {
    try exercise {
      // After tag 0 only tag 1 may follow (the others score -1000).
      var crf = LinearChainCRF(tagCount: 3)
      crf.transitions[0, 0] = -1000
      crf.transitions[0, 2] = -1000
      var emissions = Matrix.zeros(3, 3)
      emissions[0, 0] = 50  // the first token is almost surely tag 0
      let marginals = crf.marginals(emissions: emissions)
      assertClose(
        marginals[1, 1], 1, tolerance: 1e-12, "P(y_1 = 1) when y_0 = 0 allows only tag 1",
        hint: self.hint)
      assertEqual(
        marginals[1, 0] + marginals[1, 2], 0, accuracy: 1e-15,
        "P(y_1 ≠ 1) when y_0 = 0 allows only tag 1")
    }
  }
}
