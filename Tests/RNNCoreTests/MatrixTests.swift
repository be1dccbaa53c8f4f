import Foundation
import RNNCore
import XCTest

final class MatrixTests: XCTestCase {
  /// A 2x3 matrix with distinct entries, so any mix-up of rows, columns or order shows.
  private let a = Matrix(rows: 2, cols: 3, values: [1, 2, 3, 4, 5, 6])

  // MARK: - Construction and element access

  func testValuesAreReadRowMajor() {
    XCTAssertEqual(a.rows, 2)
    XCTAssertEqual(a.cols, 3)
    XCTAssertEqual(a.count, 6)
    XCTAssertEqual(a[0, 0], 1)
    XCTAssertEqual(a[0, 2], 3)
    XCTAssertEqual(a[1, 0], 4)
    XCTAssertEqual(a[1, 2], 6)
    XCTAssertEqual(a.shape.rows, 2)
    XCTAssertEqual(a.shape.cols, 3)
    XCTAssertEqual(a.shapeDescription, "2x3")
  }

  func testAllInitializersAgree() {
    XCTAssertEqual(Matrix([[1, 2, 3], [4, 5, 6]]), a)
    XCTAssertEqual(Matrix(rows: 2, cols: 3) { i, j in Double(3 * i + j + 1) }, a)
    XCTAssertEqual(Matrix(row: [1, 2, 3]).shapeDescription, "1x3")
    XCTAssertEqual(Matrix(row: [1, 2, 3]).storage, [1, 2, 3])
    XCTAssertEqual(Matrix(column: [1, 2, 3]).shapeDescription, "3x1")
    XCTAssertEqual(Matrix(column: [1, 2, 3]).column(0), [1, 2, 3])
    XCTAssertEqual(Matrix(rows: 2, cols: 2, repeating: 7).storage, [7, 7, 7, 7])
    XCTAssertEqual(Matrix.zeros(3, 2), Matrix(rows: 3, cols: 2, values: [0, 0, 0, 0, 0, 0]))
    XCTAssertEqual(Matrix.zeros(like: a).shapeDescription, "2x3")
    XCTAssertEqual(Matrix.zeros(like: a).sum(), 0)
    XCTAssertEqual(Matrix([]).shapeDescription, "0x0")
    XCTAssertEqual(Matrix(rows: 0, cols: 4).count, 0)
  }

  func testEqualityIncludesTheShape() {
    let flat = Matrix(rows: 3, cols: 2, values: [1, 2, 3, 4, 5, 6])
    XCTAssertEqual(flat.storage, a.storage)
    XCTAssertNotEqual(flat, a)
    XCTAssertEqual(Set([a, a, flat]).count, 2)
  }

  func testCopiesHaveValueSemantics() {
    let original = a
    var copy = original
    copy[0, 1] = 100
    XCTAssertEqual(original[0, 1], 2, "mutating a copy changed the original")
    XCTAssertEqual(copy[0, 1], 100)

    var viaStorage = original
    viaStorage.storage[5] = -1
    viaStorage.setRow(0, [9, 9, 9])
    viaStorage.scale(by: 2)
    viaStorage += original
    XCTAssertEqual(original, Matrix([[1, 2, 3], [4, 5, 6]]))
    XCTAssertEqual(viaStorage, Matrix([[19, 20, 21], [12, 15, 4]]))
  }

  func testInvalidShapesAreRejectedWithReadableMessages() {
    assertPreconditionFails(containing: ["3 values", "2x2"]) {
      _ = Matrix(rows: 2, cols: 2, values: [1, 2, 3])
    }
    assertPreconditionFails(containing: ["row 1 has 1 values", "row 0 has 2"]) {
      _ = Matrix([[1, 2], [3]])
    }
    assertPreconditionFails(containing: ["(2, 0)", "2x3"]) { [a = self.a] in
      _ = a[2, 0]
    }
    assertPreconditionFails(containing: ["2x3", "3x2"]) { [a = self.a] in
      _ = a + a.transposed()
    }
  }

