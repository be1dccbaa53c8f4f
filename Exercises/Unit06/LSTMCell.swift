import RNNCore
import RNNTraining

/// The long short-term memory cell (LSTM; Hochreiter and Schmidhuber 1997, with the forget
/// gate of Gers, Schmidhuber and Cummins 2000).
///
/// On row batches (one sequence per row) one step is
///
///     [a_i | a_f | a_g | a_o] = x_t Wᵀ + h_{t-1} Uᵀ + b     (B x 4H, one block per gate)
///     i_t = σ(a_i)        input gate: how much of the candidate to write
///     f_t = σ(a_f)        forget gate: how much of the old memory to keep
///     g_t = tanh(a_g)     candidate memory content
///     o_t = σ(a_o)        output gate: how much of the memory to show
///     c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
///     h_t = o_t ⊙ tanh(c_t)
///
/// **Fused layout and gate order.** The four gates' weights are stacked in one matrix each, in
/// the order **i, f, g, o** (rows `0..<H`, `H..<2H`, `2H..<3H`, `3H..<4H`), the order of
/// PyTorch (and cuDNN) and Keras; TensorFlow's own LSTM cells split `i, j, f, o` instead:
/// - `inputWeight` (`W = [W_i; W_f; W_g; W_o]`): `4H x E`, applied as `x Wᵀ`;
/// - `recurrentWeight` (`U = [U_i; U_f; U_g; U_o]`): `4H x H`, applied as `h Uᵀ`;
/// - `bias` (`b = [b_i, b_f, b_g, b_o]`): `1 x 4H`.
///
/// Shapes: `x_t` is `B x E`; `h`, `c` and every gate are `B x H`. The state is an
/// ``LSTMState`` `(h, c)`. The parameter blocks are named `W`, `U` and `b` (a language model
/// prefixes them with `cell.`). Some lectures call the input gate the *update* gate `Γ_u`.
public struct LSTMCell: RecurrentCell, Equatable {
  /// The state is the pair `(h, c)`.
  public typealias State = LSTMState

  /// What the forward step keeps for the backward step (all `B x H` except `input`).
  public struct StepCache: Equatable, Sendable {
    /// `x_t`, `B x E`.
    public var input: Matrix
    /// `h_{t-1}`.
    public var previousHidden: Matrix
    /// `c_{t-1}`.
    public var previousCell: Matrix
    /// `i_t`.
    public var inputGate: Matrix
    /// `f_t`.
    public var forgetGate: Matrix
    /// `g_t`.
    public var candidate: Matrix
    /// `o_t`.
    public var outputGate: Matrix
    /// `c_t`.
    public var cell: Matrix
    /// `tanh(c_t)`.
    public var cellTanh: Matrix
    /// `h_t`.
    public var output: Matrix

    /// Creates a cache from its matrices.
    public init(
      input: Matrix, previousHidden: Matrix, previousCell: Matrix, inputGate: Matrix,
      forgetGate: Matrix, candidate: Matrix, outputGate: Matrix, cell: Matrix, cellTanh: Matrix,
      output: Matrix
    ) {
      self.input = input
      self.previousHidden = previousHidden
      self.previousCell = previousCell
      self.inputGate = inputGate
      self.forgetGate = forgetGate
      self.candidate = candidate
      self.outputGate = outputGate
      self.cell = cell
      self.cellTanh = cellTanh
      self.output = output
    }
  }

  /// The position of each gate's block in the fused matrices: rows of `W` and `U`, columns of
  /// `b` (and of the pre-activations).
  public enum Gate: Int, CaseIterable, Sendable {
    /// `i`, rows `0..<H`.
    case input = 0
    /// `f`, rows `H..<2H`.
    case forget = 1
    /// `g`, rows `2H..<3H`.
    case candidate = 2
    /// `o`, rows `3H..<4H`.
    case output = 3

    /// The rows of this gate's block for hidden size `h`.
    public func range(hiddenSize h: Int) -> Range<Int> { (rawValue * h)..<((rawValue + 1) * h) }
  }

  /// `W = [W_i; W_f; W_g; W_o]`, `4H x E`.
  public var inputWeight: Matrix
  /// `U = [U_i; U_f; U_g; U_o]`, `4H x H`.
  public var recurrentWeight: Matrix
  /// `b = [b_i, b_f, b_g, b_o]`, `1 x 4H`.
  public var bias: Matrix

  /// Creates a cell from fused weights in the gate order i, f, g, o: `inputWeight` `4H x E`,
  /// `recurrentWeight` `4H x H`, `bias` `1 x 4H`.
  public init(inputWeight: Matrix, recurrentWeight: Matrix, bias: Matrix) {
    let h = recurrentWeight.cols
    shapePrecondition(
      recurrentWeight.rows == 4 * h && inputWeight.rows == 4 * h && bias.rows == 1
        && bias.cols == 4 * h,
      "LSTMCell: W \(inputWeight.shapeDescription), U \(recurrentWeight.shapeDescription) and "
        + "b \(bias.shapeDescription) do not fit (expected 4HxE, 4HxH and 1x4H)")
    self.inputWeight = inputWeight
    self.recurrentWeight = recurrentWeight
    self.bias = bias
  }

  /// Creates a cell with random weights, ready to train:
  /// - each gate's `W` block (`H x E`) Xavier-uniform, drawn in the order i, f, g, o;
  /// - each gate's `U` block a random orthogonal `H x H` matrix, drawn after all of `W`;
  /// - `b = 0` except the forget-gate block `b_f = forgetBias` (default 1).
  ///
  /// With `b_f = 1` every unit starts with `f ≈ σ(1) ≈ 0.73` instead of 0.5, so the memory and
  /// its gradient survive many more steps before training has learned when to forget.
  public init(inputSize: Int, hiddenSize: Int, forgetBias: Double = 1, rng: inout RandomSource) {
    // Exercise 06.2: LSTMCell.init(inputSize:hiddenSize:rng:).
    // Read Lectures/06-lstm.md §4, then replace this stub with your code.
    notImplemented(
      "06.2", "LSTMCell.init(inputSize:hiddenSize:rng:)", lecture: "Lectures/06-lstm.md §4")
  }

  /// `E`, the width of `x_t`.
  public var inputSize: Int { inputWeight.cols }
  /// `H`, the width of `h_t` and `c_t`.
  public var hiddenSize: Int { recurrentWeight.cols }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W", &inputWeight)
    try body("U", &recurrentWeight)
    try body("b", &bias)
  }

  /// One time step (see the type's documentation for the equations and the gate order).
  ///
  /// - Parameters:
  ///   - input: `x_t`, `B x E`.
  ///   - state: `(h_{t-1}, c_{t-1})`, each `B x H`.
  /// - Returns: `(h_t, c_t)` and the cache of the step.
  public func forward(_ input: Matrix, state: LSTMState) -> (state: LSTMState, cache: StepCache) {
    shapePrecondition(
      input.cols == inputSize && state.hidden.cols == hiddenSize
        && input.rows == state.hidden.rows,
      "LSTMCell.forward: x_t is \(input.shapeDescription) and h_{t-1} is "
        + "\(state.hidden.shapeDescription); expected Bx\(inputSize) and Bx\(hiddenSize)")
    // Exercise 06.1: LSTMCell.forward.
    // Read Lectures/06-lstm.md §3, then replace this stub with your code.
    notImplemented("06.1", "LSTMCell.forward", lecture: "Lectures/06-lstm.md §3")
  }
}
