import CourseTestSupport
import Foundation
import RNNCore

import protocol RNNTraining.BackpropagatingCell
import protocol RNNTraining.RecurrentState
import protocol Unit08.Attention
import struct Unit08.EncoderMemory
import struct Unit08.EncoderMemoryGradient
import struct Unit08.NoAttention
import struct Unit08.Seq2Seq
import struct Unit08.Seq2SeqBatch
import struct Unit08.Seq2SeqEncoder

/// Seeded, non-symmetric encoders, models and batches for the tests of exercises 08.2-08.10,
/// and test-local reference computations that read only the parameters, never an exercise.
///
/// The reference runs every sentence on its own, unpadded (batch of one), so comparing it with
/// a padded batch checks the padding rules too. The cells are the tests' own (``TanhCell``,
/// ``LeakyCell``), and ``GatedMeanAttention`` is an attention of the tests' own, so the model's
/// tests never depend on the attention exercises.
enum Seq2SeqFixtures {
  static let lecture = "Lectures/08-seq2seq.md"

  /// `hint: check Seq2SeqEncoder.forward (exercise 08.2, Lectures/08-seq2seq.md §3).`
  static func hint(_ exercise: String, _ title: String, section: Int) -> String {
    "hint: check \(title) (exercise \(exercise), \(lecture) §\(section))."
  }

  // Source vocabulary 7, target vocabulary 6: 0 padding, 1 <s>, 2 </s>, 3-5 words.
  static let sourceVocabulary = 7
  static let targetVocabulary = 6
  static let start = 1
  static let end = 2
  static let embeddingSize = 3

  /// Four source sentences: a long one, one token, one in between, an empty one.
  static let sources = [[3, 5, 1, 6], [2], [4, 4, 6], []]
  /// Their targets, the third one empty (only `</s>` to predict).
  static let targets = [[3, 4], [5, 5, 3, 4], [], [4]]

  /// A step-major padded batch built here (not by exercise 08.1), with the ids `padding` after
  /// each sequence's end.
  static func batch(
    sources: [[Int]] = sources, targets: [[Int]] = targets, padding: Int = 0
  ) -> Seq2SeqBatch {
    func padded(_ sequences: [[Int]]) -> [[Int]] {
      let steps = sequences.map(\.count).max() ?? 0
      return (0..<steps).map { t in sequences.map { t < $0.count ? $0[t] : padding } }
    }
    return Seq2SeqBatch(
      source: padded(sources), sourceLengths: sources.map(\.count),
      decoderInputs: padded(targets.map { [start] + $0 }),
      decoderTargets: padded(targets.map { $0 + [end] }),
      targetLengths: targets.map { $0.count + 1 })
  }

  /// An encoder of `Cell`s made by `make(inputSize, hiddenSize, &rng)`.
  static func encoder<Cell: BackpropagatingCell>(
    hiddenSize: Int, bidirectional: Bool, seed: UInt64,
    make: (Int, Int, inout RandomSource) -> Cell
  ) -> Seq2SeqEncoder<Cell> {
    var rng = RandomSource(seed: seed)
    let embedding = Matrix.gaussian(sourceVocabulary, embeddingSize, std: 0.8, rng: &rng)
    let forward = make(embeddingSize, hiddenSize, &rng)
    let backward = bidirectional ? make(embeddingSize, hiddenSize, &rng) : nil
    return Seq2SeqEncoder(embedding: embedding, forwardCell: forward, backwardCell: backward)
  }

  static func tanh(_ e: Int, _ h: Int, _ rng: inout RandomSource) -> TanhCell {
    TanhCell(inputSize: e, hiddenSize: h, rng: &rng)
  }

  static func leaky(_ e: Int, _ h: Int, _ rng: inout RandomSource) -> LeakyCell {
    LeakyCell(inputSize: e, hiddenSize: h, rng: &rng)
  }

