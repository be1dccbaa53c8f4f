import RNNPlot

// Pictures of the cells the course builds: the Elman network unrolled in time, and one step of
// the GRU and of the LSTM, drawn with the kit's own conventions (gate order, which state the
// GRU's update gate keeps).

private let gateFill = SVGColor(hex: 0xFCE9D4)
private let layerFill = SVGColor(hex: 0xE8F0FA)
private let operationFill = SVGColor(hex: 0xFFFFFF)

/// The Elman language model over four steps: the same three weight matrices at every step.
func elmanUnrolledDiagram() -> String {
  var d = Diagram(
    width: 680, height: 330, title: "The Elman network unrolled over four steps",
    subtitle: "hₜ = f(xₜ W_hxᵀ + hₜ₋₁ W_hhᵀ + b),  ŷₜ = softmax(hₜ W_sᵀ + b_s):  "
      + "the same W_hx, W_hh and W_s at every step")
  let digits = ["₁", "₂", "₃", "₄"]
  d.add(Diagram.Node("h0", "h₀", x: 50, y: 180, shape: .plain))
  for t in 0..<4 {
    let x = 170 + 140 * Double(t)
    d.add(Diagram.Node("x\(t)", "x\(digits[t])", x: x, y: 290, shape: .plain))
    d.add(Diagram.Node("h\(t + 1)", "h\(digits[t])", x: x, y: 180, fill: layerFill))
    d.add(Diagram.Node("y\(t)", "ŷ\(digits[t])", x: x, y: 80, fill: gateFill))
    d.connect("x\(t)", "h\(t + 1)", label: t == 0 ? "W_hx" : nil, labelAt: 0.45)
    d.connect("h\(t)", "h\(t + 1)", label: t == 0 ? "W_hh" : nil, labelAt: 0.25)
    d.connect("h\(t + 1)", "y\(t)", label: t == 0 ? "W_s" : nil, labelAt: 0.4)
  }
  d.add(Diagram.Node("next", "…", x: 650, y: 180, shape: .plain))
  d.connect("h4", "next", dashed: true)
  return d.svg()
}

/// One GRU step in the kit's convention: `z` keeps the old state, the reset gate acts before
/// `U_h`, gate order z, r, h̃.
func gruCellDiagram() -> String {
  var d = Diagram(
    width: 700, height: 380, title: "One GRU step",
    subtitle: "hₜ = z ⊙ hₜ₋₁ + (1 − z) ⊙ h̃,  h̃ = tanh(xₜ W_hᵀ + (r ⊙ hₜ₋₁) U_hᵀ + b_h);  "
      + "gate order z, r, h̃")
  d.add(Diagram.Node("hprev", "hₜ₋₁", x: 50, y: 110, shape: .plain))
  d.add(Diagram.Node("inputs", "[hₜ₋₁, xₜ]", x: 65, y: 340, shape: .plain))
  d.add(Diagram.Node("z", "z = σ(·)", x: 210, y: 220, fill: gateFill))
  d.add(Diagram.Node("r", "r = σ(·)", x: 210, y: 290, fill: gateFill))
  d.add(Diagram.Node("oneMinus", "1−", x: 300, y: 220, shape: .operation, fill: operationFill))
  d.add(Diagram.Node("reset", "⊙", x: 330, y: 290, shape: .operation, fill: operationFill))
  d.add(Diagram.Node("candidate", "h̃ = tanh(·)", x: 460, y: 290, fill: layerFill))
  d.add(Diagram.Node("keep", "⊙", x: 420, y: 110, shape: .operation, fill: operationFill))
  d.add(Diagram.Node("write", "⊙", x: 560, y: 220, shape: .operation, fill: operationFill))
  d.add(Diagram.Node("sum", "+", x: 560, y: 110, shape: .operation, fill: operationFill))
  d.add(Diagram.Node("h", "hₜ", x: 650, y: 110, shape: .plain))

  d.connect("hprev", "keep")
  d.connect("hprev", "reset", via: [(110, 110), (110, 255), (330, 255)])
  d.connect("inputs", "z", via: [(140, 340), (140, 220)])
  d.connect("inputs", "r", via: [(140, 340), (140, 290)])
  d.connect("inputs", "candidate", via: [(460, 340)], label: "xₜ W_hᵀ", labelAt: 0.75)
  d.connect("z", "keep", via: [(210, 170), (420, 170)], label: "z", labelAt: 0.5)
  d.connect("z", "oneMinus")
  d.connect("r", "reset", label: "r", labelAt: 0.4)
  d.connect("reset", "candidate", label: "U_h", labelAt: 0.35)
  d.connect("oneMinus", "write", label: "1 − z", labelAt: 0.6)
  d.connect("candidate", "write", via: [(560, 290)])
  d.connect("keep", "sum")
  d.connect("write", "sum")
  d.connect("sum", "h")
  return d.svg()
}

/// One LSTM step with the kit's gate order i, f, g, o.
func lstmCellDiagram() -> String {
  var d = Diagram(
    width: 700, height: 400, title: "One LSTM step",
    subtitle: "cₜ = f ⊙ cₜ₋₁ + i ⊙ g,  hₜ = o ⊙ tanh(cₜ);  every gate reads [hₜ₋₁, xₜ];  "
      + "gate order i, f, g, o")
  d.add(Diagram.Node("cprev", "cₜ₋₁", x: 50, y: 90, shape: .plain))
  d.add(Diagram.Node("forget", "⊙", x: 200, y: 90, shape: .operation, fill: operationFill))
  d.add(Diagram.Node("sum", "+", x: 360, y: 90, shape: .operation, fill: operationFill))
  d.add(Diagram.Node("c", "cₜ", x: 660, y: 90, shape: .plain))
  d.add(Diagram.Node("write", "⊙", x: 360, y: 180, shape: .operation, fill: operationFill))
  d.add(Diagram.Node("tanh", "tanh", x: 520, y: 160, fill: layerFill))
  d.add(Diagram.Node("show", "⊙", x: 520, y: 230, shape: .operation, fill: operationFill))
  d.add(Diagram.Node("h", "hₜ", x: 660, y: 230, shape: .plain))
  d.add(Diagram.Node("i", "i = σ(·)", x: 300, y: 300, fill: gateFill))
  d.add(Diagram.Node("f", "f = σ(·)", x: 200, y: 300, fill: gateFill))
  d.add(Diagram.Node("g", "g = tanh(·)", x: 410, y: 300, fill: layerFill))
  d.add(Diagram.Node("o", "o = σ(·)", x: 520, y: 300, fill: gateFill))
  d.add(Diagram.Node("inputs", "[hₜ₋₁, xₜ]", x: 70, y: 365, shape: .plain))

  d.connect("cprev", "forget")
  d.connect("forget", "sum")
  d.connect("sum", "c")
  d.connect("sum", "tanh", via: [(520, 90)])
  d.connect("tanh", "show")
  d.connect("show", "h")
  d.connect("write", "sum")
  d.connect("f", "forget", label: "f", labelAt: 0.5)
  d.connect("i", "write", via: [(300, 180)], label: "i", labelAt: 0.5)
  d.connect("g", "write", via: [(410, 180)], label: "g", labelAt: 0.5)
  d.connect("o", "show", label: "o", labelAt: 0.3)
  let columns: [(gate: String, x: Double)] = [("f", 200), ("i", 300), ("g", 410), ("o", 520)]
  for (gate, x) in columns {
    d.connect(
      "inputs", gate, via: [(x, 365)], label: gate == "f" ? "W, U, b" : nil, labelAt: 0.3)
  }
  return d.svg()
}
