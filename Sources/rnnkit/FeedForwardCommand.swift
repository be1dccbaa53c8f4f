import Foundation
import RNNCore
import RNNData
import RNNTraining
import Unit10

// `rnnkit ffnn`: Bengio's feed-forward language model (unit 10, exercises 10.7 and 10.8) on
// word-level text. `rnnkit table` trains it with the same loop.

/// Runs `rnnkit ffnn`; `arguments` are the words after `ffnn`. Returns the exit status.
func runFeedForward(_ arguments: [String]) -> Int32 {
  runCommand(name: "ffnn", usageLine: feedForwardUsageLine) {
    guard let options = try parseFeedForwardOptions(arguments) else {
      print(feedForwardHelp)
      return
    }
    try feedForward(options)
  }
}

/// A feed-forward language model `rnnkit ffnn` and `rnnkit table` can train: Bengio's model
/// with its full softmax (``FeedForwardLM``, exercises 10.7-10.8) or with any output layer
/// (``FactoredFeedForwardLM``, exercise 10.12).
protocol TrainableFeedForward: WindowLanguageModel {
  /// `log p(tokens[t] | context of t)` for every position, the contexts as in
  /// `FeedForwardLM.contexts(of:contextLength:boundary:)`.
  func streamLogProbabilities(_ tokens: [Int], boundary: Int) -> [Double]
  /// Sizes and output layer, for the header line.
  var summary: String { get }
}

extension FeedForwardLM: TrainableFeedForward {
  func streamLogProbabilities(_ tokens: [Int], boundary: Int) -> [Double] {
    tokenLogProbabilities(tokens, boundary: boundary, batchSize: 256)
  }

  var summary: String {
    "context \(contextLength) words, E = \(embeddingSize), H = \(hiddenSize), full softmax, "
      + "direct connections: \(directWeight == nil ? "no" : "yes")"
  }
}

extension FactoredFeedForwardLM: TrainableFeedForward {
  /// Only the targets are scored (`TargetScoring`), in batches of 256 positions: the whole
  /// distribution would cost O(V H) per token.
  func streamLogProbabilities(_ tokens: [Int], boundary: Int) -> [Double] {
    let contexts = FeedForwardLM.contexts(
      of: tokens, contextLength: contextLength, boundary: boundary)
    var out: [Double] = []
    out.reserveCapacity(tokens.count)
    var start = 0
    while start < tokens.count {
      let end = min(start + 256, tokens.count)
      let a = inputs(contexts: Array(contexts[start..<end]))
        .matmul(hiddenWeight, transposeOther: true).adding(rowVector: hiddenBias).tanh()
      let targets = Array(tokens[start..<end])
      if let scoring = output as? any TargetScoring {
        out += scoring.targetLogProbabilities(hidden: a, targets: targets)
      } else {
        out += targets.enumerated().map { b, target in
          -output.lossAndCache(hidden: a.rowMatrix(b), targets: [target]).loss
        }
      }
      start = end
    }
    return out
  }

  var summary: String {
    let layer: String
    if let classes = output as? ClassSoftmax {
      layer = "class-based softmax, K = \(classes.classes.classCount)"
    } else if output is HierarchicalSoftmax {
      layer = "hierarchical softmax over a Huffman tree"
    } else {
      layer = "full softmax"
    }
    return "context \(contextLength) words, E = \(embeddingSize), H = \(hiddenSize), \(layer)"
  }
}

/// How ``trainFeedForward(_:training:validation:boundary:schedule:rng:)`` trains.
struct FeedForwardSchedule {
  /// Passes over the training stream.
  var epochs: Int
  /// At most this many updates in all, the last epoch cut short (`nil`: whole epochs).
  var steps: Int?
  /// Contexts per update.
  var batchSize: Int
  /// Adam's learning rate.
  var learningRate: Double
}

