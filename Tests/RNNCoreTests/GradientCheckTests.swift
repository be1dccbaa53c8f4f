import Foundation
import RNNCore
import XCTest

final class GradientCheckTests: XCTestCase {
  // A smooth test function of a weight `W` (3x4) and bias `b` (1x3):
  // L = Σᵢ uᵢ tanh(zᵢ) with zᵢ = Σⱼ Wᵢⱼ xⱼ + bᵢ. Its gradient is
  // ∂L/∂Wᵢⱼ = uᵢ (1 - tanh² zᵢ) xⱼ and ∂L/∂bᵢ = uᵢ (1 - tanh² zᵢ).
  private let x: [Double] = [0.9, -1.3, 0.6, 1.1]
  private let u: [Double] = [1.2, -0.7, 0.8]
  private let parameters = ParameterStore([
    ("W", Matrix([[0.3, -0.1, 0.25, 0.05], [-0.2, 0.15, 0.4, -0.3], [0.1, 0.2, -0.35, 0.3]])),
    ("b", Matrix(row: [0.1, -0.2, 0.05])),
  ])

  private func loss(_ p: ParameterStore) -> Double {
    let w = p["W"]
    let b = p["b"]
    var total = 0.0
    for i in 0..<3 {
      var z = b[0, i]
      for j in 0..<4 { z += w[i, j] * x[j] }
      total += u[i] * Foundation.tanh(z)
    }
    return total
  }

  private func analyticGradient(_ p: ParameterStore) -> ParameterStore {
    let w = p["W"]
    let b = p["b"]
    var dW = Matrix.zeros(3, 4)
    var db = Matrix.zeros(1, 3)
    for i in 0..<3 {
      var z = b[0, i]
      for j in 0..<4 { z += w[i, j] * x[j] }
      let t = Foundation.tanh(z)
      db[0, i] = u[i] * (1 - t * t)
      for j in 0..<4 { dW[i, j] = db[0, i] * x[j] }
    }
    return ParameterStore([("W", dW), ("b", db)])
  }

  // MARK: - Correct and wrong gradients

  func testCorrectGradientPasses() {
    let result = GradientCheck.check(
      parameters: parameters, analytic: analyticGradient(parameters), loss: loss)
    XCTAssertEqual(result.blocks.map(\.name), ["W", "b"])
    XCTAssertEqual(result.blocks.map(\.checked), [12, 3])
    XCTAssertEqual(result.blocks[0].rows, 3)
    XCTAssertEqual(result.blocks[0].cols, 4)
    XCTAssertLessThan(result.maxRelativeError, 1e-8, result.description)
    XCTAssertEqual(result.failures(tolerance: 1e-8).count, 0)
  }

  func testOneWrongElementIsReportedWithBlockPositionAndBothValues() {
    let correct = analyticGradient(parameters)
    var wrong = correct
    wrong["W"][1, 2] += 0.3
    let result = GradientCheck.check(parameters: parameters, analytic: wrong, loss: loss)

    XCTAssertEqual(result.failures(tolerance: 1e-6).map(\.name), ["W"])
    guard let block = result.worstBlock else { return XCTFail("no blocks in the result") }
    XCTAssertEqual(block.name, "W")
    // The tolerance is inclusive: a block fails only when its error is strictly above it.
    XCTAssertEqual(result.failures(tolerance: block.maxRelativeError).map(\.name), [])
    XCTAssertEqual(result.failures(tolerance: 0.999 * block.maxRelativeError).map(\.name), ["W"])
    XCTAssertEqual(block.worstIndex, 1 * 4 + 2)
    XCTAssertEqual(block.worstPosition.row, 1)
    XCTAssertEqual(block.worstPosition.col, 2)
    XCTAssertEqual(block.worstAnalytic, wrong["W"][1, 2])
    assertClose(block.worstNumeric, correct["W"][1, 2], tolerance: 1e-9)
    assertClose(
      block.maxRelativeError,
      0.3 / max(abs(wrong["W"][1, 2]), abs(correct["W"][1, 2])), tolerance: 1e-8)
    XCTAssertEqual(result.maxRelativeError, block.maxRelativeError)
    XCTAssertLessThan(result.blocks[1].maxRelativeError, 1e-8, "the bias block is still right")

    // The message names the block, its shape, the position and both values.
    let summary = block.summary
    for fragment in [
      "W [3x4]", "at (1, 2)", "analytic \(formatNumber(block.worstAnalytic))",
      "numeric \(formatNumber(block.worstNumeric))", "12 elements checked",
    ] {
      XCTAssertTrue(summary.contains(fragment), "\"\(summary)\" lacks \"\(fragment)\"")
    }
    XCTAssertTrue(result.description.contains(summary))
    XCTAssertTrue(result.description.contains("b [1x3]"))
  }

