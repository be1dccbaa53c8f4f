import Foundation
import RNNCore
import RNNTraining
import Unit07

/// The homework model: a many-to-one sentence classifier built from an embedding, any
/// recurrent encoder of unit 07 (usually a stack of bidirectional GRU or LSTM layers), a
/// readout and the classifier head:
///
///     x_t = E[w_t]                          (B x dE, row w_t of the embedding)
///     o_1..o_T = encoder(x_1..x_T)          (B x D each; zero at padding)
///     f = pool(o_1..o_T)                    (B x D, ``Pooling``)
///     f̃ = f ⊙ M                             (B x D; M a dropout mask, or no mask)
///     z = f̃ Wᵀ + b                          (B x C, ``ClassifierHead``)
///     L = mean over the batch of -log softmax(z_b)[y_b]
///
/// Sentences are lists of word ids in `0..<V`; a batch pads them at the end to the longest
/// one, and the padding reads row 0 of the embedding (which never reaches a real output).
///
/// Parameter blocks: `embedding` (`V x dE`), the encoder's blocks prefixed with `encoder.`,
/// the head's with `head.`. With ``freezeEmbedding``, the embedding's gradient is zero, so an
/// optimizer leaves it as it was (for pretrained vectors kept fixed).
public struct SentimentClassifier<Encoder: SequenceLayer>: SentenceClassifier {
  /// `E`, `V x dE`.
  public var embedding: Matrix
  /// The recurrent encoder (reads `dE` columns, writes `D`).
  public var encoder: Encoder
  /// The output layer (reads `D` columns, writes `C` logits).
  public var head: ClassifierHead
  /// How the encoder's outputs become one vector per sentence.
  public var pooling: Pooling
  /// How many leading columns of the encoder's output come from its forward direction: `D / 2`
  /// for a bidirectional encoder whose two directions have the same size, `D` for one
  /// direction. ``Pooling/last`` reads it.
  public var forwardWidth: Int
  /// Whether the embedding stays fixed in training (its gradient is reported as zero).
  public var freezeEmbedding: Bool

  /// A classifier from its parts; the widths must fit together.
  public init(
    embedding: Matrix, encoder: Encoder, head: ClassifierHead, pooling: Pooling,
    forwardWidth: Int, freezeEmbedding: Bool = false
  ) {
    shapePrecondition(
      encoder.inputSize == embedding.cols && head.inputSize == encoder.outputSize,
      "SentimentClassifier: embedding \(embedding.shapeDescription), encoder "
        + "\(encoder.inputSize) -> \(encoder.outputSize) and head \(head.inputSize) -> "
        + "\(head.classCount) do not fit (expected V x dE, dE -> D, D -> C)")
    shapePrecondition(
      forwardWidth >= 0 && forwardWidth <= encoder.outputSize,
      "SentimentClassifier: forwardWidth \(forwardWidth) for an encoder that writes "
        + "\(encoder.outputSize) columns")
    self.embedding = embedding
    self.encoder = encoder
    self.head = head
    self.pooling = pooling
    self.forwardWidth = forwardWidth
    self.freezeEmbedding = freezeEmbedding
  }

  /// A classifier with a Gaussian embedding (standard deviation 0.1) and a fresh head.
  ///
  /// - Parameter bidirectional: whether the encoder's output is `[h→ ; h←]` with two halves of
  ///   the same width (sets ``forwardWidth`` to `D / 2`, or `D` when `false`).
  public init(
    vocabularySize: Int, embeddingSize: Int, encoder: Encoder, bidirectional: Bool,
    classCount: Int, pooling: Pooling, rng: inout RandomSource
  ) {
    self.init(
      embedding: .gaussian(vocabularySize, embeddingSize, std: 0.1, rng: &rng),
      encoder: encoder,
      head: ClassifierHead(inputSize: encoder.outputSize, classCount: classCount, rng: &rng),
      pooling: pooling,
      forwardWidth: bidirectional ? encoder.outputSize / 2 : encoder.outputSize)
  }

