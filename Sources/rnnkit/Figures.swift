import Foundation
import RNNCommandLine
import RNNCore
import RNNPlot

/// One lecture figure: the SVG file's name, the lecture that shows it, and the function that
/// draws it. Every figure is computed from fixed seeds, so a run reproduces the committed file.
struct LectureFigure: Sendable {
  /// The file name inside the output directory, such as `00-softmax-stability.svg`.
  var name: String
  /// The lecture number that embeds the figure, such as `00`.
  var lecture: String
  /// Draws the figure and returns the SVG text.
  var make: @Sendable () -> String
}

/// Every figure `rnnkit figures` writes, in lecture order. A unit adds its figures by
/// appending entries here; the drawing functions can live in their own files.
let lectureFigures: [LectureFigure] = [
  LectureFigure(
    name: "00-gradient-check-step.svg", lecture: "00", make: { gradientCheckStepFigure() }),
  LectureFigure(
    name: "00-softmax-stability.svg", lecture: "00", make: { softmaxStabilityFigure() }),
  LectureFigure(
    name: "01-perplexity-vs-order.svg", lecture: "01", make: { ngramPerplexityFigure() }),
  LectureFigure(
    name: "01-ngram-table-growth.svg", lecture: "01", make: { ngramTableGrowthFigure() }),
  LectureFigure(name: "02-elman-unrolled.svg", lecture: "02", make: { elmanUnrolledDiagram() }),
  LectureFigure(
    name: "03-jacobian-norms-radius.svg", lecture: "03",
    make: { jacobianNormsByRadiusFigure() }),
  LectureFigure(
    name: "03-jacobian-norms-activation.svg", lecture: "03",
    make: { jacobianNormsByActivationFigure() }),
  LectureFigure(
    name: "04-exploding-gradients.svg", lecture: "04", make: { explodingGradientFigure() }),
  LectureFigure(
    name: "04-irnn-adding-problem.svg", lecture: "04", make: { irnnAddingProblemFigure() }),
  LectureFigure(
    name: "05-first-mention-accuracy.svg", lecture: "05", make: { firstMentionAccuracyFigure() }),
  LectureFigure(name: "05-gru-cell.svg", lecture: "05", make: { gruCellDiagram() }),
  LectureFigure(name: "05-gru-update-gate.svg", lecture: "05", make: { gruUpdateGateFigure() }),
  LectureFigure(
    name: "05-gradient-through-time.svg", lecture: "05", make: { gradientThroughTimeFigure() }),
  LectureFigure(name: "06-lstm-cell.svg", lecture: "06", make: { lstmCellDiagram() }),
  LectureFigure(name: "06-lstm-gates.svg", lecture: "06", make: { lstmGatesFigure() }),
  LectureFigure(name: "06-forget-bias.svg", lecture: "06", make: { lstmForgetBiasFigure() }),
  LectureFigure(
    name: "07-tagger-comparison.svg", lecture: "07", make: { taggerComparisonFigure() }),
  LectureFigure(
    name: "07-crf-transitions.svg", lecture: "07", make: { crfTransitionsFigure() }),
  LectureFigure(name: "07-crf-repair.svg", lecture: "07", make: { crfRepairFigure() }),
  LectureFigure(
    name: "07-depth-equal-budget.svg", lecture: "07", make: { depthAtEqualBudgetFigure() }),
  LectureFigure(
    name: "08-attention-heatmap.svg", lecture: "08", make: { attentionHeatmapFigure() }),
  LectureFigure(
    name: "08-length-vs-attention.svg", lecture: "08", make: { lengthVersusAttentionFigure() }),
  LectureFigure(
    name: "09-accuracy-by-kind.svg", lecture: "09", make: { accuracyByKindFigure() }),
  LectureFigure(
    name: "09-clipping-curves.svg", lecture: "09", make: { clippingCurvesFigure() }),
  LectureFigure(name: "10-softmax-time.svg", lecture: "10", make: { softmaxTimeFigure() }),
  LectureFigure(
    name: "10-huffman-code-lengths.svg", lecture: "10", make: { huffmanCodeLengthFigure() }),
  LectureFigure(
    name: "10-perplexity-vs-classes.svg", lecture: "10", make: { classCountFigure() }),
]

private let figuresUsageLine = "Usage: rnnkit figures [--out DIR] [--only NAME]... [--list]"