  // MARK: - Rows, columns and reshaping

  func testRowAndColumnAccessors() {
    XCTAssertEqual(a.row(1), [4, 5, 6])
    XCTAssertEqual(a.column(2), [3, 6])
    XCTAssertEqual(a.rowMatrix(0), Matrix(row: [1, 2, 3]))
    var b = a
    b.setRow(1, [-4, -5, -6])
    XCTAssertEqual(b.storage, [1, 2, 3, -4, -5, -6])
  }

  func testTransposed() {
    let t = a.transposed()
    XCTAssertEqual(t, Matrix([[1, 4], [2, 5], [3, 6]]))
    XCTAssertEqual(t.transposed(), a)
    XCTAssertEqual(Matrix(row: [1, 2, 3]).transposed(), Matrix(column: [1, 2, 3]))
    XCTAssertEqual(Matrix(rows: 0, cols: 3).transposed().shapeDescription, "3x0")
  }

  func testReshapedKeepsRowMajorOrder() {
    let r = a.reshaped(3, 2)
    XCTAssertEqual(r, Matrix([[1, 2], [3, 4], [5, 6]]))
    XCTAssertEqual(a.reshaped(1, 6).storage, a.storage)
    XCTAssertEqual(r.reshaped(2, 3), a)
    assertPreconditionFails(containing: ["2x3", "4x2"]) { [a = self.a] in _ = a.reshaped(4, 2) }
  }

  func testGatherRowsLooksUpRowsInOrderWithRepeats() {
    let table = Matrix([[0, 0.5], [1, 1.5], [2, 2.5], [3, 3.5]])
    XCTAssertEqual(
      table.gatherRows([3, 0, 3, 1]), Matrix([[3, 3.5], [0, 0.5], [3, 3.5], [1, 1.5]]))
    XCTAssertEqual(table.gatherRows([]).shapeDescription, "0x2")
  }

  func testRowAndColumnRanges() {
    let m = Matrix(rows: 4, cols: 3) { i, j in Double(10 * i + j) }
    XCTAssertEqual(m.rows(1..<3), Matrix([[10, 11, 12], [20, 21, 22]]))
    XCTAssertEqual(m.rows(0..<0).shapeDescription, "0x3")
    XCTAssertEqual(m.rows(0..<4), m)
    XCTAssertEqual(m.columns(1..<3), Matrix([[1, 2], [11, 12], [21, 22], [31, 32]]))
    XCTAssertEqual(m.columns(2..<3), Matrix(column: [2, 12, 22, 32]))
    XCTAssertEqual(m.columns(0..<0).shapeDescription, "4x0")
  }

  func testHorizontalAndVerticalStacking() {
    let left = Matrix([[1], [4]])
    let right = Matrix([[2, 3], [5, 6]])
    XCTAssertEqual(Matrix.hstack([left, right]), a)
    XCTAssertEqual(Matrix.hstack([a]), a)
    XCTAssertEqual(Matrix.hstack([]).shapeDescription, "0x0")
    XCTAssertEqual(Matrix.hstack([a, a]).row(1), [4, 5, 6, 4, 5, 6])

    let top = Matrix(row: [1, 2, 3])
    let bottom = Matrix(row: [4, 5, 6])
    XCTAssertEqual(Matrix.vstack([top, bottom]), a)
    XCTAssertEqual(Matrix.vstack([a, top]).shapeDescription, "3x3")
    XCTAssertEqual(Matrix.vstack([a, top]).row(2), [1, 2, 3])
    XCTAssertEqual(Matrix.vstack([]).shapeDescription, "0x0")

    // Splitting by columns and stacking back is the identity.
    XCTAssertEqual(Matrix.hstack([a.columns(0..<1), a.columns(1..<3)]), a)
    XCTAssertEqual(Matrix.vstack([a.rows(0..<1), a.rows(1..<2)]), a)
  }

