import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit06.LSTMCell
import struct Unit06.LSTMState
import struct Unit06.PeepholeLSTMCell

/// Exercise 06.6 (extension): `PeepholeLSTMCell.forward`.
final class PeepholeLSTMForwardTests: XCTestCase {
  let hint = "Check PeepholeLSTMCell.forward (exercise 06.6, Lectures/06-lstm.md §9)."

  func testForwardMatchesGoldenValues() throws {
    try exercise {
      let f = Fixtures.lstm()
      let (state, _) = Fixtures.peepholeCell().forward(
        f.x, state: LSTMState(hidden: f.h, cell: f.c))
      assertClose(
        state.cell, Matrix(rows: 2, cols: 4, values: Self.goldenC), "c_t", hint: self.hint)
      assertClose(
        state.hidden, Matrix(rows: 2, cols: 4, values: Self.goldenH), "h_t", hint: self.hint)
    }
  }

  func testWithoutPeepholesItIsThePlainLSTM() throws {
    try exercise {
      let f = Fixtures.lstm()
      let previous = LSTMState(hidden: f.h, cell: f.c)
      let (state, _) = PeepholeLSTMCell(Fixtures.cell()).forward(f.x, state: previous)
      let reference = Fixtures.step(Fixtures.cell(), x: f.x, state: previous)
      assertClose(
        state.hidden, reference.output, "h_t with p_i = p_f = p_o = 0",
        hint: "With zero peepholes the cell is an LSTM with gate order i, f, g, o. " + self.hint)
    }
  }

  /// All weights zero; `i ≈ 1`, `f ≈ 0` and `g = 0.5` make `c_t = 0.5` whatever `c_{t-1} = -2`
  /// was, so the output gate `σ(2 c)` tells which memory it read.
  func testOutputGateReadsTheNewMemory() throws {
    try exercise {
      let cell = PeepholeLSTMCell(
        inputWeight: .zeros(4, 1), recurrentWeight: .zeros(4, 1),
        bias: Matrix(row: [40, -40, atanh(0.5), 0]), inputPeephole: .zeros(1, 1),
        forgetPeephole: .zeros(1, 1), outputPeephole: Matrix([[2]]))
      let (state, cache) = cell.forward(
        .zeros(1, 1), state: LSTMState(hidden: .zeros(1, 1), cell: Matrix([[-2]])))
      assertClose(state.cell, Matrix([[0.5]]), tolerance: 1e-12, "c_t", hint: self.hint)
      assertClose(
        cache.outputGate, Matrix([[1 / (1 + exp(-1.0))]]), tolerance: 1e-12, "o_t",
        hint: "The output gate is computed after c_t and peeks at it: o = σ(a_o + p_o ⊙ c_t), "
          + "not c_{t-1}. " + self.hint)
    }
  }

  /// The input and forget gates read the old memory `c_{t-1} = 0.7`.
  func testInputAndForgetGatesReadTheOldMemory() throws {
    try exercise {
      let cell = PeepholeLSTMCell(
        inputWeight: .zeros(4, 1), recurrentWeight: .zeros(4, 1), bias: .zeros(1, 4),
        inputPeephole: Matrix([[1]]), forgetPeephole: Matrix([[-3]]),
        outputPeephole: .zeros(1, 1))
      let (_, cache) = cell.forward(
        .zeros(1, 1), state: LSTMState(hidden: .zeros(1, 1), cell: Matrix([[0.7]])))
      assertClose(
        cache.inputGate, Matrix([[1 / (1 + exp(-0.7))]]), tolerance: 1e-12, "i_t",
        hint: "i = σ(a_i + p_i ⊙ c_{t-1}). " + self.hint)
      assertClose(
        cache.forgetGate, Matrix([[1 / (1 + exp(2.1))]]), tolerance: 1e-12, "f_t",
        hint: "f = σ(a_f + p_f ⊙ c_{t-1}). " + self.hint)
    }
  }
}

/// Exercise 06.7 (extension): `PeepholeLSTMCell.backward`. The caches are built by the test's
/// reference step, so these tests do not depend on exercise 06.6.
final class PeepholeLSTMBackwardTests: XCTestCase {
  let hint = "Check PeepholeLSTMCell.backward (exercise 06.7, Lectures/06-lstm.md §9)."

  func testGradientsMatchGoldenValues() throws {
    try exercise {
      let f = Fixtures.lstm()
      let cell = Fixtures.peepholeCell()
      let cache = Fixtures.step(cell, x: f.x, state: LSTMState(hidden: f.h, cell: f.c))
      let result = cell.backward(cache, stateGradient: LSTMState(hidden: f.dh, cell: f.dc))
      assertClose(
        result.gradients.inputPeephole, Matrix(rows: 1, cols: 4, values: Self.goldenPi),
        "∂L/∂p_i", hint: self.hint)
      assertClose(
        result.gradients.forgetPeephole, Matrix(rows: 1, cols: 4, values: Self.goldenPf),
        "∂L/∂p_f", hint: self.hint)
      assertClose(
        result.gradients.outputPeephole, Matrix(rows: 1, cols: 4, values: Self.goldenPo),
        "∂L/∂p_o", hint: self.hint)
      assertClose(
        result.previousStateGradient.cell,
        Matrix(rows: 2, cols: 4, values: Self.goldenCPrevious), "∂L/∂c_{t-1}", hint: self.hint)
    }
  }

  func testParameterGradientsMatchCenteredDifferences() throws {
    try exercise {
      let f = Fixtures.lstm()
      let cell = Fixtures.peepholeCell()
      let previous = LSTMState(hidden: f.h, cell: f.c)
      let cache = Fixtures.step(cell, x: f.x, state: previous)
      let result = cell.backward(cache, stateGradient: LSTMState(hidden: f.dh, cell: f.dc))
      let check = GradientCheck.check(parameters: cell, analytic: result.gradients) { c in
        Fixtures.stepLoss(Fixtures.step(c, x: f.x, state: previous), dh: f.dh, dc: f.dc)
      }
      assertGradientsMatch(check, tolerance: 1e-7, hint: self.hint)
    }
  }

  func testInputAndPreviousStateGradientsMatchCenteredDifferences() throws {
    try exercise {
      let f = Fixtures.lstm()
      let cell = Fixtures.peepholeCell()
      let cache = Fixtures.step(cell, x: f.x, state: LSTMState(hidden: f.h, cell: f.c))
      let result = cell.backward(cache, stateGradient: LSTMState(hidden: f.dh, cell: f.dc))
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
        ) { loss(h: $0) }, tolerance: 1e-7, hint: self.hint)
      assertGradientsMatch(
        GradientCheck.check(
          input: f.c, named: "c_{t-1}", analytic: result.previousStateGradient.cell
        ) { loss(c: $0) }, tolerance: 1e-7,
        hint: "c_{t-1} now also reaches the loss through i_t and f_t (their peepholes), and "
          + "c_t through o_t. " + self.hint)
    }
  }
}
