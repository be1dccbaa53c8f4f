import RNNCore

/// Matrix operations the recurrent models need beyond the core: the adjoint of an embedding
/// lookup, and the spectral norm used in the vanishing/exploding-gradient analysis.
extension Matrix {
  /// Adds row `k` of `rows` to row `indices[k]` of `self`, for every `k`. This is the
  /// backward pass of ``Matrix/gatherRows(_:)`` (an embedding lookup): the gradient of a row
  /// that was looked up several times is the sum of the gradients of its copies.
  ///
  /// - Parameters:
  ///   - rows: `indices.count x cols` (for example `∂L/∂x_t`, `batch x embeddingSize`).
  ///   - indices: a row index of `self` per row of `rows` (for example the token ids).
  public mutating func scatterAddRows(_ rows: Matrix, at indices: [Int]) {
    shapePrecondition(
      rows.rows == indices.count && rows.cols == cols,
      "Matrix.scatterAddRows: \(rows.shapeDescription) rows for \(indices.count) indices "
        + "into \(shapeDescription)")
    let width = cols
    let height = self.rows
    storage.withUnsafeMutableBufferPointer { target in
      rows.storage.withUnsafeBufferPointer { source in
        for (k, index) in indices.enumerated() {
          shapePrecondition(
            index >= 0 && index < height,
            "Matrix.scatterAddRows: index \(index) out of range for \(height) rows")
          for j in 0..<width { target[index * width + j] += source[k * width + j] }
        }
      }
    }
  }

  /// The spectral norm `‖A‖₂`: the largest singular value, i.e. the most `A` can stretch a
  /// vector, `max ‖A v‖ / ‖v‖`. Computed by power iteration on `AᵀA` from a fixed start, so
  /// the result is deterministic; it stops when the estimate changes by less than a relative
  /// `1e-12` or after `maxIterations` rounds.
  ///
  /// For a diagonal matrix it is the largest `|a_ii|`; for `r` times an orthogonal matrix it is
  /// `r`. It bounds products: `‖A B‖₂ ≤ ‖A‖₂ ‖B‖₂`.
  public func spectralNorm(maxIterations: Int = 500) -> Double {
    if count == 0 { return 0 }
    let scale = maxAbs()
    if scale == 0 || !scale.isFinite { return scale }
    // Work with A / scale so that huge or tiny entries neither overflow nor underflow.
    let a = self / scale
    var v = Matrix(rows: cols, cols: 1) { i, _ in 1 + 0.1 * Double(i % 7) }
    v = v / v.frobeniusNorm()
    var estimate = 0.0
    for _ in 0..<maxIterations {
      let av = a.matmul(v)
      var w = a.matmul(av, transposeSelf: true)
      let norm = w.frobeniusNorm()
      if norm == 0 { return 0 }
      w = w / norm
      let next = av.frobeniusNorm()
      v = w
      if abs(next - estimate) <= 1e-12 * next {
        estimate = next
        break
      }
      estimate = next
    }
    // One more product with the final vector gives ‖A v‖ for the converged v.
    return a.matmul(v).frobeniusNorm() * scale
  }
}
