import Foundation

/// Per-student feedback in Markdown: the points per unit, every test with its status and
/// message (hidden tests by name only), compiler errors of units that fell back to the stubs,
/// and the tamper report.
public enum FeedbackWriter {
  public static func markdown(for grade: SubmissionGrade, rubric: Rubric) -> String {
    var lines = ["# Feedback for \(grade.name)", ""]
    if let error = grade.error {
      lines += ["**This submission could not be graded:** \(error)", ""]
      return lines.joined(separator: "\n")
    }
    lines.append("**Total: \(format(grade.total)) / \(format(grade.maximum)) points**")
    lines.append("")
    let units = Array(Set(grade.outcomes.map { unitNumber(ofTest: $0.name) })).sorted()
    for unit in units {
      let (earned, possible) = grade.unitPoints(unit)
      lines += ["## Unit \(unit): \(format(earned)) / \(format(possible))", ""]
      if let errors = grade.fallbackUnits[unit] {
        lines += [
          "Your code for this unit was not used (it did not compile or broke a rule), so it was "
            + "graded with the original stubs:", "", "```text", errors, "```", "",
        ]
      }
      lines += ["| test | exercise | status | points |", "| --- | --- | --- | --- |"]
      let unitOutcomes = grade.outcomes.filter { unitNumber(ofTest: $0.name) == unit }
      for outcome in unitOutcomes {
        let hidden = isHidden(outcome.name)
        lines.append(
          "| \(outcome.shortName)\(hidden ? " (hidden)" : "") | \(rubric.exercise(for: outcome.name)) "
            + "| \(outcome.status.rawValue) | \(format(grade.points[outcome.name] ?? 0)) / "
            + "\(format(grade.possible[outcome.name] ?? 0)) |")
      }
      lines.append("")
      var shown = Set<String>()
      for outcome in unitOutcomes where outcome.status == .notStarted && !isHidden(outcome.name) {
        if shown.insert(outcome.message).inserted {
          lines.append("- Not started: \(outcome.message)")
        }
      }
      let notes = unitOutcomes.filter {
        ![.passed, .notStarted].contains($0.status) && !isHidden($0.name)
      }
      for outcome in notes where !outcome.message.isEmpty {
        lines += ["- **\(outcome.shortName)** (\(outcome.status.rawValue)):", ""]
        lines +=
          ["  ```text"] + outcome.message.split(separator: "\n").map { "  \($0)" } + ["  ```"]
      }
      if !notes.isEmpty || !shown.isEmpty { lines.append("") }
    }
    if !grade.flags.isEmpty {
      lines += [
        "## Notes for the instructor", "",
        "These were flagged for a human to look at; they do not change the score by themselves.",
        "",
      ]
      for flag in grade.flags {
        lines.append("- \(flag.kind) at `\(flag.location)`: `\(flag.detail)`")
      }
      lines.append("")
    }
    return lines.joined(separator: "\n")
  }
}

/// Gradescope's `results.json`: a top-level score, per-test entries with `score`,
/// `max_score`, `status`, `name`, `number`, `output` and `visibility`, and an overall output.
public enum GradescopeResults {
  public static func object(for grade: SubmissionGrade, rubric: Rubric) -> [String: Any] {
    var tests: [[String: Any]] = []
    for (index, outcome) in grade.outcomes.enumerated() {
      let hidden = isHidden(outcome.name)
      var output = outcome.status == .passed ? "" : outcome.message
      if hidden { output = "" }
      tests.append([
        "name": "Unit \(unitNumber(ofTest: outcome.name)): \(outcome.shortName)"
          + (hidden ? " (hidden)" : ""),
        "name_format": "text",
        "number": "\(rubric.exercise(for: outcome.name)).\(index + 1)",
        "score": grade.points[outcome.name] ?? 0,
        "max_score": grade.possible[outcome.name] ?? 0,
        "status": outcome.status == .passed ? "passed" : "failed",
        "output": output.isEmpty
          ? outcome.status.rawValue : "\(outcome.status.rawValue): \(output)",
        "output_format": "text",
        "tags": ["unit \(unitNumber(ofTest: outcome.name))"],
        "visibility": "visible",
      ])
    }
    var summary: [String] = []
    if let error = grade.error { summary.append("This submission could not be graded: \(error)") }
    for (unit, errors) in grade.fallbackUnits.sorted(by: { $0.key < $1.key }) {
      summary.append("Unit \(unit) was graded with the stubs:\n\(errors)")
    }
    return [
      "score": grade.total,
      "execution_time": Int(grade.seconds.rounded()),
      "output": summary.joined(separator: "\n\n"),
      "output_format": "text",
      "visibility": "visible",
      "stdout_visibility": "hidden",
      "tests": tests,
    ]
  }

  public static func json(for grade: SubmissionGrade, rubric: Rubric) throws -> Data {
    try JSONSerialization.data(
      withJSONObject: object(for: grade, rubric: rubric), options: [.prettyPrinted, .sortedKeys])
  }

  /// Problems with a `results.json` against Gradescope's documented fields (empty if valid).
  public static func validate(_ data: Data) -> [String] {
    guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      return ["not a JSON object"]
    }
    var problems: [String] = []
    let topKeys: Set = [
      "score", "execution_time", "output", "output_format", "test_output_format",
      "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard",
    ]
    let testKeys: Set = [
      "score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
      "tags", "visibility", "extra_data",
    ]
    let visibilities: Set = ["hidden", "after_due_date", "after_published", "visible"]
    let formats: Set = ["text", "html", "simple_format", "md", "ansi"]
    for key in top.keys where !topKeys.contains(key) { problems.append("unknown key `\(key)`") }
    if top["score"] == nil && top["tests"] == nil { problems.append("needs `score` or `tests`") }
    if let score = top["score"], !(score is NSNumber) { problems.append("`score` is not a number") }
    for key in ["visibility", "stdout_visibility"] {
      if let value = top[key], !(value is String && visibilities.contains(value as? String ?? "")) {
        problems.append("`\(key)` is not one of \(visibilities.sorted())")
      }
    }
    if let format = top["output_format"] as? String, !formats.contains(format) {
      problems.append("`output_format` `\(format)` is not one of \(formats.sorted())")
    }
    guard let tests = top["tests"] as? [[String: Any]] else {
      if top["tests"] != nil { problems.append("`tests` is not an array of objects") }
      return problems
    }
    for (index, test) in tests.enumerated() {
      for key in test.keys where !testKeys.contains(key) {
        problems.append("tests[\(index)]: unknown key `\(key)`")
      }
      for key in ["score", "max_score"] where test[key] != nil && !(test[key] is NSNumber) {
        problems.append("tests[\(index)]: `\(key)` is not a number")
      }
      if let status = test["status"] as? String, !["passed", "failed"].contains(status) {
        problems.append("tests[\(index)]: `status` must be passed or failed")
      }
      for key in ["name", "number", "output"] where test[key] != nil && !(test[key] is String) {
        problems.append("tests[\(index)]: `\(key)` is not a string")
      }
      if let value = test["visibility"] as? String, !visibilities.contains(value) {
        problems.append("tests[\(index)]: bad `visibility` \(value)")
      }
      if let score = (test["score"] as? NSNumber)?.doubleValue,
        let maximum = (test["max_score"] as? NSNumber)?.doubleValue, score > maximum
      {
        problems.append("tests[\(index)]: score \(score) exceeds max_score \(maximum)")
      }
    }
    return problems
  }
}
