import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit06.LSTMCell

/// Exercise 06.2: `LSTMCell.init(inputSize:hiddenSize:rng:)`, random weights with
/// the forget-gate bias set to 1.
final class LSTMInitializationTests: XCTestCase {
  let hint =
    "Check LSTMCell.init(inputSize:hiddenSize:rng:) (exercise 06.2, Lectures/06-lstm.md §4)."

  func cell(forgetBias: Double? = nil) -> LSTMCell {
    var rng = RandomSource(seed: 66)
    if let forgetBias {
      return LSTMCell(inputSize: 3, hiddenSize: 5, forgetBias: forgetBias, rng: &rng)
    }
    return LSTMCell(inputSize: 3, hiddenSize: 5, rng: &rng)
  }

  func testShapesAndTheForgetBiasOfOne() throws {
    try exercise {
      let cell = self.cell()
      assertEqual(cell.inputWeight.shapeDescription, "20x3", "W is 4H x E. \(self.hint)")
      assertEqual(cell.recurrentWeight.shapeDescription, "20x5", "U is 4H x H. \(self.hint)")
      let expected = Matrix(row: (0..<20).map { (5..<10).contains($0) ? 1 : 0 })
      assertClose(
        cell.bias, expected, tolerance: 0, "b",
        hint: "b_f (columns H..<2H, the second block) starts at 1, every other bias at 0. "
          + self.hint)
    }
  }

  func testForgetBiasCanBeChosen() throws {
    try exercise {
      let expected = Matrix(row: (0..<20).map { (5..<10).contains($0) ? 2.5 : 0 })
      assertClose(
        self.cell(forgetBias: 2.5).bias, expected, tolerance: 0, "b with forgetBias 2.5",
        hint: self.hint)
      assertClose(
        self.cell(forgetBias: 0).bias, .zeros(1, 20), tolerance: 0, "b with forgetBias 0",
        hint: self.hint)
    }
  }

  func testEachRecurrentBlockIsOrthogonal() throws {
    try exercise {
      let u = self.cell().recurrentWeight
      for (k, name) in ["U_i", "U_f", "U_g", "U_o"].enumerated() {
        let block = u.rows((5 * k)..<(5 * k + 5))
        assertClose(
          block.matmul(block, transposeOther: true), .identity(5), tolerance: 1e-9,
          "\(name) \(name)ᵀ",
          hint: "Each gate's H x H block of U is its own random orthogonal matrix. " + self.hint)
      }
    }
  }

  func testEachInputBlockIsXavierUniform() throws {
    try exercise {
      let w = self.cell().inputWeight
      let bound = (6.0 / Double(5 + 3)).squareRoot()
      assertLessOrEqual(
        w.maxAbs(), bound,
        "W has an entry beyond the Xavier bound sqrt(6 / (H + E)) = \(formatNumber(bound)) of "
          + "an H x E block. \(self.hint)")
      assertGreater(
        w.maxAbs(), 0.5 * bound, "W looks too small for Xavier-uniform. \(self.hint)")
    }
  }

  func testDrawsInTheDocumentedOrder() throws {
    try exercise {
      var rng = RandomSource(seed: 66)
      let w = Matrix.vstack((0..<4).map { _ in Matrix.xavierUniform(5, 3, rng: &rng) })
      let u = Matrix.vstack((0..<4).map { _ in Matrix.orthogonal(5, 5, rng: &rng) })
      let cell = self.cell()
      assertClose(
        cell.inputWeight, w, tolerance: 0, "W",
        hint: "Draw the four W blocks first, in the order i, f, g, o, each with "
          + "Matrix.xavierUniform(H, E, rng:), so a seed fixes the weights. " + self.hint)
      assertClose(
        cell.recurrentWeight, u, tolerance: 0, "U",
        hint: "Then draw the four U blocks, each with Matrix.orthogonal(H, H, rng:). "
          + self.hint)
    }
  }
}
