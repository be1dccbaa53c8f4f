import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit06.LSTMCell
import struct Unit06.LSTMState

/// Exercise 06.4: `LSTMCell.forward(sequence:initialState:)`. The first test compares with the
/// cell's own step (whatever it computes), so it checks the chaining of `(h, c)` alone; the
/// golden test also needs exercise 06.1.
final class LSTMSequenceForwardTests: XCTestCase {
  let hint = "Check LSTMCell.forward(sequence:) (exercise 06.4, Lectures/06-lstm.md §7)."

  func testEachStepStartsFromThePreviousState() throws {
    try exercise {
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let run = cell.forward(sequence: s.inputs, initialState: s.initial)
      assertEqual(run.states.count, 4, "one state per input. \(self.hint)")
      assertEqual(run.caches.count, 4, "one cache per input. \(self.hint)")
      guard run.states.count == 4, run.caches.count == 4 else { return }
      var state = s.initial
      for t in 0..<4 {
        let step = cell.forward(s.inputs[t], state: state)
        assertClose(
          run.states[t].hidden, step.state.hidden, tolerance: 1e-12, "states[\(t)].hidden",
          hint: "Both h and c are carried from step to step. " + self.hint)
        assertClose(
          run.states[t].cell, step.state.cell, tolerance: 1e-12, "states[\(t)].cell",
          hint: "Both h and c are carried from step to step. " + self.hint)
        state = step.state
      }
    }
  }

  /// Integration with exercise 06.1.
  func testFinalStateMatchesGoldenValues() throws {
    try exercise {
      let s = Fixtures.sequence()
      let run = Fixtures.cell().forward(sequence: s.inputs, initialState: s.initial)
      guard let last = run.states.last else {
        fail("no states. \(self.hint)")
        return
      }
      assertClose(
        last.hidden, Matrix(rows: 2, cols: 4, values: Self.goldenFinalHidden), "h_T",
        hint: self.hint)
      assertClose(
        last.cell, Matrix(rows: 2, cols: 4, values: Self.goldenFinalCell), "c_T", hint: self.hint)
    }
  }

  func testEmptySequenceGivesNoStates() throws {
    try exercise {
      let s = Fixtures.sequence()
      let run = Fixtures.cell().forward(sequence: [], initialState: s.initial)
      assertEqual(run.states.count, 0, "T = 0: no states. \(self.hint)")
      assertEqual(run.caches.count, 0, "T = 0: no caches. \(self.hint)")
    }
  }

  func testOneStepIsTheCellsStep() throws {
    try exercise {
      // T = 1 with a batch of one sequence.
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let x = s.inputs[2].rows(1..<2)
      let h0 = LSTMState(hidden: s.initial.hidden.rows(0..<1), cell: s.initial.cell.rows(0..<1))
      let run = cell.forward(sequence: [x], initialState: h0)
      let step = cell.forward(x, state: h0)
      assertEqual(run.states.count, 1, "T = 1: one state. \(self.hint)")
      assertClose(
        run.states.last?.hidden ?? .zeros(0, 0), step.state.hidden, tolerance: 1e-12,
        "T = 1, B = 1: h_1", hint: self.hint)
      assertClose(
        run.states.last?.cell ?? .zeros(0, 0), step.state.cell, tolerance: 1e-12,
        "T = 1, B = 1: c_1", hint: self.hint)
    }
  }
}

/// Exercise 06.5: `LSTMCell.backward(sequence:hiddenGradients:finalStateGradient:)`. The caches
/// come from the test's reference forward pass, so these tests do not depend on exercises 06.1
/// and 06.4. The first test compares with the cell's own step backward (whatever it computes);
/// the gradient checks also need exercise 06.3.
final class LSTMSequenceBackwardTests: XCTestCase {
  let hint = "Check LSTMCell.backward(sequence:) (exercise 06.5, Lectures/06-lstm.md §7)."