/// What ``trainFeedForward(_:training:validation:boundary:schedule:rng:)`` kept.
struct FeedForwardResult<Model: TrainableFeedForward> {
  /// The model of the epoch with the best validation perplexity (the last without validation).
  var model: Model
  /// That epoch, 1-based.
  var epoch: Int
  /// `log p` of every token of the validation stream but the first, under the kept model
  /// (empty without validation).
  var validationLogProbabilities: [Double]
  /// Wall-clock seconds of training, validation passes included.
  var seconds: Double
  /// Updates made.
  var updates: Int
}

/// The perplexity `exp(-mean log p)` of per-token log-probabilities (1 for none).
func perplexity(_ logProbabilities: [Double]) -> Double {
  logProbabilities.isEmpty
    ? 1 : exp(-logProbabilities.reduce(0, +) / Double(logProbabilities.count))
}

/// `log p(stream[t] | the n-1 tokens before t)` for every `t ≥ 1` of a stream that starts with
/// the boundary token; before the start the context is filled with the boundary too.
func feedForwardLogProbabilities<Model: TrainableFeedForward>(
  _ model: Model, stream: [Int], boundary: Int
) -> [Double] {
  guard stream.count >= 2 else { return [] }
  return Array(model.streamLogProbabilities(stream, boundary: boundary).dropFirst())
}

/// Trains `initial` on a token stream with Adam and minibatches of contexts drawn in a seeded
/// random order (every position `t ≥ 1` once per epoch, its context the `n-1` tokens before
/// it, padded with `boundary` before the start). Prints a progress line about every 5% of an
/// epoch, or of all the updates when they are fewer (mean loss and tokens per second since
/// the last line), and the validation perplexity after each epoch, and keeps the model of the
/// best epoch.
///
/// - Throws: ``CommandFailure/input(_:)`` when the loss stops being finite.
func trainFeedForward<Model: TrainableFeedForward>(
  _ initial: Model, training: [Int], validation: [Int], boundary: Int,
  schedule: FeedForwardSchedule, rng: inout RandomSource
) throws -> FeedForwardResult<Model> {
  var model = initial
  let n = model.contextLength
  let positions = training.count - 1
  let perEpoch = (positions + schedule.batchSize - 1) / schedule.batchSize
  let total = min(schedule.steps ?? Int.max, schedule.epochs * perEpoch)
  let epochs = (total + perEpoch - 1) / perEpoch
  let logEvery = max(min(perEpoch, total) / 20, 1)
  let stepWidth = groupedThousands(total).count
  var optimizer = Adam(learningRate: schedule.learningRate)
  var best: (model: Model, epoch: Int, perplexity: Double, logP: [Double])?
  var updates = 0
  let started = Date()

  for epoch in 1...epochs {
    let order = rng.permutation(positions)
    var start = 0
    var epochUpdates = 0
    var epochLoss = 0.0
    var epochTokens = 0
    var intervalLoss = 0.0
    var intervalTokens = 0
    var intervalStart = Date()
    while start < positions && updates < total {
      let picked = order[start..<min(start + schedule.batchSize, positions)]
      start += picked.count
      let targets = picked.map { training[$0 + 1] }
      let contexts = picked.map { p in
        (0..<n).map { k in p + 1 - n + k >= 0 ? training[p + 1 - n + k] : boundary }
      }
      let (loss, gradients) = model.minibatchLossAndGradients(contexts: contexts, targets: targets)
      guard loss.isFinite else {
        throw CommandFailure.input(
          "the feed-forward model diverged at update \(updates + 1): the loss is "
            + "\(formatNumber(loss)); lower --lr")
      }
      optimizer.step(&model, gradients: gradients)
      updates += 1
      epochUpdates += 1
      intervalLoss += loss * Double(picked.count)
      intervalTokens += picked.count
      epochLoss += loss * Double(picked.count)
      epochTokens += picked.count
      if epochUpdates % logEvery == 0 || updates == total || start >= positions {
        let seconds = max(Date().timeIntervalSince(intervalStart), 1e-9)
        let mean = intervalLoss / Double(max(intervalTokens, 1))
        let stepText = groupedThousands(updates)
        print(
          "epoch \(epoch)/\(epochs)  step "
            + String(repeating: " ", count: max(0, stepWidth - stepText.count)) + stepText
            + "/\(groupedThousands(total))  loss \(String(format: "%.4f", mean))"
            + "  ppl \(String(format: "%.2f", exp(mean)))"
            + "  \(groupedThousands(Int((Double(intervalTokens) / seconds).rounded()))) tok/s")
        intervalLoss = 0
        intervalTokens = 0
        intervalStart = Date()
      }
    }
    let trainingLoss = epochLoss / Double(max(epochTokens, 1))
    var line =
      "epoch \(epoch)/\(epochs): training loss \(String(format: "%.4f", trainingLoss)) "
      + "(perplexity \(String(format: "%.2f", exp(trainingLoss))))"
    if validation.count >= 2 {
      let logP = feedForwardLogProbabilities(model, stream: validation, boundary: boundary)
      let value = perplexity(logP)
      let improved = best.map { value < $0.perplexity } ?? true
      line += ", validation perplexity \(String(format: "%.3f", value))"
      if improved {
        best = (model, epoch, value, logP)
        if epoch > 1 { line += " (best so far)" }
      }
    } else {
      best = (model, epoch, .infinity, [])
    }
    print(line)
  }
  let kept = best ?? (model, epochs, .infinity, [])
  return FeedForwardResult(
    model: kept.model, epoch: kept.epoch, validationLogProbabilities: kept.logP,
    seconds: Date().timeIntervalSince(started), updates: updates)
}

