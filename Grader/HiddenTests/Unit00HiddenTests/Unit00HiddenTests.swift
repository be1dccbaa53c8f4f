import CourseTestSupport
import RNNCore
import XCTest

import struct Unit00.Affine
import enum Unit00.SoftmaxCrossEntropy

/// Hidden tests: they count in the grade but never ship to students. They check the same
/// exercises on shapes and seeds the public tests do not use, so an answer tuned to the public
/// golden values does not pass them.
final class Unit00HiddenTests: XCTestCase {
  func testAffineBackwardOnASingleExampleAndWideLayer() throws {
    try exercise {
      // A literal seed: with other inputs some gradient entries are so small that the centered
      // differences' rounding error exceeds the gradient check's tolerance.
      var rng = RandomSource(seed: gradingSeed(31_337))
      let x = Matrix.gaussian(1, 7, rng: &rng)
      let layer = Affine(
        weight: .gaussian(5, 7, rng: &rng), bias: .gaussian(1, 5, rng: &rng))
      let upstream = Matrix.gaussian(1, 5, rng: &rng)
      let (dx, gradients) = layer.backward(x, outputGradient: upstream)
      func loss(_ p: Affine, _ input: Matrix) -> Double {
        input.matmul(p.weight, transposeOther: true).adding(rowVector: p.bias).dot(upstream)
      }
      assertGradientsMatch(
        GradientCheck.check(parameters: layer, analytic: gradients) { loss($0, x) },
        tolerance: 1e-7)
      assertGradientsMatch(
        GradientCheck.check(input: x, named: "x", analytic: dx) { loss(layer, $0) },
        tolerance: 1e-7)
    }
  }

  func testCrossEntropyOnALargeBatchWithMixedScales() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(4242))
      // Rows near +1000 and near -200 in one batch: their maxima differ by far more than exp
      // can bridge, so only a shift by each row's own maximum keeps every row finite.
      let offsets = (0..<16).map { i in [1000.0, -200, 0, 400][i % 4] }
      let base = Matrix.gaussian(16, 9, std: 30, rng: &rng)
      let logits = Matrix(rows: 16, cols: 9) { i, j in base[i, j] + offsets[i] }
      let targets = (0..<16).map { ($0 * 5) % 9 }
      assertClose(
        SoftmaxCrossEntropy.loss(logits: logits, targets: targets),
        CrossEntropy.loss(logits: logits, targets: targets), tolerance: 1e-10, "loss")
      assertFinite(
        SoftmaxCrossEntropy.gradient(logits: logits, targets: targets), "gradient")
      assertClose(
        SoftmaxCrossEntropy.gradient(logits: logits, targets: targets),
        CrossEntropy.lossAndGradient(logits: logits, targets: targets).gradient,
        tolerance: 1e-10, "gradient")
    }
  }
}
