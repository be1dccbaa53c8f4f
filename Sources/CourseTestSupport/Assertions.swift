import RNNCore
import XCTest

// Every assertion of a course test goes through these helpers (never raw `XCTAssert*`): they
// fail the test in `swift test` as usual, and under the class grader they also report the
// values that reached them (see `Transcript`), which is what the grader judges.

/// Asserts that two numbers agree to a relative tolerance:
/// `|actual - expected| <= tolerance * max(1, |expected|)`.
public func assertClose(
  _ actual: Double, _ expected: Double, tolerance: Double = 1e-9, _ what: String = "value",
  hint: String = "", file: StaticString = #filePath, line: UInt = #line
) {
  Transcript.write([
    "k": "close", "l": what, "a": Transcript.text([actual]), "e": Transcript.text([expected]),
    "s": [1, 1], "es": [1, 1], "t": "\(tolerance)", "m": "rel",
  ])
  let bound = tolerance * Swift.max(1, abs(expected))
  if !(abs(actual - expected) <= bound) {
    XCTFail(
      "\(what): expected \(formatNumber(expected)), got \(formatNumber(actual)) "
        + "(difference \(formatNumber(actual - expected)), tolerance \(formatNumber(bound)))"
        + (hint.isEmpty ? "" : ". \(hint)"),
      file: file, line: line)
  }
}

/// Asserts that two numbers agree to an absolute tolerance: `|actual - expected| <= accuracy`.
public func assertEqual(
  _ actual: Double, _ expected: Double, accuracy: Double, _ what: String = "value",
  file: StaticString = #filePath, line: UInt = #line
) {
  Transcript.write([
    "k": "close", "l": what, "a": Transcript.text([actual]), "e": Transcript.text([expected]),
    "s": [1, 1], "es": [1, 1], "t": "\(accuracy)", "m": "abs",
  ])
  if !(abs(actual - expected) <= accuracy) {
    XCTFail(
      "\(what): expected \(formatNumber(expected)) ± \(formatNumber(accuracy)), got "
        + "\(formatNumber(actual))", file: file, line: line)
  }
}

/// Asserts that a matrix has the expected shape and values (relative tolerance per element,
/// as in ``assertClose(_:_:tolerance:_:hint:file:line:)``). A failure shows the shape or the
/// first wrong element with both values and their difference.
public func assertClose(
  _ actual: Matrix, _ expected: Matrix, tolerance: Double = 1e-9, _ what: String = "matrix",
  hint: String = "", file: StaticString = #filePath, line: UInt = #line
) {
  Transcript.write([
    "k": "close", "l": what, "a": Transcript.text(actual.storage),
    "e": Transcript.text(expected.storage), "s": [actual.rows, actual.cols],
    "es": [expected.rows, expected.cols], "t": "\(tolerance)", "m": "rel",
  ])
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
        + "\(formatNumber(expected[i, j])), got \(formatNumber(actual[i, j])) (difference "
        + "\(formatNumber(actual[i, j] - expected[i, j])))" + suffix,
      file: file, line: line)
  }
}

