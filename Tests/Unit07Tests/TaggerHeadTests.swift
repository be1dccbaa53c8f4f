import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit07.TaggerHead

/// Scores, tags and a test-local per-token loss for exercise 07.8.
enum TokenLossFixtures {
  static let tagCount = 4

  /// `T = 5` score matrices `B x K` (Gaussian, std 2; padding rows too).
  static func scores(seed: UInt64 = 7051) -> [Matrix] {
    var rng = RandomSource(seed: seed)
    return (0..<LayerFixtures.steps).map { _ in
      Matrix.gaussian(LayerFixtures.lengths.count, tagCount, std: 2, rng: &rng)
    }
  }

  /// A valid tag at every step of every row, padding included.
  static func tags(seed: UInt64 = 7052) -> [[Int]] {
    var rng = RandomSource(seed: seed)
    return LayerFixtures.lengths.map { _ in
      (0..<LayerFixtures.steps).map { _ in rng.int(below: tagCount) }
    }
  }

  /// `log Σ_k exp(s_k)`, shifted by the row's maximum.
  static func logSumExp(_ row: [Double]) -> Double {
    let top = row.max() ?? 0
    return top + log(row.reduce(0) { $0 + exp($1 - top) })
  }

  /// The mean of `-log softmax(s_t[b])[tag]` over the real tokens, summed token by token.
  static func loss(_ scores: [Matrix], _ tags: [[Int]], _ lengths: [Int]) -> Double {
    var total = 0.0
    var tokens = 0
    for (b, length) in lengths.enumerated() {
      for t in 0..<length {
        let row = scores[t].row(b)
        total += logSumExp(row) - row[tags[b][t]]
        tokens += 1
      }
    }
    return tokens == 0 ? 0 : total / Double(tokens)
  }
}

/// Exercise 07.8: `TaggerHead.tokenLoss(scores:tags:lengths:)`, against the test's own loss.
final class TokenLossTests: XCTestCase {
  let hint =
    "Check TaggerHead.tokenLoss (exercise 07.8, \(LayerFixtures.lecture) §5)."

  func testLossMatchesGoldenValue() throws {
    try exercise {
      let result = TaggerHead.tokenLoss(
        scores: TokenLossFixtures.scores(), tags: TokenLossFixtures.tags(),
        lengths: LayerFixtures.lengths)
      assertClose(
        result.loss, Self.goldenLoss, tolerance: 1e-12,
        "loss for lengths \(LayerFixtures.lengths)", hint: self.hint)
      assertEqual(result.scoreGradients.count, 5, "one gradient per step. \(self.hint)")
      if result.scoreGradients.count == 5 {
        assertClose(
          result.scoreGradients[0], Matrix(rows: 4, cols: 4, values: Self.goldenGradient0),
          tolerance: 1e-12, "∂L/∂s_0", hint: self.hint)
      }
    }
  }

  func testLossIsTheMeanOverRealTokensOnly() throws {
    try exercise {
      let scores = TokenLossFixtures.scores()
      let tags = TokenLossFixtures.tags()
      for lengths in [LayerFixtures.lengths, [2, 0, 5, 1], [5, 5, 5, 5]] {
        let result = TaggerHead.tokenLoss(scores: scores, tags: tags, lengths: lengths)
        assertClose(
          result.loss, TokenLossFixtures.loss(scores, tags, lengths), tolerance: 1e-12,
          "loss for lengths \(lengths)",
          hint: "The loss is the mean cross-entropy over the \(lengths.reduce(0, +)) real "
            + "tokens (not over B x T = \(4 * 5) positions; padding is not a token). " + self.hint)
      }
    }
  }

  func testGradientMatchesCenteredDifferencesAndIsZeroAtPadding() throws {
    try exercise {
      let scores = TokenLossFixtures.scores()
      let tags = TokenLossFixtures.tags()
      let lengths = LayerFixtures.lengths
      let result = TaggerHead.tokenLoss(scores: scores, tags: tags, lengths: lengths)
      guard result.scoreGradients.count == 5 else {
        fail("expected 5 score gradients, got \(result.scoreGradients.count). \(self.hint)")
        return
      }
      for t in 0..<5 {
        assertGradientsMatch(
          GradientCheck.check(input: scores[t], named: "s_\(t)", analytic: result.scoreGradients[t])
          { s in
            var changed = scores
            changed[t] = s
            return TokenLossFixtures.loss(changed, tags, lengths)
          }, tolerance: 1e-7,
          hint: "Each real token's gradient is its softmax minus the one-hot tag, divided by "
            + "the number of real tokens. " + self.hint)
        for b in lengths.indices where t >= lengths[b] {
          assertClose(
            result.scoreGradients[t].rowMatrix(b), .zeros(1, 4), tolerance: 0,
            "row \(b) (length \(lengths[b])) of ∂L/∂s_\(t), padding",
            hint: "Padding is not a token: its scores get no gradient. " + self.hint)
        }
      }
    }
  }

