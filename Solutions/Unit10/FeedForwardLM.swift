import Foundation
import RNNCore

/// Bengio's feed-forward neural language model: the next word from the `n-1` words before it,
/// through shared word vectors, one tanh hidden layer and a softmax over the whole vocabulary.
///
/// A context is `n-1` word ids, **oldest first** (`w_{t-n+1}, ..., w_{t-1}`). For a batch of
/// `B` contexts:
///
///     x = [C[w_{t-n+1}], ..., C[w_{t-1}]]          B x (n-1)E   (rows of C side by side,
///                                                              oldest word in columns 0..<E)
///     a = tanh(x Hᵀ + d)                           B x hidden
///     y = b + a Uᵀ (+ x Wᵀ with direct connections) B x V
///     p(w | context) = softmax(y)[w]
///
/// Parameter blocks (visited in this order): `embedding` `C` (`V x E`), `hiddenWeight` `H`
/// (`hidden x (n-1)E`), `hiddenBias` `d` (`1 x hidden`), `outputWeight` `U` (`V x hidden`),
/// `outputBias` `b` (`1 x V`), and, only when the model has direct connections from the
/// embeddings to the output, `directWeight` `W` (`V x (n-1)E`).
public struct FeedForwardLM: Parameterized, Equatable, Sendable {
  /// `V x E`: row `w` is the vector of word `w` (shared by every context position).
  public var embedding: Matrix
  /// `hidden x (n-1)E`: the hidden layer's weights `H`.
  public var hiddenWeight: Matrix
  /// `1 x hidden`: the hidden layer's bias `d`.
  public var hiddenBias: Matrix
  /// `V x hidden`: the output weights `U`.
  public var outputWeight: Matrix
  /// `1 x V`: the output bias `b`.
  public var outputBias: Matrix
  /// `V x (n-1)E` or `nil`: the direct connections `W` from the concatenated embeddings to the
  /// output.
  public var directWeight: Matrix?

  /// A model with the given weights; `contextLength` (`n-1`) is read from the shapes.
  public init(
    embedding: Matrix, hiddenWeight: Matrix, hiddenBias: Matrix, outputWeight: Matrix,
    outputBias: Matrix, directWeight: Matrix? = nil
  ) {
    let e = embedding.cols
    let v = embedding.rows
    let hidden = hiddenWeight.rows
    shapePrecondition(
      e > 0 && hiddenWeight.cols % e == 0 && hiddenWeight.cols >= e && hiddenBias.rows == 1
        && hiddenBias.cols == hidden && outputWeight.rows == v && outputWeight.cols == hidden
        && outputBias.rows == 1 && outputBias.cols == v
        && (directWeight.map { $0.rows == v && $0.cols == hiddenWeight.cols } ?? true),
      "FeedForwardLM: embedding VxE, hiddenWeight hiddenx(n-1)E, hiddenBias 1xhidden, "
        + "outputWeight Vxhidden, outputBias 1xV, directWeight Vx(n-1)E; got "
        + "\(embedding.shapeDescription), \(hiddenWeight.shapeDescription), "
        + "\(hiddenBias.shapeDescription), \(outputWeight.shapeDescription), "
        + "\(outputBias.shapeDescription), \(directWeight?.shapeDescription ?? "none")")
    self.embedding = embedding
    self.hiddenWeight = hiddenWeight
    self.hiddenBias = hiddenBias
    self.outputWeight = outputWeight
    self.outputBias = outputBias
    self.directWeight = directWeight
  }

  /// A model with small Gaussian weights (standard deviation `1/√fan-in`, embeddings 0.1) and
  /// zero biases.
  public init(
    vocabularySize v: Int, embeddingSize e: Int, contextLength: Int, hiddenSize: Int,
    directConnections: Bool = false, rng: inout RandomSource
  ) {
    precondition(
      v >= 1 && e >= 1 && contextLength >= 1 && hiddenSize >= 1,
      "FeedForwardLM: sizes must be positive")
    let width = contextLength * e
    let embedding = Matrix.gaussian(v, e, std: 0.1, rng: &rng)
    let hiddenWeight = Matrix.gaussian(
      hiddenSize, width, std: 1 / Double(width).squareRoot(), rng: &rng)
    let outputWeight = Matrix.gaussian(
      v, hiddenSize, std: 1 / Double(hiddenSize).squareRoot(), rng: &rng)
    let direct: Matrix? =
      directConnections
      ? .gaussian(v, width, std: 0.1 / Double(width).squareRoot(), rng: &rng) : nil
    self.init(
      embedding: embedding, hiddenWeight: hiddenWeight, hiddenBias: .zeros(1, hiddenSize),
      outputWeight: outputWeight, outputBias: .zeros(1, v), directWeight: direct)
  }

