import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit05.GRUCell

/// Exercise 05.2: `GRUCell.backward`, one step backward. The caches are built by the test from
/// its own reference step, so these tests do not depend on exercise 05.1. The scalar loss is
/// `L = Σ dh ⊙ h_t` for a fixed random `dh`, so `∂L/∂h_t = dh`.
final class GRUCellBackwardTests: XCTestCase {
  let hint = "Check GRUCell.backward (exercise 05.2, Lectures/05-gru.md §5)."

  func cache() -> GRUCell.StepCache {
    let f = Fixtures.gru()
    return Fixtures.referenceCache(x: f.x, h: f.h, w: f.w, u: f.u, b: f.b)
  }

  func testGradientsMatchGoldenValues() throws {
    try exercise {
      let f = Fixtures.gru()
      let result = Fixtures.cell().backward(self.cache(), stateGradient: f.dh)
      assertClose(
        result.gradients.inputWeight, Matrix(rows: 12, cols: 3, values: Self.goldenW),
        "∂L/∂W (rows: z, r, h̃ blocks)", hint: self.hint)
      assertClose(
        result.gradients.recurrentWeight, Matrix(rows: 12, cols: 4, values: Self.goldenU),
        "∂L/∂U (rows: z, r, h̃ blocks)", hint: self.hint)
      assertClose(
        result.gradients.bias, Matrix(rows: 1, cols: 12, values: Self.goldenB), "∂L/∂b",
        hint: self.hint)
      assertClose(
        result.inputGradient, Matrix(rows: 2, cols: 3, values: Self.goldenX), "∂L/∂x_t",
        hint: self.hint)
      assertClose(
        result.previousStateGradient, Matrix(rows: 2, cols: 4, values: Self.goldenHPrevious),
        "∂L/∂h_{t-1}", hint: self.hint)
    }
  }

  func testParameterGradientsMatchCenteredDifferences() throws {
    try exercise {
      let f = Fixtures.gru()
      let cell = Fixtures.cell()
      let result = cell.backward(self.cache(), stateGradient: f.dh)
      let check = GradientCheck.check(parameters: cell, analytic: result.gradients) { c in
        Fixtures.referenceStep(
          x: f.x, h: f.h, w: c.inputWeight, u: c.recurrentWeight, b: c.bias
        ).h.dot(f.dh)
      }
      assertGradientsMatch(check, tolerance: 1e-7, hint: self.hint)
    }
  }

  func testInputAndPreviousStateGradientsMatchCenteredDifferences() throws {
    try exercise {
      let f = Fixtures.gru()
      let result = Fixtures.cell().backward(self.cache(), stateGradient: f.dh)
      let dx = GradientCheck.check(input: f.x, named: "x_t", analytic: result.inputGradient) {
        Fixtures.referenceStep(x: $0, h: f.h, w: f.w, u: f.u, b: f.b).h.dot(f.dh)
      }
      assertGradientsMatch(dx, tolerance: 1e-7, hint: self.hint)
      let dPrevious = GradientCheck.check(
        input: f.h, named: "h_{t-1}", analytic: result.previousStateGradient
      ) {
        Fixtures.referenceStep(x: f.x, h: $0, w: f.w, u: f.u, b: f.b).h.dot(f.dh)
      }
      assertGradientsMatch(
        dPrevious, tolerance: 1e-7,
        hint: "h_{t-1} reaches h_t four ways: directly through z ⊙ h_{t-1}, through r ⊙ h_{t-1} "
          + "in the candidate, and through both gates. " + self.hint)
    }
  }

  /// With `z = 1` (a closed update gate) the step is `h_t = h_{t-1}`: the gradient must pass
  /// through unchanged and the parameters get (almost) none.
  func testGradientPassesUnchangedThroughAClosedUpdateGate() throws {
    try exercise {
      let f = Fixtures.gru()
      var b = f.b
      for i in 0..<4 { b[0, i] = 40 }
      let cell = GRUCell(inputWeight: f.w, recurrentWeight: f.u, bias: b)
      let cache = Fixtures.referenceCache(x: f.x, h: f.h, w: f.w, u: f.u, b: b)
      let result = cell.backward(cache, stateGradient: f.dh)
      assertClose(
        result.previousStateGradient, f.dh, tolerance: 1e-12, "∂L/∂h_{t-1} with z ≈ 1",
        hint: "With z = 1, h_t = h_{t-1}, so ∂L/∂h_{t-1} = ∂L/∂h_t: the dh ⊙ z term. "
          + self.hint)
      assertClose(
        result.gradients.inputWeight, .zeros(12, 3), tolerance: 1e-12, "∂L/∂W with z ≈ 1",
        hint: "With z = 1 the candidate is multiplied by 1 - z = 0. " + self.hint)
    }
  }

  func testParameterGradientsAreSummedOverTheBatch() throws {
    try exercise {
      let f = Fixtures.gru()
      let cell = Fixtures.cell()
      let both = cell.backward(self.cache(), stateGradient: f.dh).gradients
      var sum = cell.zerosLike()
      for row in 0..<2 {
        let cache = Fixtures.referenceCache(
          x: f.x.rowMatrix(row), h: f.h.rowMatrix(row), w: f.w, u: f.u, b: f.b)
        sum.accumulate(cell.backward(cache, stateGradient: f.dh.rowMatrix(row)).gradients)
      }
      for (name, block) in both.namedParameters {
        let expected = sum.namedParameters.first { $0.name == name }?.value ?? .zeros(0, 0)
        assertClose(
          block, expected, "∂L/∂\(name) of the batch vs the sum over its rows",
          hint: "Parameters are shared by every sequence of the batch. " + self.hint)
      }
    }
  }
}