private var figuresHelp: String {
  """
  \(figuresUsageLine)

  Regenerates the lecture figures (SVG) from fixed seeds; each run writes the same bytes.
  Prints one line per file written.

  \(figuresOptionTable.help)
  """
}

/// What `rnnkit figures` was asked to do.
private struct FiguresOptions {
  var outDirectory = "Lectures/figures"
  var only: [String] = []
  var listOnly = false
}

private let figuresOptionTable = OptionTable<FiguresOptions>(
  sections: [
    .init(
      "options",
      [
        .init(
          names: ["--out"], valueName: "DIR",
          help: [
            "directory to write into (default Lectures/figures, relative to the",
            "current directory); created if missing",
          ]
        ) { options, directory, given in
          guard !directory.isEmpty else { throw UsageError("\(given) needs a directory") }
          options.outDirectory = directory
        },
        .init(
          names: ["--only"], valueName: "NAME",
          help: [
            "write only this figure, named by its file name with or without \".svg\";",
            "repeat the option for several figures",
          ]
        ) { options, name, given in
          guard !name.isEmpty else { throw UsageError("\(given) needs a figure name") }
          options.only.append(name)
        },
        .flag("--list", help: "print every figure with its lecture and write nothing") {
          $0.listOnly = true
        },
        .helpFlag,
      ])
  ], nameColumn: 14)

/// Runs `rnnkit figures`; `arguments` are the words after `figures`. Returns the exit status:
/// 0 on success, 1 if a file could not be written, 64 for a usage error.
func runFigures(_ arguments: [String]) -> Int32 {
  runCommand(name: "figures", usageLine: figuresUsageLine) {
    guard
      let options = try parseOptions(
        arguments, with: figuresOptionTable, defaults: FiguresOptions(), help: { figuresHelp })
    else { return }
    try writeFigures(options)
  }
}

