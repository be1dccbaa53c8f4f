import Foundation

/// Something in a submission that a grader should look at. Findings never change the score on
/// their own; they are reported in the gradebook and the feedback.
public struct TamperFinding: Codable, Sendable, Equatable {
  /// A short category, such as `exit` or `file I/O`.
  public var kind: String
  /// Where: a file and line, or a path.
  public var location: String
  public var detail: String
}

/// Scans a submission for code that has no business in an exercise.
public enum TamperScanner {
  /// Patterns in exercise code and what they suggest.
  static let patterns: [(kind: String, pattern: String)] = [
    ("exit", #"\b(exit|_exit|abort)\s*\("#),
    ("process", #"\b(Process|posix_spawn|system|fork|execv[pe]?)\s*\("#),
    (
      "file I/O",
      #"\b(FileManager|FileHandle|fopen|contentsOfFile|contentsOf\s*:|NSData|open\s*\()"#
    ),
    ("environment", #"\b(ProcessInfo|getenv|setenv|unsetenv|environ)\b"#),
    ("XCTest", #"\b(import\s+(XCTest|Testing)|XCTestCase|XCTest[A-Za-z]*\b|func\s+XCT\w*)"#),
    ("test-name shadowing", #"func\s+(assert\w*|XCT\w*|exercise)\s*[<(]"#),
    ("unsafe linkage", #"@_(silgen_name|cdecl|section|used)\b|\bdlopen\s*\("#),
    ("printing", #"Test Case '|RNNKIT-PROOF|passed \(|Executed \d+ test"#),
  ]

  /// Findings in the submission's exercise files, and files outside `Exercises/` that differ
  /// from the kit (for a submission that is a whole checkout).
  public static func scan(
    submission: SubmissionSource, kit: PackageLayout
  ) throws
    -> [TamperFinding]
  {
    var findings: [TamperFinding] = []
    if let exercises = submission.exercises {
      for relative in try swiftFiles(under: exercises) {
        let text = (try? readUTF8(exercises.appendingPathComponent(relative))) ?? ""
        findings += scan(source: text, file: "Exercises/\(relative)")
      }
    }
    findings += try changedKitFiles(submission: submission, kit: kit)
    return findings
  }

  /// Findings in one source text.
  public static func scan(source: String, file: String) -> [TamperFinding] {
    var findings: [TamperFinding] = []
    let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    for (kind, pattern) in patterns {
      guard let regex = try? NSRegularExpression(pattern: pattern) else { continue }
      for (index, line) in lines.enumerated() {
        let text = String(line)
        let code = text.trimmingCharacters(in: .whitespaces)
        if code.hasPrefix("//") { continue }
        let range = NSRange(text.startIndex..., in: text)
        if regex.firstMatch(in: text, range: range) != nil {
          findings.append(
            TamperFinding(kind: kind, location: "\(file):\(index + 1)", detail: code))
          break
        }
      }
    }
    return findings
  }

  /// Swift sources and the manifest outside `Exercises/` that differ from the kit's.
  static func changedKitFiles(
    submission: SubmissionSource, kit: PackageLayout
  ) throws
    -> [TamperFinding]
  {
    let fm = FileManager.default
    guard submission.exercises?.path != submission.root.path else { return [] }
    var findings: [TamperFinding] = []
    if fm.fileExists(atPath: submission.root.appendingPathComponent("Package.swift").path),
      fm.contents(atPath: submission.root.appendingPathComponent("Package.swift").path)
        != fm.contents(atPath: kit.root.appendingPathComponent("Package.swift").path)
    {
      findings.append(
        TamperFinding(
          kind: "changed kit file", location: "Package.swift",
          detail: "differs from the handout; the grader uses its own"))
    }
    for folder in ["Sources", "Tests", "Grader"] {
      let theirs = submission.root.appendingPathComponent(folder)
      for relative in try swiftFiles(under: theirs) {
        let ours = kit.root.appendingPathComponent("\(folder)/\(relative)")
        if fm.contents(atPath: theirs.appendingPathComponent(relative).path)
          != fm.contents(atPath: ours.path)
        {
          findings.append(
            TamperFinding(
              kind: "changed kit file", location: "\(folder)/\(relative)",
              detail: "differs from the handout (or is new); the grader uses its own"))
        }
      }
    }
    return findings
  }
}

/// Rules a unit must follow to be built at all: exercise code may not import XCTest or
/// Swift Testing (nothing in an exercise needs them, and with them a module could add members
/// to `XCTestCase` that shadow the assertions of the tests).
public enum PolicyChecker {
  /// Units whose files break a rule, with the reason (shown to the student).
  public static func rejectedUnits(
    in submission: SubmissionSource, units: [String]
  ) throws
    -> [String: String]
  {
    guard let exercises = submission.exercises else { return [:] }
    guard
      let regex = try? NSRegularExpression(
        pattern: #"^\s*(@\w+\s+)*import\s+(\w+\s+)?(XCTest|Testing)\b"#)
    else { return [:] }
    var rejected: [String: String] = [:]
    for unit in units {
      for relative in try submission.files(ofUnit: unit) {
        let path = "Exercises/Unit\(unit)/\(relative)"
        let text =
          (try? readUTF8(exercises.appendingPathComponent("Unit\(unit)/\(relative)"))) ?? ""
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false)
          .enumerated()
        {
          let lineText = String(line)
          if regex.firstMatch(in: lineText, range: NSRange(lineText.startIndex..., in: lineText))
            != nil
          {
            rejected[unit] =
              "\(path):\(index + 1): exercise code may not import XCTest or Testing; "
              + "the unit was graded with the stubs"
          }
        }
      }
    }
    return rejected
  }
}

/// Reads compiler output.
enum CompilerErrors {
  /// Units whose exercise files have errors, with those errors (paths made relative).
  static func units(in output: String, scratch: URL) -> [String: String] {
    var byUnit: [String: [String]] = [:]
    for line in output.split(separator: "\n") where line.contains("error:") {
      let text = line.replacingOccurrences(of: scratch.path + "/", with: "")
      guard let range = text.range(of: "Exercises/Unit") else { continue }
      let unit = String(text[range.upperBound...].prefix { $0.isNumber })
      if !(byUnit[unit]?.contains(text) ?? false) { byUnit[unit, default: []].append(text) }
    }
    return byUnit.mapValues { $0.prefix(20).joined(separator: "\n") }
  }

  /// The distinct error lines of a build, for a message.
  static func summary(_ output: String, scratch: URL) -> String {
    var lines: [String] = []
    for line in output.split(separator: "\n") where line.contains("error") {
      let text = line.replacingOccurrences(of: scratch.path + "/", with: "")
      if !lines.contains(text) { lines.append(text) }
    }
    return lines.prefix(20).joined(separator: "\n")
  }
}
