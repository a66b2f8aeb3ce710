package org.sparktrain.losses.retrieval;

/**
 * The error function φ applied to (margin − target) by {@link RelevanceMarginLoss} (config {@code error_fn} of
 * webis-de/adaptive-relevance-margin-loss): {@code L2} φ(x)=x² (all published runs), {@code L1} φ(x)=|x|,
 * {@code SOFT} φ(x)=log(1+e^{−x}).
 */
public enum MarginErrorFunction {
    L2 {
        @Override
        public double value(double x) {
            return x * x;
        }

        @Override
        public double derivative(double x) {
            return 2 * x;
        }
    },
    /** |x|; its derivative at 0 is taken as 0 (the subgradient torch's {@code abs} uses). */
    L1 {
        @Override
        public double value(double x) {
            return Math.abs(x);
        }

        @Override
        public double derivative(double x) {
            return Math.signum(x);
        }
    },
    /** log(1+e^{−x}), evaluated stably as softplus(−x). */
    SOFT {
        @Override
        public double value(double x) {
            double y = -x;
            return Math.max(y, 0) + Math.log1p(Math.exp(-Math.abs(y)));
        }

        @Override
        public double derivative(double x) {
            // d/dx log(1+e^{-x}) = -1/(1+e^{x})
            return x >= 0 ? -Math.exp(-x) / (1 + Math.exp(-x)) : -1 / (1 + Math.exp(x));
        }
    };

    public abstract double value(double x);

    public abstract double derivative(double x);
}
