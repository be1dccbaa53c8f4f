import Foundation
import RNNCore

/// The speed the matrix product should reach on one core, in GFLOP/s.
private let benchTargetGFLOPS = 8.0

private let benchUsage = """
  Usage: rnnkit bench [--repetitions N]
         rnnkit bench ngram [--help]   (n-gram counting speed, unit 01)

  Measures the speed of the numeric core on one thread:
    - GFLOP/s of a 256x256x256 matrix product, plain and with either operand transposed;
    - the time of one Elman RNN step, h = tanh(x Wxhᵀ + h Whhᵀ + b),
      for batch 32, input 256, hidden 256.
  Each figure is the median of N timed runs after one warm-up run.

  options:
    --repetitions N   timed runs per measurement (default 11)
    --help            show this text

  The last line compares the plain product with the target of \(Int(benchTargetGFLOPS)) GFLOP/s.
  It is a report: the exit status is 0 either way.
  """

/// Runs `rnnkit bench`; `arguments` are the words after `bench`. Returns the exit status.
func runBench(_ arguments: [String]) -> Int32 {
  if arguments.first == "ngram" { return runNGramBench(Array(arguments.dropFirst())) }
  var repetitions = 11
  var index = 0
  while index < arguments.count {
    switch arguments[index] {
    case "--help", "-h":
      print(benchUsage)
      return 0
    case "--repetitions":
      guard index + 1 < arguments.count, let n = Int(arguments[index + 1]), n >= 1 else {
        benchError("--repetitions needs a whole number of at least 1")
        return 64
      }
      repetitions = n
      index += 2
    default:
      benchError("unknown argument '\(arguments[index])'")
      return 64
    }
  }

  let size = 256
  print("rnnkit bench: one thread, median of \(repetitions) runs after 1 warm-up run")
  print("matrix product, m = n = k = \(size):")
  var rng = RandomSource(seed: 2024)
  let a = Matrix.gaussian(size, size, rng: &rng)
  let b = Matrix.gaussian(size, size, rng: &rng)
  let flops = 2 * Double(size * size * size)
  let variants: [(label: String, transposeSelf: Bool, transposeOther: Bool)] = [
    ("A B ", false, false),
    ("A Bᵀ", false, true),
    ("Aᵀ B", true, false),
  ]
  var plainRate = 0.0
  for variant in variants {
    let seconds = medianSeconds(repetitions: repetitions) {
      a.matmul(b, transposeSelf: variant.transposeSelf, transposeOther: variant.transposeOther)
    }
    let rate = flops / seconds / 1e9
    if !variant.transposeSelf && !variant.transposeOther { plainRate = rate }
    print(
      "  \(variant.label)  \(fixed(rate, digits: 2)) GFLOP/s"
        + "  (\(fixed(seconds * 1e3, digits: 3)) ms per product)")
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
    "\(verdict): A B at \(fixed(plainRate, digits: 2)) GFLOP/s"
      + " (target \(fixed(benchTargetGFLOPS, digits: 1)) GFLOP/s)")
  return 0
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

private func fixed(_ value: Double, digits: Int) -> String {
  String(format: "%.\(digits)f", value)
}

private func benchError(_ message: String) {
  FileHandle.standardError.write(Data("Error: \(message)\n\(benchUsage)\n".utf8))
}
