import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import protocol RNNTraining.BackpropagatingCell
import protocol RNNTraining.RecurrentState
import struct Unit08.AdditiveAttention
import protocol Unit08.Attention
import struct Unit08.DotAttention
import struct Unit08.EncoderMemory
import struct Unit08.EncoderMemoryGradient
import struct Unit08.NoAttention
import struct Unit08.Seq2Seq
import struct Unit08.Seq2SeqBatch
import struct Unit08.Seq2SeqEncoder

/// Hidden tests of unit 08's batch, encoder, attention and model exercises (08.1-08.10).
/// Vocabularies, sizes, lengths, weights and the padding id are drawn from the grading seed, and
/// every batch has a sentence as long as the batch, an empty one and one in between. The
/// expected values come from references written here (each sentence run on its own, unpadded,
/// with the test's own attention formulas) and from centered differences, never from stored
/// numbers.
///
/// The encoder's and the attention's backward passes run on caches built here, so 08.3, 08.8
/// and 08.10 are judged apart from 08.2, 08.7 and 08.9. The model's loss and gradients go
/// through the whole forward pass (08.2, 08.4 and the attention included).
final class Unit08ModelHiddenTests: XCTestCase {
  func testBatchLayoutOnRandomPairs() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8101))
      for reverse in [false, true, true] {
        let pairs = randomPairs(sourceVocabulary: 9, targetVocabulary: 9, &rng)
        let padding = rng.int(below: 2) == 0 ? 0 : 99
        let batch = Seq2SeqBatch(
          sources: pairs.sources, targets: pairs.targets, startToken: 1, endToken: 2,
          reverseSource: reverse, padding: padding)
        let expected = layout(pairs, padding: padding, reverse: reverse)
        let label =
          "08.1 (sources \(pairs.sources), targets \(pairs.targets), reversed: \(reverse), "
          + "padding \(padding))"
        assertEqual(batch.source, expected.source, "source steps, \(label)")
        assertEqual(batch.sourceLengths, expected.sourceLengths, "source lengths, \(label)")
        assertEqual(batch.decoderInputs, expected.decoderInputs, "decoder inputs, \(label)")
        assertEqual(batch.decoderTargets, expected.decoderTargets, "decoder targets, \(label)")
        assertEqual(batch.targetLengths, expected.targetLengths, "target lengths, \(label)")
      }
    }
  }

  func testEncoderOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8102))
      for bidirectional in [true, false] {
        _ = checkEncoder(make: leaky, bidirectional: bidirectional, &rng)
        _ = checkEncoder(make: tanhCell, bidirectional: bidirectional, &rng)
      }
    }
  }

  func testAdditiveAttentionOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8103))
      for _ in 0..<3 { _ = checkAttention(dot: false, &rng) }
    }
  }

  func testDotAttentionOnNewShapes() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8104))
      for _ in 0..<3 { _ = checkAttention(dot: true, &rng) }
    }
  }

  func testAttentionWeightsAtExtremeScores() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8105))
      for _ in 0..<2 {
        checkExtremes(dot: false, &rng)
        checkExtremes(dot: true, &rng)
      }
    }
  }

  func testLossOnRandomBatches() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8106))
      let bidirectional = rng.int(below: 2) == 0
      var sizes = randomSizes(bidirectional: bidirectional, dot: false, &rng)
      checkLoss(randomModel(sizes, make: leaky, attention: NoAttention(), &rng), sizes, &rng)
      sizes = randomSizes(bidirectional: !bidirectional, dot: false, &rng)
      checkLoss(
        randomModel(sizes, make: tanhCell, attention: randomAdditive(sizes, &rng), &rng), sizes,
        &rng)
      sizes = randomSizes(bidirectional: bidirectional, dot: true, &rng)
      checkLoss(
        randomModel(sizes, make: leaky, attention: DotAttention(size: sizes.width), &rng), sizes,
        &rng)
    }
  }

  func testModelGradientsWithoutAttention() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8109))
      let sizes = randomSizes(bidirectional: rng.int(below: 2) == 0, dot: false, &rng)
      _ = checkModelGradients(
        randomModel(sizes, make: leaky, attention: NoAttention(), &rng), sizes, &rng)
    }
  }

  func testModelGradientsWithAdditiveAttention() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8107))
      var sizes = randomSizes(bidirectional: true, dot: false, &rng)
      _ = checkModelGradients(
        randomModel(sizes, make: leaky, attention: randomAdditive(sizes, &rng), &rng), sizes,
        &rng)
      sizes = randomSizes(bidirectional: false, dot: false, &rng)
      _ = checkModelGradients(
        randomModel(sizes, make: tanhCell, attention: randomAdditive(sizes, &rng), &rng), sizes,
        &rng)
    }
  }

  func testModelGradientsWithDotAttention() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(8108))
      var sizes = randomSizes(bidirectional: true, dot: true, &rng)
      _ = checkModelGradients(
        randomModel(sizes, make: tanhCell, attention: DotAttention(size: sizes.width), &rng),
        sizes, &rng)
      sizes = randomSizes(bidirectional: false, dot: true, &rng)
      _ = checkModelGradients(
        randomModel(sizes, make: leaky, attention: DotAttention(size: sizes.width), &rng), sizes,
        &rng)
    }
  }
}

