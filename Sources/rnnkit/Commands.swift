/// One `rnnkit` subcommand.
struct RNNKitCommand: Sendable {
  var name: String
  var summary: String
  var run: @Sendable ([String]) -> Int32

  /// Every command, in the order `rnnkit --help` lists them.
  static let all: [RNNKitCommand] = [
    RNNKitCommand(
      name: "bench", summary: "measure matrix-multiply GFLOP/s and an Elman-sized step",
      run: { runBench($0) }),
    RNNKitCommand(
      name: "figures", summary: "regenerate the lecture figures (SVG) from fixed seeds",
      run: { runFigures($0) }),
  ]
}
