import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import enum Unit04.GradientClipping

/// Exercise 04.1: `GradientClipping.clipByGlobalNorm`.
final class GlobalNormClippingTests: XCTestCase {
  let hint =
    "Check GradientClipping.clipByGlobalNorm (exercise 04.1, "
    + "Lectures/04-gradient-clipping.md §2)."

  func testLargeGradientIsRescaledToTheThreshold() throws {
    try exercise {
      let original = Fixtures.gradients()
      let norm = original.globalNorm
      var clipped = original
      let returned = GradientClipping.clipByGlobalNorm(&clipped, threshold: norm / 4)
      assertClose(
        returned, norm, tolerance: 1e-12, "the returned norm",
        hint: "Return ‖g‖ "
          + "before clipping. " + self.hint)
      assertClose(
        clipped.globalNorm, norm / 4, tolerance: 1e-12, "‖g‖ after clipping",
        hint: "The clipped gradient has norm exactly the threshold. " + self.hint)
      for (name, block) in original.namedParameters {
        assertClose(
          clipped[name], block / 4, tolerance: 1e-12, "block \(name) after clipping",
          hint: "Every block is scaled by the same factor threshold / ‖g‖. " + self.hint)
      }
    }
  }

  func testBlocksWithDifferentNormsShareOneFactor() throws {
    try exercise {
      // Two blocks of norms 3 and 4: the global norm is 5. Clipped to 1, they become 0.6 and
      // 0.8; clipping each block on its own would make both 1 and turn the direction.
      var g = ParameterStore([("a", Matrix([[3, 0]])), ("b", Matrix([[0], [4]]))])
      GradientClipping.clipByGlobalNorm(&g, threshold: 1)
      assertClose(
        g["a"], Matrix([[0.6, 0]]), tolerance: 1e-12, "block a (norm 3 of 5)",
        hint: "Use the global norm over all blocks, not each block's own norm. " + self.hint)
      assertClose(
        g["b"], Matrix([[0], [0.8]]), tolerance: 1e-12, "block b (norm 4 of 5)",
        hint: "Use the global norm over all blocks, not each block's own norm. " + self.hint)
    }
  }

  func testSmallGradientIsLeftExactlyAsItIs() throws {
    try exercise {
      let original = Fixtures.gradients()
      var g = original
      let returned = GradientClipping.clipByGlobalNorm(&g, threshold: original.globalNorm * 1.01)
      assertSameBlocks(
        g, original, "a gradient below the threshold must not change", hint: self.hint)
      assertClose(
        returned, original.globalNorm, tolerance: 1e-12, "the returned norm", hint: self.hint)
    }
  }

  func testPropertiesHoldForRandomGradients() throws {
    try exercise {
      var rng = RandomSource(seed: 4010)
      for trial in 0..<300 {
        let original = Fixtures.randomGradients(&rng)
        let norm = original.globalNorm
        let threshold = norm * pow(10, rng.uniform(-3, 1))
        var g = original
        let returned = GradientClipping.clipByGlobalNorm(&g, threshold: threshold)
        let label =
          "case \(trial): ‖g‖ = \(formatNumber(norm)), threshold \(formatNumber(threshold))"
        assertClose(returned, norm, tolerance: 1e-12, "\(label): returned norm", hint: self.hint)
        assertLessOrEqual(
          g.globalNorm, threshold * (1 + 1e-12),
          "\(label): the clipped norm, at most the threshold. \(self.hint)")
        assertClose(
          Fixtures.cosine(g, original), 1, tolerance: 1e-12, "\(label): cosine(clipped, g)",
          hint: "Norm clipping keeps the direction. " + self.hint)
        if norm <= threshold {
          // Within rounding of the norm, a correct implementation may compute a norm just
          // above the threshold and scale by 1 - ε: compare to 1e-12 there.
          assertSameBlocks(
            g, original, tolerance: threshold < norm * (1 + 1e-9) ? 1e-12 : 0,
            "\(label): unchanged below the threshold", hint: self.hint)
        }
      }
    }
  }

  func testThresholdEqualToTheNormLeavesTheGradient() throws {
    try exercise {
      // ‖g‖ = threshold is not above it: nothing to clip. The implementation's own norm may
      // differ from the test's in the last bit, so compare to 1e-12 rather than bit for bit.
      for original in [Fixtures.gradients(), ParameterStore([("p", Matrix([[3, -4]]))])] {
        let norm = original.globalNorm
        var g = original
        let returned = GradientClipping.clipByGlobalNorm(&g, threshold: norm)
        assertClose(
          returned, norm, tolerance: 1e-12, "‖g‖ = threshold: the returned norm", hint: self.hint)
        assertSameBlocks(
          g, original, tolerance: 1e-12, "‖g‖ = threshold: the gradient stays as it is",
          hint: "Clip only when ‖g‖ > threshold. " + self.hint)
      }
    }
  }

  func testZeroGradientStaysZero() throws {
    try exercise {
      var g = ParameterStore([("w", .zeros(2, 3))])
      let returned = GradientClipping.clipByGlobalNorm(&g, threshold: 1)
      assertEqual(returned, 0, "‖0‖ = 0. \(self.hint)")
      assertClose(
        g["w"], .zeros(2, 3), tolerance: 0, "a zero gradient stays zero (no NaN)", hint: self.hint)
    }
  }
}

/// Exercise 04.2: `GradientClipping.clipByValue`.
final class ValueClippingTests: XCTestCase {
  let hint =
    "Check GradientClipping.clipByValue (exercise 04.2, Lectures/04-gradient-clipping.md §3)."

  func testClipsEachElementToTheRangeAndKeepsTheRest() throws {
    try exercise {
      var g = ParameterStore([
        ("a", Matrix([[0.5, -2, 1], [3, -1, -0.25]])), ("b", Matrix([[-7, 0]])),
      ])
      let returned = GradientClipping.clipByValue(&g, threshold: 1)
      assertClose(
        returned, (0.25 + 4 + 1 + 9 + 1 + 0.0625 + 49).squareRoot(), tolerance: 1e-12,
        "the returned norm", hint: "Return ‖g‖ before clipping. " + self.hint)
      assertClose(
        g["a"], Matrix([[0.5, -1, 1], [1, -1, -0.25]]), tolerance: 0, "block a",
        hint: "entries beyond ±1 become ±1, the others stay exactly as they were. " + self.hint)
      assertClose(
        g["b"], Matrix([[-1, 0]]), tolerance: 0, "block b",
        hint: "every block is clipped. " + self.hint)
    }
  }

  func testPropertiesHoldForRandomGradients() throws {
    try exercise {
      var rng = RandomSource(seed: 4020)
      for trial in 0..<300 {
        let original = Fixtures.randomGradients(&rng)
        let threshold = original.namedParameters[0].value.maxAbs() * rng.uniform(0.1, 1.5)
        var g = original
        let returned = GradientClipping.clipByValue(&g, threshold: threshold)
        assertClose(
          returned, original.globalNorm, tolerance: 1e-12, "case \(trial): returned norm",
          hint: self.hint)
        for ((name, before), (_, after)) in zip(original.namedParameters, g.namedParameters) {
          var expected = before
          for k in 0..<before.count {
            let x = before.storage[k]
            expected.storage[k] = abs(x) <= threshold ? x : (x > 0 ? threshold : -threshold)
          }
          assertClose(
            after, expected, tolerance: 0, "case \(trial), block \(name): clipped values",
            hint: "each element clipped to ±\(formatNumber(threshold)). \(self.hint)")
        }
      }
    }
  }
}
