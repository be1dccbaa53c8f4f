import Foundation

/// Judges one test from outside the process that ran the student's code.
///
/// The test process is an oracle: it reports, record by record, the values that reached the
/// course test's assertions (see `CourseTestSupport.Transcript`). The judge compares them with
/// the transcript of the same test run against the reference solutions: every check of the
/// reference must appear in the same order, with the student's actual value within the check's
/// tolerance of the reference's expected value (labels, expected values, tolerances and bounds
/// all come from the reference, never from the student's run). Gradient checks compare the
/// student's analytic gradient with the reference's centered differences; distribution checks
/// compute the chi-square statistic of the student's counts against the reference's
/// probabilities here. Messages are composed here too: nothing the test process printed is
/// quoted, only numbers from its transcript and, after a crash, a location in `Exercises/`.
public enum TranscriptJudge {
  typealias Record = [String: Any]

  /// The most characters of a student's value quoted in a message.
  static let quoteLimit = 60

  /// Assertion records (everything but the harness's own lines).
  static let checkKinds: Set = ["close", "equal", "true", "order", "gradient", "chi2", "fail"]

  /// Parses a transcript: one JSON object per line. `nil` when a line is not one.
  static func records(_ data: Data) -> [Record]? {
    var result: [Record] = []
    for line in data.split(separator: 0x0A) where !line.isEmpty {
      guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? Record else {
        return nil
      }
      result.append(object)
    }
    return result
  }

  /// Why a reference transcript cannot serve as the standard, or `nil` when it can.
  static func referenceProblem(_ data: Data, result: ProcessResult) -> String? {
    guard let records = records(data) else { return "its transcript is unreadable" }
    if result.timedOut { return "it timed out" }
    if !result.succeeded { return "it did not pass (exit status \(result.status))" }
    if !records.contains(where: { $0["k"] as? String == "end" }) {
      return "its transcript has no end"
    }
    if let bad = records.first(where: {
      ["skip", "precondition", "error", "fail"].contains($0["k"] as? String ?? "")
    }) {
      return "it reported `\(bad["k"] ?? "")`"
    }
    if !records.contains(where: { checkKinds.contains($0["k"] as? String ?? "") }) {
      return "it reports no check to the grader (raw XCTAssert instead of the kit's helpers?)"
    }
    return nil
  }

  /// The outcome of `test` from the student's run and the reference's transcript.
  ///
  /// `exercises` maps an exercise number to what the kit's stubs say about it (`00.1
  /// (Affine.forward); read Lectures/…`), for the message of a test that reached a stub.
  public static func outcome(
    test: String, result: ProcessResult, transcript: Data, reference: Data,
    exercises: [String: String] = [:]
  ) -> TestOutcome {
    func make(_ status: TestStatus, _ message: String) -> TestOutcome {
      TestOutcome(name: test, status: status, message: message, seconds: result.seconds)
    }
    if result.timedOut {
      return make(.timedOut, "killed after \(Int(result.seconds)) s (the time limit)")
    }
    if let limit = result.limitExceeded {
      return make(
        .crashed,
        limit == "memory"
          ? "killed: the test's processes held more memory than the limit"
          : "killed: the test started more processes than the limit")
    }
    let expected = (records(reference) ?? []).filter { checkKinds.contains(kind($0)) }
    guard let actual = records(transcript) else {
      return make(.failed, "the test's report to the grader was damaged")
    }
    if let skip = actual.first(where: { kind($0) == "skip" }) {
      guard let number = (skip["exercise"] as? String).flatMap(exerciseNumber) else {
        return make(.notStarted, "an exercise is not implemented yet")
      }
      return make(.notStarted, "exercise \(exercises[number] ?? number) is not implemented yet")
    }
    if let broken = actual.first(where: { kind($0) == "precondition" }) {
      return make(.failed, preconditionMessage(broken))
    }
    if actual.contains(where: { kind($0) == "error" }) {
      return make(.failed, "the test stopped with an error thrown from the code under test")
    }
    let checks = actual.filter { checkKinds.contains(kind($0)) }
    for (index, reference) in expected.enumerated() {
      guard index < checks.count else {
        let ended = actual.contains { kind($0) == "end" }
        return make(
          ended ? .failed : .crashed,
          (ended ? "the test stopped early" : crashMessage(result))
            + " (after \(index) of \(expected.count) checks; next: \(label(reference)))")
      }
      if let problem = compare(checks[index], with: reference) {
        return make(.failed, problem)
      }
    }
    if checks.count > expected.count {
      return make(.failed, "the test reported more checks than the reference run")
    }
    if !actual.contains(where: { kind($0) == "end" }) {
      return make(.crashed, crashMessage(result))
    }
    return make(.passed, "")
  }