// MARK: - Tolerances

/// The gradient checks' tolerances. Over 3700 grading seeds, the worst relative error of a
/// correct gradient was about 8e-7 through the encoder, 4e-8 through one attention step and 1e-6
/// through the whole model; a wrong gradient is off by far more.
let encoderTolerance = 5e-6
let attentionTolerance = 1e-6
let modelTolerance = 3e-5
/// The step of the whole model's centered differences: on rare draws the loss curves so sharply
/// in one parameter that the default step of 1e-5 leaves a truncation error near 1e-4.
let modelStep = 1e-6

// MARK: - Random pairs, sizes and models

let startToken = 1
let endToken = 2

struct Pairs {
  var sources: [[Int]]
  var targets: [[Int]]
}

/// `B` in 3...5 pairs; the sources are 2...5 long at most, with one source of that length `T`,
/// one empty, one of a length in `1..<T` and the others random, in a random order (ids in
/// 1..<sourceVocabulary); the targets hold 0...3 words (ids in 3..<targetVocabulary).
func randomPairs(sourceVocabulary: Int, targetVocabulary: Int, _ rng: inout RandomSource) -> Pairs {
  let steps = 2 + rng.int(below: 4)
  let batch = 3 + rng.int(below: 3)
  var lengths = [steps, 0, 1 + rng.int(below: steps - 1)]
  while lengths.count < batch { lengths.append(rng.int(below: steps + 1)) }
  let order = rng.permutation(batch)
  return Pairs(
    sources: order.map { b in
      (0..<lengths[b]).map { _ in 1 + rng.int(below: sourceVocabulary - 1) }
    },
    targets: order.map { _ in
      (0..<rng.int(below: 4)).map { _ in 3 + rng.int(below: targetVocabulary - 3) }
    })
}

/// The batch layout of `pairs`, written out step by step.
func layout(_ pairs: Pairs, padding: Int, reverse: Bool) -> Seq2SeqBatch {
  let sources = pairs.sources.map { reverse ? Array($0.reversed()) : $0 }
  let inputs = pairs.targets.map { [startToken] + $0 }
  let outputs = pairs.targets.map { $0 + [endToken] }
  func steps(_ lists: [[Int]]) -> [[Int]] {
    let count = lists.reduce(0) { max($0, $1.count) }
    var result: [[Int]] = []
    for t in 0..<count { result.append(lists.map { t < $0.count ? $0[t] : padding }) }
    return result
  }
  return Seq2SeqBatch(
    source: steps(sources), sourceLengths: pairs.sources.map(\.count),
    decoderInputs: steps(inputs), decoderTargets: steps(outputs),
    targetLengths: pairs.targets.map { $0.count + 1 })
}

