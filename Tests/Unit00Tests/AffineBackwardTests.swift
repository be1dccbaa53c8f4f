import CourseTestSupport
import RNNCore
import XCTest

import struct Unit00.Affine

/// Exercise 00.2: `Affine.backward`. The scalar loss is `L = Σ R ⊙ (x Wᵀ + b)` for a fixed
/// random `R`, so `∂L/∂y = R`. The loss is computed without `Affine.forward`, so these tests
/// do not depend on exercise 00.1.
final class AffineBackwardTests: XCTestCase {
  let hint = "Check Affine.backward (exercise 00.2, Lectures/00-warm-up.md §4)."

  func testGradientsMatchGoldenValues() throws {
    try exercise {
      let (x, weight, bias) = Fixtures.affine()
      let (dx, gradients) = Affine(weight: weight, bias: bias)
        .backward(x, outputGradient: Fixtures.upstream())
      assertClose(
        gradients.weight,
        Matrix(
          rows: 3, cols: 4,
          values: [
            -0.074575917310070697, 0.30661156061722283, -0.1825967871540842, -0.38867811106798755,
            0.40164867676117622, -1.8857906895909389, 1.0171205871659861, 1.734077999878213,
            0.28035638014836867, -1.4515000543784649, 0.72939474095118773, 1.0032547886990137,
          ]), "∂L/∂W", hint: self.hint)
      assertClose(
        gradients.bias,
        Matrix(row: [-0.22163021401148125, 0.92436894903419498, 0.48994734550125552]),
        "∂L/∂b", hint: self.hint)
      assertClose(
        dx,
        Matrix(
          rows: 2, cols: 4,
          values: [
            -1.2790148556171035, -0.94851711637644298, -0.20329627964971375, 0.82432870610420417,
            0.036320309534188022, 0.21122507752974579, 0.024824964621573777, 0.05010759315195825,
          ]), "∂L/∂x", hint: self.hint)
    }
  }

  func testParameterGradientsMatchCenteredDifferences() throws {
    try exercise {
      let (x, weight, bias) = Fixtures.affine()
      let upstream = Fixtures.upstream()
      let layer = Affine(weight: weight, bias: bias)
      let (_, gradients) = layer.backward(x, outputGradient: upstream)
      let result = GradientCheck.check(parameters: layer, analytic: gradients) { p in
        Fixtures.referenceAffine(x, p.weight, p.bias).dot(upstream)
      }
      assertGradientsMatch(result, tolerance: 1e-7, hint: self.hint)
    }
  }

  func testInputGradientMatchesCenteredDifferences() throws {
    try exercise {
      let (x, weight, bias) = Fixtures.affine()
      let upstream = Fixtures.upstream()
      let (dx, _) = Affine(weight: weight, bias: bias).backward(x, outputGradient: upstream)
      let result = GradientCheck.check(input: x, named: "x", analytic: dx) { xx in
        Fixtures.referenceAffine(xx, weight, bias).dot(upstream)
      }
      assertGradientsMatch(result, tolerance: 1e-7, hint: self.hint)
    }
  }

  func testBiasGradientSumsOverTheBatch() throws {
    try exercise {
      let layer = Affine(weight: .zeros(2, 3), bias: .zeros(1, 2))
      let dy = Matrix([[1, 2], [10, 20], [100, 200]])
      let (_, gradients) = layer.backward(.zeros(3, 3), outputGradient: dy)
      assertClose(
        gradients.bias, Matrix(row: [111, 222]), "∂L/∂b",
        hint: "The bias is added to every row, so its gradient sums dy over rows. " + self.hint)
    }
  }
}