  /// The vocabulary size `V`.
  public var vocabularySize: Int { embedding.rows }
  /// The width `E` of a word vector.
  public var embeddingSize: Int { embedding.cols }
  /// The number `n-1` of context words.
  public var contextLength: Int { hiddenWeight.cols / embedding.cols }
  /// The number of hidden units.
  public var hiddenSize: Int { hiddenWeight.rows }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("embedding", &embedding)
    try body("hiddenWeight", &hiddenWeight)
    try body("hiddenBias", &hiddenBias)
    try body("outputWeight", &outputWeight)
    try body("outputBias", &outputBias)
    if var direct = directWeight {
      try body("directWeight", &direct)
      directWeight = direct
    }
  }

  /// What ``lossAndCache(contexts:targets:)`` keeps for ``backward(_:)``.
  public struct Cache: Sendable {
    /// The `B` contexts, each `n-1` word ids, oldest first.
    public var contexts: [[Int]]
    /// The `B` next words.
    public var targets: [Int]
    /// The concatenated context vectors `x`, `B x (n-1)E`.
    public var inputs: Matrix
    /// The hidden activations `a = tanh(x Hᵀ + d)`, `B x hidden`.
    public var hidden: Matrix
    /// The softmax of the logits, `B x V` (each row sums to 1).
    public var probabilities: Matrix

    public init(
      contexts: [[Int]], targets: [Int], inputs: Matrix, hidden: Matrix, probabilities: Matrix
    ) {
      self.contexts = contexts
      self.targets = targets
      self.inputs = inputs
      self.hidden = hidden
      self.probabilities = probabilities
    }
  }

  func checkContexts(_ contexts: [[Int]], _ caller: String) {
    for (b, context) in contexts.enumerated() {
      shapePrecondition(
        context.count == contextLength,
        "FeedForwardLM.\(caller): context \(b) has \(context.count) words, the model reads "
          + "\(contextLength)")
      for word in context where !(0..<vocabularySize).contains(word) {
        preconditionFailed(
          "FeedForwardLM.\(caller): word \(word) in context \(b) is outside 0..<\(vocabularySize)")
      }
    }
  }

  /// The logits `y` (`B x V`) of the contexts; the provided forward pass used for evaluation.
  public func logits(contexts: [[Int]]) -> Matrix {
    checkContexts(contexts, "logits(contexts:)")
    let e = embeddingSize
    let x = Matrix(rows: contexts.count, cols: contextLength * e) { b, j in
      embedding[contexts[b][j / e], j % e]
    }
    let a = x.matmul(hiddenWeight, transposeOther: true).adding(rowVector: hiddenBias).tanh()
    var y = a.matmul(outputWeight, transposeOther: true).adding(rowVector: outputBias)
    if let w = directWeight { y += x.matmul(w, transposeOther: true) }
    return y
  }

  /// The log-probability of every word after every context: `B x V`, row `b` holds
  /// `log p(w | contexts[b])` for `w = 0..<V` (each row's probabilities sum to 1).
  public func logProbabilities(contexts: [[Int]]) -> Matrix {
    logits(contexts: contexts).logSoftmaxRows()
  }

  /// The mean negative log-likelihood of the next words, and what the backward pass needs.
  ///
  /// Row `b` contributes `-log p(targets[b] | contexts[b])` with `p` the softmax of the logits
  /// described on the type (contexts oldest first, direct connections only when
  /// ``directWeight`` is set); the loss is the mean over the `B` rows. The log-softmax must be
  /// computed stably: the loss stays finite for logits of ±1000.
  ///
  /// - Parameters:
  ///   - contexts: `B` contexts of `n-1` word ids each, oldest first.
  ///   - targets: `B` next words in `0..<V`.
  /// - Returns: the mean loss (nats per word; 0 for an empty batch) and a ``Cache``.
  /// - Complexity: `O(B (n-1)E · hidden + B V (hidden + (n-1)E))`.
  public func lossAndCache(contexts: [[Int]], targets: [Int]) -> (loss: Double, cache: Cache) {
    shapePrecondition(
      contexts.count == targets.count,
      "FeedForwardLM.lossAndCache: \(contexts.count) contexts and \(targets.count) targets")
    checkContexts(contexts, "lossAndCache(contexts:targets:)")
    for (b, word) in targets.enumerated() where !(0..<vocabularySize).contains(word) {
      preconditionFailed(
        "FeedForwardLM.lossAndCache: target \(word) of row \(b) is outside 0..<\(vocabularySize)")
    }
    // BEGIN SOLUTION 10.7 FeedForwardLM.lossAndCache(contexts:targets:) | Lectures/10-large-vocabularies.md §4
    let e = embeddingSize
    let batch = contexts.count
    var x = Matrix.zeros(batch, contextLength * e)
    for b in 0..<batch {
      for (k, word) in contexts[b].enumerated() {
        for j in 0..<e { x[b, k * e + j] = embedding[word, j] }
      }
    }
    let a = x.matmul(hiddenWeight, transposeOther: true).adding(rowVector: hiddenBias).tanh()
    var y = a.matmul(outputWeight, transposeOther: true).adding(rowVector: outputBias)
    if let w = directWeight { y += x.matmul(w, transposeOther: true) }
    var probabilities = Matrix.zeros(like: y)
    var total = 0.0
    for b in 0..<batch {
      // Shift by the row's maximum so that exp never overflows.
      var m = -Double.infinity
      for w in 0..<vocabularySize { m = Swift.max(m, y[b, w]) }
      var sum = 0.0
      for w in 0..<vocabularySize {
        let p = exp(y[b, w] - m)
        probabilities[b, w] = p
        sum += p
      }
      for w in 0..<vocabularySize { probabilities[b, w] /= sum }
      total -= y[b, targets[b]] - m - log(sum)
    }
    let loss = batch == 0 ? 0 : total / Double(batch)
    return (
      loss,
      Cache(
        contexts: contexts, targets: targets, inputs: x, hidden: a, probabilities: probabilities)
    )
    // END SOLUTION
  }

  /// Backpropagation through ``lossAndCache(contexts:targets:)``.
  ///
  /// - Parameter cache: what that call returned.
  /// - Returns: a model whose blocks hold the gradients of the mean loss: `∂L/∂embedding`
  ///   (`V x E`; a word used at several positions or in several rows collects all of them, a
  ///   word used nowhere gets exactly 0), `∂L/∂hiddenWeight`, `∂L/∂hiddenBias`,
  ///   `∂L/∂outputWeight`, `∂L/∂outputBias`, and `∂L/∂directWeight` when the model has direct
  ///   connections (`nil` otherwise).
  public func backward(_ cache: Cache) -> FeedForwardLM {
    shapePrecondition(
      cache.contexts.count == cache.targets.count && cache.inputs.rows == cache.targets.count
        && cache.inputs.cols == contextLength * embeddingSize
        && cache.hidden.rows == cache.targets.count && cache.hidden.cols == hiddenSize
        && cache.probabilities.rows == cache.targets.count
        && cache.probabilities.cols == vocabularySize,
      "FeedForwardLM.backward: a cache with \(cache.targets.count) targets, inputs "
        + "\(cache.inputs.shapeDescription), hidden \(cache.hidden.shapeDescription) and "
        + "probabilities \(cache.probabilities.shapeDescription) for a model with V = "
        + "\(vocabularySize), (n-1)E = \(contextLength * embeddingSize), hidden = \(hiddenSize)")
    // BEGIN SOLUTION 10.8 FeedForwardLM.backward(_:) | Lectures/10-large-vocabularies.md §4
    var gradients = zerosLike()
    let batch = cache.targets.count
    guard batch > 0 else { return gradients }
    let e = embeddingSize
    // ∂L/∂y = (softmax - one-hot) / B.
    var dy = cache.probabilities
    for (b, word) in cache.targets.enumerated() { dy[b, word] -= 1 }
    dy *= 1 / Double(batch)
    let x = cache.inputs
    let a = cache.hidden
    gradients.outputWeight = dy.matmul(a, transposeSelf: true)
    gradients.outputBias = dy.sumRows()
    let da = dy.matmul(outputWeight)
    let dz = da.zipMap(a) { g, out in g * (1 - out * out) }
    gradients.hiddenWeight = dz.matmul(x, transposeSelf: true)
    gradients.hiddenBias = dz.sumRows()
    var dx = dz.matmul(hiddenWeight)
    if let w = directWeight {
      gradients.directWeight = dy.matmul(x, transposeSelf: true)
      dx += dy.matmul(w)
    }
    // Each position's slice of ∂L/∂x goes to the row of its word; repeated words add up.
    for (b, context) in cache.contexts.enumerated() {
      for (k, word) in context.enumerated() {
        for j in 0..<e { gradients.embedding[word, j] += dx[b, k * e + j] }
      }
    }
    return gradients
    // END SOLUTION
  }
}

