import RNNCore
import Unit02

extension ElmanCell {
  /// The IRNN of Le, Jaitly and Hinton (2015): an Elman cell with ReLU units whose recurrent
  /// weight starts as the identity.
  ///
  /// - `W_hh = recurrentScale · I` (`H x H`): with no input, `h_t = relu(h_{t-1}) = h_{t-1}`
  ///   for a non-negative state, so the state (and the gradient through it) is carried
  ///   unchanged from step to step: each step's Jacobian is the identity on the active units;
  /// - `W_hx` (`H x E`): Gaussian with mean 0 and standard deviation `inputStd`;
  /// - `b = 0`;
  /// - activation ReLU.
  public static func identityReLU(
    inputSize: Int, hiddenSize: Int, inputStd: Double = 0.001, recurrentScale: Double = 1,
    rng: inout RandomSource
  ) -> ElmanCell {
    // Exercise 04.3: ElmanCell.identityReLU.
    // Read Lectures/04-gradient-clipping.md §5, then replace this stub with your code.
    notImplemented("04.3", "ElmanCell.identityReLU", lecture: "Lectures/04-gradient-clipping.md §5")
  }
}
