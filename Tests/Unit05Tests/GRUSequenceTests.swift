import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit05.GRUCell

/// Exercise 05.3: `GRUCell.forward(sequence:initialState:)`. The first test compares with the
/// cell's own step (whatever it computes), so it checks the chaining alone; the golden test also
/// needs exercise 05.1.
final class GRUSequenceForwardTests: XCTestCase {
  let hint = "Check GRUCell.forward(sequence:) (exercise 05.3, Lectures/05-gru.md §6)."

  func testEachStepStartsFromThePreviousState() throws {
    try exercise {
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let run = cell.forward(sequence: s.inputs, initialState: s.h0)
      assertEqual(run.states.count, 4, "one state per input. \(self.hint)")
      assertEqual(run.caches.count, 4, "one cache per input. \(self.hint)")
      guard run.states.count == 4, run.caches.count == 4 else { return }
      var h = s.h0
      for t in 0..<4 {
        let step = cell.forward(s.inputs[t], state: h)
        assertClose(
          run.states[t], step.state, tolerance: 1e-12, "states[\(t)]",
          hint: "states[t] is the step's output from states[t - 1] (h_0 for t = 0). " + self.hint)
        // h_0 is the test's own matrix; later states are computed.
        assertClose(
          run.caches[t].previous, h, tolerance: t == 0 ? 0 : 1e-12, "caches[\(t)].previous",
          hint: self.hint)
        h = step.state
      }
    }
  }

  /// Integration with exercise 05.1.
  func testStatesMatchGoldenValues() throws {
    try exercise {
      let s = Fixtures.sequence()
      let run = Fixtures.cell().forward(sequence: s.inputs, initialState: s.h0)
      guard let last = run.states.last else {
        fail("no states. \(self.hint)")
        return
      }
      assertClose(
        last, Matrix(rows: 2, cols: 4, values: Self.goldenFinalState), "h_T", hint: self.hint)
    }
  }

  func testEmptySequenceGivesNoStates() throws {
    try exercise {
      let s = Fixtures.sequence()
      let run = Fixtures.cell().forward(sequence: [], initialState: s.h0)
      assertTrue(run.states.isEmpty && run.caches.isEmpty, "T = 0. \(self.hint)")
    }
  }

  func testOneStepIsTheCellsStep() throws {
    try exercise {
      // T = 1 with a batch of one sequence.
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let x = s.inputs[2].rows(1..<2)
      let h0 = s.h0.rows(0..<1)
      let run = cell.forward(sequence: [x], initialState: h0)
      assertEqual(run.states.count, 1, "T = 1: one state. \(self.hint)")
      assertClose(
        run.states.last ?? .zeros(0, 0), cell.forward(x, state: h0).state, tolerance: 1e-12,
        "T = 1, B = 1: h_1", hint: self.hint)
    }
  }
}

/// Exercise 05.4: `GRUCell.backward(sequence:hiddenGradients:finalStateGradient:)`. The caches
/// come from the test's reference forward pass, so these tests do not depend on exercises 05.1
/// and 05.3. The first test compares with the cell's own step backward (whatever it computes),
/// so it checks the bookkeeping alone; the gradient checks also need exercise 05.2.
final class GRUSequenceBackwardTests: XCTestCase {
  let hint = "Check GRUCell.backward(sequence:) (exercise 05.4, Lectures/05-gru.md §6)."

  func testCarriesTheGradientFromTheFutureAndAddsTheDirectOne() throws {
    try exercise {
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let caches = Fixtures.referenceCaches(cell, inputs: s.inputs, h0: s.h0)
      let result = cell.backward(
        sequence: caches, hiddenGradients: s.weights, finalStateGradient: s.final)
      // The same walk, written out with the cell's own step backward.
      var dNext = s.final
      var sum = cell.zerosLike()
      var inputGradients = [Matrix](repeating: .zeros(0, 0), count: 4)
      for t in stride(from: 3, through: 0, by: -1) {
        let step = cell.backward(caches[t], stateGradient: dNext + s.weights[t])
        sum.accumulate(step.gradients)
        inputGradients[t] = step.inputGradient
        dNext = step.previousStateGradient
      }
      assertClose(
        result.initialStateGradient, dNext, tolerance: 1e-12, "∂L/∂h_0",
        hint: "At step t, pass hiddenGradients[t] plus the gradient from step t + 1 (the final "
          + "state gradient for the last step) to the step backward. " + self.hint)
      assertEqual(result.inputGradients.count, 4, "one input gradient per step. \(self.hint)")
      for t in 0..<min(4, result.inputGradients.count) {
        assertClose(
          result.inputGradients[t], inputGradients[t], tolerance: 1e-12, "∂L/∂x_\(t)",
          hint: "inputGradients[t] belongs to inputs[t]. " + self.hint)
      }
      for (name, block) in result.gradients.namedParameters {
        let expected = sum.namedParameters.first { $0.name == name }?.value ?? .zeros(0, 0)
        assertClose(
          block, expected, tolerance: 1e-12, "∂L/∂\(name)",
          hint: "Parameters are shared by all steps: sum their gradients. " + self.hint)
      }
    }
  }

