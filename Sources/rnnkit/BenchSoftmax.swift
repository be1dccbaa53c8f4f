import Foundation
import RNNCommandLine
import RNNCore
import Unit10

// `rnnkit bench softmax`: the cost of the output layer for a large vocabulary (unit 10).

private let softmaxBenchUsageLine = "Usage: rnnkit bench softmax [options]"

/// How much faster than the full softmax each layer should be at `|V| = 10,000`.
private let classSpeedUpTarget = 10.0
private let treeSpeedUpTarget = 20.0

private var softmaxBenchHelp: String {
  """
  \(softmaxBenchUsageLine)

  Measures the time per token of one forward and backward pass of the output layer (loss
  and the gradients of every weight and of the hidden states) for three layers over the
  same vocabulary:
    full       z = h Wᵀ + b, a stable log-softmax over all |V| words, ∂L/∂z = p - onehot,
               ∂L/∂W = (∂L/∂z)ᵀ h, ∂L/∂h = (∂L/∂z) W;
    classes    ClassSoftmax with round(√|V|) classes by frequency binning (10.1-10.3);
    tree       HierarchicalSoftmax over the Huffman tree of the counts (10.4-10.6).
  The word counts follow Zipf's law (the word of rank r occurs in proportion to 1/r) and the
  targets are drawn from them with a fixed seed. Runs your unit 10 exercises (in the full
  kit, RNNKIT_SOLUTIONS=1 runs the reference).

  \(softmaxBenchOptionTable.help)

  The default batch is what one call of the output layer sees in `rnnkit train --words`
  with its defaults: a chunk of 32 sequences of 20 steps, stacked into 640 tokens. The
  gradients of the weights come back as dense blocks of the weights' shape, as the
  optimizer needs them, so every call costs O(|V| H) for them whatever the layer; a whole
  chunk shares that cost among its 640 tokens (at --batch 32 it is most of the class-based
  and the hierarchical softmax's time). The default run takes about half a minute and
  1.7 GB of memory, most of both for the full softmax at |V| = 100,000, whose scores and
  their gradient are two 640 x 100,000 matrices.

  Each figure is the median of N timed runs after one warm-up run; each run is one batch
  with targets of its own, timed by the processor time of the thread doing the work (all of
  it runs on one thread), which other programs running at the same time disturb less than
  the wall-clock time. The last lines compare the speed-ups at |V| = 10,000 with the
  targets (classes 10x, tree 20x faster than the full softmax); they are a report: the
  exit status is 0 either way.
  """
}

private struct SoftmaxBenchOptions {
  var sizes = [1000, 10_000, 100_000]
  var hidden = 128
  var batch = 640
  var repetitions = 7
  var svg: String?
}

private let softmaxBenchOptionTable = OptionTable<SoftmaxBenchOptions>(sections: [
  .init(
    "options",
    [
      .init(
        names: ["--sizes"], valueName: "LIST",
        help: ["comma-separated vocabulary sizes, each at least 4", "(default 1000,10000,100000)"]
      ) { options, list, given in
        var sizes: [Int] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
          let text = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(
            of: "_", with: "")
          guard let size = Int(text), size >= 4 else {
            throw UsageError("\(given): '\(part)' is not a vocabulary size of at least 4")
          }
          sizes.append(size)
        }
        options.sizes = sizes
      },
      .integer("--hidden", "N", atLeast: 1, help: "hidden size H (default 128)") {
        $0.hidden = $1
      },
      .integer(
        "--batch", "N", atLeast: 1,
        help: "tokens per pass B (default 640, one chunk of `rnnkit train --words`)"
      ) { $0.batch = $1 },
      .integer(
        "--repetitions", "N", atLeast: 1,
        help: "timed runs per measurement; the median is shown (default 7)"
      ) { $0.repetitions = $1 },
      .text("--svg", "FILE", help: "also draw the times against |V| as an SVG line chart") {
        $0.svg = $1
      },
      .helpFlag,
    ])
])

