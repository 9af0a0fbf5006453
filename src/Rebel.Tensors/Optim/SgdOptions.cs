namespace Rebel.Tensors.Optim;

/// <summary>Hyper-parameters of <see cref="Sgd"/>, as torch.optim.SGD.</summary>
public sealed record SgdOptions
{
    /// <summary>Learning rate η (default 1e-2). A schedule may override it per step through <see cref="IOptimizer.LearningRate"/>.</summary>
    public double LearningRate { get; init; } = 1e-2;

    /// <summary>Momentum μ (default 0: plain SGD), in [0, 1).</summary>
    public double Momentum { get; init; }

    /// <summary>Dampening τ of the momentum buffer (default 0): b ← μ·b + (1 − τ)·g; in [0, 1].</summary>
    public double Dampening { get; init; }

    /// <summary>L2 weight decay λ added to the gradient (default 0): g ← g + λ·θ; ≥ 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Nesterov momentum (default false): the update uses g + μ·b instead of b. Needs μ &gt; 0 and τ = 0.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> or <see cref="ArgumentException"/> naming the invalid values.</summary>
    public SgdOptions Validate()
    {
        if (!(LearningRate >= 0) || double.IsInfinity(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learning rate must be finite and ≥ 0");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "momentum μ must be in [0, 1)");
        if (!(Dampening >= 0 && Dampening <= 1)) throw new ArgumentOutOfRangeException(nameof(Dampening), Dampening, "dampening τ must be in [0, 1]");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "weight decay must be finite and ≥ 0");
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
            throw new ArgumentException($"Nesterov momentum needs momentum > 0 and dampening = 0 (got momentum {Momentum}, dampening {Dampening})");
        return this;
    }
}
