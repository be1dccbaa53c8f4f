import Foundation
import RNNCore
import RNNData
import RNNTraining
import Unit05
import Unit06
import Unit07

/// Your homework model: a bidirectional recurrent classifier of at least two layers, and how
/// to train it. Fill in ``homeworkConfiguration()``; the grader builds the model it describes
/// (with your unit 05 GRU or unit 06 LSTM cells and your unit 07 layers), trains it on the
/// course's training sentences with your options, and scores it on sentences you never see.
public struct HomeworkConfiguration: Equatable, Sendable {
  /// The recurrent cell of every layer and direction.
  public enum Cell: String, CaseIterable, Sendable {
    /// ``Unit05/GRUCell`` (gate order z, r, h̃).
    case gru
    /// ``Unit06/LSTMCell`` (gate order i, f, g, o; forget-gate bias 1).
    case lstm
  }

  /// The cell type.
  public var cell: Cell = .gru
  /// Bidirectional layers in the stack (at least 2).
  public var layers = 2
  /// The hidden size of each direction (`D = 2 x hiddenSize` features per token).
  public var hiddenSize = 16
  /// The width `dE` of the word embedding.
  public var embeddingSize = 16
  /// The readout over the top layer's outputs.
  public var pooling: Pooling = .last
  /// Seeds the initial weights.
  public var seed: UInt64 = 1
  /// Epochs, batch size, learning rate, weight decay, dropout, clipping, patience and the
  /// training seed (see ``SentimentTrainingOptions``).
  public var training = SentimentTrainingOptions()

  public init() {}

  /// The number of scalar parameters of the model this configuration builds for a
  /// vocabulary of `vocabularySize` words and `classCount` classes.
  public func parameterCount(vocabularySize: Int, classCount: Int = 2) -> Int {
    let gates = cell == .gru ? 3 : 4
    var total = vocabularySize * embeddingSize
    var input = embeddingSize
    for _ in 0..<max(0, layers) {
      total += 2 * gates * hiddenSize * (input + hiddenSize + 1)
      input = 2 * hiddenSize
    }
    return total + classCount * (2 * hiddenSize + 1)
  }
}

/// The limits every homework configuration must respect, so that training fits the grader's
/// time and memory budget (one test process, 60 seconds, 4 GiB) on any submission.
public enum HomeworkBudget {
  /// Layers of the stack.
  public static let layers = 2...3
  /// The hidden size of each direction.
  public static let hiddenSize = 4...48
  /// The embedding width.
  public static let embeddingSize = 4...48
  /// Epochs (early stopping may end training sooner).
  public static let epochs = 1...12
  /// Sentences per update.
  public static let batchSize = 8...64
  /// Scalar parameters of the whole model.
  public static let maximumParameters = 60_000
  /// Parameters times epochs: the most training work a configuration may ask for (training
  /// time grows with both; the reference configuration asks for about 100,000).
  public static let maximumParameterEpochs = 300_000
  /// The gradient-clipping threshold (clipping is required).
  public static let clipNorm = 0.1...100.0
  /// Adam's step size.
  public static let learningRate = 0.0001...0.05
  /// Dropout on the pooled features.
  public static let dropout = 0.0...0.8
  /// Weight decay.
  public static let weightDecay = 0.0...0.01