/// `rnnkit ffnn` itself: reads the texts, trains, and reports the perplexities.
func feedForward(_ options: FeedForwardOptions) throws {
  MatrixThreads.count = options.threads
  let texts = try TrainingTexts(
    text: options.text, valid: options.valid, validFraction: options.validFraction,
    synthetic: options.synthetic, words: true)
  var testText: String?
  var testOptimum: Double?
  if let sentences = options.synthetic {
    let test = SyntheticCorpus.generate(sentences: max(sentences / 10, 100), seed: 3)
    testText = test.text
    testOptimum = test.sampleEntropy.perplexity
  } else if let path = options.test {
    testText = try readText(path)
  }

  let minCount = options.minCount ?? (options.synthetic == nil ? 2 : 1)
  let vocabulary = TokenVocabulary.words(
    from: texts.training, minimumCount: minCount, maximumSize: options.maxVocabulary)
  let training = encodeStream(texts.training, vocabulary: vocabulary)
  let validation = encodeStream(texts.validation, vocabulary: vocabulary)
  let test = testText.map { encodeStream($0, vocabulary: vocabulary) } ?? []
  guard training.count >= 2 else {
    throw CommandFailure.input("\(texts.sourceLabel) has no words to train on")
  }
  if validation.count < 2 {
    print("note: no held-out text, so no validation (give --valid FILE or --valid-fraction)")
  }
  guard let boundary = vocabulary.endOfSentenceID else { return }

  var rng = RandomSource(seed: options.seed)
  let schedule = FeedForwardSchedule(
    epochs: options.epochs, steps: options.steps, batchSize: options.batch,
    learningRate: options.learningRate)
  print(
    "training the feed-forward language model on \(texts.sourceLabel), word level: "
      + "\(groupedThousands(training.count - 1)) training, "
      + "\(groupedThousands(max(validation.count - 1, 0))) validation and "
      + "\(groupedThousands(max(test.count - 1, 0))) test tokens, "
      + "V = \(groupedThousands(vocabulary.count)) (min count \(minCount))")
  let shape = FeedForwardShape(
    vocabularySize: vocabulary.count, embedding: options.embedding, context: options.context,
    hidden: options.hidden, direct: options.direct, output: options.output,
    classCount: options.classCount)

  func run<Model: TrainableFeedForward>(_ model: Model) throws {
    print(describeFeedForward(model, schedule: schedule, trainingTokens: training.count - 1))
    if let optimum = texts.optimum {
      print(
        "the source's own perplexity on the validation sentences (the optimum): "
          + formatNumber(optimum))
    }
    let result = try trainFeedForward(
      model, training: training, validation: validation, boundary: boundary,
      schedule: schedule, rng: &rng)
    print(
      "done in \(String(format: "%.1f", result.seconds)) s, "
        + "\(groupedThousands(result.updates)) updates; kept epoch \(result.epoch)")
    if !result.validationLogProbabilities.isEmpty {
      print(
        "validation perplexity "
          + "\(String(format: "%.3f", perplexity(result.validationLogProbabilities))) "
          + "(\(groupedThousands(result.validationLogProbabilities.count)) tokens)")
    }
    if test.count >= 2 {
      let logP = feedForwardLogProbabilities(result.model, stream: test, boundary: boundary)
      print(
        "test perplexity \(String(format: "%.3f", perplexity(logP))) "
          + "(\(groupedThousands(logP.count)) tokens)"
          + (testOptimum.map { "; the source's own: \(formatNumber($0))" } ?? ""))
    }
  }
  try run(try shape.makeModel(training: training, rng: &rng))
}

