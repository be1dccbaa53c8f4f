import CourseTestSupport
import RNNCore
import XCTest

import func Unit07.reversedWithinLengths

/// Exercise 07.1: `reversedWithinLengths`. Every entry encodes its own step, row and column
/// (`100 t + 10 b + j`), so a wrong source step or row shows in the message; the results are
/// copies, so they are compared exactly.
final class ReversalTests: XCTestCase {
  let hint =
    "Check reversedWithinLengths (exercise 07.1, \(LayerFixtures.lecture) §2)."

  /// `T` matrices `B x width` with entry `(b, j)` of step `t` equal to `100 t + 10 b + j`.
  func encoded(steps: Int, batch: Int, width: Int) -> [Matrix] {
    (0..<steps).map { t in
      Matrix(rows: batch, cols: width) { b, j in Double(100 * t + 10 * b + j) }
    }
  }

  func testEachRowIsReversedWithinItsOwnLength() throws {
    try exercise {
      let lengths = [5, 1, 3, 0, 4]
      let sequence = self.encoded(steps: 5, batch: 5, width: 2)
      let result = reversedWithinLengths(sequence, lengths: lengths)
      assertEqual(result.count, 5, "number of steps. \(self.hint)")
      guard result.count == 5 else { return }
      for t in 0..<5 {
        let expected = Matrix(rows: 5, cols: 2) { b, j in
          let source = t < lengths[b] ? lengths[b] - 1 - t : t
          return Double(100 * source + 10 * b + j)
        }
        assertClose(
          result[t], expected, tolerance: 0, "step \(t) for lengths \(lengths)",
          hint: "Row b at a real step t < n (n = lengths[b]) comes from step n - 1 - t of the "
            + "same row; padding rows stay where they are. " + self.hint)
      }
    }
  }

  func testTheDocumentedExample() throws {
    try exercise {
      // Lengths [3, 2], T = 3: row 0 reads steps 2, 1, 0 and row 1 reads steps 1, 0, 2.
      let sequence = self.encoded(steps: 3, batch: 2, width: 1)
      let result = reversedWithinLengths(sequence, lengths: [3, 2])
      let expected: [[Double]] = [[200, 110], [100, 10], [0, 210]]
      assertEqual(result.count, 3, "number of steps. \(self.hint)")
      for t in 0..<min(3, result.count) {
        assertClose(
          result[t], Matrix(column: expected[t]), tolerance: 0, "step \(t) for lengths [3, 2]",
          hint: self.hint)
      }
    }
  }

  func testReversingTwiceGivesTheSequenceBack() throws {
    try exercise {
      let lengths = LayerFixtures.lengths
      let sequence = LayerFixtures.inputs()
      let twice = reversedWithinLengths(
        reversedWithinLengths(sequence, lengths: lengths), lengths: lengths)
      assertEqual(twice.count, sequence.count, "number of steps. \(self.hint)")
      for t in 0..<min(twice.count, sequence.count) {
        assertClose(
          twice[t], sequence[t], tolerance: 0, "step \(t) reversed twice",
          hint: "Reversal within the lengths is its own inverse. " + self.hint)
      }
    }
  }

  func testFullLengthsReverseTheWholeSequenceAndEmptyRowsStayPut() throws {
    try exercise {
      let sequence = self.encoded(steps: 4, batch: 2, width: 3)
      let full = reversedWithinLengths(sequence, lengths: [4, 4])
      let none = reversedWithinLengths(sequence, lengths: [0, 0])
      assertEqual(full.count, 4, "number of steps. \(self.hint)")
      assertEqual(none.count, 4, "number of steps. \(self.hint)")
      guard full.count == 4, none.count == 4 else { return }
      for t in 0..<4 {
        assertClose(
          full[t], sequence[3 - t], tolerance: 0, "step \(t) with every length T = 4",
          hint: self.hint)
        assertClose(
          none[t], sequence[t], tolerance: 0, "step \(t) with every length 0",
          hint: "An empty sequence has only padding, which stays in place. " + self.hint)
      }
    }
  }

  func testAnEmptyBatchOfStepsGivesNoSteps() throws {
    try exercise {
      let result = reversedWithinLengths([], lengths: [])
      assertEqual(result.count, 0, "T = 0 with no rows. \(self.hint)")
    }
  }
}