  /// Every way `configuration` breaks the budget, as sentences naming the field, its value
  /// and the allowed range (empty when it fits).
  public static func violations(
    of configuration: HomeworkConfiguration, vocabularySize: Int
  ) -> [String] {
    var problems: [String] = []
    func check<T: Comparable>(_ name: String, _ value: T, _ range: ClosedRange<T>) {
      if !range.contains(value) {
        problems.append(
          "\(name) is \(value), allowed \(range.lowerBound)...\(range.upperBound)")
      }
    }
    let options = configuration.training
    check("layers", configuration.layers, layers)
    check("hiddenSize", configuration.hiddenSize, hiddenSize)
    check("embeddingSize", configuration.embeddingSize, embeddingSize)
    check("training.epochs", options.epochs, epochs)
    check("training.batchSize", options.batchSize, batchSize)
    check("training.learningRate", options.learningRate, learningRate)
    check("training.dropout", options.dropout, dropout)
    check("training.weightDecay", options.weightDecay, weightDecay)
    if let clip = options.clipNorm {
      check("training.clipNorm", clip, clipNorm)
    } else {
      problems.append("training.clipNorm is nil: the homework clips gradients by global norm")
    }
    if options.patience < 1 {
      problems.append("training.patience is \(options.patience), it must be at least 1")
    }
    if problems.isEmpty {
      let count = configuration.parameterCount(vocabularySize: vocabularySize)
      if count > maximumParameters {
        problems.append(
          "the model has \(count) parameters, at most \(maximumParameters) are allowed "
            + "(a vocabulary of \(vocabularySize) words)")
      } else if count * options.epochs > maximumParameterEpochs {
        problems.append(
          "\(count) parameters times \(options.epochs) epochs is "
            + "\(count * options.epochs), at most \(maximumParameterEpochs) is allowed: "
            + "use fewer epochs or a smaller model")
      }
    }
    return problems
  }
}

/// The homework's data, model and grading run, shared by the tests and `rnnkit classify`.
///
/// The data is the kit's synthetic sentiment task (``RNNData/SyntheticSentiment``) with fixed
/// seeds: 2,000 training sentences, 400 validation sentences and 800 test sentences, a
/// quarter of each kind. The grader draws its hidden sentences from the part of the sentence
/// space no other split comes from, with a seed of its own.
public enum SentimentHomework {
  /// The seed of the handout's splits.
  public static let seed: UInt64 = 9
  /// Split sizes.
  public static let trainCount = 2000
  public static let validCount = 400
  public static let testCount = 800

  /// The two classes, in index order.
  public static let classes = [LabeledSentenceFile.negative, LabeledSentenceFile.positive]

  /// The class index of a label (`negative` 0, `positive` 1).
  public static func classIndex(_ label: String) -> Int {
    guard let index = classes.firstIndex(of: label) else {
      preconditionFailed("SentimentHomework: unknown label '\(label)', expected \(classes)")
    }
    return index
  }

  /// The handout's splits and, with `hidden > 0`, that many hidden sentences drawn with
  /// `hiddenSeed`.
  public static func data(
    hidden: Int = 0, hiddenSeed: UInt64? = nil
  ) -> (
    train: [SyntheticSentiment.Example], valid: [SyntheticSentiment.Example],
    test: [SyntheticSentiment.Example], hidden: [SyntheticSentiment.Example]
  ) {
    SyntheticSentiment.splits(
      train: trainCount, valid: validCount, test: testCount, hidden: hidden, seed: seed,
      hiddenSeed: hiddenSeed)
  }

  /// The words of the training sentences (`<unk>` first, then by frequency).
  public static func vocabulary(_ training: [SyntheticSentiment.Example]) -> TokenVocabulary {
    TokenVocabulary.words(
      fromSentences: training.map { $0.sentence.text.split(separator: " ").map(String.init) })
  }

  /// Sentences as word ids (unknown words read `<unk>`) with their class indices.
  public static func encode(
    _ examples: [SyntheticSentiment.Example], vocabulary: TokenVocabulary
  ) -> EncodedSentences {
    EncodedSentences(
      sentences: examples.map { example in
        example.sentence.text.split(separator: " ").map { vocabulary.id(of: String($0)) }
      },
      labels: examples.map { classIndex($0.sentence.label) })
  }

  /// What a homework run measured.
  public struct Result: Sendable {
    /// The training record.
    public var history: SentimentHistory
    /// The accuracy on the evaluation sentences.
    public var accuracy: Double
    /// The accuracy on the evaluation sentences of each kind.
    public var accuracyByKind: [SyntheticSentiment.Kind: Double]
    /// The model's number of scalar parameters.
    public var parameterCount: Int
  }