// MARK: - Token streams: contexts, evaluation, training

extension FeedForwardLM {
  /// The context of every position of a token stream: position `t` gets
  /// `tokens[t-n+1..<t]`, oldest first, with the positions before the start filled with
  /// `boundary` (the id that also ends every sentence, so the first word is read as if it
  /// followed a sentence end).
  public static func contexts(of tokens: [Int], contextLength: Int, boundary: Int) -> [[Int]] {
    tokens.indices.map { t in
      (0..<contextLength).map { k in
        let i = t - contextLength + k
        return i >= 0 ? tokens[i] : boundary
      }
    }
  }
}

/// A language model that predicts each token from the `contextLength` tokens before it:
/// ``FeedForwardLM`` and ``FactoredFeedForwardLM``. Scoring a stream, its perplexity and
/// training on it are written once, below, for every such model.
public protocol WindowLanguageModel: Parameterized {
  /// `n-1`: how many tokens each prediction reads.
  var contextLength: Int { get }
  /// `B x V`: row `b` is `log p(· | contexts[b])`.
  func logProbabilities(contexts: [[Int]]) -> Matrix
  /// The mean loss of a minibatch of contexts and their targets, and its gradient (a model
  /// value whose blocks hold the gradients).
  func minibatchLossAndGradients(
    contexts: [[Int]], targets: [Int]
  ) -> (loss: Double, gradients: Self)
}

