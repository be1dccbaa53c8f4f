import CourseTestSupport
import RNNCore
import XCTest

import protocol RNNTraining.BackpropagatingCell
import struct Unit08.EncoderMemory
import struct Unit08.EncoderMemoryGradient
import struct Unit08.Seq2SeqEncoder

/// Exercise 08.2: `Seq2SeqEncoder.forward(source:lengths:)`. The expected outputs come from the
/// tests' own run of each cell over each sentence alone (``Seq2SeqFixtures/encode(_:_:)``), so
/// the padded batch must give exactly what every sentence gives on its own.
final class EncoderForwardTests: XCTestCase {
  let hint = Seq2SeqFixtures.hint("08.2", "Seq2SeqEncoder.forward", section: 3)

  func check<Cell: BackpropagatingCell>(_ encoder: Seq2SeqEncoder<Cell>, _ label: String) {
    let batch = Seq2SeqFixtures.batch(padding: 6)
    let memory = encoder.forward(source: batch.source, lengths: batch.sourceLengths).memory
    assertEqual(
      memory.outputs.count, batch.source.count, "\(label): number of output steps. \(hint)")
    assertEqual(memory.lengths, batch.sourceLengths, "\(label): the memory's lengths. \(hint)")
    guard memory.outputs.count == batch.source.count else { return }
    for (b, sentence) in Seq2SeqFixtures.sources.enumerated() {
      let expected = Seq2SeqFixtures.encode(encoder, sentence)
      for i in 0..<batch.source.count {
        let want = i < sentence.count ? expected.outputs[i] : Matrix.zeros(1, encoder.outputSize)
        assertClose(
          memory.outputs[i].rowMatrix(b), want, tolerance: 1e-12,
          "\(label): row \(b) of output \(i)",
          hint: "Output i is [h→_i ; h←_i], where h← has read x_m ... x_i; padding rows are "
            + "zero. " + hint)
      }
      assertClose(
        memory.summary.rowMatrix(b), expected.summary, tolerance: 1e-12,
        "\(label): row \(b) of the summary",
        hint: "The summary is each direction's hidden vector after the whole sentence: "
          + "[h→ after x_m ; h← after x_1] (zero for an empty sentence). " + hint)
    }
  }

  func testOneDirectionMatchesEachSentenceOnItsOwn() throws {
    try exercise {
      self.check(
        Seq2SeqFixtures.encoder(
          hiddenSize: 3, bidirectional: false, seed: 820, make: Seq2SeqFixtures.tanh),
        "one direction, tanh cell")
    }
  }

  func testTwoDirectionsMatchEachSentenceOnItsOwn() throws {
    try exercise {
      self.check(
        Seq2SeqFixtures.encoder(
          hiddenSize: 2, bidirectional: true, seed: 821, make: Seq2SeqFixtures.tanh),
        "bidirectional, tanh cells")
      self.check(
        Seq2SeqFixtures.encoder(
          hiddenSize: 2, bidirectional: true, seed: 822, make: Seq2SeqFixtures.leaky),
        "bidirectional, cells with a two-part state")
    }
  }

  func testGoldenValues() throws {
    try exercise {
      let encoder = Seq2SeqFixtures.encoder(
        hiddenSize: 2, bidirectional: true, seed: 823, make: Seq2SeqFixtures.leaky)
      let batch = Seq2SeqFixtures.batch()
      let memory = encoder.forward(source: batch.source, lengths: batch.sourceLengths).memory
      assertClose(
        memory.summary, Seq2SeqGoldenValues.encoderSummary, tolerance: 1e-10,
        "summary of the golden bidirectional encoder. " + self.hint)
      assertClose(
        memory.outputs[1], Seq2SeqGoldenValues.encoderOutput1, tolerance: 1e-10,
        "output 1 of the golden bidirectional encoder. " + self.hint)
    }
  }

  /// Padding ids are read by the cells (a batch steps every row), but whatever they are, no
  /// real output and no summary may change.
  func testPaddingIDsChangeNothing() throws {
    try exercise {
      let encoder = Seq2SeqFixtures.encoder(
        hiddenSize: 2, bidirectional: true, seed: 824, make: Seq2SeqFixtures.leaky)
      let zero = Seq2SeqFixtures.batch(padding: 0)
      let other = Seq2SeqFixtures.batch(padding: 5)
      let a = encoder.forward(source: zero.source, lengths: zero.sourceLengths).memory
      let b = encoder.forward(source: other.source, lengths: other.sourceLengths).memory
      assertClose(
        a.summary, b.summary, tolerance: 1e-12,
        "summary with padding id 0 and with padding id 5",
        hint: "Take each sentence's summary at its own last token, never after the padding. "
          + self.hint)
      for i in 0..<min(a.outputs.count, b.outputs.count) {
        assertClose(
          a.outputs[i], b.outputs[i], tolerance: 1e-12,
          "output \(i) with padding id 0 and with padding id 5",
          hint: "The backward direction must start at each sentence's last real token. "
            + self.hint)
      }
    }
  }