struct Sizes {
  var sourceVocabulary: Int
  var targetVocabulary: Int
  var embedding: Int
  var hidden: Int
  var decoderHidden: Int
  var bidirectional: Bool
  var width: Int { bidirectional ? 2 * hidden : hidden }

  var label: String {
    "V_s = \(sourceVocabulary), V = \(targetVocabulary), E = \(embedding), H = \(hidden), "
      + "H_d = \(decoderHidden), \(bidirectional ? "bidirectional" : "one direction")"
  }
}

/// Vocabularies of 4...6 and 5...7 ids, sizes of 1...3; with dot-product attention the decoder
/// is as wide as the encoder's outputs.
func randomSizes(bidirectional: Bool, dot: Bool, _ rng: inout RandomSource) -> Sizes {
  let hidden = 1 + rng.int(below: 3)
  var sizes = Sizes(
    sourceVocabulary: 4 + rng.int(below: 3), targetVocabulary: 5 + rng.int(below: 3),
    embedding: 1 + rng.int(below: 3), hidden: hidden, decoderHidden: 1 + rng.int(below: 3),
    bidirectional: bidirectional)
  if dot { sizes.decoderHidden = sizes.width }
  return sizes
}

func leaky(_ e: Int, _ h: Int, _ rng: inout RandomSource) -> LeakyCell {
  LeakyCell(inputSize: e, hiddenSize: h, std: 0.8, rng: &rng)
}

func tanhCell(_ e: Int, _ h: Int, _ rng: inout RandomSource) -> TanhCell {
  TanhCell(inputSize: e, hiddenSize: h, std: 0.8, rng: &rng)
}

func randomAdditive(
  querySize: Int, keySize: Int, _ rng: inout RandomSource
) -> AdditiveAttention {
  let a = 1 + rng.int(below: 4)
  return AdditiveAttention(
    queryWeight: .gaussian(a, querySize, std: 0.8, rng: &rng),
    keyWeight: .gaussian(a, keySize, std: 0.8, rng: &rng),
    bias: .gaussian(1, a, std: 0.5, rng: &rng), scoreVector: .gaussian(1, a, std: 1.2, rng: &rng))
}

func randomAdditive(_ sizes: Sizes, _ rng: inout RandomSource) -> AdditiveAttention {
  randomAdditive(querySize: sizes.decoderHidden, keySize: sizes.width, &rng)
}

func randomModel<Cell: BackpropagatingCell, M: Attention>(
  _ sizes: Sizes, make: (Int, Int, inout RandomSource) -> Cell, attention: M,
  _ rng: inout RandomSource
) -> Seq2Seq<Cell, M> {
  let (e, d, h) = (sizes.embedding, sizes.width, sizes.decoderHidden)
  let encoder = Seq2SeqEncoder(
    embedding: .gaussian(sizes.sourceVocabulary, e, std: 0.8, rng: &rng),
    forwardCell: make(e, sizes.hidden, &rng),
    backwardCell: sizes.bidirectional ? make(e, sizes.hidden, &rng) : nil)
  return Seq2Seq(
    encoder: encoder, bridgeWeight: .gaussian(h, d, std: 0.7, rng: &rng),
    bridgeBias: .gaussian(1, h, std: 0.3, rng: &rng),
    targetEmbedding: .gaussian(sizes.targetVocabulary, e, std: 0.8, rng: &rng),
    decoder: make(e + d, h, &rng), attention: attention,
    outputWeight: .gaussian(sizes.targetVocabulary, h + d, std: 0.9, rng: &rng),
    outputBias: .gaussian(1, sizes.targetVocabulary, std: 0.3, rng: &rng))
}

/// `T_s` in 2...5 steps, `B` in 3...5 rows: one of length `T_s`, one empty, one in between,
/// the others random.
func randomLengths(_ rng: inout RandomSource) -> (steps: Int, lengths: [Int]) {
  let pairs = randomPairs(sourceVocabulary: 2, targetVocabulary: 4, &rng)
  let lengths = pairs.sources.map(\.count)
  return (lengths.max() ?? 0, lengths)
}

// MARK: - References (one sentence at a time, no padding)