  /// `V`.
  public var vocabularySize: Int { embedding.rows }
  /// `C`.
  public var classCount: Int { head.classCount }
  /// `D`, the width of the pooled features.
  public var featureCount: Int { encoder.outputSize }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("embedding", &embedding)
    try encoder.visitParameters { name, m in try body("encoder." + name, &m) }
    try head.visitParameters { name, m in try body("head." + name, &m) }
  }

  /// The padded batch: `T` lists of `B` word ids (padding reads id 0), `T` the longest length.
  public static func paddedSteps(_ sentences: [[Int]]) -> [[Int]] {
    let steps = sentences.map(\.count).max() ?? 0
    return (0..<steps).map { t in sentences.map { t < $0.count ? $0[t] : 0 } }
  }

  /// The pooled features of every sentence, `B x D` (no dropout).
  public func features(_ sentences: [[Int]]) -> Matrix {
    checkWordIDs(sentences, vocabularySize: vocabularySize, "SentimentClassifier.features")
    let lengths = sentences.map(\.count)
    let inputs = Self.paddedSteps(sentences).map { embedding.gatherRows($0) }
    let outputs = encoder.forward(sequence: inputs, lengths: lengths).outputs
    return pooling.forward(outputs, lengths: lengths, forwardWidth: forwardWidth).pooled
  }

  /// The logits of every sentence, `B x C` (no dropout).
  public func logits(_ sentences: [[Int]]) -> Matrix {
    head.logits(features(sentences))
  }

  /// The most likely class of every sentence (the first one on a tie).
  public func predict(_ sentences: [[Int]]) -> [Int] {
    guard !sentences.isEmpty else { return [] }
    return logits(sentences).argmaxPerRow()
  }

  /// The mean cross-entropy of a batch and its gradient with respect to every block.
  ///
  /// - Parameters:
  ///   - sentences: `B` lists of word ids in `0..<V` (any lengths, 0 included: an empty
  ///     sentence pools to zeros, so its logits are the head's bias).
  ///   - labels: `B` classes in `0..<C`.
  ///   - dropoutMask: `M`, `B x D`, multiplied into the pooled features before the head
  ///     (entries `0` or `1 / (1 - p)`; see ``dropoutMask(rows:cols:rate:rng:)``), or `nil`
  ///     for none.
  /// - Returns: the mean loss and a model whose blocks hold `∂L/∂block` (the embedding's is
  ///   zero when ``freezeEmbedding`` is set).
  public func lossAndGradients(
    _ sentences: [[Int]], labels: [Int], dropoutMask: Matrix? = nil
  ) -> (loss: Double, gradients: Self) {
    checkWordIDs(sentences, vocabularySize: vocabularySize, "SentimentClassifier.lossAndGradients")
    shapePrecondition(
      labels.count == sentences.count,
      "SentimentClassifier.lossAndGradients: \(sentences.count) sentences and "
        + "\(labels.count) labels")
    if let dropoutMask {
      shapePrecondition(
        dropoutMask.rows == sentences.count && dropoutMask.cols == encoder.outputSize,
        "SentimentClassifier.lossAndGradients: a dropout mask of shape "
          + "\(dropoutMask.shapeDescription) for \(sentences.count) sentences and "
          + "\(encoder.outputSize) features")
    }
    // Exercise 09.7: SentimentClassifier.lossAndGradients(_:labels:dropoutMask:).
    // Read Lectures/09-sentiment-homework.md §6, then replace this stub with your code.
    notImplemented(
      "09.7", "SentimentClassifier.lossAndGradients(_:labels:dropoutMask:)",
      lecture: "Lectures/09-sentiment-homework.md §6")
  }
}

/// An inverted-dropout mask: every entry is `0` with probability `rate` and `1 / (1 - rate)`
/// otherwise, so the features keep their expected value and nothing changes at test time.
///
/// - Parameters:
///   - rate: the probability of dropping a feature, in `0..<1` (`0` gives a mask of ones).
/// - Returns: `rows x cols`.
public func dropoutMask(rows: Int, cols: Int, rate: Double, rng: inout RandomSource) -> Matrix {
  precondition(
    rate >= 0 && rate < 1, "dropoutMask: the rate must be in 0..<1, got \(rate)")
  let keep = 1 / (1 - rate)
  return Matrix(rows: rows, cols: cols) { _, _ in rng.uniform() < rate ? 0 : keep }
}
