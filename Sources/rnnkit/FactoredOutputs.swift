import Foundation
import RNNCommandLine
import RNNCore
import RNNTraining
import Unit02
import Unit10

// `rnnkit train --output full|classes|tree`: the recurrent language models with the output
// layers of unit 10. The full softmax keeps the model of units 02-03 (`RNNLanguageModel`); the
// class-based and hierarchical softmaxes train a `FactoredLanguageModel` around the same cell.
//
// A checkpoint records the output kind in its settings: "output" is "full", "classes" or
// "tree". For the factored outputs it also holds "outputCounts", the unigram count of every
// token id in the training stream (comma-separated), and for classes "classCount" (K): the
// classes (exercise 10.1) and the Huffman tree (10.4) are rebuilt from them, deterministically,
// when the checkpoint is resumed or sampled. A checkpoint without "output" is a full softmax.

/// The output layers `--output` offers.
enum OutputKind: String, CaseIterable {
  case full, classes, tree
}

/// The output layer of a run and what rebuilds it.
struct OutputPlan {
  var kind: OutputKind
  /// The unigram count of every token id (factored outputs only).
  var counts: [Int] = []
  /// `K` (classes only).
  var classCount = 0

  /// The plan of a fresh run (counts from the training stream) or of a resumed checkpoint.
  init(
    options: TrainOptions, resume: Checkpoint?, training: [Int], vocabularySize: Int
  ) throws {
    if let resume {
      self = try OutputPlan(checkpoint: resume)
      if let given = options.output, given != kind.rawValue {
        throw CommandFailure.usage(
          "the checkpoint's output layer is \(kind.rawValue); drop --output \(given)")
      }
      return
    }
    kind = OutputKind(rawValue: options.output ?? "full") ?? .full
    guard kind != .full else { return }
    counts = [Int](repeating: 0, count: vocabularySize)
    for id in training { counts[id] += 1 }
    if kind == .classes {
      classCount =
        options.classCount ?? max(1, Int(Double(vocabularySize).squareRoot().rounded()))
      guard classCount <= vocabularySize else {
        throw CommandFailure.usage(
          "--classes \(classCount) is more than the \(vocabularySize) tokens of the vocabulary")
      }
    }
  }

  /// The plan a checkpoint's settings record.
  init(checkpoint: Checkpoint) throws {
    let name = checkpoint.settings["output"] ?? "full"
    guard let kind = OutputKind(rawValue: name) else {
      throw CheckpointError.invalidSetting(key: "output", value: name)
    }
    self.kind = kind
    guard kind != .full else { return }
    let text = try checkpoint.setting("outputCounts")
    let counts = text.split(separator: ",").compactMap { Int($0) }
    guard counts.count == checkpoint.vocabulary.count, counts.allSatisfy({ $0 >= 0 }) else {
      throw CheckpointError.invalidSetting(key: "outputCounts", value: String(text.prefix(40)))
    }
    self.counts = counts
    if kind == .classes { classCount = try checkpoint.integerSetting("classCount") }
  }

  /// What the checkpoint's settings record.
  var settings: [String: String] {
    var out = ["output": kind.rawValue]
    if kind != .full { out["outputCounts"] = counts.map(String.init).joined(separator: ",") }
    if kind == .classes { out["classCount"] = "\(classCount)" }
    return out
  }

  /// Appended to the model's description in the first progress line.
  var describe: String {
    switch kind {
    case .full: return ""
    case .classes: return "; class-based softmax, K = \(classCount) frequency-binned classes"
    case .tree: return "; hierarchical softmax over a Huffman tree"
    }
  }

  /// The class-based output layer, random weights.
  func classLayer(hiddenSize: Int, rng: inout RandomSource) -> ClassSoftmax {
    ClassSoftmax(
      hiddenSize: hiddenSize,
      classes: WordClasses.frequencyBinned(counts: counts, classCount: classCount), rng: &rng)
  }

  /// The hierarchical output layer, random weights.
  func treeLayer(hiddenSize: Int, rng: inout RandomSource) -> HierarchicalSoftmax {
    HierarchicalSoftmax(
      hiddenSize: hiddenSize, tree: HuffmanTree.build(counts: counts), rng: &rng)
  }
}

/// Trains the model `run.output` asks for around `cell`.
func trainRecurrentModel<Cell: BackpropagatingCell>(
  cell: Cell, run: TrainRun, rng: inout RandomSource
) throws {
  let plan = run.output
  switch plan.kind {
  case .full:
    try trainLanguageModel(cell: cell, run: run, rng: &rng)
  case .classes:
    let output = plan.classLayer(hiddenSize: cell.hiddenSize, rng: &rng)
    var model = FactoredLanguageModel(cell: cell, output: output, rng: &rng)
    let binned = output.classes.members.map(\.count)
    print(
      "classes: \(binned.count), sizes \(binned.min() ?? 0) to \(binned.max() ?? 0) words "
        + "(the frequent words in small classes)")
    if let resume = run.resume { try resume.load(into: &model) }
    try trainModel(
      &model, embeddingSize: model.embeddingSize, hiddenSize: model.hiddenSize, run: run)
  case .tree:
    let output = plan.treeLayer(hiddenSize: cell.hiddenSize, rng: &rng)
    var model = FactoredLanguageModel(cell: cell, output: output, rng: &rng)
    print(
      "Huffman tree: depth \(output.tree.depth), mean code length "
        + String(format: "%.2f", output.tree.averageCodeLength(counts: plan.counts))
        + " nodes per token")
    if let resume = run.resume { try resume.load(into: &model) }
    try trainModel(
      &model, embeddingSize: model.embeddingSize, hiddenSize: model.hiddenSize, run: run)
  }
}

/// Samples from a checkpoint of any output kind around an empty `cell` of its shapes.
func sampleRecurrentModel<Cell: BackpropagatingCell>(
  cell: Cell, checkpoint: Checkpoint, options: SampleOptions
) throws {
  let plan = try OutputPlan(checkpoint: checkpoint)
  var rng = RandomSource(seed: 0)
  switch plan.kind {
  case .full:
    try sampleLanguageModel(cell: cell, checkpoint: checkpoint, options: options)
  case .classes:
    var model = FactoredLanguageModel(
      cell: cell, output: plan.classLayer(hiddenSize: cell.hiddenSize, rng: &rng), rng: &rng)
    try checkpoint.load(into: &model)
    printSamples(FactoredPredictor(model: model), checkpoint: checkpoint, options: options)
  case .tree:
    var model = FactoredLanguageModel(
      cell: cell, output: plan.treeLayer(hiddenSize: cell.hiddenSize, rng: &rng), rng: &rng)
    try checkpoint.load(into: &model)
    printSamples(FactoredPredictor(model: model), checkpoint: checkpoint, options: options)
  }
}

/// A factored model as the sampler sees it: its log-probabilities over the whole vocabulary
/// are logits whose softmax is the model's distribution.
struct FactoredPredictor<Cell: BackpropagatingCell, Output: OutputLayer>: TokenPredictor {
  var model: FactoredLanguageModel<Cell, Output>

  func initialState() -> Cell.State { model.initialState(batchSize: 1) }

  func nextTokenLogits(after token: Int, state: Cell.State) -> (logits: [Double], state: Cell.State)
  {
    let next = model.nextTokenLogProbabilities(after: token, state: state)
    return (next.logProbabilities, next.state)
  }
}
