import Foundation

/// Where the kit's folders are.
public struct PackageLayout: Sendable {
  public var root: URL

  public init(root: URL) { self.root = root }

  /// Finds the kit by walking up from `start` to a folder holding `Package.swift` and
  /// `Exercises/`.
  public static func find(from start: URL) throws -> PackageLayout {
    var dir = start.standardizedFileURL
    let fm = FileManager.default
    while true {
      if fm.fileExists(atPath: dir.appendingPathComponent("Package.swift").path)
        && fm.fileExists(atPath: dir.appendingPathComponent("Exercises").path)
      {
        return PackageLayout(root: dir)
      }
      let parent = dir.deletingLastPathComponent()
      if parent.path == dir.path {
        throw GraderError(
          "no course kit here: run this inside the kit (a folder with Package.swift and Exercises/)"
        )
      }
      dir = parent
    }
  }

  public var solutions: URL { root.appendingPathComponent("Solutions") }
  public var exercises: URL { root.appendingPathComponent("Exercises") }
  public var mutants: URL { root.appendingPathComponent("Grader/Mutants") }

  /// Unit numbers (`"00"`, `"01"`, ...) that have a folder in `Exercises/`.
  public func units() throws -> [String] {
    let names = try FileManager.default.contentsOfDirectory(atPath: exercises.path)
    return names.filter { $0.hasPrefix("Unit") }.map { String($0.dropFirst(4)) }.sorted()
  }

  /// Copies `parts` of the kit and its course tests (`Tests/Unit*`) into `scratch`, writing
  /// only files whose content changed (so builds there stay incremental) and removing files
  /// that no longer exist. Other test targets are left empty: SwiftPM warns about an empty
  /// test target but builds the rest, so a broken maintainer test cannot stop grading.
  public func mirror(into scratch: URL, parts: [String]) throws {
    let fm = FileManager.default
    try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
    for name in parts {
      try Self.mirror(root.appendingPathComponent(name), to: scratch.appendingPathComponent(name))
    }
    let tests = root.appendingPathComponent("Tests")
    let scratchTests = scratch.appendingPathComponent("Tests")
    let empty = scratch.appendingPathComponent(".empty")
    try fm.createDirectory(at: empty, withIntermediateDirectories: true)
    try fm.createDirectory(at: scratchTests, withIntermediateDirectories: true)
    for name in try fm.contentsOfDirectory(atPath: tests.path) {
      let source = name.hasPrefix("Unit") ? tests.appendingPathComponent(name) : empty
      try Self.mirror(source, to: scratchTests.appendingPathComponent(name))
    }
  }

  static func mirror(_ source: URL, to destination: URL) throws {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    guard fm.fileExists(atPath: source.path, isDirectory: &isDirectory) else {
      if fm.fileExists(atPath: destination.path) { try fm.removeItem(at: destination) }
      return
    }
    if !isDirectory.boolValue {
      let data = fm.contents(atPath: source.path) ?? Data()
      if fm.contents(atPath: destination.path) != data {
        try fm.createDirectory(
          at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(data, to: destination)
      }
      return
    }
    var destinationIsDirectory: ObjCBool = false
    if fm.fileExists(atPath: destination.path, isDirectory: &destinationIsDirectory),
      !destinationIsDirectory.boolValue
    {
      try fm.removeItem(at: destination)
    }
    try fm.createDirectory(at: destination, withIntermediateDirectories: true)
    let wanted = Set(try fm.contentsOfDirectory(atPath: source.path))
    for name in try fm.contentsOfDirectory(atPath: destination.path) where !wanted.contains(name) {
      try fm.removeItem(at: destination.appendingPathComponent(name))
    }
    for name in wanted.sorted() {
      try mirror(source.appendingPathComponent(name), to: destination.appendingPathComponent(name))
    }
  }
}
