extension Heatmap {
  private static let labelFontSize = 11.0
  private static let barWidth = 16.0
  private static let gradientID = "color-scale"

  public func svg() -> String {
    var document = SVGDocument(width: width, height: height)
    if !title.isEmpty { document.append(SVGElement("title", text: title)) }
    document.append(.rect(x: 0, y: 0, width: width, height: height, fill: .white))
    if !title.isEmpty {
      document.append(.label(title, x: width / 2, y: 26, anchor: .middle, size: 15, bold: true))
    }
    let size = Heatmap.labelFontSize
    let top = title.isEmpty ? 16.0 : 44.0
    guard rows > 0 && cols > 0 else {
      document.append(.label("(no data)", x: width / 2, y: height / 2, anchor: .middle))
      return document.svg()
    }

    // Column labels turn vertical when they would not fit side by side.
    let rowLabelWidth = rowLabels.map { TextMetrics.width($0, size: size) }.max() ?? 0
    let columnLabelWidth = columnLabels.map { TextMetrics.width($0, size: size) }.max() ?? 0
    let range = resolvedRange
    let scaleLabels = [range.upperBound, range.lowerBound].map { TickLabel.compact($0) }
    let scaleLabelWidth =
      scaleLabels.map { TextMetrics.width($0, size: size) }.max() ?? 0
    let left = 12 + (yLabel.isEmpty ? 0 : 22) + (rowLabels.isEmpty ? 0 : rowLabelWidth + 6)
    let right = width - (16 + Heatmap.barWidth + 6 + scaleLabelWidth + 12)
    let gridWidth = Swift.max(10, right - left)
    let cellWidth = gridWidth / Double(cols)
    let rotated = columnLabelWidth + 4 > cellWidth
    let columnLabelHeight =
      columnLabels.isEmpty ? 0 : (rotated ? columnLabelWidth + 6 : size + 8)
    let bottom = height - (12 + columnLabelHeight + (xLabel.isEmpty ? 0 : 22))
    let gridHeight = Swift.max(10, bottom - top)
    let cellHeight = gridHeight / Double(rows)

    // Cells.
    var cells: [SVGElement] = []
    cells.reserveCapacity(rows * cols)
    var annotations: [SVGElement] = []
    let annotate =
      showsValues && cellHeight >= size + 4
      && cellWidth
        >= TextMetrics.width(String(repeating: "0", count: valueDecimals + 3), size: size)
    for (i, row) in values.enumerated() {
      for (j, value) in row.enumerated() {
        let x = left + Double(j) * cellWidth
        let y = top + Double(i) * cellHeight
        let fill = color(of: value, in: range)
        var cell = SVGElement.rect(
          x: x, y: y, width: cellWidth, height: cellHeight, fill: fill)
        cell.setAttribute("class", "cell")
        cells.append(cell)
        if annotate && value.isFinite {
          annotations.append(
            .label(
              NumberText.fixed(value, decimals: valueDecimals, minus: TickLabel.minus),
              x: x + cellWidth / 2, y: y + cellHeight / 2 + size * 0.35, anchor: .middle,
              size: size, color: fill.luminance > 0.5 ? .black : .white))
        }
      }
    }
    document.append(.group(["class": "cells"], cells))
    if !annotations.isEmpty { document.append(.group(["class": "values"], annotations)) }
    document.append(
      .rect(
        x: left, y: top, width: gridWidth, height: gridHeight, fill: nil, stroke: .darkGray))

    // Row and column labels, thinned to every k-th when crowded.
    var labels: [SVGElement] = []
    if !rowLabels.isEmpty {
      let every = Swift.max(1, Int((size + 2) / cellHeight.nextUp) + 1)
      for (i, text) in rowLabels.prefix(rows).enumerated() where i % every == 0 {
        labels.append(
          .label(
            text, x: left - 6, y: top + (Double(i) + 0.5) * cellHeight + size * 0.35,
            anchor: .end, size: size))
      }
    }
    if !columnLabels.isEmpty {
      let slot = rotated ? size + 2 : columnLabelWidth + 8
      let every = Swift.max(1, Int(slot / cellWidth.nextUp) + 1)
      for (j, text) in columnLabels.prefix(cols).enumerated() where j % every == 0 {
        let x = left + (Double(j) + 0.5) * cellWidth
        if rotated {
          labels.append(
            .label(
              text, x: x + size * 0.35, y: bottom + 6, anchor: .end, size: size, rotation: -90))
        } else {
          labels.append(.label(text, x: x, y: bottom + 4 + size, anchor: .middle, size: size))
        }
      }
    }
    if !xLabel.isEmpty {
      labels.append(
        .label(xLabel, x: left + gridWidth / 2, y: height - 12, anchor: .middle, size: 13))
    }
    if !yLabel.isEmpty {
      labels.append(
        .label(yLabel, x: 22, y: top + gridHeight / 2, anchor: .middle, size: 13, rotation: -90))
    }
    if !labels.isEmpty { document.append(.group(["class": "labels"], labels)) }

    document.append(colorBar(x: right + 16, top: top, height: gridHeight, labels: scaleLabels))
    return document.svg()
  }

  /// The color bar: a vertical gradient with the maximum at the top and the minimum at the
  /// bottom (and zero in the middle of a diverging scale).
  private func colorBar(
    x: Double, top: Double, height: Double, labels: [TickLabel]
  )
    -> SVGElement
  {
    let size = Heatmap.labelFontSize
    let stops = colorScale.stops
    // The gradient runs bottom to top, so the first stop (low values) is at the bottom.
    let gradientStops = stops.enumerated().map { index, color in
      SVGElement(
        "stop",
        [
          "offset": NumberText.coordinate(Double(index) / Double(stops.count - 1), decimals: 4),
          "stop-color": color.hexString,
        ])
    }
    let gradient = SVGElement(
      "linearGradient",
      ["id": Heatmap.gradientID, "x1": "0", "y1": "1", "x2": "0", "y2": "0"],
      children: gradientStops)
    var bar = SVGElement.rect(
      x: x, y: top, width: Heatmap.barWidth, height: height, fill: nil, stroke: .darkGray)
    bar.setAttribute("fill", "url(#\(Heatmap.gradientID))")
    var children = [
      SVGElement("defs", children: [gradient]),
      bar,
    ]
    let labelX = x + Heatmap.barWidth + 5
    if let maximum = labels.first {
      children.append(.label(maximum, x: labelX, y: top + size * 0.8, size: size))
    }
    if let minimum = labels.last {
      children.append(.label(minimum, x: labelX, y: top + height, size: size))
    }
    if colorScale.kind == .diverging {
      let range = resolvedRange
      if range.lowerBound < 0 && range.upperBound > 0 {
        let t = range.upperBound / (range.upperBound - range.lowerBound)
        children.append(
          .label("0", x: labelX, y: top + t * height + size * 0.35, size: size))
      }
    }
    return .group(["class": "color-bar"], children)
  }
}
