import Foundation
import RNNCore

/// Bengio's feed-forward language model with any ``OutputLayer`` on top: the model of
/// ``FeedForwardLM`` with its softmax over the whole vocabulary replaced by a class-based
/// (``ClassSoftmax``) or hierarchical (``HierarchicalSoftmax``) one, or kept
/// (``FullSoftmax``). For a batch of `B` contexts of `n-1` words, oldest first:
///
///     x = [C[w_{t-n+1}], ..., C[w_{t-1}]]     B x (n-1)E   (oldest word in columns 0..<E)
///     a = tanh(x Hᵀ + d)                      B x hidden
///     p(w | context) = output(a)              the output layer reads a as its hidden states
///
/// There are no direct connections: they feed the embeddings straight into a softmax over the
/// vocabulary (use ``FeedForwardLM`` for them).
///
/// Parameter blocks, in visiting order: `embedding` `C` (`V x E`), `hiddenWeight` `H`
/// (`hidden x (n-1)E`), `hiddenBias` `d` (`1 x hidden`), then the output layer's blocks
/// prefixed with `output.`.
public struct FactoredFeedForwardLM<Output: OutputLayer>: Parameterized, Sendable {
  /// `V x E`: row `w` is the vector of word `w`.
  public var embedding: Matrix
  /// `hidden x (n-1)E`.
  public var hiddenWeight: Matrix
  /// `1 x hidden`.
  public var hiddenBias: Matrix
  /// The output layer: reads `hidden` columns, predicts `V` words.
  public var output: Output

  /// A model from explicit parts; their shapes must fit.
  public init(embedding: Matrix, hiddenWeight: Matrix, hiddenBias: Matrix, output: Output) {
    let e = embedding.cols
    shapePrecondition(
      e > 0 && hiddenWeight.cols % e == 0 && hiddenWeight.cols >= e && hiddenBias.rows == 1
        && hiddenBias.cols == hiddenWeight.rows && output.hiddenSize == hiddenWeight.rows
        && output.vocabularySize == embedding.rows,
      "FactoredFeedForwardLM: embedding VxE, hiddenWeight hiddenx(n-1)E, hiddenBias 1xhidden "
        + "and an output layer reading hidden columns over V words; got "
        + "\(embedding.shapeDescription), \(hiddenWeight.shapeDescription), "
        + "\(hiddenBias.shapeDescription) and an output layer reading \(output.hiddenSize) "
        + "columns over \(output.vocabularySize) words")
    self.embedding = embedding
    self.hiddenWeight = hiddenWeight
    self.hiddenBias = hiddenBias
    self.output = output
  }

  /// A model around `output` with the initialization of ``FeedForwardLM``: embeddings of
  /// standard deviation 0.1, `H` of `1/√((n-1)E)`, `d = 0`.
  public init(
    embeddingSize e: Int, contextLength: Int, output: Output, rng: inout RandomSource
  ) {
    precondition(e >= 1 && contextLength >= 1, "FactoredFeedForwardLM: sizes must be positive")
    let width = contextLength * e
    self.init(
      embedding: .gaussian(output.vocabularySize, e, std: 0.1, rng: &rng),
      hiddenWeight: .gaussian(
        output.hiddenSize, width, std: 1 / Double(width).squareRoot(), rng: &rng),
      hiddenBias: .zeros(1, output.hiddenSize), output: output)
  }

  /// `V`.
  public var vocabularySize: Int { embedding.rows }
  /// `E`.
  public var embeddingSize: Int { embedding.cols }
  /// `n-1`.
  public var contextLength: Int { hiddenWeight.cols / embedding.cols }
  /// The number of hidden units (the width the output layer reads).
  public var hiddenSize: Int { hiddenWeight.rows }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("embedding", &embedding)
    try body("hiddenWeight", &hiddenWeight)
    try body("hiddenBias", &hiddenBias)
    try output.visitParameters { name, block in try body("output." + name, &block) }
  }

  private func check(_ contexts: [[Int]], _ caller: String) {
    for (b, context) in contexts.enumerated() {
      shapePrecondition(
        context.count == contextLength,
        "FactoredFeedForwardLM.\(caller): context \(b) has \(context.count) words, the model "
          + "reads \(contextLength)")
      for word in context where !(0..<vocabularySize).contains(word) {
        preconditionFailed(
          "FactoredFeedForwardLM.\(caller): word \(word) in context \(b) is outside "
            + "0..<\(vocabularySize)")
      }
    }
  }

  /// `x`: the context vectors side by side, `B x (n-1)E` (provided).
  public func inputs(contexts: [[Int]]) -> Matrix {
    check(contexts, "inputs(contexts:)")
    guard !contexts.isEmpty else { return .zeros(0, contextLength * embeddingSize) }
    return .hstack((0..<contextLength).map { k in embedding.gatherRows(contexts.map { $0[k] }) })
  }

  /// `log p(w | contexts[b])` for every word: `B x V` (provided; full cost, for evaluation).
  public func logProbabilities(contexts: [[Int]]) -> Matrix {
    let a = inputs(contexts: contexts).matmul(hiddenWeight, transposeOther: true)
      .adding(rowVector: hiddenBias).tanh()
    return output.logProbabilities(hidden: a)
  }

  /// The mean `-log p(targets[b] | contexts[b])` over the batch and its gradient (exercise
  /// 10.12).
  ///
  /// The output layer must be called once, on all `B` rows of `a`; its mean is the loss (0 for
  /// an empty batch, with every gradient zero).
  ///
  /// - Parameters:
  ///   - contexts: `B` contexts of `n-1` word ids each, oldest first.
  ///   - targets: `B` next words in `0..<V`.
  /// - Returns: the loss and a model whose blocks hold `∂L/∂embedding` (a word used at several
  ///   positions or rows collects all of them; unused words get 0), `∂L/∂hiddenWeight`,
  ///   `∂L/∂hiddenBias` and the output layer's gradients as its backward pass returns them.
  public func lossAndGradients(
    contexts: [[Int]], targets: [Int]
  ) -> (loss: Double, gradients: FactoredFeedForwardLM) {
    shapePrecondition(
      contexts.count == targets.count,
      "FactoredFeedForwardLM.lossAndGradients: \(contexts.count) contexts and "
        + "\(targets.count) targets")
    let x = inputs(contexts: contexts)
    // Exercise 10.12: FactoredFeedForwardLM.lossAndGradients(contexts:targets:).
    // Read Lectures/10-large-vocabularies.md §4, then replace this stub with your code.
    notImplemented(
      "10.12", "FactoredFeedForwardLM.lossAndGradients(contexts:targets:)",
      lecture: "Lectures/10-large-vocabularies.md §4")
  }
}

// MARK: - Token streams

/// Scoring a stream, its perplexity and training on it come from ``WindowLanguageModel``.
extension FactoredFeedForwardLM: WindowLanguageModel {
  /// ``lossAndGradients(contexts:targets:)``.
  public func minibatchLossAndGradients(
    contexts: [[Int]], targets: [Int]
  ) -> (loss: Double, gradients: FactoredFeedForwardLM) {
    lossAndGradients(contexts: contexts, targets: targets)
  }
}
