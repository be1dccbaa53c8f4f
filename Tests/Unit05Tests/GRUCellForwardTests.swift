import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit05.GRUCell

/// Exercise 05.1: `GRUCell.forward`, one step
/// `h_t = z ⊙ h_{t-1} + (1 - z) ⊙ tanh(x W_hᵀ + (r ⊙ h_{t-1}) U_hᵀ + b_h)`.
final class GRUCellForwardTests: XCTestCase {
  let hint = "Check GRUCell.forward (exercise 05.1, Lectures/05-gru.md §3)."

  func testForwardMatchesGoldenValues() throws {
    try exercise {
      let f = Fixtures.gru()
      let (h, _) = Fixtures.cell().forward(f.x, state: f.h)
      assertClose(h, Matrix(rows: 2, cols: 4, values: Self.goldenH), "h_t", hint: self.hint)
    }
  }

  func testCacheHoldsTheGatesAndTheCandidate() throws {
    try exercise {
      let f = Fixtures.gru()
      let (h, cache) = Fixtures.cell().forward(f.x, state: f.h)
      let reference = Fixtures.referenceStep(x: f.x, h: f.h, w: f.w, u: f.u, b: f.b)
      assertClose(cache.input, f.x, "cache.input", hint: "The cache keeps x_t. " + self.hint)
      assertClose(
        cache.previous, f.h, "cache.previous", hint: "The cache keeps h_{t-1}. " + self.hint)
      assertClose(
        cache.update, reference.z, "cache.update (z_t)",
        hint: "z_t = σ(x W_zᵀ + h_{t-1} U_zᵀ + b_z), from rows 0..<H of W and U. " + self.hint)
      assertClose(
        cache.reset, reference.r, "cache.reset (r_t)",
        hint: "r_t = σ(x W_rᵀ + h_{t-1} U_rᵀ + b_r), from rows H..<2H. " + self.hint)
      assertClose(
        cache.candidate, reference.candidate, "cache.candidate (h̃_t)",
        hint: "h̃_t = tanh(x W_hᵀ + (r_t ⊙ h_{t-1}) U_hᵀ + b_h), from rows 2H..<3H. "
          + self.hint)
      assertClose(cache.output, h, "cache.output", hint: "The cache keeps h_t. " + self.hint)
    }
  }

  /// Only the biases are non-zero, so each gate is a constant and the fused layout alone
  /// decides which block does what.
  func testFusedLayoutIsUpdateResetCandidate() throws {
    try exercise {
      let h = Matrix([[0.5, -0.25]])
      func step(z: Double, r: Double, candidate: Double) -> Matrix {
        let cell = GRUCell(
          inputWeight: .zeros(6, 1), recurrentWeight: .zeros(6, 2),
          bias: Matrix(row: [z, z, r, r, candidate, candidate]))
        return cell.forward(.zeros(1, 1), state: h).state
      }
      // z ≈ 1 keeps the old state whatever the candidate.
      assertClose(
        step(z: 40, r: 0, candidate: 0.7), h, tolerance: 1e-12,
        "h_t with b_z = 40 (z ≈ 1)",
        hint: "z = 1 must copy h_{t-1}: columns 0..<H of b (rows 0..<H of W, U) are the update "
          + "gate, and z multiplies the old state. " + self.hint)
      // z ≈ 0 replaces it by the candidate tanh(b_h).
      assertClose(
        step(z: -40, r: 0, candidate: 0.7), Matrix([[tanh(0.7), tanh(0.7)]]), tolerance: 1e-12,
        "h_t with b_z = -40 (z ≈ 0)",
        hint: "z = 0 must give the candidate tanh(b_h); columns 2H..<3H are the candidate. "
          + self.hint)
    }
  }

  /// With `r ≈ 0` the candidate cannot see the old state; with `r ≈ 1` it sees all of it.
  func testResetGateScalesTheOldStateBeforeU() throws {
    try exercise {
      let h = Matrix([[0.5, -0.25]])
      let u = Matrix([[0, 0], [0, 0], [0, 0], [0, 0], [1.5, -2], [0.5, 1]])
      func candidate(r: [Double]) -> Matrix {
        let cell = GRUCell(
          inputWeight: .zeros(6, 1), recurrentWeight: u,
          bias: Matrix(row: [-40, -40, r[0], r[1], 0.1, -0.2]))
        return cell.forward(.zeros(1, 1), state: h).state  // z ≈ 0: h_t is the candidate
      }
      assertClose(
        candidate(r: [-40, -40]), Matrix([[tanh(0.1), tanh(-0.2)]]), tolerance: 1e-12,
        "candidate with r ≈ 0",
        hint: "With the reset gate closed the candidate ignores h_{t-1}. " + self.hint)
      // Different r per unit: (r ⊙ h) U_hᵀ mixes the scaled units, r ⊙ (h U_hᵀ) would not.
      let r0 = 1 / (1 + exp(-1.0))
      let r1 = 1 / (1 + exp(2.0))
      let expected = Matrix([
        [
          tanh(0.1 + 1.5 * r0 * 0.5 - 2 * r1 * -0.25),
          tanh(-0.2 + 0.5 * r0 * 0.5 + 1 * r1 * -0.25),
        ]
      ])
      assertClose(
        candidate(r: [1, -2]), expected, tolerance: 1e-12, "candidate with r = σ([1, -2])",
        hint: "The kit applies the reset gate before U_h: (r ⊙ h_{t-1}) U_hᵀ, not "
          + "r ⊙ (h_{t-1} U_hᵀ). " + self.hint)
    }
  }

  /// The lectures that write `h_t = z ⊙ h̃_t + (1 - z) ⊙ h_{t-1}` describe the same cell: since
  /// `1 - σ(a) = σ(-a)`, negating `W_z`, `U_z` and `b_z` turns one convention into the other.
  func testOtherConventionIsTheSameCellWithNegatedUpdateGate() throws {
    try exercise {
      let f = Fixtures.gru()
      var w = f.w
      var u = f.u
      var b = f.b
      for i in 0..<4 {
        for j in 0..<3 { w[i, j] = -w[i, j] }
        for j in 0..<4 { u[i, j] = -u[i, j] }
        b[0, i] = -b[0, i]
      }
      let negated = GRUCell(inputWeight: w, recurrentWeight: u, bias: b)
      assertClose(
        negated.forward(f.x, state: f.h).state,
        Fixtures.candidateWeightedStep(x: f.x, h: f.h, w: f.w, u: f.u, b: f.b),
        "h_t of the cell with the z blocks negated",
        hint: "z must multiply h_{t-1} and 1 - z the candidate. " + self.hint)
    }
  }

  func testStaysFiniteAtExtremeInputs() throws {
    try exercise {
      let f = Fixtures.gru()
      let x = Matrix([[1000, -1000, 1000], [-1000, 1000, -1000]])
      let (h, cache) = Fixtures.cell().forward(x, state: f.h)
      assertFinite(h, "h_t for inputs of ±1000")
      assertFinite(cache.update, "z_t for inputs of ±1000")
      assertClose(
        h, Fixtures.referenceStep(x: x, h: f.h, w: f.w, u: f.u, b: f.b).h, "h_t at ±1000",
        hint: "Use the kit's sigmoid() and tanh(), which are stable. " + self.hint)
    }
  }
}
