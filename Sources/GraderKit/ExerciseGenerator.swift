import Foundation

/// One `// BEGIN SOLUTION ... // END SOLUTION` region of a reference solution.
///
/// The opening marker names the exercise, what to write and where it is taught:
///
///     // BEGIN SOLUTION 00.1 Affine.forward | Lectures/00-warm-up.md §3
public struct SolutionRegion: Equatable, Sendable {
  /// The exercise number, such as `"00.1"`.
  public var exercise: String
  /// What to implement, such as `"Affine.forward"`.
  public var title: String
  /// Where it is taught, such as `"Lectures/00-warm-up.md §3"`.
  public var lecture: String
  /// 1-based line numbers of the two markers.
  public var beginLine: Int
  public var endLine: Int
  /// The whitespace before the opening marker; the stub uses the same indentation.
  public var indentation: String
}

/// A problem with the markers of a solution file, naming the file and line.
public struct MarkerError: Error, CustomStringConvertible, Equatable {
  public var file: String
  public var line: Int
  public var problem: String
  public var description: String { "\(file):\(line): \(problem)" }
}

/// Turns reference solutions into exercise stubs.
///
/// Everything outside the markers is copied unchanged; each marked region (markers included)
/// becomes a short stub that calls `notImplemented`, so the exercise compiles, and reports
/// which exercise is missing and which lecture section to read.
public enum ExerciseGenerator {
  static let beginMarker = "// BEGIN SOLUTION"
  static let endMarker = "// END SOLUTION"
  /// Lines longer than this are wrapped in stubs, matching the committed `.swift-format`.
  static let lineLimit = 100

  /// The regions of `source`, in order.
  /// - Throws: ``MarkerError`` for a malformed, nested, unterminated or stray marker.
  public static func regions(in source: String, file: String) throws -> [SolutionRegion] {
    var regions: [SolutionRegion] = []
    var open: SolutionRegion?
    for (index, rawLine) in source.split(separator: "\n", omittingEmptySubsequences: false)
      .enumerated()
    {
      let line = String(rawLine)
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      let number = index + 1
      if trimmed.hasPrefix(beginMarker) {
        if let region = open {
          throw MarkerError(
            file: file, line: number,
            problem: "BEGIN SOLUTION inside the region opened at line \(region.beginLine)")
        }
        open = try parseBegin(line, file: file, line: number)
      } else if trimmed.hasPrefix(endMarker) {
        guard var region = open else {
          throw MarkerError(file: file, line: number, problem: "END SOLUTION without BEGIN")
        }
        region.endLine = number
        regions.append(region)
        open = nil
      }
    }
    if let region = open {
      throw MarkerError(
        file: file, line: region.beginLine, problem: "BEGIN SOLUTION is never closed")
    }
    return regions
  }

  static func parseBegin(_ line: String, file: String, line number: Int) throws -> SolutionRegion {
    let indentation = String(line.prefix { $0 == " " || $0 == "\t" })
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    let rest = trimmed.dropFirst(beginMarker.count).trimmingCharacters(in: .whitespaces)
    let parts = rest.components(separatedBy: " | ")
    let head = parts[0].split(separator: " ", maxSplits: 1).map(String.init)
    guard parts.count == 2, head.count == 2, !parts[1].isEmpty,
      head[0].allSatisfy({ $0.isNumber || $0 == "." || $0.isLetter })
    else {
      throw MarkerError(
        file: file, line: number,
        problem:
          "expected `// BEGIN SOLUTION <number> <title> | <lecture section>`, got `\(trimmed)`")
    }
    return SolutionRegion(
      exercise: head[0], title: head[1], lecture: parts[1].trimmingCharacters(in: .whitespaces),
      beginLine: number, endLine: number, indentation: indentation)
  }

  /// The stub lines that replace `region`, wrapped to the kit's line limit.
  public static func stubLines(for region: SolutionRegion) -> [String] {
    let i = region.indentation
    let (number, title, lecture) =
      (quoted(region.exercise), quoted(region.title), quoted(region.lecture))
    var lines = ["\(i)// Exercise \(region.exercise): \(region.title)."]
    let read = "\(i)// Read \(region.lecture), then replace this stub with your code."
    if read.count <= lineLimit {
      lines.append(read)
    } else {
      lines.append("\(i)// Read \(region.lecture),")
      lines.append("\(i)// then replace this stub with your code.")
    }
    let call = "\(i)notImplemented(\(number), \(title), lecture: \(lecture))"
    let arguments = "\(i)  \(number), \(title), lecture: \(lecture))"
    if call.count <= lineLimit {
      lines.append(call)
    } else if arguments.count <= lineLimit {
      lines += ["\(i)notImplemented(", arguments]
    } else {
      lines += ["\(i)notImplemented(", "\(i)  \(number), \(title),", "\(i)  lecture: \(lecture))"]
    }
    return lines
  }

