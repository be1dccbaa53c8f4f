import Foundation
import RNNCore
import XCTest

final class CrossEntropyTests: XCTestCase {
  /// Non-symmetric logits for 3 rows and 4 classes, and targets that hit different columns.
  private let logits = Matrix([
    [0.2, -1.3, 0.7, 2.1], [1.5, 0.3, -0.4, 0.0], [-2.0, 0.9, 0.1, -0.6],
  ])
  private let targets = [3, 0, 2]

  func testHandComputedLossOnOneRow() {
    // -log softmax([1, 2, 3])[0] = log(e + e² + e³) - 1.
    let one = Matrix(row: [1, 2, 3])
    let (loss, gradient) = CrossEntropy.lossAndGradient(logits: one, targets: [0])
    assertClose(loss, 2.407_605_964_444_38, tolerance: 1e-13)
    let z = exp(1.0) + exp(2.0) + exp(3.0)
    assertClose(
      gradient, Matrix(row: [exp(1) / z - 1, exp(2) / z, exp(3) / z]), tolerance: 1e-15)
    // The same row scored against the best class: log(1 + e⁻¹ + e⁻²).
    assertClose(
      CrossEntropy.loss(logits: one, targets: [2]), log(1 + exp(-1) + exp(-2)), tolerance: 1e-15)
  }

  func testMeanOverRowsOfHandComputedLosses() {
    var expected = 0.0
    for (i, t) in targets.enumerated() {
      let row = logits.row(i)
      expected += log(row.map { exp($0) }.reduce(0, +)) - row[t]
    }
    let (loss, _) = CrossEntropy.lossAndGradient(logits: logits, targets: targets)
    assertClose(loss, expected / 3, tolerance: 1e-14)
  }

  func testZeroLogitsGiveLogOfClassCount() {
    let zeros = Matrix.zeros(4, 5)
    let (loss, gradient) = CrossEntropy.lossAndGradient(logits: zeros, targets: [0, 4, 2, 2])
    assertClose(loss, log(5), tolerance: 1e-15)
    var expected = Matrix(rows: 4, cols: 5, repeating: 0.2 / 4)
    for (i, t) in [0, 4, 2, 2].enumerated() { expected[i, t] -= 1.0 / 4 }
    assertClose(gradient, expected, tolerance: 1e-16)
    let summed = CrossEntropy.loss(logits: zeros, targets: [0, 4, 2, 2], reduction: .sum)
    assertClose(summed, 4 * log(5), tolerance: 1e-14)
  }

  func testGradientMatchesCenteredDifferences() {
    for reduction in [CrossEntropy.Reduction.mean, .sum] {
      let (_, gradient) = CrossEntropy.lossAndGradient(
        logits: logits, targets: targets, reduction: reduction)
      let result = GradientCheck.check(input: logits, named: "logits", analytic: gradient) { z in
        CrossEntropy.loss(logits: z, targets: self.targets, reduction: reduction)
      }
      XCTAssertEqual(result.blocks.first?.checked, 12)
      XCTAssertLessThan(result.maxRelativeError, 1e-8, result.description)
    }
  }

  func testGradientIsSoftmaxMinusOneHot() {
    let (_, gradient) = CrossEntropy.lossAndGradient(
      logits: logits, targets: targets, reduction: .sum)
    var expected = logits.softmaxRows()
    for (i, t) in targets.enumerated() { expected[i, t] -= 1 }
    assertClose(gradient, expected, tolerance: 1e-15)
    // Every row of the gradient sums to zero, and only the target entry is negative.
    assertClose(gradient.sumColumns(), Matrix(column: [0, 0, 0]), tolerance: 1e-15)
    for (i, t) in targets.enumerated() {
      for j in 0..<4 {
        if j == t {
          XCTAssertLessThan(gradient[i, j], 0)
        } else {
          XCTAssertGreaterThan(gradient[i, j], 0)
        }
      }
    }
  }

  func testMeanIsSumDividedByBatchSize() {
    let mean = CrossEntropy.lossAndGradient(logits: logits, targets: targets, reduction: .mean)
    let sum = CrossEntropy.lossAndGradient(logits: logits, targets: targets, reduction: .sum)
    assertClose(sum.loss, 3 * mean.loss, tolerance: 1e-14)
    assertClose(sum.gradient, 3 * mean.gradient, tolerance: 1e-15)
    XCTAssertNotEqual(sum.loss, mean.loss)
    // The default reduction is the mean, and `loss` agrees with `lossAndGradient`.
    XCTAssertEqual(CrossEntropy.loss(logits: logits, targets: targets), mean.loss)
    XCTAssertEqual(CrossEntropy.loss(logits: logits, targets: targets, reduction: .sum), sum.loss)
  }

  func testFiniteAtExtremeLogits() {
    let extreme = Matrix([[1000, -1000, 0], [-1000, 1000, 0], [1000, 1000, -1000]])
    let (loss, gradient) = CrossEntropy.lossAndGradient(
      logits: extreme, targets: [0, 0, 1], reduction: .sum)
    // Row losses: 0 (confident and right), 2000 (confident and wrong), log 2 (a tie).
    assertClose(loss, 2000 + log(2), tolerance: 1e-10)
    XCTAssertTrue(gradient.isFinite)
    assertClose(gradient, Matrix([[0, 0, 0], [-1, 1, 0], [0.5, -0.5, 0]]), tolerance: 1e-15)
    let mean = CrossEntropy.loss(logits: extreme, targets: [0, 0, 1])
    assertClose(mean, (2000 + log(2)) / 3, tolerance: 1e-10)
  }

  func testEmptyBatchHasZeroLoss() {
    let (loss, gradient) = CrossEntropy.lossAndGradient(
      logits: Matrix(rows: 0, cols: 3), targets: [])
    XCTAssertEqual(loss, 0)
    XCTAssertEqual(gradient.shapeDescription, "0x3")
  }

  func testRejectsBadTargets() {
    assertPreconditionFails(containing: ["target 4", "row 1", "0..<4"]) { [logits = self.logits] in
      _ = CrossEntropy.lossAndGradient(logits: logits, targets: [0, 4, 1])
    }
    assertPreconditionFails(containing: ["2 targets", "3x4"]) { [logits = self.logits] in
      _ = CrossEntropy.loss(logits: logits, targets: [0, 1])
    }
  }
}
