import CourseTestSupport
import RNNCore
import XCTest

import struct Unit02.ElmanCell
import enum Unit02.RecurrentActivation

/// Exercise 02.1: `ElmanCell.forward`, one step `h_t = f(x_t W_hxᵀ + h_{t-1} W_hhᵀ + b)`.
final class ElmanCellForwardTests: XCTestCase {
  let hint = "Check ElmanCell.forward (exercise 02.1, Lectures/02-elman-rnn.md §3)."

  func cell(_ activation: RecurrentActivation = .tanh) -> ElmanCell {
    let f = Fixtures.elman()
    return ElmanCell(recurrentWeight: f.whh, inputWeight: f.whx, bias: f.b, activation: activation)
  }

  func testForwardMatchesGoldenValues() throws {
    try exercise {
      let f = Fixtures.elman()
      let (h, _) = self.cell().forward(f.x, state: f.h)
      let expected = Matrix(
        rows: 2, cols: 4,
        values: [
          0.9300873882451063, -0.6258602024318345, 0.9853652936265936, -0.710159756987912,
          -0.974235607153657, 0.5812888484254801, 0.8240012929867171, 0.32953217045546573,
        ])
      assertClose(h, expected, "h_t", hint: self.hint)
    }
  }

  func testSigmoidAndReLUMatchGoldenValues() throws {
    try exercise {
      let f = Fixtures.elman()
      assertClose(
        self.cell(.sigmoid).forward(f.x, state: f.h).state,
        Matrix(
          rows: 2, cols: 4,
          values: [
            0.8401087230616394, 0.32419017783311693, 0.92093223405072, 0.2916247503530719,
            0.10252564572892857, 0.6602496879237877, 0.7629923553490326, 0.5847499237658113,
          ]), "h_t with the sigmoid",
        hint: "Apply the cell's own activation (activation.apply). " + self.hint)
      assertClose(
        self.cell(.relu).forward(f.x, state: f.h).state,
        Matrix(
          rows: 2, cols: 4,
          values: [
            1.6590372505571587, 0.0, 2.4550811732886384, 0.0, 0.0, 0.6644071069359775,
            1.169155615506297, 0.3423033430140795,
          ]), "h_t with ReLU",
        hint: "Apply the cell's own activation (activation.apply). " + self.hint)
    }
  }

  func testCacheHoldsInputPreviousStatePreActivationAndOutput() throws {
    try exercise {
      let f = Fixtures.elman()
      let (h, cache) = self.cell().forward(f.x, state: f.h)
      let reference = Fixtures.referenceStep(x: f.x, h: f.h, whh: f.whh, whx: f.whx, b: f.b)
      assertClose(cache.input, f.x, "cache.input", hint: "The cache keeps x_t. " + self.hint)
      assertClose(
        cache.previous, f.h, "cache.previous", hint: "The cache keeps h_{t-1}. " + self.hint)
      assertClose(
        cache.preActivation, reference.z, "cache.preActivation",
        hint: "The cache keeps z_t, before the nonlinearity. " + self.hint)
      assertClose(cache.output, h, "cache.output", hint: "The cache keeps h_t. " + self.hint)
    }
  }

  func testRecurrentWeightRowIFeedsUnitI() throws {
    try exercise {
      // With x = 0, b = 0 and ReLU on positive values the step is h_t = h_{t-1} W_hhᵀ exactly:
      // unit i of h_t is the dot product of h_{t-1} with row i of W_hh.
      let whh = Matrix([[0.1, 0.2], [0.0, 0.3]])
      let cell = ElmanCell(
        recurrentWeight: whh, inputWeight: .zeros(2, 1), bias: .zeros(1, 2), activation: .relu)
      let (h, _) = cell.forward(.zeros(1, 1), state: Matrix([[1, 2]]))
      assertClose(
        h, Matrix([[0.5, 0.6]]), "h_t for W_hh = [[0.1, 0.2], [0, 0.3]], h_{t-1} = [1, 2]",
        hint: "W_hh is stored HxH with row i holding the weights into unit i, so the step uses "
          + "h_{t-1} W_hhᵀ (matmul with transposeOther: true). " + self.hint)
    }
  }

  func testInputWeightRowIFeedsUnitI() throws {
    try exercise {
      let whx = Matrix([[1, 0, 0.5], [0, 0.25, 0]])  // H = 2, E = 3
      let cell = ElmanCell(
        recurrentWeight: .zeros(2, 2), inputWeight: whx, bias: Matrix([[0.125, 0]]),
        activation: .relu)
      let (h, _) = cell.forward(Matrix([[0.5, 2, 1]]), state: .zeros(1, 2))
      assertClose(
        h, Matrix([[1.125, 0.5]]), "h_t for W_hx = [[1, 0, 0.5], [0, 0.25, 0]], x = [0.5, 2, 1]",
        hint: "W_hx is HxE; the step uses x_t W_hxᵀ, and adds b to every row. " + self.hint)
    }
  }

  func testRowsOfTheBatchAreIndependent() throws {
    try exercise {
      let f = Fixtures.elman()
      let cell = self.cell()
      let both = cell.forward(f.x, state: f.h).state
      for r in 0..<2 {
        let alone = cell.forward(f.x.rowMatrix(r), state: f.h.rowMatrix(r)).state
        assertClose(
          alone, both.rowMatrix(r), "row \(r) computed alone",
          hint: "Each row is one sequence; rows must not mix. " + self.hint)
      }
    }
  }

  func testSaturatesWithoutOverflowAtExtremeInputs() throws {
    try exercise {
      let f = Fixtures.elman()
      for activation in RecurrentActivation.allCases {
        let (h, cache) = self.cell(activation).forward(f.x * 1000, state: f.h)
        assertFinite(h, "h_t (\(activation)) for inputs of size ~1000")
        assertFinite(cache.preActivation, "z_t (\(activation)) for inputs of size ~1000")
        if activation != .relu {
          assertLessOrEqual(h.maxAbs(), 1, "\(activation) outputs must stay within [-1, 1]")
        }
      }
    }
  }
}