  func testTransposedGradientIsCaught() {
    // L = Σ Aᵢⱼ Rᵢⱼ + ½ Σ Rᵢⱼ², so ∂L/∂R = A + R; the check gets (A + R)ᵀ instead.
    let a = Matrix([[1, 2, 3], [0.5, 1, -1], [3, 0.2, 1]])
    let r = Matrix([[0.1, -0.2, 0.3], [0.0, 0.4, 0.1], [-0.3, 0.2, 0.5]])
    let store = ParameterStore([("R", r)])
    let gradient = a + r
    let result = GradientCheck.check(
      parameters: store, analytic: ParameterStore([("R", gradient.transposed())])
    ) { p in p["R"].dot(a) + 0.5 * p["R"].squaredNorm() }

    XCTAssertEqual(result.failures(tolerance: 1e-6).map(\.name), ["R"])
    guard let block = result.worstBlock else { return XCTFail("no blocks in the result") }
    // A + R = [[1.1, 1.8, 3.3], [0.5, 1.4, -0.9], [2.7, 0.4, 1.5]]. Relative errors off the
    // diagonal: (0,1) and (1,0) 1.3/1.8, (0,2) and (2,0) 0.6/3.3, (1,2) and (2,1) 1.3/0.9.
    // A transposition makes mirrored positions equally wrong, so rounding in the centered
    // differences decides which of (1, 2) and (2, 1) is reported; either is right.
    let (i, j) = block.worstPosition
    XCTAssertTrue((i, j) == (1, 2) || (i, j) == (2, 1), "worst position (\(i), \(j))")
    XCTAssertEqual(block.worstIndex, 3 * i + j)
    XCTAssertEqual(block.worstAnalytic, gradient[j, i])
    assertClose(block.worstNumeric, gradient[i, j], tolerance: 1e-9)
    // The checker forgives the element's rounding noise floor before dividing.
    let floor = block.floors[block.indices.firstIndex(of: block.worstIndex) ?? 0]
    XCTAssertLessThan(floor, 1e-8)
    assertClose(block.maxRelativeError, (1.3 - floor) / 0.9, tolerance: 1e-9)
  }

  func testTinyGradientsOfALargeLossPassWhenRightAndFailWhenWrong() {
    // L = 1000 + Σ c_k θ_k²: gradient elements near 1e-4, while rounding the loss near 1000
    // puts about 2e-8 of noise into each centered difference, a relative error near 1e-4 that
    // is not the analytic gradient's fault.
    let theta = Matrix(rows: 1, cols: 4, values: [0.3, -0.7, 0.5, 0.9])
    let c = [1e-4, 2e-4, -1e-4, 3e-4]
    let loss = { (p: ParameterStore) -> Double in
      var total = 1000.0
      for k in 0..<4 { total += c[k] * p["t"].storage[k] * p["t"].storage[k] }
      return total
    }
    var right = theta
    for k in 0..<4 { right.storage[k] = 2 * c[k] * theta.storage[k] }
    let good = GradientCheck.check(
      parameters: ParameterStore([("t", theta)]), analytic: ParameterStore([("t", right)]),
      loss: loss)
    XCTAssertEqual(good.failures(tolerance: 1e-7).map(\.name), [String](), good.description)
    let floors = good.blocks[0].floors
    XCTAssertTrue(floors.allSatisfy { $0 > 1e-7 && $0 < 1e-5 }, "\(floors)")
    let wrong = GradientCheck.check(
      parameters: ParameterStore([("t", theta)]),
      analytic: ParameterStore([("t", right.map { $0 / 2 })]), loss: loss)
    XCTAssertEqual(wrong.failures(tolerance: 1e-7).map(\.name), ["t"], "half the gradient")
  }

