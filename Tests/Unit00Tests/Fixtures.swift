import RNNCore

/// Seeded, non-symmetric inputs shared by the unit 00 tests. The golden values in the tests
/// were produced by the reference solution on exactly these inputs.
enum Fixtures {
  /// A 2x4 input batch, a 3x4 weight and a 1x3 bias (non-square, so a transposed weight
  /// cannot go unnoticed).
  static func affine() -> (x: Matrix, weight: Matrix, bias: Matrix) {
    var rng = RandomSource(seed: 2024)
    let x = Matrix.gaussian(2, 4, rng: &rng)
    let weight = Matrix.gaussian(3, 4, rng: &rng)
    let bias = Matrix.gaussian(1, 3, rng: &rng)
    return (x, weight, bias)
  }

  /// A 2x3 matrix of weights for the scalar test loss `L = Σ R ⊙ y`, so `∂L/∂y = R`.
  static func upstream() -> Matrix {
    var rng = RandomSource(seed: 7)
    return Matrix.gaussian(2, 3, rng: &rng)
  }

  /// 4 rows of 5 logits and their target classes.
  static func logits() -> (logits: Matrix, targets: [Int]) {
    var rng = RandomSource(seed: 99)
    return (Matrix.gaussian(4, 5, std: 2, rng: &rng), [2, 0, 4, 1])
  }

  /// The affine map computed directly, so tests of the backward pass do not depend on the
  /// student's forward pass.
  static func referenceAffine(_ x: Matrix, _ weight: Matrix, _ bias: Matrix) -> Matrix {
    Matrix(rows: x.rows, cols: weight.rows) { i, o in
      var s = bias[0, o]
      for k in 0..<x.cols { s += x[i, k] * weight[o, k] }
      return s
    }
  }
}
