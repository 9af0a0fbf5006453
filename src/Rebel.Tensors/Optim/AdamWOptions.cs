namespace Rebel.Tensors.Optim;

/// <summary>Hyper-parameters of <see cref="AdamW"/> (Loshchilov &amp; Hutter, decoupled weight decay), as torch.optim.AdamW.</summary>
public sealed record AdamWOptions
{
    /// <summary>Learning rate η (default 1e-3). A schedule may override it per step through <see cref="IOptimizer.LearningRate"/>.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>β₁, decay of the first-moment average m (default 0.9), in [0, 1).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>β₂, decay of the second-moment average v (default 0.999), in [0, 1).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε added to √v̂ in the denominator (default 1e-8), &gt; 0.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>Decoupled weight decay λ (default 0.01, as PyTorch): θ ← θ·(1 − η·λ) before the Adam update; ≥ 0.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid value.</summary>
    public AdamWOptions Validate()
    {
        if (!(LearningRate >= 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be finite and ≥ 0");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "β₁ must be in [0, 1)");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "β₂ must be in [0, 1)");
        if (!(Epsilon > 0) || double.IsInfinity(Epsilon)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "ε must be finite and > 0");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "weight decay must be finite and ≥ 0");
        return this;
    }
}
