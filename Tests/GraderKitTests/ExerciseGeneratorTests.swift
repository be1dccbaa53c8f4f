import Foundation
import XCTest

@testable import GraderKit

/// The kit's root folder (this file is `Tests/GraderKitTests/ExerciseGeneratorTests.swift`).
let kitRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

final class ExerciseGeneratorTests: XCTestCase {
  let solution = """
    import RNNCore

    public func double(_ x: Double) -> Double {
      // BEGIN SOLUTION 00.9 double | Lectures/00-warm-up.md §2
      let y = 2 * x
      return y
      // END SOLUTION
    }

    public func keep() -> Int { 1 }
    """

  func testRegionsAreParsedWithNumberTitleLectureAndIndentation() throws {
    let regions = try ExerciseGenerator.regions(in: solution, file: "A.swift")
    XCTAssertEqual(regions.count, 1)
    XCTAssertEqual(regions[0].exercise, "00.9")
    XCTAssertEqual(regions[0].title, "double")
    XCTAssertEqual(regions[0].lecture, "Lectures/00-warm-up.md §2")
    XCTAssertEqual(regions[0].beginLine, 4)
    XCTAssertEqual(regions[0].endLine, 7)
    XCTAssertEqual(regions[0].indentation, "  ")
  }

  func testStubReplacesOnlyTheRegion() throws {
    let stub = try ExerciseGenerator.exerciseSource(from: solution, file: "A.swift")
    let expected = """
      import RNNCore

      public func double(_ x: Double) -> Double {
        // Exercise 00.9: double.
        // Read Lectures/00-warm-up.md §2, then replace this stub with your code.
        notImplemented("00.9", "double", lecture: "Lectures/00-warm-up.md §2")
      }

      public func keep() -> Int { 1 }
      """
    XCTAssertEqual(stub, expected)
  }

  func testGeneratingIsIdempotentOnFilesWithoutMarkers() throws {
    let plain = "let x = 1\n// a comment\n"
    XCTAssertEqual(try ExerciseGenerator.exerciseSource(from: plain, file: "B.swift"), plain)
  }

  func testLongStubCallsAreWrapped() throws {
    let region = SolutionRegion(
      exercise: "01.12", title: "InterpolatedKneserNey.probability",
      lecture: "Lectures/01-ngram-language-models.md §7", beginLine: 1, endLine: 2,
      indentation: String(repeating: " ", count: 8))
    let lines = ExerciseGenerator.stubLines(for: region)
    XCTAssertTrue(lines.allSatisfy { $0.count <= 100 }, "\(lines)")
    XCTAssertEqual(lines.count, 5)
  }

  func testMalformedMarkersNameFileAndLine() {
    let cases: [(String, Int, String)] = [
      ("a\n// BEGIN SOLUTION 00.1 f | L\nb\n", 2, "never closed"),
      ("// END SOLUTION\n", 1, "without BEGIN"),
      ("// BEGIN SOLUTION 00.1 f | L\n// BEGIN SOLUTION 00.2 g | L\n", 2, "inside"),
      ("x\n// BEGIN SOLUTION missing-lecture\n// END SOLUTION\n", 2, "expected"),
    ]
    for (source, line, phrase) in cases {
      XCTAssertThrowsError(try ExerciseGenerator.regions(in: source, file: "C.swift")) { error in
        guard let error = error as? MarkerError else {
          return XCTFail("unexpected error \(error)")
        }
        XCTAssertEqual(error.file, "C.swift")
        XCTAssertEqual(error.line, line, "for \(source)")
        XCTAssertTrue(error.problem.contains(phrase), error.problem)
      }
    }
  }

  func testGenerateWritesMissingAndRemovesExtraFiles() throws {
    let root = FileManager.default.temporaryDirectory
      .appendingPathComponent("generator-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let solutions = root.appendingPathComponent("Solutions/Unit00")
    let exercises = root.appendingPathComponent("Exercises/Unit00")
    try FileManager.default.createDirectory(at: solutions, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: exercises, withIntermediateDirectories: true)
    try solution.write(
      to: solutions.appendingPathComponent("A.swift"), atomically: true, encoding: .utf8)
    try "stale".write(
      to: exercises.appendingPathComponent("Old.swift"), atomically: true, encoding: .utf8)

    let solutionsRoot = root.appendingPathComponent("Solutions")
    let exercisesRoot = root.appendingPathComponent("Exercises")
    let before = try ExerciseGenerator.differences(
      solutions: solutionsRoot, exercises: exercisesRoot)
    XCTAssertEqual(before, [.missing("Unit00/A.swift"), .extra("Unit00/Old.swift")])
    try ExerciseGenerator.generate(solutions: solutionsRoot, exercises: exercisesRoot)
    XCTAssertEqual(
      try ExerciseGenerator.differences(solutions: solutionsRoot, exercises: exercisesRoot), [])
    let written = try String(
      contentsOf: exercises.appendingPathComponent("A.swift"), encoding: .utf8)
    XCTAssertTrue(written.contains("notImplemented(\"00.9\""))
    XCTAssertFalse(written.contains("2 * x"), "the solution must not leak into the stub")
  }
}

/// The committed `Exercises/` must be exactly what `swift run grade generate` makes from
/// `Solutions/`. This is a maintainer check: students edit `Exercises/`, so in the default
/// mode it is skipped.
final class ExercisesInSyncTests: XCTestCase {
  func testCommittedExercisesMatchTheGenerator() throws {
    guard ProcessInfo.processInfo.environment["RNNKIT_SOLUTIONS"] == "1" else {
      throw XCTSkip("maintainer check; runs with RNNKIT_SOLUTIONS=1")
    }
    let root = kitRoot
    let differences = try ExerciseGenerator.differences(
      solutions: root.appendingPathComponent("Solutions"),
      exercises: root.appendingPathComponent("Exercises"))
    XCTAssertEqual(
      differences, [],
      "Exercises/ is out of date: \(differences). Run `swift run grade generate`.")
  }

  func testEverySolutionRegionHasAWellFormedMarker() throws {
    let root = kitRoot
    let solutions = root.appendingPathComponent("Solutions")
    guard FileManager.default.fileExists(atPath: solutions.path) else {
      throw XCTSkip("no Solutions/ in this checkout (a student handout)")
    }
    let regions = try ExerciseGenerator.allRegions(solutions: solutions)
    XCTAssertFalse(regions.isEmpty)
    // One exercise may span several regions (a method and its helper), but then they must
    // point to the same lecture section, and one (number, title) pair names one region.
    let lectures = Dictionary(grouping: regions, by: \.region.exercise).mapValues {
      Set($0.map(\.region.lecture))
    }
    for (number, sections) in lectures {
      XCTAssertEqual(
        sections.count, 1, "exercise \(number) points to several sections: \(sections)")
    }
    let names = regions.map { "\($0.region.exercise) \($0.region.title)" }
    XCTAssertEqual(Set(names).count, names.count, "duplicate exercise regions: \(names)")
    for (file, region) in regions {
      XCTAssertTrue(
        region.lecture.hasPrefix("Lectures/"), "\(file):\(region.beginLine): \(region.lecture)")
      let lectureFile = String(region.lecture.split(separator: " ")[0])
      XCTAssertTrue(
        FileManager.default.fileExists(atPath: root.appendingPathComponent(lectureFile).path),
        "\(file):\(region.beginLine) points to \(lectureFile), which does not exist")
    }
  }
}
