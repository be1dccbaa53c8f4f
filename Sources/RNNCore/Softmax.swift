import Foundation

/// Numerically stable softmax, log-softmax and log-sum-exp.
///
/// All three subtract the maximum before exponentiating:
/// `log Σ exp(x_i) = m + log Σ exp(x_i - m)` with `m = max_i x_i`, so the largest exponent is
/// `exp(0) = 1` and nothing overflows, even at inputs of ±1000.
public enum Softmax {
  /// `log Σ_i exp(x_i)`; `-inf` for an empty input or when every `x_i` is `-inf`.
  public static func logSumExp(_ x: [Double]) -> Double {
    x.withUnsafeBufferPointer { logSumExp($0) }
  }

  /// ``logSumExp(_:)-([Double])`` of values in place (a row of a matrix), with no copy.
  public static func logSumExp(_ x: UnsafeBufferPointer<Double>) -> Double {
    guard let m = maximum(x), m.isFinite else { return maximum(x) ?? -.infinity }
    var s = 0.0
    for v in x { s += exp(v - m) }
    return m + log(s)
  }

  /// The largest value, found as `Sequence.max()` finds it (a later value replaces the
  /// current one only when the current one is smaller), or `nil` for no values.
  @inline(__always)
  static func maximum(_ x: UnsafeBufferPointer<Double>) -> Double? {
    guard var m = x.first else { return nil }
    for v in x where m < v { m = v }
    return m
  }

  /// Writes the probabilities of the scores `x` into `p` (same count) and returns
  /// `logSumExp(x)`: one pass of `exp` serves both, with the same arithmetic, in the same
  /// order, as ``probabilities(_:)`` and ``logSumExp(_:)-([Double])``.
  static func probabilities(
    _ x: UnsafeBufferPointer<Double>, into p: UnsafeMutableBufferPointer<Double>
  ) -> Double {
    guard let m = maximum(x) else { return -.infinity }
    if !m.isFinite {
      // All scores -inf: equal scores in the limit, so uniform. Some +inf: they share the mass.
      var count = 0.0
      for v in x where m == -.infinity || v == m { count += 1 }
      for i in 0..<x.count { p[i] = (m == -.infinity || x[i] == m ? 1.0 : 0.0) / count }
      return m
    }
    var s = 0.0
    for i in 0..<x.count {
      let e = exp(x[i] - m)
      p[i] = e
      s += e
    }
    for i in 0..<x.count { p[i] /= s }
    return m + log(s)
  }

  /// The probabilities `exp(x_i) / Σ_j exp(x_j)`; they sum to 1.
  public static func probabilities(_ x: [Double]) -> [Double] {
    guard let m = x.max() else { return [] }
    if !m.isFinite {
      // All scores -inf: equal scores in the limit, so uniform. Some +inf: they share the mass.
      let winners = x.map { m == -.infinity || $0 == m ? 1.0 : 0.0 }
      let count = winners.reduce(0, +)
      return winners.map { $0 / count }
    }
    var e = [Double](repeating: 0, count: x.count)
    x.withUnsafeBufferPointer { source in
      e.withUnsafeMutableBufferPointer { _ = probabilities(source, into: $0) }
    }
    return e
  }

  /// `log softmax(x)_i = x_i - logSumExp(x)`.
  public static func logProbabilities(_ x: [Double]) -> [Double] {
    let lse = logSumExp(x)
    return x.map { $0 - lse }
  }
}

extension Matrix {
  /// Softmax of each row (rows are score vectors, e.g. `batch x vocabulary`).
  public func softmaxRows() -> Matrix {
    var out = [Double](repeating: 0, count: count)
    let width = cols
    storage.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer { target in
        for i in 0..<rows {
          _ = Softmax.probabilities(
            source.row(i, width: width),
            into: target.row(i, width: width))
        }
      }
    }
    return Matrix(rows: rows, cols: cols, values: out)
  }

  /// Log-softmax of each row.
  public func logSoftmaxRows() -> Matrix {
    var out = self
    for i in 0..<rows { out.setRow(i, Softmax.logProbabilities(row(i))) }
    return out
  }

  /// Log-sum-exp of each row, as a `rows x 1` column vector.
  public func logSumExpRows() -> Matrix {
    let width = cols
    let values = storage.withUnsafeBufferPointer { source in
      (0..<rows).map { i in
        Softmax.logSumExp(source.row(i, width: width))
      }
    }
    return Matrix(column: values)
  }
}

extension UnsafeBufferPointer where Element == Double {
  /// Row `i` of a row-major matrix of rows `width` long stored here.
  @inline(__always)
  func row(_ i: Int, width: Int) -> UnsafeBufferPointer<Double> {
    UnsafeBufferPointer(rebasing: self[(i * width)..<((i + 1) * width)])
  }
}

extension UnsafeMutableBufferPointer where Element == Double {
  /// Row `i` of a row-major matrix of rows `width` long stored here.
  @inline(__always)
  func row(_ i: Int, width: Int) -> UnsafeMutableBufferPointer<Double> {
    UnsafeMutableBufferPointer(rebasing: self[(i * width)..<((i + 1) * width)])
  }
}
