import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum Unit09.Pooling

/// Exercise 09.1: `Pooling.forward(_:lengths:forwardWidth:)`.
final class PoolingForwardTests: XCTestCase {
  let hint = Unit09Fixtures.hint("09.1", "Pooling.forward", section: 2)
  typealias F = Unit09Fixtures

  /// Every readout of every row against the unpadded reference, with garbage at padding.
  func testEveryReadoutMatchesTheReference() throws {
    try exercise {
      let outputs = F.outputs(seed: 910)
      for mode in Pooling.allCases {
        let pooled = mode.forward(outputs, lengths: F.lengths, forwardWidth: F.forwardWidth)
          .pooled
        assertEqual(pooled.rows, F.lengths.count, "rows of the \(mode) pooling. \(self.hint)")
        assertEqual(pooled.cols, F.width, "columns of the \(mode) pooling. \(self.hint)")
        guard pooled.rows == F.lengths.count, pooled.cols == F.width else { continue }
        for (b, m) in F.lengths.enumerated() {
          let want = F.pooled(
            F.sentence(outputs, row: b, length: m), mode: mode.rawValue, width: F.width,
            forwardWidth: F.forwardWidth)
          assertClose(
            pooled.rowMatrix(b), want, tolerance: 1e-12,
            "\(mode) pooling of row \(b) (length \(m))",
            hint: "Read only the real positions 0..<m; an empty sentence pools to zeros. "
              + self.hint)
        }
      }
    }
  }

  /// With `forwardWidth = D` (one direction), `last` is the output at the last real position.
  func testLastOfOneDirectionIsTheFinalOutput() throws {
    try exercise {
      let outputs = F.outputs(seed: 911)
      let pooled = Pooling.last.forward(outputs, lengths: F.lengths, forwardWidth: F.width).pooled
      for (b, m) in F.lengths.enumerated() where m > 0 {
        assertClose(
          pooled.rowMatrix(b), outputs[m - 1].rowMatrix(b), tolerance: 0,
          "last pooling of row \(b) (length \(m)) for an encoder in one direction",
          hint: "The forward direction's final state is at position m - 1, not at the last "
            + "step of the batch. " + self.hint)
      }
    }
  }

  /// Columns from `forwardWidth` on come from the backward direction, which ends at position 0.
  func testLastTakesTheBackwardHalfAtTheFirstPosition() throws {
    try exercise {
      let outputs = F.outputs(seed: 912)
      let pooled = Pooling.last.forward(outputs, lengths: F.lengths, forwardWidth: 2).pooled
      for (b, m) in F.lengths.enumerated() where m > 0 {
        assertClose(
          pooled.rowMatrix(b).columns(2..<F.width), outputs[0].rowMatrix(b).columns(2..<F.width),
          tolerance: 0, "backward half of the last pooling of row \(b) (length \(m))",
          hint: "The backward direction has read the whole sentence at position 0. " + self.hint)
        assertClose(
          pooled.rowMatrix(b).columns(0..<2), outputs[m - 1].rowMatrix(b).columns(0..<2),
          tolerance: 0, "forward half of the last pooling of row \(b) (length \(m))",
          hint: self.hint)
      }
    }
  }

  func testGoldenValues() throws {
    try exercise {
      let outputs = F.outputs(seed: 913)
      for (mode, golden) in [
        (Pooling.last, Unit09GoldenValues.lastPooled), (.mean, Unit09GoldenValues.meanPooled),
        (.max, Unit09GoldenValues.maxPooled),
      ] {
        let pooled = mode.forward(outputs, lengths: F.lengths, forwardWidth: F.forwardWidth)
        assertClose(
          pooled.pooled, golden, tolerance: 1e-12, "golden \(mode) pooling", hint: self.hint)
      }
    }
  }

  /// Zeros or garbage at padding: the same result. Negative real values make a max over the
  /// padding's zeros show too.
  func testPaddingIsIgnored() throws {
    try exercise {
      let clean = F.outputs(seed: 914, garbage: false).map { $0 - 6 }
      let noisy = zip(clean, F.outputs(seed: 914)).enumerated().map { t, pair in
        Matrix(rows: pair.0.rows, cols: pair.0.cols) { b, j in
          t < F.lengths[b] ? pair.0[b, j] : pair.1[b, j]
        }
      }
      let zeroPadded = clean.enumerated().map { t, m in
        Matrix(rows: m.rows, cols: m.cols) { b, j in t < F.lengths[b] ? m[b, j] : 0 }
      }
      for mode in Pooling.allCases {
        let a = mode.forward(zeroPadded, lengths: F.lengths, forwardWidth: F.forwardWidth)
        let b = mode.forward(noisy, lengths: F.lengths, forwardWidth: F.forwardWidth)
        assertClose(
          b.pooled, a.pooled, tolerance: 1e-12,
          "\(mode) pooling with garbage instead of zeros at padding",
          hint: "Padding rows are not tokens: neither a mean, a max nor a last state reads "
            + "them. " + self.hint)
        for (r, m) in F.lengths.enumerated() where m > 0 && mode == .max {
          assertTrue(
            (0..<F.width).allSatisfy { a.pooled[r, $0] < 0 },
            "max pooling of row \(r), whose real values are all negative, stays negative "
              + "with zeros at padding. " + self.hint)
        }
      }
    }
  }

