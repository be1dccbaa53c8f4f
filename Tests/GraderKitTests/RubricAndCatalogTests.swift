import XCTest

@testable import GraderKit

final class RubricTests: XCTestCase {
  let text = """
    # comment
    default-points 2
    timeout 30
    Unit00Tests                              1
    Unit00Tests.AffineForwardTests           3   00.1   # class rule
    Unit00Tests.AffineForwardTests/testOne   5   00.1
    """

  func testMostSpecificRuleWins() throws {
    let rubric = try Rubric(text: text)
    XCTAssertEqual(rubric.defaultPoints, 2)
    XCTAssertEqual(rubric.timeout, 30)
    XCTAssertEqual(rubric.points(for: "Unit00Tests.AffineForwardTests/testOne"), 5)
    XCTAssertEqual(rubric.points(for: "Unit00Tests.AffineForwardTests/testTwo"), 3)
    XCTAssertEqual(rubric.points(for: "Unit00Tests.OtherTests/testThree"), 1)
    XCTAssertEqual(rubric.points(for: "Unit01Tests.X/testY"), 2)
    XCTAssertEqual(rubric.exercise(for: "Unit00Tests.AffineForwardTests/testTwo"), "00.1")
    XCTAssertEqual(rubric.exercise(for: "Unit01Tests.X/testY"), "-")
  }

  func testBadLinesNameTheLine() {
    XCTAssertThrowsError(try Rubric(text: "ok 1\nUnit00Tests lots\n")) { error in
      XCTAssertTrue("\(error)".contains("rubric.txt:2"), "\(error)")
    }
  }

  func testTheCommittedRubricParses() throws {
    let root = kitRoot
    let rubric = try Rubric.load(packageRoot: root)
    XCTAssertFalse(rubric.rules.isEmpty)
  }
}

final class MutantCatalogTests: XCTestCase {
  let source = """
    func f(_ x: Int) -> Int {
      // BEGIN SOLUTION 00.1 f | Lectures/00-warm-up.md §1
      return x + 1
      // END SOLUTION
    }
    let outside = 1 + 1
    """

  func testParseAndApply() throws {
    let catalog = """
      # bugs
      mutant: off-by-one
      file: F.swift
      about: adds two
      find:
        return x + 1
      replace:
        return x + 2
      end
      """
    let mutants = try MutantCatalog.parse(catalog, file: "U.mutants")
    XCTAssertEqual(mutants.count, 1)
    XCTAssertEqual(mutants[0].name, "off-by-one")
    XCTAssertEqual(mutants[0].find, "  return x + 1")
    let mutated = try MutantCatalog.apply(mutants[0], to: source, file: "F.swift")
    XCTAssertTrue(mutated.contains("return x + 2"))
    XCTAssertFalse(mutated.contains("return x + 1"))
  }

  func testMutantOutsideARegionIsRejected() throws {
    let mutant = Mutant(
      name: "m", file: "F.swift", about: "", find: "let outside = 1 + 1",
      replace: "let outside = 3")
    XCTAssertThrowsError(try MutantCatalog.apply(mutant, to: source, file: "F.swift")) {
      XCTAssertTrue("\($0)".contains("not inside"), "\($0)")
    }
  }

  func testAmbiguousOrMissingTextIsRejected() {
    let missing = Mutant(name: "m", file: "F", about: "", find: "nope", replace: "")
    XCTAssertThrowsError(try MutantCatalog.apply(missing, to: source, file: "F.swift"))
    let twice = Mutant(name: "m", file: "F", about: "", find: "1", replace: "2")
    XCTAssertThrowsError(try MutantCatalog.apply(twice, to: source, file: "F.swift"))
  }

  func testUnclosedMutantNamesTheLine() {
    XCTAssertThrowsError(
      try MutantCatalog.parse("\nmutant: a\nfile: F\nabout: x\nfind:\n  y\n", file: "U.mutants")
    ) { XCTAssertTrue("\($0)".contains("U.mutants:2"), "\($0)") }
  }

