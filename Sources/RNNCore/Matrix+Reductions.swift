/// Sums, means, maxima and norms.
extension Matrix {
  /// Sum of all elements.
  public func sum() -> Double { storage.reduce(0, +) }

  /// Mean of all elements (0 for an empty matrix).
  public func mean() -> Double { count == 0 ? 0 : sum() / Double(count) }

  /// Column sums as a `1 x cols` row vector (reduces over rows, e.g. a bias gradient).
  public func sumRows() -> Matrix {
    var out = [Double](repeating: 0, count: cols)
    storage.withUnsafeBufferPointer { a in
      for i in 0..<rows {
        for j in 0..<cols { out[j] += a[i * cols + j] }
      }
    }
    return Matrix(rows: 1, cols: cols, values: out)
  }

  /// Row sums as a `rows x 1` column vector (reduces over columns).
  public func sumColumns() -> Matrix {
    var out = [Double](repeating: 0, count: rows)
    storage.withUnsafeBufferPointer { a in
      for i in 0..<rows {
        var s = 0.0
        for j in 0..<cols { s += a[i * cols + j] }
        out[i] = s
      }
    }
    return Matrix(rows: rows, cols: 1, values: out)
  }

  /// The largest element of each row, as a `rows x 1` column vector.
  public func maxPerRow() -> Matrix {
    shapePrecondition(cols > 0, "Matrix.maxPerRow: no columns in \(shapeDescription)")
    return Matrix(column: (0..<rows).map { i in storage[(i * cols)..<((i + 1) * cols)].max() ?? 0 })
  }

  /// The column index of the largest element of each row (the first one on ties).
  public func argmaxPerRow() -> [Int] {
    shapePrecondition(cols > 0, "Matrix.argmaxPerRow: no columns in \(shapeDescription)")
    return (0..<rows).map { i in
      var best = 0
      for j in 1..<cols where storage[i * cols + j] > storage[i * cols + best] { best = j }
      return best
    }
  }

  /// The largest element.
  public func max() -> Double { storage.max() ?? -.infinity }

  /// The largest absolute value (the max norm).
  public func maxAbs() -> Double { storage.reduce(0) { Swift.max($0, abs($1)) } }

  /// Sum of squares of all elements.
  public func squaredNorm() -> Double { storage.reduce(0) { $0 + $1 * $1 } }

  /// The Frobenius norm: the square root of the sum of squares.
  public func frobeniusNorm() -> Double { squaredNorm().squareRoot() }

  /// The dot product of two equally shaped matrices read as flat vectors.
  public func dot(_ other: Matrix) -> Double {
    shapePrecondition(
      rows == other.rows && cols == other.cols,
      "Matrix.dot: shapes \(shapeDescription) and \(other.shapeDescription) differ")
    var s = 0.0
    for k in 0..<count { s += storage[k] * other.storage[k] }
    return s
  }

  /// The dot product of each row with the same row of `other` (same shape), as a `rows x 1`
  /// column: entry `i` is `Σ_j self[i, j] other[i, j]`.
  public func rowDots(_ other: Matrix) -> Matrix {
    shapePrecondition(
      other.rows == rows && other.cols == cols,
      "Matrix.rowDots: \(shapeDescription) and \(other.shapeDescription) differ in shape")
    var out = Matrix(rows: rows, cols: 1)
    storage.withUnsafeBufferPointer { a in
      other.storage.withUnsafeBufferPointer { b in
        for i in 0..<rows {
          var total = 0.0
          for j in 0..<cols { total += a[i * cols + j] * b[i * cols + j] }
          out.storage[i] = total
        }
      }
    }
    return out
  }
}
