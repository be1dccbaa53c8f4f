import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum Unit00.SoftmaxCrossEntropy

/// Exercise 00.4: `SoftmaxCrossEntropy.gradient`. The numerical reference uses the kit's own
/// `CrossEntropy.loss`, so these tests do not depend on exercise 00.3.
final class SoftmaxCrossEntropyGradientTests: XCTestCase {
  let hint = "Check SoftmaxCrossEntropy.gradient (exercise 00.4, Lectures/00-warm-up.md §6)."

  func testGradientMatchesGoldenValues() throws {
    try exercise {
      let (logits, targets) = Fixtures.logits()
      let expected = Matrix(
        rows: 4, cols: 5,
        values: [
          0.0022931206837619651, 0.010646867140131451, -0.065150411181941426,
          0.0036859394880842567, 0.048524483869963726, -0.21570324921191622,
          0.17874731805169694, 0.028593358422438982, 0.003325524310293009,
          0.0050370484274872814, 0.013703553508258646, 0.026188258838241645,
          0.10360789388180303, 0.10605910583513771, -0.24955881206344102,
          0.0087143412098313697, -0.022891410452056477, 0.0015296086013448832,
          0.012419304165126425, 0.00022815647575376085,
        ])
      assertClose(
        SoftmaxCrossEntropy.gradient(logits: logits, targets: targets), expected,
        "∂loss/∂logits", hint: self.hint)
    }
  }

  func testGradientMatchesCenteredDifferences() throws {
    try exercise {
      let (logits, targets) = Fixtures.logits()
      let analytic = SoftmaxCrossEntropy.gradient(logits: logits, targets: targets)
      let result = GradientCheck.check(input: logits, named: "logits", analytic: analytic) {
        CrossEntropy.loss(logits: $0, targets: targets)
      }
      assertGradientsMatch(result, tolerance: 1e-7, hint: self.hint)
    }
  }

  func testEachRowSumsToZero() throws {
    try exercise {
      let (logits, targets) = Fixtures.logits()
      let rowSums = SoftmaxCrossEntropy.gradient(logits: logits, targets: targets).sumColumns()
      assertClose(
        rowSums, .zeros(4, 1), tolerance: 1e-12, "row sums of the gradient",
        hint: "softmax sums to 1 and the one-hot target to 1, so each row sums to 0. " + self.hint)
    }
  }

  func testGradientIsFiniteAndRightAtExtremeLogits() throws {
    try exercise {
      // The row maxima are 1000, 1000 and -199: the shift must be each row's own maximum.
      let logits = Matrix([[1000, -1000, 0], [-1000, 1000, 0], [-200, -201.5, -199]])
      let gradient = SoftmaxCrossEntropy.gradient(logits: logits, targets: [0, 0, 1])
      assertFinite(gradient, "gradient at logits ±1000 and -200")
      // Row 3 is softmax([-1, -2.5, 0]) minus the one-hot of class 1.
      let e = [exp(-1.0), exp(-2.5), 1]
      let z = e[0] + e[1] + e[2]
      let expected = Matrix([
        [0, 0, 0], [-1.0 / 3, 1.0 / 3, 0], [e[0] / z / 3, (e[1] / z - 1) / 3, e[2] / z / 3],
      ])
      assertClose(
        gradient, expected, tolerance: 1e-12, "gradient at logits ±1000 and -200",
        hint: "Subtract each row's own maximum before exponentiating. " + self.hint)
    }
  }

  func testRowsFarBelowTheBatchMaximumKeepTheirGradient() throws {
    try exercise {
      // One row near +1000 and one near -200 in the same batch, and a constant added to each
      // row of the fixture: none of it may change the gradient.
      let logits = Matrix([[1001.5, 999, 1000.25, 998], [-200.75, -199, -203, -201.5]])
      let gradient = SoftmaxCrossEntropy.gradient(logits: logits, targets: [2, 3])
      assertFinite(gradient, "gradient of rows near +1000 and -200")
      assertClose(
        gradient, CrossEntropy.lossAndGradient(logits: logits, targets: [2, 3]).gradient,
        tolerance: 1e-12, "gradient of rows near +1000 and -200",
        hint: "Shift each row by its own maximum. " + self.hint)
      let (fixture, targets) = Fixtures.logits()
      let offsets = [900.0, -300, 0, 450]
      let shifted = Matrix(rows: fixture.rows, cols: fixture.cols) { i, j in
        fixture[i, j] + offsets[i]
      }
      assertClose(
        SoftmaxCrossEntropy.gradient(logits: shifted, targets: targets),
        CrossEntropy.lossAndGradient(logits: fixture, targets: targets).gradient,
        tolerance: 1e-9, "gradient of logits with a constant added to each row", hint: self.hint)
    }
  }
}
