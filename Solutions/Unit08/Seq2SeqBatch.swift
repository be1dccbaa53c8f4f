import RNNCore

/// A padded batch of sentence pairs, laid out the way the encoder and the decoder read it.
///
/// Every list is step-major: `source[t][b]` is the token the encoder reads at step `t` of pair
/// `b`, so each step of the batch is one list of `B` ids. Shorter sequences are padded at the
/// end with `padding`; the lengths say where each sequence's real tokens stop.
///
/// For one pair with target tokens `y_1 ... y_n` the decoder is trained with *teacher forcing*:
/// at every step it reads the correct previous token, not the one it would have predicted. It
/// reads `n + 1` tokens and predicts `n + 1` tokens, one per step:
///
///     decoder input:   <s>  y_1  y_2  ...  y_n
///     decoder target:  y_1  y_2  ...  y_n  </s>
///
/// so `targetLengths[b] = n + 1`. With `reverseSource`, the encoder reads each source sentence
/// back to front (`x_m ... x_1`, padding still at the end), which puts the first source words
/// next to the first target words in time.
public struct Seq2SeqBatch: Equatable, Sendable {
  /// `T_s` steps of `B` source ids (padding after each sequence's end).
  public var source: [[Int]]
  /// `B` source lengths `m_b` (real tokens, no markers).
  public var sourceLengths: [Int]
  /// `T_t` steps of `B` decoder inputs: the start marker, then the target tokens.
  public var decoderInputs: [[Int]]
  /// `T_t` steps of `B` ids the decoder must predict: the target tokens, then the end marker.
  public var decoderTargets: [[Int]]
  /// `B` decoder lengths `n_b + 1` (the target tokens and the end marker).
  public var targetLengths: [Int]

  /// The number of pairs `B`.
  public var count: Int { sourceLengths.count }

  /// A batch from its parts (the lists must already be padded and consistent).
  public init(
    source: [[Int]], sourceLengths: [Int], decoderInputs: [[Int]], decoderTargets: [[Int]],
    targetLengths: [Int]
  ) {
    self.source = source
    self.sourceLengths = sourceLengths
    self.decoderInputs = decoderInputs
    self.decoderTargets = decoderTargets
    self.targetLengths = targetLengths
  }

  /// Lays out `B` sentence pairs for training with teacher forcing.
  ///
  /// - Parameters:
  ///   - sources: `B` source sentences (token ids, no markers); they may be empty.
  ///   - targets: `B` target sentences (token ids, no markers); they may be empty.
  ///   - startToken: the id of `<s>` in the target vocabulary.
  ///   - endToken: the id of `</s>` in the target vocabulary.
  ///   - reverseSource: read every source back to front.
  ///   - padding: the id written after a sequence's end (default 0).
  /// - Returns: a batch with `T_s = max_b m_b` source steps and `T_t = max_b (n_b + 1)` decoder
  ///   steps; `source` holds each source (reversed when asked) followed by padding,
  ///   `decoderInputs` and `decoderTargets` the two shifted copies of each target shown above,
  ///   followed by padding.
  public init(
    sources: [[Int]], targets: [[Int]], startToken: Int, endToken: Int, reverseSource: Bool,
    padding: Int = 0
  ) {
    precondition(
      sources.count == targets.count,
      "Seq2SeqBatch: \(sources.count) source sentences for \(targets.count) target sentences")
    // BEGIN SOLUTION 08.1 Seq2SeqBatch.init(sources:targets:startToken:endToken:reverseSource:) | Lectures/08-seq2seq.md §2
    let read = reverseSource ? sources.map { Array($0.reversed()) } : sources
    let inputs = targets.map { [startToken] + $0 }
    let outputs = targets.map { $0 + [endToken] }
    func padded(_ sequences: [[Int]]) -> [[Int]] {
      let steps = sequences.map(\.count).max() ?? 0
      return (0..<steps).map { t in sequences.map { t < $0.count ? $0[t] : padding } }
    }
    self.init(
      source: padded(read), sourceLengths: sources.map(\.count),
      decoderInputs: padded(inputs), decoderTargets: padded(outputs),
      targetLengths: targets.map { $0.count + 1 })
    // END SOLUTION
  }
}