  /// Why one check fails, or `nil` when it passes.
  static func compare(_ student: Record, with reference: Record) -> String? {
    let what = label(reference)
    guard kind(student) == kind(reference), label(student) == what else {
      return "the test's checks did not follow the reference run at `\(what)`"
    }
    switch kind(reference) {
    case "close":
      return compareClose(student, reference, what)
    case "equal":
      let want = reference["e"] as? String ?? ""
      let got = student["a"] as? String ?? ""
      return got == want ? nil : "\(what): expected \(quote(want, 400)), got \(quote(got))"
    case "true":
      return student["a"] as? Bool == true ? nil : "\(what): expected true, got false"
    case "order":
      let value = numbers(student["a"]).first ?? .nan
      let bound = numbers(reference["e"]).first ?? .nan
      let op = reference["op"] as? String ?? "<"
      let holds: Bool
      switch op {
      case "<": holds = value < bound
      case "<=": holds = value <= bound
      case ">": holds = value > bound
      default: holds = value >= bound
      }
      return holds ? nil : "\(what): expected a value \(op) \(text(bound)), got \(text(value))"
    case "gradient":
      return compareGradient(student, reference)
    case "chi2":
      let counts = numbers(student["a"])
      let probabilities = numbers(reference["e"])
      let critical = Double(reference["t"] as? String ?? "") ?? 0
      guard counts.count == probabilities.count else {
        return "\(what): \(counts.count) counts for \(probabilities.count) outcomes"
      }
      let statistic = chiSquare(counts, probabilities)
      return statistic <= critical
        ? nil
        : "\(what): the counts do not fit the distribution (chi-square \(text(statistic)) "
          + "above \(text(critical)))"
    default:
      return "\(what): failed"
    }
  }

  static func compareClose(_ student: Record, _ reference: Record, _ what: String) -> String? {
    let shape = integers(reference["es"])
    let studentShape = integers(student["s"])
    guard shape == studentShape else {
      return "\(what): expected shape \(shapeText(shape)), got \(shapeText(studentShape))"
    }
    let want = numbers(reference["e"])
    let got = numbers(student["a"])
    guard want.count == got.count else { return "\(what): wrong number of elements" }
    let tolerance = Double(reference["t"] as? String ?? "") ?? 0
    let relative = (reference["m"] as? String) != "abs"
    var wrong = 0
    var first: Int?
    for k in 0..<want.count {
      let bound = relative ? tolerance * max(1, abs(want[k])) : tolerance
      if !(abs(got[k] - want[k]) <= bound) {
        wrong += 1
        if first == nil { first = k }
      }
    }
    guard let k = first else { return nil }
    let cols = max(shape.last ?? 1, 1)
    let position = want.count == 1 ? "" : " first at (\(k / cols), \(k % cols)):"
    let count = want.count == 1 ? "" : " \(wrong) of \(want.count) elements differ;"
    return "\(what):\(count)\(position) expected \(text(want[k])), got \(text(got[k])) "
      + "(difference \(text(got[k] - want[k])), tolerance \(text(tolerance))"
      + (relative ? " relative" : "") + ")"
  }

  static func compareGradient(_ student: Record, _ reference: Record) -> String? {
    let tolerance = Double(reference["t"] as? String ?? "") ?? 0
    let studentBlocks = (student["blocks"] as? [Record]) ?? []
    var problems: [String] = []
    for block in (reference["blocks"] as? [Record]) ?? [] {
      let name = block["name"] as? String ?? "?"
      let shape = integers(block["s"])
      guard
        let mine = studentBlocks.first(where: { $0["name"] as? String == name }),
        integers(mine["i"]) == integers(block["i"])
      else {
        problems.append("\(name): no gradient reported for this block")
        continue
      }
      let analytic = numbers(mine["a"])
      let numeric = numbers(block["n"])
      let floors = numbers(block["f"])
      guard analytic.count == numeric.count else {
        problems.append("\(name): wrong number of elements")
        continue
      }
      var worst = 0.0
      var worstAt = 0
      for k in 0..<numeric.count {
        let floor = k < floors.count && floors[k].isFinite ? floors[k] : 0
        let error = relativeError(analytic[k], numeric[k], floor: floor)
        if error > worst || error.isNaN {
          worst = error.isNaN ? .infinity : error
          worstAt = k
        }
      }
      if worst > tolerance {
        let index = integers(block["i"])[worstAt]
        let cols = max(shape.last ?? 1, 1)
        problems.append(
          "\(name) [\(shapeText(shape))]: max relative error \(text(worst)) at "
            + "(\(index / cols), \(index % cols)): analytic \(text(analytic[worstAt])), "
            + "numeric \(text(numeric[worstAt]))")
      }
    }
    return problems.isEmpty
      ? nil
      : "gradient check failed (tolerance \(text(tolerance))):\n  "
        + problems.joined(separator: "\n  ")
  }

  /// `max(0, |a - n| - floor) / max(|a|, |n|, 1e-8)`, as the kit's gradient checker defines
  /// it (the floor is the reference run's rounding noise of the centered difference).
  static func relativeError(_ a: Double, _ n: Double, floor: Double = 0) -> Double {
    let difference = abs(a - n)
    if difference == 0 { return 0 }
    let scale = max(abs(a), abs(n), 1e-8)
    if !difference.isFinite || !scale.isFinite { return .infinity }
    return max(0, difference - floor) / scale
  }

