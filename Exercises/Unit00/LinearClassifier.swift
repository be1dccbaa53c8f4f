import RNNCore

/// A softmax classifier: one ``Affine`` layer trained with ``SoftmaxCrossEntropy``.
///
/// This file is provided (not an exercise); it shows how the pieces fit into a training loop.
public struct LinearClassifier: Sendable {
  public var layer: Affine

  public init(inputSize: Int, classes: Int, rng: inout RandomSource) {
    layer = Affine(inputSize: inputSize, outputSize: classes, rng: &rng)
  }

  /// One step of gradient descent on a batch; returns the loss before the step.
  @discardableResult
  public mutating func trainStep<O: Optimizer>(
    _ x: Matrix, targets: [Int], optimizer: inout O
  ) -> Double {
    let logits = layer.forward(x)
    let loss = SoftmaxCrossEntropy.loss(logits: logits, targets: targets)
    let dLogits = SoftmaxCrossEntropy.gradient(logits: logits, targets: targets)
    let (_, gradients) = layer.backward(x, outputGradient: dLogits)
    optimizer.step(&layer, gradients: gradients)
    return loss
  }

  /// The most likely class of each row of `x`.
  public func predict(_ x: Matrix) -> [Int] {
    layer.forward(x).argmaxPerRow()
  }

  /// The fraction of rows of `x` classified as `targets`.
  public func accuracy(_ x: Matrix, targets: [Int]) -> Double {
    let predictions = predict(x)
    let correct = zip(predictions, targets).filter { $0 == $1 }.count
    return targets.isEmpty ? 0 : Double(correct) / Double(targets.count)
  }
}