  func testAnEmptySequencePassesTheFinalStateGradientStraightBack() throws {
    try exercise {
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let result = cell.backward(sequence: [], hiddenGradients: [], finalStateGradient: s.final)
      assertEqual(result.inputGradients.count, 0, "input gradients of an empty sequence")
      assertClose(
        result.initialStateGradient, s.final, tolerance: 0, "∂L/∂h_0 with T = 0",
        hint: "With no step, h_0 is the final state. " + self.hint)
      for (name, block) in result.gradients.namedParameters {
        assertClose(
          block, .zeros(like: block), tolerance: 0, "∂L/∂\(name) with T = 0",
          hint: "No step used the parameters. " + self.hint)
      }
    }
  }

  /// Integration with exercise 05.2: every parameter block, through 4 steps.
  func testParameterGradientsMatchCenteredDifferences() throws {
    try exercise {
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let caches = Fixtures.referenceCaches(cell, inputs: s.inputs, h0: s.h0)
      let result = cell.backward(
        sequence: caches, hiddenGradients: s.weights, finalStateGradient: s.final)
      let check = GradientCheck.check(parameters: cell, analytic: result.gradients) {
        Fixtures.sequenceLoss($0, inputs: s.inputs, h0: s.h0, weights: s.weights, final: s.final)
      }
      assertGradientsMatch(check, tolerance: 1e-6, hint: self.hint)
    }
  }

  /// Integration with exercise 05.2: every input `x_t` and the initial state `h_0`.
  func testInputAndInitialStateGradientsMatchCenteredDifferences() throws {
    try exercise {
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let caches = Fixtures.referenceCaches(cell, inputs: s.inputs, h0: s.h0)
      let result = cell.backward(
        sequence: caches, hiddenGradients: s.weights, finalStateGradient: s.final)
      let dh0 = GradientCheck.check(
        input: s.h0, named: "h_0", analytic: result.initialStateGradient
      ) {
        Fixtures.sequenceLoss(cell, inputs: s.inputs, h0: $0, weights: s.weights, final: s.final)
      }
      assertGradientsMatch(dh0, tolerance: 1e-6, hint: self.hint)
      guard result.inputGradients.count == 4 else {
        fail("expected 4 input gradients, got \(result.inputGradients.count). \(self.hint)")
        return
      }
      for t in 0..<4 {
        let dx = GradientCheck.check(
          input: s.inputs[t], named: "x_\(t)", analytic: result.inputGradients[t]
        ) { x in
          var inputs = s.inputs
          inputs[t] = x
          return Fixtures.sequenceLoss(
            cell, inputs: inputs, h0: s.h0, weights: s.weights, final: s.final)
        }
        assertGradientsMatch(dx, tolerance: 1e-6, hint: self.hint)
      }
    }
  }

  func testWithoutAFinalStateGradientOnlyTheDirectGradientsCount() throws {
    try exercise {
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let caches = Fixtures.referenceCaches(cell, inputs: s.inputs, h0: s.h0)
      let withZero = cell.backward(
        sequence: caches, hiddenGradients: s.weights, finalStateGradient: .zeros(2, 4))
      let withNil = cell.backward(sequence: caches, hiddenGradients: s.weights)
      assertClose(
        withNil.initialStateGradient, withZero.initialStateGradient, tolerance: 1e-12,
        "∂L/∂h_0 without a final state gradient",
        hint: "finalStateGradient nil means zero. " + self.hint)
    }
  }
}
