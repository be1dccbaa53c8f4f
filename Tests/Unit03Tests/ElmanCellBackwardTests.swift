import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit02.ElmanCell
import enum Unit02.RecurrentActivation

/// Exercise 03.1: `ElmanCell.backward`, one step backward. The caches are built by the test
/// from the reference step, so these tests do not depend on exercise 02.1. The scalar loss is
/// `L = Σ dh ⊙ h_t` for a fixed random `dh`, so `∂L/∂h_t = dh`.
final class ElmanCellBackwardTests: XCTestCase {
  let hint = "Check ElmanCell.backward (exercise 03.1, Lectures/03-bptt.md §2)."

  func cell(_ activation: RecurrentActivation) -> ElmanCell {
    let f = Fixtures.elman()
    return ElmanCell(recurrentWeight: f.whh, inputWeight: f.whx, bias: f.b, activation: activation)
  }

  /// The cache of the fixtures' step, made by the reference step.
  func cache(_ activation: RecurrentActivation) -> ElmanCell.StepCache {
    let f = Fixtures.elman()
    let (z, h) = Fixtures.referenceStep(
      x: f.x, h: f.h, whh: f.whh, whx: f.whx, b: f.b, activation: activation)
    return ElmanCell.StepCache(input: f.x, previous: f.h, preActivation: z, output: h)
  }

  func testGradientsMatchGoldenValues() throws {
    try exercise {
      let f = Fixtures.elman()
      let result = self.cell(.tanh).backward(self.cache(.tanh), stateGradient: f.dh)
      assertClose(
        result.gradients.recurrentWeight, Matrix(rows: 4, cols: 4, values: Self.goldenWhh),
        "∂L/∂W_hh", hint: self.hint)
      assertClose(
        result.gradients.inputWeight, Matrix(rows: 4, cols: 3, values: Self.goldenWhx),
        "∂L/∂W_hx", hint: self.hint)
      assertClose(
        result.gradients.bias, Matrix(rows: 1, cols: 4, values: Self.goldenB), "∂L/∂b",
        hint: self.hint)
      assertClose(
        result.inputGradient, Matrix(rows: 2, cols: 3, values: Self.goldenX), "∂L/∂x_t",
        hint: self.hint)
      assertClose(
        result.previousStateGradient, Matrix(rows: 2, cols: 4, values: Self.goldenH),
        "∂L/∂h_{t-1}", hint: self.hint)
    }
  }

  func testParameterGradientsMatchCenteredDifferences() throws {
    try exercise {
      let f = Fixtures.elman()
      for activation in RecurrentActivation.allCases {
        let cell = self.cell(activation)
        let result = cell.backward(self.cache(activation), stateGradient: f.dh)
        let check = GradientCheck.check(parameters: cell, analytic: result.gradients) { c in
          Fixtures.referenceStep(
            x: f.x, h: f.h, whh: c.recurrentWeight, whx: c.inputWeight, b: c.bias,
            activation: activation
          ).h.dot(f.dh)
        }
        assertGradientsMatch(
          check, tolerance: 1e-7, hint: "activation \(activation). " + self.hint)
      }
    }
  }

  func testInputAndPreviousStateGradientsMatchCenteredDifferences() throws {
    try exercise {
      let f = Fixtures.elman()
      for activation in RecurrentActivation.allCases {
        let result = self.cell(activation).backward(self.cache(activation), stateGradient: f.dh)
        let dx = GradientCheck.check(input: f.x, named: "x_t", analytic: result.inputGradient) {
          Fixtures.referenceStep(
            x: $0, h: f.h, whh: f.whh, whx: f.whx, b: f.b, activation: activation
          ).h.dot(f.dh)
        }
        assertGradientsMatch(dx, tolerance: 1e-7, hint: "activation \(activation). " + self.hint)
        let dPrevious = GradientCheck.check(
          input: f.h, named: "h_{t-1}", analytic: result.previousStateGradient
        ) {
          Fixtures.referenceStep(
            x: f.x, h: $0, whh: f.whh, whx: f.whx, b: f.b, activation: activation
          ).h.dot(f.dh)
        }
        assertGradientsMatch(
          dPrevious, tolerance: 1e-7,
          hint: "∂L/∂h_{t-1} = dz W_hh (W_hh is HxH, row i feeds unit i). activation "
            + "\(activation). " + self.hint)
      }
    }
  }

  func testTanhSlopeComesFromTheOutput() throws {
    try exercise {
      // One unit with z = 2: h = tanh(2) ≈ 0.964, and the slope is 1 - h² ≈ 0.0707, not
      // 1 - z² = -3.
      let cell = ElmanCell(
        recurrentWeight: .zeros(1, 1), inputWeight: Matrix([[1]]), bias: .zeros(1, 1))
      let cache = ElmanCell.StepCache(
        input: Matrix([[2]]), previous: .zeros(1, 1), preActivation: Matrix([[2]]),
        output: Matrix([[tanh(2.0)]]))
      let result = cell.backward(cache, stateGradient: Matrix([[1]]))
      assertClose(
        result.gradients.bias, Matrix([[1 - tanh(2.0) * tanh(2.0)]]), "∂L/∂b for z = 2",
        hint: "tanh'(z) = 1 - tanh(z)² = 1 - h², computed from the cached output h_t, not from "
          + "the pre-activation z_t. " + self.hint)
    }
  }

  func testParameterGradientsAreSummedOverTheBatch() throws {
    try exercise {
      let f = Fixtures.elman()
      let cell = self.cell(.tanh)
      let cache = self.cache(.tanh)
      let both = cell.backward(cache, stateGradient: f.dh).gradients
      var sum = cell.zerosLike()
      for r in 0..<2 {
        let row = ElmanCell.StepCache(
          input: cache.input.rowMatrix(r), previous: cache.previous.rowMatrix(r),
          preActivation: cache.preActivation.rowMatrix(r), output: cache.output.rowMatrix(r))
        sum.accumulate(cell.backward(row, stateGradient: f.dh.rowMatrix(r)).gradients)
      }
      for (name, value) in sum.namedParameters {
        let batch = both.namedParameters.first { $0.name == name }?.value ?? .zeros(0, 0)
        assertClose(
          batch, value, "∂L/∂\(name) of the batch vs the sum over its rows",
          hint: "Every row contributes to the shared weights: sum over the batch. " + self.hint)
      }
    }
  }
}
