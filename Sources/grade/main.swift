import Foundation
import GraderKit

let usage = """
  Usage: grade [--unit NN]
         grade --submissions DIR --out DIR [--unit NN] [--jobs N] [--force]
                                           [--memory MiB] [--timeout S] [--seed N]
         grade release --out DIR [--with-derivations]
         grade gradescope --out FILE.zip [--swift-version X.Y.Z]
         grade generate [--check]
         grade mutants [--unit NN] [--jobs N] [--scratch DIR]
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
    --submissions DIR --out DIR
                 Grade a class. DIR holds one entry per student: a folder (a whole kit
                 checkout, or just its Exercises/) or a .zip of either. Writes
                 OUT/gradebook.csv, OUT/feedback/NAME.md and OUT/results/NAME.json
                 (Gradescope's format), and prints a summary. Only the Swift files of each
                 submission's Exercises/ are used, in a scratch copy of the kit with its own
                 Package.swift and tests (hidden tests included). A unit that does not
                 compile is graded with the stubs; each test runs in its own process with a
                 time and memory limit and counts only with proof that it ran to its end.
                 Submissions already graded with the same inputs are skipped.
    release      Write the student handout to --out: everything but Solutions/, the hidden
                 tests, the mutant catalogs and the instructor notes (Lectures/derivations/:
                 full derivations and answers to the lectures' questions). With
                 --with-derivations the notes are included.
    gradescope   Write a Gradescope autograder zip (setup.sh, run_autograder and the kit
                 with its reference solutions and hidden tests; keep it private) to --out.
    generate     Regenerate Exercises/ from Solutions/: every `// BEGIN SOLUTION` region
                 becomes a stub that names the exercise and the lecture section to read.
                 With --check, change nothing and exit 1 if Exercises/ is out of date.
    mutants      Apply each known student bug from Grader/Mutants/ to a scratch copy of the
                 kit (never to this tree), build only that unit, run its public and hidden
                 tests against the solutions, and report which tests catch it, with the
                 public tests' catch rate per unit. --jobs N runs N mutants at a time in
                 separate copies (in .build/grade-mutants, or --scratch DIR). Then each
                 correct alternative from Grader/Mutants/UnitNN.alternatives (the same
                 format, `alternative:` for `mutant:`: a solution region written another
                 correct way) must pass every test. Exits 1 if any mutant survives or any
                 alternative fails.

  Options:
    --unit NN    Only unit NN (for example --unit 00); repeat for several units.
    --check      With generate: only check.
    --jobs N     Grade N submissions (or test N mutants) at a time (default 1).
    --force      Regrade submissions even if their inputs did not change.
    --memory MiB Memory limit of each test process when grading a class (default 4096).
    --timeout S  Time limit of each test in seconds (default: the rubric's `timeout`).
    --seed N     Seed of the hidden tests' inputs (default: drawn once per --out folder
                 and kept there, so a rerun grades alike).
    --swift-version X.Y.Z
                 The toolchain setup.sh installs (default: this machine's).
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

var unitFilters: [String] = []
var checkOnly = false
var withDerivations = false
var force = false
var jobs = 1
var memory = 4096
var timeout: Double?
var seed: UInt64?
var scratchPath: String?
var submissionsPath: String?
var outPath: String?
var swiftVersion: String?
var index = 0

@MainActor func value(_ option: String) -> String {
  guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") else {
    fail("\(option) needs a value", code: 64)
  }
  index += 2
  return arguments[index - 1]
}

@MainActor func positiveInteger(_ option: String) -> Int {
  let text = value(option)
  guard let number = Int(text), number > 0 else {
    fail("\(option) needs a positive whole number, got `\(text)`", code: 64)
  }
  return number
}

while index < arguments.count {
  switch arguments[index] {
  case "--unit":
    let unit = value("--unit")
    unitFilters.append(unit.count == 1 ? "0" + unit : unit)
  case "--with-derivations" where command == "release":
    withDerivations = true
    index += 1
  case "--check" where command == "generate":
    checkOnly = true
    index += 1
  case "--submissions" where command == "check":
    submissionsPath = value("--submissions")
  case "--out" where ["check", "release", "gradescope"].contains(command):
    outPath = value("--out")
  case "--jobs" where command == "check" || command == "mutants":
    jobs = positiveInteger("--jobs")
  case "--memory" where command == "check":
    memory = positiveInteger("--memory")
  case "--timeout" where command == "check":
    timeout = Double(positiveInteger("--timeout"))
  case "--scratch" where command == "mutants":
    scratchPath = value("--scratch")
  case "--seed" where command == "check":
    let text = value("--seed")
    guard let number = UInt64(text), number > 0 else {
      fail("--seed needs a positive whole number, got `\(text)`", code: 64)
    }
    seed = number
  case "--force" where command == "check":
    force = true
    index += 1
  case "--swift-version" where command == "gradescope":
    swiftVersion = value("--swift-version")
  default:
    fail("unknown argument `\(arguments[index])`", code: 64)
  }
}
let currentDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
func resolved(_ path: String) -> URL {
  URL(fileURLWithPath: path, relativeTo: currentDirectory).standardizedFileURL
}
if (submissionsPath == nil) != (outPath == nil) && command == "check" {
  fail("--submissions and --out go together", code: 64)
}
if ["release", "gradescope"].contains(command) && outPath == nil {
  fail("\(command) needs --out", code: 64)
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
    guard FileManager.default.fileExists(atPath: layout.solutions.path) else {
      fail("there is no Solutions/ here (a student handout?); nothing to generate from")
    }
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
    let units = try layout.units().filter { unitFilters.isEmpty || unitFilters.contains($0) }
    if units.isEmpty { fail("no unit \(unitFilters.joined(separator: ", ")) in Exercises/") }
    var runner = MutantRunner(layout: layout)
    runner.jobs = jobs
    runner.scratchRoot = scratchPath.map(resolved)
    let all = try runner.run(units: units)
    let results = all.filter { !$0.isAlternative }
    let survived = results.filter { $0.verdict != .caught }
    print(
      "\(results.count - survived.count) of \(results.count) mutants caught"
        + (survived.isEmpty
          ? "." : "; not caught: \(survived.map(\.mutant.name).joined(separator: ", "))"))
    let alternatives = all.filter(\.isAlternative)
    let rejected = alternatives.filter { $0.verdict != .accepted }
    if !alternatives.isEmpty {
      print(
        "\(alternatives.count - rejected.count) of \(alternatives.count) correct alternatives "
          + "pass every test"
          + (rejected.isEmpty
            ? "."
            : "; failed by the tests (or not compiling): "
              + rejected.map(\.mutant.name).joined(separator: ", ")))
    }
    exit(survived.isEmpty && rejected.isEmpty ? 0 : 1)

  case "release":
    let destination = resolved(outPath ?? "")
    try Handout.release(layout, to: destination, withDerivations: withDerivations)
    print("Wrote the student handout to \(destination.path)")
    print(
      "(no Solutions/, no hidden tests, no mutant catalogs"
        + (withDerivations ? "" : ", no instructor notes")
        + "; `swift test` and `swift run grade` work there)")

  case "gradescope":
    let destination = resolved(outPath ?? "")
    var version = swiftVersion
    if version == nil, let swift = ProcessRunner.which("swift") {
      let output = try ProcessRunner.run(swift, ["--version"]).output
      if let range = output.range(of: #"Swift version [0-9.]+"#, options: .regularExpression) {
        version = String(output[range].dropFirst("Swift version ".count))
      }
    }
    guard let version else { fail("cannot tell the Swift version; pass --swift-version") }
    try Handout.gradescope(layout, to: destination, swiftVersion: version)
    print("Wrote \(destination.path) (Swift \(version)); upload it as the autograder.")

  case "check" where submissionsPath != nil:
    var grader = BatchGrader(
      layout: layout, submissions: resolved(submissionsPath ?? ""), output: resolved(outPath ?? ""))
    grader.jobs = jobs
    grader.force = force
    grader.memoryLimitMiB = memory
    grader.timeoutOverride = timeout
    grader.seed = seed
    grader.units = unitFilters.isEmpty ? nil : unitFilters
    let grades = try grader.run()
    print("")
    print(BatchGrader.summary(grades))
    print("")
    print("Wrote \(grader.output.path)/gradebook.csv, feedback/ and results/.")

  case "check":
    let rubric = try Rubric.load(packageRoot: layout.root)
    // Grade a copy holding only what grading needs, so maintainer tests or local build
    // settings cannot get in the way.
    let scratch = layout.root.appendingPathComponent(".build/grade-self-check")
    try layout.mirror(into: scratch, parts: ["Package.swift", "Sources", "Exercises", "Grader"])
    var runner = CourseTestRunner(packageRoot: scratch)
    runner.extraEnvironment["RNNKIT_GRADING"] = "1"
    if !unitFilters.isEmpty {
      runner.extraEnvironment["RNNKIT_UNITS"] = unitFilters.joined(separator: ",")
    }
    runner.requireProof = true
    runner.memoryLimitMiB = memory
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
      let unit = String(name.dropFirst(4).prefix { $0.isNumber })
      return unitFilters.isEmpty || unitFilters.contains(unit)
    }

    if tests.isEmpty { fail("no course tests found for units \(unitFilters)") }
    print("Running \(tests.count) tests, each in its own process ...")
    var done = 0
    let limit = timeout ?? rubric.timeout
    let outcomes = try runner.run(tests: tests, timeout: { _ in limit }) { _ in
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