  func testEveryCommittedCatalogParsesAndAppliesCleanly() throws {
    let root = kitRoot
    let folder = root.appendingPathComponent("Grader/Mutants")
    guard FileManager.default.fileExists(atPath: folder.path) else {
      throw XCTSkip("no Grader/Mutants in this checkout (a student handout)")
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".mutants") }
    XCTAssertFalse(files.isEmpty)
    for file in files {
      let unit = String(file.dropLast(".mutants".count))
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      let mutants = try MutantCatalog.parse(text, file: file)
      XCTAssertGreaterThanOrEqual(mutants.count, 3, "\(file) should hold at least 3 mutants")
      for mutant in mutants {
        let url = root.appendingPathComponent("Solutions/\(unit)/\(mutant.file)")
        let solution = try String(contentsOf: url, encoding: .utf8)
        XCTAssertNoThrow(try MutantCatalog.apply(mutant, to: solution, file: mutant.file))
      }
    }
  }

  func testAlternativeCatalogsUseTheirOwnKeyword() throws {
    let text = """
      alternative: sum-backwards
      file: F.swift
      about: adds the terms in the other order
      find:
        return a + b
      replace:
        return b + a
      end
      """
    let alternatives = try MutantCatalog.parse(text, file: "U.alternatives", keyword: "alternative")
    XCTAssertEqual(alternatives.map(\.name), ["sum-backwards"])
    XCTAssertEqual(alternatives.first?.replace, "  return b + a")
    // A mutant entry in an alternatives catalog is a mistake, and the reverse too.
    XCTAssertThrowsError(try MutantCatalog.parse(text, file: "U.mutants")) {
      XCTAssertTrue("\($0)".contains("U.mutants:1"), "\($0)")
    }
  }

  func testEveryCommittedAlternativeAppliesCleanly() throws {
    let root = kitRoot
    let folder = root.appendingPathComponent("Grader/Mutants")
    guard FileManager.default.fileExists(atPath: folder.path) else {
      throw XCTSkip("no Grader/Mutants in this checkout (a student handout)")
    }
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".alternatives") }
    for file in files {
      let unit = String(file.dropLast(".alternatives".count))
      let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
      let alternatives = try MutantCatalog.parse(text, file: file, keyword: "alternative")
      XCTAssertFalse(alternatives.isEmpty, "\(file) holds no alternatives")
      for alternative in alternatives {
        let url = root.appendingPathComponent("Solutions/\(unit)/\(alternative.file)")
        let solution = try String(contentsOf: url, encoding: .utf8)
        XCTAssertNoThrow(
          try MutantCatalog.apply(alternative, to: solution, file: alternative.file),
          "\(file): \(alternative.name)")
      }
    }
  }
}

extension MutantCatalogTests {
  /// Every exercise region of a unit must be the target of at least one cataloged mutant, so
  /// CI proves that its tests can fail.
  func testEveryExerciseHasAtLeastOneMutant() throws {
    let root = kitRoot
    let solutions = root.appendingPathComponent("Solutions")
    let catalogs = root.appendingPathComponent("Grader/Mutants")
    guard FileManager.default.fileExists(atPath: catalogs.path) else {
      throw XCTSkip("no Grader/Mutants in this checkout (a student handout)")
    }
    var uncovered: [String] = []
    for unit in try FileManager.default.contentsOfDirectory(atPath: solutions.path).sorted() {
      let catalog = catalogs.appendingPathComponent("\(unit).mutants")
      let mutants =
        FileManager.default.fileExists(atPath: catalog.path)
        ? try MutantCatalog.parse(String(contentsOf: catalog, encoding: .utf8), file: unit) : []
      var covered = Set<String>()
      var all = Set<String>()
      for file in try swiftFiles(under: solutions.appendingPathComponent(unit)) {
        let source = try String(
          contentsOf: solutions.appendingPathComponent("\(unit)/\(file)"), encoding: .utf8)
        let regions = try ExerciseGenerator.regions(in: source, file: file)
        all.formUnion(regions.map(\.exercise))
        for mutant in mutants where mutant.file == file {
          guard let range = source.range(of: mutant.find) else { continue }
          let line = source[..<range.lowerBound].filter { $0 == "\n" }.count + 1
          for region in regions where region.beginLine < line && line < region.endLine {
            covered.insert(region.exercise)
          }
        }
      }
      uncovered += all.subtracting(covered).sorted().map { "\(unit) exercise \($0)" }
    }
    XCTAssertEqual(uncovered, [], "add a realistic mutant for each of these to Grader/Mutants/")
  }
}

