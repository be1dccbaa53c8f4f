import RNNCore
import RNNTraining
import XCTest

final class MatrixTrainingTests: XCTestCase {
  func testScatterAddRowsIsTheAdjointOfGatherRows() {
    var rng = RandomSource(seed: 1)
    let table = Matrix.gaussian(5, 3, rng: &rng)
    let upstream = Matrix.gaussian(4, 3, rng: &rng)
    let indices = [2, 0, 2, 4]
    var gradient = Matrix.zeros(5, 3)
    gradient.scatterAddRows(upstream, at: indices)
    // <gather(table), upstream> = <table, scatter(upstream)> for every table.
    XCTAssertEqual(table.gatherRows(indices).dot(upstream), table.dot(gradient), accuracy: 1e-12)
    XCTAssertEqual(gradient.row(1), [0, 0, 0])
    XCTAssertEqual(gradient.rowMatrix(2), upstream.rowMatrix(0) + upstream.rowMatrix(2))
  }

  func testSpectralNormOfKnownMatrices() {
    XCTAssertEqual(Matrix([[3, 0], [0, -5]]).spectralNorm(), 5, accuracy: 1e-12)
    XCTAssertEqual(Matrix([[1, 1], [0, 0]]).spectralNorm(), 2.0.squareRoot(), accuracy: 1e-12)
    XCTAssertEqual(Matrix.zeros(3, 2).spectralNorm(), 0)
    var rng = RandomSource(seed: 2)
    XCTAssertEqual(
      Matrix.orthogonal(6, 6, gain: 0.7, rng: &rng).spectralNorm(), 0.7, accuracy: 1e-12)
    XCTAssertEqual(Matrix([[1e200, 0], [0, 1]]).spectralNorm(), 1e200, accuracy: 1e188)
    // The largest singular value of a random matrix bounds ‖A v‖ / ‖v‖ for every v.
    let a = Matrix.gaussian(4, 7, rng: &rng)
    let norm = a.spectralNorm()
    for _ in 0..<20 {
      let v = Matrix.gaussian(7, 1, rng: &rng)
      XCTAssertLessThanOrEqual(a.matmul(v).frobeniusNorm(), norm * v.frobeniusNorm() * (1 + 1e-9))
    }
  }
}