  static func chiSquare(_ counts: [Double], _ probabilities: [Double]) -> Double {
    let total = counts.reduce(0, +)
    var statistic = 0.0
    for (count, p) in zip(counts, probabilities) {
      if !(count >= 0) { return .infinity }
      let expected = total * p
      if expected <= 0 {
        if count > 0 { return .infinity }
        continue
      }
      statistic += (count - expected) * (count - expected) / expected
    }
    return statistic
  }

  // MARK: - Messages

  static let knownFatalErrors = [
    "Index out of range", "Unexpectedly found nil while unwrapping an Optional value",
    "Division by zero", "Arithmetic overflow", "Range requires lowerBound <= upperBound",
    "Array index is out of range", "Can't remove last element from an empty collection",
    "Not enough bits to represent the passed value",
    "Double value cannot be converted to Int because it is either infinite or NaN",
  ]

  /// What the grader says about a test process that ended before its test did: the first
  /// `Exercises/` location in its backtrace and a standard-library message it recognises.
  static func crashMessage(_ result: ProcessResult) -> String {
    var message =
      result.crashedBySignal
      ? "the test process crashed (signal \(result.status))"
      : "the test process ended before the test finished (exit status \(result.status))"
    if let known = knownFatalErrors.first(where: { result.output.contains("Fatal error: \($0)") }) {
      message += ": \(known)"
    }
    if let location = exerciseLocation(in: result.output) { message += ", at \(location)" }
    return message
  }

  /// The first `Exercises/UnitNN/File.swift:LINE` in a text.
  static func exerciseLocation(in text: String) -> String? {
    guard
      let range = text.range(
        of: #"Exercises/Unit[0-9]{2}/[A-Za-z0-9_+\-/]{1,80}\.swift:[0-9]{1,6}"#,
        options: .regularExpression)
    else { return nil }
    return String(text[range])
  }

  static func preconditionMessage(_ record: Record) -> String {
    var message = "a precondition of the kit failed in the code under test"
    let text = record["l"] as? String ?? ""
    // Shape messages are short and plain; anything else is not quoted.
    if text.count <= 160,
      text.range(of: #"^[A-Za-z0-9 _.,:;()\[\]x×=<>'\"-]*$"#, options: .regularExpression) != nil
    {
      message += ": \(text)"
    }
    if let file = record["file"] as? String, let line = record["line"] as? Int,
      file.range(of: #"^[A-Za-z0-9_+\-/]{1,100}\.swift$"#, options: .regularExpression) != nil
    {
      message += " (\(file):\(line))"
    }
    return message
  }

  /// What the kit's own stubs in `folder` (`Exercises/`) say about each exercise, read from
  /// their `notImplemented` calls: `"00.1"` → `"00.1 (Affine.forward, see Lectures/00-warm-up.md §3)"`.
  public static func exerciseCatalog(stubs folder: URL) -> [String: String] {
    var catalog: [String: String] = [:]
    let pattern = #"notImplemented\("([0-9]{2}\.[0-9]+[a-z]?)", "([^"]*)", lecture: "([^"]*)"\)"#
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return [:] }
    for relative in (try? swiftFiles(under: folder)) ?? [] {
      guard let text = try? readUTF8(folder.appendingPathComponent(relative)) else { continue }
      for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
        let part = { (k: Int) in Range(match.range(at: k), in: text).map { String(text[$0]) } ?? ""
        }
        catalog[part(1)] = "\(part(1)) (\(part(2)), see \(part(3)))"
      }
    }
    return catalog
  }

  static func exerciseNumber(_ text: String) -> String? {
    text.range(of: #"^[0-9]{2}\.[0-9]{1,2}[a-z]?$"#, options: .regularExpression) != nil
      ? text : nil
  }

  static func kind(_ record: Record) -> String { record["k"] as? String ?? "" }
  static func label(_ record: Record) -> String { record["l"] as? String ?? "" }

  static func numbers(_ value: Any?) -> [Double] {
    ((value as? [Any]) ?? []).map { item in
      if let text = item as? String { return Double(text) ?? .nan }
      return (item as? NSNumber)?.doubleValue ?? .nan
    }
  }

  static func integers(_ value: Any?) -> [Int] {
    ((value as? [Any]) ?? []).map { ($0 as? NSNumber)?.intValue ?? -1 }
  }

  static func shapeText(_ shape: [Int]) -> String {
    shape.map(String.init).joined(separator: "x")
  }

  static func text(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    return String(format: "%.12g", x)
  }

  /// A student's value, shortened.
  static func quote(_ text: String, _ limit: Int = quoteLimit) -> String {
    let cleaned = String(text.unicodeScalars.map { $0.value < 32 ? " " : Character($0) })
    return cleaned.count <= limit ? cleaned : String(cleaned.prefix(limit)) + "…"
  }
}