  /// A model with `Cell`s everywhere, every block seeded and non-symmetric (biases included).
  static func model<Cell: BackpropagatingCell, Mechanism: Attention>(
    encoderHidden: Int = 2, bidirectional: Bool, decoderHidden: Int = 3, attention: Mechanism,
    seed: UInt64, make: (Int, Int, inout RandomSource) -> Cell
  ) -> Seq2Seq<Cell, Mechanism> {
    var rng = RandomSource(seed: seed)
    let encoder = Self.encoder(
      hiddenSize: encoderHidden, bidirectional: bidirectional, seed: seed + 1, make: make)
    let d = encoder.outputSize
    return Seq2Seq(
      encoder: encoder, bridgeWeight: .gaussian(decoderHidden, d, std: 0.7, rng: &rng),
      bridgeBias: .gaussian(1, decoderHidden, std: 0.3, rng: &rng),
      targetEmbedding: .gaussian(targetVocabulary, embeddingSize, std: 0.8, rng: &rng),
      decoder: make(embeddingSize + d, decoderHidden, &rng), attention: attention,
      outputWeight: .gaussian(targetVocabulary, decoderHidden + d, std: 0.9, rng: &rng),
      outputBias: .gaussian(1, targetVocabulary, std: 0.3, rng: &rng))
  }

  /// The test attention for a decoder of `decoderHidden` units and an encoder of width `d`.
  static func gated(decoderHidden: Int = 3, width d: Int, seed: UInt64) -> GatedMeanAttention {
    var rng = RandomSource(seed: seed)
    return GatedMeanAttention(gate: .gaussian(d, decoderHidden, std: 0.8, rng: &rng))
  }

  // MARK: - Test-local references (one sentence at a time, no padding)

  /// Runs `cell` over `inputs` (each `1 x E`) from a zero state; returns every state.
  static func run<Cell: BackpropagatingCell>(_ cell: Cell, _ inputs: [Matrix]) -> [Cell.State] {
    var state = Cell.State.zeros(batchSize: 1, hiddenSize: cell.hiddenSize)
    return inputs.map { x in
      state = cell.forward(x, state: state).state
      return state
    }
  }

  /// One sentence's encoder outputs (`m` rows `1 x D`) and summary (`1 x D`).
  static func encode<Cell: BackpropagatingCell>(
    _ encoder: Seq2SeqEncoder<Cell>, _ sentence: [Int]
  ) -> (outputs: [Matrix], summary: Matrix) {
    let inputs = sentence.map { encoder.embedding.rowMatrix($0) }
    let forward = run(encoder.forwardCell, inputs).map(\.hidden)
    var outputs = forward
    var summary = forward.last ?? .zeros(1, encoder.hiddenSize)
    if let backwardCell = encoder.backwardCell {
      let backward = run(backwardCell, inputs.reversed()).map(\.hidden)
      let m = sentence.count
      outputs = (0..<m).map { i in Matrix.hstack([forward[i], backward[m - 1 - i]]) }
      summary = Matrix.hstack([summary, backward.last ?? .zeros(1, encoder.hiddenSize)])
    }
    return (outputs, summary)
  }

  /// The memory of one sentence as a batch of one.
  static func memory<Cell: BackpropagatingCell>(
    _ encoder: Seq2SeqEncoder<Cell>, _ sentence: [Int]
  ) -> EncoderMemory {
    let encoded = encode(encoder, sentence)
    return EncoderMemory(
      outputs: encoded.outputs, summary: encoded.summary, lengths: [sentence.count])
  }

  /// `-Σ log p(y_t | y_<t, x)` of one pair under teacher forcing, summed over its `n + 1`
  /// predictions, computed from the blocks alone.
  static func pairLoss<Cell: BackpropagatingCell, Mechanism: Attention>(
    _ model: Seq2Seq<Cell, Mechanism>, source: [Int], target: [Int]
  ) -> Double {
    let memory = memory(model.encoder, source)
    let hidden = memory.summary.matmul(model.bridgeWeight, transposeOther: true)
      .adding(rowVector: model.bridgeBias).tanh()
    var state = Cell.State.zeros(batchSize: 1, hiddenSize: model.decoder.hiddenSize)
      .addingToHidden(hidden)
    var total = 0.0
    for (previous, next) in zip([start] + target, target + [end]) {
      let context = model.attention.attend(query: state.hidden, memory: memory).context
      let input = Matrix.hstack([model.targetEmbedding.rowMatrix(previous), context])
      state = model.decoder.forward(input, state: state).state
      let logits = Matrix.hstack([state.hidden, context])
        .matmul(model.outputWeight, transposeOther: true).adding(rowVector: model.outputBias)
      let row = logits.row(0)
      total += logSumExp(row) - row[next]
    }
    return total
  }

