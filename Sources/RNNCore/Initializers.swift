/// Weight initializers. Every one takes the generator explicitly, so a seed fixes the weights.
extension Matrix {
  /// Entries drawn uniformly from `[low, high)`.
  public static func uniform(
    _ rows: Int, _ cols: Int, low: Double, high: Double, rng: inout RandomSource
  ) -> Matrix {
    shapePrecondition(rows >= 0 && cols >= 0, "Matrix.uniform: negative shape \(rows)x\(cols)")
    var values = [Double]()
    values.reserveCapacity(rows * cols)
    for _ in 0..<(rows * cols) { values.append(rng.uniform(low, high)) }
    return Matrix(rows: rows, cols: cols, values: values)
  }

  /// Entries drawn from a normal distribution.
  public static func gaussian(
    _ rows: Int, _ cols: Int, mean: Double = 0, std: Double = 1, rng: inout RandomSource
  ) -> Matrix {
    shapePrecondition(rows >= 0 && cols >= 0, "Matrix.gaussian: negative shape \(rows)x\(cols)")
    var values = [Double]()
    values.reserveCapacity(rows * cols)
    for _ in 0..<(rows * cols) { values.append(rng.gaussian(mean: mean, std: std)) }
    return Matrix(rows: rows, cols: cols, values: values)
  }

  /// Xavier/Glorot uniform: `U(-a, a)` with `a = sqrt(6 / (fanIn + fanOut))`, for a weight
  /// stored `fanOut x fanIn` (`rows x cols`). Keeps activation variance roughly constant
  /// across layers of tanh units.
  public static func xavierUniform(_ rows: Int, _ cols: Int, rng: inout RandomSource) -> Matrix {
    let a = (6.0 / Double(rows + cols)).squareRoot()
    return uniform(rows, cols, low: -a, high: a, rng: &rng)
  }

  /// A random matrix with orthonormal rows (if `rows <= cols`) or columns (otherwise),
  /// scaled by `gain`: Gram-Schmidt on a Gaussian matrix. Orthogonal recurrent weights have
  /// every singular value equal to `gain`, so they neither shrink nor blow up a state at first.
  public static func orthogonal(
    _ rows: Int, _ cols: Int, gain: Double = 1, rng: inout RandomSource
  ) -> Matrix {
    let tall = rows > cols
    // Orthonormalize the rows of a (short x long) matrix, transposing at the end if needed.
    let short = tall ? cols : rows
    let long = tall ? rows : cols
    var q = gaussian(short, long, rng: &rng)
    for i in 0..<short {
      var v = q.row(i)
      // Modified Gram-Schmidt, twice for numerical safety.
      for _ in 0..<2 {
        for j in 0..<i {
          let u = q.row(j)
          var d = 0.0
          for t in 0..<long { d += v[t] * u[t] }
          for t in 0..<long { v[t] -= d * u[t] }
        }
      }
      let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
      q.setRow(i, v.map { $0 / norm })
    }
    q.scale(by: gain)
    return tall ? q.transposed() : q
  }

  /// The `n x n` identity times `scale` (the IRNN recurrent initialization).
  public static func identity(_ n: Int, scale: Double = 1) -> Matrix {
    var m = Matrix(rows: n, cols: n)
    for i in 0..<n { m[i, i] = scale }
    return m
  }
}
