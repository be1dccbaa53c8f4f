import CourseTestSupport
import RNNCore
import XCTest

import struct Unit00.Affine

/// Exercise 00.1: `Affine.forward`.
final class AffineForwardTests: XCTestCase {
  let hint = "Check Affine.forward (exercise 00.1, Lectures/00-warm-up.md §3)."

  func testForwardMatchesGoldenValues() throws {
    try exercise {
      let (x, weight, bias) = Fixtures.affine()
      let y = Affine(weight: weight, bias: bias).forward(x)
      let expected = Matrix(
        rows: 2, cols: 3,
        values: [
          -0.3557440006144777, 1.4519531630110412, 2.6401119862692282,
          -0.5463985405052264, 2.0283401389101985, -2.540042690289416,
        ])
      assertClose(y, expected, "forward(x)", hint: self.hint)
    }
  }

  func testZeroWeightGivesTheBiasInEveryRow() throws {
    try exercise {
      let bias = Matrix(row: [0.5, -1.25, 3])
      let layer = Affine(weight: .zeros(3, 4), bias: bias)
      let x = Matrix(rows: 2, cols: 4, values: [1, 2, 3, 4, -4, -3, -2, -1])
      let expected = Matrix.vstack([bias, bias])
      assertClose(
        layer.forward(x), expected, "forward with W = 0",
        hint: "Every row should be the bias. " + self.hint)
    }
  }

  func testEachOutputUsesItsOwnRowOfTheWeight() throws {
    try exercise {
      // Output o must be the dot product of x with row o of W: W is outputSize x inputSize.
      let weight = Matrix([[1, 0], [0, 10], [100, 1000]])
      let layer = Affine(weight: weight, bias: .zeros(1, 3))
      let y = layer.forward(Matrix([[2, 3]]))
      assertClose(
        y, Matrix([[2, 30, 3200]]), "forward([2, 3])",
        hint: "y = x Wᵀ + b, with W stored outputSize x inputSize. " + self.hint)
    }
  }
}
