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

/// The numeric core runs optimized even in `swift test`'s debug build.
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"])]
let modeDefines: [SwiftSetting] = solutionsMode ? [.define("RNNKIT_SOLUTIONS")] : []

/// One entry per unit: module name, folder name, and what the module needs.
let units: [(name: String, dependencies: [Target.Dependency])] = [
  ("Unit00", ["RNNCore"])
]

var targets: [Target] = [
  .target(name: "RNNCore", swiftSettings: optimized),
  .target(name: "RNNPlot", dependencies: ["RNNCore"]),
  .target(name: "CourseTestSupport", dependencies: ["RNNCore"], swiftSettings: modeDefines),
  .target(name: "GraderKit"),
  .executableTarget(name: "grade", dependencies: ["GraderKit"]),
  .executableTarget(
    name: "rnnkit",
    dependencies: ["RNNCore", "RNNPlot"] + units.map { .target(name: $0.name) }
  ),
  .testTarget(name: "RNNCoreTests", dependencies: ["RNNCore"]),
  .testTarget(name: "RNNPlotTests", dependencies: ["RNNPlot", "RNNCore"]),
  .testTarget(name: "GraderKitTests", dependencies: ["GraderKit"]),
]

for unit in units {
  targets.append(
    .target(
      name: unit.name,
      dependencies: unit.dependencies,
      path: "\(unitRoot)/\(unit.name)",
      swiftSettings: modeDefines
    )
  )
  targets.append(
    .testTarget(
      name: "\(unit.name)Tests",
      dependencies: [.target(name: unit.name), "RNNCore", "CourseTestSupport"]
    )
  )
}

let package = Package(
  name: "RNNKit",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "rnnkit", targets: ["rnnkit"]),
    .executable(name: "grade", targets: ["grade"]),
  ],
  targets: targets
)