  /// In a bidirectional encoder the output at position 0 depends on the last token; in a
  /// one-direction encoder it does not.
  func testOnlyTheBackwardDirectionSeesTheFuture() throws {
    try exercise {
      for bidirectional in [false, true] {
        let encoder = Seq2SeqFixtures.encoder(
          hiddenSize: 2, bidirectional: bidirectional, seed: 825, make: Seq2SeqFixtures.tanh)
        let first = encoder.forward(source: [[3], [4], [5]], lengths: [3]).memory
        let second = encoder.forward(source: [[3], [4], [6]], lengths: [3]).memory
        let moved = (first.outputs[0] - second.outputs[0]).maxAbs()
        if bidirectional {
          assertGreater(
            moved, 1e-6,
            "how far output 0 moves when the last token changes (bidirectional). " + self.hint)
        } else {
          assertLessOrEqual(
            moved, 1e-15,
            "how far output 0 moves when the last token changes (one direction). " + self.hint)
        }
      }
    }
  }
}

/// Exercise 08.3: `Seq2SeqEncoder.backward(_:gradient:)`, checked by centered differences of
/// `Σ R ⊙ outputs + Σ S ⊙ summary` (fixed random `R`, `S`) on every block.
final class EncoderBackwardTests: XCTestCase {
  let hint = Seq2SeqFixtures.hint("08.3", "Seq2SeqEncoder.backward", section: 3)

  func check<Cell: BackpropagatingCell>(
    _ encoder: Seq2SeqEncoder<Cell>, padding: Int, _ label: String
  ) {
    let batch = Seq2SeqFixtures.batch(padding: padding)
    let r = Seq2SeqFixtures.projections(
      steps: batch.source.count, batch: batch.count, width: encoder.outputSize, seed: 830)
    let forward = encoder.forward(source: batch.source, lengths: batch.sourceLengths)
    let analytic = encoder.backward(forward.cache, gradient: r)
    let result = GradientCheck.check(parameters: encoder, analytic: analytic) { e in
      Seq2SeqFixtures.project(
        e.forward(source: batch.source, lengths: batch.sourceLengths).memory, r)
    }
    assertGradientsMatch(
      result, tolerance: 1e-6,
      hint: "\(label). Each direction's hidden vector at its last real step also gets the "
        + "summary's gradient; the backward direction's step k wrote position m - 1 - k. "
        + hint)
  }

  func testGradientsOfOneDirection() throws {
    try exercise {
      self.check(
        Seq2SeqFixtures.encoder(
          hiddenSize: 3, bidirectional: false, seed: 831, make: Seq2SeqFixtures.tanh),
        padding: 0, "one direction, tanh cell")
    }
  }

  func testGradientsOfTwoDirections() throws {
    try exercise {
      self.check(
        Seq2SeqFixtures.encoder(
          hiddenSize: 2, bidirectional: true, seed: 832, make: Seq2SeqFixtures.tanh),
        padding: 5, "bidirectional, tanh cells")
      self.check(
        Seq2SeqFixtures.encoder(
          hiddenSize: 2, bidirectional: true, seed: 833, make: Seq2SeqFixtures.leaky),
        padding: 0, "bidirectional, cells with a two-part state")
    }
  }

  /// Gradients that arrive for padding rows (and for an empty sentence's summary) are ignored:
  /// those outputs are constant zeros.
  func testGradientsAtPaddingAreIgnored() throws {
    try exercise {
      let encoder = Seq2SeqFixtures.encoder(
        hiddenSize: 2, bidirectional: true, seed: 834, make: Seq2SeqFixtures.leaky)
      let batch = Seq2SeqFixtures.batch(padding: 0)
      let forward = encoder.forward(source: batch.source, lengths: batch.sourceLengths)
      let r = Seq2SeqFixtures.projections(
        steps: batch.source.count, batch: batch.count, width: 4, seed: 835)
      var noisy = r
      for (b, m) in batch.sourceLengths.enumerated() {
        for i in m..<batch.source.count {
          for j in 0..<4 { noisy.outputs[i][b, j] = 100 + Double(i + j) }
        }
        if m == 0 { for j in 0..<4 { noisy.summary[b, j] = -50 } }
      }
      let clean = encoder.backward(forward.cache, gradient: r)
      let dirty = encoder.backward(forward.cache, gradient: noisy)
      for ((name, a), (_, b)) in zip(clean.namedParameters, dirty.namedParameters) {
        assertClose(
          b, a, tolerance: 1e-12, "gradient of \(name) with large gradients sent to padding rows",
          hint: "Only real positions (i < m) pass their gradient on. " + self.hint)
      }
    }
  }
}
