namespace Rebel.Tensors.Optim;

/// <summary>Linear warmup, then linear decay to η_min at step T: f(p) = 1 − p (see <see cref="DecaySchedule"/>).</summary>
public sealed class LinearDecaySchedule(double peakLearningRate, long warmupSteps, long totalSteps, double minLearningRate = 0)
    : DecaySchedule(peakLearningRate, warmupSteps, totalSteps, minLearningRate)
{
    /// <inheritdoc/>
    protected override double Shape(double progress) => 1 - progress;
}
