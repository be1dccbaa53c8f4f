import RNNCore

/// A fully connected layer, `y = x Wᵀ + b`.
///
/// Shapes (one example per row):
/// - `x`: `batch x inputSize`
/// - `weight` (W): `outputSize x inputSize`: row `o` holds the weights into output `o`
/// - `bias` (b): `1 x outputSize`, added to every row
/// - `y`: `batch x outputSize`
public struct Affine: Parameterized, Equatable, Sendable {
  /// `outputSize x inputSize`.
  public var weight: Matrix
  /// `1 x outputSize`.
  public var bias: Matrix

  /// Creates a layer from explicit weights; `bias` must be `1 x weight.rows`.
  public init(weight: Matrix, bias: Matrix) {
    shapePrecondition(
      bias.rows == 1 && bias.cols == weight.rows,
      "Affine: bias must be 1x\(weight.rows) for a \(weight.shapeDescription) weight, "
        + "got \(bias.shapeDescription)")
    self.weight = weight
    self.bias = bias
  }

  /// Creates a layer with Xavier-uniform weights and zero bias.
  public init(inputSize: Int, outputSize: Int, rng: inout RandomSource) {
    self.init(
      weight: .xavierUniform(outputSize, inputSize, rng: &rng), bias: .zeros(1, outputSize))
  }

  public var inputSize: Int { weight.cols }
  public var outputSize: Int { weight.rows }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("weight", &weight)
    try body("bias", &bias)
  }

  /// The forward pass: `y = x Wᵀ + b` (`batch x outputSize`).
  public func forward(_ x: Matrix) -> Matrix {
    // BEGIN SOLUTION 00.1 Affine.forward | Lectures/00-warm-up.md §3
    x.matmul(weight, transposeOther: true).adding(rowVector: bias)
    // END SOLUTION
  }

  /// The backward pass, derived in Lectures/00-warm-up.md §4.
  ///
  /// Takes the input `x` of the forward pass (`batch x inputSize`) and the gradient of the loss
  /// with respect to this layer's output, `dy` (`batch x outputSize`). Returns
  /// - `inputGradient`: the gradient with respect to `x` (`batch x inputSize`), for the layer
  ///   below;
  /// - `gradients`: an `Affine` holding the gradient with respect to `weight`
  ///   (`outputSize x inputSize`) in its `weight` and with respect to `bias` (`1 x outputSize`)
  ///   in its `bias`.
  ///
  /// Any averaging over the batch is already in `dy`; the layer adds no factor of its own.
  public func backward(
    _ x: Matrix, outputGradient dy: Matrix
  ) -> (
    inputGradient: Matrix, gradients: Affine
  ) {
    // BEGIN SOLUTION 00.2 Affine.backward | Lectures/00-warm-up.md §4
    // ∂L/∂W = dyᵀ x, ∂L/∂b = the column sums of dy, ∂L/∂x = dy W.
    let dWeight = dy.matmul(x, transposeSelf: true)
    let dBias = dy.sumRows()
    let dx = dy.matmul(weight)
    return (dx, Affine(weight: dWeight, bias: dBias))
    // END SOLUTION
  }
}
