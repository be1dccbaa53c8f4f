import CourseTestSupport
import XCTest

import struct Unit08.Seq2SeqBatch

/// Exercise 08.1: `Seq2SeqBatch.init`, the padded, step-major layout of a batch of pairs with
/// the teacher-forcing shift. The expected lists are written out by hand.
final class Seq2SeqBatchTests: XCTestCase {
  let hint =
    "hint: check Seq2SeqBatch.init(sources:targets:startToken:endToken:reverseSource:) "
    + "(exercise 08.1, Lectures/08-seq2seq.md §2)."

  // Target vocabulary of the examples: 0 padding, 1 <s>, 2 </s>, then words.
  let sources = [[11, 12, 13], [21], [31, 32]]
  let targets = [[5, 6], [7, 8, 9], []]

  func testTeacherForcingShiftsTheTargetByOneStep() throws {
    try exercise {
      let batch = Seq2SeqBatch(
        sources: self.sources, targets: self.targets, startToken: 1, endToken: 2,
        reverseSource: false)
      assertEqual(
        batch.decoderInputs, [[1, 1, 1], [5, 7, 0], [6, 8, 0], [0, 9, 0]],
        "decoder inputs, step by step (row b of step t is pair b's t-th input). "
          + "The decoder reads <s> y_1 ... y_n and pads after it. " + self.hint)
      assertEqual(
        batch.decoderTargets, [[5, 7, 2], [6, 8, 0], [2, 9, 0], [0, 2, 0]],
        "decoder targets, step by step. "
          + "The decoder predicts y_1 ... y_n </s>: the inputs shifted one step left, "
          + "with the end marker last. " + self.hint)
      assertEqual(batch.targetLengths, [3, 4, 1], "target lengths n + 1. " + self.hint)
    }
  }

  func testTheSourceIsPaddedAtTheEndInReadingOrder() throws {
    try exercise {
      let batch = Seq2SeqBatch(
        sources: self.sources, targets: self.targets, startToken: 1, endToken: 2,
        reverseSource: false, padding: 0)
      assertEqual(
        batch.source, [[11, 21, 31], [12, 0, 32], [13, 0, 0]],
        "source ids, step by step. " + self.hint)
      assertEqual(batch.sourceLengths, [3, 1, 2], "source lengths. " + self.hint)
    }
  }

  func testReversedSourcesKeepThePaddingAtTheEnd() throws {
    try exercise {
      let batch = Seq2SeqBatch(
        sources: self.sources, targets: self.targets, startToken: 1, endToken: 2,
        reverseSource: true, padding: 99)
      assertEqual(
        batch.source, [[13, 21, 32], [12, 99, 31], [11, 99, 99]],
        "reversed source ids, step by step, padding 99. "
          + "Reverse each sentence's own tokens, then pad: x_m ... x_1 <pad> ... " + self.hint)
      assertEqual(batch.sourceLengths, [3, 1, 2], "source lengths. " + self.hint)
      assertEqual(
        batch.decoderInputs, [[1, 1, 1], [5, 7, 99], [6, 8, 99], [99, 9, 99]],
        "decoder inputs with padding 99 (the target is never reversed). " + self.hint)
    }
  }

  func testEmptySourcesAndAnEmptyBatch() throws {
    try exercise {
      let batch = Seq2SeqBatch(
        sources: [[], [4]], targets: [[3], []], startToken: 1, endToken: 2,
        reverseSource: true)
      assertEqual(batch.source, [[0, 4]], "source ids with an empty sentence. " + self.hint)
      assertEqual(batch.sourceLengths, [0, 1], "source lengths. " + self.hint)
      assertEqual(batch.decoderTargets, [[3, 2], [2, 0]], "decoder targets. " + self.hint)
      let empty = Seq2SeqBatch(
        sources: [], targets: [], startToken: 1, endToken: 2, reverseSource: false)
      assertEqual(empty.count, 0, "pairs in an empty batch. " + self.hint)
      assertEqual(empty.source.count, 0, "source steps of an empty batch. " + self.hint)
      assertEqual(empty.decoderInputs.count, 0, "decoder steps of an empty batch. " + self.hint)
    }
  }
}
