namespace Rebel.Tensors.Optim;

/// <summary>Linear warmup to η_peak over W steps, then constant: η(s) = η_peak for s ≥ W.</summary>
public sealed class ConstantSchedule(double learningRate, long warmupSteps = 0) : WarmupSchedule(learningRate, warmupSteps)
{
    /// <inheritdoc/>
    protected override double AfterWarmup(long step) => PeakLearningRate;
}
