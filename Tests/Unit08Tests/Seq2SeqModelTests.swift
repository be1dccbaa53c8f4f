import CourseTestSupport
import RNNCore
import XCTest

import protocol RNNTraining.BackpropagatingCell
import protocol RNNTraining.RecurrentState
import protocol Unit08.Attention
import struct Unit08.EncoderMemory
import struct Unit08.NoAttention
import struct Unit08.Seq2Seq

/// Exercise 08.4: `Seq2Seq.decoderStep(previous:state:memory:)`. The expected step is computed
/// here from the model's blocks (the tests' own cells and attention), one sentence at a time.
final class DecoderStepTests: XCTestCase {
  let hint = Seq2SeqFixtures.hint("08.4", "Seq2Seq.decoderStep", section: 4)

  func testOneStepMatchesItsDefinition() throws {
    try exercise {
      let model = Seq2SeqFixtures.model(
        bidirectional: true, attention: Seq2SeqFixtures.gated(width: 4, seed: 840), seed: 841,
        make: Seq2SeqFixtures.leaky)
      var rng = RandomSource(seed: 842)
      let memory = Seq2SeqFixtures.randomMemory(
        steps: 4, lengths: [4, 1, 3, 2], width: 4, rng: &rng)
      let state = LeakyState(
        hidden: .gaussian(4, 3, rng: &rng), memory: .gaussian(4, 3, rng: &rng))
      let previous = [1, 5, 3, 4]
      let step = model.decoderStep(previous: previous, state: state, memory: memory)
      let attended = model.attention.attend(query: state.hidden, memory: memory)
      let input = Matrix.hstack([model.targetEmbedding.gatherRows(previous), attended.context])
      let next = model.decoder.forward(input, state: state).state
      let logits = Matrix.hstack([next.hidden, attended.context])
        .matmul(model.outputWeight, transposeOther: true).adding(rowVector: model.outputBias)
      assertClose(
        step.state.hidden, next.hidden, tolerance: 1e-12, "the new hidden vectors s_t",
        hint: "The cell reads [E_t[y_{t-1}] ; c_t], with c_t from the attention queried with "
          + "s_{t-1}. " + self.hint)
      assertClose(
        step.state.memory, next.memory, tolerance: 1e-12,
        "the new state's second part (the state passes through the cell whole)", hint: self.hint)
      assertClose(
        step.logits, logits, tolerance: 1e-12, "the logits",
        hint: "The output layer reads [s_t ; c_t] (new hidden vector, then context). "
          + self.hint)
      assertClose(
        step.cache.weights, attended.weights, tolerance: 0, "the weights kept in the cache",
        hint: self.hint)
    }
  }

  func testGoldenLogits() throws {
    try exercise {
      let model = Seq2SeqFixtures.model(
        bidirectional: false, attention: NoAttention(), seed: 843, make: Seq2SeqFixtures.tanh)
      var rng = RandomSource(seed: 844)
      let memory = Seq2SeqFixtures.randomMemory(steps: 3, lengths: [3, 2], width: 2, rng: &rng)
      let step = model.decoderStep(
        previous: [1, 4], state: .gaussian(2, 3, rng: &rng), memory: memory)
      assertClose(
        step.logits, Seq2SeqGoldenValues.decoderStepLogits, tolerance: 1e-10,
        "logits of the golden decoder step (no attention: the context is the summary)",
        hint: self.hint)
    }
  }
}

/// Exercise 08.5: `Seq2Seq.forward(_:)`. The expected loss is computed here from the blocks
/// alone, one pair at a time without padding (``Seq2SeqFixtures/referenceLoss(_:sources:targets:)``).
/// These tests rely on exercises 08.2 and 08.4 as well (the forward pass calls them).
final class Seq2SeqForwardTests: XCTestCase {
  let hint = Seq2SeqFixtures.hint("08.5", "Seq2Seq.forward", section: 4)

  func check<Cell: BackpropagatingCell, M: Attention>(_ model: Seq2Seq<Cell, M>, _ label: String) {
    for padding in [0, 4] {
      let loss = model.forward(Seq2SeqFixtures.batch(padding: padding)).loss
      assertClose(
        loss, Seq2SeqFixtures.referenceLoss(model), tolerance: 1e-12,
        "\(label): mean loss per target token, padding id \(padding)",
        hint: "Average -log p over every real target token (each y_t and each </s>); padding "
          + "steps count for nothing. The decoder starts from tanh(summary W_bᵀ + b_b). "
          + hint)
    }
  }

