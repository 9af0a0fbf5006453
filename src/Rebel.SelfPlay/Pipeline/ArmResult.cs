namespace Rebel.SelfPlay.Pipeline;

/// <summary>One REBEL run of the pipeline: its final checkpoint and every checkpoint written.</summary>
internal sealed record ArmResult(string Final, IReadOnlyList<(int Iteration, string Path)> Checkpoints);
