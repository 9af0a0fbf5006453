using System.Text.Json.Nodes;
namespace Rebel.Models.Training;

/// <summary>One line of an SFT <c>metrics.jsonl</c>, as <c>rebel sft</c> and the reference stage of <c>rebel train</c> write it.</summary>
public static class SftMetricsLine
{
    /// <summary>The keys both write, in this order: <c>step</c>, <c>loss/train</c>, <c>loss/eval</c> (null between
    /// evaluations) and <c>optim/lr</c>; a caller may append more.</summary>
    public static JsonObject Of(SftMetrics m) => new()
    {
        ["step"] = m.Step, ["loss/train"] = m.TrainLoss, ["loss/eval"] = m.EvalLoss, ["optim/lr"] = m.LearningRate,
    };
}
