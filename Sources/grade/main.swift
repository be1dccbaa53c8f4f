import Foundation
import GraderKit

let usage = """
  Usage: grade [--unit NN]
         grade generate [--check]
         grade mutants [--unit NN]
         grade --help
  """

let help = """
  grade: the course kit's autograder and exercise tools.

  \(usage)

  Commands:
    (none)       Self-check: build the course tests against Exercises/, run every test in
                 its own process, and print a table per unit and exercise (passed, failed,
                 not started, crashed, timed out, points). Points and the per-test time limit
                 come from Grader/rubric.txt.
    generate     Regenerate Exercises/ from Solutions/: every `// BEGIN SOLUTION` region
                 becomes a stub that names the exercise and the lecture section to read.
                 With --check, change nothing and exit 1 if Exercises/ is out of date.
    mutants      Apply each known student bug from Grader/Mutants/ to a scratch copy of the
                 kit (never to this tree), run that unit's tests against the solutions, and
                 report whether the tests catch it. Exits 1 if any mutant survives.

  Options:
    --unit NN    Only unit NN (for example --unit 00).
    --check      With generate: only check.
    -h, --help   Show this help.

  Exit codes: 0 success, 1 a check failed, 64 bad usage.
  """

func fail(_ message: String, code: Int32 = 1) -> Never {
  FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
  if code == 64 { FileHandle.standardError.write(Data("\(usage)\n".utf8)) }
  exit(code)
}

var arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("-h") || arguments.contains("--help") || arguments.first == "help" {
  print(help)
  exit(0)
}
let command = arguments.first.flatMap { $0.hasPrefix("-") ? nil : $0 } ?? "check"
if command != "check" { arguments.removeFirst() }

var unitFilter: String?
var checkOnly = false
var index = 0
while index < arguments.count {
  switch arguments[index] {
  case "--unit":
    guard index + 1 < arguments.count else { fail("--unit needs a unit number", code: 64) }
    let value = arguments[index + 1]
    unitFilter = value.count == 1 ? "0" + value : value
    index += 2
  case "--check" where command == "generate":
    checkOnly = true
    index += 1
  default:
    fail("unknown argument `\(arguments[index])`", code: 64)
  }
}

let layout: PackageLayout
do {
  layout = try PackageLayout.find(
    from: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
} catch {
  fail("\(error)")
}

do {
  switch command {
  case "generate":
    if checkOnly {
      let differences = try ExerciseGenerator.differences(
        solutions: layout.solutions, exercises: layout.exercises)
      if differences.isEmpty {
        print("Exercises/ is up to date with Solutions/.")
      } else {
        for difference in differences { print("  \(difference)") }
        fail("Exercises/ is out of date; run `swift run grade generate`")
      }
    } else {
      let changes = try ExerciseGenerator.generate(
        solutions: layout.solutions, exercises: layout.exercises)
      for change in changes { print("  updated: \(change)") }
      print(changes.isEmpty ? "Exercises/ was already up to date." : "Regenerated Exercises/.")
    }

  case "mutants":
    let units = try layout.units().filter { unitFilter == nil || $0 == unitFilter }
    if units.isEmpty { fail("no unit \(unitFilter ?? "") in Exercises/") }
    let results = try MutantRunner(layout: layout).run(units: units)
    let survived = results.filter { $0.verdict != .caught }
    print(
      "\(results.count - survived.count) of \(results.count) mutants caught"
        + (survived.isEmpty
          ? "." : "; not caught: \(survived.map(\.mutant.name).joined(separator: ", "))"))
    exit(survived.isEmpty ? 0 : 1)

  case "check":
    let rubric = try Rubric.load(packageRoot: layout.root)
    // Grade a copy holding only what grading needs, so maintainer tests or local build
    // settings cannot get in the way.
    let scratch = layout.root.appendingPathComponent(".build/grade-self-check")
    try layout.mirror(into: scratch, parts: ["Package.swift", "Sources", "Exercises", "Grader"])
    let runner = CourseTestRunner(packageRoot: scratch)
    print("Building the course tests against Exercises/ ...")
    let build = try runner.build()
    guard build.succeeded else {
      var errors: [String] = []
      for line in build.output.split(separator: "\n") where line.contains("error:") {
        let text = line.replacingOccurrences(of: scratch.path + "/", with: "")
        if !errors.contains(text) { errors.append(text) }
      }
      print(errors.prefix(20).joined(separator: "\n"))
      fail("the kit does not compile; fix the errors above (they name the file and line)")
    }
    let tests = try runner.listTests().filter { name in
      guard name.hasPrefix("Unit") else { return false }
      guard let unitFilter else { return true }
      return name.hasPrefix("Unit\(unitFilter)Tests.")
    }
    if tests.isEmpty { fail("no course tests found\(unitFilter.map { " for unit \($0)" } ?? "")") }
    print("Running \(tests.count) tests, each in its own process ...")
    var done = 0
    let outcomes = try runner.run(tests: tests, timeout: { _ in rubric.timeout }) { _ in
      done += 1
      if done % 10 == 0 || done == tests.count { print("  \(done)/\(tests.count)") }
    }
    print("")
    print(GradeReport(outcomes: outcomes, rubric: rubric).table())

  default:
    fail("unknown command `\(command)`", code: 64)
  }
} catch {
  fail("\(error)")
}
