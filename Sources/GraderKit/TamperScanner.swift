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

/// Reads compiler output.
enum CompilerErrors {
  /// Units to blame for a failed build, with their errors (paths made relative): errors in a
  /// unit's exercise files, in its public or hidden tests (a missing `public`, a changed
  /// signature), and link errors in its objects (a second `main`, a duplicate symbol). Lines of
  /// hidden tests are reported without their path or code.
  static func units(in output: String, scratch: URL) -> [String: String] {
    let patterns = [
      #"Exercises/Unit([0-9]{2})/"#, #"Tests/Unit([0-9]{2})Tests/"#,
      #"HiddenTests/Unit([0-9]{2})HiddenTests/"#, #"\bUnit([0-9]{2})\.build/"#,
    ]
    var byUnit: [String: [String]] = [:]
    for line in output.split(separator: "\n") where line.contains("error") {
      var text = line.replacingOccurrences(of: scratch.path + "/", with: "")
      var unit: String?
      for pattern in patterns {
        guard let range = text.range(of: pattern, options: .regularExpression) else { continue }
        unit = String(text[range].filter(\.isNumber).prefix(2))
        break
      }
      guard let unit else { continue }
      if text.contains("HiddenTests/"), let message = text.range(of: "error:") {
        text = "a hidden test of unit \(unit): " + text[message.lowerBound...]
      }
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