final class TestOutputParserTests: XCTestCase {
  func result(_ output: String, status: Int32 = 0, signal: Bool = false) -> ProcessResult {
    ProcessResult(
      status: status, crashedBySignal: signal, timedOut: false, output: output, seconds: 0.1)
  }

  func testLinuxPassFailSkip() {
    let name = "Unit00Tests.AffineForwardTests/testA"
    let passed = TestOutputParser.outcome(
      of: name, result: result("Test Case 'AffineForwardTests.testA' passed (0.001 seconds)"))
    XCTAssertEqual(passed.status, .passed)
    let failed = TestOutputParser.outcome(
      of: name,
      result: result(
        """
        /x/A.swift:9: error: AffineForwardTests.testA : failed - forward(x): expected 1, got 2
        Test Case 'AffineForwardTests.testA' failed (0.002 seconds)
        """, status: 1))
    XCTAssertEqual(failed.status, .failed)
    XCTAssertEqual(failed.message, "forward(x): expected 1, got 2")
    let skipped = TestOutputParser.outcome(
      of: name,
      result: result(
        """
        /x/A.swift:9: AffineForwardTests.testA : Test skipped - exercise 00.1 (f) is not implemented yet
        Test Case 'AffineForwardTests.testA' skipped (0.0 seconds)
        """))
    XCTAssertEqual(skipped.status, .notStarted)
    XCTAssertEqual(skipped.message, "exercise 00.1 (f) is not implemented yet")
  }

  func testMacOSSpelling() {
    let outcome = TestOutputParser.outcome(
      of: "Unit00Tests.AffineForwardTests/testA",
      result: result("Test Case '-[Unit00Tests.AffineForwardTests testA]' passed (0.001 seconds)."))
    XCTAssertEqual(outcome.status, .passed)
  }

  func testCrashAndFakePassLines() {
    // A process killed by a signal never counts as passed, whatever it printed before.
    let crashed = TestOutputParser.outcome(
      of: "Unit00Tests.AffineForwardTests/testA",
      result: result(
        "Test Case 'AffineForwardTests.testA' passed (0.001 seconds)\nFatal error: Index out of range",
        status: 4, signal: true))
    XCTAssertEqual(crashed.status, .crashed)
    XCTAssertTrue(crashed.message.contains("Index out of range"))
    // A pass line followed by a non-zero exit is a failure.
    let exited = TestOutputParser.outcome(
      of: "Unit00Tests.AffineForwardTests/testA",
      result: result("Test Case 'AffineForwardTests.testA' passed (0.001 seconds)", status: 1))
    XCTAssertEqual(exited.status, .failed)
  }
}

/// Course tests must import only the names they use from a unit (`import struct
/// Unit00.Affine`), never a whole unit module: a student's module could otherwise declare
/// functions named like the assertions and change what a test does.
final class CourseTestImportTests: XCTestCase {
  func testCourseTestsUseScopedImportsOfUnitModules() throws {
    let root = kitRoot
    let fm = FileManager.default
    var offenders: [String] = []
    var checked = 0
    for folder in ["Tests", "Grader/HiddenTests"] {
      let base = root.appendingPathComponent(folder)
      guard let names = try? fm.contentsOfDirectory(atPath: base.path) else { continue }
      for name in names where name.hasPrefix("Unit") {
        for file in try swiftFiles(under: base.appendingPathComponent(name)) {
          let path = "\(folder)/\(name)/\(file)"
          let text = try String(
            contentsOf: base.appendingPathComponent("\(name)/\(file)"), encoding: .utf8)
          checked += 1
          for line in text.split(separator: "\n")
          where line.range(
            of: #"^(@testable\s+)?import\s+Unit\d+\s*$"#, options: .regularExpression)
            != nil
          {
            offenders.append("\(path): `\(line)`")
          }
        }
      }
    }
    XCTAssertGreaterThan(checked, 0)
    XCTAssertEqual(
      offenders, [], "import only the names you use, e.g. `import struct Unit00.Affine`")
  }
}
