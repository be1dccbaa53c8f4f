import Foundation
import RNNCore
import XCTest

final class SoftmaxTests: XCTestCase {
  private let scores: [Double] = [1, 2, 3, -0.5]

  func testProbabilitiesMatchTheDefinitionAndSumToOne() {
    let p = Softmax.probabilities(scores)
    let exps = scores.map { exp($0) }
    let total = exps.reduce(0, +)
    assertClose(p, exps.map { $0 / total }, tolerance: 1e-15)
    assertClose(p.reduce(0, +), 1, tolerance: 1e-15)
    // A hand value: softmax([0, log 3]) = [1/4, 3/4].
    assertClose(Softmax.probabilities([0, log(3)]), [0.25, 0.75], tolerance: 1e-15)
    XCTAssertEqual(Softmax.probabilities([42]), [1])
    XCTAssertEqual(Softmax.probabilities([7, 7, 7, 7]), [0.25, 0.25, 0.25, 0.25])
  }

  func testInvariantToAddingAConstant() {
    let p = Softmax.probabilities(scores)
    for c: Double in [-500, -3, 0.25, 100, 700] {
      let shifted = scores.map { $0 + c }
      assertClose(Softmax.probabilities(shifted), p, tolerance: 1e-14, "shift \(c)")
      assertClose(
        Softmax.logSumExp(shifted), Softmax.logSumExp(scores) + c, tolerance: 1e-12, "shift \(c)")
    }
  }

  func testFiniteAtExtremeScores() {
    XCTAssertEqual(Softmax.probabilities([1000, -1000, 0]), [1, 0, 0])
    XCTAssertEqual(Softmax.probabilities([1000, 1000]), [0.5, 0.5])
    XCTAssertEqual(Softmax.probabilities([-1000, -1000]), [0.5, 0.5])
    XCTAssertEqual(Softmax.probabilities([-1000, 1000]), [0, 1])
    let mixed = Softmax.probabilities([-1000, -999])
    assertClose(mixed, [1 / (1 + exp(1)), 1 / (1 + exp(-1))], tolerance: 1e-15)
    assertClose(
      Softmax.probabilities([-1000, -1000, -1000]), [1, 1, 1].map { $0 / 3 }, tolerance: 1e-16)
  }

  func testLogSumExpExactValues() {
    XCTAssertEqual(Softmax.logSumExp([0, 0]), log(2))
    XCTAssertEqual(Softmax.logSumExp([1000, 1000]), 1000 + log(2))
    XCTAssertEqual(Softmax.logSumExp([-1000, -1000]), -1000 + log(2))
    XCTAssertEqual(Softmax.logSumExp([1000, -1000, 0]), 1000)
    XCTAssertEqual(Softmax.logSumExp([5]), 5)
    assertClose(Softmax.logSumExp([0, 0, 0, 0]), log(4), tolerance: 1e-15)
    assertClose(Softmax.logSumExp([0, log(3)]), log(4), tolerance: 1e-15)
    assertClose(
      Softmax.logSumExp(scores), log(scores.map { exp($0) }.reduce(0, +)), tolerance: 1e-14)
  }

  func testLogSumExpOfEmptyAndAllNegativeInfinityIsNegativeInfinity() {
    XCTAssertEqual(Softmax.logSumExp([]), -.infinity)
    XCTAssertEqual(Softmax.logSumExp([-.infinity]), -.infinity)
    XCTAssertEqual(Softmax.logSumExp([-.infinity, -.infinity, -.infinity]), -.infinity)
    // A -inf score is a probability of zero and does not disturb the others.
    XCTAssertEqual(Softmax.logSumExp([-.infinity, 0]), 0)
    XCTAssertEqual(Softmax.probabilities([-.infinity, 0, 0]), [0, 0.5, 0.5])
    XCTAssertEqual(Softmax.logSumExp([.infinity, 0]), .infinity)
  }

  func testEmptyInput() {
    XCTAssertEqual(Softmax.probabilities([]), [])
    XCTAssertEqual(Softmax.logProbabilities([]), [])
  }

  func testLogProbabilitiesAreTheLogOfProbabilities() {
    let logP = Softmax.logProbabilities(scores)
    assertClose(logP, Softmax.probabilities(scores).map { log($0) }, tolerance: 1e-14)
    assertClose(logP.map { exp($0) }.reduce(0, +), 1, tolerance: 1e-15)
    // Where probabilities underflow, log-probabilities keep the exact value.
    XCTAssertEqual(Softmax.logProbabilities([1000, -1000, 0]), [0, -2000, -1000])
    XCTAssertEqual(Softmax.logProbabilities([0, 0]), [-log(2), -log(2)])
  }

  func testMatrixRowsAreIndependent() {
    let m = Matrix([[1, 2, 3, -0.5], [1000, -1000, 0, 0], [0, 0, 0, 0]])
    let p = m.softmaxRows()
    XCTAssertEqual(p.rows, 3)
    XCTAssertEqual(p.cols, 4)
    assertClose(p.row(0), Softmax.probabilities(scores), tolerance: 0)
    XCTAssertEqual(p.row(1), [1, 0, 0, 0])
    XCTAssertEqual(p.row(2), [0.25, 0.25, 0.25, 0.25])
    assertClose(p.sumColumns(), Matrix(column: [1, 1, 1]), tolerance: 1e-15)

    let logP = m.logSoftmaxRows()
    assertClose(logP.row(0), Softmax.logProbabilities(scores), tolerance: 0)
    XCTAssertEqual(logP.row(1), [0, -2000, -1000, -1000])
    let logQuarter: Double = -log(4)
    XCTAssertEqual(logP.row(2), [Double](repeating: logQuarter, count: 4))

    let lse = m.logSumExpRows()
    XCTAssertEqual(lse.shapeDescription, "3x1")
    XCTAssertEqual(lse[0, 0], Softmax.logSumExp(scores))
    XCTAssertEqual(lse[1, 0], 1000)
    XCTAssertEqual(lse[2, 0], log(4))
  }

  func testProbabilitiesAtInfiniteScoresAreStillADistribution() {
    XCTAssertEqual(Softmax.probabilities([.infinity, 0, .infinity]), [0.5, 0, 0.5])
    XCTAssertEqual(Softmax.probabilities([-.infinity, -.infinity]), [0.5, 0.5])
    XCTAssertEqual(Softmax.probabilities([-.infinity, 2]), [0, 1])
  }
}