/// Every state of `cell` run over `inputs` (each `1 x E`) from a zero state.
func run<Cell: BackpropagatingCell>(_ cell: Cell, _ inputs: [Matrix]) -> [Cell.State] {
  var state = Cell.State.zeros(batchSize: 1, hiddenSize: cell.hiddenSize)
  return inputs.map { x in
    state = cell.forward(x, state: state).state
    return state
  }
}

/// One sentence's encoder outputs (`m` rows `1 x D`) and summary (`1 x D`).
func encode<Cell: BackpropagatingCell>(
  _ encoder: Seq2SeqEncoder<Cell>, _ sentence: [Int]
) -> (outputs: [Matrix], summary: Matrix) {
  let inputs = sentence.map { encoder.embedding.rowMatrix($0) }
  let forward = run(encoder.forwardCell, inputs).map(\.hidden)
  guard let backwardCell = encoder.backwardCell else {
    return (forward, forward.last ?? .zeros(1, encoder.hiddenSize))
  }
  let backward = run(backwardCell, inputs.reversed()).map(\.hidden)
  let m = sentence.count
  let zero = Matrix.zeros(1, encoder.hiddenSize)
  return (
    (0..<m).map { Matrix.hstack([forward[$0], backward[m - 1 - $0]]) },
    Matrix.hstack([forward.last ?? zero, backward.last ?? zero])
  )
}

/// The encoder's cache for `batch`, built here: both cells run over every step of the padded
/// batch from zero states, the backward cell over each source reversed within its length.
func referenceCache<Cell: BackpropagatingCell>(
  _ encoder: Seq2SeqEncoder<Cell>, _ batch: Seq2SeqBatch
) -> Seq2SeqEncoder<Cell>.Cache {
  let lengths = batch.sourceLengths
  let reversed = batch.source.indices.map { t in
    lengths.indices.map { b in
      batch.source[t < lengths[b] ? lengths[b] - 1 - t : t][b]
    }
  }
  func caches(_ cell: Cell, _ ids: [[Int]]) -> [Cell.StepCache] {
    var state = Cell.State.zeros(batchSize: lengths.count, hiddenSize: cell.hiddenSize)
    return ids.map { step in
      let result = cell.forward(encoder.embedding.gatherRows(step), state: state)
      state = result.state
      return result.cache
    }
  }
  return Seq2SeqEncoder<Cell>.Cache(
    source: batch.source, reversedSource: encoder.backwardCell == nil ? [] : reversed,
    lengths: lengths, forwardSteps: caches(encoder.forwardCell, batch.source),
    backwardSteps: encoder.backwardCell.map { caches($0, reversed) } ?? [])
}

/// Attention computed by the test from the mechanism's definition, for one sentence.
protocol ReferenceAttention: Attention {
  /// The context (`1 x D`) and the weights of the `m` real positions, for a query `1 x H_d`.
  func reference(
    query: Matrix, outputs: [Matrix], summary: Matrix
  ) -> (
    context: Matrix, weights: [Double]
  )
}

func softmax(_ scores: [Double]) -> [Double] {
  guard let top = scores.max() else { return [] }
  let e = scores.map { exp($0 - top) }
  let total = e.reduce(0, +)
  return e.map { $0 / total }
}

func weightedSum(_ weights: [Double], _ outputs: [Matrix], width: Int) -> Matrix {
  zip(weights, outputs).reduce(Matrix.zeros(1, width)) { $0 + $1.0 * $1.1 }
}

extension AdditiveAttention: ReferenceAttention {
  func hiddenLayer(query: Matrix, key: Matrix) -> Matrix {
    (query.matmul(queryWeight, transposeOther: true)
      + key.matmul(keyWeight, transposeOther: true)).adding(rowVector: bias).tanh()
  }

  func reference(
    query: Matrix, outputs: [Matrix], summary: Matrix
  ) -> (
    context: Matrix, weights: [Double]
  ) {
    let scores = outputs.map { hiddenLayer(query: query, key: $0).dot(scoreVector) }
    let weights = softmax(scores)
    return (weightedSum(weights, outputs, width: keySize), weights)
  }
}

