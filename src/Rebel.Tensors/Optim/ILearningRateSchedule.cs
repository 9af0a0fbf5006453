namespace Rebel.Tensors.Optim;

/// <summary>A learning rate as a function of the optimizer step.</summary>
public interface ILearningRateSchedule
{
    /// <summary>η for the update with 0-based index <paramref name="step"/> (the first <see cref="IOptimizer.Step"/> is step 0).</summary>
    double LearningRate(long step);
}
