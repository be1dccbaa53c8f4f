import Foundation
import RNNCore
import RNNTraining

/// One sentence as a tagger reads it: word ids, word-shape ids and tag ids, one per token.
public struct EncodedSentence: Equatable, Sendable {
  /// Row indices into the word embedding.
  public var words: [Int]
  /// Row indices into the shape embedding (``RNNData/WordShape`` raw values).
  public var shapes: [Int]
  /// Tag indices (ignored when predicting).
  public var tags: [Int]

  public init(words: [Int], shapes: [Int], tags: [Int]) {
    precondition(
      words.count == shapes.count && words.count == tags.count,
      "EncodedSentence: \(words.count) words, \(shapes.count) shapes and \(tags.count) tags")
    self.words = words
    self.shapes = shapes
    self.tags = tags
  }
}

/// A complete sequence tagger: word embedding and word-shape embedding side by side, a
/// recurrent encoder (one direction, bidirectional, stacked), the tagger head and, optionally, a
/// CRF on top:
///
///     x_t = [W_word[w_t] ; W_shape[s_t]]       (E + F)
///     o_1..o_n = encoder(x_1..x_n)             (D each)
///     s_t = head(o_t)                          (K tag scores)
///     loss = mean token cross-entropy of softmax(s_t)        (no CRF)
///          = Σ_sentences CRF negative log-likelihood / tokens (with a CRF)
///
/// Both losses are per real token, so their values compare. Prediction takes each token's
/// best tag, or the CRF's Viterbi path.
///
/// Parameter blocks: `wordEmbedding` (`V x E`), `shapeEmbedding` (`S x F`), the encoder's
/// blocks prefixed with `encoder.`, the head's with `head.`, the CRF's with `crf.`.
public struct SequenceTagger<Encoder: SequenceLayer>: Parameterized, Sendable {
  public var wordEmbedding: Matrix
  public var shapeEmbedding: Matrix
  public var encoder: Encoder
  public var head: TaggerHead
  public var crf: LinearChainCRF?

  /// A tagger from its parts; the widths must fit together.
  public init(
    wordEmbedding: Matrix, shapeEmbedding: Matrix, encoder: Encoder, head: TaggerHead,
    crf: LinearChainCRF?
  ) {
    precondition(
      encoder.inputSize == wordEmbedding.cols + shapeEmbedding.cols,
      "SequenceTagger: the encoder reads \(encoder.inputSize) inputs, the embeddings give "
        + "\(wordEmbedding.cols) + \(shapeEmbedding.cols)")
    precondition(
      head.inputSize == encoder.outputSize,
      "SequenceTagger: the head reads \(head.inputSize) inputs, the encoder writes "
        + "\(encoder.outputSize)")
    if let crf {
      precondition(
        crf.tagCount == head.tagCount,
        "SequenceTagger: the CRF has \(crf.tagCount) tags, the head \(head.tagCount)")
    }
    self.wordEmbedding = wordEmbedding
    self.shapeEmbedding = shapeEmbedding
    self.encoder = encoder
    self.head = head
    self.crf = crf
  }

  /// A tagger with random embeddings (Gaussian, standard deviation 0.1), a fresh head and,
  /// with `crf`, a CRF whose scores start at 0.
  public init(
    vocabularySize: Int, shapeCount: Int, embeddingSize: Int, shapeSize: Int, encoder: Encoder,
    tagCount: Int, crf: Bool, rng: inout RandomSource
  ) {
    self.init(
      wordEmbedding: .gaussian(vocabularySize, embeddingSize, std: 0.1, rng: &rng),
      shapeEmbedding: .gaussian(shapeCount, shapeSize, std: 0.1, rng: &rng), encoder: encoder,
      head: TaggerHead(inputSize: encoder.outputSize, tagCount: tagCount, rng: &rng),
      crf: crf ? LinearChainCRF(tagCount: tagCount) : nil)
  }

