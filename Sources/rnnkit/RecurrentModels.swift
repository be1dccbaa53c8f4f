import Foundation
import RNNCore
import RNNData
import RNNPlot
import RNNTraining
import Unit02
import Unit03
import Unit04
import Unit05
import Unit06

/// The recurrent models `train` and `sample` know, by `--model` name. A later unit adds its
/// cell (GRU, LSTM) with one entry: how to make a fresh cell for training and an empty one of
/// the right shapes for loading a checkpoint. Everything else (trainer, checkpoints, sampler)
/// is shared through ``RNNLanguageModel`` (and unit 10's `FactoredLanguageModel` for the
/// `--output classes` and `--output tree` layers).
struct RecurrentModelKind {
  var name: String
  /// A fresh cell for `train`, and the settings that rebuild its shapes.
  var makeCell: (TrainOptions, Int, inout RandomSource) throws -> (AnyTrainableCell)
  /// A cell of the shapes a checkpoint of this kind holds, for `train --resume` (the trainer
  /// loads the saved parameters into the model built around it).
  var resumeCell: (Checkpoint) throws -> AnyTrainableCell
  /// Samples from a checkpoint of this kind.
  var sample: (Checkpoint, SampleOptions) throws -> Void
}

/// A cell chosen at run time, with what a checkpoint needs to rebuild it.
struct AnyTrainableCell {
  /// The cell itself, for code generic over the cell (`rnnkit table` opens it).
  var cell: any BackpropagatingCell
  var settings: [String: String]
  var describe: String
  var train: (TrainRun, inout RandomSource) throws -> Void

  init<Cell: BackpropagatingCell>(_ cell: Cell, settings: [String: String], describe: String) {
    self.cell = cell
    self.settings = settings
    self.describe = describe
    self.train = { run, rng in try trainRecurrentModel(cell: cell, run: run, rng: &rng) }
  }
}

extension RecurrentModelKind {
  /// A model kind whose resumed and sampled cells are the `emptyCell` of a checkpoint (its
  /// parameters are loaded into the model built around it).
  init<Cell: BackpropagatingCell>(
    name: String, displayName: String, emptyCell: @escaping (Checkpoint) throws -> Cell,
    makeCell: @escaping (TrainOptions, Int, inout RandomSource) throws -> AnyTrainableCell
  ) {
    self.init(
      name: name, makeCell: makeCell,
      resumeCell: { checkpoint in
        AnyTrainableCell(
          try emptyCell(checkpoint), settings: checkpoint.settings,
          describe: "\(displayName), resumed")
      },
      sample: { checkpoint, options in
        try sampleRecurrentModel(
          cell: try emptyCell(checkpoint), checkpoint: checkpoint, options: options)
      })
  }
}

var modelKinds: [RecurrentModelKind] {
  [
    RecurrentModelKind(
      name: "elman", displayName: "Elman", emptyCell: emptyElmanCell,
      makeCell: { options, embeddingSize, rng in
        let cell: ElmanCell
        if options.irnn {
          cell = ElmanCell.identityReLU(
            inputSize: embeddingSize, hiddenSize: options.hidden, inputStd: 0.01, rng: &rng)
        } else {
          cell = ElmanCell(
            inputSize: embeddingSize, hiddenSize: options.hidden,
            activation: options.activation, rng: &rng)
        }
        return AnyTrainableCell(
          cell,
          settings: [
            "activation": cell.activation.rawValue, "embeddingSize": "\(embeddingSize)",
            "hiddenSize": "\(options.hidden)",
            "initialization": options.irnn ? "identity (IRNN)" : "orthogonal",
          ],
          describe: "Elman, \(cell.activation.rawValue)\(options.irnn ? " (IRNN)" : "")")
      }),
    RecurrentModelKind(
      name: "gru", displayName: "GRU", emptyCell: emptyGRUCell,
      makeCell: { options, embeddingSize, rng in
        try rejectElmanOptions(options)
        return AnyTrainableCell(
          GRUCell(inputSize: embeddingSize, hiddenSize: options.hidden, rng: &rng),
          settings: ["embeddingSize": "\(embeddingSize)", "hiddenSize": "\(options.hidden)"],
          describe: "GRU, gate order z, r, h̃")
      }),
    RecurrentModelKind(
      name: "lstm", displayName: "LSTM", emptyCell: emptyLSTMCell,
      makeCell: { options, embeddingSize, rng in
        try rejectElmanOptions(options)
        return AnyTrainableCell(
          LSTMCell(inputSize: embeddingSize, hiddenSize: options.hidden, rng: &rng),
          settings: [
            "embeddingSize": "\(embeddingSize)", "hiddenSize": "\(options.hidden)",
            "forgetBias": "1",
          ],
          describe: "LSTM, gate order i, f, g, o, forget-gate bias 1")
      }),
  ]
}

/// `--irnn` and `--activation` describe an Elman cell; the gated cells have fixed
/// nonlinearities (σ for the gates, tanh for the candidate).
func rejectElmanOptions(_ options: TrainOptions) throws {
  if options.irnn || options.activationGiven {
    throw CommandFailure.usage(
      "--irnn and --activation apply to --model elman only, not \(options.model)")
  }
}

/// A GRU of zeros with the shapes a checkpoint describes (`W` 3H x E, `U` 3H x H, `b` 1 x 3H).
func emptyGRUCell(_ checkpoint: Checkpoint) throws -> GRUCell {
  let hidden = try checkpoint.integerSetting("hiddenSize")
  let embedding = try checkpoint.integerSetting("embeddingSize")
  return GRUCell(
    inputWeight: .zeros(3 * hidden, embedding), recurrentWeight: .zeros(3 * hidden, hidden),
    bias: .zeros(1, 3 * hidden))
}

/// An LSTM of zeros with the shapes a checkpoint describes (`W` 4H x E, `U` 4H x H, `b` 1 x 4H).
func emptyLSTMCell(_ checkpoint: Checkpoint) throws -> LSTMCell {
  let hidden = try checkpoint.integerSetting("hiddenSize")
  let embedding = try checkpoint.integerSetting("embeddingSize")
  return LSTMCell(
    inputWeight: .zeros(4 * hidden, embedding), recurrentWeight: .zeros(4 * hidden, hidden),
    bias: .zeros(1, 4 * hidden))
}

/// An Elman cell of zeros with the shapes and activation a checkpoint describes.
func emptyElmanCell(_ checkpoint: Checkpoint) throws -> ElmanCell {
  let hidden = try checkpoint.integerSetting("hiddenSize")
  let embedding = try checkpoint.integerSetting("embeddingSize")
  let name = try checkpoint.setting("activation")
  guard let activation = RecurrentActivation(rawValue: name) else {
    throw CheckpointError.invalidSetting(key: "activation", value: name)
  }
  return ElmanCell(
    recurrentWeight: .zeros(hidden, hidden), inputWeight: .zeros(hidden, embedding),
    bias: .zeros(1, hidden), activation: activation)
}

func modelKind(_ name: String) throws -> RecurrentModelKind {
  guard let kind = modelKinds.first(where: { $0.name == name }) else {
    throw CommandFailure.usage(
      "unknown model '\(name)'; available: \(modelKinds.map(\.name).joined(separator: ", "))")
  }
  return kind
}
