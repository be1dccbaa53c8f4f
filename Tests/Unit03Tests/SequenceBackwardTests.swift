import CourseTestSupport
import RNNCore
import XCTest

import struct Unit02.RNNLanguageModel

/// Exercise 03.2: `RNNLanguageModel.backward`, full backpropagation through time. The forward
/// pass is assembled by the test and the cell is ``NumericElmanCell`` (its step backward is
/// numerical), so these tests depend neither on unit 02's exercises nor on exercise 03.1.
final class SequenceBackwardTests: XCTestCase {
  let hint = "Check RNNLanguageModel.backward (exercise 03.2, Lectures/03-bptt.md §3)."

  func testEveryParameterBlockMatchesCenteredDifferencesForOneStep() throws {
    try exercise {
      let model = Fixtures.languageModel()
      let h0 = Fixtures.initialState()
      let inputs = Fixtures.inputs.map { [$0[0]] }
      let targets = Fixtures.targets.map { [$0[0]] }
      let pass = Fixtures.referenceForward(model, initialState: h0, inputs: inputs)
      let (gradients, dh0) = model.backward(
        pass, logitGradients: Fixtures.logitGradients(pass.logits, targets: targets))
      let check = GradientCheck.check(parameters: model, analytic: gradients) {
        Fixtures.referenceLoss($0, initialState: h0, inputs: inputs, targets: targets)
      }
      assertGradientsMatch(check, tolerance: 1e-7, hint: "one step (T = 1). " + self.hint)
      let initial = GradientCheck.check(input: h0, named: "h_0", analytic: dh0) {
        Fixtures.referenceLoss(model, initialState: $0, inputs: inputs, targets: targets)
      }
      assertGradientsMatch(initial, tolerance: 1e-7, hint: "one step (T = 1). " + self.hint)
    }
  }

  func testEveryParameterBlockMatchesCenteredDifferencesThroughTime() throws {
    try exercise {
      let model = Fixtures.languageModel()
      let h0 = Fixtures.initialState()
      let pass = Fixtures.referenceForward(model, initialState: h0)
      let (gradients, _) = model.backward(
        pass, logitGradients: Fixtures.logitGradients(pass.logits))
      let check = GradientCheck.check(parameters: model, analytic: gradients) {
        Fixtures.referenceLoss($0, initialState: h0)
      }
      assertGradientsMatch(
        check, tolerance: 1e-6,
        hint: "Every block is shared by all T = 4 steps, so its gradient is a sum over steps; "
          + "the embedding gradient of a token that appears twice is the sum of both. "
          + self.hint)
    }
  }

  func testInitialStateGradientMatchesCenteredDifferences() throws {
    try exercise {
      let model = Fixtures.languageModel()
      let h0 = Fixtures.initialState()
      let pass = Fixtures.referenceForward(model, initialState: h0)
      let (_, dh0) = model.backward(pass, logitGradients: Fixtures.logitGradients(pass.logits))
      let check = GradientCheck.check(input: h0, named: "h_0", analytic: dh0) {
        Fixtures.referenceLoss(model, initialState: $0)
      }
      assertGradientsMatch(
        check, tolerance: 1e-6,
        hint: "∂L/∂h_0 is the ∂L/∂h_{t-1} that step 0 passes back. " + self.hint)
    }
  }

  func testAnEmptyChunkPassesTheFinalStateGradientStraightBack() throws {
    try exercise {
      let model = Fixtures.languageModel()
      let h0 = Fixtures.initialState()
      let pass = Fixtures.referenceForward(
        model, initialState: h0, inputs: Fixtures.inputs.map { _ in [] })
      let final = h0.map { 0.5 - $0 }
      let (gradients, dh0) = model.backward(pass, logitGradients: [], finalStateGradient: final)
      assertClose(
        dh0, final, tolerance: 0, "∂L/∂h_0 with T = 0",
        hint: "With no step, h_0 is the final state. " + self.hint)
      for (name, block) in gradients.namedParameters {
        assertClose(
          block, .zeros(like: block), tolerance: 0, "∂L/∂\(name) with T = 0",
          hint: "No step used the parameters. " + self.hint)
      }
    }
  }