extension FeedForwardLM: WindowLanguageModel {
  /// ``lossAndCache(contexts:targets:)`` followed by ``backward(_:)``.
  public func minibatchLossAndGradients(
    contexts: [[Int]], targets: [Int]
  ) -> (loss: Double, gradients: FeedForwardLM) {
    let (loss, cache) = lossAndCache(contexts: contexts, targets: targets)
    return (loss, backward(cache))
  }
}

// MARK: - Token streams: evaluation and training

extension WindowLanguageModel {
  /// `log p(tokens[t] | context of t)` for every position of the stream (the contexts as in
  /// ``FeedForwardLM/contexts(of:contextLength:boundary:)``), computed in batches of
  /// `batchSize`.
  public func tokenLogProbabilities(
    _ tokens: [Int], boundary: Int, batchSize: Int = 256
  ) -> [Double] {
    let all = FeedForwardLM.contexts(of: tokens, contextLength: contextLength, boundary: boundary)
    var out: [Double] = []
    out.reserveCapacity(tokens.count)
    var start = 0
    while start < tokens.count {
      let end = Swift.min(start + Swift.max(batchSize, 1), tokens.count)
      let logP = logProbabilities(contexts: Array(all[start..<end]))
      for t in start..<end { out.append(logP[t - start, tokens[t]]) }
      start = end
    }
    return out
  }

  /// The perplexity `exp(-mean log p)` of the stream (1 for an empty stream).
  public func perplexity(_ tokens: [Int], boundary: Int) -> Double {
    let logP = tokenLogProbabilities(tokens, boundary: boundary)
    guard !logP.isEmpty else { return 1 }
    return exp(-logP.reduce(0, +) / Double(logP.count))
  }

  /// Trains on a token stream with Adam: each epoch visits every position once in a seeded
  /// random order, in minibatches of `batchSize`. Returns the mean training loss of each epoch.
  @discardableResult
  public mutating func train(
    _ tokens: [Int], boundary: Int, epochs: Int, batchSize: Int = 32,
    learningRate: Double = 0.01, rng: inout RandomSource
  ) -> [Double] {
    let all = FeedForwardLM.contexts(of: tokens, contextLength: contextLength, boundary: boundary)
    var optimizer = Adam(learningRate: learningRate)
    var losses: [Double] = []
    for _ in 0..<epochs {
      let order = rng.permutation(tokens.count)
      var total = 0.0
      var start = 0
      while start < order.count {
        let picked = order[start..<Swift.min(start + Swift.max(batchSize, 1), order.count)]
        let (loss, gradients) = minibatchLossAndGradients(
          contexts: picked.map { all[$0] }, targets: picked.map { tokens[$0] })
        total += loss * Double(picked.count)
        optimizer.step(&self, gradients: gradients)
        start += picked.count
      }
      losses.append(tokens.isEmpty ? 0 : total / Double(tokens.count))
    }
    return losses
  }
}
