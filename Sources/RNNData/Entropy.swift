import Foundation

/// An average information content per token, kept in nats and readable in bits or as a
/// perplexity.
///
/// The three views are the same number in different units: `bits = nats / ln 2` and
/// `perplexity = e^nats = 2^bits`.
public struct Entropy: Equatable, Sendable, CustomStringConvertible {
  /// Nats per token (natural logarithm).
  public var nats: Double

  /// Creates an entropy from a value in nats per token.
  public init(nats: Double) {
    self.nats = nats
  }

  /// Creates an entropy from a value in bits per token.
  public init(bits: Double) {
    self.nats = bits * M_LN2
  }

  /// Bits per token (base-2 logarithm).
  public var bits: Double { nats / M_LN2 }

  /// The perplexity `e^nats`: the size of a uniform choice that is as hard to predict.
  public var perplexity: Double { exp(nats) }

  public var description: String {
    String(format: "%.4f nats = %.4f bits per token (perplexity %.2f)", nats, bits, perplexity)
  }
}
