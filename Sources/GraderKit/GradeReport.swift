import Foundation

/// Points and statuses of a set of course tests, grouped by unit and exercise.
public struct GradeReport: Sendable {
  public var outcomes: [TestOutcome]
  public var rubric: Rubric

  public init(outcomes: [TestOutcome], rubric: Rubric) {
    self.outcomes = outcomes
    self.rubric = rubric
  }

  /// `"00"` for `Unit00Tests.X/y` and `Unit00HiddenTests.X/y`.
  static func unit(of outcome: TestOutcome) -> String { unitNumber(ofTest: outcome.name) }

  public func earned(_ outcome: TestOutcome) -> Double {
    outcome.status == .passed ? rubric.points(for: outcome.name) : 0
  }

  public var totalEarned: Double { outcomes.reduce(0) { $0 + earned($1) } }
  public var totalPossible: Double { outcomes.reduce(0) { $0 + rubric.points(for: $1.name) } }

  /// A plain-text table per unit: one row per exercise, then the tests that did not pass.
  public func table() -> String {
    var lines: [String] = []
    let units = Array(Set(outcomes.map(Self.unit))).sorted()
    for unit in units {
      let unitOutcomes = outcomes.filter { Self.unit(of: $0) == unit }
      lines.append("Unit \(unit)")
      lines.append(
        "  " + pad("exercise", 10) + pad("passed", 8, right: true) + pad("failed", 8, right: true)
          + pad("not started", 13, right: true) + pad("crashed", 9, right: true)
          + pad("timed out", 11, right: true) + pad("points", 12, right: true))
      var exercises: [String] = []
      for outcome in unitOutcomes where !exercises.contains(rubric.exercise(for: outcome.name)) {
        exercises.append(rubric.exercise(for: outcome.name))
      }
      let ruleOrder = rubric.rules.compactMap(\.exercise)
      exercises.sort { a, b in
        let ia = ruleOrder.firstIndex(of: a) ?? Int.max
        let ib = ruleOrder.firstIndex(of: b) ?? Int.max
        return ia != ib ? ia < ib : a < b
      }
      for exercise in exercises {
        let group = unitOutcomes.filter { rubric.exercise(for: $0.name) == exercise }
        func count(_ status: TestStatus) -> String {
          String(group.filter { $0.status == status }.count)
        }
        let earned = group.reduce(0) { $0 + self.earned($1) }
        let possible = group.reduce(0) { $0 + rubric.points(for: $1.name) }
        lines.append(
          "  " + pad(exercise, 10) + pad(count(.passed), 8, right: true)
            + pad(count(.failed), 8, right: true) + pad(count(.notStarted), 13, right: true)
            + pad(count(.crashed), 9, right: true) + pad(count(.timedOut), 11, right: true)
            + pad("\(points(earned))/\(points(possible))", 12, right: true))
      }
      let earned = unitOutcomes.reduce(0) { $0 + self.earned($1) }
      let possible = unitOutcomes.reduce(0) { $0 + rubric.points(for: $1.name) }
      lines.append(
        "  " + pad("unit total", 59) + pad("\(points(earned))/\(points(possible))", 12, right: true)
      )
      let notStarted = Dictionary(grouping: unitOutcomes.filter { $0.status == .notStarted }) {
        rubric.exercise(for: $0.name)
      }
      for exercise in exercises {
        if let first = notStarted[exercise]?.first {
          lines.append("  - \(exercise) not started: \(first.message)")
        }
      }
      for outcome in unitOutcomes where ![.passed, .notStarted].contains(outcome.status) {
        let message = outcome.message.split(separator: "\n").prefix(4).joined(separator: "\n      ")
        lines.append("  x \(outcome.shortName) [\(outcome.status.rawValue)]: \(message)")
      }
      lines.append("")
    }
    lines.append("Total: \(points(totalEarned))/\(points(totalPossible)) points")
    lines += notes()
    return lines.joined(separator: "\n")
  }

  /// What the table's rows mean: integration rows, and hidden tests that count in the grade
  /// but are not in this copy of the kit.
  func notes() -> [String] {
    var notes: [String] = []
    let exercises = Set(outcomes.map { rubric.exercise(for: $0.name) })
    if exercises.contains(where: { $0.contains("-") }) {
      notes.append(
        "Rows such as 02.1-03.3 are integration tests: they train or run a whole model and "
          + "need every exercise in that range to be right.")
    }
    let units = Set(outcomes.map(Self.unit))
    let hiddenRules = rubric.rules.filter { rule in
      rule.selector.hasSuffix("HiddenTests") && units.contains(unitNumber(ofTest: rule.selector))
    }
    let ran = outcomes.contains { isHidden($0.name) }
    if !hiddenRules.isEmpty && !ran {
      let each = Set(hiddenRules.map { points($0.points) }).sorted().joined(separator: " or ")
      notes.append(
        "Not shown: your instructor's grade also counts hidden tests (\(each) points each, for "
          + "units \(hiddenRules.map { unitNumber(ofTest: $0.selector) }.sorted().joined(separator: ", "))), "
          + "which check the same exercises on inputs you have not seen.")
    }
    return notes.isEmpty ? [] : [""] + notes
  }

  private func points(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
  }

  private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    if text.count >= width { return text + " " }
    let fill = String(repeating: " ", count: width - text.count)
    return right ? fill + text : text + fill
  }
}
