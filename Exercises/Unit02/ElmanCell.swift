import RNNCore
import RNNTraining

/// The Elman recurrent cell: `h_t = f(W_hh h_{t-1} + W_hx x_t + b)`.
///
/// The kit works on row batches (one sequence per row), so the step is written
///
///     z_t = x_t W_hxᵀ + h_{t-1} W_hhᵀ + b        h_t = f(z_t)
///
/// Shapes (`B` sequences in the batch, `E` input features, `H` hidden units):
/// - `x_t`: `B x E`, `h_{t-1}`, `z_t`, `h_t`: `B x H`;
/// - `recurrentWeight` (`W_hh`): `H x H`; entry `[i, j]` is the weight from unit `j` of
///   `h_{t-1}` into unit `i` of `h_t` (the kit's "`m x n` maps `n` inputs to `m` outputs");
/// - `inputWeight` (`W_hx`): `H x E`; entry `[i, j]` is the weight from input feature `j`;
/// - `bias` (`b`): `1 x H`, added to every row.
///
/// The same three blocks are used at every time step. The parameter blocks are named `W_hh`,
/// `W_hx` and `b` (a language model prefixes them with `cell.`).
public struct ElmanCell: RecurrentCell, Equatable {
  /// The state is the hidden matrix `h` itself (`B x H`).
  public typealias State = Matrix

  /// What the forward step keeps for the backward step (all `B` rows).
  public struct StepCache: Equatable, Sendable {
    /// `x_t`, `B x E`.
    public var input: Matrix
    /// `h_{t-1}`, `B x H`.
    public var previous: Matrix
    /// `z_t = x_t W_hxᵀ + h_{t-1} W_hhᵀ + b`, `B x H` (before the nonlinearity).
    public var preActivation: Matrix
    /// `h_t = f(z_t)`, `B x H`.
    public var output: Matrix

    /// Creates a cache from its four matrices.
    public init(input: Matrix, previous: Matrix, preActivation: Matrix, output: Matrix) {
      self.input = input
      self.previous = previous
      self.preActivation = preActivation
      self.output = output
    }
  }

  /// `W_hh`, `H x H`.
  public var recurrentWeight: Matrix
  /// `W_hx`, `H x E`.
  public var inputWeight: Matrix
  /// `b`, `1 x H`.
  public var bias: Matrix
  /// The nonlinearity `f` (not a parameter; gradients keep the cell's activation).
  public var activation: RecurrentActivation

  /// Creates a cell from explicit weights. `recurrentWeight` must be `H x H`, `inputWeight`
  /// `H x E` and `bias` `1 x H`.
  public init(
    recurrentWeight: Matrix, inputWeight: Matrix, bias: Matrix,
    activation: RecurrentActivation = .tanh
  ) {
    let h = recurrentWeight.rows
    shapePrecondition(
      recurrentWeight.cols == h && inputWeight.rows == h && bias.rows == 1 && bias.cols == h,
      "ElmanCell: W_hh \(recurrentWeight.shapeDescription), W_hx \(inputWeight.shapeDescription)"
        + " and b \(bias.shapeDescription) do not fit (expected HxH, HxE and 1xH)")
    self.recurrentWeight = recurrentWeight
    self.inputWeight = inputWeight
    self.bias = bias
    self.activation = activation
  }

  /// Creates a cell with random weights: `W_hh` orthogonal times `recurrentGain` (so its
  /// spectral radius is exactly `recurrentGain`), `W_hx` Xavier-uniform, `b = 0`.
  public init(
    inputSize: Int, hiddenSize: Int, activation: RecurrentActivation = .tanh,
    recurrentGain: Double = 1, rng: inout RandomSource
  ) {
    self.init(
      recurrentWeight: .orthogonal(hiddenSize, hiddenSize, gain: recurrentGain, rng: &rng),
      inputWeight: .xavierUniform(hiddenSize, inputSize, rng: &rng),
      bias: .zeros(1, hiddenSize), activation: activation)
  }

  /// `E`, the width of `x_t`.
  public var inputSize: Int { inputWeight.cols }
  /// `H`, the width of `h_t`.
  public var hiddenSize: Int { recurrentWeight.rows }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("W_hh", &recurrentWeight)
    try body("W_hx", &inputWeight)
    try body("b", &bias)
  }

  /// One time step: `z_t = x_t W_hxᵀ + h_{t-1} W_hhᵀ + b`, `h_t = f(z_t)`.
  ///
  /// - Parameters:
  ///   - input: `x_t`, `B x E`.
  ///   - state: `h_{t-1}`, `B x H`.
  /// - Returns: `h_t` (`B x H`) and the cache of `x_t`, `h_{t-1}`, `z_t` and `h_t`.
  public func forward(_ input: Matrix, state: Matrix) -> (state: Matrix, cache: StepCache) {
    shapePrecondition(
      input.cols == inputSize && state.cols == hiddenSize && input.rows == state.rows,
      "ElmanCell.forward: x_t is \(input.shapeDescription) and h_{t-1} is "
        + "\(state.shapeDescription); expected Bx\(inputSize) and Bx\(hiddenSize)")
    // Exercise 02.1: ElmanCell.forward.
    // Read Lectures/02-elman-rnn.md §3, then replace this stub with your code.
    notImplemented("02.1", "ElmanCell.forward", lecture: "Lectures/02-elman-rnn.md §3")
  }
}