  func testGradientFromTheLastStepReachesTheFirstInput() throws {
    try exercise {
      // Only the last step has a loss, so any gradient at step 0 must have travelled back
      // through three steps of dh carried from t + 1 to t.
      let model = Fixtures.languageModel()
      let h0 = Fixtures.initialState()
      let pass = Fixtures.referenceForward(model, initialState: h0)
      var logitGradients = Fixtures.logitGradients(pass.logits)
      for t in 0..<3 { logitGradients[t] = .zeros(like: logitGradients[t]) }
      let (gradients, dh0) = model.backward(pass, logitGradients: logitGradients)
      let lastStepLoss: (RNNLanguageModel<NumericElmanCell>, Matrix) -> Double = { m, h in
        let states = Fixtures.referenceStates(m, inputs: Fixtures.inputs, initialState: h)
        let logits = states[4].matmul(m.outputWeight, transposeOther: true)
          .adding(rowVector: m.outputBias)
        return CrossEntropy.loss(
          logits: logits, targets: Fixtures.targets.map { $0[3] }, reduction: .sum) / 8
      }
      let hint =
        "With a loss only at the last step, the gradient of h_t for t < T-1 is what step t+1 "
        + "passes back; add it to the output layer's contribution at every step. " + self.hint
      let check = GradientCheck.check(parameters: model, analytic: gradients) {
        lastStepLoss($0, h0)
      }
      assertGradientsMatch(check, tolerance: 1e-6, hint: hint)
      let initial = GradientCheck.check(input: h0, named: "h_0", analytic: dh0) {
        lastStepLoss(model, $0)
      }
      assertGradientsMatch(initial, tolerance: 1e-6, hint: hint)
    }
  }

  func testFinalStateGradientEntersAtTheLastStep() throws {
    try exercise {
      // No loss on the logits; L = Σ G ⊙ h_T for a fixed G passed as finalStateGradient.
      let model = Fixtures.languageModel()
      let h0 = Fixtures.initialState()
      var rng = RandomSource(seed: 3010)
      let g = Matrix.gaussian(2, 4, rng: &rng)
      let pass = Fixtures.referenceForward(model, initialState: h0)
      let zero = pass.logits.map { Matrix.zeros(like: $0) }
      let (gradients, dh0) = model.backward(pass, logitGradients: zero, finalStateGradient: g)
      let loss: (RNNLanguageModel<NumericElmanCell>, Matrix) -> Double = { m, h in
        Fixtures.referenceStates(m, inputs: Fixtures.inputs, initialState: h)[4].dot(g)
      }
      let hint = "finalStateGradient is ∂L/∂h_T: start the backward walk with it. " + self.hint
      assertGradientsMatch(
        GradientCheck.check(parameters: model, analytic: gradients) { loss($0, h0) },
        tolerance: 1e-6, hint: hint)
      assertGradientsMatch(
        GradientCheck.check(input: h0, named: "h_0", analytic: dh0) { loss(model, $0) },
        tolerance: 1e-6, hint: hint)
    }
  }

  func testOutputLayerGradientsMatchGoldenValues() throws {
    try exercise {
      let model = Fixtures.languageModel()
      let pass = Fixtures.referenceForward(model, initialState: Fixtures.initialState())
      let (gradients, _) = model.backward(
        pass, logitGradients: Fixtures.logitGradients(pass.logits))
      assertClose(
        gradients.outputBias, Matrix(row: Self.goldenBs), tolerance: 1e-8, "∂L/∂b_s",
        hint: "∂L/∂b_s sums ∂L/∂s_t over sequences and steps. " + self.hint)
      assertClose(
        gradients.outputWeight, Matrix(rows: 5, cols: 4, values: Self.goldenWs), tolerance: 1e-8,
        "∂L/∂W_s",
        hint: "∂L/∂W_s = Σ_t ∂L/∂s_tᵀ h_t (VxH), with h_t the state after step t. "
          + self.hint)
    }
  }
}
