import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit07.BidirectionalLayer
import struct Unit07.EncodedSentence
import struct Unit07.RecurrentLayer
import protocol Unit07.SequenceLayer
import struct Unit07.SequenceTagger
import struct Unit07.StackedLayers

/// Integration tests of the kit's `SequenceTagger` (embeddings, encoder, head, CRF), which
/// `rnnkit tag` trains: its loss and gradient over a padded batch, checked by centered
/// differences on every block, the embeddings included. They need the layer exercises
/// (07.2-07.7), the token loss (07.8) and the CRF's loss (07.15) and Viterbi (07.16).
final class SequenceTaggerTests: XCTestCase {
  let hint =
    "This runs whole taggers: check exercises 07.2-07.8 and 07.15-07.16 with their own tests "
    + "first (Lectures/07-bidirectional-deep-rnns.md §10)."

  /// Three sentences of lengths 4, 1 and 3 over 6 words, 3 shapes and 4 tags.
  static let batch = [
    EncodedSentence(words: [1, 4, 2, 5], shapes: [0, 2, 1, 0], tags: [0, 1, 2, 0]),
    EncodedSentence(words: [3], shapes: [1], tags: [3]),
    EncodedSentence(words: [5, 0, 2], shapes: [2, 2, 0], tags: [1, 2, 2]),
  ]

  static func tagger<Encoder: SequenceLayer>(
    _ encoder: Encoder, crf: Bool, rng: inout RandomSource
  ) -> SequenceTagger<Encoder> {
    var model = SequenceTagger(
      vocabularySize: 6, shapeCount: 3, embeddingSize: 3, shapeSize: 2, encoder: encoder,
      tagCount: 4, crf: crf, rng: &rng)
    // Non-zero, non-symmetric scores everywhere (a fresh CRF starts at zero).
    model.wordEmbedding = .gaussian(6, 3, std: 0.8, rng: &rng)
    model.shapeEmbedding = .gaussian(3, 2, std: 0.8, rng: &rng)
    model.head.bias = .gaussian(1, 4, std: 0.5, rng: &rng)
    if crf {
      model.crf?.transitions = .gaussian(4, 4, std: 0.7, rng: &rng)
      model.crf?.start = .gaussian(1, 4, std: 0.7, rng: &rng)
      model.crf?.end = .gaussian(1, 4, std: 0.7, rng: &rng)
    }
    return model
  }

  func check<Encoder: SequenceLayer>(_ model: SequenceTagger<Encoder>, _ what: String) {
    let (loss, gradients) = model.lossAndGradients(Self.batch)
    assertFinite(loss, "\(what): loss")
    let result = GradientCheck.check(parameters: model, analytic: gradients) { m in
      m.lossAndGradients(Self.batch).loss
    }
    assertGradientsMatch(result, tolerance: 1e-6, hint: "\(what). \(self.hint)")
  }

  func testStackedBidirectionalTaggerWithCRFGradients() throws {
    try exercise {
      var rng = RandomSource(seed: 7101)
      let layers = [
        BidirectionalLayer(
          forward: TanhCell(inputSize: 5, hiddenSize: 3, rng: &rng),
          backward: TanhCell(inputSize: 5, hiddenSize: 2, rng: &rng)),
        BidirectionalLayer(
          forward: TanhCell(inputSize: 5, hiddenSize: 2, rng: &rng),
          backward: TanhCell(inputSize: 5, hiddenSize: 3, rng: &rng)),
      ]
      self.check(
        Self.tagger(StackedLayers(layers), crf: true, rng: &rng),
        "two bidirectional layers with a CRF")
    }
  }

  func testForwardOnlyTaggerWithSoftmaxGradients() throws {
    try exercise {
      var rng = RandomSource(seed: 7102)
      let layer = RecurrentLayer(cell: LeakyCell(inputSize: 5, hiddenSize: 4, rng: &rng))
      self.check(Self.tagger(layer, crf: false, rng: &rng), "a forward-only layer, softmax")
    }
  }

  func testPredictionsHaveOneTagPerWord() throws {
    try exercise {
      var rng = RandomSource(seed: 7103)
      let layer = BidirectionalLayer(
        forward: TanhCell(inputSize: 5, hiddenSize: 3, rng: &rng),
        backward: LeakyCell(inputSize: 5, hiddenSize: 3, rng: &rng))
      for crf in [false, true] {
        let model = Self.tagger(layer, crf: crf, rng: &rng)
        let predicted = model.predict(Self.batch)
        assertEqual(
          predicted.map(\.count), [4, 1, 3],
          "tags per sentence (\(crf ? "CRF" : "softmax")). \(self.hint)")
        // Predicting one sentence alone gives the same tags as in the padded batch.
        for (b, sentence) in Self.batch.enumerated() {
          assertEqual(
            model.predict([sentence]).first ?? [], predicted[b],
            "sentence \(b) alone vs in the batch (\(crf ? "CRF" : "softmax")). \(self.hint)")
        }
      }
    }
  }
}
