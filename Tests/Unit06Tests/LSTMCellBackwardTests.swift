import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit06.LSTMCell
import struct Unit06.LSTMState

/// Exercise 06.3: `LSTMCell.backward`, one step backward. The caches are built by the test from
/// its own reference step, so these tests do not depend on exercise 06.1. The scalar loss is
/// `L = Σ dh ⊙ h_t + Σ dc ⊙ c_t` for fixed random `dh` and `dc`, so the state gradient is
/// `(dh, dc)`: `dc` plays the part of the memory gradient sent back by step `t + 1`.
final class LSTMCellBackwardTests: XCTestCase {
  let hint = "Check LSTMCell.backward (exercise 06.3, Lectures/06-lstm.md §6)."

  func cache() -> LSTMCell.StepCache {
    let f = Fixtures.lstm()
    return Fixtures.step(Fixtures.cell(), x: f.x, state: LSTMState(hidden: f.h, cell: f.c))
  }

  func stateGradient() -> LSTMState {
    let f = Fixtures.lstm()
    return LSTMState(hidden: f.dh, cell: f.dc)
  }

  func testGradientsMatchGoldenValues() throws {
    try exercise {
      let result = Fixtures.cell().backward(self.cache(), stateGradient: self.stateGradient())
      assertClose(
        result.gradients.inputWeight, Matrix(rows: 16, cols: 3, values: Self.goldenW),
        "∂L/∂W (rows: i, f, g, o blocks)", hint: self.hint)
      assertClose(
        result.gradients.recurrentWeight, Matrix(rows: 16, cols: 4, values: Self.goldenU),
        "∂L/∂U (rows: i, f, g, o blocks)", hint: self.hint)
      assertClose(
        result.gradients.bias, Matrix(rows: 1, cols: 16, values: Self.goldenB), "∂L/∂b",
        hint: self.hint)
      assertClose(
        result.inputGradient, Matrix(rows: 2, cols: 3, values: Self.goldenX), "∂L/∂x_t",
        hint: self.hint)
      assertClose(
        result.previousStateGradient.hidden,
        Matrix(rows: 2, cols: 4, values: Self.goldenHPrevious), "∂L/∂h_{t-1}", hint: self.hint)
      assertClose(
        result.previousStateGradient.cell, Matrix(rows: 2, cols: 4, values: Self.goldenCPrevious),
        "∂L/∂c_{t-1}", hint: self.hint)
    }
  }

  func testParameterGradientsMatchCenteredDifferences() throws {
    try exercise {
      let f = Fixtures.lstm()
      let cell = Fixtures.cell()
      let previous = LSTMState(hidden: f.h, cell: f.c)
      let result = cell.backward(self.cache(), stateGradient: self.stateGradient())
      let check = GradientCheck.check(parameters: cell, analytic: result.gradients) { c in
        Fixtures.stepLoss(Fixtures.step(c, x: f.x, state: previous), dh: f.dh, dc: f.dc)
      }
      assertGradientsMatch(check, tolerance: 1e-7, hint: self.hint)
    }
  }

  func testInputAndPreviousStateGradientsMatchCenteredDifferences() throws {
    try exercise {
      let f = Fixtures.lstm()
      let cell = Fixtures.cell()
      let result = cell.backward(self.cache(), stateGradient: self.stateGradient())
      func loss(x: Matrix = f.x, h: Matrix = f.h, c: Matrix = f.c) -> Double {
        Fixtures.stepLoss(
          Fixtures.step(cell, x: x, state: LSTMState(hidden: h, cell: c)), dh: f.dh, dc: f.dc)
      }
      assertGradientsMatch(
        GradientCheck.check(input: f.x, named: "x_t", analytic: result.inputGradient) {
          loss(x: $0)
        }, tolerance: 1e-7, hint: self.hint)
      assertGradientsMatch(
        GradientCheck.check(
          input: f.h, named: "h_{t-1}", analytic: result.previousStateGradient.hidden
        ) { loss(h: $0) }, tolerance: 1e-7,
        hint: "h_{t-1} reaches the loss only through the four gates: da U. " + self.hint)
      assertGradientsMatch(
        GradientCheck.check(
          input: f.c, named: "c_{t-1}", analytic: result.previousStateGradient.cell
        ) { loss(c: $0) }, tolerance: 1e-7,
        hint: "∂L/∂c_{t-1} = dc ⊙ f, where dc includes the incoming ∂L/∂c_t and the path "
          + "through h_t = o ⊙ tanh(c_t). " + self.hint)
    }
  }

  /// With no gradient on `h_t`, the memory gradient from step `t + 1` is all there is: it must
  /// reach `c_{t-1}` multiplied by the forget gate, and still train the gates.
  func testMemoryGradientFromTheFutureIsCarried() throws {
    try exercise {
      let f = Fixtures.lstm()
      let cache = self.cache()
      let result = Fixtures.cell().backward(
        cache, stateGradient: LSTMState(hidden: .zeros(2, 4), cell: f.dc))
      assertClose(
        result.previousStateGradient.cell, f.dc * cache.forgetGate, "∂L/∂c_{t-1} when dh = 0",
        hint: "Add the incoming ∂L/∂c_t (stateGradient.cell) to the memory gradient before "
          + "using it. " + self.hint)
      assertGreater(
        result.gradients.bias.maxAbs(), 1e-3,
        "∂L/∂b is zero when only ∂L/∂c_t is non-zero; the memory gradient must reach the input, "
          + "forget and candidate blocks. \(self.hint)")
    }
  }

  /// One unit whose memory is large: `tanh(c_t)` is nearly flat there, so almost nothing of
  /// `∂L/∂h_t` reaches `c_t`.
  func testMemoryGradientUsesTheSlopeOfTanh() throws {
    try exercise {
      let c = 3.0
      let o = 0.6
      let cache = LSTMCell.StepCache(
        input: .zeros(1, 1), previousHidden: .zeros(1, 1), previousCell: Matrix([[c]]),
        inputGate: .zeros(1, 1), forgetGate: Matrix([[1]]), candidate: .zeros(1, 1),
        outputGate: Matrix([[o]]), cell: Matrix([[c]]), cellTanh: Matrix([[tanh(c)]]),
        output: Matrix([[o * tanh(c)]]))
      let cell = LSTMCell(
        inputWeight: .zeros(4, 1), recurrentWeight: .zeros(4, 1), bias: .zeros(1, 4))
      let result = cell.backward(
        cache, stateGradient: LSTMState(hidden: Matrix([[1]]), cell: .zeros(1, 1)))
      assertClose(
        result.previousStateGradient.cell, Matrix([[o * (1 - tanh(c) * tanh(c))]]),
        "∂L/∂c_{t-1} for c_t = 3, o = 0.6, f = 1",
        hint: "∂h_t/∂c_t = o ⊙ (1 - tanh²(c_t)); the slope of tanh is easy to forget. "
          + self.hint)
    }
  }
}
