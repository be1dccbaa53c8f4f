import Foundation
import RNNCore
import RNNTraining

extension Seq2Seq {
  /// The memory of one source sentence (a batch of one), read as `reading` says.
  func memory(of source: [Int], reading: Seq2SeqReading) -> EncoderMemory {
    let ids = reading.reverseSource ? Array(source.reversed()) : source
    return encoder.forward(source: ids.map { [$0] }, lengths: [ids.count]).memory
  }

  /// Translates one source sentence with greedy decoding (`beamWidth` 1) or beam search.
  ///
  /// - Parameters:
  ///   - source: source ids, without markers.
  ///   - reading: the markers and the source direction the model was trained with.
  ///   - maxLength: the most target tokens to produce (`</s>` included).
  ///   - beamWidth: 1 for greedy decoding, more for beam search.
  ///   - lengthPenalty: `α` of the length normalization `log p / |y|^α` that ranks the beam's
  ///     finished hypotheses.
  /// - Returns: the best sequence (its tokens end with `</s>` when it finished).
  public func translate(
    _ source: [Int], reading: Seq2SeqReading, maxLength: Int, beamWidth: Int = 1,
    lengthPenalty: Double = 0
  ) -> DecodedSequence {
    let memory = memory(of: source, reading: reading)
    let step: DecoderStepFunction<Cell.State> = { state, previous in
      let result = decoderStep(previous: [previous], state: state, memory: memory)
      return (Softmax.logProbabilities(result.logits.row(0)), result.state)
    }
    let initial = initialState(memory).state
    if beamWidth <= 1 {
      return greedyDecode(
        initial: initial, startToken: reading.startToken, endToken: reading.endToken,
        maxLength: maxLength, step: step)
    }
    let results = beamSearch(
      initial: initial, startToken: reading.startToken, endToken: reading.endToken,
      maxLength: maxLength, width: beamWidth, lengthPenalty: lengthPenalty, step: step)
    return results.first ?? DecodedSequence(tokens: [], logProbability: 0, finished: false)
  }

  /// Greedy translations of many sentences at once, a batch at a time (the same tokens as
  /// ``translate(_:reading:maxLength:beamWidth:lengthPenalty:)`` with `beamWidth` 1, faster).
  ///
  /// - Returns: each sentence's tokens without `</s>`.
  public func greedyTranslations(
    _ sources: [[Int]], reading: Seq2SeqReading, maxLength: Int, batchSize: Int = 64
  ) -> [[Int]] {
    var out: [[Int]] = []
    out.reserveCapacity(sources.count)
    for start in stride(from: 0, to: sources.count, by: max(1, batchSize)) {
      let chunk = Array(sources[start..<min(start + max(1, batchSize), sources.count)])
      let batch = reading.batch(chunk.map { EncodedPair(source: $0, target: []) })
      let memory = encoder.forward(source: batch.source, lengths: batch.sourceLengths).memory
      var state = initialState(memory).state
      var previous = [Int](repeating: reading.startToken, count: chunk.count)
      var tokens = [[Int]](repeating: [], count: chunk.count)
      var done = [Bool](repeating: false, count: chunk.count)
      for _ in 0..<maxLength where done.contains(false) {
        let step = decoderStep(previous: previous, state: state, memory: memory)
        state = step.state
        previous = step.logits.argmaxPerRow()
        for b in chunk.indices where !done[b] {
          if previous[b] == reading.endToken {
            done[b] = true
          } else {
            tokens[b].append(previous[b])
          }
        }
      }
      out += tokens
    }
    return out
  }

  /// The attention weights of every decoder step when the model reads `source` and is fed
  /// `output` (teacher forcing, as in training): one row per decoder step (the tokens of
  /// `output` and then `</s>`), one column per source token in the source's own order (even
  /// when the model reads it reversed). Empty (`0 x m`) for a model without attention.
  public func attentionWeights(source: [Int], output: [Int], reading: Seq2SeqReading) -> Matrix {
    let result = forward(reading.batch([EncodedPair(source: source, target: output)]))
    let m = source.count
    let rows = result.cache.steps.map(\.weights)
    guard let first = rows.first, first.cols == m else { return .zeros(0, m) }
    return Matrix(rows: rows.count, cols: m) { t, i in
      rows[t][0, reading.reverseSource ? m - 1 - i : i]
    }
  }
}
