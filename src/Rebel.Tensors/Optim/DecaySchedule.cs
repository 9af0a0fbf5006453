namespace Rebel.Tensors.Optim;

/// <summary>
/// Base of the schedules that decay from η_peak to η_min after warmup, over steps W … T: with progress
/// p = clamp((s − W) / (T − W), 0, 1) (p = 1 when T = W), η(s) = η_min + (η_peak − η_min) · <see cref="Shape"/>(p),
/// where the shape falls from 1 at p = 0 to 0 at p = 1. Steps past T stay at η_min.
/// </summary>
public abstract class DecaySchedule : WarmupSchedule
{
    /// <param name="peakLearningRate">η_peak; finite and ≥ 0.</param>
    /// <param name="warmupSteps">W ≥ 0.</param>
    /// <param name="totalSteps">T ≥ W, the step at which η reaches η_min.</param>
    /// <param name="minLearningRate">η_min, in [0, η_peak].</param>
    protected DecaySchedule(double peakLearningRate, long warmupSteps, long totalSteps, double minLearningRate)
        : base(peakLearningRate, warmupSteps)
    {
        if (totalSteps < warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"total steps must be ≥ warmup steps ({warmupSteps})");
        if (!(minLearningRate >= 0 && minLearningRate <= peakLearningRate))
            throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate, $"min learning rate must be in [0, {peakLearningRate}]");
        TotalSteps = totalSteps;
        MinLearningRate = minLearningRate;
    }

    /// <summary>T, the step at which the decay ends.</summary>
    public long TotalSteps { get; }

    /// <summary>η_min.</summary>
    public double MinLearningRate { get; }

    /// <inheritdoc/>
    protected sealed override double AfterWarmup(long step)
    {
        double progress = TotalSteps > WarmupSteps
            ? Math.Clamp((double)(step - WarmupSteps) / (TotalSteps - WarmupSteps), 0, 1)   // p = (s − W) / (T − W)
            : 1;
        return MinLearningRate + (PeakLearningRate - MinLearningRate) * Shape(progress);    // η_min + (η_peak − η_min)·f(p)
    }

    /// <summary>f(p) for p in [0, 1], with f(0) = 1 and f(1) = 0.</summary>
    protected abstract double Shape(double progress);
}