extension DotAttention: ReferenceAttention {
  func reference(
    query: Matrix, outputs: [Matrix], summary: Matrix
  ) -> (
    context: Matrix, weights: [Double]
  ) {
    let weights = softmax(outputs.map { query.dot($0) })
    return (weightedSum(weights, outputs, width: size), weights)
  }
}

extension NoAttention: ReferenceAttention {
  func reference(
    query: Matrix, outputs: [Matrix], summary: Matrix
  ) -> (
    context: Matrix, weights: [Double]
  ) {
    (summary, [])
  }
}

/// Weights (`B x T_s`, zero at padding) and context (`B x D`) of a padded memory, row by row.
func referenceAttend<M: ReferenceAttention>(
  _ mechanism: M, query: Matrix, memory: EncoderMemory
) -> (context: Matrix, weights: Matrix) {
  var context = Matrix.zeros(query.rows, memory.width)
  var weights = Matrix.zeros(query.rows, memory.outputs.count)
  for (b, m) in memory.lengths.enumerated() {
    let row = mechanism.reference(
      query: query.rowMatrix(b), outputs: (0..<m).map { memory.outputs[$0].rowMatrix(b) },
      summary: memory.summary.rowMatrix(b))
    for j in 0..<memory.width { context[b, j] = row.context[0, j] }
    for (i, w) in row.weights.enumerated() { weights[b, i] = w }
  }
  return (context, weights)
}

/// `-Σ log p(y_t | y_<t, x)` of one pair, summed over its `n + 1` predictions.
func pairLoss<Cell: BackpropagatingCell, M: ReferenceAttention>(
  _ model: Seq2Seq<Cell, M>, source: [Int], target: [Int]
) -> Double {
  let encoded = encode(model.encoder, source)
  let hidden = encoded.summary.matmul(model.bridgeWeight, transposeOther: true)
    .adding(rowVector: model.bridgeBias).tanh()
  var state = Cell.State.zeros(batchSize: 1, hiddenSize: model.decoder.hiddenSize)
    .addingToHidden(hidden)
  var total = 0.0
  for (previous, next) in zip([startToken] + target, target + [endToken]) {
    let context = model.attention.reference(
      query: state.hidden, outputs: encoded.outputs, summary: encoded.summary
    ).context
    let input = Matrix.hstack([model.targetEmbedding.rowMatrix(previous), context])
    state = model.decoder.forward(input, state: state).state
    let logits = Matrix.hstack([state.hidden, context])
      .matmul(model.outputWeight, transposeOther: true).adding(rowVector: model.outputBias)
    let row = logits.row(0)
    let top = row.max() ?? 0
    total += top + log(row.reduce(0) { $0 + exp($1 - top) }) - row[next]
  }
  return total
}

/// The mean loss per target token over `pairs`.
func referenceLoss<Cell: BackpropagatingCell, M: ReferenceAttention>(
  _ model: Seq2Seq<Cell, M>, _ pairs: Pairs
) -> Double {
  let tokens = pairs.targets.reduce(0) { $0 + $1.count + 1 }
  let total = zip(pairs.sources, pairs.targets).reduce(0.0) {
    $0 + pairLoss(model, source: $1.0, target: $1.1)
  }
  return total / Double(tokens)
}

// MARK: - Checks (each returns the worst relative error of its gradient checks)

