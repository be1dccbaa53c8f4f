import RNNCore
import RNNTraining

/// The gated recurrent unit (GRU) of Cho et al. (2014).
///
/// On row batches (one sequence per row) one step is
///
///     z_t = σ(x_t W_zᵀ + h_{t-1} U_zᵀ + b_z)                 update gate
///     r_t = σ(x_t W_rᵀ + h_{t-1} U_rᵀ + b_r)                 reset gate
///     h̃_t = tanh(x_t W_hᵀ + (r_t ⊙ h_{t-1}) U_hᵀ + b_h)     candidate
///     h_t = z_t ⊙ h_{t-1} + (1 - z_t) ⊙ h̃_t                 new state
///
/// **Conventions.**
/// - `z_t` multiplies the *old* state: `z = 1` keeps `h_{t-1}`, `z = 0` replaces it by the
///   candidate (Cho et al., PyTorch, Keras). Lectures that write `h_t = z ⊙ h̃_t + (1 - z) ⊙
///   h_{t-1}` use `z' = 1 - z`; since `1 - σ(a) = σ(-a)`, their cell is this one with the
///   `W_z`, `U_z` and `b_z` blocks negated.
/// - The reset gate multiplies `h_{t-1}` *before* the product with `U_h` (Cho et al.). PyTorch
///   and cuDNN apply it *after*, `r_t ⊙ (h_{t-1} U_hᵀ + b_hn)`, which is a different function.
///
/// **Fused layout.** The three input weights are stacked in one matrix and so are the three
/// recurrent weights and biases, in the gate order **z, r, h̃** (rows `0..<H`, `H..<2H`,
/// `2H..<3H`):
/// - `inputWeight` (`W = [W_z; W_r; W_h]`): `3H x E`, applied as `x Wᵀ`;
/// - `recurrentWeight` (`U = [U_z; U_r; U_h]`): `3H x H`; entry `[i, j]` of a block is the weight
///   from unit `j` of the (reset) state into unit `i`;
/// - `bias` (`b = [b_z, b_r, b_h]`): `1 x 3H`.
///
/// Shapes: `x_t` is `B x E`; `h_{t-1}`, `z_t`, `r_t`, `h̃_t`, `h_t` are `B x H`. The parameter
/// blocks are named `W`, `U` and `b` (a language model prefixes them with `cell.`).
public struct GRUCell: RecurrentCell, Equatable {
  /// The state is the hidden matrix `h` itself (`B x H`).
  public typealias State = Matrix

  /// What the forward step keeps for the backward step (all `B` rows).
  public struct StepCache: Equatable, Sendable {
    /// `x_t`, `B x E`.
    public var input: Matrix
    /// `h_{t-1}`, `B x H`.
    public var previous: Matrix
    /// `z_t`, `B x H`, after the sigmoid.
    public var update: Matrix
    /// `r_t`, `B x H`, after the sigmoid.
    public var reset: Matrix
    /// `h̃_t`, `B x H`, after the `tanh`.
    public var candidate: Matrix
    /// `h_t`, `B x H`.
    public var output: Matrix

    /// Creates a cache from its matrices.
    public init(
      input: Matrix, previous: Matrix, update: Matrix, reset: Matrix, candidate: Matrix,
      output: Matrix
    ) {
      self.input = input
      self.previous = previous
      self.update = update
      self.reset = reset
      self.candidate = candidate
      self.output = output
    }
  }

  /// The position of each gate's block in the fused matrices: rows of `W` and `U`, columns of
  /// `b` (and of the pre-activations).
  public enum Gate: Int, CaseIterable, Sendable {
    /// `z`, rows `0..<H`.
    case update = 0
    /// `r`, rows `H..<2H`.
    case reset = 1
    /// `h̃`, rows `2H..<3H`.
    case candidate = 2

    /// The rows of this gate's block for hidden size `h`.
    public func range(hiddenSize h: Int) -> Range<Int> { (rawValue * h)..<((rawValue + 1) * h) }
  }

  /// `W = [W_z; W_r; W_h]`, `3H x E`.
  public var inputWeight: Matrix
  /// `U = [U_z; U_r; U_h]`, `3H x H`.
  public var recurrentWeight: Matrix
  /// `b = [b_z, b_r, b_h]`, `1 x 3H`.
  public var bias: Matrix

