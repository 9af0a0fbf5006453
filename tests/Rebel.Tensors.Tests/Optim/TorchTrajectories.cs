using System.Text.Json;
using Rebel.Tensors.Optim;

namespace Rebel.Tensors.Tests.Optim;

/// <summary>The fixture written by tools/make_optimizer_fixtures.py (torch.optim trajectories), and a replay of it.</summary>
internal sealed class TorchTrajectories
{
    private static readonly string FixturePath =
        Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "optim", "trajectories.json");

    private static readonly Lazy<JsonElement> Root = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(FixturePath));
        return doc.RootElement.Clone();
    });

    internal static IEnumerable<string> ScenarioNames() =>
        Root.Value.GetProperty("scenarios").EnumerateArray().Select(s => s.GetProperty("name").GetString()!);

    internal static JsonElement Scenario(string name) =>
        Root.Value.GetProperty("scenarios").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    internal static float[] Floats(JsonElement array) => array.EnumerateArray().Select(x => (float)x.GetDouble()).ToArray();

    /// <summary>Fresh parameters (named, shaped) holding the scenario's initial values.</summary>
    internal static Tensor[] InitialParameters(JsonElement scenario)
    {
        var shapes = scenario.GetProperty("shapes");
        return scenario.GetProperty("initial").EnumerateObject().Select(p =>
        {
            var shape = shapes.GetProperty(p.Name).EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var t = Tensor.FromArray(Floats(p.Value), shape);
            t.Name = p.Name;
            t.RequiresGrad = true;
            return t;
        }).ToArray();
    }

    internal static IOptimizer Optimizer(JsonElement scenario, Tensor[] parameters)
    {
        var o = scenario.GetProperty("options");
        return o.GetProperty("optimizer").GetString() switch
        {
            "adamw" => new AdamW(parameters, new AdamWOptions
            {
                LearningRate = o.GetProperty("lr").GetDouble(),
                Beta1 = o.GetProperty("beta1").GetDouble(),
                Beta2 = o.GetProperty("beta2").GetDouble(),
                Epsilon = o.GetProperty("eps").GetDouble(),
                WeightDecay = o.GetProperty("weight_decay").GetDouble(),
            }),
            "sgd" => new Sgd(parameters, new SgdOptions
            {
                LearningRate = o.GetProperty("lr").GetDouble(),
                Momentum = o.GetProperty("momentum").GetDouble(),
                Dampening = o.GetProperty("dampening").GetDouble(),
                WeightDecay = o.GetProperty("weight_decay").GetDouble(),
                Nesterov = o.GetProperty("nesterov").GetBoolean(),
            }),
            var other => throw new InvalidDataException($"unknown optimizer {other}"),
        };
    }

    internal static ILearningRateSchedule Schedule(JsonElement scenario)
    {
        var s = scenario.GetProperty("schedule");
        double peak = s.GetProperty("peak").GetDouble(), min = s.GetProperty("min").GetDouble();
        long warmup = s.GetProperty("warmup").GetInt64(), total = s.GetProperty("total").GetInt64();
        return s.GetProperty("kind").GetString() switch
        {
            "constant" => new ConstantSchedule(peak, warmup),
            "linear" => new LinearDecaySchedule(peak, warmup, total, min),
            "cosine" => new CosineDecaySchedule(peak, warmup, total, min),
            var other => throw new InvalidDataException($"unknown schedule {other}"),
        };
    }

    /// <summary>
    /// Runs steps [from, to) of the scenario: set the recorded gradients, clip (when the scenario clips), set η from
    /// the schedule, step. <paramref name="onStep"/> sees the step index, the clip norm (NaN when not clipping) and η.
    /// </summary>
    internal static void Replay(JsonElement scenario, IOptimizer optimizer, ILearningRateSchedule schedule, int from, int to,
        Action<int, double, double>? onStep = null)
    {
        var steps = scenario.GetProperty("steps");
        var clip = scenario.GetProperty("clip");
        for (int step = from; step < to; step++)
        {
            var grads = steps[step].GetProperty("grads");
            foreach (var p in optimizer.Parameters)
            {
                var g = grads.GetProperty(p.Name!);
                p.Grad = g.ValueKind == JsonValueKind.Null ? null : Tensor.FromArray(Floats(g), p.ShapeArray);
            }
            double norm = clip.ValueKind == JsonValueKind.Null ? double.NaN : GradientClipping.ClipByGlobalNorm(optimizer.Parameters, clip.GetDouble());
            optimizer.LearningRate = schedule.LearningRate(step);
            optimizer.Step();
            onStep?.Invoke(step, norm, optimizer.LearningRate);
        }
    }
}