  /// The mean loss per target token (`n + 1` per pair) over `pairs`, from the blocks alone.
  static func referenceLoss<Cell: BackpropagatingCell, Mechanism: Attention>(
    _ model: Seq2Seq<Cell, Mechanism>, sources: [[Int]] = sources, targets: [[Int]] = targets
  ) -> Double {
    let tokens = targets.reduce(0) { $0 + $1.count + 1 }
    let total = zip(sources, targets).reduce(0.0) {
      $0 + pairLoss(model, source: $1.0, target: $1.1)
    }
    return total / Double(tokens)
  }

  static func logSumExp(_ x: [Double]) -> Double {
    let top = x.max() ?? 0
    return top + log(x.reduce(0) { $0 + exp($1 - top) })
  }

  /// `Σ_i Σ R_i ⊙ outputs_i + Σ S ⊙ summary` with fixed random `R_i` and `S`: a loss whose
  /// gradient with respect to the memory is `(R, S)`.
  static func projections(steps: Int, batch: Int, width: Int, seed: UInt64) -> EncoderMemoryGradient
  {
    var rng = RandomSource(seed: seed)
    return EncoderMemoryGradient(
      outputs: (0..<steps).map { _ in Matrix.gaussian(batch, width, rng: &rng) },
      summary: .gaussian(batch, width, rng: &rng))
  }

  static func project(_ memory: EncoderMemory, _ r: EncoderMemoryGradient) -> Double {
    zip(memory.outputs, r.outputs).reduce(0.0) { $0 + $1.0.dot($1.1) }
      + memory.summary.dot(r.summary)
  }

  /// A memory of random outputs (random at padding too), random summary, and `lengths`.
  static func randomMemory(
    steps: Int, lengths: [Int], width: Int, rng: inout RandomSource, scale: Double = 1
  ) -> EncoderMemory {
    EncoderMemory(
      outputs: (0..<steps).map { _ in Matrix.gaussian(lengths.count, width, std: scale, rng: &rng)
      },
      summary: .gaussian(lengths.count, width, rng: &rng), lengths: lengths)
  }
}

/// An attention of the tests' own: the context is a gate computed from the query times the mean
/// of the real encoder outputs, `c = σ(s Gᵀ) ⊙ mean_i h_i` (`G` is `D x H_d`); its weights are
/// uniform over the real positions. It reads the query and the outputs and has a parameter
/// block, so gradients through all three are exercised without the attention exercises.
struct GatedMeanAttention: Attention, Equatable {
  var gate: Matrix

  struct Cache: Sendable {
    var query: Matrix
    var gateValues: Matrix
    var mean: Matrix
    var lengths: [Int]
  }

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("G", &gate)
  }

  func attend(
    query: Matrix, memory: EncoderMemory
  ) -> (
    context: Matrix, weights: Matrix, cache: Cache
  ) {
    let steps = memory.outputs.count
    var mean = Matrix.zeros(query.rows, gate.rows)
    var weights = Matrix.zeros(query.rows, steps)
    for (b, m) in memory.lengths.enumerated() where m > 0 {
      for i in 0..<m {
        weights[b, i] = 1 / Double(m)
        for j in 0..<gate.rows { mean[b, j] += memory.outputs[i][b, j] / Double(m) }
      }
    }
    let g = query.matmul(gate, transposeOther: true).sigmoid()
    return (
      g * mean, weights, Cache(query: query, gateValues: g, mean: mean, lengths: memory.lengths)
    )
  }

  func backward(
    _ cache: Cache, contextGradient: Matrix, memoryGradient: inout EncoderMemoryGradient
  ) -> (queryGradient: Matrix, gradients: GatedMeanAttention) {
    let dMean = contextGradient * cache.gateValues
    for (b, m) in cache.lengths.enumerated() where m > 0 {
      for i in 0..<m {
        for j in 0..<gate.rows { memoryGradient.outputs[i][b, j] += dMean[b, j] / Double(m) }
      }
    }
    let dPre = contextGradient * cache.mean * cache.gateValues.map { $0 * (1 - $0) }
    return (
      dPre.matmul(gate),
      GatedMeanAttention(gate: dPre.matmul(cache.query, transposeSelf: true))
    )
  }
}