  // MARK: - Arithmetic

  func testElementwiseOperators() {
    let b = Matrix([[6, 5, 4], [3, 2, 1]])
    XCTAssertEqual(a + b, Matrix([[7, 7, 7], [7, 7, 7]]))
    XCTAssertEqual(a - b, Matrix([[-5, -3, -1], [1, 3, 5]]))
    XCTAssertEqual(a * b, Matrix([[6, 10, 12], [12, 10, 6]]))
    XCTAssertEqual(a / b, Matrix([[1.0 / 6, 0.4, 0.75], [4.0 / 3, 2.5, 6]]))
    XCTAssertEqual(2 * a, Matrix([[2, 4, 6], [8, 10, 12]]))
    XCTAssertEqual(a * 2, 2 * a)
    XCTAssertEqual(a / 2, Matrix([[0.5, 1, 1.5], [2, 2.5, 3]]))
    XCTAssertEqual(a + 1, Matrix([[2, 3, 4], [5, 6, 7]]))
    XCTAssertEqual(a - 1, Matrix([[0, 1, 2], [3, 4, 5]]))
    XCTAssertEqual(-a, Matrix([[-1, -2, -3], [-4, -5, -6]]))
    XCTAssertEqual(1 - a, Matrix([[0, -1, -2], [-3, -4, -5]]), "a scalar on the left")
    XCTAssertEqual(1 + a, a + 1)
    XCTAssertEqual(6 / a, Matrix([[6, 3, 2], [1.5, 1.2, 1]]))
    let z = Matrix([[0.25, 0.5, 1]])
    XCTAssertEqual((1 - z) * Matrix([[4, 4, 4]]), Matrix([[3, 2, 0]]), "the GRU's (1 - z) ⊙ h")
    XCTAssertEqual(a.map { $0 * $0 }, a * a)
    XCTAssertEqual(a.zipMap(b) { x, y in 10 * x + y }, Matrix([[16, 25, 34], [43, 52, 61]]))
  }

  func testInPlaceOperators() {
    let b = Matrix([[6, 5, 4], [3, 2, 1]])
    var m = a
    m += b
    XCTAssertEqual(m, a + b)
    m -= b
    XCTAssertEqual(m, a)
    m *= -3
    XCTAssertEqual(m, -3 * a)
    m = a
    m.add(b, scaledBy: 0.5)
    XCTAssertEqual(m, Matrix([[4, 4.5, 5], [5.5, 6, 6.5]]))
    m.scale(by: 2)
    XCTAssertEqual(m, Matrix([[8, 9, 10], [11, 12, 13]]))
  }

  func testRowVectorBroadcasting() {
    let bias = Matrix(row: [10, 20, 30])
    XCTAssertEqual(a.adding(rowVector: bias), Matrix([[11, 22, 33], [14, 25, 36]]))
    XCTAssertEqual(a.multiplying(rowVector: bias), Matrix([[10, 40, 90], [40, 100, 180]]))
    XCTAssertEqual(a, Matrix([[1, 2, 3], [4, 5, 6]]), "broadcasting must not mutate self")
    assertPreconditionFails(containing: ["1x3", "3x1"]) { [a = self.a] in
      _ = a.adding(rowVector: Matrix(column: [1, 2, 3]))
    }
  }

  // MARK: - Reductions

  func testSumsAndMeans() {
    XCTAssertEqual(a.sum(), 21)
    XCTAssertEqual(a.mean(), 3.5)
    XCTAssertEqual(Matrix(rows: 0, cols: 0).mean(), 0)
    XCTAssertEqual(a.sumRows(), Matrix(row: [5, 7, 9]))
    XCTAssertEqual(a.sumColumns(), Matrix(column: [6, 15]))
    XCTAssertEqual(Matrix(rows: 0, cols: 3).sumRows(), Matrix(row: [0, 0, 0]))
  }

