import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum Unit02.SequenceLoss

/// Exercise 02.3: `SequenceLoss.meanCrossEntropy`, the mean over every sequence and step.
final class SequenceLossTests: XCTestCase {
  let hint = "Check SequenceLoss.meanCrossEntropy (exercise 02.3, Lectures/02-elman-rnn.md §5)."

  /// Three steps of 2x5 logits (`T = 3`, `B = 2`) with large spreads.
  static func logits() -> [Matrix] {
    var rng = RandomSource(seed: 2005)
    return (0..<3).map { _ in Matrix.gaussian(2, 5, std: 2, rng: &rng) }
  }

  func testLossMatchesGoldenValue() throws {
    try exercise {
      let loss = SequenceLoss.meanCrossEntropy(logits: Self.logits(), targets: Fixtures.targets)
      assertClose(loss, 1.7244895464868193, "mean cross-entropy", hint: self.hint)
    }
  }

  func testAveragesOverEverySequenceAndStep() throws {
    try exercise {
      let logits = Self.logits()
      // The kit's own per-step loss (summed over the batch), added up over time.
      var total = 0.0
      for t in 0..<3 {
        total += CrossEntropy.loss(
          logits: logits[t], targets: Fixtures.targets.map { $0[t] }, reduction: .sum)
      }
      assertClose(
        SequenceLoss.meanCrossEntropy(logits: logits, targets: Fixtures.targets), total / 6,
        "mean cross-entropy over B = 2 sequences and T = 3 steps",
        hint: "Divide the summed loss by B·T, the number of predicted tokens; targets[b][t] is "
          + "the target of row b of logits[t]. " + self.hint)
    }
  }

  func testEqualLogitsCostLogV() throws {
    try exercise {
      let logits = [Matrix](repeating: .zeros(2, 7), count: 4)
      let targets = [[0, 6, 3, 2], [1, 1, 5, 4]]
      assertClose(
        SequenceLoss.meanCrossEntropy(logits: logits, targets: targets), log(7.0),
        "loss of uniform predictions over 7 tokens", hint: self.hint)
    }
  }

  func testIsFiniteAndRightAtExtremeLogits() throws {
    try exercise {
      // Step 0: both rows certain and right (loss 0). Step 1: row 0 misses by 2000, row 1 by
      // 1000. Mean: 3000 / 4 = 750.
      let logits = [
        Matrix([[1000, -1000, 0], [0, 1000, -1000]]),
        Matrix([[1000, -1000, 0], [-1000, 0, 1000]]),
      ]
      let loss = SequenceLoss.meanCrossEntropy(logits: logits, targets: [[0, 1], [1, 1]])
      assertFinite(loss, "loss at logits ±1000")
      assertClose(
        loss, 750, "loss at logits ±1000",
        hint: "Compute log-softmax through log-sum-exp; log(softmax) underflows to log 0. "
          + self.hint)
    }
  }
}

/// Exercise 02.4: `SequenceLoss.perplexity`.
final class PerplexityTests: XCTestCase {
  let hint = "Check SequenceLoss.perplexity (exercise 02.4, Lectures/02-elman-rnn.md §5)."

  func testUniformModelHasPerplexityV() throws {
    try exercise {
      for v in [2, 10, 10_000] {
        assertClose(
          SequenceLoss.perplexity(meanCrossEntropy: log(Double(v))), Double(v),
          tolerance: 1e-12, "perplexity of a uniform guess over \(v) tokens",
          hint: "The loss is in nats (natural log), so perplexity is e^J. " + self.hint)
      }
    }
  }

  func testCertainModelHasPerplexityOne() throws {
    try exercise {
      assertClose(
        SequenceLoss.perplexity(meanCrossEntropy: 0), 1, "perplexity of loss 0", hint: self.hint)
    }
  }

  func testMatchesGoldenValue() throws {
    try exercise {
      assertClose(
        SequenceLoss.perplexity(meanCrossEntropy: 1.75), 5.754602676005731, tolerance: 1e-12,
        "perplexity of 1.75 nats", hint: self.hint)
    }
  }
}