private func writeFigures(_ options: FiguresOptions) throws {
  var selected = lectureFigures
  if !options.only.isEmpty {
    let known = Set(lectureFigures.map(\.name))
    let wanted = options.only.map { $0.hasSuffix(".svg") ? $0 : $0 + ".svg" }
    if let unknown = wanted.first(where: { !known.contains($0) }) {
      throw CommandFailure.usage(
        "no figure named '\(unknown)'; known figures: "
          + lectureFigures.map(\.name).joined(separator: ", "))
    }
    selected = lectureFigures.filter { wanted.contains($0.name) }
  }

  if options.listOnly {
    for figure in selected { print("\(figure.name)  (lecture \(figure.lecture))") }
    return
  }

  let outDirectory = options.outDirectory
  let base = URL(
    fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
  let directory = URL(fileURLWithPath: outDirectory, isDirectory: true, relativeTo: base)
    .standardizedFileURL
  do {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  } catch {
    throw CommandFailure.input(
      "cannot create directory \(directory.path): \(error.localizedDescription)")
  }
  let shownDirectory = outDirectory.hasSuffix("/") ? String(outDirectory.dropLast()) : outDirectory
  for figure in selected {
    let file = directory.appendingPathComponent(figure.name)
    do {
      try Data(figure.make().utf8).write(to: file, options: .atomic)
    } catch {
      throw CommandFailure.input("cannot write \(file.path): \(error.localizedDescription)")
    }
    print("wrote \(shownDirectory)/\(figure.name)  (lecture \(figure.lecture))")
  }
}

/// Values `m × 10^e` for every `e` in `exponents` and `m` in `mantissas`, in increasing order.
/// Each is parsed from decimal text, so it is the same correctly rounded `Double` on every
/// platform (a `pow` call may differ in the last bit).
private func decadeGrid(_ exponents: ClosedRange<Int>, mantissas: [String]) -> [Double] {
  exponents.flatMap { exponent in
    mantissas.compactMap { Double("\($0)e\(exponent)") }
  }
}

// MARK: Lecture 00

/// Relative error of finite-difference gradients of softmax cross-entropy against the
/// analytic gradient, as a function of the step `h`: truncation error grows to the right
/// (like `h²` for centered differences, `h` for forward ones) and rounding error to the left
/// (like `ε / h`), so each method has a best step in between.
func gradientCheckStepFigure() -> String {
  var rng = RandomSource(seed: 20)
  let logits = Matrix.gaussian(4, 5, std: 1.5, rng: &rng)
  let targets = (0..<logits.rows).map { _ in rng.int(below: logits.cols) }
  let analytic = CrossEntropy.lossAndGradient(logits: logits, targets: targets).gradient
  let loss = { (x: Matrix) in CrossEntropy.loss(logits: x, targets: targets) }
  let baseLoss = loss(logits)

  // The R10 preferred numbers: ten steps per decade, evenly spaced on the log axis.
  let steps =
    decadeGrid(
      -12...(-2), mantissas: ["1", "1.25", "1.6", "2", "2.5", "3.15", "4", "5", "6.3", "8"])
    + [1e-1]
  var centeredErrors: [Double] = []
  var forwardErrors: [Double] = []
  for h in steps {
    let centered = GradientCheck.numericalGradient(at: logits, step: h, loss: loss)
    var centeredWorst = 0.0
    var forwardWorst = 0.0
    for k in 0..<logits.count {
      var shifted = logits
      shifted.storage[k] += h
      let forward = (loss(shifted) - baseLoss) / h
      centeredWorst = max(
        centeredWorst, GradientCheck.relativeError(analytic.storage[k], centered.storage[k]))
      forwardWorst = max(
        forwardWorst, GradientCheck.relativeError(analytic.storage[k], forward))
    }
    centeredErrors.append(centeredWorst)
    forwardErrors.append(forwardWorst)
  }

  var chart = LineChart(
    title: "Gradient check of softmax cross-entropy: error vs. step h",
    xLabel: "finite-difference step h",
    yLabel: "max relative error over the 4×5 logits", xScale: .logarithmic,
    yScale: .logarithmic)
  chart.addSeries("centered: (L(x+h) − L(x−h)) / 2h", x: steps, y: centeredErrors)
  chart.addSeries("forward: (L(x+h) − L(x)) / h", x: steps, y: forwardErrors, dashed: true)
  chart.addVerticalLine(at: 1e-5, label: "h = 1e-5, the kit's default")
  chart.addHorizontalLine(at: 1e-7, label: "one-step tolerance 1e-7")
  chart.addAnnotation("rounding error ∝ ε / h", x: 3e-10, y: 3e-2)
  chart.addAnnotation("truncation error ∝ h or h²", x: 8e-2, y: 3e-10, alignment: .trailing)
  return chart.svg()
}

/// The probability of the first class of `softmax([s, 0, −s])` for `s` from 1 to 10^4,
/// computed naively and with the maximum subtracted first. The naive `exp(s)` overflows to
/// infinity past `s = log(Double.greatestFiniteMagnitude) ≈ 709.78`, the ratio becomes
/// `inf / inf = NaN`, and its line stops there; the stable version never exponentiates a
/// positive number.
func softmaxStabilityFigure() -> String {
  let overflow = log(Double.greatestFiniteMagnitude)
  // The R20 preferred numbers from 1 to 10^4, plus extra points close to the overflow. The
  // decade past the overflow shows the stable line carrying on where the naive one stopped.
  var scores =
    decadeGrid(
      0...3,
      mantissas: [
        "1", "1.12", "1.25", "1.4", "1.6", "1.8", "2", "2.24", "2.5", "2.8", "3.15", "3.55", "4",
        "4.5", "5", "5.6", "6.3", "7.1", "8", "9",
      ]) + [10_000, 700, 705, 709, 709.5, 709.78, 710, 720]
  scores.sort()

  var naive: [Double] = []
  var stable: [Double] = []
  for s in scores {
    let exponentials = [exp(s), exp(0), exp(-s)]
    naive.append(exponentials[0] / exponentials.reduce(0, +))
    stable.append(Softmax.probabilities([s, 0, -s])[0])
  }

  var chart = LineChart(
    title: "softmax([s, 0, −s]): probability of the first class",
    xLabel: "score s", yLabel: "p(first class)", xScale: .logarithmic)
  chart.yRange = 0.6...1.05
  chart.addSeries(
    LineChart.Series(
      "naive: exp(s) / Σ exp", x: scores, y: naive,
      color: SVGColor.palette(1), lineWidth: 6))
  chart.addSeries(
    LineChart.Series(
      "stable: subtract the max first", x: scores, y: stable, color: SVGColor.palette(0),
      dashed: true, lineWidth: 2))
  chart.addAnnotation("naive result: NaN", x: 1000, y: 0.97, color: SVGColor.palette(1))
  chart.addVerticalLine(
    at: overflow, label: "exp(s) overflows at s ≈ \((overflow * 100).rounded() / 100)")
  return chart.svg()
}
