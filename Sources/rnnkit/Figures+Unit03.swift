import Foundation
import RNNPlot
import Unit02
import Unit03

// MARK: Lecture 03

/// `‖∂h_t/∂h_{t-d}‖` against the distance `d` for tanh cells whose recurrent weight is `ρ`
/// times a random orthogonal matrix, with the lectures' bound `ρ^d` for two of them. Below
/// `ρ = 1` the gradient vanishes geometrically; at `ρ = 1` tanh's slope (at most 1, and less
/// once the state moves away from 0) still shrinks it; well above 1 it explodes.
func jacobianNormsByRadiusFigure() -> String {
  let steps = 50
  let distances = (1...steps).map(Double.init)
  var chart = LineChart(
    title: "Gradient flow back through a tanh RNN: ‖∂h_t/∂h_(t−d)‖",
    xLabel: "distance d = t − k (time steps)",
    yLabel: "spectral norm (log scale; geometric mean of 4 runs)", yScale: .logarithmic,
    width: 680, height: 460)
  chart.yRange = 1e-16...1e8
  let radii: [(Double, SVGColor)] = [
    (0.5, SVGColor.palette(0)), (0.9, SVGColor.palette(5)), (1.0, SVGColor.palette(2)),
    (1.5, SVGColor.palette(4)), (3.0, SVGColor.palette(1)),
  ]
  for (radius, color) in radii {
    let norms = JacobianAnalysis.experiment(
      activation: .tanh, spectralRadius: radius, steps: steps)
    chart.addSeries("tanh, ρ(W_hh) = \(formatRadius(radius))", x: distances, y: norms, color: color)
  }
  for (radius, color) in [radii[0], radii[4]] {
    chart.addSeries(
      LineChart.Series(
        "", x: distances, y: distances.map { pow(radius, $0) }, color: color, dashed: true,
        lineWidth: 1))
  }
  chart.addAnnotation("dashed: the bound ρ^d", x: 20, y: 1e6)
  chart.legendPosition = .bottomLeft
  return chart.svg()
}

/// The same measurement at `ρ = 1` (and a few other radii) for each activation: the sigmoid's
/// slope is at most 1/4, so its gradient vanishes like `(ρ/4)^d`; ReLU passes gradients through
/// its active units unchanged, so it keeps them at `ρ = 1` longer and explodes above.
func jacobianNormsByActivationFigure() -> String {
  let steps = 50
  let distances = (1...steps).map(Double.init)
  var chart = LineChart(
    title: "The activation's slope: ‖∂h_t/∂h_(t−d)‖ for tanh, sigmoid and ReLU",
    xLabel: "distance d = t − k (time steps)",
    yLabel: "spectral norm (log scale; geometric mean of 4 runs)", yScale: .logarithmic,
    width: 680, height: 460)
  chart.yRange = 1e-16...1e8
  let runs: [(RecurrentActivation, Double, SVGColor, Bool)] = [
    (.tanh, 1, SVGColor.palette(2), false),
    (.sigmoid, 1, SVGColor.palette(3), false),
    (.sigmoid, 4, SVGColor.palette(3), true),
    (.relu, 1, SVGColor.palette(0), false),
    (.relu, 1.5, SVGColor.palette(0), true),
  ]
  for (activation, radius, color, dashed) in runs {
    let norms = JacobianAnalysis.experiment(
      activation: activation, spectralRadius: radius, steps: steps)
    chart.addSeries(
      "\(activation), ρ(W_hh) = \(formatRadius(radius))", x: distances, y: norms, color: color,
      dashed: dashed)
  }
  chart.addSeries(
    LineChart.Series(
      "bound for the sigmoid at ρ = 1: (1/4)^d", x: distances,
      y: distances.map { pow(0.25, $0) }, color: .gray, dashed: true, lineWidth: 1))
  chart.legendPosition = .bottomLeft
  return chart.svg()
}

private func formatRadius(_ radius: Double) -> String {
  radius == radius.rounded() ? String(Int(radius)) : String(radius)
}
