import RNNCore
import RNNTraining

/// A recurrent language model: embedding lookup, a recurrent cell, and a softmax output layer.
///
/// For each sequence `b` of a batch and each step `t`, the model reads token `w_t`, looks up its
/// vector, updates the state, and scores every vocabulary token as the next one:
///
///     x_t = W_e[w_t]                 (row w_t of the embedding matrix W_e)
///     h_t = cell(x_t, h_{t-1})       (for an Elman cell: f(W_hh h_{t-1} + W_hx x_t + b))
///     s_t = h_t W_sᵀ + b_s           (logits; ŷ_t = softmax(s_t) = P(w_{t+1} | w_1 ... w_t))
///
/// For a generic cell the state is a `Cell.State`, not a matrix: `h_t` above is its hidden
/// matrix, `state.hidden` (`B x H`). For an Elman cell the state is that matrix itself.
///
/// Shapes (`V` tokens, `E` embedding size, `H` hidden size, `B` sequences, `T` steps):
/// - `embedding` (`W_e`): `V x E`; row `v` is the input vector of token `v`;
/// - `outputWeight` (`W_s`): `V x H`; row `v` scores token `v`;
/// - `outputBias` (`b_s`): `1 x V`.
///
/// A batch of sequences is `B x T` token ids (`inputs[b][t]`). Activations of shape
/// `B x T x features` are stored as arrays over time of `B x features` matrices: `logits[t]` is
/// `B x V` and `logits[t][b, v]` is the score of token `v` following `inputs[b][t]`.
///
/// Parameter blocks, in visiting order: `embedding`, the cell's blocks prefixed with `cell.`
/// (`cell.W_hh`, `cell.W_hx`, `cell.b` for an Elman cell), `W_s`, `b_s`.
public struct RNNLanguageModel<Cell: RecurrentCell>: Parameterized, Sendable {
  /// `W_e`, `V x E`.
  public var embedding: Matrix
  /// The recurrent cell (input size `E`, hidden size `H`).
  public var cell: Cell
  /// `W_s`, `V x H`.
  public var outputWeight: Matrix
  /// `b_s`, `1 x V`.
  public var outputBias: Matrix

  /// Creates a model from explicit parameters; the shapes must fit together.
  public init(embedding: Matrix, cell: Cell, outputWeight: Matrix, outputBias: Matrix) {
    shapePrecondition(
      embedding.cols == cell.inputSize && outputWeight.rows == embedding.rows
        && outputWeight.cols == cell.hiddenSize && outputBias.rows == 1
        && outputBias.cols == embedding.rows,
      "RNNLanguageModel: embedding \(embedding.shapeDescription), cell \(cell.inputSize) -> "
        + "\(cell.hiddenSize), W_s \(outputWeight.shapeDescription) and b_s "
        + "\(outputBias.shapeDescription) do not fit (expected VxE, E -> H, VxH and 1xV)")
    self.embedding = embedding
    self.cell = cell
    self.outputWeight = outputWeight
    self.outputBias = outputBias
  }

  /// Creates a model around `cell` with random embeddings (Gaussian, standard deviation 0.1),
  /// a Xavier-uniform `W_s` and `b_s = 0`.
  public init(vocabularySize: Int, cell: Cell, rng: inout RandomSource) {
    self.init(
      embedding: .gaussian(vocabularySize, cell.inputSize, std: 0.1, rng: &rng), cell: cell,
      outputWeight: .xavierUniform(vocabularySize, cell.hiddenSize, rng: &rng),
      outputBias: .zeros(1, vocabularySize))
  }

  /// `V`.
  public var vocabularySize: Int { embedding.rows }
  /// `E`.
  public var embeddingSize: Int { embedding.cols }
  /// `H`.
  public var hiddenSize: Int { cell.hiddenSize }

  public mutating func visitParameters(_ body: (String, inout Matrix) throws -> Void) rethrows {
    try body("embedding", &embedding)
    try cell.visitParameters { name, block in try body("cell." + name, &block) }
    try body("W_s", &outputWeight)
    try body("b_s", &outputBias)
  }

