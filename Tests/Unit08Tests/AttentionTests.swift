import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit08.AdditiveAttention
import protocol Unit08.Attention
import struct Unit08.DotAttention
import struct Unit08.EncoderMemory
import struct Unit08.EncoderMemoryGradient

/// Shared checks of exercises 08.7-08.10. The memory has `T_s = 4` positions and lengths
/// `[4, 1, 3, 0]`, with random (not zero) outputs at padding, so a mechanism that reads a
/// padding position shows. The expected weights and contexts are computed here from the
/// scores' definition, never by the mechanism under test.
enum AttentionFixtures {
  static let lengths = [4, 1, 3, 0]

  static func additive(seed: UInt64, querySize: Int = 3, keySize: Int = 4) -> AdditiveAttention {
    var rng = RandomSource(seed: seed)
    return AdditiveAttention(
      queryWeight: .gaussian(5, querySize, std: 0.7, rng: &rng),
      keyWeight: .gaussian(5, keySize, std: 0.7, rng: &rng),
      bias: .gaussian(1, 5, std: 0.4, rng: &rng), scoreVector: .gaussian(1, 5, rng: &rng))
  }

  static func memory(seed: UInt64, width: Int = 4, scale: Double = 1) -> EncoderMemory {
    var rng = RandomSource(seed: seed)
    return Seq2SeqFixtures.randomMemory(
      steps: 4, lengths: lengths, width: width, rng: &rng, scale: scale)
  }

  static func query(seed: UInt64, width: Int, scale: Double = 1) -> Matrix {
    var rng = RandomSource(seed: seed)
    return .gaussian(lengths.count, width, std: scale, rng: &rng)
  }

  /// The scores of additive attention for row `b`, from the formula in the type's contract.
  static func additiveScores(
    _ a: AdditiveAttention, query: Matrix, memory: EncoderMemory, row b: Int
  )
    -> [Double]
  {
    (0..<memory.lengths[b]).map { i in
      let pre =
        a.queryWeight.matmul(query.rowMatrix(b), transposeOther: true)
        + a.keyWeight.matmul(memory.outputs[i].rowMatrix(b), transposeOther: true)
        + a.bias.transposed()
      return pre.tanh().transposed().dot(a.scoreVector)
    }
  }

  static func dotScores(query: Matrix, memory: EncoderMemory, row b: Int) -> [Double] {
    (0..<memory.lengths[b]).map { i in query.rowMatrix(b).dot(memory.outputs[i].rowMatrix(b)) }
  }

  /// Weights and context of row `b` from its scores (softmax over the real positions).
  static func expected(
    scores: [Double], memory: EncoderMemory, row b: Int, steps: Int
  )
    -> (weights: Matrix, context: Matrix)
  {
    var weights = Matrix.zeros(1, steps)
    var context = Matrix.zeros(1, memory.width)
    guard let top = scores.max() else { return (weights, context) }
    let total = scores.reduce(0) { $0 + exp($1 - top) }
    for (i, s) in scores.enumerated() {
      weights[0, i] = exp(s - top) / total
      context += weights[0, i] * memory.outputs[i].rowMatrix(b)
    }
    return (weights, context)
  }

  /// Checks weights and context of every row against the expected ones.
  static func checkForward<M: Attention>(
    _ mechanism: M, query: Matrix, memory: EncoderMemory, scores: (Int) -> [Double],
    label: String, hint: String
  ) {
    let result = mechanism.attend(query: query, memory: memory)
    assertEqual(
      result.weights.rows, memory.batchSize, "\(label): rows of the weights. \(hint)")
    assertEqual(
      result.weights.cols, memory.outputs.count, "\(label): columns of the weights. \(hint)")
    guard result.weights.rows == memory.batchSize, result.weights.cols == memory.outputs.count
    else { return }
    for b in 0..<memory.batchSize {
      let want = expected(scores: scores(b), memory: memory, row: b, steps: memory.outputs.count)
      assertClose(
        result.weights.rowMatrix(b), want.weights, tolerance: 1e-12,
        "\(label): attention weights of row \(b)",
        hint: "Softmax over the real positions only; padding positions get weight 0, and a "
          + "sentence without tokens gets no weight at all. " + hint)
      assertClose(
        result.context.rowMatrix(b), want.context, tolerance: 1e-12,
        "\(label): context of row \(b)", hint: "The context is Σ_i α_i h_i. " + hint)
    }
  }