  func testCarriesBothPartsOfTheStateGradient() throws {
    try exercise {
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let caches = Fixtures.referenceCaches(cell, inputs: s.inputs, initial: s.initial)
      let result = cell.backward(
        sequence: caches, hiddenGradients: s.weights, finalStateGradient: s.final)
      var dNext = s.final
      var sum = cell.zerosLike()
      var inputGradients = [Matrix](repeating: .zeros(0, 0), count: 4)
      for t in stride(from: 3, through: 0, by: -1) {
        let step = cell.backward(
          caches[t],
          stateGradient: LSTMState(hidden: dNext.hidden + s.weights[t], cell: dNext.cell))
        sum.accumulate(step.gradients)
        inputGradients[t] = step.inputGradient
        dNext = step.previousStateGradient
      }
      assertClose(
        result.initialStateGradient.cell, dNext.cell, tolerance: 1e-12, "∂L/∂c_0",
        hint: "The memory gradient ∂L/∂c_t comes only from step t + 1: carry it unchanged into "
          + "the step backward (nothing outside the cell reads c_t). " + self.hint)
      assertClose(
        result.initialStateGradient.hidden, dNext.hidden, tolerance: 1e-12, "∂L/∂h_0",
        hint: "∂L/∂h_t is hiddenGradients[t] plus what step t + 1 sends back. " + self.hint)
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

  func testWithoutAFinalStateGradientOnlyTheDirectGradientsCount() throws {
    try exercise {
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let caches = Fixtures.referenceCaches(cell, inputs: s.inputs, initial: s.initial)
      let withZero = cell.backward(
        sequence: caches, hiddenGradients: s.weights,
        finalStateGradient: LSTMState(hidden: .zeros(2, 4), cell: .zeros(2, 4)))
      let withNil = cell.backward(sequence: caches, hiddenGradients: s.weights)
      assertClose(
        withNil.initialStateGradient.hidden, withZero.initialStateGradient.hidden,
        tolerance: 1e-12, "∂L/∂h_0 without a final state gradient",
        hint: "finalStateGradient nil means zero. " + self.hint)
      assertClose(
        withNil.initialStateGradient.cell, withZero.initialStateGradient.cell, tolerance: 1e-12,
        "∂L/∂c_0 without a final state gradient",
        hint: "finalStateGradient nil means zero. " + self.hint)
    }
  }

  func testAnEmptySequencePassesTheFinalStateGradientStraightBack() throws {
    try exercise {
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let result = cell.backward(sequence: [], hiddenGradients: [], finalStateGradient: s.final)
      assertEqual(result.inputGradients.count, 0, "input gradients of an empty sequence")
      assertClose(
        result.initialStateGradient.hidden, s.final.hidden, tolerance: 0, "∂L/∂h_0 with T = 0",
        hint: "With no step, (h_0, c_0) is the final state. " + self.hint)
      assertClose(
        result.initialStateGradient.cell, s.final.cell, tolerance: 0, "∂L/∂c_0 with T = 0",
        hint: "With no step, (h_0, c_0) is the final state. " + self.hint)
      for (name, block) in result.gradients.namedParameters {
        assertClose(
          block, .zeros(like: block), tolerance: 0, "∂L/∂\(name) with T = 0",
          hint: "No step used the parameters. " + self.hint)
      }
    }
  }

  /// Integration with exercise 06.3: every parameter block, through 4 steps.
  func testParameterGradientsMatchCenteredDifferences() throws {
    try exercise {
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let caches = Fixtures.referenceCaches(cell, inputs: s.inputs, initial: s.initial)
      let result = cell.backward(
        sequence: caches, hiddenGradients: s.weights, finalStateGradient: s.final)
      let check = GradientCheck.check(parameters: cell, analytic: result.gradients) {
        Fixtures.sequenceLoss(
          $0, inputs: s.inputs, initial: s.initial, weights: s.weights, final: s.final)
      }
      assertGradientsMatch(check, tolerance: 1e-6, hint: self.hint)
    }
  }

  /// Integration with exercise 06.3: every input `x_t` and both parts of the initial state.
  func testInputAndInitialStateGradientsMatchCenteredDifferences() throws {
    try exercise {
      let s = Fixtures.sequence()
      let cell = Fixtures.cell()
      let caches = Fixtures.referenceCaches(cell, inputs: s.inputs, initial: s.initial)
      let result = cell.backward(
        sequence: caches, hiddenGradients: s.weights, finalStateGradient: s.final)
      func loss(inputs: [Matrix]? = nil, h0: Matrix? = nil, c0: Matrix? = nil) -> Double {
        Fixtures.sequenceLoss(
          cell, inputs: inputs ?? s.inputs,
          initial: LSTMState(hidden: h0 ?? s.initial.hidden, cell: c0 ?? s.initial.cell),
          weights: s.weights, final: s.final)
      }
      assertGradientsMatch(
        GradientCheck.check(
          input: s.initial.hidden, named: "h_0", analytic: result.initialStateGradient.hidden
        ) { loss(h0: $0) }, tolerance: 1e-6, hint: self.hint)
      assertGradientsMatch(
        GradientCheck.check(
          input: s.initial.cell, named: "c_0", analytic: result.initialStateGradient.cell
        ) { loss(c0: $0) }, tolerance: 1e-6, hint: self.hint)
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
          return loss(inputs: inputs)
        }
        assertGradientsMatch(dx, tolerance: 1e-6, hint: self.hint)
      }
    }
  }
}
