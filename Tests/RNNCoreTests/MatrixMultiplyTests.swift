import RNNCore
import XCTest

/// `Matrix.matmul` against a plain triple loop, for shapes that reach every path of the fast
/// product: empty and single-element operands, sizes that are not multiples of the 6 x 8 tile,
/// thin shapes served without packing, and sizes that span several cache blocks.
final class MatrixMultiplyTests: XCTestCase {
  /// `(m, n, k)` for `op(A) (m x k) * op(B) (k x n)`.
  private static let shapes: [(m: Int, n: Int, k: Int)] = [
    (0, 0, 0), (0, 3, 2), (3, 0, 2), (3, 2, 0), (1, 1, 1), (1, 1, 17),
    (2, 3, 1), (1, 5, 1), (5, 1, 1), (3, 3, 3), (4, 4, 4), (5, 5, 5), (7, 9, 11),
    (1, 7, 300), (1, 300, 7), (300, 1, 7), (7, 300, 1), (2, 64, 33), (3, 5, 40),
    (64, 2, 33), (40, 3, 5), (4, 4, 3), (6, 10, 2), (17, 13, 16), (16, 16, 16),
    (33, 31, 29), (32, 128, 128), (9, 5, 300),
  ]

  /// The textbook definition, reading `op(A)` and `op(B)` through index swaps.
  private static func reference(
    _ a: Matrix, _ b: Matrix, transposeSelf: Bool, transposeOther: Bool
  ) -> Matrix {
    let m = transposeSelf ? a.cols : a.rows
    let k = transposeSelf ? a.rows : a.cols
    let n = transposeOther ? b.rows : b.cols
    return Matrix(rows: m, cols: n) { i, j in
      var sum = 0.0
      for p in 0..<k {
        let x = transposeSelf ? a[p, i] : a[i, p]
        let y = transposeOther ? b[j, p] : b[p, j]
        sum += x * y
      }
      return sum
    }
  }

  /// Random operands stored so that `op(A)` is `m x k` and `op(B)` is `k x n`.
  private static func operands(
    m: Int, n: Int, k: Int, transposeSelf: Bool, transposeOther: Bool,
    rng: inout RandomSource
  ) -> (Matrix, Matrix) {
    let a = transposeSelf ? Matrix.gaussian(k, m, rng: &rng) : Matrix.gaussian(m, k, rng: &rng)
    let b =
      transposeOther ? Matrix.gaussian(n, k, rng: &rng) : Matrix.gaussian(k, n, rng: &rng)
    return (a, b)
  }

  /// Calls `body` with operands for each of the four layouts of an `m x k` by `k x n` product,
  /// the two flags, and a description for failure messages.
  private static func forEveryLayout(
    m: Int, n: Int, k: Int, rng: inout RandomSource,
    _ body: (Matrix, Matrix, Bool, Bool, String) -> Void
  ) {
    for transposeSelf in [false, true] {
      for transposeOther in [false, true] {
        let (a, b) = operands(
          m: m, n: n, k: k, transposeSelf: transposeSelf, transposeOther: transposeOther,
          rng: &rng)
        body(
          a, b, transposeSelf, transposeOther,
          "\(m)x\(k) times \(k)x\(n), transposeSelf \(transposeSelf), "
            + "transposeOther \(transposeOther)")
      }
    }
  }

  private func checkAgainstReference(
    m: Int, n: Int, k: Int, seed: UInt64, file: StaticString = #filePath, line: UInt = #line
  ) {
    var rng = RandomSource(seed: seed)
    Self.forEveryLayout(m: m, n: n, k: k, rng: &rng) { a, b, transposeSelf, transposeOther, what in
      let product = a.matmul(b, transposeSelf: transposeSelf, transposeOther: transposeOther)
      let expected = Self.reference(
        a, b, transposeSelf: transposeSelf, transposeOther: transposeOther)
      // Entries are sums of k products of standard normals, so rounding error grows with k.
      let tolerance = 1e-12 * Double(max(k, 1))
      assertClose(product, expected, tolerance: tolerance, what, file: file, line: line)
    }
  }

  func testMatchesReferenceForManyShapesAndEveryTransposeCombination() {
    for (index, shape) in Self.shapes.enumerated() {
      checkAgainstReference(m: shape.m, n: shape.n, k: shape.k, seed: UInt64(100 + index))
    }
  }

  func testMatchesReferenceAcrossCacheBlocks() {
    // k = 300 crosses the 256-deep block, m = 101 the 96-row block and n = 2051 the
    // 2048-column block; each leaves a partial block and partial tiles.
    checkAgainstReference(m: 101, n: 37, k: 300, seed: 7)
    checkAgainstReference(m: 5, n: 2051, k: 6, seed: 8)
  }

  func testMatchesReferenceForRandomShapes() {
    var rng = RandomSource(seed: 99)
    for trial in 0..<30 {
      let m = rng.int(below: 24)
      let n = rng.int(below: 24)
      let k = rng.int(below: 40)
      checkAgainstReference(m: m, n: n, k: k, seed: UInt64(1000 + trial))
    }
  }