  func testEmptyBatchAndEmptySentences() throws {
    try exercise {
      for mode in Pooling.allCases {
        let pooled = mode.forward([], lengths: [0, 0], forwardWidth: 0).pooled
        assertEqual(pooled.rows, 2, "rows of a \(mode) pooling with no steps. \(self.hint)")
        assertClose(
          pooled.sum(), 0, tolerance: 0, "\(mode) pooling of empty sentences", hint: self.hint)
      }
    }
  }
}

/// Exercise 09.2: `Pooling.backward(_:pooledGradient:)`. The caches come from `forward`, so a
/// mistake in 09.1 can fail these tests too.
final class PoolingBackwardTests: XCTestCase {
  let hint = Unit09Fixtures.hint("09.2", "Pooling.backward", section: 2)
  typealias F = Unit09Fixtures

  /// Centered differences of `Σ R ⊙ pooled` at every step's outputs, padding rows included
  /// (their numeric gradient is zero). Gaussian outputs have no ties near the step.
  func testGradientCheckForEveryReadout() throws {
    try exercise {
      let outputs = F.outputs(seed: 920)
      let r = F.projection(rows: F.lengths.count, cols: F.width, seed: 921)
      for mode in Pooling.allCases {
        let forward = mode.forward(outputs, lengths: F.lengths, forwardWidth: F.forwardWidth)
        let gradients = mode.backward(forward.cache, pooledGradient: r)
        assertEqual(gradients.count, outputs.count, "number of \(mode) gradients. \(self.hint)")
        guard gradients.count == outputs.count else { continue }
        for t in outputs.indices {
          assertGradientsMatch(
            GradientCheck.check(input: outputs[t], named: "outputs[\(t)]", analytic: gradients[t]) {
              changed in
              var all = outputs
              all[t] = changed
              return mode.forward(all, lengths: F.lengths, forwardWidth: F.forwardWidth).pooled
                .dot(r)
            }, tolerance: 1e-7, hint: "\(mode) pooling, step \(t). " + self.hint)
        }
      }
    }
  }

  func testPaddingRowsGetZeroGradient() throws {
    try exercise {
      let outputs = F.outputs(seed: 922)
      let r = F.projection(rows: F.lengths.count, cols: F.width, seed: 923)
      for mode in Pooling.allCases {
        let forward = mode.forward(outputs, lengths: F.lengths, forwardWidth: F.forwardWidth)
        let gradients = mode.backward(forward.cache, pooledGradient: r)
        guard gradients.count == outputs.count else {
          fail("\(mode): \(gradients.count) gradients for \(outputs.count) steps. \(self.hint)")
          continue
        }
        for (t, g) in gradients.enumerated() {
          assertEqual(g.rows, F.lengths.count, "rows of the \(mode) gradient at step \(t)")
          assertEqual(g.cols, F.width, "columns of the \(mode) gradient at step \(t)")
          for (b, m) in F.lengths.enumerated() where t >= m && g.rows == F.lengths.count {
            assertClose(
              g.rowMatrix(b), .zeros(1, g.cols), tolerance: 0,
              "\(mode) gradient at padding (row \(b), step \(t), length \(m))", hint: self.hint)
          }
        }
      }
    }
  }

  /// Equal largest values (steps 1 and 3 of row 0, steps 0 and 2 of row 1): the gradient goes
  /// to the earliest of them only (the contract's tie rule), never to both.
  func testMaxTiesSendTheGradientToTheEarliestPosition() throws {
    try exercise {
      let lengths = [4, 3]
      let values: [[[Double]]] = [
        [[0.1, -2, 0.7], [0.5, -1, 0.3]],
        [[0.9, -1, 0.7], [0.9, -4, -0.2]],
        [[0.2, -3, 0.1], [-0.1, -1, 0.3]],
        [[0.9, -1, 0.7], [9, 9, 9]],
      ]
      let outputs = values.map { Matrix($0) }
      let r = Matrix([[1, 2, 3], [4, 5, 6]])
      let forward = Pooling.max.forward(outputs, lengths: lengths, forwardWidth: 3)
      let gradients = Pooling.max.backward(forward.cache, pooledGradient: r)
      let expected: [Matrix] = [
        Matrix([[0, 0, 3], [0, 5, 6]]),
        Matrix([[1, 2, 0], [4, 0, 0]]),
        Matrix([[0, 0, 0], [0, 0, 0]]),
        Matrix([[0, 0, 0], [0, 0, 0]]),
      ]
      for t in 0..<min(gradients.count, expected.count) {
        assertClose(
          gradients[t], expected[t], tolerance: 0, "max gradient at step \(t) with ties",
          hint: "On a tie, the earliest position wins and takes the whole gradient. "
            + self.hint)
      }
      assertEqual(gradients.count, 4, "number of gradients. \(self.hint)")
    }
  }

  /// A one-token sentence: both halves of `last` come from step 0.
  func testLastOfAOneTokenSentence() throws {
    try exercise {
      let outputs = [Matrix([[1, 2, 3, 4]]), Matrix([[5, 6, 7, 8]])]
      let forward = Pooling.last.forward(outputs, lengths: [1], forwardWidth: 2)
      let gradients = Pooling.last.backward(forward.cache, pooledGradient: Matrix([[1, 2, 3, 4]]))
      assertEqual(gradients.count, 2, "number of gradients. \(self.hint)")
      guard gradients.count == 2 else { return }
      assertClose(
        gradients[0], Matrix([[1, 2, 3, 4]]), tolerance: 0,
        "last gradient at step 0 of a one-token sentence", hint: self.hint)
      assertClose(
        gradients[1], Matrix([[0, 0, 0, 0]]), tolerance: 0,
        "last gradient at padding of a one-token sentence", hint: self.hint)
    }
  }
}
