import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit02.ElmanCell
import enum Unit02.RecurrentActivation
import enum Unit03.JacobianAnalysis

/// Exercise 03.4: `ElmanCell.stateJacobian`, `∂h_t/∂h_{t-1}` for one sequence. The caches are
/// built from the reference step.
final class StateJacobianTests: XCTestCase {
  let hint = "Check ElmanCell.stateJacobian (exercise 03.4, Lectures/03-bptt.md §6)."

  func testMatchesTheNumericalJacobianForEveryActivation() throws {
    try exercise {
      let f = Fixtures.elman()
      let x = f.x.rowMatrix(1)
      let h = f.h.rowMatrix(1)
      for activation in RecurrentActivation.allCases {
        let cell = ElmanCell(
          recurrentWeight: f.whh, inputWeight: f.whx, bias: f.b, activation: activation)
        let (z, out) = Fixtures.referenceStep(
          x: x, h: h, whh: f.whh, whx: f.whx, b: f.b, activation: activation)
        let jacobian = cell.stateJacobian(
          ElmanCell.StepCache(input: x, previous: h, preActivation: z, output: out))
        // Column j of the Jacobian: how every unit of h_t moves when h_{t-1}[j] moves.
        var expected = Matrix.zeros(4, 4)
        for i in 0..<4 {
          let row = Fixtures.derivative(at: h) { hh in
            Fixtures.referenceStep(
              x: x, h: hh, whh: f.whh, whx: f.whx, b: f.b, activation: activation
            ).h[0, i]
          }
          expected.setRow(i, row.row(0))
        }
        assertClose(
          jacobian, expected, tolerance: 1e-8, "∂h_t/∂h_{t-1} (\(activation))",
          hint: "Entry [i, j] is ∂h_t[i]/∂h_{t-1}[j] = f'(z_t[i]) W_hh[i, j]: row i of W_hh "
            + "scaled by unit i's slope. " + self.hint)
      }
    }
  }
}

/// Exercise 03.5: `JacobianAnalysis.productNorms`.
final class JacobianProductNormsTests: XCTestCase {
  let hint = "Check JacobianAnalysis.productNorms (exercise 03.5, Lectures/03-bptt.md §6)."

  func testNormsOfProductsOfDiagonalJacobians() throws {
    try exercise {
      // J_1 = diag(2, 1), J_2 = diag(1.5, 1), J_3 = diag(1, 0.5): the products from the end
      // are J_3 = diag(1, 0.5), J_3 J_2 = diag(1.5, 0.5) and J_3 J_2 J_1 = diag(3, 0.5).
      let jacobians = [
        Matrix([[2, 0], [0, 1]]), Matrix([[1.5, 0], [0, 1]]), Matrix([[1, 0], [0, 0.5]]),
      ]
      let norms = JacobianAnalysis.productNorms(jacobians)
      assertEqual(norms.count, 3, "one norm per distance d = 1, 2, 3. \(self.hint)")
      guard norms.count == 3 else { return }
      for (d, expected) in [1.0, 1.5, 3.0].enumerated() {
        assertClose(
          norms[d], expected, tolerance: 1e-10, "‖∂h_3/∂h_\(2 - d)‖",
          hint: "entry d - 1 is the norm of the product of the last d Jacobians. " + self.hint)
      }
    }
  }

  func testProductsStartAtTheLastStepAndKeepTheOrder() throws {
    try exercise {
      // Non-commuting factors: J_3 J_2 differs from J_2 J_3 in norm.
      let j1 = Matrix([[1, 0], [0, 1]])
      let j2 = Matrix([[0, 1], [0, 0]])
      let j3 = Matrix([[1, 0], [0, 0]])
      let norms = JacobianAnalysis.productNorms([j1, j2, j3])
      guard norms.count == 3 else {
        fail("expected 3 norms, got \(norms.count). \(self.hint)")
        return
      }
      // ‖J_3‖ = 1, ‖J_3 J_2‖ = ‖[[0, 1], [0, 0]]‖ = 1, while ‖J_2 J_3‖ = 0.
      assertClose(norms[0], 1, "‖J_3‖ (d = 1)", hint: self.hint)
      assertClose(
        norms[1], 1, "‖J_3 J_2‖ (d = 2)",
        hint: "∂h_3/∂h_1 = J_3 J_2: multiply new factors on the right. " + self.hint)
      assertClose(norms[2], 1, "‖J_3 J_2 J_1‖ (d = 3)", hint: self.hint)
    }
  }

  func testScaledOrthogonalJacobiansGiveAGeometricSequence() throws {
    try exercise {
      var rng = RandomSource(seed: 3020)
      let jacobians = (0..<6).map { _ in Matrix.orthogonal(5, 5, gain: 0.8, rng: &rng) }
      let norms = JacobianAnalysis.productNorms(jacobians)
      assertEqual(norms.count, 6, "one norm per distance d = 1 ... 6. \(self.hint)")
      for (d, norm) in norms.enumerated() {
        assertClose(
          norm, pow(0.8, Double(d + 1)), tolerance: 1e-9, "‖∂h_6/∂h_\(5 - d)‖",
          hint: "a product of d orthogonal matrices scaled by 0.8 has spectral norm 0.8^d. "
            + self.hint)
      }
    }
  }
}
