import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit06.LSTMCell
import struct Unit06.LSTMState

/// Exercise 06.1: `LSTMCell.forward`, one step `c_t = f ⊙ c_{t-1} + i ⊙ g`,
/// `h_t = o ⊙ tanh(c_t)` with the fused gate order i, f, g, o.
final class LSTMCellForwardTests: XCTestCase {
  let hint = "Check LSTMCell.forward (exercise 06.1, Lectures/06-lstm.md §3)."

  func testForwardMatchesGoldenValues() throws {
    try exercise {
      let f = Fixtures.lstm()
      let (state, _) = Fixtures.cell().forward(f.x, state: LSTMState(hidden: f.h, cell: f.c))
      assertClose(
        state.cell, Matrix(rows: 2, cols: 4, values: Self.goldenC), "c_t", hint: self.hint)
      assertClose(
        state.hidden, Matrix(rows: 2, cols: 4, values: Self.goldenH), "h_t", hint: self.hint)
    }
  }

  func testCacheHoldsTheGatesAndTheMemory() throws {
    try exercise {
      let f = Fixtures.lstm()
      let previous = LSTMState(hidden: f.h, cell: f.c)
      let (state, cache) = Fixtures.cell().forward(f.x, state: previous)
      let reference = Fixtures.step(Fixtures.cell(), x: f.x, state: previous)
      let fields: [(String, Matrix, Matrix, String)] = [
        ("input", cache.input, f.x, "x_t"),
        ("previousHidden", cache.previousHidden, f.h, "h_{t-1}"),
        ("previousCell", cache.previousCell, f.c, "c_{t-1}"),
        ("inputGate", cache.inputGate, reference.inputGate, "i_t = σ(block 0, rows 0..<H)"),
        ("forgetGate", cache.forgetGate, reference.forgetGate, "f_t = σ(block 1, rows H..<2H)"),
        ("candidate", cache.candidate, reference.candidate, "g_t = tanh(block 2, rows 2H..<3H)"),
        ("outputGate", cache.outputGate, reference.outputGate, "o_t = σ(block 3, rows 3H..<4H)"),
        ("cell", cache.cell, state.cell, "c_t"),
        ("cellTanh", cache.cellTanh, reference.cellTanh, "tanh(c_t)"),
        ("output", cache.output, state.hidden, "h_t"),
      ]
      for (name, actual, expected, what) in fields {
        assertClose(
          actual, expected, "cache.\(name)", hint: "The cache keeps \(what). " + self.hint)
      }
    }
  }

  /// Only the biases are non-zero, so each gate is a constant and the fused layout alone
  /// decides which block does what.
  func testFusedLayoutIsInputForgetCandidateOutput() throws {
    try exercise {
      let previous = LSTMState(hidden: Matrix([[0.5, -0.25]]), cell: Matrix([[0.8, -1.2]]))
      func step(i: Double, f: Double, g: Double, o: Double) -> LSTMState {
        let cell = LSTMCell(
          inputWeight: .zeros(8, 1), recurrentWeight: .zeros(8, 2),
          bias: Matrix(row: [i, i, f, f, g, g, o, o]))
        return cell.forward(.zeros(1, 1), state: previous).state
      }
      let keep = step(i: -40, f: 40, g: 0.3, o: 40)
      assertClose(
        keep.cell, previous.cell, tolerance: 1e-12, "c_t with i ≈ 0, f ≈ 1",
        hint: "With the forget gate open and the input gate shut the memory is kept: "
          + "c_t = f ⊙ c_{t-1} + i ⊙ g, the forget gate (block 1) scales c_{t-1}. " + self.hint)
      assertClose(
        keep.hidden, previous.cell.tanh(), tolerance: 1e-12, "h_t with o ≈ 1",
        hint: "h_t = o ⊙ tanh(c_t); the output gate is block 3. " + self.hint)
      let write = step(i: 40, f: -40, g: 0.3, o: 40)
      assertClose(
        write.cell, Matrix([[tanh(0.3), tanh(0.3)]]), tolerance: 1e-12, "c_t with i ≈ 1, f ≈ 0",
        hint: "With the input gate open and the forget gate shut, c_t = g = tanh(block 2). "
          + self.hint)
      let hide = step(i: 40, f: 40, g: 0.3, o: -40)
      assertClose(
        hide.cell, previous.cell + tanh(0.3), tolerance: 1e-12, "c_t with i ≈ 1, f ≈ 1",
        hint: self.hint)
      assertClose(
        hide.hidden, .zeros(1, 2), tolerance: 1e-12, "h_t with o ≈ 0",
        hint: "A shut output gate hides the memory: h_t = 0. " + self.hint)
    }
  }

  func testStaysFiniteAtExtremeInputs() throws {
    try exercise {
      let f = Fixtures.lstm()
      let x = Matrix([[1000, -1000, 1000], [-1000, 1000, -1000]])
      let previous = LSTMState(hidden: f.h, cell: f.c)
      let (state, _) = Fixtures.cell().forward(x, state: previous)
      assertFinite(state.hidden, "h_t for inputs of ±1000")
      assertFinite(state.cell, "c_t for inputs of ±1000")
      assertClose(
        state.hidden, Fixtures.step(Fixtures.cell(), x: x, state: previous).output,
        "h_t at ±1000", hint: "Use the kit's sigmoid() and tanh(), which are stable. " + self.hint)
    }
  }
}
