namespace Rebel.Tensors.Optim;

/// <summary>
/// Base of the schedules with a linear warmup: for step s &lt; W, η(s) = η_peak · (s + 1) / W (so step W − 1 reaches
/// η_peak and step 0 is already non-zero); from step W on, η(s) = <see cref="AfterWarmup"/>(s).
/// </summary>
public abstract class WarmupSchedule : ILearningRateSchedule
{
    /// <param name="peakLearningRate">η_peak, reached at the end of warmup; finite and ≥ 0.</param>
    /// <param name="warmupSteps">W ≥ 0 (0: no warmup).</param>
    protected WarmupSchedule(double peakLearningRate, long warmupSteps)
    {
        if (!(peakLearningRate >= 0) || double.IsInfinity(peakLearningRate))
            throw new ArgumentOutOfRangeException(nameof(peakLearningRate), peakLearningRate, "peak learning rate must be finite and ≥ 0");
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        PeakLearningRate = peakLearningRate;
        WarmupSteps = warmupSteps;
    }

    /// <summary>η_peak.</summary>
    public double PeakLearningRate { get; }

    /// <summary>W, the number of warmup steps.</summary>
    public long WarmupSteps { get; }

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return step < WarmupSteps
            ? PeakLearningRate * (step + 1) / WarmupSteps          // η_peak · (s + 1) / W
            : AfterWarmup(step);
    }

    /// <summary>η(s) for s ≥ W.</summary>
    protected abstract double AfterWarmup(long step);
}