  func testMaximaAndArgmax() {
    let m = Matrix([[3, -1, 3], [-5, -2, -9], [0, 7, 7.5]])
    XCTAssertEqual(m.argmaxPerRow(), [0, 1, 2], "ties go to the first index")
    XCTAssertEqual(m.maxPerRow(), Matrix(column: [3, -2, 7.5]))
    XCTAssertEqual(m.max(), 7.5)
    XCTAssertEqual(m.maxAbs(), 9)
    XCTAssertEqual(Matrix(column: [4, 2]).argmaxPerRow(), [0, 0])
    XCTAssertEqual(Matrix(rows: 0, cols: 0).max(), -.infinity)
  }

  func testNormsAndDot() {
    let m = Matrix([[3, -4], [0, 12]])
    XCTAssertEqual(m.squaredNorm(), 169)
    XCTAssertEqual(m.frobeniusNorm(), 13)
    XCTAssertEqual(m.maxAbs(), 12)
    XCTAssertEqual(a.dot(Matrix([[1, 0, -1], [2, 0, 0.5]])), 1 - 3 + 8 + 3)
    XCTAssertEqual(a.dot(a), a.squaredNorm())
    XCTAssertTrue(a.isFinite)
    var bad = a
    bad[1, 1] = .nan
    XCTAssertFalse(bad.isFinite)
    bad[1, 1] = -.infinity
    XCTAssertFalse(bad.isFinite)
  }

  // MARK: - Text

  func testDescriptionShowsShapeAndRows() {
    let m = Matrix([[1, 2.5, -3], [1e-7, 1_234_567, .nan]])
    XCTAssertEqual(m.description, "Matrix 2x3\n  [1, 2.5, -3]\n  [1e-07, 1.23457e+06, nan]")
  }

  func testDescriptionElidesLargeMatrices() {
    let m = Matrix(rows: 10, cols: 9) { i, j in Double(i * 9 + j) }
    let lines = m.description.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.count, 1 + 8 + 1)
    XCTAssertEqual(lines[0], "Matrix 10x9")
    XCTAssertEqual(lines[1], "  [0, 1, 2, 3, 4, 5, 6, 7, ...]")
    XCTAssertEqual(lines[8], "  [63, 64, 65, 66, 67, 68, 69, 70, ...]")
    XCTAssertEqual(lines[9], "  ...")
  }

  func testFormatNumberSpellsSpecialValuesAndKeepsSixDigits() {
    XCTAssertEqual(formatNumber(.nan), "nan")
    XCTAssertEqual(formatNumber(.infinity), "inf")
    XCTAssertEqual(formatNumber(-.infinity), "-inf")
    XCTAssertEqual(formatNumber(0), "0")
    XCTAssertEqual(formatNumber(2), "2")
    XCTAssertEqual(formatNumber(-2.5), "-2.5")
    XCTAssertEqual(formatNumber(1.0 / 3), "0.333333")
    XCTAssertEqual(formatNumber(123_456.7), "123457")
    XCTAssertEqual(formatNumber(123_456_789), "1.23457e+08")
    XCTAssertEqual(formatNumber(0.000_123_456_789), "0.000123457")
    XCTAssertEqual(formatNumber(1e-7), "1e-07")
  }

  func testMultiplyingByAColumnVectorScalesEachRow() {
    let m = Matrix([[1, 2, 3], [4, 5, 6]])
    XCTAssertEqual(
      m.multiplying(columnVector: Matrix(column: [2, -0.5])), Matrix([[2, 4, 6], [-2, -2.5, -3]]))
  }

  func testRowDotsArePerRowDotProducts() {
    let a = Matrix([[1, 2, 3], [4, 5, 6]])
    let b = Matrix([[-1, 0, 2], [0.5, 1, -1]])
    XCTAssertEqual(a.rowDots(b), Matrix(column: [5, 1]))
    XCTAssertEqual(Matrix(rows: 0, cols: 3).rowDots(Matrix(rows: 0, cols: 3)).rows, 0)
  }
}
