/// Matrix products, with either operand optionally transposed.
extension Matrix {
  /// The product `op(self) * op(other)`, where `op` transposes when asked.
  ///
  /// - `a.matmul(b)`: `(m x k) * (k x n) -> m x n`
  /// - `a.matmul(b, transposeOther: true)`: `(m x k) * (n x k)ᵀ -> m x n` (the usual `x Wᵀ`)
  /// - `a.matmul(b, transposeSelf: true)`: `(k x m)ᵀ * (k x n) -> m x n` (a weight gradient)
  ///
  /// Complexity: O(m n k).
  public func matmul(
    _ other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false
  )
    -> Matrix
  {
    let m = transposeSelf ? cols : rows
    let k = transposeSelf ? rows : cols
    let k2 = transposeOther ? other.cols : other.rows
    let n = transposeOther ? other.rows : other.cols
    shapePrecondition(
      k == k2,
      "Matrix.matmul: inner dimensions differ: \(transposeSelf ? "(\(shapeDescription))ᵀ" : shapeDescription)"
        + " times \(transposeOther ? "(\(other.shapeDescription))ᵀ" : other.shapeDescription)")
    // Bring both operands to plain row-major form, then run the kernel.
    let a = transposeSelf ? transposed() : self
    let b = transposeOther ? other.transposed() : other
    var out = [Double](repeating: 0, count: m * n)
    a.storage.withUnsafeBufferPointer { pa in
      b.storage.withUnsafeBufferPointer { pb in
        out.withUnsafeMutableBufferPointer { pc in
          gemmKernel(m: m, n: n, k: k, a: pa.baseAddress, b: pb.baseAddress, c: pc.baseAddress)
        }
      }
    }
    return Matrix(rows: m, cols: n, values: out)
  }
}

/// `C += A * B` for row-major `A (m x k)`, `B (k x n)`, `C (m x n)`.
func gemmKernel(
  m: Int, n: Int, k: Int,
  a: UnsafePointer<Double>?, b: UnsafePointer<Double>?, c: UnsafeMutablePointer<Double>?
) {
  guard let a, let b, let c, m > 0, n > 0, k > 0 else { return }
  for i in 0..<m {
    let crow = c + i * n
    for p in 0..<k {
      let aip = a[i * k + p]
      let brow = b + p * n
      for j in 0..<n { crow[j] += aip * brow[j] }
    }
  }
}