  /// Centered differences of `Σ R ⊙ context` on the parameters, the query and every encoder
  /// output; the summary's gradient must stay as it was.
  static func checkBackward<M: Attention>(
    _ mechanism: M, query: Matrix, memory: EncoderMemory, label: String, hint: String,
    tolerance: Double = 1e-7
  ) {
    var rng = RandomSource(seed: 8_700)
    let r = Matrix.gaussian(memory.batchSize, memory.width, rng: &rng)
    let prior = Seq2SeqFixtures.projections(
      steps: memory.outputs.count, batch: memory.batchSize, width: memory.width, seed: 8_701)
    let forward = mechanism.attend(query: query, memory: memory)
    var memoryGradient = prior
    let back = mechanism.backward(
      forward.cache, contextGradient: r, memoryGradient: &memoryGradient)
    func loss(_ m: M, _ q: Matrix, _ mem: EncoderMemory) -> Double {
      m.attend(query: q, memory: mem).context.dot(r)
    }
    assertGradientsMatch(
      GradientCheck.check(parameters: mechanism, analytic: back.gradients) {
        loss($0, query, memory)
      }, tolerance: tolerance, hint: "\(label): parameters. " + hint)
    assertGradientsMatch(
      GradientCheck.check(input: query, named: "query", analytic: back.queryGradient) {
        loss(mechanism, $0, memory)
      }, tolerance: tolerance, hint: "\(label): the query. " + hint)
    for i in 0..<memory.outputs.count {
      let added = memoryGradient.outputs[i] - prior.outputs[i]
      assertGradientsMatch(
        GradientCheck.check(input: memory.outputs[i], named: "output \(i)", analytic: added) {
          var changed = memory
          changed.outputs[i] = $0
          return loss(mechanism, query, changed)
        }, tolerance: tolerance,
        hint: "\(label): encoder output \(i). Add this step's share to memoryGradient.outputs; "
          + "do not overwrite what earlier steps put there. " + hint)
    }
    assertClose(
      memoryGradient.summary, prior.summary, tolerance: 0,
      "\(label): the summary's gradient (attention does not read the summary)", hint: hint)
  }
}

/// Exercise 08.7: `AdditiveAttention.attend(query:memory:)`.
final class AdditiveAttentionForwardTests: XCTestCase {
  let hint = Seq2SeqFixtures.hint("08.7", "AdditiveAttention.attend", section: 6)

  func testWeightsAndContextFollowTheScores() throws {
    try exercise {
      let a = AttentionFixtures.additive(seed: 870)
      let query = AttentionFixtures.query(seed: 871, width: 3)
      let memory = AttentionFixtures.memory(seed: 872)
      AttentionFixtures.checkForward(
        a, query: query, memory: memory,
        scores: { AttentionFixtures.additiveScores(a, query: query, memory: memory, row: $0) },
        label: "additive attention", hint: self.hint)
    }
  }

  func testGoldenValues() throws {
    try exercise {
      let a = AttentionFixtures.additive(seed: 870)
      let result = a.attend(
        query: AttentionFixtures.query(seed: 871, width: 3),
        memory: AttentionFixtures.memory(seed: 872))
      assertClose(
        result.weights, Seq2SeqGoldenValues.additiveWeights, tolerance: 1e-10,
        "weights of the golden additive attention", hint: self.hint)
      assertClose(
        result.context, Seq2SeqGoldenValues.additiveContext, tolerance: 1e-10,
        "context of the golden additive attention", hint: self.hint)
    }
  }

  /// Outputs of ±1000 drive the scores to about ±|v|; a query of 1000 saturates the tanh. The
  /// weights must stay finite and sum to one either way.
  func testExtremeInputsStayFinite() throws {
    try exercise {
      var a = AttentionFixtures.additive(seed: 873)
      a.scoreVector = a.scoreVector * 400
      let memory = AttentionFixtures.memory(seed: 874, scale: 1000)
      let result = a.attend(query: AttentionFixtures.query(seed: 875, width: 3), memory: memory)
      assertFinite(result.weights, "weights with scores in the hundreds. " + self.hint)
      assertFinite(result.context, "context with outputs of ±1000. " + self.hint)
      for (b, m) in AttentionFixtures.lengths.enumerated() where m > 0 {
        assertClose(
          result.weights.rowMatrix(b).sum(), 1, tolerance: 1e-12,
          "sum of the weights of row \(b) with scores in the hundreds",
          hint: "Shift each row's scores by that row's maximum before exp. " + self.hint)
      }
    }
  }