  private static func quoted(_ text: String) -> String {
    "\""
      + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
        of: "\"", with: "\\\"")
      + "\""
  }

  /// The exercise version of one solution file.
  public static func exerciseSource(from source: String, file: String) throws -> String {
    let regions = try regions(in: source, file: file)
    var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for region in regions.reversed() {
      lines.replaceSubrange((region.beginLine - 1)..<region.endLine, with: stubLines(for: region))
    }
    return lines.joined(separator: "\n")
  }

  /// Every file `Exercises/` should contain, keyed by path relative to it
  /// (`"Unit00/Affine.swift"`), generated from the files under `solutions`.
  public static func expectedExercises(solutions: URL) throws -> [String: String] {
    var out: [String: String] = [:]
    for relative in try swiftFiles(under: solutions) {
      let url = solutions.appendingPathComponent(relative)
      let source = try readUTF8(url)
      out[relative] = try exerciseSource(from: source, file: "Solutions/\(relative)")
    }
    return out
  }

  /// How the committed exercises differ from what the generator makes.
  public enum Difference: Equatable, CustomStringConvertible {
    case missing(String)
    case outdated(String)
    case extra(String)

    public var description: String {
      switch self {
      case .missing(let path): return "Exercises/\(path) is missing"
      case .outdated(let path): return "Exercises/\(path) differs from its generated version"
      case .extra(let path): return "Exercises/\(path) has no counterpart in Solutions/"
      }
    }
  }

  /// Compares `exercises` with what `solutions` generates.
  public static func differences(solutions: URL, exercises: URL) throws -> [Difference] {
    let expected = try expectedExercises(solutions: solutions)
    let present = Set(try swiftFiles(under: exercises))
    var out: [Difference] = []
    for path in expected.keys.sorted() {
      if !present.contains(path) {
        out.append(.missing(path))
      } else if try readUTF8(exercises.appendingPathComponent(path)) != expected[path] {
        out.append(.outdated(path))
      }
    }
    for path in present.sorted() where expected[path] == nil { out.append(.extra(path)) }
    return out
  }

  /// Writes the generated exercises, removing files with no solution counterpart.
  /// Files whose content is already right are left untouched.
  /// - Returns: the paths written or removed.
  @discardableResult
  public static func generate(solutions: URL, exercises: URL) throws -> [Difference] {
    let expected = try expectedExercises(solutions: solutions)
    let changes = try differences(solutions: solutions, exercises: exercises)
    let fm = FileManager.default
    for change in changes {
      switch change {
      case .missing(let path), .outdated(let path):
        let url = exercises.appendingPathComponent(path)
        try fm.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(expected[path] ?? "", to: url)
      case .extra(let path):
        try fm.removeItem(at: exercises.appendingPathComponent(path))
      }
    }
    return changes
  }

  /// All regions of all solution files, for listing exercises.
  public static func allRegions(solutions: URL) throws -> [(file: String, region: SolutionRegion)] {
    var out: [(file: String, region: SolutionRegion)] = []
    for relative in try swiftFiles(under: solutions) {
      let source = try readUTF8(solutions.appendingPathComponent(relative))
      for region in try regions(in: source, file: "Solutions/\(relative)") {
        out.append((relative, region))
      }
    }
    return out
  }
}

/// Relative paths of the `.swift` files below `root`, sorted.
func swiftFiles(under root: URL) throws -> [String] {
  let fm = FileManager.default
  guard fm.fileExists(atPath: root.path) else { return [] }
  guard let enumerator = fm.enumerator(atPath: root.path) else { return [] }
  var out: [String] = []
  while let item = enumerator.nextObject() as? String {
    if item.hasSuffix(".swift") { out.append(item) }
  }
  return out.sorted()
}

/// Reads a file as UTF-8, with an error that names it.
func readUTF8(_ url: URL) throws -> String {
  guard let data = FileManager.default.contents(atPath: url.path) else {
    throw GraderError("cannot read \(url.path)")
  }
  guard let text = String(data: data, encoding: .utf8) else {
    throw GraderError("\(url.path) is not valid UTF-8")
  }
  return text
}

/// An error with a message for the user.
public struct GraderError: Error, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// Writes files atomically: to a temporary file beside the target, then a rename, so an
/// interrupted run never leaves a half-written file.
public enum AtomicFile {
  public static func write(_ text: String, to url: URL) throws {
    try write(Data(text.utf8), to: url)
  }

  public static func write(_ data: Data, to url: URL) throws {
    let temporary = url.deletingLastPathComponent()
      .appendingPathComponent(
        ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
    try data.write(to: temporary)
    // rename(2) replaces the target in one step on both Linux and macOS.
    if rename(temporary.path, url.path) != 0 {
      try? FileManager.default.removeItem(at: temporary)
      throw GraderError("cannot write \(url.path) (errno \(errno))")
    }
  }
}
