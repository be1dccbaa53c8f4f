/// The smoothing methods of the unit, by their command-line names.
public enum Smoothing: String, CaseIterable, Sendable {
  /// ``MaximumLikelihood``: relative frequencies, zero for anything unseen.
  case mle
  /// ``AddK``: add `k` to every count (Laplace when `k = 1`).
  case addk
  /// ``Interpolated``: a mixture of all orders, weights tuned on held-out sentences.
  case interp
  /// ``KatzBackoff``: discounted counts, normalized backoff to lower orders.
  case backoff
  /// ``KneserNey``: interpolated Kneser-Ney with continuation counts.
  case kn

  /// A readable name for tables and legends.
  public var displayName: String {
    switch self {
    case .mle: return "maximum likelihood"
    case .addk: return "add-k"
    case .interp: return "interpolation"
    case .backoff: return "Katz backoff"
    case .kn: return "Kneser-Ney"
    }
  }
}

/// Settings for building an n-gram model with ``NGramModel/train(_:sentences:vocabularySize:)``.
public struct NGramSettings: Equatable, Sendable {
  /// The order `n` (1 or more).
  public var order: Int
  /// The smoothing method.
  public var smoothing: Smoothing
  /// The pseudo-count of add-k.
  public var k: Double
  /// The absolute discount of Katz backoff and Kneser-Ney.
  public var discount: Double
  /// For interpolation: every `heldOutEvery`-th training sentence is held out to tune the
  /// weights instead of being counted.
  public var heldOutEvery: Int

  /// Creates settings; the defaults are add-one, `D = 0.75`, and one sentence in 10 held out.
  public init(
    order: Int, smoothing: Smoothing, k: Double = 1, discount: Double = 0.75,
    heldOutEvery: Int = 10
  ) {
    self.order = order
    self.smoothing = smoothing
    self.k = k
    self.discount = discount
    self.heldOutEvery = heldOutEvery
  }
}

/// Builds any of the unit's models from training sentences. Provided (not an exercise): it
/// only calls the exercises.
public enum NGramModel {
  /// Counts `sentences` (ids without markers) and builds the model `settings` describe.
  ///
  /// Every method counts all training sentences, except interpolation, which counts all but
  /// every ``NGramSettings/heldOutEvery``-th sentence and tunes its weights on those (on the
  /// last sentence if there are fewer; with one sentence, the weights stay equal).
  public static func train(
    _ settings: NGramSettings, sentences: [[Int]], vocabularySize: Int
  ) -> any LanguageModel {
    precondition(!sentences.isEmpty, "NGramModel.train: no training sentences")
    if settings.smoothing == .interp {
      let every = max(settings.heldOutEvery, 2)
      var counted: [[Int]] = []
      var heldOut: [[Int]] = []
      for (i, sentence) in sentences.enumerated() {
        if i % every == every - 1 { heldOut.append(sentence) } else { counted.append(sentence) }
      }
      // A corpus shorter than `every` sentences still holds out its last one; a single
      // sentence cannot be split, so its model keeps equal weights.
      if heldOut.isEmpty && counted.count >= 2 { heldOut = [counted.removeLast()] }
      let counts = NGramCounts(
        order: settings.order, vocabularySize: vocabularySize, sentences: counted)
      if heldOut.isEmpty {
        let equal = 1 / Double(settings.order + 1)
        return Interpolated(
          counts: counts, weights: [Double](repeating: equal, count: settings.order + 1))
      }
      return Interpolated(counts: counts, heldOut: heldOut)
    }
    let counts = NGramCounts(
      order: settings.order, vocabularySize: vocabularySize, sentences: sentences)
    return model(settings, counts: counts)
  }

  /// The model `settings` describe on existing counts (not for interpolation, which needs
  /// held-out sentences: use ``Interpolated/init(counts:heldOut:iterations:)``).
  public static func model(_ settings: NGramSettings, counts: NGramCounts) -> any LanguageModel {
    switch settings.smoothing {
    case .mle: return MaximumLikelihood(counts: counts)
    case .addk: return AddK(counts: counts, k: settings.k)
    case .backoff: return KatzBackoff(counts: counts, discount: settings.discount)
    case .kn: return KneserNey(counts: counts, discount: settings.discount)
    case .interp:
      preconditionFailure("NGramModel.model: interpolation needs held-out sentences; use train")
    }
  }
}