  func testLossMatchesEachPairOnItsOwn() throws {
    try exercise {
      self.check(
        Seq2SeqFixtures.model(
          bidirectional: false, attention: NoAttention(), seed: 850,
          make: Seq2SeqFixtures.tanh), "one-direction encoder, no attention")
      self.check(
        Seq2SeqFixtures.model(
          bidirectional: true, attention: Seq2SeqFixtures.gated(width: 4, seed: 851), seed: 852,
          make: Seq2SeqFixtures.leaky), "bidirectional encoder, test attention, two-part state")
    }
  }

  func testGoldenLoss() throws {
    try exercise {
      let model = Seq2SeqFixtures.model(
        bidirectional: true, attention: Seq2SeqFixtures.gated(width: 4, seed: 853), seed: 854,
        make: Seq2SeqFixtures.leaky)
      assertClose(
        model.forward(Seq2SeqFixtures.batch()).loss, Seq2SeqGoldenValues.loss, tolerance: 1e-10,
        "loss of the golden model", hint: self.hint)
    }
  }

  /// The weights kept for each decoder step are what the attention reported (a heatmap reads
  /// them), one step cache and one logits matrix per decoder step.
  func testTheCacheKeepsEveryStep() throws {
    try exercise {
      let model = Seq2SeqFixtures.model(
        bidirectional: false, attention: Seq2SeqFixtures.gated(width: 2, seed: 855), seed: 856,
        make: Seq2SeqFixtures.tanh)
      let batch = Seq2SeqFixtures.batch()
      let cache = model.forward(batch).cache
      assertEqual(
        cache.steps.count, batch.decoderInputs.count, "number of step caches. " + self.hint)
      assertEqual(
        cache.logits.count, batch.decoderInputs.count, "number of logits matrices. " + self.hint)
      if let first = cache.steps.first {
        assertClose(
          first.weights.rowMatrix(0), Matrix(row: [0.25, 0.25, 0.25, 0.25]), tolerance: 1e-12,
          "the first step's weights for sentence 0 (the test attention is uniform)",
          hint: self.hint)
      }
    }
  }
}

/// Exercise 08.6: `Seq2Seq.backward(_:)`, checked by centered differences of the tests' own
/// loss (``Seq2SeqFixtures/referenceLoss(_:sources:targets:)``) on every block: encoder
/// (embedding and both cells), bridge, target embedding, decoder, attention and output layer.
final class Seq2SeqBackwardTests: XCTestCase {
  let hint = Seq2SeqFixtures.hint("08.6", "Seq2Seq.backward", section: 5)

  func check<Cell: BackpropagatingCell, M: Attention>(
    _ model: Seq2Seq<Cell, M>, padding: Int, _ label: String
  ) {
    let analytic = model.backward(model.forward(Seq2SeqFixtures.batch(padding: padding)).cache)
    let result = GradientCheck.check(parameters: model, analytic: analytic) {
      Seq2SeqFixtures.referenceLoss($0)
    }
    assertGradientsMatch(
      result, tolerance: 1e-6,
      hint: "\(label). The context's gradient comes from the output layer and from the cell's "
        + "input; the state's from the output layer and the next step; the decoder's first "
        + "state sends its gradient through the bridge into the summary. " + hint)
  }

  func testGradientsWithoutAttention() throws {
    try exercise {
      self.check(
        Seq2SeqFixtures.model(
          bidirectional: false, attention: NoAttention(), seed: 860, make: Seq2SeqFixtures.tanh),
        padding: 0, "one-direction encoder, no attention")
      self.check(
        Seq2SeqFixtures.model(
          bidirectional: true, attention: NoAttention(), seed: 861, make: Seq2SeqFixtures.leaky),
        padding: 3, "bidirectional encoder, no attention, two-part state")
    }
  }

  func testGradientsWithAttention() throws {
    try exercise {
      self.check(
        Seq2SeqFixtures.model(
          bidirectional: true, attention: Seq2SeqFixtures.gated(width: 4, seed: 862), seed: 863,
          make: Seq2SeqFixtures.leaky), padding: 5, "bidirectional encoder, test attention")
      self.check(
        Seq2SeqFixtures.model(
          bidirectional: false, attention: Seq2SeqFixtures.gated(width: 2, seed: 864),
          seed: 865, make: Seq2SeqFixtures.tanh), padding: 0, "one direction, test attention")
    }
  }
}