/// Runs `rnnkit bench softmax`; `arguments` are the words after `softmax`. Returns the status.
func runSoftmaxBench(_ arguments: [String]) -> Int32 {
  runCommand(name: "bench softmax", usageLine: softmaxBenchUsageLine) {
    guard
      let options = try parseOptions(
        arguments, with: softmaxBenchOptionTable, defaults: SoftmaxBenchOptions(),
        help: { softmaxBenchHelp })
    else { return }
    try measureSoftmaxLayers(options)
  }
}

/// The times of one vocabulary size, in seconds per token.
private struct SoftmaxTimes {
  var vocabulary: Int
  var full: Double
  var classes: Double
  var tree: Double
}

private func measureSoftmaxLayers(_ options: SoftmaxBenchOptions) throws {
  print(
    "rnnkit bench softmax: H \(options.hidden), batch \(options.batch), Zipf counts, "
      + "thread processor time, median of \(options.repetitions) runs after 1 warm-up run")
  print("")
  print("| \\|V\\| | full µs/token | classes µs/token | speed-up | tree µs/token | speed-up |")
  print("| ---: | ---: | ---: | ---: | ---: | ---: |")
  var results: [SoftmaxTimes] = []
  for size in options.sizes {
    let times = measureSoftmaxLayers(
      vocabulary: size, hidden: options.hidden, batch: options.batch,
      repetitions: options.repetitions)
    results.append(times)
    print(
      "| \(groupedThousands(size)) | \(microseconds(times.full)) | "
        + "\(microseconds(times.classes)) | \(speedUp(times.full / times.classes)) | "
        + "\(microseconds(times.tree)) | \(speedUp(times.full / times.tree)) |")
  }
  print("")
  #if DEBUG
    print(
      "Debug build: the unit 10 layers run unoptimized and the kit's matrix operations "
        + "optimized,\nso work done in element loops is several times slower than the same "
        + "work in matrix operations;\n`swift run -c release rnnkit bench softmax` "
        + "optimizes everything.")
  #endif
  if let at10k = results.first(where: { $0.vocabulary == 10_000 }) {
    let classes = at10k.full / at10k.classes
    let tree = at10k.full / at10k.tree
    print(
      "\(classes >= classSpeedUpTarget ? "PASS" : "FAIL"): classes \(speedUp(classes)) faster "
        + "than the full softmax at |V| = 10,000 (target \(Int(classSpeedUpTarget))x)")
    print(
      "\(tree >= treeSpeedUpTarget ? "PASS" : "FAIL"): tree \(speedUp(tree)) faster "
        + "than the full softmax at |V| = 10,000 (target \(Int(treeSpeedUpTarget))x)")
  } else {
    print("(no check: the targets are stated at |V| = 10,000, which --sizes leaves out)")
  }
  if let path = options.svg {
    let chart = softmaxTimeChart(
      sizes: results.map(\.vocabulary), full: results.map { $0.full * 1e6 },
      classes: results.map { $0.classes * 1e6 }, tree: results.map { $0.tree * 1e6 },
      subtitle: "H \(options.hidden), batch \(options.batch)")
    do {
      try chart.write(to: path)
    } catch {
      throw CommandFailure.input("cannot write \(path): \(error.localizedDescription)")
    }
    print("wrote \(path)")
  }
}

/// Zipf counts for `vocabulary` words: word `w` (rank `w + 1`) occurs `round(10⁷ / (w + 1))`
/// times, at least once.
func zipfCounts(vocabulary: Int) -> [Int] {
  (0..<vocabulary).map { max(1, Int((1e7 / Double($0 + 1)).rounded())) }
}

/// `count` words drawn from the distribution of `counts` (inverse of the cumulative counts).
private func sampleWords(_ count: Int, counts: [Int], rng: inout RandomSource) -> [Int] {
  var cumulative: [Int] = []
  cumulative.reserveCapacity(counts.count)
  var total = 0
  for c in counts {
    total += c
    cumulative.append(total)
  }
  return (0..<count).map { _ in
    let u = rng.int(below: total)
    // The first word whose cumulative count exceeds u.
    var low = 0
    var high = counts.count - 1
    while low < high {
      let middle = (low + high) / 2
      if cumulative[middle] > u { high = middle } else { low = middle + 1 }
    }
    return low
  }
}

