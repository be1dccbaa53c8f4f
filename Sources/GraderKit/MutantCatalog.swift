import Foundation

/// A realistic student bug: a small text replacement inside a solution region.
public struct Mutant: Equatable, Sendable {
  /// A short identifier, such as `affine-forward-no-bias`.
  public var name: String
  /// The solution file, relative to the unit folder (`Affine.swift`).
  public var file: String
  /// What the bug is, in a sentence.
  public var about: String
  /// Text that occurs exactly once in the file, inside a `BEGIN/END SOLUTION` region.
  public var find: String
  /// What replaces it.
  public var replace: String
}

/// The mutant catalog of one unit, `Grader/Mutants/UnitNN.mutants`.
///
/// Format, one block per mutant (`find:` and `replace:` take the following lines verbatim,
/// up to the next keyword line):
///
///     mutant: affine-forward-no-bias
///     file: Affine.swift
///     about: forgets to add the bias
///     find:
///         x.matmul(weight, transposeOther: true).adding(rowVector: bias)
///     replace:
///         x.matmul(weight, transposeOther: true)
///     end
///
/// A catalog of *correct alternatives*, `Grader/Mutants/UnitNN.alternatives`, has the same
/// format with `alternative:` in place of `mutant:`: each entry rewrites a solution region in
/// another correct way (another summation order, a loop instead of a matrix helper, ties broken
/// the other way), and every test must still pass with it in place.
public enum MutantCatalog {
  /// The entries of a catalog; `keyword` opens an entry (`mutant`, or `alternative` for a
  /// catalog of correct alternatives).
  public static func parse(
    _ text: String, file: String, keyword: String = "mutant"
  ) throws -> [Mutant] {
    var mutants: [Mutant] = []
    var current: [String: String] = [:]
    var collecting: String?
    var collected: [String] = []
    var startLine = 0
    func fail(_ line: Int, _ problem: String) -> GraderError {
      GraderError("\(file):\(line): \(problem)")
    }
    for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = String(raw)
      let number = index + 1
      if let key = collecting {
        if line == "replace:" || line == "end" {
          current[key] = collected.joined(separator: "\n")
          collected = []
          collecting = line == "replace:" ? "replace" : nil
          if line == "end" {
            for field in [keyword, "file", "about", "find", "replace"] where current[field] == nil {
              throw fail(startLine, "\(keyword) is missing `\(field)`")
            }
            mutants.append(
              Mutant(
                name: current[keyword] ?? "", file: current["file"] ?? "",
                about: current["about"] ?? "", find: current["find"] ?? "",
                replace: current["replace"] ?? ""))
            current = [:]
          }
        } else {
          collected.append(line)
        }
        continue
      }
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
      if trimmed == "find:" {
        collecting = "find"
        continue
      }
      guard let colon = trimmed.firstIndex(of: ":") else {
        throw fail(number, "expected `key: value`, `find:`, `replace:` or `end`, got `\(trimmed)`")
      }
      let key = String(trimmed[..<colon])
      let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      guard [keyword, "file", "about"].contains(key) else {
        throw fail(number, "unknown key `\(key)`")
      }
      if key == keyword {
        if !current.isEmpty { throw fail(number, "previous \(keyword) has no `end`") }
        startLine = number
      }
      current[key] = value
    }
    if collecting != nil || !current.isEmpty {
      throw fail(startLine, "\(keyword) is not closed with `end`")
    }
    let names = mutants.map(\.name)
    if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
      throw GraderError("\(file): \(keyword) name `\(duplicate)` is used twice")
    }
    return mutants
  }

  /// Applies `mutant` to `source`, checking that its text occurs exactly once and inside a
  /// solution region.
  public static func apply(_ mutant: Mutant, to source: String, file: String) throws -> String {
    let occurrences = source.components(separatedBy: mutant.find).count - 1
    guard occurrences == 1 else {
      throw GraderError(
        "mutant `\(mutant.name)`: its `find` text occurs \(occurrences) times in \(file), "
          + "expected exactly once")
    }
    guard let range = source.range(of: mutant.find) else {
      throw GraderError("mutant `\(mutant.name)`: text not found in \(file)")
    }
    let startLine = source[..<range.lowerBound].filter { $0 == "\n" }.count + 1
    let endLine = startLine + mutant.find.filter { $0 == "\n" }.count
    let regions = try ExerciseGenerator.regions(in: source, file: file)
    guard regions.contains(where: { $0.beginLine < startLine && endLine < $0.endLine }) else {
      throw GraderError(
        "mutant `\(mutant.name)`: lines \(startLine)-\(endLine) of \(file) are not inside a "
          + "BEGIN/END SOLUTION region")
    }
    return source.replacingCharacters(in: range, with: mutant.replace)
  }
}
