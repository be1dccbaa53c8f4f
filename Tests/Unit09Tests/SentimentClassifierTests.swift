import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum Unit09.Pooling

/// Exercise 09.7: `SentimentClassifier.lossAndGradients(_:labels:dropoutMask:)`, the whole
/// model's forward and backward pass. The encoder is a test-local layer without recurrence
/// (``TokenwiseLayer``), so these tests need no code of unit 07; the reference loss reads one
/// unpadded sentence at a time.
final class SentimentClassifierTests: XCTestCase {
  let hint = Unit09Fixtures.hint(
    "09.7", "SentimentClassifier.lossAndGradients", section: 6)
  typealias F = Unit09ModelFixtures

  func testLossMatchesTheReferenceForEveryReadout() throws {
    try exercise {
      for (k, pooling) in Pooling.allCases.enumerated() {
        let model = F.model(seed: 970 + UInt64(k), pooling: pooling)
        for mask in [nil, F.mask(seed: 975)] {
          let result = model.lossAndGradients(F.sentences, labels: F.labels, dropoutMask: mask)
          assertClose(
            result.loss, F.loss(model, sentences: F.sentences, labels: F.labels, mask: mask),
            tolerance: 1e-12,
            "loss with \(pooling) pooling, \(mask == nil ? "no mask" : "a dropout mask")",
            hint: "Embed, encode the padded batch with its lengths, pool, multiply by the mask, "
              + "then the head's mean cross-entropy. " + self.hint)
        }
      }
    }
  }

  func testGoldenLoss() throws {
    try exercise {
      let model = F.model(seed: 970, pooling: .last)
      let result = model.lossAndGradients(
        F.sentences, labels: F.labels, dropoutMask: F.mask(seed: 975))
      assertClose(
        result.loss, Unit09GoldenValues.classifierLoss, tolerance: 1e-12,
        "golden loss of the classifier (last readout, dropout mask)", hint: self.hint)
    }
  }

  func testGradientCheckOfEveryBlock() throws {
    try exercise {
      for (k, pooling) in Pooling.allCases.enumerated() {
        let model = F.model(seed: 980 + UInt64(k), pooling: pooling)
        let mask = F.mask(seed: 985 + UInt64(k))
        let result = model.lossAndGradients(F.sentences, labels: F.labels, dropoutMask: mask)
        assertGradientsMatch(
          GradientCheck.check(parameters: model, analytic: result.gradients) {
            F.loss($0, sentences: F.sentences, labels: F.labels, mask: mask)
          }, tolerance: 1e-6,
          hint: "\(pooling) pooling: the embedding, the encoder and the head. Send the "
            + "head's feature gradient through the mask, the readout and the encoder, and add "
            + "each step's input gradient into the embedding rows of that step's words. "
            + self.hint)
      }
    }
  }

  /// A frozen embedding reports a zero gradient; every other block is unchanged.
  func testFrozenEmbedding() throws {
    try exercise {
      let free = F.model(seed: 990, pooling: .max)
      let frozen = F.model(seed: 990, pooling: .max, frozen: true)
      let a = free.lossAndGradients(F.sentences, labels: F.labels, dropoutMask: nil)
      let b = frozen.lossAndGradients(F.sentences, labels: F.labels, dropoutMask: nil)
      assertClose(b.loss, a.loss, tolerance: 1e-15, "loss with a frozen embedding")
      assertClose(
        b.gradients.embedding, .zeros(like: free.embedding), tolerance: 0,
        "∂L/∂embedding when the embedding is frozen",
        hint: "freezeEmbedding: leave the embedding's gradient at zero. " + self.hint)
      assertClose(
        b.gradients.encoder.weight, a.gradients.encoder.weight, tolerance: 1e-15,
        "∂L/∂encoder.W with a frozen embedding", hint: self.hint)
      assertClose(
        b.gradients.head.weight, a.gradients.head.weight, tolerance: 1e-15,
        "∂L/∂head.weight with a frozen embedding", hint: self.hint)
    }
  }

  /// Word 0 is also the padding id: only its real occurrence (sentence 3) may reach its
  /// embedding row, so a sentence without word 0 leaves that row's gradient at zero.
  func testPaddingNeverReachesTheEmbedding() throws {
    try exercise {
      let model = F.model(seed: 991, pooling: .mean)
      let batch = [[3, 1, 4, 1, 5], [2, 7], [], [5]]
      let result = model.lossAndGradients(batch, labels: [1, 0, 2, 0], dropoutMask: nil)
      assertClose(
        result.gradients.embedding.rows(0..<1), .zeros(1, 3), tolerance: 0,
        "∂L/∂embedding row 0 (the padding id, no real occurrence)",
        hint: "Padding steps read row 0, but their input gradients are zero. " + self.hint)
      assertClose(
        result.loss, F.loss(model, sentences: batch, labels: [1, 0, 2, 0], mask: nil),
        tolerance: 1e-12, "loss of a batch with an empty sentence", hint: self.hint)
    }
  }

  /// A mask of ones is no mask; a mask that drops a feature for every sentence leaves that
  /// feature's column of `∂L/∂head.weight` at zero.
  func testDropoutMask() throws {
    try exercise {
      let model = F.model(seed: 992, pooling: .last)
      let plain = model.lossAndGradients(F.sentences, labels: F.labels, dropoutMask: nil)
      let ones = model.lossAndGradients(
        F.sentences, labels: F.labels, dropoutMask: Matrix(rows: 5, cols: 4) { _, _ in 1 })
      assertClose(ones.loss, plain.loss, tolerance: 1e-15, "loss with a mask of ones")
      assertClose(
        ones.gradients.embedding, plain.gradients.embedding, tolerance: 1e-15,
        "∂L/∂embedding with a mask of ones", hint: self.hint)
      let dropSecond = Matrix(rows: 5, cols: 4) { _, j in j == 1 ? 0 : 2 }
      let dropped = model.lossAndGradients(
        F.sentences, labels: F.labels, dropoutMask: dropSecond)
      assertClose(
        dropped.gradients.head.weight.columns(1..<2), .zeros(3, 1), tolerance: 0,
        "∂L/∂head.weight for a feature the mask drops everywhere",
        hint: "The head reads the masked features. " + self.hint)
      assertClose(
        dropped.loss,
        F.loss(model, sentences: F.sentences, labels: F.labels, mask: dropSecond),
        tolerance: 1e-12, "loss with a mask that drops feature 1", hint: self.hint)
    }
  }
}
