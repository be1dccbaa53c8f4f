import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit09.ClassifierHead

/// Exercise 09.3: `ClassifierHead.lossAndGradients(_:labels:)`.
final class ClassifierHeadTests: XCTestCase {
  let hint = Unit09Fixtures.hint("09.3", "ClassifierHead.lossAndGradients", section: 3)
  typealias F = Unit09Fixtures

  func head(seed: UInt64) -> ClassifierHead {
    let (w, b) = F.head(seed: seed)
    return ClassifierHead(weight: w, bias: b)
  }

  func testLossMatchesTheReference() throws {
    try exercise {
      let h = self.head(seed: 930)
      let f = F.features(seed: 931)
      let result = h.lossAndGradients(f, labels: F.labels)
      assertClose(
        result.loss,
        F.headLoss(weight: h.weight, bias: h.bias, features: f, labels: F.labels),
        tolerance: 1e-12, "mean cross-entropy of the head",
        hint: "The mean over the B rows of -log softmax(f Wᵀ + b)[label]. " + self.hint)
    }
  }

  func testGoldenValues() throws {
    try exercise {
      let result = self.head(seed: 930).lossAndGradients(F.features(seed: 931), labels: F.labels)
      assertClose(
        result.loss, Unit09GoldenValues.headLoss, tolerance: 1e-12, "golden head loss",
        hint: self.hint)
      assertClose(
        result.featureGradient, Unit09GoldenValues.headFeatureGradient, tolerance: 1e-10,
        "golden ∂L/∂features of the head", hint: self.hint)
    }
  }

  func testGradientCheck() throws {
    try exercise {
      let h = self.head(seed: 932)
      let f = F.features(seed: 933)
      let result = h.lossAndGradients(f, labels: F.labels)
      assertGradientsMatch(
        GradientCheck.check(parameters: h, analytic: result.gradients) {
          F.headLoss(weight: $0.weight, bias: $0.bias, features: f, labels: F.labels)
        }, tolerance: 1e-7, hint: "weight and bias. " + self.hint)
      assertGradientsMatch(
        GradientCheck.check(input: f, named: "features", analytic: result.featureGradient) {
          F.headLoss(weight: h.weight, bias: h.bias, features: $0, labels: F.labels)
        }, tolerance: 1e-7, hint: "the features. " + self.hint)
    }
  }

  /// The batch repeated twice has the same mean loss and the same gradients of the blocks.
  func testLossAndGradientsAreMeansOverTheBatch() throws {
    try exercise {
      let h = self.head(seed: 934)
      let f = F.features(seed: 935)
      let once = h.lossAndGradients(f, labels: F.labels)
      let twice = h.lossAndGradients(.vstack([f, f]), labels: F.labels + F.labels)
      assertClose(
        twice.loss, once.loss, tolerance: 1e-12, "loss of the batch repeated twice",
        hint: "Average over the rows, do not sum. " + self.hint)
      assertClose(
        twice.gradients.weight, once.gradients.weight, tolerance: 1e-12,
        "∂L/∂W of the batch repeated twice", hint: "Divide the gradient by B too. " + self.hint)
      assertClose(
        twice.gradients.bias, once.gradients.bias, tolerance: 1e-12,
        "∂L/∂b of the batch repeated twice", hint: "Divide the gradient by B too. " + self.hint)
    }
  }

  /// Features of a few hundred give logits near ±1000: every value must stay finite and match
  /// the shifted reference.
  func testStableAtExtremeLogits() throws {
    try exercise {
      let h = self.head(seed: 936)
      let f = F.features(seed: 937, scale: 400)
      let result = h.lossAndGradients(f, labels: F.labels)
      assertFinite(result.loss, "loss with logits in the hundreds. " + self.hint)
      assertFinite(result.featureGradient, "∂L/∂features with logits in the hundreds")
      assertFinite(result.gradients.weight, "∂L/∂W with logits in the hundreds")
      assertClose(
        result.loss,
        F.headLoss(weight: h.weight, bias: h.bias, features: f, labels: F.labels),
        tolerance: 1e-12, "loss with logits in the hundreds",
        hint: "Shift each row by its own maximum before exp. " + self.hint)
    }
  }

  func testShapesAndTheEmptyBatch() throws {
    try exercise {
      let h = self.head(seed: 938)
      let result = h.lossAndGradients(.zeros(0, 4), labels: [])
      assertClose(result.loss, 0, tolerance: 0, "loss of an empty batch", hint: self.hint)
      assertEqual(result.featureGradient.rows, 0, "rows of ∂L/∂features of an empty batch")
      assertEqual(result.featureGradient.cols, 4, "columns of ∂L/∂features of an empty batch")
      assertClose(
        result.gradients.weight, .zeros(3, 4), tolerance: 0, "∂L/∂W of an empty batch",
        hint: self.hint)
    }
  }
}
