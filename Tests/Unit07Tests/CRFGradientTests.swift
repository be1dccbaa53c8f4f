import CourseTestSupport
import RNNCore
import XCTest

import struct Unit07.LinearChainCRF

/// Exercise 07.15: `LinearChainCRF.lossAndGradients`, the negative log-likelihood of a tagged
/// sentence and its gradients with respect to the emissions, transitions, start and end. The
/// centered differences differentiate the test's own loss (its own forward recursion and score),
/// so these tests do not depend on exercises 07.12-07.14.
final class CRFGradientTests: XCTestCase {
  let hint = CRFFixtures.hint("07.15", "LinearChainCRF.lossAndGradients", section: 8)

  func testLossAndGradientsMatchGoldenValues() throws {
    try exercise {
      let g = CRFFixtures.golden()
      let result = g.crf.lossAndGradients(emissions: g.emissions, tags: g.tags)
      assertClose(
        result.loss, CRFGoldenValues.loss, tolerance: 1e-12, "loss of the golden CRF",
        hint: self.hint)
      assertClose(
        result.emissionGradient,
        Matrix(rows: 5, cols: 4, values: CRFGoldenValues.emissionGradient), tolerance: 1e-10,
        "∂loss/∂E", hint: self.hint)
      assertClose(
        result.gradients.transitions,
        Matrix(rows: 4, cols: 4, values: CRFGoldenValues.transitionGradient), tolerance: 1e-10,
        "∂loss/∂A", hint: self.hint)
      assertClose(
        result.gradients.start, Matrix(row: CRFGoldenValues.startGradient), tolerance: 1e-10,
        "∂loss/∂start", hint: self.hint)
      assertClose(
        result.gradients.end, Matrix(row: CRFGoldenValues.endGradient), tolerance: 1e-10,
        "∂loss/∂end", hint: self.hint)
    }
  }

  func testLossEqualsEnumerationOfAllSequences() throws {
    try exercise {
      var rng = RandomSource(seed: 7150)
      for (n, k) in CRFFixtures.bruteForceShapes {
        let crf = CRFFixtures.random(tagCount: k, rng: &rng)
        let emissions = Matrix.gaussian(n, k, std: 1.5, rng: &rng)
        let tags = CRFFixtures.randomTags(length: n, tagCount: k, rng: &rng)
        let expected =
          CRFFixtures.bruteForce(crf, emissions).logZ - CRFFixtures.score(crf, emissions, tags)
        assertClose(
          crf.lossAndGradients(emissions: emissions, tags: tags).loss, expected,
          tolerance: 1e-11, "loss for n = \(n), K = \(k), tags \(tags)",
          hint: "loss = log Z - score(gold), positive. " + self.hint)
      }
    }
  }

  func testGradientsMatchCenteredDifferences() throws {
    try exercise {
      var rng = RandomSource(seed: 7151)
      for (n, k) in [(5, 4), (3, 3), (2, 4), (6, 3)] {
        let crf = CRFFixtures.random(tagCount: k, rng: &rng)
        let emissions = Matrix.gaussian(n, k, std: 1.2, rng: &rng)
        let tags = CRFFixtures.randomTags(length: n, tagCount: k, rng: &rng)
        let result = crf.lossAndGradients(emissions: emissions, tags: tags)
        let shape = "n = \(n), K = \(k), tags \(tags)"
        assertGradientsMatch(
          GradientCheck.check(
            input: emissions, named: "emissions", analytic: result.emissionGradient
          ) {
            CRFFixtures.loss(crf, $0, tags)
          }, tolerance: 1e-7, hint: "\(shape). \(self.hint)")
        assertGradientsMatch(
          GradientCheck.check(parameters: crf, analytic: result.gradients) {
            CRFFixtures.loss($0, emissions, tags)
          }, tolerance: 1e-7,
          hint: "\(shape): each gradient is an expected count under the model minus the gold "
            + "sequence's count. \(self.hint)")
      }
    }
  }