/// 08.2 against each sentence on its own; 08.3 (on a cache built here) by centered differences
/// of `Σ_i R_i ⊙ outputs_i + S ⊙ summary` over the reference outputs, with `R` random at
/// padding too (those gradients must be ignored).
func checkEncoder<Cell: BackpropagatingCell>(
  make: (Int, Int, inout RandomSource) -> Cell, bidirectional: Bool,
  _ rng: inout RandomSource, tolerance: Double = encoderTolerance
) -> Double {
  let sizes = randomSizes(bidirectional: bidirectional, dot: false, &rng)
  let pairs = randomPairs(
    sourceVocabulary: sizes.sourceVocabulary, targetVocabulary: sizes.targetVocabulary, &rng)
  let batch = layout(pairs, padding: rng.int(below: sizes.sourceVocabulary), reverse: false)
  let encoder = randomModel(sizes, make: make, attention: NoAttention(), &rng).encoder
  let (steps, batchSize, width) = (batch.source.count, batch.count, sizes.width)
  let label = "\(Cell.self), \(sizes.label), lengths \(batch.sourceLengths)"

  let memory = encoder.forward(source: batch.source, lengths: batch.sourceLengths).memory
  assertEqual(memory.outputs.count, steps, "08.2 number of output steps (\(label))")
  assertEqual(memory.lengths, batch.sourceLengths, "08.2 the memory's lengths (\(label))")
  let references = pairs.sources.map { encode(encoder, $0) }
  for (b, reference) in references.enumerated() {
    for i in 0..<min(steps, memory.outputs.count) {
      let want = i < reference.outputs.count ? reference.outputs[i] : .zeros(1, width)
      assertClose(
        memory.outputs[i].rowMatrix(b), want, tolerance: 1e-12,
        "08.2 row \(b) of output \(i) (\(label))")
    }
    assertClose(
      memory.summary.rowMatrix(b), reference.summary, tolerance: 1e-12,
      "08.2 row \(b) of the summary (\(label))")
  }

  let r = EncoderMemoryGradient(
    outputs: (0..<steps).map { _ in .gaussian(batchSize, width, rng: &rng) },
    summary: .gaussian(batchSize, width, rng: &rng))
  let analytic = encoder.backward(referenceCache(encoder, batch), gradient: r)
  let result = GradientCheck.check(parameters: encoder, analytic: analytic) { e in
    var total = 0.0
    for (b, sentence) in pairs.sources.enumerated() {
      let reference = encode(e, sentence)
      for (i, output) in reference.outputs.enumerated() {
        total += output.dot(r.outputs[i].rowMatrix(b))
      }
      total += reference.summary.dot(r.summary.rowMatrix(b))
    }
    return total
  }
  assertGradientsMatch(result, tolerance: tolerance, hint: "08.3 (\(label))")
  return result.maxRelativeError
}

/// 08.7 or 08.9 against the test's own weights and context; 08.8 or 08.10 (on a cache built
/// here) by centered differences of `Σ R ⊙ context` on the parameters, the query and every
/// encoder output, with memory gradients already present that must be added to.
func checkAttention(
  dot: Bool, _ rng: inout RandomSource, tolerance: Double = attentionTolerance
) -> Double {
  let (steps, lengths) = randomLengths(&rng)
  let width = 1 + rng.int(below: 4)
  let querySize = dot ? width : 1 + rng.int(below: 4)
  let batch = lengths.count
  let memory = EncoderMemory(
    outputs: (0..<steps).map { t in
      Matrix(rows: batch, cols: width) { b, _ in
        // Padding rows hold large values, so reading them shows.
        (t < lengths[b] ? 1 : 30) * rng.gaussian()
      }
    },
    summary: .gaussian(batch, width, rng: &rng), lengths: lengths)
  let query = Matrix.gaussian(batch, querySize, std: 1.2, rng: &rng)
  if dot {
    return checkAttention(
      DotAttention(size: width), query: query, memory: memory, exercises: ("08.9", "08.10"),
      tolerance: tolerance, &rng
    ) { _, weights in
      DotAttention.Cache(
        query: query, keys: memory.outputs, weights: weights, lengths: memory.lengths)
    }
  }
  let additive = randomAdditive(querySize: querySize, keySize: width, &rng)
  return checkAttention(
    additive, query: query, memory: memory, exercises: ("08.7", "08.8"), tolerance: tolerance,
    &rng
  ) { mechanism, weights in
    AdditiveAttention.Cache(
      query: query, keys: memory.outputs,
      hidden: memory.outputs.map { mechanism.hiddenLayer(query: query, key: $0) },
      weights: weights, lengths: memory.lengths)
  }
}

