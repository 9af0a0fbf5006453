using System.Text.Json.Nodes;

namespace Rebel.Models.Training;

/// <summary>One line of an SFT <c>metrics.jsonl</c>, as <see cref="SftTrainer.TrainTo"/> writes it (for <c>rebel sft</c> and the
/// reference stage of <c>rebel train</c>).</summary>
internal static class SftMetricsLine
{
    /// <summary>The first keys, in this order: <c>step</c>, <c>loss/train</c>, <c>loss/eval</c> (null between
    /// evaluations) and <c>optim/lr</c>; the trainer appends the gradient norm and the step time.</summary>
    public static JsonObject Of(SftMetrics m) => new()
    {
        ["step"] = m.Step, ["loss/train"] = m.TrainLoss, ["loss/eval"] = m.EvalLoss, ["optim/lr"] = m.LearningRate,
    };
}
