public enum RNNPlot {}
