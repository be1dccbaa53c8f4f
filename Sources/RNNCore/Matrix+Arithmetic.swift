/// Elementwise arithmetic. Binary operators require equal shapes; use
/// ``Matrix/adding(rowVector:)`` to broadcast a bias over rows.
extension Matrix {
  @inline(__always)
  private func requireSameShape(_ other: Matrix, _ op: String) {
    shapePrecondition(
      rows == other.rows && cols == other.cols,
      "Matrix \(op): shapes \(shapeDescription) and \(other.shapeDescription) differ")
  }

  /// Applies `transform` to every element.
  public func map(_ transform: (Double) -> Double) -> Matrix {
    Matrix(rows: rows, cols: cols, values: storage.map(transform))
  }

  /// Combines two equally shaped matrices element by element.
  public func zipMap(_ other: Matrix, _ combine: (Double, Double) -> Double) -> Matrix {
    requireSameShape(other, "zipMap")
    var out = [Double](repeating: 0, count: count)
    storage.withUnsafeBufferPointer { a in
      other.storage.withUnsafeBufferPointer { b in
        out.withUnsafeMutableBufferPointer { c in
          for k in 0..<c.count { c[k] = combine(a[k], b[k]) }
        }
      }
    }
    return Matrix(rows: rows, cols: cols, values: out)
  }

  public static func + (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.zipMap(rhs, +) }
  public static func - (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.zipMap(rhs, -) }
  /// Elementwise (Hadamard) product.
  public static func * (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.zipMap(rhs, *) }
  /// Elementwise quotient.
  public static func / (lhs: Matrix, rhs: Matrix) -> Matrix { lhs.zipMap(rhs, /) }
  public static func * (lhs: Double, rhs: Matrix) -> Matrix { rhs.map { lhs * $0 } }
  public static func * (lhs: Matrix, rhs: Double) -> Matrix { lhs.map { $0 * rhs } }
  public static func / (lhs: Matrix, rhs: Double) -> Matrix { lhs.map { $0 / rhs } }
  public static func + (lhs: Matrix, rhs: Double) -> Matrix { lhs.map { $0 + rhs } }
  public static func - (lhs: Matrix, rhs: Double) -> Matrix { lhs.map { $0 - rhs } }
  /// A scalar on the left, elementwise: `1 - z` is the matrix of `1 - z_ij` (gates use it).
  public static func + (lhs: Double, rhs: Matrix) -> Matrix { rhs.map { lhs + $0 } }
  public static func - (lhs: Double, rhs: Matrix) -> Matrix { rhs.map { lhs - $0 } }
  public static func / (lhs: Double, rhs: Matrix) -> Matrix { rhs.map { lhs / $0 } }
  public static prefix func - (m: Matrix) -> Matrix { m.map { -$0 } }

  public static func += (lhs: inout Matrix, rhs: Matrix) { lhs.add(rhs) }
  public static func -= (lhs: inout Matrix, rhs: Matrix) { lhs.add(rhs, scaledBy: -1) }
  public static func *= (lhs: inout Matrix, rhs: Double) { lhs.scale(by: rhs) }

  /// `self += alpha * other`, in place (an "axpy").
  public mutating func add(_ other: Matrix, scaledBy alpha: Double = 1) {
    requireSameShape(other, "add")
    storage.withUnsafeMutableBufferPointer { a in
      other.storage.withUnsafeBufferPointer { b in
        for k in 0..<a.count { a[k] += alpha * b[k] }
      }
    }
  }

  /// `self *= alpha`, in place.
  public mutating func scale(by alpha: Double) {
    storage.withUnsafeMutableBufferPointer { a in
      for k in 0..<a.count { a[k] *= alpha }
    }
  }

  /// Adds the `1 x cols` row vector `v` to every row (broadcasting a bias).
  public func adding(rowVector v: Matrix) -> Matrix {
    shapePrecondition(
      v.rows == 1 && v.cols == cols,
      "Matrix.adding(rowVector:): expected a 1x\(cols) row vector for \(shapeDescription), "
        + "got \(v.shapeDescription)")
    var out = self
    out.storage.withUnsafeMutableBufferPointer { a in
      v.storage.withUnsafeBufferPointer { b in
        for i in 0..<rows {
          for j in 0..<cols { a[i * cols + j] += b[j] }
        }
      }
    }
    return out
  }

  /// Multiplies every row elementwise by the `1 x cols` row vector `v`.
  public func multiplying(rowVector v: Matrix) -> Matrix {
    shapePrecondition(
      v.rows == 1 && v.cols == cols,
      "Matrix.multiplying(rowVector:): expected 1x\(cols), got \(v.shapeDescription)")
    var out = self
    for i in 0..<rows {
      for j in 0..<cols { out.storage[i * cols + j] *= v.storage[j] }
    }
    return out
  }

  /// Multiplies every row `i` by the scalar in row `i` of the `rows x 1` column vector `v`
  /// (scaling each sequence of a batch by its own weight).
  public func multiplying(columnVector v: Matrix) -> Matrix {
    shapePrecondition(
      v.rows == rows && v.cols == 1,
      "Matrix.multiplying(columnVector:): expected \(rows)x1, got \(v.shapeDescription)")
    var out = self
    out.storage.withUnsafeMutableBufferPointer { a in
      v.storage.withUnsafeBufferPointer { w in
        for i in 0..<rows {
          for j in 0..<cols { a[i * cols + j] *= w[i] }
        }
      }
    }
    return out
  }

  /// Joins matrices side by side (same number of rows).
  public static func hstack(_ parts: [Matrix]) -> Matrix {
    guard let first = parts.first else { return Matrix(rows: 0, cols: 0) }
    for part in parts {
      shapePrecondition(
        part.rows == first.rows,
        "Matrix.hstack: \(part.shapeDescription) does not have \(first.rows) rows")
    }
    let totalCols = parts.reduce(0) { $0 + $1.cols }
    var out = [Double]()
    out.reserveCapacity(first.rows * totalCols)
    for i in 0..<first.rows {
      for part in parts {
        out.append(contentsOf: part.storage[(i * part.cols)..<((i + 1) * part.cols)])
      }
    }
    return Matrix(rows: first.rows, cols: totalCols, values: out)
  }

  /// Stacks matrices on top of each other (same number of columns).
  public static func vstack(_ parts: [Matrix]) -> Matrix {
    guard let first = parts.first else { return Matrix(rows: 0, cols: 0) }
    for part in parts {
      shapePrecondition(
        part.cols == first.cols,
        "Matrix.vstack: \(part.shapeDescription) does not have \(first.cols) columns")
    }
    return Matrix(
      rows: parts.reduce(0) { $0 + $1.rows }, cols: first.cols, values: parts.flatMap { $0.storage }
    )
  }

  /// Columns `range` as a new matrix.
  public func columns(_ range: Range<Int>) -> Matrix {
    shapePrecondition(
      range.lowerBound >= 0 && range.upperBound <= cols,
      "Matrix.columns: \(range) out of range for \(shapeDescription)")
    var out = [Double]()
    out.reserveCapacity(rows * range.count)
    for i in 0..<rows {
      out.append(contentsOf: storage[(i * cols + range.lowerBound)..<(i * cols + range.upperBound)])
    }
    return Matrix(rows: rows, cols: range.count, values: out)
  }
}
