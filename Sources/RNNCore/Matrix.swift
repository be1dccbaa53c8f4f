import Foundation

/// A dense, row-major matrix of `Double` with value semantics.
///
/// Storage is a Swift array, so copies are cheap until one of them is mutated (copy-on-write).
/// Element `(i, j)` lives at `storage[i * cols + j]`.
///
/// Conventions used throughout the kit:
/// - a batch of vectors is a matrix with one vector per **row** (`batch x features`);
/// - a weight that maps `n` inputs to `m` outputs is stored `m x n`, and is applied to a batch
///   as `x.matmul(w, transposeOther: true)`, i.e. `x Wᵀ`;
/// - a bias is a `1 x m` row vector, added to every row with `adding(rowVector:)`.
///
/// ```swift
/// var a = Matrix(rows: 2, cols: 3, values: [1, 2, 3, 4, 5, 6])
/// a[1, 2] = 10          // a is now [[1, 2, 3], [4, 5, 10]]
/// let t = a.transposed() // 3 x 2
/// ```
public struct Matrix: Equatable, Hashable, Sendable, CustomStringConvertible {
  /// Number of rows.
  public let rows: Int
  /// Number of columns.
  public let cols: Int
  /// The elements in row-major order; `storage.count == rows * cols`.
  public var storage: [Double]

  /// Creates a `rows x cols` matrix filled with `value`.
  public init(rows: Int, cols: Int, repeating value: Double = 0) {
    shapePrecondition(rows >= 0 && cols >= 0, "Matrix: negative shape \(rows)x\(cols)")
    self.rows = rows
    self.cols = cols
    self.storage = [Double](repeating: value, count: rows * cols)
  }

  /// Creates a `rows x cols` matrix from row-major `values`.
  public init(rows: Int, cols: Int, values: [Double]) {
    shapePrecondition(
      rows >= 0 && cols >= 0 && values.count == rows * cols,
      "Matrix: \(values.count) values cannot fill a \(rows)x\(cols) matrix")
    self.rows = rows
    self.cols = cols
    self.storage = values
  }

  /// Creates a matrix from an array of equally long rows.
  ///
  ///     let m = Matrix([[1, 2], [3, 4]])   // 2 x 2
  public init(_ rowArrays: [[Double]]) {
    let cols = rowArrays.first?.count ?? 0
    for (index, row) in rowArrays.enumerated() {
      shapePrecondition(
        row.count == cols, "Matrix: row \(index) has \(row.count) values, row 0 has \(cols)")
    }
    self.init(rows: rowArrays.count, cols: cols, values: rowArrays.flatMap { $0 })
  }

  /// Creates a matrix by calling `element(i, j)` for every position.
  public init(rows: Int, cols: Int, element: (Int, Int) -> Double) {
    shapePrecondition(rows >= 0 && cols >= 0, "Matrix: negative shape \(rows)x\(cols)")
    var values = [Double]()
    values.reserveCapacity(rows * cols)
    for i in 0..<rows {
      for j in 0..<cols { values.append(element(i, j)) }
    }
    self.init(rows: rows, cols: cols, values: values)
  }

  /// A `1 x n` row vector.
  public init(row values: [Double]) {
    self.init(rows: 1, cols: values.count, values: values)
  }

  /// An `n x 1` column vector.
  public init(column values: [Double]) {
    self.init(rows: values.count, cols: 1, values: values)
  }

  /// A matrix of zeros.
  public static func zeros(_ rows: Int, _ cols: Int) -> Matrix {
    Matrix(rows: rows, cols: cols)
  }

  /// A matrix of zeros with the same shape as `other`.
  public static func zeros(like other: Matrix) -> Matrix {
    Matrix(rows: other.rows, cols: other.cols)
  }

  /// The shape as `(rows, cols)`.
  public var shape: (rows: Int, cols: Int) { (rows, cols) }

  /// The shape as text, such as `"3x4"`, for error messages.
  public var shapeDescription: String { "\(rows)x\(cols)" }

  /// Number of elements.
  public var count: Int { storage.count }