  /// A stack of `layers` bidirectional layers of `makeCell(inputSize, hiddenSize)` cells.
  public static func encoder<Cell: BackpropagatingCell>(
    layers: Int, inputSize: Int, hiddenSize: Int,
    makeCell: (_ inputSize: Int, _ hiddenSize: Int) -> Cell
  ) -> StackedLayers<BidirectionalLayer<Cell, Cell>> {
    StackedLayers(
      (0..<layers).map { l in
        let input = l == 0 ? inputSize : 2 * hiddenSize
        return BidirectionalLayer(
          forward: makeCell(input, hiddenSize), backward: makeCell(input, hiddenSize))
      })
  }

  /// Builds the model `configuration` describes, trains it on the handout's training split
  /// (validating on its validation split), and scores it on `evaluation`.
  ///
  /// - Parameter progress: called after each epoch; return `false` to stop.
  public static func run(
    _ configuration: HomeworkConfiguration, evaluation: [SyntheticSentiment.Example],
    progress: (SentimentEpoch) -> Bool = { _ in true }
  ) -> Result {
    let splits = data()
    let vocabulary = vocabulary(splits.train)
    let training = encode(splits.train, vocabulary: vocabulary)
    let validation = encode(splits.valid, vocabulary: vocabulary)
    let evaluated = encode(evaluation, vocabulary: vocabulary)
    var rng = RandomSource(seed: configuration.seed)
    func fit<Cell: BackpropagatingCell>(
      _ makeCell: (Int, Int, inout RandomSource) -> Cell
    ) -> Result {
      let stack = encoder(
        layers: configuration.layers, inputSize: configuration.embeddingSize,
        hiddenSize: configuration.hiddenSize
      ) { makeCell($0, $1, &rng) }
      var model = SentimentClassifier(
        vocabularySize: vocabulary.count, embeddingSize: configuration.embeddingSize,
        encoder: stack, bidirectional: true, classCount: classes.count,
        pooling: configuration.pooling, rng: &rng)
      let history = model.train(
        on: training, validation: validation, options: configuration.training,
        progress: progress)
      let predictions = model.predictAll(evaluated.sentences)
      var byKind: [SyntheticSentiment.Kind: Double] = [:]
      for kind in SyntheticSentiment.Kind.allCases {
        let indices = evaluation.indices.filter { evaluation[$0].kind == kind }
        guard !indices.isEmpty else { continue }
        let correct = indices.filter { predictions[$0] == evaluated.labels[$0] }.count
        byKind[kind] = Double(correct) / Double(indices.count)
      }
      let correct = zip(predictions, evaluated.labels).filter { $0 == $1 }.count
      return Result(
        history: history,
        accuracy: evaluation.isEmpty ? 0 : Double(correct) / Double(evaluation.count),
        accuracyByKind: byKind, parameterCount: model.parameterCount)
    }
    switch configuration.cell {
    case .gru:
      return fit { GRUCell(inputSize: $0, hiddenSize: $1, rng: &$2) }
    case .lstm:
      return fit { LSTMCell(inputSize: $0, hiddenSize: $1, rng: &$2) }
    }
  }
}

/// Your homework's model and training options (exercise 09.10).
///
/// Return the configuration the grader should train: a GRU or LSTM cell, at least two
/// bidirectional layers, the sizes, the readout, and the training options (clipping is
/// required). It must fit ``HomeworkBudget``. Tune it with `rnnkit classify --synthetic`
/// and the validation accuracy it prints; the test split tells you roughly what to expect,
/// and the grade comes from sentences neither shows you. For example:
///
///     var configuration = HomeworkConfiguration()
///     configuration.cell = .lstm
///     configuration.layers = 2
///     configuration.training.epochs = 6
///     return configuration
public func homeworkConfiguration() -> HomeworkConfiguration {
  // Exercise 09.10: homeworkConfiguration().
  // Read Lectures/09-sentiment-homework.md §9, then replace this stub with your code.
  notImplemented(
    "09.10", "homeworkConfiguration()", lecture: "Lectures/09-sentiment-homework.md §9")
}
