import RNNCore
import RNNTraining

/// The convolutional baseline: an embedding, ``Convolution1D`` (filters of several widths with
/// max-over-time pooling) and the classifier head:
///
///     X = rows E[w_1], ..., E[w_n]          (n x dE, one sentence)
///     c = conv(X)                           (1 x F·k)
///     z = (c ⊙ m) Wᵀ + b                    (1 x C; m a row of the dropout mask)
///
/// Sentences are read one at a time (no padding: a filter never sees another sentence's
/// words), and the loss is the mean cross-entropy over the batch. Parameter blocks:
/// `embedding`, the convolution's prefixed with `conv.`, the head's with `head.`.
public struct ConvolutionalClassifier: SentenceClassifier, Equatable {
  /// `V x dE`.
  public var embedding: Matrix
  /// The filter banks.
  public var convolution: Convolution1D
  /// The output layer.
  public var head: ClassifierHead
  /// Whether the embedding stays fixed in training (its gradient is reported as zero).
  public var freezeEmbedding: Bool

  /// A classifier from its parts; the widths must fit together.
  public init(
    embedding: Matrix, convolution: Convolution1D, head: ClassifierHead,
    freezeEmbedding: Bool = false
  ) {
    shapePrecondition(
      convolution.embeddingSize == embedding.cols && head.inputSize == convolution.outputSize,
      "ConvolutionalClassifier: embedding \(embedding.shapeDescription), filters over "
        + "\(convolution.embeddingSize) columns writing \(convolution.outputSize) features "
        + "and a head reading \(head.inputSize) do not fit")
    self.embedding = embedding
    self.convolution = convolution
    self.head = head
    self.freezeEmbedding = freezeEmbedding
  }

  /// A classifier with a Gaussian embedding (standard deviation 0.1), random filters and a
  /// fresh head.
  public init(
    vocabularySize: Int, embeddingSize: Int, widths: [Int], filtersPerWidth: Int,
    classCount: Int, rng: inout RandomSource
  ) {
    let convolution = Convolution1D(
      embeddingSize: embeddingSize, widths: widths, filtersPerWidth: filtersPerWidth, rng: &rng)
    self.init(
      embedding: .gaussian(vocabularySize, embeddingSize, std: 0.1, rng: &rng),
      convolution: convolution,
      head: ClassifierHead(
        inputSize: convolution.outputSize, classCount: classCount, rng: &rng))
  }

  public var featureCount: Int { convolution.outputSize }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("embedding", &embedding)
    try convolution.visitParameters { name, m in try body("conv." + name, &m) }
    try head.visitParameters { name, m in try body("head." + name, &m) }
  }

  /// The features of every sentence, `B x F·k`, and the caches.
  func features(_ sentences: [[Int]]) -> (features: Matrix, caches: [Convolution1D.Cache]) {
    var features = Matrix.zeros(sentences.count, featureCount)
    var caches: [Convolution1D.Cache] = []
    checkWordIDs(sentences, vocabularySize: embedding.rows, "ConvolutionalClassifier")
    for (b, sentence) in sentences.enumerated() {
      let run = convolution.forward(embedding.gatherRows(sentence))
      for j in 0..<featureCount { features[b, j] = run.features[0, j] }
      caches.append(run.cache)
    }
    return (features, caches)
  }

  public func predict(_ sentences: [[Int]]) -> [Int] {
    guard !sentences.isEmpty else { return [] }
    return head.predict(features(sentences).features)
  }

  public func lossAndGradients(
    _ sentences: [[Int]], labels: [Int], dropoutMask: Matrix? = nil
  ) -> (loss: Double, gradients: ConvolutionalClassifier) {
    let forward = features(sentences)
    let masked = dropoutMask.map { forward.features * $0 } ?? forward.features
    let top = head.lossAndGradients(masked, labels: labels)
    var gradients = zerosLike()
    gradients.head = top.gradients
    let featureGradient = dropoutMask.map { top.featureGradient * $0 } ?? top.featureGradient
    for (b, sentence) in sentences.enumerated() {
      let back = convolution.backward(
        forward.caches[b], featureGradient: featureGradient.rows(b..<(b + 1)))
      gradients.convolution.accumulate(back.gradients)
      if !freezeEmbedding && !sentence.isEmpty {
        gradients.embedding.scatterAddRows(back.inputGradient, at: sentence)
      }
    }
    return (top.loss, gradients)
  }
}
