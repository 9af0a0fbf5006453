namespace Rebel.SelfPlay.Training;

/// <summary>
/// Training produced a NaN or infinite loss, gradient or parameter. The run stops without writing a checkpoint, so
/// the last good checkpoint on disk stays the newest.
/// </summary>
public sealed class TrainingDivergedException(int iteration, string what, string? lastCheckpoint)
    : RebelException($"Training diverged at iteration {iteration}: {what}. " +
                (lastCheckpoint is null ? "No checkpoint was written yet." : $"The last good checkpoint is {lastCheckpoint}."))
{
    /// <summary>The iteration that diverged.</summary>
    public int Iteration { get; } = iteration;

    /// <summary>The newest checkpoint directory, kept intact (null if none was written).</summary>
    public string? LastCheckpoint { get; } = lastCheckpoint;
}
