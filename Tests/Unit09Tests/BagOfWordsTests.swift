import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit09.BagOfWordsClassifier

/// Exercise 09.4: `BagOfWordsClassifier.lossAndGradients(_:labels:)`.
final class BagOfWordsTests: XCTestCase {
  let hint = Unit09Fixtures.hint("09.4", "BagOfWordsClassifier.lossAndGradients", section: 4)
  typealias F = Unit09Fixtures

  func model(seed: UInt64) -> BagOfWordsClassifier {
    let (w, b) = F.bagWeights(seed: seed)
    return BagOfWordsClassifier(weight: w, bias: b)
  }

  /// Against dense count vectors built here; the sentences repeat words and one is empty.
  func testLossMatchesTheDenseReference() throws {
    try exercise {
      let m = self.model(seed: 940)
      let result = m.lossAndGradients(F.sentences, labels: F.sentenceLabels)
      assertClose(
        result.loss,
        F.bagLoss(
          weight: m.weight, bias: m.bias, sentences: F.sentences, labels: F.sentenceLabels),
        tolerance: 1e-12, "mean cross-entropy of the bag of words",
        hint: "A word that occurs twice counts twice; an empty sentence has logits b. "
          + self.hint)
    }
  }

  func testGoldenValues() throws {
    try exercise {
      let result = self.model(seed: 940).lossAndGradients(F.sentences, labels: F.sentenceLabels)
      assertClose(
        result.loss, Unit09GoldenValues.bagLoss, tolerance: 1e-12, "golden bag-of-words loss",
        hint: self.hint)
      assertClose(
        result.gradients.weight, Unit09GoldenValues.bagWeightGradient, tolerance: 1e-10,
        "golden ∂L/∂W of the bag of words", hint: self.hint)
    }
  }

  func testGradientCheck() throws {
    try exercise {
      let m = self.model(seed: 941)
      let result = m.lossAndGradients(F.sentences, labels: F.sentenceLabels)
      assertGradientsMatch(
        GradientCheck.check(parameters: m, analytic: result.gradients) {
          F.bagLoss(
            weight: $0.weight, bias: $0.bias, sentences: F.sentences, labels: F.sentenceLabels)
        }, tolerance: 1e-7, hint: "weight and bias. " + self.hint)
    }
  }

  /// Word order is not a feature: shuffling every sentence changes nothing.
  func testOrderOfWordsDoesNotMatter() throws {
    try exercise {
      let m = self.model(seed: 942)
      let a = m.lossAndGradients(F.sentences, labels: F.sentenceLabels)
      let b = m.lossAndGradients(F.sentences.map { $0.reversed() }, labels: F.sentenceLabels)
      assertClose(b.loss, a.loss, tolerance: 1e-12, "loss of reversed sentences", hint: self.hint)
      assertClose(
        b.gradients.weight, a.gradients.weight, tolerance: 1e-12,
        "∂L/∂W of reversed sentences", hint: self.hint)
    }
  }

  /// Weights of a few hundred and repeated words give logits near ±1000.
  func testStableAtExtremeLogits() throws {
    try exercise {
      var m = self.model(seed: 943)
      m.weight = m.weight * 300
      let result = m.lossAndGradients(F.sentences, labels: F.sentenceLabels)
      assertFinite(result.loss, "bag-of-words loss with logits near ±1000. " + self.hint)
      assertFinite(result.gradients.weight, "∂L/∂W with logits near ±1000")
      assertClose(
        result.loss,
        F.bagLoss(
          weight: m.weight, bias: m.bias, sentences: F.sentences, labels: F.sentenceLabels),
        tolerance: 1e-12, "bag-of-words loss with logits near ±1000",
        hint: "Shift each sentence's logits by their maximum before exp. " + self.hint)
    }
  }

  func testEmptyBatch() throws {
    try exercise {
      let result = self.model(seed: 944).lossAndGradients([], labels: [])
      assertClose(result.loss, 0, tolerance: 0, "loss of an empty batch", hint: self.hint)
      assertClose(
        result.gradients.weight, .zeros(3, F.vocabulary), tolerance: 0,
        "∂L/∂W of an empty batch", hint: self.hint)
    }
  }
}
