import RNNCore

/// How a many-to-one model turns the outputs of an encoder (one vector per token) into one
/// vector per sentence.
///
/// The outputs are a padded batch: `T` matrices `B x D`, row `b` of step `t` belonging to
/// sentence `b`, real when `t < lengths[b]` and padding otherwise. Every readout looks at the
/// real positions only, so whatever sits in the padding rows never reaches the result. A
/// bidirectional encoder writes `[h→_t ; h←_t]`: its first `forwardWidth` columns come from the
/// forward direction, the rest from the backward one (for an encoder in one direction,
/// `forwardWidth` is `D`).
///
/// - ``last``: the final state of each direction. The forward direction has read the whole
///   sentence at its last real position `m - 1`, the backward direction at position 0, so the
///   first `forwardWidth` columns come from step `m - 1` and the others from step 0.
/// - ``mean``: the average of the outputs over the `m` real positions.
/// - ``max``: for every column, the largest value over the real positions. When several
///   positions hold the same largest value, the earliest one is the one selected (it is the
///   one the gradient flows to).
///
/// A sentence without tokens (`m = 0`) pools to a zero row under every readout, and its
/// gradient is zero everywhere.
public enum Pooling: String, CaseIterable, Sendable {
  case last
  case mean
  case max

  /// What ``forward(_:lengths:forwardWidth:)`` keeps for ``backward(_:pooledGradient:)``.
  public struct Cache: Sendable {
    /// The readout.
    public var mode: Pooling
    /// `B` lengths.
    public var lengths: [Int]
    /// `T`, the number of steps of the padded batch.
    public var steps: Int
    /// `D`, the width of each output.
    public var width: Int
    /// How many leading columns belong to the forward direction.
    public var forwardWidth: Int
    /// For ``Pooling/max``: `selected[b][j]` is the step whose value won column `j` of row `b`
    /// (`-1` for an empty sentence). Empty for the other readouts.
    public var selected: [[Int]]

    public init(
      mode: Pooling, lengths: [Int], steps: Int, width: Int, forwardWidth: Int,
      selected: [[Int]]
    ) {
      self.mode = mode
      self.lengths = lengths
      self.steps = steps
      self.width = width
      self.forwardWidth = forwardWidth
      self.selected = selected
    }
  }

  /// The pooled vector of every sentence of a batch (see the type's description).
  ///
  /// - Parameters:
  ///   - outputs: `T` matrices `B x D` (`T` may be 0 when every length is 0); rows at padding
  ///     are ignored, whatever they hold.
  ///   - lengths: `B` lengths in `0...T`.
  ///   - forwardWidth: the number of leading columns written by the forward direction, in
  ///     `0...D` (`D` for an encoder in one direction). Only ``last`` reads it.
  /// - Returns: `B x D` (zero rows for empty sentences) and the cache.
  public func forward(
    _ outputs: [Matrix], lengths: [Int], forwardWidth: Int
  ) -> (pooled: Matrix, cache: Cache) {
    let width = outputs.first?.cols ?? 0
    shapePrecondition(
      outputs.allSatisfy { $0.rows == lengths.count && $0.cols == width }
        && lengths.allSatisfy { $0 >= 0 && $0 <= outputs.count },
      "Pooling.forward: outputs of shapes \(outputs.map(\.shapeDescription)) for lengths "
        + "\(lengths); give one length per row, each in 0...\(outputs.count)")
    shapePrecondition(
      forwardWidth >= 0 && (outputs.isEmpty || forwardWidth <= width),
      "Pooling.forward: forwardWidth \(forwardWidth) for outputs of width \(width)")
    // Exercise 09.1: Pooling.forward(_:lengths:forwardWidth:).
    // Read Lectures/09-sentiment-homework.md §2, then replace this stub with your code.
    notImplemented(
      "09.1", "Pooling.forward(_:lengths:forwardWidth:)",
      lecture: "Lectures/09-sentiment-homework.md §2")
  }

  /// Backpropagation through ``forward(_:lengths:forwardWidth:)``.
  ///
  /// - Parameters:
  ///   - cache: what that call returned.
  ///   - pooledGradient: `∂L/∂pooled`, `B x D`.
  /// - Returns: `∂L/∂outputs_t`, `T` matrices `B x D`, with zero rows at padding (and for
  ///   empty sentences).
  public func backward(_ cache: Cache, pooledGradient: Matrix) -> [Matrix] {
    shapePrecondition(
      cache.mode == self && pooledGradient.rows == cache.lengths.count
        && pooledGradient.cols == cache.width,
      "Pooling.backward: a gradient of shape \(pooledGradient.shapeDescription) for a "
        + "\(cache.mode.rawValue) pooling of \(cache.lengths.count)x\(cache.width) "
        + "(called on \(rawValue))")
    // Exercise 09.2: Pooling.backward(_:pooledGradient:).
    // Read Lectures/09-sentiment-homework.md §2, then replace this stub with your code.
    notImplemented(
      "09.2", "Pooling.backward(_:pooledGradient:)",
      lecture: "Lectures/09-sentiment-homework.md §2")
  }
}
