// swift-tools-version:6.0
//
// The RNN course kit. No package dependencies: the Swift toolchain only.
//
// The unit modules (`Unit00`, `Unit01`, ...) are compiled from `Exercises/` by default, so
// students test their own work. With `RNNKIT_SOLUTIONS=1` in the environment they are compiled
// from `Solutions/` instead, and a test that reaches an unimplemented exercise fails instead of
// being skipped.

import Foundation
import PackageDescription

let environment = ProcessInfo.processInfo.environment
let solutionsMode = environment["RNNKIT_SOLUTIONS"] == "1"
let unitRoot = solutionsMode ? "Solutions" : "Exercises"
let hasSolutions = FileManager.default.fileExists(atPath: Context.packageDirectory + "/Solutions")
if solutionsMode && !hasSolutions {
  // The student handout ships without the reference; say so instead of a path error.
  FileHandle.standardError.write(
    Data(
      ("error: RNNKIT_SOLUTIONS=1 runs the reference solutions, which this copy of the kit "
        + "(the student handout) does not include; unset it to run your own Exercises/\n").utf8))
  exit(1)
}
/// The grader builds a copy of the kit with `RNNKIT_GRADING=1`: only the libraries, the unit
/// modules and their course tests (public and hidden), optionally only the units named in
/// `RNNKIT_UNITS` (such as `00,01`) and the units they depend on.
let gradingMode = environment["RNNKIT_GRADING"] == "1"
let requestedUnits = environment["RNNKIT_UNITS"].map {
  Set($0.split(separator: ",").map { "Unit" + $0.trimmingCharacters(in: .whitespaces) })
}

/// The numeric core and the training library run optimized even in `swift test`'s debug build
/// (the arithmetic is the same: Swift never reorders or fuses floating-point operations on its
/// own). The units are not: a student's mistake stops with the standard library's message
/// ("Index out of range") and its line, and their code runs as written. On x86-64 the code is compiled for the processor that builds it, so the matrix
/// product can use its widest vector instructions (AVX2, AVX-512); a build is meant to run
/// where it was made. Other processors (arm64) use their baseline vector unit.
#if arch(x86_64)
  let targetProcessor = ["-target-cpu", "native"]
#else
  let targetProcessor: [String] = []
#endif
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"] + targetProcessor)]
let modeDefines: [SwiftSetting] = solutionsMode ? [.define("RNNKIT_SOLUTIONS")] : []

/// One entry per unit: the module name and the targets it needs (libraries or earlier units).
let units: [(name: String, dependencies: [String])] = [
  ("Unit00", ["RNNCore"]),
  ("Unit01", ["RNNCore", "RNNData"]),
  ("Unit02", ["RNNCore", "RNNTraining"]),
  ("Unit03", ["RNNCore", "RNNTraining", "RNNData", "Unit02"]),
  ("Unit04", ["RNNCore", "RNNTraining", "RNNData", "Unit02", "Unit03"]),
  ("Unit05", ["RNNCore", "RNNTraining", "RNNData", "Unit02", "Unit03"]),
  ("Unit06", ["RNNCore", "RNNTraining", "RNNData", "Unit02", "Unit03", "Unit05"]),
  ("Unit07", ["RNNCore", "RNNTraining", "RNNData"]),
  ("Unit08", ["RNNCore", "RNNTraining", "RNNData"]),
  ("Unit09", ["RNNCore", "RNNTraining", "RNNData", "Unit05", "Unit06", "Unit07"]),
  ("Unit10", ["RNNCore", "RNNTraining", "RNNData"]),
]

/// The units to build: all of them, or the requested ones and everything they depend on.
let selectedUnits: [(name: String, dependencies: [String])] = {
  guard let requested = requestedUnits else { return units }
  var wanted = requested
  for unit in units.reversed() where wanted.contains(unit.name) {
    wanted.formUnion(unit.dependencies.filter { $0.hasPrefix("Unit") })
  }
  return units.filter { wanted.contains($0.name) }
}()

var targets: [Target] = [
  .target(name: "RNNCore", swiftSettings: optimized),
  .target(name: "RNNPlot", dependencies: ["RNNCore"]),
  .target(name: "RNNData", dependencies: ["RNNCore"], swiftSettings: optimized),
  .target(name: "RNNTraining", dependencies: ["RNNCore", "RNNPlot"], swiftSettings: optimized),
  .target(
    name: "CourseTestSupport", dependencies: ["RNNCore", "RNNTraining"],
    swiftSettings: modeDefines),
]

if !gradingMode {
  targets += [
    .target(name: "GraderKit"),
    .target(name: "RNNCommandLine"),
    .executableTarget(name: "grade", dependencies: ["GraderKit"]),
    .executableTarget(
      name: "rnnkit",
      dependencies: ["RNNCore", "RNNPlot", "RNNData", "RNNTraining", "RNNCommandLine"]
        + units.map { .target(name: $0.name) }
    ),
    .testTarget(name: "RNNCoreTests", dependencies: ["RNNCore"]),
    .testTarget(name: "RNNPlotTests", dependencies: ["RNNPlot", "RNNCore"]),
    .testTarget(name: "RNNDataTests", dependencies: ["RNNData", "RNNCore"]),
    .testTarget(name: "RNNTrainingTests", dependencies: ["RNNTraining", "RNNCore"]),
    .testTarget(name: "GraderKitTests", dependencies: ["GraderKit"]),
    .testTarget(name: "RNNCommandLineTests", dependencies: ["RNNCommandLine"]),
  ]
}

for unit in selectedUnits {
  let dependencies = unit.dependencies.map { Target.Dependency.target(name: $0) }
  let testDependencies = [.target(name: unit.name), "CourseTestSupport"] + dependencies
  targets.append(
    .target(
      name: unit.name,
      dependencies: dependencies,
      path: "\(unitRoot)/\(unit.name)",
      swiftSettings: modeDefines
    )
  )
  targets.append(.testTarget(name: "\(unit.name)Tests", dependencies: testDependencies))
  // Hidden tests count in the grade but never ship to students: the handout has no such folder.
  let hidden = "Grader/HiddenTests/\(unit.name)HiddenTests"
  if FileManager.default.fileExists(atPath: Context.packageDirectory + "/" + hidden) {
    targets.append(
      .testTarget(name: "\(unit.name)HiddenTests", dependencies: testDependencies, path: hidden))
  }
}

let package = Package(
  name: "RNNKit",
  platforms: [.macOS(.v13)],
  products: gradingMode
    ? []
    : [
      .executable(name: "rnnkit", targets: ["rnnkit"]),
      .executable(name: "grade", targets: ["grade"]),
    ],
  targets: targets
)
