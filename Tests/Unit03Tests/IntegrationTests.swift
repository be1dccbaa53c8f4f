import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit02.ElmanCell
import struct Unit02.RNNLanguageModel
import enum Unit02.RecurrentActivation
import enum Unit02.SequenceLoss
import enum Unit03.JacobianAnalysis

/// Integration test of exercises 02.1, 02.2, 03.1, 03.2 and 03.3: the real Elman language
/// model, forward and backward, against centered differences of a loss the test computes
/// itself (with the reference step). Fix the unit tests of those exercises first.
final class ElmanBPTTIntegrationTests: XCTestCase {
  let hint =
    "Integration of exercises 02.1, 02.2, 03.1, 03.2 (Lectures/02-elman-rnn.md, "
    + "Lectures/03-bptt.md); fix their own tests first."

  /// A model with non-symmetric weights. The seed is one whose pre-activations stay clear of
  /// ReLU's kink and whose gradient has no entries so small that the rounding error of the
  /// centered differences (about 1e-11) would dominate their relative error.
  func model(_ activation: RecurrentActivation) -> RNNLanguageModel<ElmanCell> {
    var rng = RandomSource(seed: 3035)
    let cell = ElmanCell(
      recurrentWeight: .gaussian(4, 4, std: 0.8, rng: &rng),
      inputWeight: .gaussian(4, 3, std: 0.8, rng: &rng), bias: .gaussian(1, 4, std: 0.3, rng: &rng),
      activation: activation)
    return RNNLanguageModel(
      embedding: .gaussian(5, 3, rng: &rng), cell: cell, outputWeight: .gaussian(5, 4, rng: &rng),
      outputBias: .gaussian(1, 5, std: 0.5, rng: &rng))
  }

  func check(steps: Int, tolerance: Double, truncation: Int? = nil) {
    let h0 = Fixtures.initialState()
    let inputs = Fixtures.inputs.map { Array($0.prefix(steps)) }
    let targets = Fixtures.targets.map { Array($0.prefix(steps)) }
    for activation in RecurrentActivation.allCases {
      let model = self.model(activation)
      let pass = model.forward(inputs, initialState: h0)
      let logitGradients = SequenceLoss.logitGradients(logits: pass.logits, targets: targets)
      let (gradients, dh0) =
        truncation.map { model.truncatedBackward(pass, logitGradients: logitGradients, window: $0) }
        ?? model.backward(pass, logitGradients: logitGradients)
      let label = "activation \(activation), T = \(steps)"
      assertGradientsMatch(
        GradientCheck.check(parameters: model, analytic: gradients) {
          Fixtures.referenceLoss($0, initialState: h0, inputs: inputs, targets: targets)
        }, tolerance: tolerance, hint: "\(label). \(hint)")
      assertGradientsMatch(
        GradientCheck.check(input: h0, named: "h_0", analytic: dh0) {
          Fixtures.referenceLoss(model, initialState: $0, inputs: inputs, targets: targets)
        }, tolerance: tolerance, hint: "\(label). \(hint)")
    }
  }

  func testEveryBlockMatchesCenteredDifferencesForOneStep() throws {
    try exercise { self.check(steps: 1, tolerance: 1e-7) }
  }

  func testEveryBlockMatchesCenteredDifferencesThroughTime() throws {
    try exercise { self.check(steps: 4, tolerance: 1e-6) }
  }

  func testTruncationCoveringTheSequenceMatchesCenteredDifferences() throws {
    try exercise { self.check(steps: 4, tolerance: 1e-6, truncation: 4) }
  }
}

/// Integration test of exercises 02.1, 03.4 and 03.5: the vanishing/exploding-gradient
/// analysis of the lectures on random Elman cells (`JacobianAnalysis.experiment`).
final class VanishingGradientTests: XCTestCase {
  let hint =
    "Integration of exercises 02.1, 03.4 and 03.5 (Lectures/03-bptt.md §6); fix their own "
    + "tests first."

  /// The largest slope of each activation: 1 for tanh and ReLU, 1/4 for the sigmoid.
  static func maximumSlope(_ activation: RecurrentActivation) -> Double {
    activation == .sigmoid ? 0.25 : 1
  }

  func testNormsRespectTheBoundOfTheLectures() throws {
    try exercise {
      // ‖∂h_t/∂h_k‖ ≤ (‖W_hh‖ max|f'|)^(t-k), and ‖W_hh‖ is the spectral radius here.
      for activation in RecurrentActivation.allCases {
        for radius in [0.5, 1.0, 3.0] {
          let norms = JacobianAnalysis.experiment(
            activation: activation, spectralRadius: radius, steps: 30)
          assertEqual(norms.count, 30, "one norm per distance d = 1 ... 30. \(self.hint)")
          let beta = radius * Self.maximumSlope(activation)
          for (index, norm) in norms.enumerated() {
            let bound = pow(beta, Double(index + 1))
            assertLessOrEqual(
              norm, bound * (1 + 1e-6),
              "\(activation), radius \(radius): ‖∂h_t/∂h_{t-\(index + 1)}‖ within the bound "
                + "\(formatNumber(bound)). \(self.hint)")
          }
        }
      }
    }
  }

  func testSmallRadiusVanishesAndLargeRadiusExplodes() throws {
    try exercise {
      let tanhSmall = JacobianAnalysis.experiment(activation: .tanh, spectralRadius: 0.5)
      let sigmoid = JacobianAnalysis.experiment(activation: .sigmoid, spectralRadius: 1)
      let tanhLarge = JacobianAnalysis.experiment(activation: .tanh, spectralRadius: 3)
      assertLess(
        tanhSmall[19], 1e-6,
        "tanh, radius 0.5: the gradient 20 steps back should vanish. \(self.hint)")
      assertLess(
        sigmoid[9], pow(0.25, 10) * (1 + 1e-6),
        "sigmoid, radius 1: σ' ≤ 1/4 shrinks the gradient 4-fold per step. \(self.hint)")
      assertGreater(
        tanhLarge[49], 1e3,
        "tanh, radius 3: the gradient 50 steps back should explode. \(self.hint)")
    }
  }
}