/// Asserts that a gradient check passed: every block's maximum relative error is at most
/// `tolerance`. A failure names each bad block, the worst index and both values.
public func assertGradientsMatch(
  _ result: GradientCheckResult, tolerance: Double, hint: String = "",
  file: StaticString = #filePath, line: UInt = #line
) {
  let blocks: [[String: Any]] = result.blocks.map { block in
    [
      "name": block.name, "s": [block.rows, block.cols], "i": block.indices,
      "a": Transcript.text(block.analyticValues), "n": Transcript.text(block.numericValues),
      "f": Transcript.text(block.floors),
    ]
  }
  Transcript.write([
    "k": "gradient", "l": "gradient check", "t": "\(tolerance)", "blocks": blocks,
  ])
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
  let bad = m.storage.firstIndex(where: { !$0.isFinite })
  Transcript.write(["k": "true", "l": "\(what) is finite", "a": bad == nil])
  if let k = bad {
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
  Transcript.write(["k": "true", "l": "\(what) is finite", "a": x.isFinite])
  if !x.isFinite {
    XCTFail("\(what) is \(formatNumber(x)); expected a finite number", file: file, line: line)
  }
}

/// Asserts that two values are equal (for counts, tokens, indices and other exact results).
public func assertEqual<T: Equatable>(
  _ actual: T, _ expected: T, _ what: String = "value", file: StaticString = #filePath,
  line: UInt = #line
) {
  reportEqual(
    actual == expected, String(describing: actual), String(describing: expected), what,
    file: file, line: line)
}

/// Asserts that two sets are equal; reported in a fixed order.
public func assertEqual<Element: Hashable>(
  _ actual: Set<Element>, _ expected: Set<Element>, _ what: String = "value",
  file: StaticString = #filePath, line: UInt = #line
) {
  func text(_ set: Set<Element>) -> String {
    "[" + set.map { String(describing: $0) }.sorted().joined(separator: ", ") + "]"
  }
  reportEqual(actual == expected, text(actual), text(expected), what, file: file, line: line)
}

/// Asserts that two dictionaries are equal; reported in a fixed key order.
public func assertEqual<Key: Hashable, Value: Equatable>(
  _ actual: [Key: Value], _ expected: [Key: Value], _ what: String = "value",
  file: StaticString = #filePath, line: UInt = #line
) {
  func text(_ dictionary: [Key: Value]) -> String {
    "["
      + dictionary.map { "\(String(describing: $0.key)): \(String(describing: $0.value))" }
      .sorted().joined(separator: ", ") + "]"
  }
  reportEqual(actual == expected, text(actual), text(expected), what, file: file, line: line)
}

func reportEqual(
  _ equal: Bool, _ actual: String, _ expected: String, _ what: String, file: StaticString,
  line: UInt
) {
  Transcript.write(["k": "equal", "l": what, "a": actual, "e": expected])
  if !equal {
    XCTFail("\(what): expected \(expected), got \(actual)", file: file, line: line)
  }
}

/// Asserts that a condition holds.
public func assertTrue(
  _ condition: Bool, _ what: String = "condition", file: StaticString = #filePath,
  line: UInt = #line
) {
  Transcript.write(["k": "true", "l": what, "a": condition])
  if !condition { XCTFail("\(what): expected true, got false", file: file, line: line) }
}

/// Asserts that a condition does not hold.
public func assertFalse(
  _ condition: Bool, _ what: String = "condition", file: StaticString = #filePath,
  line: UInt = #line
) {
  assertTrue(!condition, "not: \(what)", file: file, line: line)
}

/// Fails the test with a message (for a path a correct implementation never takes).
public func fail(_ what: String, file: StaticString = #filePath, line: UInt = #line) {
  Transcript.write(["k": "fail", "l": what])
  XCTFail(what, file: file, line: line)
}

/// How ``assertOrdered(_:_:_:_:file:line:)`` compares.
public enum Ordering: String, Sendable {
  case less = "<"
  case lessOrEqual = "<="
  case greater = ">"
  case greaterOrEqual = ">="

  func holds(_ a: Double, _ b: Double) -> Bool {
    switch self {
    case .less: return a < b
    case .lessOrEqual: return a <= b
    case .greater: return a > b
    case .greaterOrEqual: return a >= b
    }
  }
}

/// Asserts `actual <op> bound`, for thresholds (a perplexity below a bound, an accuracy above
/// one). The grader takes the bound from the reference run and judges the student's value.
public func assertOrdered(
  _ actual: Double, _ ordering: Ordering, _ bound: Double, _ what: String = "value",
  file: StaticString = #filePath, line: UInt = #line
) {
  Transcript.write([
    "k": "order", "l": what, "a": Transcript.text([actual]), "e": Transcript.text([bound]),
    "op": ordering.rawValue,
  ])
  if !ordering.holds(actual, bound) {
    XCTFail(
      "\(what): expected a value \(ordering.rawValue) \(formatNumber(bound)), got "
        + "\(formatNumber(actual))", file: file, line: line)
  }
}

/// `actual < bound`.
public func assertLess(
  _ actual: Double, _ bound: Double, _ what: String = "value", file: StaticString = #filePath,
  line: UInt = #line
) { assertOrdered(actual, .less, bound, what, file: file, line: line) }

/// `actual <= bound`.
public func assertLessOrEqual(
  _ actual: Double, _ bound: Double, _ what: String = "value", file: StaticString = #filePath,
  line: UInt = #line
) { assertOrdered(actual, .lessOrEqual, bound, what, file: file, line: line) }

/// `actual > bound`.
public func assertGreater(
  _ actual: Double, _ bound: Double, _ what: String = "value", file: StaticString = #filePath,
  line: UInt = #line
) { assertOrdered(actual, .greater, bound, what, file: file, line: line) }

/// `actual >= bound`.
public func assertGreaterOrEqual(
  _ actual: Double, _ bound: Double, _ what: String = "value", file: StaticString = #filePath,
  line: UInt = #line
) { assertOrdered(actual, .greaterOrEqual, bound, what, file: file, line: line) }

/// Integer forms of the threshold assertions.
public func assertLess(
  _ actual: Int, _ bound: Int, _ what: String = "value", file: StaticString = #filePath,
  line: UInt = #line
) { assertOrdered(Double(actual), .less, Double(bound), what, file: file, line: line) }

public func assertLessOrEqual(
  _ actual: Int, _ bound: Int, _ what: String = "value", file: StaticString = #filePath,
  line: UInt = #line
) { assertOrdered(Double(actual), .lessOrEqual, Double(bound), what, file: file, line: line) }

public func assertGreater(
  _ actual: Int, _ bound: Int, _ what: String = "value", file: StaticString = #filePath,
  line: UInt = #line
) { assertOrdered(Double(actual), .greater, Double(bound), what, file: file, line: line) }

public func assertGreaterOrEqual(
  _ actual: Int, _ bound: Int, _ what: String = "value", file: StaticString = #filePath,
  line: UInt = #line
) {
  assertOrdered(Double(actual), .greaterOrEqual, Double(bound), what, file: file, line: line)
}

/// Asserts that observed counts fit a distribution: Pearson's chi-square statistic of `counts`
/// against `probabilities` is at most `critical` (cells with zero probability must stay empty).
///
/// Under the grader the raw counts are reported and the grader computes the statistic itself,
/// against the probabilities of the reference run, so any correct sampler passes whatever order
/// it draws its random numbers in.
public func assertFitsDistribution(
  _ counts: [Int], _ probabilities: [Double], critical: Double, _ what: String = "counts",
  file: StaticString = #filePath, line: UInt = #line
) {
  Transcript.write([
    "k": "chi2", "l": what, "a": counts.map { Double($0) }.map { "\($0)" },
    "e": Transcript.text(probabilities), "t": "\(critical)",
  ])
  guard counts.count == probabilities.count else {
    XCTFail(
      "\(what): \(counts.count) counts for \(probabilities.count) probabilities",
      file: file, line: line)
    return
  }
  let statistic = chiSquareStatistic(counts.map { Double($0) }, probabilities)
  if !(statistic <= critical) {
    XCTFail(
      "\(what): chi-square \(formatNumber(statistic)) exceeds \(formatNumber(critical)) "
        + "(counts \(counts), probabilities \(probabilities.map(formatNumber)))",
      file: file, line: line)
  }
}

/// Pearson's statistic; a count in a cell of probability 0 makes it infinite.
public func chiSquareStatistic(_ counts: [Double], _ probabilities: [Double]) -> Double {
  let total = counts.reduce(0, +)
  var statistic = 0.0
  for (count, p) in zip(counts, probabilities) {
    let expected = total * p
    if expected <= 0 {
      if count > 0 { return .infinity }
      continue
    }
    statistic += (count - expected) * (count - expected) / expected
  }
  return statistic
}