  /// Expected counts minus gold counts: each row of `∂loss/∂E` and the whole of `∂loss/∂start`,
  /// `∂loss/∂end` and `∂loss/∂A` sum to 0, and `∂loss/∂E` is the marginals minus the one-hot
  /// gold tags.
  func testGradientsAreExpectedMinusGoldCounts() throws {
    try exercise {
      var rng = RandomSource(seed: 7152)
      let crf = CRFFixtures.random(tagCount: 3, rng: &rng)
      let emissions = Matrix.gaussian(40, 3, std: 2, rng: &rng)
      let tags = CRFFixtures.randomTags(length: 40, tagCount: 3, rng: &rng)
      let result = crf.lossAndGradients(emissions: emissions, tags: tags)
      var expected = CRFFixtures.marginals(crf, emissions)
      for (t, tag) in tags.enumerated() { expected[t, tag] -= 1 }
      assertClose(
        result.emissionGradient, expected, tolerance: 1e-10,
        "∂loss/∂E of a 40-token sentence: marginals minus one-hot gold tags", hint: self.hint)
      assertEqual(
        result.gradients.transitions.storage.reduce(0, +), 0, accuracy: 1e-9,
        "sum of ∂loss/∂A (39 expected transitions minus 39 gold ones)")
      assertEqual(
        result.gradients.start.storage.reduce(0, +), 0, accuracy: 1e-12, "sum of ∂loss/∂start")
      assertEqual(
        result.gradients.end.storage.reduce(0, +), 0, accuracy: 1e-12, "sum of ∂loss/∂end")
      assertClose(
        result.loss, CRFFixtures.loss(crf, emissions, tags), tolerance: 1e-11,
        "loss of a 40-token sentence", hint: self.hint)
    }
  }

  /// Emissions of ±1000: the loss and every gradient finite and equal to the test's log-space
  /// computation.
  func testHugeScoresStayFinite() throws {
    try exercise {
      var rng = RandomSource(seed: 7153)
      let crf = CRFFixtures.random(tagCount: 4, scale: 2, rng: &rng)
      let emissions = Matrix.uniform(6, 4, low: -1000, high: 1000, rng: &rng)
      let tags = CRFFixtures.randomTags(length: 6, tagCount: 4, rng: &rng)
      let result = crf.lossAndGradients(emissions: emissions, tags: tags)
      assertFinite(result.loss, "loss with emissions of ±1000")
      assertFinite(result.emissionGradient, "∂loss/∂E with emissions of ±1000")
      assertFinite(result.gradients.transitions, "∂loss/∂A with emissions of ±1000")
      assertClose(
        result.loss, CRFFixtures.loss(crf, emissions, tags), tolerance: 1e-11,
        "loss with emissions of ±1000", hint: self.hint)
      var expected = CRFFixtures.marginals(crf, emissions)
      for (t, tag) in tags.enumerated() { expected[t, tag] -= 1 }
      assertClose(
        result.emissionGradient, expected, tolerance: 1e-10, "∂loss/∂E with emissions of ±1000",
        hint: "stay in log space. " + self.hint)
    }
  }

  /// `n = 0`: loss 0 and every gradient 0 (an empty `0 x K` emission gradient). `n = 1`: no
  /// transition gradient, and the start, end and emission gradients are all
  /// `softmax(start + E + end) - onehot(y)`.
  func testEmptyAndOneTokenSentences() throws {
    try exercise {
      let g = CRFFixtures.golden()
      let empty = g.crf.lossAndGradients(emissions: .zeros(0, 4), tags: [])
      assertEqual(empty.loss, 0, accuracy: 0, "loss of the empty sentence. \(self.hint)")
      assertEqual(empty.emissionGradient.rows, 0, "rows of ∂loss/∂E for n = 0. \(self.hint)")
      assertEqual(empty.emissionGradient.cols, 4, "columns of ∂loss/∂E for n = 0. \(self.hint)")
      assertClose(empty.gradients.transitions, .zeros(4, 4), "∂loss/∂A for n = 0", hint: self.hint)
      assertClose(empty.gradients.start, .zeros(1, 4), "∂loss/∂start for n = 0", hint: self.hint)
      assertClose(empty.gradients.end, .zeros(1, 4), "∂loss/∂end for n = 0", hint: self.hint)

      let one = g.emissions.rows(4..<5)
      let scores = (0..<4).map { g.crf.start[0, $0] + one[0, $0] + g.crf.end[0, $0] }
      let logZ = CRFFixtures.logSumExp(scores)
      var expected = Matrix(row: scores.map { exp($0 - logZ) })
      expected[0, 2] -= 1
      let result = g.crf.lossAndGradients(emissions: one, tags: [2])
      assertClose(
        result.loss, logZ - scores[2], tolerance: 1e-12, "loss of the one-token sentence [2]",
        hint: self.hint)
      assertClose(
        result.emissionGradient, expected, tolerance: 1e-12, "∂loss/∂E for n = 1",
        hint: self.hint)
      assertClose(
        result.gradients.start, expected, tolerance: 1e-12, "∂loss/∂start for n = 1",
        hint: self.hint)
      assertClose(
        result.gradients.end, expected, tolerance: 1e-12, "∂loss/∂end for n = 1", hint: self.hint)
      assertClose(
        result.gradients.transitions, .zeros(4, 4), tolerance: 1e-12,
        "∂loss/∂A for n = 1 (a one-token sentence has no transitions)", hint: self.hint)
    }
  }
}
