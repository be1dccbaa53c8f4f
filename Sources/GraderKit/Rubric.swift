import Foundation

/// Points per course test, read from `Grader/rubric.txt`.
///
/// Each rule line is `<selector> <points> [<exercise>]`, where the selector is a test target
/// (`Unit00Tests`), a test class (`Unit00Tests.AffineForwardTests`) or one test
/// (`Unit00Tests.AffineForwardTests/testGoldenValues`). The most specific matching rule wins.
/// `default-points N` sets the points of unmatched tests and `timeout S` the per-test time
/// limit in seconds. `#` starts a comment.
public struct Rubric: Sendable {
  public struct Rule: Sendable {
    public var selector: String
    public var points: Double
    public var exercise: String?
  }

  public var rules: [Rule] = []
  public var defaultPoints = 1.0
  public var timeout = 60.0

  public init() {}

  /// Parses rubric text; errors name the file and line.
  public init(text: String, file: String = "Grader/rubric.txt") throws {
    for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
      if fields.isEmpty { continue }
      func number(_ text: String) throws -> Double {
        guard let value = Double(text), value >= 0 else {
          throw GraderError("\(file):\(index + 1): expected a non-negative number, got `\(text)`")
        }
        return value
      }
      switch fields[0] {
      case "default-points" where fields.count == 2: defaultPoints = try number(fields[1])
      case "timeout" where fields.count == 2: timeout = try number(fields[1])
      default:
        guard fields.count == 2 || fields.count == 3 else {
          throw GraderError(
            "\(file):\(index + 1): expected `<selector> <points> [<exercise>]`, got `\(line)`")
        }
        rules.append(
          Rule(
            selector: fields[0], points: try number(fields[1]),
            exercise: fields.count == 3 ? fields[2] : nil))
      }
    }
  }

  /// Loads `Grader/rubric.txt` under `root`, or the defaults if there is none.
  public static func load(packageRoot root: URL) throws -> Rubric {
    let url = root.appendingPathComponent("Grader/rubric.txt")
    guard FileManager.default.fileExists(atPath: url.path) else { return Rubric() }
    return try Rubric(text: try readUTF8(url))
  }

  /// The rule that applies to `test` (`Target.Class/method`), if any.
  public func rule(for test: String) -> Rule? {
    let className = String(test.split(separator: "/").first ?? "")
    let target = String(test.prefix { $0 != "." })
    return rules.first { $0.selector == test } ?? rules.first { $0.selector == className }
      ?? rules.first { $0.selector == target }
  }

  public func points(for test: String) -> Double { rule(for: test)?.points ?? defaultPoints }

  public func exercise(for test: String) -> String { rule(for: test)?.exercise ?? "-" }
}