  /// The number of tags.
  public var tagCount: Int { head.tagCount }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("wordEmbedding", &wordEmbedding)
    try body("shapeEmbedding", &shapeEmbedding)
    try encoder.visitParameters { name, m in try body("encoder." + name, &m) }
    try head.visitParameters { name, m in try body("head." + name, &m) }
    if crf != nil {
      try crf?.visitParameters { name, m in try body("crf." + name, &m) }
    }
  }

  /// The padded batch of `sentences`: `T` step indices per sequence (padding reads row 0).
  static func padded(_ sequences: [[Int]], steps: Int) -> [[Int]] {
    (0..<steps).map { t in sequences.map { t < $0.count ? $0[t] : 0 } }
  }

  /// Runs embeddings, encoder and head over a batch.
  func run(
    _ sentences: [EncodedSentence]
  ) -> (
    scores: [Matrix], lengths: [Int], cache: Encoder.Cache, features: [Matrix],
    words: [[Int]], shapes: [[Int]]
  ) {
    let lengths = sentences.map(\.words.count)
    let steps = lengths.max() ?? 0
    let words = Self.padded(sentences.map(\.words), steps: steps)
    let shapes = Self.padded(sentences.map(\.shapes), steps: steps)
    let inputs = (0..<steps).map { t in
      Matrix.hstack([wordEmbedding.gatherRows(words[t]), shapeEmbedding.gatherRows(shapes[t])])
    }
    let encoded = encoder.forward(sequence: inputs, lengths: lengths)
    return (head.scores(encoded.outputs), lengths, encoded.cache, encoded.outputs, words, shapes)
  }

  /// Sentence `b`'s emission scores (`n x K`) from the batch's per-step scores.
  static func emissions(_ scores: [Matrix], sequence b: Int, length: Int) -> Matrix {
    let k = scores.first?.cols ?? 0
    return Matrix(rows: length, cols: k) { t, j in scores[t][b, j] }
  }

  /// The loss per real token of a batch and its gradient with respect to every block.
  public func lossAndGradients(_ sentences: [EncodedSentence]) -> (loss: Double, gradients: Self) {
    let forward = run(sentences)
    let tokens = forward.lengths.reduce(0, +)
    var gradients = zerosLike()
    var loss = 0.0
    var scoreGradients: [Matrix]
    if let crf {
      scoreGradients = forward.scores.map { Matrix.zeros(like: $0) }
      var crfGradients = crf.zerosLike()
      let scale = tokens == 0 ? 0 : 1 / Double(tokens)
      for (b, sentence) in sentences.enumerated() where !sentence.tags.isEmpty {
        let e = Self.emissions(forward.scores, sequence: b, length: forward.lengths[b])
        let result = crf.lossAndGradients(emissions: e, tags: sentence.tags)
        loss += result.loss * scale
        crfGradients.accumulate(result.gradients, scaledBy: scale)
        for t in 0..<forward.lengths[b] {
          for j in 0..<crf.tagCount {
            scoreGradients[t][b, j] = result.emissionGradient[t, j] * scale
          }
        }
      }
      gradients.crf = crfGradients
    } else {
      let result = TaggerHead.tokenLoss(
        scores: forward.scores, tags: sentences.map(\.tags), lengths: forward.lengths)
      loss = result.loss
      scoreGradients = result.scoreGradients
    }
    let headBack = head.backward(features: forward.features, scoreGradients: scoreGradients)
    gradients.head = headBack.gradients
    let encoderBack = encoder.backward(
      sequence: forward.cache, outputGradients: headBack.featureGradients)
    gradients.encoder = encoderBack.gradients
    let e = wordEmbedding.cols
    for (t, dx) in encoderBack.inputGradients.enumerated() {
      gradients.wordEmbedding.scatterAddRows(dx.columns(0..<e), at: forward.words[t])
      gradients.shapeEmbedding.scatterAddRows(
        dx.columns(e..<(e + shapeEmbedding.cols)), at: forward.shapes[t])
    }
    return (loss, gradients)
  }

  /// The predicted tags of each sentence: every token's highest-scoring tag, or the CRF's
  /// best sequence.
  public func predict(_ sentences: [EncodedSentence]) -> [[Int]] {
    guard !sentences.isEmpty else { return [] }
    let forward = run(sentences)
    return sentences.indices.map { b in
      let e = Self.emissions(forward.scores, sequence: b, length: forward.lengths[b])
      if let crf { return crf.viterbi(emissions: e).tags }
      return e.argmaxPerRow()
    }
  }

  /// The per-step tag scores (emissions) of one sentence, `n x K`.
  public func emissions(_ sentence: EncodedSentence) -> Matrix {
    let forward = run([sentence])
    return Self.emissions(forward.scores, sequence: 0, length: sentence.words.count)
  }
}