  func testPaddingScoresAndTagsPastTheLengthsAreNotRead() throws {
    try exercise {
      let lengths = LayerFixtures.lengths
      let scores = TokenLossFixtures.scores()
      let changed = LayerFixtures.withNewPadding(scores, lengths: lengths, seed: 7053)
      // Each sequence's tags end at its length.
      let tags = zip(TokenLossFixtures.tags(), lengths).map { Array($0.prefix($1)) }
      let a = TaggerHead.tokenLoss(scores: scores, tags: tags, lengths: lengths)
      let b = TaggerHead.tokenLoss(scores: changed, tags: tags, lengths: lengths)
      assertClose(
        a.loss, TokenLossFixtures.loss(scores, tags, lengths), tolerance: 1e-12,
        "loss with tags that end at each length",
        hint: "tags[b] may hold only lengths[b] entries. " + self.hint)
      assertClose(
        b.loss, a.loss, tolerance: 1e-12, "loss after changing only the padding scores",
        hint: self.hint)
      for t in 0..<min(a.scoreGradients.count, b.scoreGradients.count) {
        assertClose(
          b.scoreGradients[t], a.scoreGradients[t], tolerance: 1e-12,
          "∂L/∂s_\(t) after changing only the padding scores", hint: self.hint)
      }
    }
  }

  func testStaysFiniteAndCorrectAtScoresOfPlusMinus1000() throws {
    try exercise {
      // Two sequences of lengths 2 and 1, three tags.
      let scores = [
        Matrix([[1000, 999, -1000], [-1000, -1000, -999]]),
        Matrix([[-1000, 1000, 1000], [0, 0, 0]]),
      ]
      let tags = [[1, 2], [0, 0]]
      let lengths = [2, 1]
      let result = TaggerHead.tokenLoss(scores: scores, tags: tags, lengths: lengths)
      // Token losses: 1 + log(1 + e^-1), 1 + log(1 + 2 e^-1) and log 2 (terms like e^-2000
      // vanish); the third row is padding. Scores near 1000 leave a few ulps of 1000 in each
      // log-sum-exp, hence the tolerance.
      let expected =
        (1 + log(1 + exp(-1.0)) + 1 + log(1 + 2 * exp(-1.0)) + log(2.0)) / 3
      assertFinite(result.loss, "loss at scores of ±1000")
      assertClose(
        result.loss, expected, tolerance: 1e-10, "loss at scores of ±1000",
        hint: "Subtract each row's maximum before exponentiating (log-sum-exp). " + self.hint)
      guard result.scoreGradients.count == 2 else {
        fail("expected 2 score gradients. \(self.hint)")
        return
      }
      let e = exp(-1.0)
      let expectedGradients = [
        Matrix([
          [1 / (1 + e), e / (1 + e) - 1, 0],
          [e / (1 + 2 * e) - 1, e / (1 + 2 * e), 1 / (1 + 2 * e)],
        ]),
        Matrix([[0, 0.5, -0.5], [0, 0, 0]]),
      ]
      for t in 0..<2 {
        assertFinite(result.scoreGradients[t], "∂L/∂s_\(t) at scores of ±1000")
        assertClose(
          result.scoreGradients[t], expectedGradients[t] / 3, tolerance: 1e-10,
          "∂L/∂s_\(t) at scores of ±1000", hint: self.hint)
      }
    }
  }

  func testNoRealTokensGiveZeroLossAndZeroGradients() throws {
    try exercise {
      let scores = TokenLossFixtures.scores()
      let result = TaggerHead.tokenLoss(
        scores: scores, tags: [[], [], [], []], lengths: [0, 0, 0, 0])
      assertEqual(result.loss, 0, accuracy: 0, "loss with no real tokens")
      assertEqual(result.scoreGradients.count, 5, "one gradient per step. \(self.hint)")
      for t in 0..<min(5, result.scoreGradients.count) {
        assertClose(
          result.scoreGradients[t], .zeros(4, 4), tolerance: 0, "∂L/∂s_\(t) with no real tokens",
          hint: "With no real tokens the loss is 0 and every gradient row is zero (no division "
            + "by zero). " + self.hint)
      }
    }
  }
}
