import CourseTestSupport
import Foundation
import RNNCore
import RNNData
import XCTest

import struct Unit07.BidirectionalLayer
import struct Unit07.EncodedSentence
import struct Unit07.RecurrentLayer
import protocol Unit07.SequenceLayer
import struct Unit07.SequenceTagger
import struct Unit07.SpanEvaluation
import struct Unit07.TaggerTrainingOptions

/// Integration tests of unit 07 on the kit's synthetic tagging task (`SyntheticTagging`): every
/// span holds one cue word, anywhere in it, that decides the type of the whole span, so the
/// tag of a name before the cue is decided by a later word.
///
/// They train small taggers (the test-local `TanhCell`) and compare span F1 on 200 held-out
/// sentences that training never sees. They need exercises 07.2 (forward-only layer), 07.3,
/// 07.4 and 07.5 (bidirectional layer), 07.8 (token loss), 07.9-07.10 (spans, F1) and
/// 07.12-07.16 (the CRF): a failure here with the unit tests passing points at how the pieces
/// fit together.
///
/// Measured with the reference on training seeds 10, 20, 30, 40 and 50: a forward-only tagger
/// with a per-token softmax reaches a span F1 of 0.40-0.43 (it must guess the type of every
/// name before the cue, and a wrong guess splits or mislabels the span); the bidirectional
/// tagger of the same size 1.00; the forward-only tagger with a CRF 0.98-1.00 (its transition
/// scores carry the cue's type back to the start of the span through `I-X` after `B-X`).
/// The thresholds leave wide margins: at least 0.9 for the models that can see the cue, and at
/// least 0.3 above the forward-only softmax tagger.
final class TaggingTaskTests: XCTestCase {
  let hint =
    "These train whole taggers: check exercises 07.2-07.5 (layers), 07.8 (token loss) and "
    + "07.12-07.16 (CRF) with their own tests first (Lectures/07-bidirectional-deep-rnns.md §10)."

  /// The task's words (lowercased; index 0 is `<unk>`).
  static let words: [String] =
    ["<unk>"]
    + (SyntheticTagging.fillers + SyntheticTagging.names
    + SyntheticTagging.cues.flatMap(\.words)).map { $0.lowercased() }

  static func encode(_ sentences: [TaggedSentence]) -> [EncodedSentence] {
    let ids = Dictionary(uniqueKeysWithValues: words.enumerated().map { ($1, $0) })
    let tags = Dictionary(
      uniqueKeysWithValues: SyntheticTagging.tags.enumerated().map { ($1, $0) })
    return sentences.map { s in
      EncodedSentence(
        words: s.words.map { ids[$0.lowercased()] ?? 0 },
        shapes: s.words.map { WordShape($0).rawValue }, tags: s.tags.map { tags[$0] ?? 0 })
    }
  }

  /// Trains `encoder` (reading 8 + 4 inputs) with a softmax or CRF head on 300 sentences and
  /// returns the span F1 on 200 held-out ones.
  static func heldOutF1<Encoder: SequenceLayer>(
    _ encoder: Encoder, crf: Bool, seed: UInt64, rng: inout RandomSource
  ) -> Double {
    let train = encode(SyntheticTagging.sentences(count: 300, seed: seed))
    let test = SyntheticTagging.sentences(count: 200, seed: seed + 1)
    var model = SequenceTagger(
      vocabularySize: words.count, shapeCount: WordShape.allCases.count, embeddingSize: 8,
      shapeSize: 4, encoder: encoder, tagCount: SyntheticTagging.tags.count, crf: crf, rng: &rng)
    var options = TaggerTrainingOptions()
    options.epochs = 6
    options.batchSize = 10
    options.learningRate = 0.02
    options.seed = seed
    model.train(on: train, options: options)
    let predicted = model.predict(encode(test)).map { $0.map { SyntheticTagging.tags[$0] } }
    return SpanEvaluation(gold: test.map(\.tags), predicted: predicted).overall.f1
  }

  func testBidirectionalTaggerBeatsForwardOnlyTaggerOfTheSameSize() throws {
    try exercise {
      // The same number of hidden units: 16 in one direction, 8 + 8 in two.
      var rng = RandomSource(seed: 7)
      let forward = Self.heldOutF1(
        RecurrentLayer(cell: TanhCell(inputSize: 12, hiddenSize: 16, std: 0.3, rng: &rng)),
        crf: false, seed: 10, rng: &rng)
      let both = Self.heldOutF1(
        BidirectionalLayer(
          forward: TanhCell(inputSize: 12, hiddenSize: 8, std: 0.3, rng: &rng),
          backward: TanhCell(inputSize: 12, hiddenSize: 8, std: 0.3, rng: &rng)),
        crf: false, seed: 10, rng: &rng)
      assertGreaterOrEqual(
        both, 0.9, "held-out span F1 of the bidirectional tagger (it sees the cue). \(self.hint)")
      assertGreaterOrEqual(
        both - forward, 0.3,
        "span F1 of the bidirectional tagger minus that of the forward-only one. \(self.hint)")
    }
  }

  func testCRFBeatsPerTokenSoftmaxOnAForwardOnlyEncoder() throws {
    try exercise {
      var rng = RandomSource(seed: 8)
      let cell = TanhCell(inputSize: 12, hiddenSize: 16, std: 0.3, rng: &rng)
      let softmax = Self.heldOutF1(RecurrentLayer(cell: cell), crf: false, seed: 20, rng: &rng)
      let crf = Self.heldOutF1(RecurrentLayer(cell: cell), crf: true, seed: 20, rng: &rng)
      assertGreaterOrEqual(
        crf, 0.9, "held-out span F1 of the forward-only tagger with a CRF. \(self.hint)")
      assertGreaterOrEqual(
        crf - softmax, 0.3, "span F1 with a CRF minus that with a per-token softmax. \(self.hint)")
    }
  }
}