  /// The all-zero initial state `h_0` for `batchSize` sequences.
  public func initialState(batchSize: Int) -> Cell.State {
    Cell.State.zeros(batchSize: batchSize, hiddenSize: hiddenSize)
  }

  /// Runs the model over a batch of sequences.
  ///
  /// - Parameters:
  ///   - inputs: `B x T` token ids; `inputs[b][t]` is read by sequence `b` at step `t`. All rows
  ///     have the same length `T` (which may be 0).
  ///   - initialState: the state before step 0 (`h_0`; its `hidden` is `B x H`).
  /// - Returns: the logits of every step (`T` matrices `B x V`, read from the state *after*
  ///   step `t`) and everything backpropagation needs; see ``SequenceForward``. With `T = 0`
  ///   there are no logits and the final state is `initialState`.
  public func forward(_ inputs: [[Int]], initialState: Cell.State) -> SequenceForward<Cell> {
    let steps = inputs.first?.count ?? 0
    shapePrecondition(
      inputs.allSatisfy { $0.count == steps },
      "RNNLanguageModel.forward: the sequences of a batch must have equal lengths, got "
        + "\(inputs.map(\.count))")
    shapePrecondition(
      initialState.hidden.rows == inputs.count && initialState.hidden.cols == hiddenSize,
      "RNNLanguageModel.forward: h_0 is \(initialState.hidden.shapeDescription) for "
        + "\(inputs.count) sequences; expected \(inputs.count)x\(hiddenSize)")
    // BEGIN SOLUTION 02.2 RNNLanguageModel.forward | Lectures/02-elman-rnn.md §4
    var state = initialState
    var states: [Cell.State] = []
    var caches: [Cell.StepCache] = []
    var logits: [Matrix] = []
    for t in 0..<steps {
      let x = embedding.gatherRows(inputs.map { $0[t] })
      let step = cell.forward(x, state: state)
      state = step.state
      states.append(state)
      caches.append(step.cache)
      logits.append(
        state.hidden.matmul(outputWeight, transposeOther: true).adding(rowVector: outputBias))
    }
    return SequenceForward(
      inputs: inputs, initialState: initialState, states: states, caches: caches, logits: logits)
    // END SOLUTION
  }
}

/// The result of ``RNNLanguageModel/forward(_:initialState:)``: the logits of every step and
/// what backpropagation through time needs.
///
/// All arrays run over time (`T` entries); each matrix has one row per sequence.
public struct SequenceForward<Cell: RecurrentCell>: Sendable {
  /// `B x T` token ids that were read (`inputs[b][t]`).
  public var inputs: [[Int]]
  /// The state before step 0 (`h_0`).
  public var initialState: Cell.State
  /// `states[t]` is the state after step `t` (`h_t`; its `hidden` part is `B x H`).
  public var states: [Cell.State]
  /// `caches[t]` is what the cell's forward step `t` kept for its backward step.
  public var caches: [Cell.StepCache]
  /// `logits[t]` is `B x V`: `logits[t][b, v]` scores token `v` as the successor of
  /// `inputs[b][t]`.
  public var logits: [Matrix]

  /// Creates a result from its parts (tests build these from explicit values).
  public init(
    inputs: [[Int]], initialState: Cell.State, states: [Cell.State], caches: [Cell.StepCache],
    logits: [Matrix]
  ) {
    self.inputs = inputs
    self.initialState = initialState
    self.states = states
    self.caches = caches
    self.logits = logits
  }

  /// `T`.
  public var steps: Int { logits.count }
  /// `B`.
  public var batchSize: Int { inputs.count }
  /// The state after the last step (the initial state if `T = 0`), to carry into the next
  /// chunk.
  public var finalState: Cell.State { states.last ?? initialState }
  /// The token ids read at step `t`, one per sequence (column `t` of ``inputs``).
  public func tokens(at t: Int) -> [Int] { inputs.map { $0[t] } }
}
