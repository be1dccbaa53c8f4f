import Foundation
import RNNCore
import XCTest

final class ActivationTests: XCTestCase {
  /// Points that cover both signs, both branches of the stable sigmoid, and the flat tails.
  private let points: [Double] = [-6, -2.5, -1, -0.3, -1e-3, 0, 1e-3, 0.3, 1, 2.5, 6]

  private func centeredDifference(_ f: (Double) -> Double, at x: Double) -> Double {
    let h = 1e-5
    return (f(x + h) - f(x - h)) / (2 * h)
  }

  func testTanhAtKnownPoints() {
    XCTAssertEqual(Activation.tanh(0), 0)
    assertClose(Activation.tanh(0.5), 0.462_117_157_260_009_74, tolerance: 1e-15)
    assertClose(Activation.tanh(-0.5), -0.462_117_157_260_009_74, tolerance: 1e-15)
    assertClose(Activation.tanh(1), (exp(2) - 1) / (exp(2) + 1), tolerance: 1e-15)
  }

  func testSigmoidAtKnownPoints() {
    XCTAssertEqual(Activation.sigmoid(0), 0.5)
    assertClose(Activation.sigmoid(2), 0.880_797_077_977_882_3, tolerance: 1e-15)
    assertClose(Activation.sigmoid(-2), 0.119_202_922_022_117_55, tolerance: 1e-15)
    // The logit of sigmoid(x) is x again.
    let y = Activation.sigmoid(0.7)
    assertClose(log(y / (1 - y)), 0.7, tolerance: 1e-13)
    for x in points {
      assertClose(
        Activation.sigmoid(x) + Activation.sigmoid(-x), 1, tolerance: 1e-15, "symmetry at \(x)")
    }
    // Far in the negative tail the value is e^x to full relative precision.
    assertRelativelyClose(Activation.sigmoid(-40), exp(-40), relative: 1e-14)
    assertRelativelyClose(Activation.sigmoid(-700), exp(-700), relative: 1e-14)
  }

  func testReluAtKnownPoints() {
    XCTAssertEqual(Activation.relu(-3), 0)
    XCTAssertEqual(Activation.relu(0), 0)
    XCTAssertEqual(Activation.relu(2.5), 2.5)
    XCTAssertEqual(Activation.relu(1e-300), 1e-300)
  }

  func testTanhDerivativeMatchesCenteredDifferences() {
    for x in points {
      let analytic = Activation.tanhDerivative(fromOutput: Activation.tanh(x))
      let numeric = centeredDifference(Activation.tanh, at: x)
      assertClose(analytic, numeric, tolerance: 1e-9, "tanh' at \(x)")
    }
    XCTAssertEqual(Activation.tanhDerivative(fromOutput: 0), 1)
    XCTAssertEqual(Activation.tanhDerivative(fromOutput: 0.5), 0.75)
  }

  func testSigmoidDerivativeMatchesCenteredDifferences() {
    for x in points {
      let analytic = Activation.sigmoidDerivative(fromOutput: Activation.sigmoid(x))
      let numeric = centeredDifference(Activation.sigmoid, at: x)
      assertClose(analytic, numeric, tolerance: 1e-10, "sigmoid' at \(x)")
    }
    XCTAssertEqual(Activation.sigmoidDerivative(fromOutput: 0.5), 0.25)
    XCTAssertEqual(Activation.sigmoidDerivative(fromOutput: 0.25), 0.1875)
  }

  func testReluDerivativeAwayFromTheKinkAndAtIt() {
    for x in points where x != 0 {
      let numeric = centeredDifference(Activation.relu, at: x)
      assertClose(Activation.reluDerivative(x), numeric, tolerance: 1e-9, "relu' at \(x)")
    }
    // The kit's convention at the kink: the derivative at exactly 0 is 0.
    XCTAssertEqual(Activation.reluDerivative(0), 0)
    XCTAssertEqual(Activation.reluDerivative(-0.0), 0)
    XCTAssertEqual(Activation.reluDerivative(1e-300), 1)
    XCTAssertEqual(Activation.reluDerivative(-1e-300), 0)
  }

  func testSaturatedInputsStayFinite() {
    XCTAssertEqual(Activation.sigmoid(1000), 1)
    let low = Activation.sigmoid(-1000)
    XCTAssertFalse(low.isNaN)
    XCTAssertGreaterThanOrEqual(low, 0)
    XCTAssertLessThan(low, 1e-300)
    XCTAssertEqual(Activation.sigmoid(.infinity), 1)
    XCTAssertEqual(Activation.sigmoid(-.infinity), 0)
    XCTAssertEqual(Activation.tanh(1000), 1)
    XCTAssertEqual(Activation.tanh(-1000), -1)
    for x: Double in [-1000, 1000] {
      let s = Activation.sigmoidDerivative(fromOutput: Activation.sigmoid(x))
      let t = Activation.tanhDerivative(fromOutput: Activation.tanh(x))
      XCTAssertTrue(s.isFinite && s >= 0 && s < 1e-300, "sigmoid' at \(x) is \(s)")
      XCTAssertEqual(t, 0, "tanh' at \(x)")
    }
  }

  func testMatrixActivationsApplyElementwise() {
    let m = Matrix([[-1000, -1, 0], [0.5, 2, 1000]])
    XCTAssertEqual(m.tanh(), m.map(Activation.tanh))
    XCTAssertEqual(m.sigmoid(), m.map(Activation.sigmoid))
    XCTAssertEqual(m.relu(), Matrix([[0, 0, 0], [0.5, 2, 1000]]))
    XCTAssertTrue(m.sigmoid().isFinite)
    XCTAssertEqual(m.sigmoid()[1, 2], 1)
    XCTAssertEqual(m.tanh()[0, 0], -1)
    assertClose(m.sigmoid()[0, 1], 0.268_941_421_369_995_1, tolerance: 1e-15)
  }
}