  /// Creates a cell from fused weights in the gate order z, r, h̃: `inputWeight` `3H x E`,
  /// `recurrentWeight` `3H x H`, `bias` `1 x 3H`.
  public init(inputWeight: Matrix, recurrentWeight: Matrix, bias: Matrix) {
    let h = recurrentWeight.cols
    shapePrecondition(
      recurrentWeight.rows == 3 * h && inputWeight.rows == 3 * h && bias.rows == 1
        && bias.cols == 3 * h,
      "GRUCell: W \(inputWeight.shapeDescription), U \(recurrentWeight.shapeDescription) and b "
        + "\(bias.shapeDescription) do not fit (expected 3HxE, 3HxH and 1x3H)")
    self.inputWeight = inputWeight
    self.recurrentWeight = recurrentWeight
    self.bias = bias
  }

  /// Creates a cell with random weights: each gate's `W` block Xavier-uniform (`H x E`), each
  /// `U` block a random orthogonal `H x H` matrix, and `b = 0` except `b_z = updateBias`.
  ///
  /// A positive `updateBias` starts every unit closer to copying its old state (`z ≈ σ(b_z)`),
  /// the GRU counterpart of the LSTM's forget-gate bias; the default 0 starts halfway.
  public init(inputSize: Int, hiddenSize: Int, updateBias: Double = 0, rng: inout RandomSource) {
    let w = Matrix.vstack(
      (0..<3).map { _ in Matrix.xavierUniform(hiddenSize, inputSize, rng: &rng) })
    let u = Matrix.vstack(
      (0..<3).map { _ in Matrix.orthogonal(hiddenSize, hiddenSize, rng: &rng) })
    var b = Matrix.zeros(1, 3 * hiddenSize)
    for j in Gate.update.range(hiddenSize: hiddenSize) { b[0, j] = updateBias }
    self.init(inputWeight: w, recurrentWeight: u, bias: b)
  }

  /// `E`, the width of `x_t`.
  public var inputSize: Int { inputWeight.cols }
  /// `H`, the width of `h_t`.
  public var hiddenSize: Int { recurrentWeight.cols }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W", &inputWeight)
    try body("U", &recurrentWeight)
    try body("b", &bias)
  }

  /// One time step (see the type's documentation for the equations and conventions).
  ///
  /// - Parameters:
  ///   - input: `x_t`, `B x E`.
  ///   - state: `h_{t-1}`, `B x H`.
  /// - Returns: `h_t` (`B x H`) and the cache of `x_t`, `h_{t-1}`, `z_t`, `r_t`, `h̃_t`, `h_t`.
  public func forward(_ input: Matrix, state: Matrix) -> (state: Matrix, cache: StepCache) {
    shapePrecondition(
      input.cols == inputSize && state.cols == hiddenSize && input.rows == state.rows,
      "GRUCell.forward: x_t is \(input.shapeDescription) and h_{t-1} is "
        + "\(state.shapeDescription); expected Bx\(inputSize) and Bx\(hiddenSize)")
    // BEGIN SOLUTION 05.1 GRUCell.forward | Lectures/05-gru.md §3
    let h = hiddenSize
    // The input part of all three pre-activations at once, B x 3H, bias included.
    let fromInput = input.matmul(inputWeight, transposeOther: true).adding(rowVector: bias)
    // The recurrent part of the two gates, B x 2H (U_z and U_r are the first 2H rows of U).
    let fromState = state.matmul(recurrentWeight.rows(0..<(2 * h)), transposeOther: true)
    let update = (fromInput.columns(0..<h) + fromState.columns(0..<h)).sigmoid()
    let reset = (fromInput.columns(h..<(2 * h)) + fromState.columns(h..<(2 * h))).sigmoid()
    // The reset gate scales h_{t-1} before it meets U_h.
    let candidate =
      (fromInput.columns((2 * h)..<(3 * h))
      + (reset * state).matmul(recurrentWeight.rows((2 * h)..<(3 * h)), transposeOther: true))
      .tanh()
    let next = update * state + update.map { 1 - $0 } * candidate
    let cache = StepCache(
      input: input, previous: state, update: update, reset: reset, candidate: candidate,
      output: next)
    return (next, cache)
    // END SOLUTION
  }
}
