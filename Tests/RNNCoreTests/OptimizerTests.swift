import Foundation
import RNNCore
import XCTest

final class OptimizerTests: XCTestCase {
  // Two blocks with gradients of mixed signs and magnitudes, and two different gradient steps,
  // so that state kept per block and per element is exercised.
  private let start = ParameterStore([
    ("w", Matrix(row: [1.0, -2.0, 0.5])), ("b", Matrix(row: [0.3])),
  ])
  private let g1 = ParameterStore([
    ("w", Matrix(row: [0.4, -0.2, 3.0])), ("b", Matrix(row: [-1.5])),
  ])
  private let g2 = ParameterStore([
    ("w", Matrix(row: [-0.1, 0.5, 2.0])), ("b", Matrix(row: [0.7])),
  ])

  /// The parameters flattened in visiting order, for comparing with scalar references.
  private func flat(_ p: ParameterStore) -> [Double] {
    p.namedParameters.flatMap(\.value.storage)
  }

  // MARK: - SGD

  func testSGDOneAndTwoSteps() {
    var sgd = SGD(learningRate: 0.1)
    var p = start
    sgd.step(&p, gradients: g1)
    // θ - η g, worked out by hand.
    assertClose(flat(p), [0.96, -1.98, 0.2, 0.45], tolerance: 1e-15)
    sgd.step(&p, gradients: g2)
    assertClose(flat(p), [0.97, -2.03, 0.0, 0.38], tolerance: 1e-15)
    XCTAssertEqual(p.names, ["w", "b"])
  }

  func testWeightDecayAddsLambdaTimesTheWeightsButNotToBiases() {
    var sgd = SGD(learningRate: 0.1, weightDecay: 0.5)
    var p = start
    sgd.step(&p, gradients: g1)
    // w: θ - η (g + λ θ) = [1 - 0.1 (0.4 + 0.5), -2 - 0.1 (-0.2 - 1), 0.5 - 0.1 (3 + 0.25)];
    // b is a bias: θ - η g as without decay.
    assertClose(flat(p), [0.91, -1.88, 0.175, 0.45], tolerance: 1e-15)
    // Adam and Adagrad see the decayed gradient too: with g + λθ = 0 nothing moves.
    let balanced = ParameterStore([
      ("w", Matrix(row: [-0.5, 1.0, -0.25])), ("b", Matrix(row: [0])),
    ])
    for var optimizer in [
      Adam(learningRate: 0.1, weightDecay: 0.5) as any Optimizer,
      Adagrad(learningRate: 0.1, weightDecay: 0.5),
    ] {
      var q = start
      optimizer.step(&q, gradients: balanced)
      assertClose(flat(q), flat(start), tolerance: 1e-15)
    }
    for name in ["b", "bias", "cell.b", "b_out", "outputBias"] { XCTAssertTrue(isBias(name), name) }
    for name in ["W", "weight", "cell.W_hh", "embedding", "w_out", "outputWeight"] {
      XCTAssertFalse(isBias(name), name)
    }
  }

  func testSGDWithMomentumOneAndTwoSteps() {
    var sgd = SGD(learningRate: 0.1, momentum: 0.9)
    var p = start
    sgd.step(&p, gradients: g1)
    // v₁ = -η g₁ = [-0.04, 0.02, -0.3 | 0.15]; the first step equals plain SGD.
    assertClose(flat(p), [0.96, -1.98, 0.2, 0.45], tolerance: 1e-15)
    sgd.step(&p, gradients: g2)
    // v₂ = 0.9 v₁ - 0.1 g₂ = [-0.026, -0.032, -0.47 | 0.065].
    assertClose(flat(p), [0.934, -2.012, -0.27, 0.515], tolerance: 1e-15)
  }

  func testSGDMomentumMatchesScalarFormula() {
    let (eta, mu) = (0.05, 0.7)
    var sgd = SGD(learningRate: eta, momentum: mu)
    var p = start
    var theta = flat(start)
    var velocity = [Double](repeating: 0, count: theta.count)
    for g in [g1, g2, g1, g1] {
      sgd.step(&p, gradients: g)
      for (k, gk) in flat(g).enumerated() {
        velocity[k] = mu * velocity[k] - eta * gk
        theta[k] += velocity[k]
      }
      assertClose(flat(p), theta, tolerance: 1e-14)
    }
  }

  // MARK: - Adagrad

  func testAdagradOneAndTwoSteps() {
    var adagrad = Adagrad(learningRate: 0.1)
    var p = start
    adagrad.step(&p, gradients: g1)
    // The first step is η g / (|g| + ε), about η sign(g).
    assertClose(flat(p), [0.9, -1.9, 0.4, 0.4], tolerance: 1e-8)
    assertClose(
      flat(p),
      [0.900_000_002_5, -1.900_000_005, 0.400_000_000_333_333_3, 0.399_999_999_333_333_36],
      tolerance: 1e-15)
    adagrad.step(&p, gradients: g2)
    assertClose(
      flat(p),
      [
        0.924_253_564_415_398, -1.992_847_672_364_387_8, 0.344_529_980_864_656_6,
        0.357_711_453_055_695_4,
      ],
      tolerance: 1e-14)
  }