func checkAttention<M: ReferenceAttention>(
  _ mechanism: M, query: Matrix, memory: EncoderMemory, exercises: (String, String),
  tolerance: Double, _ rng: inout RandomSource, cache: (M, Matrix) -> M.Cache
) -> Double {
  let label =
    "\(M.self), query \(query.shapeDescription), outputs \(memory.batchSize)x\(memory.width), "
    + "lengths \(memory.lengths)"
  let expected = referenceAttend(mechanism, query: query, memory: memory)
  let result = mechanism.attend(query: query, memory: memory)
  assertClose(
    result.weights, expected.weights, tolerance: 1e-12, "\(exercises.0) weights (\(label))")
  assertClose(
    result.context, expected.context, tolerance: 1e-12, "\(exercises.0) context (\(label))")

  let r = Matrix.gaussian(memory.batchSize, memory.width, rng: &rng)
  let prior = EncoderMemoryGradient(
    outputs: memory.outputs.map { .gaussian($0.rows, $0.cols, rng: &rng) },
    summary: .gaussian(memory.batchSize, memory.width, rng: &rng))
  var memoryGradient = prior
  let back = mechanism.backward(
    cache(mechanism, expected.weights), contextGradient: r, memoryGradient: &memoryGradient)
  func loss(_ m: M, _ q: Matrix, _ mem: EncoderMemory) -> Double {
    referenceAttend(m, query: q, memory: mem).context.dot(r)
  }
  let hint = "\(exercises.1) (\(label))"
  var checks = [
    GradientCheck.check(parameters: mechanism, analytic: back.gradients) {
      loss($0, query, memory)
    },
    GradientCheck.check(input: query, named: "query", analytic: back.queryGradient) {
      loss(mechanism, $0, memory)
    },
  ]
  guard memoryGradient.outputs.count == memory.outputs.count else {
    fail("\(exercises.1): the memory gradient must keep its \(memory.outputs.count) steps")
    return .infinity
  }
  for i in memory.outputs.indices {
    checks.append(
      GradientCheck.check(
        input: memory.outputs[i], named: "output \(i)",
        analytic: memoryGradient.outputs[i] - prior.outputs[i]
      ) {
        var changed = memory
        changed.outputs[i] = $0
        return loss(mechanism, query, changed)
      })
  }
  for check in checks { assertGradientsMatch(check, tolerance: tolerance, hint: hint) }
  assertClose(
    memoryGradient.summary, prior.summary, tolerance: 0,
    "\(exercises.1) the summary's gradient, which attention never reads (\(label))")
  return checks.map(\.maxRelativeError).max() ?? 0
}

/// Scores in the thousands: the weights stay finite, sum to one over the real
/// positions, are zero at padding, match the test's shifted softmax, and do not move when the
/// padding outputs change.
func checkExtremes(dot: Bool, _ rng: inout RandomSource) {
  let (steps, lengths) = randomLengths(&rng)
  let width = 1 + rng.int(below: 4)
  let batch = lengths.count
  let memory = EncoderMemory(
    outputs: (0..<steps).map { _ in .gaussian(batch, width, std: dot ? 1 : 1000, rng: &rng) },
    summary: .gaussian(batch, width, rng: &rng), lengths: lengths)
  func check<M: ReferenceAttention>(_ mechanism: M, query: Matrix, exercise: String) {
    let label = "\(exercise) \(M.self), lengths \(lengths), width \(width), extreme scores"
    let result = mechanism.attend(query: query, memory: memory)
    assertFinite(result.weights, "weights (\(label))")
    assertFinite(result.context, "context (\(label))")
    let expected = referenceAttend(mechanism, query: query, memory: memory)
    assertClose(result.weights, expected.weights, tolerance: 1e-12, "weights (\(label))")
    assertClose(result.context, expected.context, tolerance: 1e-12, "context (\(label))")
    for (b, m) in lengths.enumerated() where result.weights.rows == batch {
      let row = result.weights.row(b)
      let sum = row.prefix(m).reduce(0, +)
      assertClose(sum, m > 0 ? 1 : 0, tolerance: 1e-12, "sum of row \(b)'s weights (\(label))")
      let padding = row.dropFirst(m).map(abs).reduce(0, +)
      assertEqual(padding, 0, accuracy: 0, "row \(b)'s weights at padding (\(label))")
    }
    var moved = memory
    for (b, m) in lengths.enumerated() {
      for t in m..<steps {
        for j in 0..<width { moved.outputs[t][b, j] = 1e4 * rng.gaussian() }
      }
    }
    let again = mechanism.attend(query: query, memory: moved)
    assertClose(
      again.weights, result.weights, tolerance: 1e-12,
      "weights after the padding outputs changed (\(label))")
    assertClose(
      again.context, result.context, tolerance: 1e-12,
      "context after the padding outputs changed (\(label))")
  }
  if dot {
    check(
      DotAttention(size: width), query: .gaussian(batch, width, std: 10_000, rng: &rng),
      exercise: "08.9")
  } else {
    var additive = randomAdditive(querySize: 2, keySize: width, &rng)
    additive.scoreVector = additive.scoreVector * 5000
    check(additive, query: .gaussian(batch, 2, std: 1000, rng: &rng), exercise: "08.7")
  }
}

