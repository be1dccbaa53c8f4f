import CourseTestSupport
import Foundation
import RNNCore
import RNNTraining

import protocol Unit07.SequenceLayer
import struct Unit09.ClassifierHead
import struct Unit09.EncodedSentences
import enum Unit09.Pooling
import struct Unit09.SentimentClassifier

/// A test-local encoder without recurrence: every real token's output is
/// `tanh(x_t Wᵀ + b)` (`D` columns), zero at padding. It lets the tests of the whole
/// classifier (09.7) and of its training (09.8) run without any code of unit 07, and its
/// backward pass is written here from the contract of ``SequenceLayer``.
struct TokenwiseLayer: SequenceLayer {
  /// `D x E`.
  var weight: Matrix
  /// `1 x D`.
  var bias: Matrix

  struct Cache: Sendable {
    var inputs: [Matrix]
    var outputs: [Matrix]
    var lengths: [Int]
  }

  var inputSize: Int { weight.cols }
  var outputSize: Int { weight.rows }

  mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W", &weight)
    try body("b", &bias)
  }

  /// The output of one real token (a `1 x E` row).
  func token(_ x: [Double]) -> [Double] {
    (0..<weight.rows).map { d in
      tanh(bias[0, d] + (0..<weight.cols).reduce(0) { $0 + weight[d, $1] * x[$1] })
    }
  }

  func forward(sequence inputs: [Matrix], lengths: [Int]) -> (outputs: [Matrix], cache: Cache) {
    let outputs = inputs.enumerated().map { t, x in
      Matrix(rows: x.rows, cols: outputSize) { _, _ in 0 }.replacingRows(
        (0..<x.rows).filter { t < lengths[$0] }
      ) { token(x.row($0)) }
    }
    return (outputs, Cache(inputs: inputs, outputs: outputs, lengths: lengths))
  }

  func backward(
    sequence cache: Cache, outputGradients: [Matrix]
  ) -> (inputGradients: [Matrix], gradients: TokenwiseLayer) {
    var gradients = TokenwiseLayer(
      weight: .zeros(like: weight), bias: .zeros(like: bias))
    var inputGradients: [Matrix] = []
    for (t, x) in cache.inputs.enumerated() {
      var dx = Matrix.zeros(like: x)
      for b in 0..<x.rows where t < cache.lengths[b] {
        for d in 0..<outputSize {
          let o = cache.outputs[t][b, d]
          let da = outputGradients[t][b, d] * (1 - o * o)
          gradients.bias[0, d] += da
          for e in 0..<inputSize {
            gradients.weight[d, e] += da * x[b, e]
            dx[b, e] += da * weight[d, e]
          }
        }
      }
      inputGradients.append(dx)
    }
    return (inputGradients, gradients)
  }
}

extension Matrix {
  /// A copy with the listed rows replaced by `row(i)`.
  fileprivate func replacingRows(_ rows: [Int], _ row: (Int) -> [Double]) -> Matrix {
    var out = self
    for i in rows {
      for (j, value) in row(i).enumerated() { out[i, j] = value }
    }
    return out
  }
}

/// Seeded models and data for exercises 09.7-09.10, and test-local references.
enum Unit09ModelFixtures {
  typealias Model = SentimentClassifier<TokenwiseLayer>

  /// Word ids in `0..<8`: different lengths, a repeated word, an empty sentence, and id 0
  /// (also the padding id) used as a real word.
  static let sentences = [[3, 1, 4, 1, 5], [2, 7], [], [0, 6, 2], [5]]
  static let labels = [1, 0, 2, 2, 0]
  static let vocabulary = 8

  /// A model with non-symmetric random weights: `E = 3`, `D = 4` (the first two columns
  /// counted as the forward direction), `C = 3`.
  static func model(seed: UInt64, pooling: Pooling, frozen: Bool = false) -> Model {
    var rng = RandomSource(seed: seed)
    let embedding = Matrix.gaussian(vocabulary, 3, std: 0.8, rng: &rng)
    let encoder = TokenwiseLayer(
      weight: .gaussian(4, 3, std: 0.7, rng: &rng), bias: .gaussian(1, 4, std: 0.3, rng: &rng))
    let head = ClassifierHead(
      weight: .gaussian(3, 4, std: 0.9, rng: &rng), bias: .gaussian(1, 3, std: 0.4, rng: &rng))
    return Model(
      embedding: embedding, encoder: encoder, head: head, pooling: pooling, forwardWidth: 2,
      freezeEmbedding: frozen)
  }

  /// An inverted-dropout mask for the fixture batch: zeros and `1 / 0.6`.
  static func mask(seed: UInt64, rows: Int = 5, cols: Int = 4) -> Matrix {
    var rng = RandomSource(seed: seed)
    return Matrix(rows: rows, cols: cols) { _, _ in rng.uniform() < 0.4 ? 0 : 1 / 0.6 }
  }

  /// The loss of the contract, computed one unpadded sentence at a time from the model's
  /// parameters (never its methods): embed, encode token by token, pool, mask, head,
  /// cross-entropy, mean over the batch.
  static func loss(_ model: Model, sentences: [[Int]], labels: [Int], mask: Matrix?) -> Double {
    guard !sentences.isEmpty else { return 0 }
    let width = model.encoder.outputSize
    var total = 0.0
    for (b, sentence) in sentences.enumerated() {
      let rows = sentence.map { model.encoder.token(model.embedding.row($0)) }
      var pooled = Unit09Fixtures.pooled(
        rows, mode: model.pooling.rawValue, width: width, forwardWidth: model.forwardWidth)
      if let mask {
        pooled = Matrix(row: (0..<width).map { pooled[0, $0] * mask[b, $0] })
      }
      let z = (0..<model.head.classCount).map { c in
        model.head.bias[0, c]
          + (0..<width).reduce(0) { $0 + model.head.weight[c, $1] * pooled[0, $1] }
      }
      total += Unit09Fixtures.crossEntropy(z, label: labels[b])
    }
    return total / Double(sentences.count)
  }

  // MARK: Training (09.8)

  /// A small learnable task: class 1 when word 1 comes before word 2 in the sentence, else
  /// class 0, over words `0..<6` (every sentence holds both words once, plus fillers).
  static func orderTask(count: Int, seed: UInt64) -> EncodedSentences {
    var rng = RandomSource(seed: seed)
    var sentences: [[Int]] = []
    var labels: [Int] = []
    for _ in 0..<count {
      var words = (0..<(1 + rng.int(below: 4))).map { _ in 3 + rng.int(below: 3) }
      let first = rng.int(below: words.count + 1)
      words.insert(1, at: first)
      let second = rng.int(below: words.count + 1)
      words.insert(2, at: second)
      sentences.append(words)
      labels.append((words.firstIndex(of: 1) ?? 0) < (words.firstIndex(of: 2) ?? 0) ? 1 : 0)
    }
    return EncodedSentences(sentences: sentences, labels: labels)
  }

  /// A small trainable model for the order task: `E = 4`, `D = 6`, `C = 2`.
  static func trainableModel(seed: UInt64, pooling: Pooling = .mean) -> Model {
    var rng = RandomSource(seed: seed)
    return Model(
      embedding: .gaussian(6, 4, std: 0.5, rng: &rng),
      encoder: TokenwiseLayer(
        weight: .gaussian(6, 4, std: 0.5, rng: &rng), bias: .zeros(1, 6)),
      head: ClassifierHead(
        weight: .gaussian(2, 6, std: 0.5, rng: &rng), bias: .zeros(1, 2)),
      pooling: pooling, forwardWidth: 3)
  }
}
