namespace Rebel.Models.Training;

/// <summary>One logged SFT step: keys are written to metrics.jsonl with prefixes (<c>loss/train</c>, <c>loss/eval</c>, ...).</summary>
/// <param name="Step">1-based step number.</param>
/// <param name="TrainLoss">Mean completion-token negative log-likelihood of this step's batch.</param>
/// <param name="EvalLoss">The same over the held-out split, on steps where it was evaluated, else null.</param>
/// <param name="LearningRate">η used by this step.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
/// <param name="Seconds">Wall time of the step (forward, backward, update).</param>
public sealed record SftMetrics(int Step, double TrainLoss, double? EvalLoss, double LearningRate, double GradNorm, double Seconds);
