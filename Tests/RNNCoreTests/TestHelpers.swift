import Foundation
import RNNCore
import XCTest

// Shared assertions for the numeric core tests. Every helper forwards `file` and `line`, so a
// failure is reported at the call site in the test, not here.

/// Fails unless `|actual - expected| <= tolerance` (and neither value is NaN).
func assertClose(
  _ actual: Double, _ expected: Double, tolerance: Double, _ message: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  let difference = abs(actual - expected)
  if !(difference <= tolerance) && actual != expected {
    XCTFail(
      "\(formatNumber(actual)) is not within \(formatNumber(tolerance)) of "
        + "\(formatNumber(expected)) (difference \(formatNumber(difference)))"
        + (message.isEmpty ? "" : ": \(message)"),
      file: file, line: line)
  }
}

/// Fails unless `|actual - expected| <= relative * max(|actual|, |expected|)`.
func assertRelativelyClose(
  _ actual: Double, _ expected: Double, relative: Double, _ message: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  let scale = max(abs(actual), abs(expected))
  assertClose(actual, expected, tolerance: relative * scale, message, file: file, line: line)
}

/// Elementwise ``assertClose(_:_:tolerance:_:file:line:)`` for arrays of equal length.
func assertClose(
  _ actual: [Double], _ expected: [Double], tolerance: Double, _ message: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  guard actual.count == expected.count else {
    XCTFail(
      "lengths differ: \(actual.count) vs \(expected.count)"
        + (message.isEmpty ? "" : ": \(message)"),
      file: file, line: line)
    return
  }
  for (k, (a, e)) in zip(actual, expected).enumerated() {
    let prefix = "element \(k)" + (message.isEmpty ? "" : " (\(message))")
    assertClose(a, e, tolerance: tolerance, prefix, file: file, line: line)
  }
}

/// Fails unless both matrices have the same shape and every element is within `tolerance`.
/// Reports only the worst element, so one wrong matrix gives one readable failure.
func assertClose(
  _ actual: Matrix, _ expected: Matrix, tolerance: Double, _ message: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  let suffix = message.isEmpty ? "" : ": \(message)"
  guard actual.rows == expected.rows && actual.cols == expected.cols else {
    XCTFail(
      "shape \(actual.shapeDescription) differs from \(expected.shapeDescription)\(suffix)",
      file: file, line: line)
    return
  }
  var worst = 0
  var worstDifference = -1.0
  for k in 0..<actual.count {
    let a = actual.storage[k]
    let e = expected.storage[k]
    let difference = a == e ? 0 : abs(a - e)
    let ranked = difference.isNaN ? Double.infinity : difference
    if ranked > worstDifference {
      worst = k
      worstDifference = ranked
    }
  }
  if worstDifference > tolerance {
    let (i, j) = (worst / actual.cols, worst % actual.cols)
    XCTFail(
      "element (\(i), \(j)) is \(formatNumber(actual.storage[worst])), expected "
        + "\(formatNumber(expected.storage[worst])) (tolerance \(formatNumber(tolerance)))"
        + suffix,
      file: file, line: line)
  }
}

/// Pearson's chi-square statistic of observed `counts` against expected `probabilities`.
func chiSquare(_ counts: [Int], probabilities: [Double]) -> Double {
  let total = Double(counts.reduce(0, +))
  var statistic = 0.0
  for (observed, p) in zip(counts, probabilities) {
    let expected = total * p
    statistic += (Double(observed) - expected) * (Double(observed) - expected) / expected
  }
  return statistic
}

/// Runs `body` on its own thread under an ``ExerciseGate`` and returns the message of the kit
/// precondition it broke, or `nil` if it ran to the end.
///
/// A thread that breaks a precondition is parked for good by the gate, so call this only a
/// handful of times in the whole suite.
func preconditionMessage(_ body: @escaping () -> Void) -> String? {
  let gate = ExerciseGate()
  let box = SendableBox(body)
  let thread = Thread {
    gate.install()
    box.value()
    gate.finish(.completed)
  }
  thread.start()
  switch gate.wait() {
  case .preconditionFailed(let message, _, _):
    return message
  case .completed, .notImplemented:
    return nil
  }
}

/// Fails unless `body` breaks a kit precondition whose message contains every string in
/// `fragments`.
func assertPreconditionFails(
  containing fragments: [String], file: StaticString = #filePath, line: UInt = #line,
  _ body: @escaping () -> Void
) {
  guard let message = preconditionMessage(body) else {
    XCTFail("expected a precondition failure, but the body ran to the end", file: file, line: line)
    return
  }
  for fragment in fragments where !message.contains(fragment) {
    XCTFail("message \"\(message)\" does not mention \"\(fragment)\"", file: file, line: line)
  }
}

/// Lets a closure cross to the gate's thread; the caller waits for that thread, so the closure
/// never runs concurrently with anything that touches its captures.
private final class SendableBox<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