  func testNaNInTheAnalyticGradientIsTheWorstPossibleError() {
    var wrong = analyticGradient(parameters)
    wrong["b"][0, 2] = .nan
    let result = GradientCheck.check(parameters: parameters, analytic: wrong, loss: loss)
    XCTAssertEqual(result.failures(tolerance: 1).map(\.name), ["b"])
    XCTAssertEqual(result.worstBlock?.name, "b")
    XCTAssertEqual(result.maxRelativeError, .infinity)
    XCTAssertEqual(result.blocks[1].worstIndex, 2)
    XCTAssertTrue(result.blocks[1].worstAnalytic.isNaN)
    XCTAssertTrue(result.blocks[1].summary.contains("analytic nan"))
  }

  // MARK: - Sampling of large blocks

  func testLargeBlocksAreSampled() {
    let big = Matrix(rows: 30, cols: 40) { i, j in 0.5 + 0.01 * Double(i) + 0.02 * Double(j) }
    let small = Matrix([[1, -2, 3], [0.5, 0.25, -1]])
    let store = ParameterStore([("big", big), ("small", small)])
    // L = ½ Σ θ², so the gradient is the parameters themselves.
    var perturbed: [Int: Int] = [:]
    let result = GradientCheck.check(
      parameters: store, analytic: store, maxElementsPerBlock: 50, seed: 7
    ) { p in
      for (k, value) in p["big"].storage.enumerated() where value != big.storage[k] {
        perturbed[k, default: 0] += 1
      }
      return 0.5 * (p["big"].squaredNorm() + p["small"].squaredNorm())
    }
    XCTAssertEqual(result.blocks.map(\.checked), [50, 6])
    XCTAssertEqual(perturbed.count, 50, "50 distinct elements of the large block were checked")
    XCTAssertTrue(perturbed.values.allSatisfy { $0 == 2 }, "each one is moved up and down once")
    XCTAssertTrue(perturbed.keys.allSatisfy { (0..<1200).contains($0) })
    XCTAssertLessThan(result.maxRelativeError, 1e-8, result.description)

    // The sample depends on the seed, and only on the seed.
    func sample(seed: UInt64) -> Set<Int> {
      var seen = Set<Int>()
      _ = GradientCheck.check(
        parameters: store, analytic: store, maxElementsPerBlock: 50, seed: seed
      ) { p in
        for (k, value) in p["big"].storage.enumerated() where value != big.storage[k] {
          seen.insert(k)
        }
        return 0
      }
      return seen
    }
    XCTAssertEqual(sample(seed: 7), Set(perturbed.keys))
    XCTAssertNotEqual(sample(seed: 8), Set(perturbed.keys))
  }

  func testBlocksWithinTheLimitAreCheckedInFull() {
    let store = ParameterStore([("m", Matrix(rows: 5, cols: 4, repeating: 0.5))])
    var calls = 0
    let result = GradientCheck.check(
      parameters: store, analytic: store, maxElementsPerBlock: 20
    ) { p in
      calls += 1
      return 0.5 * p["m"].squaredNorm()
    }
    XCTAssertEqual(result.blocks[0].checked, 20)
    XCTAssertEqual(calls, 40)
  }

  // MARK: - Inputs, step and full numerical gradients

