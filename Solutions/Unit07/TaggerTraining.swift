import Foundation
import RNNCore
import RNNTraining

/// How ``SequenceTagger/train(on:options:gradientTransform:progress:)`` trains.
public struct TaggerTrainingOptions: Sendable {
  /// Passes over the training sentences.
  public var epochs = 10
  /// Sentences per update.
  public var batchSize = 16
  /// Adam's step size.
  public var learningRate = 0.01
  /// The probability with which a training word whose id is in `rareWords` is replaced by
  /// `<unk>` (id `unknownID`) each time it is read, so the `<unk>` row learns to stand for
  /// unseen words.
  public var unknownReplacement = 0.0
  /// The words eligible for that replacement (usually those seen once).
  public var rareWords: Set<Int> = []
  /// The `<unk>` row of the word embedding.
  public var unknownID = 0
  /// Seeds the shuffling and the replacements.
  public var seed: UInt64 = 1

  public init() {}
}

/// One report of the training loop: after every `reportEvery` updates and at each epoch's end.
public struct TaggerProgress: Sendable {
  /// The epoch (1-based) and the update within it.
  public var epoch: Int
  public var update: Int
  public var updatesPerEpoch: Int
  /// The mean training loss per token since the last report.
  public var loss: Double
  /// Tokens per second since the last report.
  public var tokensPerSecond: Double
  /// Whether this report closes an epoch.
  public var endOfEpoch: Bool
}

extension SequenceTagger {
  /// Trains with Adam on `sentences`, shuffled each epoch, in batches of sentences of similar
  /// length (less padding).
  ///
  /// - Parameters:
  ///   - gradientTransform: changes the gradient in place before each update (clipping).
  ///   - progress: called every `reportEvery` updates and at the end of each epoch; return
  ///     `false` to stop training.
  ///   - epochEnd: called after each epoch with its number (1-based) and the model as it is
  ///     then (to validate it, keep the best, draw a curve); return `false` to stop training.
  public mutating func train(
    on sentences: [EncodedSentence], options: TaggerTrainingOptions, reportEvery: Int = 50,
    gradientTransform: ((inout Self) -> Void)? = nil,
    progress: (TaggerProgress) -> Bool = { _ in true },
    epochEnd: (Int, Self) -> Bool = { _, _ in true }
  ) {
    var optimizer = Adam(learningRate: options.learningRate)
    train(
      on: sentences, options: options, optimizer: &optimizer, reportEvery: reportEvery,
      gradientTransform: gradientTransform, progress: progress, epochEnd: epochEnd)
  }

  /// Trains like ``train(on:options:reportEvery:gradientTransform:progress:)`` with another
  /// optimizer (its learning rate replaces `options.learningRate`).
  public mutating func train<O: Optimizer>(
    on sentences: [EncodedSentence], options: TaggerTrainingOptions, optimizer: inout O,
    reportEvery: Int = 50, gradientTransform: ((inout Self) -> Void)? = nil,
    progress: (TaggerProgress) -> Bool = { _ in true },
    epochEnd: (Int, Self) -> Bool = { _, _ in true }
  ) {
    var rng = RandomSource(seed: options.seed)
    let batchSize = max(1, options.batchSize)
    for epoch in 1...max(1, options.epochs) {
      let batches = Self.batches(sentences, size: batchSize, rng: &rng)
      var lossSum = 0.0
      var tokens = 0
      var clock = Date()
      for (u, indices) in batches.enumerated() {
        var batch = indices.map { sentences[$0] }
        if options.unknownReplacement > 0 {
          for b in batch.indices {
            for t in batch[b].words.indices
            where options.rareWords.contains(batch[b].words[t])
              && rng.uniform() < options.unknownReplacement
            {
              batch[b].words[t] = options.unknownID
            }
          }
        }
        let count = batch.reduce(0) { $0 + $1.words.count }
        var (loss, gradients) = lossAndGradients(batch)
        gradientTransform?(&gradients)
        optimizer.step(&self, gradients: gradients)
        lossSum += loss * Double(count)
        tokens += count
        let last = u == batches.count - 1
        if (u + 1) % max(1, reportEvery) == 0 || last {
          let seconds = max(Date().timeIntervalSince(clock), 1e-9)
          let report = TaggerProgress(
            epoch: epoch, update: u + 1, updatesPerEpoch: batches.count,
            loss: tokens == 0 ? 0 : lossSum / Double(tokens),
            tokensPerSecond: Double(tokens) / seconds, endOfEpoch: last)
          if !progress(report) { return }
          lossSum = 0
          tokens = 0
          clock = Date()
        }
      }
      if !epochEnd(epoch, self) { return }
    }
  }

  /// Sentence indices in batches: shuffled, then sorted by length within groups of 20
  /// batches so each batch holds sentences of similar lengths, then the batches shuffled.
  static func batches(
    _ sentences: [EncodedSentence], size: Int, rng: inout RandomSource
  ) -> [[Int]] {
    let order = rng.permutation(sentences.count)
    var batches: [[Int]] = []
    let group = size * 20
    for start in stride(from: 0, to: order.count, by: group) {
      let chunk = order[start..<min(start + group, order.count)].sorted {
        sentences[$0].words.count < sentences[$1].words.count
      }
      for b in stride(from: 0, to: chunk.count, by: size) {
        batches.append(Array(chunk[b..<min(b + size, chunk.count)]))
      }
    }
    let shuffled = rng.permutation(batches.count)
    return shuffled.map { batches[$0] }
  }
}
