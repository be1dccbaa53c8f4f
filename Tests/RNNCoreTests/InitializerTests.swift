import Foundation
import RNNCore
import XCTest

final class InitializerTests: XCTestCase {
  /// `m mᵀ`, computed here from row dot products so the check does not depend on `matmul`.
  private func rowGram(_ m: Matrix) -> Matrix {
    Matrix(rows: m.rows, cols: m.rows) { i, j in
      zip(m.row(i), m.row(j)).reduce(0) { $0 + $1.0 * $1.1 }
    }
  }

  func testUniformFillsRowMajorFromTheGenerator() {
    var rng = RandomSource(seed: 1)
    var reference = RandomSource(seed: 1)
    let m = Matrix.uniform(3, 4, low: -2, high: 0.5, rng: &rng)
    XCTAssertEqual(m.shapeDescription, "3x4")
    XCTAssertEqual(m.storage, (0..<12).map { _ in reference.uniform(-2, 0.5) })
    XCTAssertEqual(rng.next(), reference.next(), "the generator advanced by exactly 12 draws")
  }

  func testGaussianFillsRowMajorFromTheGenerator() {
    var rng = RandomSource(seed: 2)
    var reference = RandomSource(seed: 2)
    let m = Matrix.gaussian(5, 3, mean: 1, std: 0.1, rng: &rng)
    XCTAssertEqual(m.shapeDescription, "5x3")
    XCTAssertEqual(m.storage, (0..<15).map { _ in reference.gaussian(mean: 1, std: 0.1) })
  }

  func testXavierUniformBoundsAndSpread() {
    var rng = RandomSource(seed: 3)
    let (fanOut, fanIn) = (40, 110)
    let w = Matrix.xavierUniform(fanOut, fanIn, rng: &rng)
    let bound = (6.0 / 150).squareRoot()  // 0.2
    XCTAssertEqual(w.rows, 40)
    XCTAssertEqual(w.cols, 110)
    XCTAssertLessThanOrEqual(w.maxAbs(), bound)
    XCTAssertGreaterThan(w.maxAbs(), 0.99 * bound, "4400 draws should come close to the bound")
    // U(-a, a) has mean 0 and variance a²/3; standard errors are 0.0017 and 0.00028 here.
    assertClose(w.mean(), 0, tolerance: 0.009)
    assertClose(w.squaredNorm() / Double(w.count), bound * bound / 3, tolerance: 0.0015)

    var again = RandomSource(seed: 3)
    XCTAssertEqual(w, Matrix.uniform(fanOut, fanIn, low: -bound, high: bound, rng: &again))
  }

  func testOrthogonalWideHasOrthonormalRows() {
    var rng = RandomSource(seed: 4)
    let q = Matrix.orthogonal(4, 7, rng: &rng)
    XCTAssertEqual(q.shapeDescription, "4x7")
    assertClose(rowGram(q), .identity(4), tolerance: 1e-10)
  }

  func testOrthogonalTallHasOrthonormalColumns() {
    var rng = RandomSource(seed: 5)
    let q = Matrix.orthogonal(7, 4, rng: &rng)
    XCTAssertEqual(q.shapeDescription, "7x4")
    assertClose(rowGram(q.transposed()), .identity(4), tolerance: 1e-10)
  }

  func testOrthogonalSquareIsOrthogonalBothWays() {
    var rng = RandomSource(seed: 6)
    let q = Matrix.orthogonal(6, 6, rng: &rng)
    assertClose(rowGram(q), .identity(6), tolerance: 1e-10)
    assertClose(rowGram(q.transposed()), .identity(6), tolerance: 1e-10)
  }

  func testOrthogonalGainScalesEverySingularValue() {
    var rng = RandomSource(seed: 7)
    let wide = Matrix.orthogonal(3, 5, gain: 1.5, rng: &rng)
    assertClose(rowGram(wide), .identity(3, scale: 2.25), tolerance: 1e-10)
    let tall = Matrix.orthogonal(5, 3, gain: 0.5, rng: &rng)
    assertClose(rowGram(tall.transposed()), .identity(3, scale: 0.25), tolerance: 1e-10)
  }

  func testOrthogonalIsSeededAndRandom() {
    var a = RandomSource(seed: 8)
    var b = RandomSource(seed: 8)
    var c = RandomSource(seed: 9)
    let qa = Matrix.orthogonal(5, 5, rng: &a)
    XCTAssertEqual(qa, Matrix.orthogonal(5, 5, rng: &b))
    XCTAssertNotEqual(qa, Matrix.orthogonal(5, 5, rng: &c))
    // Not a signed permutation or the identity: the entries are spread out.
    XCTAssertLessThan(qa.maxAbs(), 0.999)
    XCTAssertGreaterThan(qa.maxAbs(), 0.2)
  }

  func testIdentity() {
    XCTAssertEqual(Matrix.identity(3), Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1]]))
    XCTAssertEqual(Matrix.identity(2, scale: 0.01), Matrix([[0.01, 0], [0, 0.01]]))
    XCTAssertEqual(Matrix.identity(0).shapeDescription, "0x0")
  }
}
