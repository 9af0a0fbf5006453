using Rebel.Tensors.Optim;

namespace Rebel.Tensors.Tests.Optim;

public class LearningRateScheduleTests
{
    [Test]
    public void ConstantSchedule_WarmsUpLinearlyThenHolds()
    {
        var s = new ConstantSchedule(0.4, warmupSteps: 4);
        Assert.That(Enumerable.Range(0, 7).Select(i => s.LearningRate(i)), Is.EqualTo(new[] { 0.1, 0.2, 0.3, 0.4, 0.4, 0.4, 0.4 }).Within(1e-15));
        Assert.That(new ConstantSchedule(0.5).LearningRate(0), Is.EqualTo(0.5));
    }

    [Test]
    public void LinearDecaySchedule_FallsToMinAtTotalAndStays()
    {
        var s = new LinearDecaySchedule(1.0, warmupSteps: 2, totalSteps: 6, minLearningRate: 0.2);
        // warmup 0.5, 1; then p = 0, ¼, ½, ¾, 1 → 1, 0.8, 0.6, 0.4, 0.2; then 0.2.
        Assert.That(Enumerable.Range(0, 9).Select(i => s.LearningRate(i)),
            Is.EqualTo(new[] { 0.5, 1.0, 1.0, 0.8, 0.6, 0.4, 0.2, 0.2, 0.2 }).Within(1e-15));
    }

    [Test]
    public void CosineDecaySchedule_FollowsHalfCosine()
    {
        var s = new CosineDecaySchedule(2.0, warmupSteps: 0, totalSteps: 4, minLearningRate: 0.0);
        // p = 0, ¼, ½, ¾, 1 → 2·½(1 + cos πp)
        Assert.That(Enumerable.Range(0, 6).Select(i => s.LearningRate(i)),
            Is.EqualTo(new[] { 2.0, 1 + Math.Sqrt(0.5), 1.0, 1 - Math.Sqrt(0.5), 0.0, 0.0 }).Within(1e-15));
    }

    [Test]
    public void DecaySchedule_TotalEqualsWarmup_IsMinAfterWarmup()
    {
        var s = new CosineDecaySchedule(1.0, warmupSteps: 2, totalSteps: 2, minLearningRate: 0.1);
        Assert.That(new[] { s.LearningRate(0), s.LearningRate(1), s.LearningRate(2) }, Is.EqualTo(new[] { 0.5, 1.0, 0.1 }).Within(1e-15));
    }

    [Test]
    public void Schedules_TorchScenarios_MatchLambdaLR()
    {
        foreach (var name in TorchTrajectories.ScenarioNames())
        {
            var scenario = TorchTrajectories.Scenario(name);
            var schedule = TorchTrajectories.Schedule(scenario);
            var steps = scenario.GetProperty("steps");
            for (int i = 0; i < steps.GetArrayLength(); i++)
                Assert.That(schedule.LearningRate(i), Is.EqualTo(steps[i].GetProperty("lr").GetDouble()).Within(1e-12).Percent, $"{name} step {i}");
        }
    }

    [Test]
    public void Schedules_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(1, warmupSteps: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearDecaySchedule(1, warmupSteps: 5, totalSteps: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecaySchedule(1, 0, 10, minLearningRate: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(1).LearningRate(-1));
    }
}
