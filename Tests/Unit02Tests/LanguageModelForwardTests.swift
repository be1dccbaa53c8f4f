import CourseTestSupport
import RNNCore
import XCTest

import struct Unit02.RNNLanguageModel

/// Exercise 02.2: `RNNLanguageModel.forward` over a batch of sequences. The cell is the test's
/// own ``ReferenceElmanCell``, so these tests do not depend on exercise 02.1.
final class LanguageModelForwardTests: XCTestCase {
  let hint = "Check RNNLanguageModel.forward (exercise 02.2, Lectures/02-elman-rnn.md §4)."

  /// The logits of the three steps, row-major `2 x 5` each, from the reference solution.
  static let goldenLogits: [[Double]] = [
    [
      0.02139376041707841, 0.12025363923501664, -1.6682083969207615, 1.066884797894744,
      -0.17415222591276025, 1.056299486360888, 1.2640790343702448, 0.11102434216253576,
      -0.7475075597948034, 0.797029580611148,
    ],
    [
      -2.33445100201504, 0.12046620408421327, -0.9698216814365925, 2.5444740888752735,
      -1.580265751066988, -0.22561140608601266, -0.007138714943565327, -1.8994143138366366,
      0.7797336930544495, -0.18805722517116674,
    ],
    [
      0.08149604422613188, 1.8013222738119001, -0.8460405590937493, 0.3533186846663504,
      -0.7102594994083474, 1.0986212690560622, 0.8106795974430392, -0.5064782722929481,
      0.3177919019925059, 0.538757558681081,
    ],
  ]

  func model() -> RNNLanguageModel<ReferenceElmanCell> {
    let f = Fixtures.languageModel()
    return RNNLanguageModel(
      embedding: f.embedding, cell: f.cell, outputWeight: f.ws, outputBias: f.bs)
  }

  /// `h_1 ... h_T` computed directly from the fixtures.
  func referenceStates() -> [Matrix] {
    let f = Fixtures.languageModel()
    var h = Fixtures.initialState()
    var out: [Matrix] = []
    for t in 0..<3 {
      let x = f.embedding.gatherRows(Fixtures.inputs.map { $0[t] })
      h = Fixtures.referenceStep(x: x, h: h, whh: f.cell.whh, whx: f.cell.whx, b: f.cell.b).h
      out.append(h)
    }
    return out
  }

  func testLogitsMatchGoldenValues() throws {
    try exercise {
      let pass = self.model().forward(Fixtures.inputs, initialState: Fixtures.initialState())
      assertEqual(pass.logits.count, 3, "one B x V matrix of logits per step. \(self.hint)")
      guard pass.logits.count == 3 else { return }
      for (t, golden) in Self.goldenLogits.enumerated() {
        assertClose(
          pass.logits[t], Matrix(rows: 2, cols: 5, values: golden), "logits[\(t)]",
          hint: self.hint)
      }
    }
  }

  func testStatesAreCarriedFromStepToStep() throws {
    try exercise {
      let pass = self.model().forward(Fixtures.inputs, initialState: Fixtures.initialState())
      let expected = self.referenceStates()
      assertEqual(pass.states.count, 3, "one state per step. \(self.hint)")
      guard pass.states.count == 3 else { return }
      for t in 0..<3 {
        assertClose(
          pass.states[t], expected[t], "states[\(t)] (h after step \(t))",
          hint: "Feed each step the state the previous step produced, starting from h_0. "
            + self.hint)
      }
      assertClose(pass.finalState, expected[2], "finalState", hint: self.hint)
    }
  }

  func testLogitsOfStepTReadTheStateAfterStepT() throws {
    try exercise {
      let f = Fixtures.languageModel()
      let pass = self.model().forward(Fixtures.inputs, initialState: Fixtures.initialState())
      let states = self.referenceStates()
      guard pass.logits.count == 3 else {
        fail("expected 3 steps of logits, got \(pass.logits.count). \(self.hint)")
        return
      }
      for t in 0..<3 {
        let expected = states[t].matmul(f.ws, transposeOther: true).adding(rowVector: f.bs)
        assertClose(
          pass.logits[t], expected, "logits[\(t)]",
          hint: "s_t = h_t W_sᵀ + b_s uses the state after reading token t (not h_{t-1}). "
            + self.hint)
      }
    }
  }

  func testEachStepReadsTheEmbeddingRowOfItsToken() throws {
    try exercise {
      let f = Fixtures.languageModel()
      let pass = self.model().forward(Fixtures.inputs, initialState: Fixtures.initialState())
      assertEqual(pass.caches.count, 3, "one cell cache per step. \(self.hint)")
      guard pass.caches.count == 3 else { return }
      for t in 0..<3 {
        // The test cell's cache is exactly the input it was given.
        let tokens = Fixtures.inputs.map { $0[t] }
        assertClose(
          pass.caches[t], f.embedding.gatherRows(tokens), "x_\(t) (rows of L for \(tokens))",
          hint: "x_t is row inputs[b][t] of the embedding for every sequence b. " + self.hint)
      }
      assertEqual(pass.inputs, Fixtures.inputs, "the result keeps the inputs. \(self.hint)")
    }
  }

  func testSplittingTheSequenceAndCarryingTheStateChangesNothing() throws {
    try exercise {
      let model = self.model()
      let h0 = Fixtures.initialState()
      let whole = model.forward(Fixtures.inputs, initialState: h0)
      let first = model.forward(Fixtures.inputs.map { Array($0[0..<2]) }, initialState: h0)
      let second = model.forward(
        Fixtures.inputs.map { Array($0[2..<3]) }, initialState: first.finalState)
      guard whole.logits.count == 3, second.logits.count == 1 else {
        fail("expected 3 and 1 steps of logits. \(self.hint)")
        return
      }
      assertClose(
        second.logits[0], whole.logits[2], "logits of step 2 computed in a second call",
        hint: "finalState must be the state after the last step. " + self.hint)
    }
  }

  func testEmptySequencesReturnTheInitialState() throws {
    try exercise {
      let h0 = Fixtures.initialState()
      let pass = self.model().forward([[], []], initialState: h0)
      assertTrue(pass.logits.isEmpty, "no steps, no logits. \(self.hint)")
      assertClose(pass.finalState, h0, "finalState of an empty sequence", hint: self.hint)
    }
  }
}
