import CourseTestSupport
import RNNCore
import XCTest

import struct Unit07.LinearChainCRF

/// Exercise 07.12: `LinearChainCRF.score`, the score of one tag sequence.
final class CRFScoreTests: XCTestCase {
  let hint = CRFFixtures.hint("07.12", "LinearChainCRF.score", section: 7)

  func testScoreMatchesGoldenValue() throws {
    try exercise {
      let g = CRFFixtures.golden()
      assertClose(
        g.crf.score(emissions: g.emissions, tags: g.tags), CRFGoldenValues.score,
        tolerance: 1e-12, "score of tags \(g.tags) on the golden CRF", hint: self.hint)
    }
  }

  /// Two tags, two tokens, every score written out: `start[1] + E[0,1] + A[1,0] + E[1,0] +
  /// end[0] = -0.2 + 2 + 2 + 3 + 0.3 = 7.1`. Reading `A[0,1]` (-1) instead gives 4.1.
  func testHandWorkedScore() throws {
    try exercise {
      let crf = LinearChainCRF(
        transitions: Matrix([[0.5, -1], [2, 0.25]]), start: Matrix([[0.1, -0.2]]),
        end: Matrix([[0.3, 0.05]]))
      let emissions = Matrix([[1, 2], [3, 4]])
      assertClose(
        crf.score(emissions: emissions, tags: [1, 0]), 7.1, tolerance: 1e-12,
        "score of tags [1, 0]: start[1] + E[0,1] + A[1,0] + E[1,0] + end[0]",
        hint: "A[i, j] scores tag j right after tag i. " + self.hint)
      assertClose(
        crf.score(emissions: emissions, tags: [0, 0]), 0.1 + 1 + 0.5 + 3 + 0.3, tolerance: 1e-12,
        "score of tags [0, 0]", hint: self.hint)
    }
  }

  /// Every sequence of length 4 over 3 tags against the test's own formula.
  func testEverySequenceMatchesTheFormula() throws {
    try exercise {
      var rng = RandomSource(seed: 7121)
      let crf = CRFFixtures.random(tagCount: 3, rng: &rng)
      let emissions = Matrix.gaussian(4, 3, rng: &rng)
      for tags in CRFFixtures.allSequences(length: 4, tagCount: 3) {
        let actual = crf.score(emissions: emissions, tags: tags)
        let expected = CRFFixtures.score(crf, emissions, tags)
        if abs(actual - expected) > 1e-12 * max(1, abs(expected)) {
          assertClose(
            actual, expected, tolerance: 1e-12, "score of tags \(tags)",
            hint: "start[y_0] + Σ_t E[t, y_t] + Σ_{t≥1} A[y_{t-1}, y_t] + end[y_{n-1}]. "
              + self.hint)
          return
        }
      }
      assertTrue(true, "all 81 sequences score as the formula says")
    }
  }

  func testEmptyAndOneTokenSentences() throws {
    try exercise {
      let g = CRFFixtures.golden()
      assertEqual(
        g.crf.score(emissions: .zeros(0, 4), tags: []), 0, accuracy: 0,
        "score of the empty sentence. \(self.hint)")
      let one = g.emissions.rows(0..<1)
      for tag in 0..<4 {
        assertClose(
          g.crf.score(emissions: one, tags: [tag]),
          g.crf.start[0, tag] + one[0, tag] + g.crf.end[0, tag], tolerance: 1e-12,
          "score of the one-token sentence [\(tag)]: start, emission and end, no transition",
          hint: self.hint)
      }
    }
  }

  /// The start score goes with the first tag and the end score with the last.
  func testStartAndEndScoresBelongToTheFirstAndLastTag() throws {
    try exercise {
      var crf = LinearChainCRF(tagCount: 3)
      crf.start[0, 2] = 5
      crf.end[0, 1] = 7
      let emissions = Matrix.zeros(3, 3)
      assertClose(
        crf.score(emissions: emissions, tags: [2, 0, 1]), 12, tolerance: 1e-12,
        "start[2] + end[1] for tags [2, 0, 1]", hint: self.hint)
      assertClose(
        crf.score(emissions: emissions, tags: [1, 0, 2]), 0, tolerance: 1e-12,
        "no start or end score for tags [1, 0, 2] (start[1] = end[2] = 0)", hint: self.hint)
    }
  }
}
