import Foundation
import RNNCommandLine
import RNNCore

/// The speed the matrix product should reach on one core, in GFLOP/s.
private let benchTargetGFLOPS = 25.0

private let benchUsageLine = """
  Usage: rnnkit bench [--repetitions N] [--threads N]
         rnnkit bench train [--help]   (training speed of the Elman, GRU and LSTM models)
         rnnkit bench ngram [--help]   (n-gram counting speed, unit 01)
         rnnkit bench softmax [--help] (output layers for large vocabularies, unit 10)
  """

private var benchUsage: String {
  """
  \(benchUsageLine)

  Measures the speed of the numeric core:
    - GFLOP/s of a 256x256x256 matrix product, plain and with either operand transposed,
      and of the products one training step of a GRU or LSTM makes (hidden and embedding
      128, batch 32: 4H = 512 gate rows);
    - the time of one Elman RNN step, h = tanh(x Wxhᵀ + h Whhᵀ + b),
      for batch 32, input 256, hidden 256.
  Each figure is the median of N timed runs after one warm-up run.

  \(benchOptionTable.help)

  The last lines compare the 256³ product with the target of \(Int(benchTargetGFLOPS)) GFLOP/s
  and the slowest training shape with 60% of it. They are a report: the exit status is 0
  either way.
  """
}

private struct BenchOptions {
  var repetitions = 11
  var threads = 1
}

private let benchOptionTable = OptionTable<BenchOptions>(
  sections: [
    .init(
      "options",
      [
        .integer(
          "--repetitions", "N", atLeast: 1, help: "timed runs per measurement (default 11)"
        ) { $0.repetitions = $1 },
        .threads { $0.threads = $1 },
        .helpFlag,
      ])
  ], nameColumn: 18)

/// Runs `rnnkit bench`; `arguments` are the words after `bench`. Returns the exit status.
func runBench(_ arguments: [String]) -> Int32 {
  if arguments.first == "ngram" { return runNGramBench(Array(arguments.dropFirst())) }
  if arguments.first == "train" { return runTrainBench(Array(arguments.dropFirst())) }
  if arguments.first == "softmax" { return runSoftmaxBench(Array(arguments.dropFirst())) }
  return runCommand(name: "bench", usageLine: benchUsageLine) {
    guard
      let options = try parseOptions(
        arguments, with: benchOptionTable, defaults: BenchOptions(), help: { benchUsage })
    else { return }
    measureProducts(repetitions: options.repetitions, threads: options.threads)
  }
}

