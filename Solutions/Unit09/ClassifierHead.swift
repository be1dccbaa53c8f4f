import Foundation
import RNNCore

/// The output layer of a sentence classifier: an affine map from one feature vector per
/// sentence to one score (logit) per class,
///
///     z = f Wᵀ + b        (f: B x D, W: C x D, b: 1 x C, z: B x C)
///
/// trained with the softmax cross-entropy averaged over the batch. Parameter blocks: `weight`
/// (`C x D`, row `c` scores class `c`) and `bias` (`1 x C`).
public struct ClassifierHead: Parameterized, Equatable, Sendable {
  /// `C x D`.
  public var weight: Matrix
  /// `1 x C`.
  public var bias: Matrix

  /// A head with the given weights.
  public init(weight: Matrix, bias: Matrix) {
    shapePrecondition(
      bias.rows == 1 && bias.cols == weight.rows,
      "ClassifierHead: weight \(weight.shapeDescription) needs a bias of shape "
        + "1x\(weight.rows), got \(bias.shapeDescription)")
    self.weight = weight
    self.bias = bias
  }

  /// A head with Xavier-uniform weights and a zero bias.
  public init(inputSize: Int, classCount: Int, rng: inout RandomSource) {
    self.init(
      weight: .xavierUniform(classCount, inputSize, rng: &rng), bias: .zeros(1, classCount))
  }

  /// The number of classes `C`.
  public var classCount: Int { weight.rows }
  /// The width `D` of the features it reads.
  public var inputSize: Int { weight.cols }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("weight", &weight)
    try body("bias", &bias)
  }

  /// The logits `f Wᵀ + b`, `B x C`.
  public func logits(_ features: Matrix) -> Matrix {
    shapePrecondition(
      features.cols == inputSize,
      "ClassifierHead.logits: features of shape \(features.shapeDescription) for a head that "
        + "reads \(inputSize) columns")
    return features.matmul(weight, transposeOther: true).adding(rowVector: bias)
  }

  /// The most likely class of every row (the first one on a tie).
  public func predict(_ features: Matrix) -> [Int] {
    logits(features).argmaxPerRow()
  }

  /// The mean softmax cross-entropy of a batch and its gradients.
  ///
  /// Row `b` contributes `-log softmax(z_b)[labels[b]]`; the loss is the mean over the `B`
  /// rows. It must stay finite for logits of ±1000.
  ///
  /// - Parameters:
  ///   - features: `f`, `B x D`.
  ///   - labels: `B` classes in `0..<C`.
  /// - Returns: the mean loss (nats per sentence; 0 for an empty batch), `∂L/∂f` (`B x D`),
  ///   and a head whose blocks hold `∂L/∂W` and `∂L/∂b`.
  public func lossAndGradients(
    _ features: Matrix, labels: [Int]
  ) -> (loss: Double, featureGradient: Matrix, gradients: ClassifierHead) {
    shapePrecondition(
      features.cols == inputSize && labels.count == features.rows,
      "ClassifierHead.lossAndGradients: features of shape \(features.shapeDescription) and "
        + "\(labels.count) labels for a head that reads \(inputSize) columns")
    for (b, label) in labels.enumerated() where !(0..<classCount).contains(label) {
      preconditionFailed(
        "ClassifierHead.lossAndGradients: label \(label) of row \(b) is outside "
          + "0..<\(classCount)")
    }
    // BEGIN SOLUTION 09.3 ClassifierHead.lossAndGradients(_:labels:) | Lectures/09-sentiment-homework.md §3
    let batch = features.rows
    var gradients = zerosLike()
    guard batch > 0 else { return (0, Matrix.zeros(like: features), gradients) }
    let z = features.matmul(weight, transposeOther: true).adding(rowVector: bias)
    var dz = Matrix.zeros(like: z)
    var total = 0.0
    for b in 0..<batch {
      let row = z.row(b)
      let largest = row.max() ?? 0
      let logNormalizer = largest + log(row.reduce(0) { $0 + exp($1 - largest) })
      total += logNormalizer - row[labels[b]]
      for c in 0..<classCount { dz[b, c] = exp(row[c] - logNormalizer) / Double(batch) }
      dz[b, labels[b]] -= 1 / Double(batch)
    }
    gradients.weight = dz.matmul(features, transposeSelf: true)
    gradients.bias = dz.sumRows()
    return (total / Double(batch), dz.matmul(weight), gradients)
    // END SOLUTION
  }
}