  func testInputCheckReportsTheGivenName() {
    let h0 = Matrix([[0.5, -1.5], [2, 0.25]])
    // L = Σ h³, so ∂L/∂h = 3h²; the analytic gradient below forgets the factor 3 in one place.
    var wrong = h0.map { 3 * $0 * $0 }
    wrong[1, 0] /= 3
    let result = GradientCheck.check(input: h0, named: "h0", analytic: wrong) { h in
      h.storage.reduce(0) { $0 + $1 * $1 * $1 }
    }
    XCTAssertEqual(result.blocks.map(\.name), ["h0"])
    XCTAssertEqual(result.blocks[0].worstPosition.row, 1)
    XCTAssertEqual(result.blocks[0].worstPosition.col, 0)
    assertClose(result.blocks[0].worstNumeric, 12, tolerance: 1e-8)
    XCTAssertEqual(result.blocks[0].worstAnalytic, 4)
    assertClose(result.maxRelativeError, 8.0 / 12, tolerance: 1e-9)
  }

  func testStepSizeIsHonoured() {
    // For L = x³ the centered difference is exactly 3x² + h², so a large step shows up.
    let x = Matrix(row: [0.7])
    let analytic = Matrix(row: [3 * 0.49])
    let result = GradientCheck.check(input: x, named: "x", analytic: analytic, step: 0.01) {
      $0[0, 0] * $0[0, 0] * $0[0, 0]
    }
    assertClose(result.blocks[0].worstNumeric, 3 * 0.49 + 1e-4, tolerance: 1e-12)
  }

  func testNumericalGradientOfAKnownFunction() {
    let x = Matrix([[0.5, -1.5, 2], [0.1, 0, -0.3]])
    let numeric = GradientCheck.numericalGradient(at: x) { m in
      m.storage.reduce(0) { $0 + $1 * $1 * $1 } + m[0, 1] * m[1, 2]
    }
    var expected = x.map { 3 * $0 * $0 }
    expected[0, 1] += x[1, 2]
    expected[1, 2] += x[0, 1]
    assertClose(numeric, expected, tolerance: 1e-8)
  }

  // MARK: - The relative error

  func testRelativeErrorFormula() {
    XCTAssertEqual(GradientCheck.relativeError(0, 0), 0)
    XCTAssertEqual(GradientCheck.relativeError(3, 3), 0)
    XCTAssertEqual(GradientCheck.relativeError(-0.0, 0), 0)
    XCTAssertEqual(GradientCheck.relativeError(2, 1), 0.5)
    XCTAssertEqual(GradientCheck.relativeError(1, 2), 0.5)
    XCTAssertEqual(GradientCheck.relativeError(-1, 1), 2)
    // Below 1e-8 the denominator is floored, so tiny absolute differences stay tiny.
    assertClose(GradientCheck.relativeError(1e-12, 0), 1e-4, tolerance: 1e-18)
    assertClose(GradientCheck.relativeError(1e-9, -1e-9), 0.2, tolerance: 1e-15)
  }

  func testRelativeErrorOfNaNIsInfinite() {
    XCTAssertEqual(GradientCheck.relativeError(.nan, 1), .infinity)
    XCTAssertEqual(GradientCheck.relativeError(1, .nan), .infinity)
    XCTAssertEqual(GradientCheck.relativeError(.nan, .nan), .infinity)
    XCTAssertEqual(GradientCheck.relativeError(.infinity, .infinity), .infinity)
  }

  func testRelativeErrorOfAnInfiniteAgainstAFiniteValueIsInfinite() {
    // An infinite analytic gradient is as wrong as a NaN one and must not produce NaN.
    XCTAssertEqual(GradientCheck.relativeError(.infinity, 1), .infinity)
    XCTAssertEqual(GradientCheck.relativeError(2, -.infinity), .infinity)
  }

  func testEmptyResult() {
    let result = GradientCheck.check(
      parameters: ParameterStore(), analytic: ParameterStore()
    ) { _ in 0 }
    XCTAssertEqual(result.blocks.count, 0)
    XCTAssertEqual(result.maxRelativeError, 0)
    XCTAssertNil(result.worstBlock)
    XCTAssertEqual(result.failures(tolerance: 0).count, 0)
  }
}