/// Times the products and the Elman step and prints the report.
private func measureProducts(repetitions: Int, threads: Int) {
  let size = 256
  MatrixThreads.count = threads
  print(
    "rnnkit bench: \(threads == 1 ? "one thread" : "\(threads) threads for large products"),"
      + " median of \(repetitions) runs after 1 warm-up run")
  print(
    "matrix product (GFLOP/s; target \(fixed(benchTargetGFLOPS, digits: 0)) at 256³, 60% of that at the training shapes):"
  )
  var rng = RandomSource(seed: 2024)
  var plainRate = 0.0
  var worstTrainingRate = Double.infinity
  for shape in benchProductShapes {
    let a = Matrix.gaussian(
      shape.transposeSelf ? shape.k : shape.m, shape.transposeSelf ? shape.m : shape.k, rng: &rng)
    let b = Matrix.gaussian(
      shape.transposeOther ? shape.n : shape.k, shape.transposeOther ? shape.k : shape.n,
      rng: &rng)
    let flops = 2 * Double(shape.m * shape.n * shape.k)
    let seconds = medianSeconds(repetitions: repetitions) {
      a.matmul(b, transposeSelf: shape.transposeSelf, transposeOther: shape.transposeOther)
    }
    let rate = flops / seconds / 1e9
    if shape.label == "A B" && shape.m == size { plainRate = rate }
    if shape.training { worstTrainingRate = min(worstTrainingRate, rate) }
    let dims = "\(shape.m)x\(shape.n)x\(shape.k)".padding(
      toLength: 12, withPad: " ", startingAt: 0)
    print(
      "  \(dims) \(shape.label.padding(toLength: 5, withPad: " ", startingAt: 0))"
        + " \(fixed(rate, digits: 2).rightAligned(6)) GFLOP/s"
        + "  \(fixed(seconds * 1e6, digits: 1).rightAligned(8)) µs  \(shape.use)")
  }
  let batch = 32
  let input = 256
  let hidden = 256
  let x = Matrix.gaussian(batch, input, rng: &rng)
  let h = Matrix.gaussian(batch, hidden, std: 0.5, rng: &rng)
  let wxh = Matrix.xavierUniform(hidden, input, rng: &rng)
  let whh = Matrix.xavierUniform(hidden, hidden, rng: &rng)
  let bias = Matrix.gaussian(1, hidden, std: 0.1, rng: &rng)
  let stepSeconds = medianSeconds(repetitions: repetitions) {
    (x.matmul(wxh, transposeOther: true) + h.matmul(whh, transposeOther: true))
      .adding(rowVector: bias).tanh()
  }
  print(
    "Elman step h = tanh(x Wxhᵀ + h Whhᵀ + b),"
      + " batch \(batch), input \(input), hidden \(hidden):")
  print("  \(fixed(stepSeconds * 1e6, digits: 1)) µs per step")

  let verdict = plainRate >= benchTargetGFLOPS ? "PASS" : "FAIL"
  print(
    "\(verdict): A B at 256³ at \(fixed(plainRate, digits: 2)) GFLOP/s"
      + " (target \(fixed(benchTargetGFLOPS, digits: 1)) GFLOP/s)")
  let trainingTarget = 0.6 * benchTargetGFLOPS
  print(
    "\(worstTrainingRate >= trainingTarget ? "PASS" : "FAIL"): slowest training shape at"
      + " \(fixed(worstTrainingRate, digits: 2)) GFLOP/s"
      + " (target \(fixed(trainingTarget, digits: 1)) GFLOP/s)")
}

/// The median wall-clock time of `repetitions` calls of `body`, after one untimed call.
private func medianSeconds(repetitions: Int, _ body: () -> Matrix) -> Double {
  var sink = body()  // warm-up: page in the buffers and the code
  var times: [Double] = []
  times.reserveCapacity(repetitions)
  for _ in 0..<repetitions {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = body()
    let end = DispatchTime.now().uptimeNanoseconds
    times.append(Double(end - start) * 1e-9)
    sink = result
  }
  // Use the result, so the optimizer cannot drop the work being timed.
  if sink.storage.first?.isNaN == true { print("(note: the last result starts with NaN)") }
  times.sort()
  let middle = times.count / 2
  return times.count % 2 == 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2
}

/// The products timed by `rnnkit bench`: 256³ in the three layouts, then the products one
/// training step of a GRU or LSTM with hidden and embedding size 128 and batch 32 makes
/// (`4H = 512` gate rows).
private let benchProductShapes:
  [(
    m: Int, n: Int, k: Int, transposeSelf: Bool, transposeOther: Bool, label: String,
    use: String, training: Bool
  )] = [
    (256, 256, 256, false, false, "A B", "square", false),
    (256, 256, 256, false, true, "A Bᵀ", "square", false),
    (256, 256, 256, true, false, "Aᵀ B", "square", false),
    (32, 512, 128, false, true, "A Bᵀ", "gate pre-activations x Wᵀ (B 32, E 128, 4H 512)", true),
    (32, 128, 512, false, false, "A B", "input gradient ∂L/∂a W", true),
    (512, 128, 32, true, false, "Aᵀ B", "weight gradient (∂L/∂a)ᵀ x", true),
    (32, 128, 128, false, true, "A Bᵀ", "Elman step h Wᵀ (H 128)", true),
  ]

private func fixed(_ value: Double, digits: Int) -> String {
  String(format: "%.\(digits)f", value)
}