  /// A score vector scaled by 3000 gives scores in the thousands: exp overflows unless each
  /// row is shifted by its own maximum; the weights then pick out the best position.
  func testScoresInTheThousandsStayFinite() throws {
    try exercise {
      var a = AttentionFixtures.additive(seed: 876)
      a.scoreVector = a.scoreVector * 3000
      let query = AttentionFixtures.query(seed: 877, width: 3)
      let memory = AttentionFixtures.memory(seed: 878)
      let result = a.attend(query: query, memory: memory)
      assertFinite(result.weights, "weights with scores in the thousands. " + self.hint)
      assertFinite(result.context, "context with scores in the thousands. " + self.hint)
      AttentionFixtures.checkForward(
        a, query: query, memory: memory,
        scores: { AttentionFixtures.additiveScores(a, query: query, memory: memory, row: $0) },
        label: "additive attention with scores in the thousands",
        hint: "Shift each row's scores by that row's maximum over its real positions. "
          + self.hint)
    }
  }
}

/// Exercise 08.8: `AdditiveAttention.backward`.
final class AdditiveAttentionBackwardTests: XCTestCase {
  let hint = Seq2SeqFixtures.hint("08.8", "AdditiveAttention.backward", section: 6)

  func testGradientsOfEveryInputAndParameter() throws {
    try exercise {
      AttentionFixtures.checkBackward(
        AttentionFixtures.additive(seed: 880), query: AttentionFixtures.query(seed: 881, width: 3),
        memory: AttentionFixtures.memory(seed: 882), label: "additive attention", hint: self.hint)
    }
  }

  func testGradientsWithAWideQuery() throws {
    try exercise {
      AttentionFixtures.checkBackward(
        AttentionFixtures.additive(seed: 883, querySize: 6, keySize: 2),
        query: AttentionFixtures.query(seed: 884, width: 6),
        memory: AttentionFixtures.memory(seed: 885, width: 2),
        label: "additive attention, query 6 wide, outputs 2 wide", hint: self.hint)
    }
  }
}

/// Exercise 08.9: `DotAttention.attend(query:memory:)`.
final class DotAttentionForwardTests: XCTestCase {
  let hint = Seq2SeqFixtures.hint("08.9", "DotAttention.attend", section: 6)

  func testWeightsAndContextFollowTheScores() throws {
    try exercise {
      let query = AttentionFixtures.query(seed: 890, width: 4)
      let memory = AttentionFixtures.memory(seed: 891)
      AttentionFixtures.checkForward(
        DotAttention(size: 4), query: query, memory: memory,
        scores: { AttentionFixtures.dotScores(query: query, memory: memory, row: $0) },
        label: "dot-product attention", hint: self.hint)
    }
  }

  func testGoldenValues() throws {
    try exercise {
      let result = DotAttention(size: 4).attend(
        query: AttentionFixtures.query(seed: 890, width: 4),
        memory: AttentionFixtures.memory(seed: 891))
      assertClose(
        result.weights, Seq2SeqGoldenValues.dotWeights, tolerance: 1e-10,
        "weights of the golden dot-product attention", hint: self.hint)
      assertClose(
        result.context, Seq2SeqGoldenValues.dotContext, tolerance: 1e-10,
        "context of the golden dot-product attention", hint: self.hint)
    }
  }

  /// Queries of 1000 give scores near ±10⁶: exp overflows unless each row is shifted by its
  /// own maximum; the weights then pick out the best position.
  func testHugeScoresStayFinite() throws {
    try exercise {
      let query = AttentionFixtures.query(seed: 892, width: 4, scale: 1000)
      let memory = AttentionFixtures.memory(seed: 893)
      let result = DotAttention(size: 4).attend(query: query, memory: memory)
      assertFinite(result.weights, "weights with scores near ±10⁶. " + self.hint)
      assertFinite(result.context, "context with scores near ±10⁶. " + self.hint)
      AttentionFixtures.checkForward(
        DotAttention(size: 4), query: query, memory: memory,
        scores: { AttentionFixtures.dotScores(query: query, memory: memory, row: $0) },
        label: "dot-product attention with scores near ±10⁶",
        hint: "Shift each row's scores by that row's maximum over its real positions. "
          + self.hint)
    }
  }
}

/// Exercise 08.10: `DotAttention.backward`.
final class DotAttentionBackwardTests: XCTestCase {
  let hint = Seq2SeqFixtures.hint("08.10", "DotAttention.backward", section: 6)

  func testGradientsOfTheQueryAndEveryOutput() throws {
    try exercise {
      AttentionFixtures.checkBackward(
        DotAttention(size: 4), query: AttentionFixtures.query(seed: 8100, width: 4),
        memory: AttentionFixtures.memory(seed: 8101), label: "dot-product attention",
        hint: self.hint)
    }
  }

  func testGradientsWhenOnePositionDominates() throws {
    try exercise {
      AttentionFixtures.checkBackward(
        DotAttention(size: 3), query: AttentionFixtures.query(seed: 8102, width: 3, scale: 3),
        memory: AttentionFixtures.memory(seed: 8103, width: 3),
        label: "dot-product attention with peaked weights", hint: self.hint)
    }
  }
}
