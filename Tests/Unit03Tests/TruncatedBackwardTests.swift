import CourseTestSupport
import RNNCore
import XCTest

import struct Unit02.RNNLanguageModel

/// Exercise 03.3: `RNNLanguageModel.truncatedBackward` with a window of `k` steps. As in
/// ``SequenceBackwardTests`` the forward pass and the cell's step backward are the test's own.
///
/// The reference is numerical: the truncated gradient is exactly the gradient of
/// ``Fixtures/truncatedLoss``, in which the loss of step `t` is recomputed from the *constant*
/// state `h_{t-k}` through the `k` steps `t-k+1 ... t`.
final class TruncatedBackwardTests: XCTestCase {
  let hint =
    "Check RNNLanguageModel.truncatedBackward (exercise 03.3, Lectures/03-bptt.md §4)."

  func check(window: Int) {
    let model = Fixtures.languageModel()
    let h0 = Fixtures.initialState()
    let pass = Fixtures.referenceForward(model, initialState: h0)
    let (gradients, dh0) = model.truncatedBackward(
      pass, logitGradients: Fixtures.logitGradients(pass.logits), window: window)
    let what =
      "window k = \(window) over T = 4 steps: the loss of step t reaches steps t-k+1 ... t "
      + "(k cell steps) and h_0 only when t < k. "
    let parameters = GradientCheck.check(parameters: model, analytic: gradients) {
      Fixtures.truncatedLoss(
        $0, base: model, initialState: h0, baseInitialState: h0, window: window)
    }
    assertGradientsMatch(parameters, tolerance: 1e-6, hint: what + hint)
    let initial = GradientCheck.check(input: h0, named: "h_0", analytic: dh0) {
      Fixtures.truncatedLoss(
        model, base: model, initialState: $0, baseInitialState: h0, window: window)
    }
    assertGradientsMatch(initial, tolerance: 1e-6, hint: what + hint)
  }

  func testWindowOfOneStepSendsNothingAcrossTime() throws {
    try exercise { self.check(window: 1) }
  }

  func testWindowsOfTwoAndThreeSteps() throws {
    try exercise {
      self.check(window: 2)
      self.check(window: 3)
    }
  }

  func testWindowCoveringTheSequenceGivesTheFullGradient() throws {
    try exercise {
      let model = Fixtures.languageModel()
      let h0 = Fixtures.initialState()
      let pass = Fixtures.referenceForward(model, initialState: h0)
      for window in [4, 10] {
        let (gradients, dh0) = model.truncatedBackward(
          pass, logitGradients: Fixtures.logitGradients(pass.logits), window: window)
        let hint = "with k = \(window) ≥ T = 4 nothing is truncated. " + self.hint
        assertGradientsMatch(
          GradientCheck.check(parameters: model, analytic: gradients) {
            Fixtures.referenceLoss($0, initialState: h0)
          }, tolerance: 1e-6, hint: hint)
        assertGradientsMatch(
          GradientCheck.check(input: h0, named: "h_0", analytic: dh0) {
            Fixtures.referenceLoss(model, initialState: $0)
          }, tolerance: 1e-6, hint: hint)
      }
    }
  }
}
