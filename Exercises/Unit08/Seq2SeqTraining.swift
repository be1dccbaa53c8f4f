import Foundation
import RNNCore
import RNNTraining

/// One sentence pair as the model reads it: source ids and target ids, without markers.
public struct EncodedPair: Equatable, Sendable {
  public var source: [Int]
  public var target: [Int]

  public init(source: [Int], target: [Int]) {
    self.source = source
    self.target = target
  }
}

/// The ids of the target vocabulary's markers, and how the source is read.
public struct Seq2SeqReading: Equatable, Sendable {
  /// `<s>`, the decoder's first input.
  public var startToken: Int
  /// `</s>`, the decoder's last prediction.
  public var endToken: Int
  /// Whether the encoder reads every source back to front.
  public var reverseSource: Bool

  public init(startToken: Int, endToken: Int, reverseSource: Bool) {
    self.startToken = startToken
    self.endToken = endToken
    self.reverseSource = reverseSource
  }

  /// The padded, teacher-forced batch of `pairs`.
  public func batch(_ pairs: [EncodedPair]) -> Seq2SeqBatch {
    Seq2SeqBatch(
      sources: pairs.map(\.source), targets: pairs.map(\.target), startToken: startToken,
      endToken: endToken, reverseSource: reverseSource)
  }
}

/// How ``Seq2Seq/train(on:reading:options:optimizer:reportEvery:gradientTransform:progress:epochEnd:)``
/// trains.
public struct Seq2SeqTrainingOptions: Sendable {
  /// Passes over the training pairs.
  public var epochs = 10
  /// Pairs per update.
  public var batchSize = 32
  /// Seeds the shuffling.
  public var seed: UInt64 = 1

  public init() {}
}

/// One report of the training loop: after every `reportEvery` updates and at each epoch's end.
public struct Seq2SeqProgress: Sendable {
  /// The epoch (1-based) and the update within it.
  public var epoch: Int
  public var update: Int
  public var updatesPerEpoch: Int
  /// The mean training loss per target token since the last report.
  public var loss: Double
  /// Target tokens per second since the last report.
  public var tokensPerSecond: Double
  /// Whether this report closes an epoch.
  public var endOfEpoch: Bool
}

extension Seq2Seq {
  /// Trains on `pairs` with `optimizer`, shuffled each epoch, in batches of pairs of similar
  /// source length (less padding).
  ///
  /// - Parameters:
  ///   - reading: the markers and the source direction.
  ///   - gradientTransform: changes the gradient in place before each update (clipping).
  ///   - progress: called every `reportEvery` updates and at each epoch's end; return `false`
  ///     to stop.
  ///   - epochEnd: called after each epoch with its number and the model as it is then (to
  ///     validate it, keep the best); return `false` to stop.
  public mutating func train<O: Optimizer>(
    on pairs: [EncodedPair], reading: Seq2SeqReading, options: Seq2SeqTrainingOptions,
    optimizer: inout O, reportEvery: Int = 50, gradientTransform: ((inout Self) -> Void)? = nil,
    progress: (Seq2SeqProgress) -> Bool = { _ in true },
    epochEnd: (Int, Self) -> Bool = { _, _ in true }
  ) {
    var rng = RandomSource(seed: options.seed)
    let batchSize = max(1, options.batchSize)
    for epoch in 1...max(1, options.epochs) {
      let batches = Self.batches(pairs, size: batchSize, rng: &rng)
      var lossSum = 0.0
      var tokens = 0
      var clock = Date()
      for (u, indices) in batches.enumerated() {
        let chosen = indices.map { pairs[$0] }
        let count = chosen.reduce(0) { $0 + $1.target.count + 1 }
        var (loss, gradients) = lossAndGradients(reading.batch(chosen))
        gradientTransform?(&gradients)
        optimizer.step(&self, gradients: gradients)
        lossSum += loss * Double(count)
        tokens += count
        let last = u == batches.count - 1
        if (u + 1) % max(1, reportEvery) == 0 || last {
          let seconds = max(Date().timeIntervalSince(clock), 1e-9)
          let report = Seq2SeqProgress(
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

  /// Pair indices in batches: shuffled, sorted by source length within groups of 20 batches,
  /// then the batches shuffled.
  static func batches(_ pairs: [EncodedPair], size: Int, rng: inout RandomSource) -> [[Int]] {
    let order = rng.permutation(pairs.count)
    var batches: [[Int]] = []
    let group = size * 20
    for start in stride(from: 0, to: order.count, by: group) {
      let chunk = order[start..<min(start + group, order.count)].sorted {
        pairs[$0].source.count < pairs[$1].source.count
      }
      for b in stride(from: 0, to: chunk.count, by: size) {
        batches.append(Array(chunk[b..<min(b + size, chunk.count)]))
      }
    }
    return rng.permutation(batches.count).map { batches[$0] }
  }
}
