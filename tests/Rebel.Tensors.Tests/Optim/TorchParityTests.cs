using Rebel.Tensors.Optim;

namespace Rebel.Tensors.Tests.Optim;

/// <summary>AdamW, SGD, clipping and schedules against torch.optim trajectories (tools/make_optimizer_fixtures.py).</summary>
public class TorchParityTests
{
    private static IEnumerable<string> Scenarios() => TorchTrajectories.ScenarioNames();

    [TestCaseSource(nameof(Scenarios))]
    public void Replay_MatchesTorchTrajectory(string name)
    {
        var scenario = TorchTrajectories.Scenario(name);
        var parameters = TorchTrajectories.InitialParameters(scenario);
        var optimizer = TorchTrajectories.Optimizer(scenario, parameters);
        var steps = scenario.GetProperty("steps");
        double worst = 0;
        string worstAt = "";
        TorchTrajectories.Replay(scenario, optimizer, TorchTrajectories.Schedule(scenario), 0, steps.GetArrayLength(), (step, norm, lr) =>
        {
            var record = steps[step];
            Assert.That(lr, Is.EqualTo(record.GetProperty("lr").GetDouble()).Within(1e-12).Percent, $"η at step {step}");
            if (!double.IsNaN(norm))
                Assert.That(norm, Is.EqualTo(record.GetProperty("norm").GetDouble()).Within(1e-4).Percent, $"clip norm at step {step}");
            foreach (var p in parameters)
            {
                var expected = TorchTrajectories.Floats(record.GetProperty("params").GetProperty(p.Name!));
                var actual = p.ToArray();
                // Relative error, with the tensor's RMS as a floor: an element that lands near zero by cancellation
                // (θ − η·d with both terms O(1)) carries float32 rounding of its O(1) operands, which no reordering avoids.
                double rms = Math.Sqrt(expected.Average(x => (double)x * x));
                for (int i = 0; i < actual.Length; i++)
                {
                    double error = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), rms);
                    if (error > worst) (worst, worstAt) = (error, $"{p.Name}[{i}] at step {step}: {actual[i]:R} vs torch {expected[i]:R}");
                }
            }
        });
        TestContext.Out.WriteLine($"{name}: worst relative difference {worst:E2} ({worstAt})");
        Assert.That(worst, Is.LessThanOrEqualTo(1e-6), worstAt);
    }

    [Test]
    public void Replay_ParameterWithoutGradient_IsSkippedAndKeepsItsOwnStepCount()
    {
        var scenario = TorchTrajectories.Scenario("adamw_cosine_clip");
        var parameters = TorchTrajectories.InitialParameters(scenario);
        var optimizer = (AdamW)TorchTrajectories.Optimizer(scenario, parameters);
        float[]? before = null;
        TorchTrajectories.Replay(scenario, optimizer, TorchTrajectories.Schedule(scenario), 0, 2, (step, _, _) =>
        {
            if (step == 0) before = parameters.Single(p => p.Name == "sometimes").ToArray();
        });
        Assert.That(parameters.Single(p => p.Name == "sometimes").ToArray(), Is.EqualTo(before), "no gradient at step 1: unchanged, no weight decay");
        Assert.That(optimizer.StepCount, Is.EqualTo(2));
        Assert.That(optimizer.ParameterStep(Array.FindIndex(parameters, p => p.Name == "sometimes")), Is.EqualTo(1));
        Assert.That(optimizer.ParameterStep(Array.FindIndex(parameters, p => p.Name == "w")), Is.EqualTo(2));
    }
}