  /// Element access with bounds checks that name the shape.
  public subscript(row: Int, col: Int) -> Double {
    get {
      shapePrecondition(
        row >= 0 && row < rows && col >= 0 && col < cols,
        "Matrix: index (\(row), \(col)) out of range for shape \(shapeDescription)")
      return storage[row * cols + col]
    }
    set {
      shapePrecondition(
        row >= 0 && row < rows && col >= 0 && col < cols,
        "Matrix: index (\(row), \(col)) out of range for shape \(shapeDescription)")
      storage[row * cols + col] = newValue
    }
  }

  /// Row `i` as an array.
  public func row(_ i: Int) -> [Double] {
    shapePrecondition(i >= 0 && i < rows, "Matrix.row: \(i) out of range for \(shapeDescription)")
    return Array(storage[(i * cols)..<((i + 1) * cols)])
  }

  /// Row `i` as a `1 x cols` matrix.
  public func rowMatrix(_ i: Int) -> Matrix {
    Matrix(row: row(i))
  }

  /// Column `j` as an array.
  public func column(_ j: Int) -> [Double] {
    shapePrecondition(
      j >= 0 && j < cols, "Matrix.column: \(j) out of range for \(shapeDescription)")
    return (0..<rows).map { storage[$0 * cols + j] }
  }

  /// Replaces row `i` with `values`.
  public mutating func setRow(_ i: Int, _ values: [Double]) {
    shapePrecondition(
      i >= 0 && i < rows && values.count == cols,
      "Matrix.setRow: row \(i) with \(values.count) values into \(shapeDescription)")
    storage.replaceSubrange((i * cols)..<((i + 1) * cols), with: values)
  }

  /// The rows `range` as a new matrix.
  public func rows(_ range: Range<Int>) -> Matrix {
    shapePrecondition(
      range.lowerBound >= 0 && range.upperBound <= rows,
      "Matrix.rows: \(range) out of range for \(shapeDescription)")
    return Matrix(
      rows: range.count, cols: cols,
      values: Array(storage[(range.lowerBound * cols)..<(range.upperBound * cols)]))
  }

  /// Picks rows by index (an embedding lookup): row `k` of the result is row `indices[k]`.
  public func gatherRows(_ indices: [Int]) -> Matrix {
    var out = [Double]()
    out.reserveCapacity(indices.count * cols)
    for index in indices {
      shapePrecondition(
        index >= 0 && index < rows,
        "Matrix.gatherRows: index \(index) out of range for \(shapeDescription)")
      out.append(contentsOf: storage[(index * cols)..<((index + 1) * cols)])
    }
    return Matrix(rows: indices.count, cols: cols, values: out)
  }

  /// The transpose, `cols x rows`.
  public func transposed() -> Matrix {
    var out = [Double](repeating: 0, count: count)
    storage.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for i in 0..<rows {
          for j in 0..<cols { dst[j * rows + i] = src[i * cols + j] }
        }
      }
    }
    return Matrix(rows: cols, cols: rows, values: out)
  }

  /// The same elements read as a `rows x cols` matrix.
  public func reshaped(_ rows: Int, _ cols: Int) -> Matrix {
    shapePrecondition(
      rows * cols == count, "Matrix.reshaped: cannot reshape \(shapeDescription) to \(rows)x\(cols)"
    )
    return Matrix(rows: rows, cols: cols, values: storage)
  }

  /// Whether every element is finite (no NaN, no infinity).
  public var isFinite: Bool { storage.allSatisfy { $0.isFinite } }

  public var description: String {
    var lines = ["Matrix \(shapeDescription)"]
    for i in 0..<min(rows, 8) {
      let shown = (0..<min(cols, 8)).map { formatNumber(self[i, $0]) }
      lines.append("  [" + shown.joined(separator: ", ") + (cols > 8 ? ", ..." : "") + "]")
    }
    if rows > 8 { lines.append("  ...") }
    return lines.joined(separator: "\n")
  }
}

/// Formats a number compactly for messages: 6 significant digits, `nan` and `inf` spelled out.
public func formatNumber(_ x: Double) -> String {
  if x.isNaN { return "nan" }
  if x.isInfinite { return x > 0 ? "inf" : "-inf" }
  return String(format: "%.6g", x)
}

/// A whole number with its thousands grouped for reading: `1234567` as `"1,234,567"`.
public func groupedThousands(_ value: Int) -> String {
  let digits = String(value.magnitude)
  var out = ""
  for (i, digit) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
    out.append(digit)
  }
  return (value < 0 ? "-" : "") + out
}