  func testAdagradMatchesScalarFormula() {
    let (eta, epsilon) = (0.3, 1e-6)
    var adagrad = Adagrad(learningRate: eta, epsilon: epsilon)
    var p = start
    var theta = flat(start)
    var sumSquares = [Double](repeating: 0, count: theta.count)
    for g in [g1, g2, g2, g1] {
      adagrad.step(&p, gradients: g)
      for (k, gk) in flat(g).enumerated() {
        sumSquares[k] += gk * gk
        theta[k] -= eta * gk / (sumSquares[k].squareRoot() + epsilon)
      }
      assertClose(flat(p), theta, tolerance: 1e-14)
    }
  }

  // MARK: - Adam

  func testAdamOneAndTwoSteps() {
    var adam = Adam(learningRate: 0.01)
    var p = start
    adam.step(&p, gradients: g1)
    XCTAssertEqual(adam.t, 1)
    assertClose(
      flat(p),
      [0.990_000_000_25, -1.990_000_000_5, 0.490_000_000_033_333_3, 0.309_999_999_933_333_3],
      tolerance: 1e-15)
    adam.step(&p, gradients: g2)
    XCTAssertEqual(adam.t, 2)
    assertClose(
      flat(p),
      [
        0.985_305_318_698_983, -1.994_422_153_021_723_4, 0.480_296_478_790_434_3,
        0.312_923_272_124_738_5,
      ],
      tolerance: 1e-14)
  }

  func testAdamMatchesScalarFormula() {
    let (eta, beta1, beta2, epsilon) = (0.02, 0.8, 0.99, 1e-7)
    var adam = Adam(learningRate: eta, beta1: beta1, beta2: beta2, epsilon: epsilon)
    var p = start
    var theta = flat(start)
    var m = [Double](repeating: 0, count: theta.count)
    var v = m
    for (step, g) in [g1, g2, g2, g1, g2].enumerated() {
      adam.step(&p, gradients: g)
      let t = Double(step + 1)
      for (k, gk) in flat(g).enumerated() {
        m[k] = beta1 * m[k] + (1 - beta1) * gk
        v[k] = beta2 * v[k] + (1 - beta2) * gk * gk
        let mHat = m[k] / (1 - Foundation.pow(beta1, t))
        let vHat = v[k] / (1 - Foundation.pow(beta2, t))
        theta[k] -= eta * mHat / (vHat.squareRoot() + epsilon)
      }
      assertClose(flat(p), theta, tolerance: 1e-14, "after step \(step + 1)")
    }
  }

  func testAdamFirstStepIsLearningRateTimesSign() {
    var adam = Adam(learningRate: 0.003)
    var p = ParameterStore([("x", Matrix(row: [1, 1, 1, 1, 1]))])
    let g = ParameterStore([("x", Matrix(row: [1e-3, -50, 3, 0, -1e-5]))])
    adam.step(&p, gradients: g)
    let moved = p["x"].storage.map { $0 - 1 }
    // Whatever the gradient's size, the first step moves each element by about η against it.
    assertClose(moved, [-0.003, 0.003, -0.003, 0, 0.003], tolerance: 0.003 * 2e-3)
    XCTAssertEqual(moved[3], 0, "a zero gradient must not move the parameter")
  }

  // MARK: - Behaviour on a quadratic

  /// Runs `steps` updates on `f(θ) = ½ Σ aᵢ (θᵢ - cᵢ)²` from θ = 0 and returns the final
  /// distance to the minimum `c`.
  private func minimizeQuadratic<O: Optimizer>(_ optimizer: inout O, steps: Int) -> Double {
    let curvature = Matrix(row: [1, 4, 0.5])
    let target = Matrix(row: [2, -1, 0.5])
    var p = ParameterStore([("theta", Matrix.zeros(1, 3))])
    for _ in 0..<steps {
      let gradient = curvature * (p["theta"] - target)
      optimizer.step(&p, gradients: ParameterStore([("theta", gradient)]))
    }
    return (p["theta"] - target).frobeniusNorm()
  }

  func testOptimizersMinimizeAQuadratic() {
    // The start is 2.29 away from the minimum.
    var sgd = SGD(learningRate: 0.2)
    XCTAssertLessThan(minimizeQuadratic(&sgd, steps: 200), 1e-8, "SGD")
    var momentum = SGD(learningRate: 0.05, momentum: 0.9)
    XCTAssertLessThan(minimizeQuadratic(&momentum, steps: 300), 1e-5, "SGD with momentum")
    var adagrad = Adagrad(learningRate: 0.5)
    XCTAssertLessThan(minimizeQuadratic(&adagrad, steps: 300), 1e-8, "Adagrad")
    var adam = Adam(learningRate: 0.05)
    XCTAssertLessThan(minimizeQuadratic(&adam, steps: 500), 1e-6, "Adam")
  }

  // MARK: - Errors

  func testMissingOrMisshapenGradientIsAReadableError() {
    assertPreconditionFails(containing: ["no gradient", "\"b\""]) {
      [start = self.start, g1 = self.g1] in
      var sgd = SGD(learningRate: 0.1)
      var p = start
      sgd.step(&p, gradients: ParameterStore([("w", g1["w"])]))
    }
    assertPreconditionFails(containing: ["\"w\"", "1x2", "1x3"]) {
      [start = self.start, g1 = self.g1] in
      var adam = Adam()
      var p = start
      adam.step(&p, gradients: ParameterStore([("w", Matrix(row: [1, 2])), ("b", g1["b"])]))
    }
  }
}
