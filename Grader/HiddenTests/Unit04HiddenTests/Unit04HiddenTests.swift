import CourseTestSupport
import Foundation
import RNNCore
import XCTest

import struct Unit02.ElmanCell
import enum Unit04.GradientClipping

/// Hidden tests of unit 04 (gradient clipping and the IRNN). They check global-norm clipping on
/// a gradient of another `Parameterized` type (an Elman cell's blocks) for idempotence and for a
/// threshold exactly at the norm, and on blocks of single elements below and above the
/// threshold; value clipping with elements exactly at and beyond both bounds, and its
/// idempotence; and the IRNN initialization with more inputs than hidden units, a recurrent
/// scale below 1 and a larger input standard deviation, including a step computed in the test
/// that must shrink a positive state by the scale.
final class Unit04HiddenTests: XCTestCase {
  func testGlobalNormClippingIsIdempotentAndExactAtTheThreshold() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(4401))
      let original = ElmanCell(
        recurrentWeight: .gaussian(3, 3, std: 50, rng: &rng),
        inputWeight: .gaussian(3, 7, std: 0.01, rng: &rng), bias: Matrix([[-1e3, 0, 2e3]]),
        activation: .relu)
      let norm = original.globalNorm
      var once = original
      let first = GradientClipping.clipByGlobalNorm(&once, threshold: 2.5)
      assertClose(first, norm, tolerance: 1e-12, "norm returned by the first clipping")
      assertClose(once.globalNorm, 2.5, tolerance: 1e-12, "norm after clipping")
      for ((name, before), (_, after)) in zip(original.namedParameters, once.namedParameters) {
        assertClose(after, before * (2.5 / norm), tolerance: 1e-12, "block \(name)")
      }
      assertEqual(once.activation, .relu, "clipping changes only the parameter blocks")
      var twice = once
      let second = GradientClipping.clipByGlobalNorm(&twice, threshold: 2.5)
      assertClose(second, 2.5, tolerance: 1e-12, "norm returned by the second clipping")
      for ((name, a), (_, b)) in zip(once.namedParameters, twice.namedParameters) {
        assertClose(b, a, tolerance: 1e-12, "block \(name) clipped twice")
      }
      // A threshold equal to the norm leaves the gradient as it is (up to rounding: the
      // implementation's own norm may differ from this one in the last bit).
      var exact = original
      GradientClipping.clipByGlobalNorm(&exact, threshold: norm)
      assertSameBlocks(exact, original, tolerance: 1e-12, "‖g‖ = threshold: nothing to clip")
      assertEqual(exact.activation, original.activation, "‖g‖ = threshold: activation")
      // Single elements: (3, -4) has norm 5; below a threshold of 7 it stays, clipped to 0.5
      // it becomes (0.3, -0.4).
      var tiny = ParameterStore([("p", Matrix([[3]])), ("q", Matrix([[-4]]))])
      let untouched = tiny
      assertClose(
        GradientClipping.clipByGlobalNorm(&tiny, threshold: 7), 5, tolerance: 1e-12,
        "norm of (3, -4) below the threshold")
      assertSameBlocks(tiny, untouched, "‖g‖ = 5 < 7: nothing to clip")
      let returned = GradientClipping.clipByGlobalNorm(&tiny, threshold: 0.5)
      assertClose(returned, 5, tolerance: 1e-12, "norm of (3, -4)")
      assertClose(tiny["p"], Matrix([[0.3]]), tolerance: 1e-12, "p")
      assertClose(tiny["q"], Matrix([[-0.4]]), tolerance: 1e-12, "q")
    }
  }

  func testValueClippingAtTheBoundsAndIdempotence() throws {
    try exercise {
      let original = ParameterStore([
        ("w", Matrix([[0.75, -0.75, 0.7499], [-2e6, 3, -0.75000001]])),
        ("v", Matrix([[-1e-9], [.leastNonzeroMagnitude], [-0.8]])),
      ])
      var g = original
      let returned = GradientClipping.clipByValue(&g, threshold: 0.75)
      assertClose(returned, original.globalNorm, tolerance: 1e-12, "norm before clipping")
      assertClose(
        g["w"], Matrix([[0.75, -0.75, 0.7499], [-0.75, 0.75, -0.75]]), tolerance: 0,
        "elements at ±0.75 stay, the others are limited to ±0.75")
      assertClose(
        g["v"], Matrix([[-1e-9], [.leastNonzeroMagnitude], [-0.75]]), tolerance: 0,
        "small elements stay exactly as they were")
      var again = g
      let second = GradientClipping.clipByValue(&again, threshold: 0.75)
      assertSameBlocks(again, g, "clipping a clipped gradient changes nothing")
      assertClose(second, g.globalNorm, tolerance: 1e-12, "norm returned by the second clipping")
      // A generous threshold leaves everything, however large, untouched.
      var wide = original
      GradientClipping.clipByValue(&wide, threshold: 1e7)
      assertSameBlocks(wide, original, "threshold 1e7: nothing to clip")
    }
  }

  func testIdentityReLUWithMoreInputsThanUnitsAndAScaleBelowOne() throws {
    try exercise {
      var rng = RandomSource(seed: gradingSeed(4403))
      let cell = ElmanCell.identityReLU(
        inputSize: 7, hiddenSize: 2, inputStd: 0.2, recurrentScale: 0.9, rng: &rng)
      assertClose(
        cell.recurrentWeight, Matrix([[0.9, 0], [0, 0.9]]), tolerance: 0, "W_hh = 0.9 I (2x2)")
      assertEqual(cell.inputWeight.shapeDescription, "2x7", "W_hx is H x E = 2x7")
      assertClose(cell.bias, .zeros(1, 2), tolerance: 0, "b = 0")
      assertEqual(cell.activation, .relu, "ReLU units")
      // With no input, one step maps a positive state h to relu(0.9 h) = 0.9 h.
      let h = Matrix([[0.5, 2.0]])
      let z = h.matmul(cell.recurrentWeight, transposeOther: true).adding(rowVector: cell.bias)
      assertClose(z.relu(), h * 0.9, tolerance: 1e-15, "a step with x = 0")

      var again = RandomSource(seed: gradingSeed(4403))
      let same = ElmanCell.identityReLU(
        inputSize: 7, hiddenSize: 2, inputStd: 0.2, recurrentScale: 0.9, rng: &again)
      // Two calls of the exercise: equal up to rounding (under the grader, `cell` is the
      // reference solution's).
      assertSameBlocks(same, cell, tolerance: 1e-12, "the generator alone decides the weights")
      assertEqual(same.activation, cell.activation, "the generator alone decides the activation")

      let wide = ElmanCell.identityReLU(
        inputSize: 60, hiddenSize: 40, inputStd: 0.2, recurrentScale: 0.9, rng: &rng)
      let w = wide.inputWeight
      let mean = w.mean()
      let std = (w.map { ($0 - mean) * ($0 - mean) }.mean()).squareRoot()
      assertLess(abs(mean), 4 * 0.2 / Double(w.count).squareRoot(), "mean of W_hx")
      assertEqual(std, 0.2, accuracy: 0.012, "standard deviation of W_hx (inputStd 0.2)")
      assertClose(
        wide.recurrentWeight, .identity(40, scale: 0.9), tolerance: 0, "W_hh = 0.9 I (40x40)")
    }
  }
}

/// Asserts that two sets of parameters hold the same blocks in the same order with values equal
/// to `tolerance` (0: identical, what `==` checks), so that every element reaches the grader.
private func assertSameBlocks(
  _ actual: some Parameterized, _ expected: some Parameterized, tolerance: Double = 0,
  _ what: String, file: StaticString = #filePath, line: UInt = #line
) {
  let names = actual.namedParameters.map(\.name)
  let expectedNames = expected.namedParameters.map(\.name)
  assertEqual(names, expectedNames, "\(what): block names", file: file, line: line)
  guard names == expectedNames else { return }
  for ((name, a), (_, e)) in zip(actual.namedParameters, expected.namedParameters) {
    assertClose(a, e, tolerance: tolerance, "\(what): block \(name)", file: file, line: line)
  }
}
