import Foundation
import RNNCore

/// The output layer of a tagger: an affine map from the encoder's output at each step to one
/// score per tag,
///
///     s_t = o_t Wᵀ + b        (o_t: B x D, W: K x D, b: 1 x K, s_t: B x K)
///
/// The scores feed a per-token softmax (``tokenLoss(scores:tags:lengths:)``) or, as emission
/// scores, a ``LinearChainCRF``. Parameter blocks: `weight` (`K x D`), `bias` (`1 x K`).
public struct TaggerHead: Parameterized, Sendable {
  /// `K x D`: row `k` scores tag `k`.
  public var weight: Matrix
  /// `1 x K`.
  public var bias: Matrix

  /// A head with the given weights.
  public init(weight: Matrix, bias: Matrix) {
    shapePrecondition(
      bias.rows == 1 && bias.cols == weight.rows,
      "TaggerHead: weight \(weight.shapeDescription) needs a bias of shape 1x\(weight.rows), "
        + "got \(bias.shapeDescription)")
    self.weight = weight
    self.bias = bias
  }

  /// A head with Xavier-uniform weights and a zero bias.
  public init(inputSize: Int, tagCount: Int, rng: inout RandomSource) {
    self.init(
      weight: .xavierUniform(tagCount, inputSize, rng: &rng), bias: .zeros(1, tagCount))
  }

  /// The number of tags `K`.
  public var tagCount: Int { weight.rows }
  /// The width `D` of the vectors it reads.
  public var inputSize: Int { weight.cols }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("weight", &weight)
    try body("bias", &bias)
  }

  /// The scores of every step: `T` matrices `B x K`.
  public func scores(_ features: [Matrix]) -> [Matrix] {
    features.map { o in
      shapePrecondition(
        o.cols == inputSize,
        "TaggerHead.scores: features of shape \(o.shapeDescription) for a head that reads "
          + "\(inputSize) columns")
      return o.matmul(weight, transposeOther: true).adding(rowVector: bias)
    }
  }

  /// The gradients of an affine map: `∂L/∂o_t = ∂L/∂s_t W`, `∂L/∂W = Σ_t ∂L/∂s_tᵀ o_t`,
  /// `∂L/∂b = Σ_t` column sums of `∂L/∂s_t`.
  public func backward(
    features: [Matrix], scoreGradients: [Matrix]
  ) -> (featureGradients: [Matrix], gradients: TaggerHead) {
    shapePrecondition(
      features.count == scoreGradients.count,
      "TaggerHead.backward: \(features.count) feature matrices for \(scoreGradients.count) "
        + "score gradients")
    var gradients = zerosLike()
    var featureGradients: [Matrix] = []
    for (o, ds) in zip(features, scoreGradients) {
      gradients.weight += ds.matmul(o, transposeSelf: true)
      gradients.bias += ds.sumRows()
      featureGradients.append(ds.matmul(weight))
    }
    return (featureGradients, gradients)
  }

  /// The per-token softmax loss over the real tokens of a batch, and its gradient.
  ///
  /// Each real token `(b, t)` (`t < lengths[b]`) contributes the cross-entropy
  /// `-log softmax(s_t[b])[tags[b][t]]`; the loss is their mean over all real tokens of the
  /// batch (not over `B x T`: padding is not a token). It must stay finite for scores of
  /// ±1000.
  ///
  /// - Parameters:
  ///   - scores: `T` matrices `B x K`.
  ///   - tags: `B` tag sequences, `tags[b]` holding at least `lengths[b]` indices in `0..<K`
  ///     (entries past the length are ignored).
  ///   - lengths: `B` lengths in `0...T`.
  /// - Returns: the mean loss (nats per token; 0 when there are no real tokens) and its
  ///   gradient with respect to every score matrix (`T` matrices `B x K`, zero rows at
  ///   padding).
  public static func tokenLoss(
    scores: [Matrix], tags: [[Int]], lengths: [Int]
  ) -> (loss: Double, scoreGradients: [Matrix]) {
    checkLengths(lengths, of: scores, "TaggerHead.tokenLoss")
    shapePrecondition(
      tags.count == lengths.count && zip(tags, lengths).allSatisfy { $0.count >= $1 },
      "TaggerHead.tokenLoss: \(tags.count) tag sequences of lengths \(tags.map(\.count)) for "
        + "lengths \(lengths)")
    let tagCount = scores.first?.cols ?? 0
    for (b, length) in lengths.enumerated() {
      for t in 0..<length where !(0..<tagCount).contains(tags[b][t]) {
        preconditionFailed(
          "TaggerHead.tokenLoss: tag \(tags[b][t]) of sequence \(b) at step \(t) is outside "
            + "0..<\(tagCount)")
      }
    }
    // Exercise 07.8: TaggerHead.tokenLoss.
    // Read Lectures/07-bidirectional-deep-rnns.md §5, then replace this stub with your code.
    notImplemented(
      "07.8", "TaggerHead.tokenLoss", lecture: "Lectures/07-bidirectional-deep-rnns.md §5")
  }
}