/// The sizes and output layer of a feed-forward model, from the options of `rnnkit ffnn` or
/// `rnnkit table`.
struct FeedForwardShape {
  var vocabularySize: Int
  var embedding: Int
  var context: Int
  var hidden: Int
  var direct: Bool
  /// `full`, `classes` or `tree`.
  var output: String
  /// `K` of `classes` (`nil`: √V rounded).
  var classCount: Int?

  /// The model with random weights (the output layer's classes or tree from the unigram counts
  /// of `training`).
  func makeModel(training: [Int], rng: inout RandomSource) throws -> any TrainableFeedForward {
    switch OutputKind(rawValue: output) ?? .full {
    case .full:
      return
        FeedForwardLM(
          vocabularySize: vocabularySize, embeddingSize: embedding, contextLength: context,
          hiddenSize: hidden, directConnections: direct, rng: &rng)
    case .classes:
      var counts = [Int](repeating: 0, count: vocabularySize)
      for id in training { counts[id] += 1 }
      let k = classCount ?? max(1, Int(Double(vocabularySize).squareRoot().rounded()))
      guard k <= vocabularySize else {
        throw CommandFailure.usage(
          "--classes \(k) is more than the \(vocabularySize) tokens of the vocabulary")
      }
      let layer = ClassSoftmax(
        hiddenSize: hidden, classes: .frequencyBinned(counts: counts, classCount: k), rng: &rng)
      return FactoredFeedForwardLM(
        embeddingSize: embedding, contextLength: context, output: layer, rng: &rng)
    case .tree:
      var counts = [Int](repeating: 0, count: vocabularySize)
      for id in training { counts[id] += 1 }
      let layer = HierarchicalSoftmax(
        hiddenSize: hidden, tree: HuffmanTree.build(counts: counts), rng: &rng)
      return FactoredFeedForwardLM(
        embeddingSize: embedding, contextLength: context, output: layer, rng: &rng)
    }
  }
}

/// The second header line: sizes, parameters and the schedule.
func describeFeedForward<Model: TrainableFeedForward>(
  _ model: Model, schedule: FeedForwardSchedule, trainingTokens: Int
) -> String {
  let perEpoch = (trainingTokens + schedule.batchSize - 1) / schedule.batchSize
  let total = min(schedule.steps ?? Int.max, schedule.epochs * perEpoch)
  let epochs = Double(total) / Double(max(perEpoch, 1))
  return "\(model.summary); \(groupedThousands(model.parameterCount)) parameters; adam lr "
    + "\(formatNumber(schedule.learningRate)); \(groupedThousands(total)) updates of "
    + "\(schedule.batchSize) contexts (\(String(format: "%.2f", epochs)) epochs)"
}