/// Times the three layers at one vocabulary size.
private func measureSoftmaxLayers(
  vocabulary: Int, hidden: Int, batch: Int, repetitions: Int
)
  -> SoftmaxTimes
{
  var rng = RandomSource(seed: UInt64(vocabulary))
  let counts = zipfCounts(vocabulary: vocabulary)
  // One batch of targets for the warm-up run and one for each timed run.
  let targets = (0...repetitions).map { _ in sampleWords(batch, counts: counts, rng: &rng) }
  let h = Matrix.gaussian(batch, hidden, rng: &rng)
  let std = 1 / Double(hidden).squareRoot()

  let weight = Matrix.gaussian(vocabulary, hidden, std: std, rng: &rng)
  let bias = Matrix.zeros(1, vocabulary)
  let full = medianSecondsPerRun(repetitions: repetitions) { run in
    fullSoftmaxPass(hidden: h, targets: targets[run], weight: weight, bias: bias)
  }

  let classCount = Int(Double(vocabulary).squareRoot().rounded())
  let classLayer = ClassSoftmax(
    hiddenSize: hidden,
    classes: WordClasses.frequencyBinned(counts: counts, classCount: classCount), rng: &rng)
  let classes = medianSecondsPerRun(repetitions: repetitions) { run in
    let (loss, cache) = classLayer.lossAndCache(hidden: h, targets: targets[run])
    let (hiddenGradient, gradients) = classLayer.backward(cache)
    return loss + hiddenGradient[0, 0] + gradients.classBias[0, 0]
  }

  let treeLayer = HierarchicalSoftmax(
    hiddenSize: hidden, tree: HuffmanTree.build(counts: counts), rng: &rng)
  let tree = medianSecondsPerRun(repetitions: repetitions) { run in
    let (loss, cache) = treeLayer.lossAndCache(hidden: h, targets: targets[run])
    let (hiddenGradient, gradients) = treeLayer.backward(cache)
    return loss + hiddenGradient[0, 0] + gradients.nodeBias[0, 0]
  }
  let tokens = Double(batch)
  return SoftmaxTimes(
    vocabulary: vocabulary, full: full / tokens, classes: classes / tokens, tree: tree / tokens)
}

/// One forward and backward pass of the full softmax over `V` words: the mean cross-entropy
/// of the targets and the gradients of `W` (`V x H`), `b` and `h`. Returns a number made
/// from all of them, so that none of the work can be dropped.
private func fullSoftmaxPass(
  hidden h: Matrix, targets: [Int], weight: Matrix, bias: Matrix
)
  -> Double
{
  let logits = h.matmul(weight, transposeOther: true).adding(rowVector: bias)
  // The stable log-softmax and p - onehot, divided by B, in one pass over each row.
  let (loss, scoreGradient) = CrossEntropy.lossAndGradient(logits: logits, targets: targets)
  let weightGradient = scoreGradient.matmul(h, transposeSelf: true)
  let biasGradient = scoreGradient.sumRows()
  let hiddenGradient = scoreGradient.matmul(weight)
  return loss + weightGradient[0, 0] + biasGradient[0, 0] + hiddenGradient[0, 0]
}

/// The median time of `repetitions` calls `body(1)`, `body(2)`, ..., after one untimed call
/// `body(0)`: the processor time of the calling thread, which does all the work (one thread).
private func medianSecondsPerRun(repetitions: Int, _ body: (Int) -> Double) -> Double {
  var sink = body(0)
  var times: [Double] = []
  for run in 1...repetitions {
    let start = threadSeconds()
    sink += body(run)
    times.append(threadSeconds() - start)
  }
  // Use the results, so the optimizer cannot drop the work being timed.
  if sink.isNaN { print("(note: a pass returned NaN)") }
  times.sort()
  let middle = times.count / 2
  return times.count % 2 == 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2
}

/// The processor time the calling thread has used, in seconds.
private func threadSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

private func microseconds(_ seconds: Double) -> String {
  let value = seconds * 1e6
  return String(format: value < 10 ? "%.2f" : value < 100 ? "%.1f" : "%.0f", value)
}

private func speedUp(_ ratio: Double) -> String {
  String(format: ratio < 10 ? "%.2fx" : "%.1fx", ratio)
}
