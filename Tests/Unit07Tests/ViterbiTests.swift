import CourseTestSupport
import RNNCore
import XCTest

import struct Unit07.LinearChainCRF

/// Exercise 07.16: `LinearChainCRF.viterbi`, the sequence of highest score. Scores are
/// continuous random numbers, so the best sequence is unique in the exact-path tests; where ties
/// are possible, any sequence of the highest score is accepted. Scores of returned paths are
/// computed by the test's own formula.
final class ViterbiTests: XCTestCase {
  let hint = CRFFixtures.hint("07.16", "LinearChainCRF.viterbi", section: 9)

  func testViterbiMatchesGoldenValues() throws {
    try exercise {
      let g = CRFFixtures.golden()
      let result = g.crf.viterbi(emissions: g.emissions)
      assertEqual(
        result.tags, CRFGoldenValues.viterbiTags, "best path of the golden CRF. \(self.hint)")
      assertClose(
        result.score, CRFGoldenValues.viterbiScore, tolerance: 1e-12,
        "best score of the golden CRF", hint: self.hint)
    }
  }

  func testViterbiEqualsEnumerationOfAllSequences() throws {
    try exercise {
      var rng = RandomSource(seed: 7160)
      for (n, k) in CRFFixtures.bruteForceShapes {
        for _ in 0..<3 {
          let crf = CRFFixtures.random(tagCount: k, scale: 1.5, rng: &rng)
          let emissions = Matrix.gaussian(n, k, rng: &rng)
          let expected = CRFFixtures.bruteForce(crf, emissions)
          let result = crf.viterbi(emissions: emissions)
          let label = "n = \(n), K = \(k)"
          assertEqual(
            result.tags, expected.best,
            "best path for \(label) (of all \(k)^\(n) sequences, score "
              + "\(expected.bestScore)). \(self.hint)")
          assertClose(
            result.score, expected.bestScore, tolerance: 1e-12, "best score for \(label)",
            hint: "the score includes start, transitions and end. " + self.hint)
        }
      }
    }
  }

  /// Strong transitions make the best path differ from the best tag of each token: tag 1 may
  /// only follow tag 1, and token 2 strongly prefers tag 1.
  func testTransitionsOverrulePerTokenChoices() throws {
    try exercise {
      var crf = LinearChainCRF(tagCount: 2)
      crf.transitions = Matrix([[0, -10], [-10, 2]])
      let emissions = Matrix([[1, 0], [1, 0], [0, 3]])
      // [0, 0, 1]: 1 + 1 + 0 - 10 + 3 = -5; [1, 1, 1]: 0 + 2 + 0 + 2 + 3 = 7; [0, 0, 0]: 2.
      let result = crf.viterbi(emissions: emissions)
      assertEqual(
        result.tags, [1, 1, 1],
        "best path when transitions outweigh the emissions: follow the back-pointers, not the "
          + "best tag of each token. \(self.hint)")
      assertClose(result.score, 7, tolerance: 1e-12, "score of [1, 1, 1]", hint: self.hint)
    }
  }

  /// The end scores decide the last tag here; the start scores the first.
  func testStartAndEndScoresDecide() throws {
    try exercise {
      var crf = LinearChainCRF(tagCount: 3)
      crf.end = Matrix([[0, 0, 4]])
      crf.start = Matrix([[0, 5, 0]])
      let emissions = Matrix([[2, 0, 0], [0, 0, 0], [1, 3, 0]])
      let result = crf.viterbi(emissions: emissions)
      assertEqual(result.tags.first, 1, "first tag when start[1] = 5 outweighs E[0,0] = 2")
      assertEqual(result.tags.last, 2, "last tag when end[2] = 4 outweighs E[2,1] = 3")
      assertClose(
        result.score, 5 + 4, tolerance: 1e-12, "best score with start and end scores",
        hint: self.hint)
    }
  }

  func testEmptyAndOneTokenSentences() throws {
    try exercise {
      let g = CRFFixtures.golden()
      let empty = g.crf.viterbi(emissions: .zeros(0, 4))
      assertEqual(empty.tags, [], "best path of the empty sentence. \(self.hint)")
      assertEqual(empty.score, 0, accuracy: 0, "best score of the empty sentence. \(self.hint)")
      for row in 0..<5 {
        let one = g.emissions.rows(row..<(row + 1))
        let scores = (0..<4).map { g.crf.start[0, $0] + one[0, $0] + g.crf.end[0, $0] }
        let best = scores.indices.max { scores[$0] < scores[$1] } ?? -1
        let result = g.crf.viterbi(emissions: one)
        assertEqual(result.tags, [best], "best tag of a one-token sentence (row \(row))")
        assertClose(
          result.score, scores[best], tolerance: 1e-12, "best score of a one-token sentence",
          hint: self.hint)
      }
    }
  }

  /// A 200-token sentence and emissions of ±1000 against the test's max-product recursion;
  /// the returned score must be the score of the returned path.
  func testLongSentencesAndHugeScores() throws {
    try exercise {
      var rng = RandomSource(seed: 7161)
      let crf = CRFFixtures.random(tagCount: 4, scale: 1.5, rng: &rng)
      for emissions in [
        Matrix.gaussian(200, 4, std: 1, rng: &rng),
        Matrix.uniform(9, 4, low: -1000, high: 1000, rng: &rng),
      ] {
        let result = crf.viterbi(emissions: emissions)
        let label = "n = \(emissions.rows)"
        assertEqual(result.tags.count, emissions.rows, "length of the best path (\(label))")
        guard result.tags.count == emissions.rows, result.tags.allSatisfy({ (0..<4).contains($0) })
        else { return }
        assertClose(
          result.score, CRFFixtures.bestScore(crf, emissions), tolerance: 1e-11,
          "best score (\(label))", hint: self.hint)
        assertClose(
          CRFFixtures.score(crf, emissions, result.tags), result.score, tolerance: 1e-11,
          "score of the returned path equals the returned score (\(label))",
          hint: "trace the back-pointers from the best last tag. " + self.hint)
      }
    }
  }

  /// All scores zero: every path ties, and any of them is a right answer.
  func testTiesAcceptAnyBestPath() throws {
    try exercise {
      var crf = LinearChainCRF(tagCount: 3)
      crf.transitions[2, 0] = -1
      let emissions = Matrix.zeros(4, 3)
      let result = crf.viterbi(emissions: emissions)
      assertEqual(result.tags.count, 4, "length of the best path. \(self.hint)")
      assertEqual(result.score, 0, accuracy: 1e-12, "best score when most paths tie at 0")
      if result.tags.count == 4 && result.tags.allSatisfy({ (0..<3).contains($0) }) {
        assertEqual(
          CRFFixtures.score(crf, emissions, result.tags), 0, accuracy: 1e-12,
          "score of the returned path \(result.tags) (any path avoiding 2 → 0)")
      }
    }
  }
}
