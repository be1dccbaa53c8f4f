import RNNCore
import XCTest

/// Asserts that two numbers agree to a relative tolerance:
/// `|actual - expected| <= tolerance * max(1, |expected|)`.
public func assertClose(
  _ actual: Double, _ expected: Double, tolerance: Double = 1e-9, _ what: String = "value",
  hint: String = "", file: StaticString = #filePath, line: UInt = #line
) {
  let bound = tolerance * Swift.max(1, abs(expected))
  if !(abs(actual - expected) <= bound) {
    XCTFail(
      "\(what): expected \(formatNumber(expected)), got \(formatNumber(actual)) "
        + "(tolerance \(formatNumber(bound)))" + (hint.isEmpty ? "" : ". \(hint)"),
      file: file, line: line)
  }
}

/// Asserts that a matrix has the expected shape and values (relative tolerance per element,
/// as in ``assertClose(_:_:tolerance:_:hint:file:line:)``). A failure shows the shape or the
/// first wrong element with both values.
public func assertClose(
  _ actual: Matrix, _ expected: Matrix, tolerance: Double = 1e-9, _ what: String = "matrix",
  hint: String = "", file: StaticString = #filePath, line: UInt = #line
) {
  let suffix = hint.isEmpty ? "" : ". \(hint)"
  guard actual.rows == expected.rows && actual.cols == expected.cols else {
    XCTFail(
      "\(what): expected shape \(expected.shapeDescription), got \(actual.shapeDescription)"
        + suffix, file: file, line: line)
    return
  }
  var wrong = 0
  var first: (Int, Int)?
  for i in 0..<expected.rows {
    for j in 0..<expected.cols {
      let a = actual[i, j]
      let e = expected[i, j]
      if !(abs(a - e) <= tolerance * Swift.max(1, abs(e))) {
        wrong += 1
        if first == nil { first = (i, j) }
      }
    }
  }
  if let (i, j) = first {
    XCTFail(
      "\(what): \(wrong) of \(expected.count) elements differ; first at (\(i), \(j)): expected "
        + "\(formatNumber(expected[i, j])), got \(formatNumber(actual[i, j]))" + suffix,
      file: file, line: line)
  }
}

/// Asserts that a gradient check passed: every block's maximum relative error is at most
/// `tolerance`. A failure names each bad block, the worst index and both values.
public func assertGradientsMatch(
  _ result: GradientCheckResult, tolerance: Double, hint: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  let bad = result.failures(tolerance: tolerance)
  if !bad.isEmpty {
    XCTFail(
      "gradient check failed (tolerance \(formatNumber(tolerance))):\n  "
        + bad.map(\.summary).joined(separator: "\n  ") + (hint.isEmpty ? "" : "\n\(hint)"),
      file: file, line: line)
  }
}

/// Asserts that every element of a matrix is finite.
public func assertFinite(
  _ m: Matrix, _ what: String = "matrix", file: StaticString = #filePath, line: UInt = #line
) {
  if let k = m.storage.firstIndex(where: { !$0.isFinite }) {
    XCTFail(
      "\(what): element (\(k / Swift.max(m.cols, 1)), \(k % Swift.max(m.cols, 1))) is "
        + "\(formatNumber(m.storage[k])); expected every element to be finite",
      file: file, line: line)
  }
}

/// Asserts that a number is finite.
public func assertFinite(
  _ x: Double, _ what: String = "value", file: StaticString = #filePath, line: UInt = #line
) {
  if !x.isFinite {
    XCTFail("\(what) is \(formatNumber(x)); expected a finite number", file: file, line: line)
  }
}