  /// The packed product adds each element's `k` products in order, one at a time, so up to
  /// one depth block (256) it equals the textbook loop exactly, for every layout. Every
  /// product with at least 4 rows, 4 columns and depth 4 is packed, whatever the tile sizes
  /// (4 x 4, 5 x 7 and 4 x 9 are smaller than a tile), so results never depend on them.
  func testPackedProductSumsInTextbookOrder() {
    var rng = RandomSource(seed: 31)
    let shapes = [
      (4, 4, 4), (5, 7, 20), (4, 9, 33), (6, 8, 5), (13, 17, 64), (32, 128, 128), (50, 9, 256),
    ]
    for (m, n, k) in shapes {
      Self.forEveryLayout(m: m, n: n, k: k, rng: &rng) {
        a, b, transposeSelf, transposeOther, what in
        let product = a.matmul(b, transposeSelf: transposeSelf, transposeOther: transposeOther)
        let expected = Self.reference(
          a, b, transposeSelf: transposeSelf, transposeOther: transposeOther)
        XCTAssertEqual(product.storage, expected.storage, what)
      }
    }
  }

  /// Splitting a product over threads changes who computes an element, never how: the
  /// results are identical bit for bit, including shapes whose last piece is a partial tile
  /// and shapes split by rows.
  func testThreadsGiveIdenticalResults() {
    var rng = RandomSource(seed: 32)
    let shapes = [(32, 512, 128), (512, 128, 32), (300, 12, 300), (20, 1000, 40), (97, 101, 300)]
    defer { MatrixThreads.count = 1 }
    for (m, n, k) in shapes {
      Self.forEveryLayout(m: m, n: n, k: k, rng: &rng) {
        a, b, transposeSelf, transposeOther, what in
        MatrixThreads.count = 1
        let single = a.matmul(b, transposeSelf: transposeSelf, transposeOther: transposeOther)
        for threads in [2, 3] {
          MatrixThreads.count = threads
          let split = a.matmul(b, transposeSelf: transposeSelf, transposeOther: transposeOther)
          XCTAssertEqual(split.storage, single.storage, "\(threads) threads, \(what)")
        }
      }
    }
  }

  func testResultShapes() {
    var rng = RandomSource(seed: 3)
    let x = Matrix.gaussian(32, 128, rng: &rng)
    let w = Matrix.gaussian(64, 128, rng: &rng)
    let y = x.matmul(w, transposeOther: true)
    XCTAssertEqual(y.rows, 32)
    XCTAssertEqual(y.cols, 64)
    let gradient = y.matmul(x, transposeSelf: true)
    XCTAssertEqual(gradient.rows, 64)
    XCTAssertEqual(gradient.cols, 128)
    let empty = Matrix.zeros(0, 5).matmul(Matrix.zeros(5, 3))
    XCTAssertEqual(empty.rows, 0)
    XCTAssertEqual(empty.cols, 3)
    XCTAssertEqual(Matrix.zeros(2, 0).matmul(Matrix.zeros(0, 3)), Matrix.zeros(2, 3))
  }

  func testSmallExactProducts() {
    let a = Matrix([[1, 2, 3], [4, 5, 6]])
    let b = Matrix([[7, 8], [9, 10], [11, 12]])
    XCTAssertEqual(a.matmul(b), Matrix([[58, 64], [139, 154]]))
    XCTAssertEqual(a.matmul(a, transposeOther: true), Matrix([[14, 32], [32, 77]]))
    XCTAssertEqual(
      a.matmul(a, transposeSelf: true), Matrix([[17, 22, 27], [22, 29, 36], [27, 36, 45]]))
    XCTAssertEqual(
      b.matmul(a, transposeSelf: true, transposeOther: true), a.matmul(b).transposed())
  }

  func testIdentityLeavesMatrixUnchanged() {
    var rng = RandomSource(seed: 5)
    let a = Matrix.gaussian(13, 29, rng: &rng)
    let left = Matrix(rows: 13, cols: 13) { i, j in i == j ? 1 : 0 }
    let right = Matrix(rows: 29, cols: 29) { i, j in i == j ? 1 : 0 }
    XCTAssertEqual(left.matmul(a), a)
    XCTAssertEqual(a.matmul(right), a)
    XCTAssertEqual(right.matmul(a, transposeOther: true), a.transposed())
  }

  func testDoesNotModifyOperands() {
    var rng = RandomSource(seed: 11)
    let a = Matrix.gaussian(9, 6, rng: &rng)
    let b = Matrix.gaussian(6, 10, rng: &rng)
    let (aCopy, bCopy) = (a, b)
    _ = a.matmul(b)
    _ = a.matmul(b.transposed(), transposeOther: true)
    XCTAssertEqual(a, aCopy)
    XCTAssertEqual(b, bCopy)
  }
}
