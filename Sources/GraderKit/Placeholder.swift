public enum GraderKit {}
