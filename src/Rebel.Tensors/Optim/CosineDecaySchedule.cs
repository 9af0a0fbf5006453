namespace Rebel.Tensors.Optim;

/// <summary>Linear warmup, then half-cosine decay to η_min at step T: f(p) = ½·(1 + cos(π·p)) (see <see cref="DecaySchedule"/>).</summary>
public sealed class CosineDecaySchedule(double peakLearningRate, long warmupSteps, long totalSteps, double minLearningRate = 0)
    : DecaySchedule(peakLearningRate, warmupSteps, totalSteps, minLearningRate)
{
    /// <inheritdoc/>
    protected override double Shape(double progress) => 0.5 * (1 + Math.Cos(Math.PI * progress));
}