/// 08.5 (through 08.2, 08.4 and the attention): the batch's loss against each pair on its own,
/// and the same loss when every logit is shifted by 1000.
func checkLoss<Cell: BackpropagatingCell, M: ReferenceAttention>(
  _ model: Seq2Seq<Cell, M>, _ sizes: Sizes, _ rng: inout RandomSource
) {
  for _ in 0..<2 {
    let pairs = randomPairs(
      sourceVocabulary: sizes.sourceVocabulary, targetVocabulary: sizes.targetVocabulary, &rng)
    let padding = rng.int(below: min(sizes.sourceVocabulary, sizes.targetVocabulary))
    let batch = layout(pairs, padding: padding, reverse: rng.int(below: 2) == 0)
    // The reference reads the sources as the batch holds them.
    let read = Pairs(
      sources: pairs.sources.indices.map { b in
        (0..<batch.sourceLengths[b]).map { batch.source[$0][b] }
      }, targets: pairs.targets)
    let label =
      "08.5 with \(Cell.self) and \(M.self), \(sizes.label), source lengths "
      + "\(batch.sourceLengths), target lengths \(batch.targetLengths), padding \(padding)"
    let expected = referenceLoss(model, read)
    assertClose(
      model.forward(batch).loss, expected, tolerance: 1e-12, "mean loss per token (\(label))")
    var shifted = model
    shifted.outputBias = model.outputBias.map { $0 + 1000 }
    assertClose(
      shifted.forward(batch).loss, expected, tolerance: 1e-9,
      "mean loss per token with every logit shifted by 1000 (\(label))")
  }
}

/// 08.6 (through the whole forward pass): every block against centered differences of the
/// reference loss.
func checkModelGradients<Cell: BackpropagatingCell, M: ReferenceAttention>(
  _ model: Seq2Seq<Cell, M>, _ sizes: Sizes, _ rng: inout RandomSource,
  tolerance: Double = modelTolerance
) -> Double {
  let pairs = randomPairs(
    sourceVocabulary: sizes.sourceVocabulary, targetVocabulary: sizes.targetVocabulary, &rng)
  let padding = rng.int(below: min(sizes.sourceVocabulary, sizes.targetVocabulary))
  let batch = layout(pairs, padding: padding, reverse: false)
  let label =
    "08.6 with \(Cell.self) and \(M.self), \(sizes.label), source lengths "
    + "\(batch.sourceLengths), target lengths \(batch.targetLengths), padding \(padding)"
  let analytic = model.backward(model.forward(batch).cache)
  let result = GradientCheck.check(parameters: model, analytic: analytic, step: modelStep) {
    referenceLoss($0, pairs)
  }
  assertGradientsMatch(result, tolerance: tolerance, hint: label)
  return result.maxRelativeError
}
